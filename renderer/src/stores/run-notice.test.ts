import { describe, expect, it } from 'vitest';
import { createClient } from '../bridge/client';
import { memoryStorage } from '../lib/storage';
import type { Plan } from '../lib/types';
import { createFakeBridge } from '../testing/fake-bridge';
import { createStores } from '.';

const plan: Plan = { format: 'patchbay-plan', formatVersion: 1, id: 'plan-1', createdAt: '2026-03-04T10:00:00Z', solution: 'ContosoOperations', environments: [], steps: [], warnings: [] };

/** Runs a plan to its end through the stores, on the given screen, and returns the toasts it left. */
async function finishRunOn(screen: 'matrix' | 'history') {
  const bridge = createFakeBridge({ 'run:start': () => ({ runId: 'run-1' }), 'history:list': () => [], 'workspace:scan': () => { throw new Error('not needed'); } });
  const { stores, start } = createStores(createClient(bridge), memoryStorage({}));
  const stop = start();
  stores.app.getState().go(screen);
  await stores.runs.getState().start(plan, null, 'Wire');
  bridge.emit('run:finished', { runId: 'run-1', result: { runId: 'run-1', planId: 'plan-1', steps: [], summary: { done: 0, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 }, cancelled: false }, error: null });
  stop();
  expect(stores.runs.getState().status).toBe('finished');
  return stores.notifications.getState().notices;
}

describe('the end of a run', () => {
  it('is told by the Results region on the matrix, without a toast over it', async () => {
    expect(await finishRunOn('matrix')).toEqual([]);
  });

  it('is a toast for the person on another screen', async () => {
    expect(await finishRunOn('history')).toEqual([{ id: 1, level: 'success', title: 'Wire finished', message: '0 done, 0 skipped, 0 failed.' }]);
  });
});
