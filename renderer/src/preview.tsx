import { createRoot } from 'react-dom/client';
import { createClient } from './bridge/client';
import { App } from './features/shell/app';
import { memoryStorage } from './lib/storage';
import { createStores } from './stores';
import { createDemoBridge } from './testing/demo-backend';

/**
 * The preview page (renderer/preview.html, dev server only, never built): the real app over a synthetic
 * back end. `?envs=20&refs=500&flows=1400&vars=100` sizes it for render benchmarks.
 */
const params = new URLSearchParams(location.search);
const num = (key: string, fallback: number): number => {
  const n = Number(params.get(key));
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const bridge = createDemoBridge({ environments: num('envs', 4), references: num('refs', 9), flows: num('flows', 16), variables: num('vars', 5), seed: num('seed', 7) });
const { stores, start } = createStores(createClient(bridge), memoryStorage({ 'patchbay.solution': 'ContosoOperations', ...(params.get('theme') ? { 'patchbay.theme': params.get('theme') ?? 'system' } : {}) }));
start();
const container = document.getElementById('root');
if (container) createRoot(container).render(<App stores={stores} />);
