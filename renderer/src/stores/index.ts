import type { Client } from '../bridge/client';
import type { KeyValueStorage } from '../lib/storage';
import { createAccountsStore } from './accounts-store';
import { createAppStore } from './app-store';
import { createAuditStore } from './audit-store';
import { createEnvironmentsStore } from './environments-store';
import { createFilesStore } from './files-store';
import { createGridStore } from './grid-store';
import { createHistoryStore } from './history-store';
import { createNotificationsStore } from './notifications-store';
import { createReviewStore } from './review-store';
import { createRunStore } from './run-store';
import { createWorkspaceStore } from './workspace-store';

/**
 * Every store of the app, built over one client. Nothing here subscribes at import time: `start()`
 * subscribes to the main side's events and loads the first data; the caller owns the returned stop.
 */
export function createStores(client: Client, storage: KeyValueStorage) {
  const notifications = createNotificationsStore(client);
  const app = createAppStore(client, storage, { onError: (m) => notifications.getState().push('error', m, 'Could not open the link') });
  const environments = createEnvironmentsStore(client, storage);
  const workspace = createWorkspaceStore(client, storage, environments);
  const history = createHistoryStore(client);
  const audit = createAuditStore(client, { onExportError: (m) => notifications.getState().push('error', m, 'Export failed') });
  const refreshAfterSignIn = (): void => {
    void environments
      .getState()
      .load()
      .then(() => workspace.getState().loadSolutions())
      .then(() => workspace.getState().scanNow());
  };
  const accounts = createAccountsStore(client, { onSignedIn: refreshAfterSignIn });
  const runs = createRunStore(client, {
    onFinished: () => {
      const r = runs.getState();
      const c = r.counts;
      const failed = (c?.failed ?? 0) + (c?.conflicts ?? 0);
      const words = `${c?.done ?? 0} done, ${c?.skipped ?? 0} skipped, ${failed} failed${r.cancelled ? ' (cancelled)' : ''}.`;
      // On the matrix the Results region already says so (and a toast would cover its buttons); the toast
      // is for the person who went to another screen while the run went on.
      if (app.getState().screen !== 'matrix') notifications.getState().push(r.error || failed ? 'warning' : 'success', r.error ?? words, `${r.title} finished`);
      void workspace.getState().scanNow();
      void history.getState().load();
      if (audit.getState().status !== 'idle') void audit.getState().load();
    },
  });
  const review = createReviewStore(client, runs);
  const grid = createGridStore();
  const files = createFilesStore(client);

  const stores = { app, notifications, accounts, environments, workspace, grid, review, runs, audit, history, files };

  function start(): () => void {
    const stops = [notifications.getState().start(), accounts.getState().start(), runs.getState().listen()];
    let loadedFor: string | null = null;
    const reload = async (): Promise<void> => {
      loadedFor = environments.getState().selectedIds.join('|');
      await workspace.getState().loadSolutions();
      const ws = workspace.getState();
      if (ws.solution && environments.getState().selectedIds.length) await ws.scanNow();
    };
    // A different set of environments: solutions and the scan follow (debounced while ticking boxes).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offEnvironments = environments.subscribe((state, previous) => {
      if (state.selectedIds === previous.selectedIds || loadedFor === null) return;
      if (state.selectedIds.join('|') === loadedFor) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 500);
    });
    void app.getState().load();
    void accounts.getState().load();
    void history.getState().load();
    void environments.getState().load().then(reload);
    return () => {
      clearTimeout(timer);
      offEnvironments();
      for (const stop of stops) stop();
    };
  }

  return { stores, start };
}

export type Stores = ReturnType<typeof createStores>['stores'];
