import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from './apply';
import { openJournal, type Journal } from './journal';
import { FakeCloud, platformError } from './test-support/fake-cloud';
import { flowStep, makePlan, stateBefore, WHO, wireStep } from './test-support/plans';

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-bulk-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const fast = { retry: { delayMs: 0 } };
const flows = ['f1', 'f2', 'f3', 'f4', 'f5'];
const activateAll = (): ReturnType<typeof makePlan> => makePlan(flows.map((f) => flowStep('test', f, 'activate')));
const ops = (cloud: FakeCloud, op: string): string[] => cloud.calls.filter((c) => c.op === op).map((c) => c.target);

describe('apply with one bulk read per environment', () => {
  it('reads every target once in bulk and writes without a read per step', async () => {
    const plan = activateAll();
    const cloud = new FakeCloud(stateBefore(plan), { bulkReads: true });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.summary.done).toBe(5);
    expect(ops(cloud, 'readMany')).toEqual([flows.join(',')]);
    expect(ops(cloud, 'readFlow')).toEqual([]);
    expect(cloud.writes().map((w) => w.ifMatch)).toEqual(flows.map(() => 'W/"1"'));
    expect(result.steps.every((s) => s.observed && s.before === 'off' && s.after === 'on' && s.attempts === 1)).toBe(true);
  });

  it('goes back to a fresh read when the row changed after the bulk read (412), then writes', async () => {
    const plan = activateAll();
    const cloud = new FakeCloud(stateBefore(plan), { bulkReads: true });
    // Someone edits f2 (its state unchanged) and turns f3 on between the bulk read and the writes.
    let changed = false;
    cloud.intercept((call, c) => {
      if (call.op === 'setFlowState' && !changed) {
        changed = true;
        const f2 = c.state.flows['test']?.['f2'];
        if (f2) f2.version++;
        c.setFlow('test', 'f3', 'on');
      }
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    const byId = new Map(result.steps.map((s) => [s.stepId, s]));
    expect(byId.get('test:activate:f2')).toMatchObject({ status: 'done', attempts: 2 });
    expect(byId.get('test:activate:f3')).toMatchObject({ status: 'skipped', reason: 'already on', attempts: 2 });
    expect(ops(cloud, 'readFlow').sort()).toEqual(['f2', 'f3']);
    expect(cloud.state.flows['test']?.['f2']?.state).toBe('on');
  });

  it('never skips or calls a conflict on the bulk read alone: those rest on a fresh read', async () => {
    const plan = makePlan([...flows.map((f) => flowStep('test', f, 'activate')), wireStep('test', 'a', null, 'cx')]);
    const state = stateBefore(plan);
    const cloud = new FakeCloud(state, { bulkReads: true });
    cloud.setFlow('test', 'f1', 'on'); // already in the target state
    cloud.setReference('test', 'ref-a', 'cz'); // wired elsewhere: a conflict
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    const byId = new Map(result.steps.map((s) => [s.stepId, s]));
    expect(byId.get('test:activate:f1')).toMatchObject({ status: 'skipped' });
    expect(byId.get('test:wire:a')).toMatchObject({ status: 'conflict' });
    expect(ops(cloud, 'readFlow')).toEqual(['f1']);
    expect(ops(cloud, 'readReference')).toEqual(['ref-a']);
    expect(cloud.state.references['test']?.['ref-a']?.connectionId).toBe('cz');
  });

  it('falls back to a read per step when the bulk read fails', async () => {
    const plan = activateAll();
    const cloud = new FakeCloud(stateBefore(plan), { bulkReads: true });
    cloud.intercept((call) => {
      if (call.op === 'readMany') throw platformError('server', { status: 503 });
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.summary.done).toBe(5);
    expect(ops(cloud, 'readFlow').sort()).toEqual(flows);
  });

  it('skips the bulk read for a handful of targets', async () => {
    const plan = makePlan([flowStep('test', 'f1', 'activate'), flowStep('test', 'f2', 'activate')]);
    const cloud = new FakeCloud(stateBefore(plan), { bulkReads: true });
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(ops(cloud, 'readMany')).toEqual([]);
    expect(ops(cloud, 'readFlow').sort()).toEqual(['f1', 'f2']);
  });
});
