import { createRoot } from 'react-dom/client';
import { createClient } from './bridge/client';
import { App } from './features/shell/app';
import { memoryStorage } from './lib/storage';
import { createStores } from './stores';
import { createDemoBridge } from './testing/demo-backend';
import type { PlanAnswer, PlanRequest } from './testing/plan-worker';
import type { Intent, Plan } from './lib/types';

/**
 * The preview page (renderer/preview.html): the real app over a synthetic back end. The shipped build
 * never includes it; the dev server serves it, and the render benchmark (e2e/bench/render-bench.ts)
 * builds it on its own. `?envs=20&refs=500&flows=1400&vars=100` sizes it; `?planner=worker` plans off the UI thread.
 *
 * For the benchmark: `performance.mark('patchbay:scan-landed')` is set the moment a scan lands in the
 * store, and `?hold=scan` holds the first scan's answer until `window.patchbayPreview.releaseScan()`,
 * so the data arrives while the app is idle on its "Scanning" skeleton, as it does over IPC.
 */
const params = new URLSearchParams(location.search);
const num = (key: string, fallback: number): number => {
  const n = Number(params.get(key));
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const fixture = { environments: num('envs', 4), references: num('refs', 9), flows: num('flows', 16), variables: num('vars', 5), seed: num('seed', 7) };
const bridge = createDemoBridge(fixture);
let releaseScan = (): void => undefined;
const scanHandler = bridge.handlers['workspace:scan'];
if (params.get('hold') === 'scan' && scanHandler) {
  const held = new Promise<void>((resolve) => (releaseScan = resolve));
  bridge.handlers['workspace:scan'] = async (input) => {
    await held;
    return scanHandler(input);
  };
}
// As over IPC, the plan arrives in a later task than the click that asked for it (so the dialog can show
// "Planning…" first); with `?planner=worker` it is made off the UI thread, as the main process makes it in
// the app (Run then has no plan to run: for measuring only). Its time is measured as `patchbay:plan:build`.
const planHandler = bridge.handlers['plan:build'];
const planner = params.get('planner') === 'worker' ? new Worker(new URL('./testing/plan-worker.ts', import.meta.url), { type: 'module' }) : null;
planner?.postMessage({ id: 0, options: fixture } satisfies PlanRequest);
let planSeq = 0;
const planInWorker = (worker: Worker, intent: Intent): Promise<Plan> =>
  new Promise((resolve) => {
    const id = ++planSeq;
    const onAnswer = (event: MessageEvent<PlanAnswer>): void => {
      if (event.data.id !== id) return;
      worker.removeEventListener('message', onAnswer);
      resolve(event.data.plan);
    };
    worker.addEventListener('message', onAnswer);
    worker.postMessage({ id, options: fixture, intent, planId: `plan-w${id}` } satisfies PlanRequest);
  });
if (planHandler) {
  bridge.handlers['plan:build'] = async (input) => {
    const start = performance.now();
    try {
      if (planner) return await planInWorker(planner, input.intent);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return await planHandler(input);
    } finally {
      performance.measure('patchbay:plan:build', { start });
    }
  };
}
(window as Window & { patchbayPreview?: { releaseScan: () => void } }).patchbayPreview = { releaseScan: () => releaseScan() };
const { stores, start } = createStores(createClient(bridge), memoryStorage({ 'patchbay.solution': 'ContosoOperations', ...(params.get('theme') ? { 'patchbay.theme': params.get('theme') ?? 'system' } : {}) }));
stores.workspace.subscribe((state, previous) => {
  if (state.scan && state.scan !== previous.scan) performance.mark('patchbay:scan-landed');
});
start();
const container = document.getElementById('root');
if (container) createRoot(container).render(<App stores={stores} />);
