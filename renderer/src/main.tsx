import { createRoot } from 'react-dom/client';
import { createClient } from './bridge/client';
import { NoBridgeError, resolveBridge } from './bridge/resolve-bridge';
import { App, FatalScreen } from './features/shell/app';
import { browserStorage } from './lib/storage';
import { createStores } from './stores';

/** Resolves the transport (Electron preload or web host), builds the stores over one client, renders. */
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

try {
  const client = createClient(resolveBridge());
  const { stores, start } = createStores(client, browserStorage());
  start();
  root.render(<App stores={stores} />);
} catch (error) {
  root.render(<FatalScreen message={error instanceof NoBridgeError ? error.message : `Patchbay could not start: ${error instanceof Error ? error.message : String(error)}`} />);
}
