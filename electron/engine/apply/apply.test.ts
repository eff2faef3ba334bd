import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../../shared/engine/plan';
import { applyPlan } from './apply';
import { ApplyError } from './apply-error';
import { openJournal, type Journal } from './journal';
import { FakeCloud, platformError } from './test-support/fake-cloud';
import { flowStep, makePlan, OWNER, shareStep, stateBefore, targetOf, viewOf, widePlan, WHO, wireStep } from './test-support/plans';
import type { ProgressEvent } from './types';

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-apply-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const fast = { retry: { delayMs: 0 } };

/** share → wire → child → parent, the shape buildPlan produces. */
function chainPlan(): ReturnType<typeof makePlan> {
  return makePlan([
    shareStep('test', 'cy', OWNER),
    wireStep('test', 'a', null, 'cx'),
    wireStep('test', 'b', null, 'cy', ['test:share:cy|' + OWNER]),
    flowStep('test', 'child', 'activate', ['test:wire:a']),
    flowStep('test', 'parent', 'activate', ['test:wire:a', 'test:wire:b', 'test:activate:child', 'test:share:cy|' + OWNER]),
  ]);
}

function chainCloud(plan: ReturnType<typeof makePlan>, latencyMs = 2): FakeCloud {
  const state = stateBefore(plan);
  state.uses = { test: { child: { references: ['ref-a'], children: [] }, parent: { references: ['ref-a', 'ref-b'], children: ['child'] } } };
  return new FakeCloud(state, { latencyMs });
}

describe('applyPlan: order', () => {
  it('runs shares and wiring before activation, and children before parents', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.summary).toEqual({ done: 5, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 });
    expect(viewOf(cloud.state, targetOf(plan))).toEqual(targetOf(plan));
    const seqOf = (op: string, target: string): number => cloud.calls.find((c) => c.op === op && c.target === target)?.seq ?? -1;
    // A step reads only after every step it depends on has written.
    expect(seqOf('readReference', 'ref-b')).toBeGreaterThan(seqOf('share', `cy|${OWNER}`));
    expect(seqOf('readFlow', 'child')).toBeGreaterThan(seqOf('wire', 'ref-a'));
    expect(seqOf('readFlow', 'parent')).toBeGreaterThan(Math.max(seqOf('setFlowState', 'child'), seqOf('wire', 'ref-b')));
    expect(result.steps.map((s) => s.stepId)).toEqual(plan.steps.map((s) => s.id));
    expect(result.steps[4]).toMatchObject({ status: 'done', observed: true, before: 'off', after: 'on', inTargetState: true, attempts: 1, identity: plan.steps[4]?.identity, label: 'turn on Flow parent in Test' });
  });

  it('does not make independent steps wait for each other', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    // The share is held until wire a has written: were they serialised, this would never finish.
    let wiredA: () => void = () => undefined;
    const aWritten = new Promise<void>((resolve) => (wiredA = resolve));
    cloud.intercept(async (call) => {
      if (call.op === 'wire' && call.target === 'ref-a') wiredA();
      if (call.op === 'share') await aWritten;
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(result.summary.done).toBe(5);
  });

  it('writes with If-Match set to the ETag it just read', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.setReference('test', 'ref-a', null); // version 2
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(cloud.writes()).toMatchObject([{ op: 'wire', target: 'ref-a', value: 'cx', ifMatch: 'W/"2"' }]);
  });
});

describe('applyPlan: concurrency', () => {
  it('keeps at most the cap in flight per environment and runs environments in parallel', async () => {
    const { plan, state } = widePlan(['test', 'prod'], 30);
    // The first wave is slow, so every slot fills however slow the disk's fsync is today.
    const cloud = new FakeCloud(state, { latencyMs: (call) => (call.seq <= 12 ? 150 : 5) });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, concurrencyPerEnvironment: 3 });
    expect(result.summary.done).toBe(120);
    expect(result.summary).toMatchObject({ failed: 0, skipped: 0 });
    expect(cloud.maxInFlight('test')).toBe(3);
    expect(cloud.maxInFlight('prod')).toBe(3);
    const firstTwenty = cloud.calls.slice(0, 20).map((c) => c.env);
    expect(new Set(firstTwenty)).toEqual(new Set(['test', 'prod']));
  });

  it('takes a cap per environment', async () => {
    const { plan, state } = widePlan(['test', 'prod'], 6);
    const cloud = new FakeCloud(state, { latencyMs: (call) => (call.seq <= 12 ? 150 : 5) });
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, concurrencyPerEnvironment: (env) => (env === 'prod' ? 1 : 5) });
    expect(cloud.maxInFlight('prod')).toBe(1);
    expect(cloud.maxInFlight('test')).toBe(5);
  });

  it('defaults to 16', async () => {
    const { plan, state } = widePlan(['test'], 40);
    const cloud = new FakeCloud(state, { latencyMs: (call) => (call.seq <= 32 ? 150 : 5) });
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(cloud.maxInFlight('test')).toBe(16);
  });
});

describe('applyPlan: idempotence and conflicts', () => {
  it('skips what is already in the target state without writing', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    cloud.setReference('test', 'ref-a', 'cx');
    cloud.setFlow('test', 'child', 'on');
    const first = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(first.steps.map((s) => [s.status, s.reason])).toEqual([
      ['done', null],
      ['skipped', 'already wired to cx'],
      ['done', null],
      ['skipped', 'already on'],
      ['done', null],
    ]);
    expect(cloud.writes().map((c) => c.target)).toEqual([`cy|${OWNER}`, 'ref-b', 'parent']);
    // Run again: everything is already there; nothing is written.
    const before = cloud.writes().length;
    const second = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(second.summary).toMatchObject({ done: 0, skipped: 5 });
    expect(second.steps[0]?.reason).toBe('already shared with Lee Gu');
    expect(cloud.writes().length).toBe(before);
  });

  it('reports a conflict, and does not overwrite, when someone rewired since the plan', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    cloud.setReference('test', 'ref-a', 'conn-theirs');
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    const wireA = result.steps[1];
    expect(wireA).toMatchObject({ status: 'conflict', observed: true, before: 'conn-theirs', after: 'conn-theirs', inTargetState: false });
    expect(wireA?.reason).toContain('a is now wired to conn-theirs in Test, not to no connection');
    expect(cloud.state.references['test']?.['ref-a']?.connectionId).toBe('conn-theirs');
    expect(cloud.writes().some((c) => c.target === 'ref-a')).toBe(false);
    expect(result.steps[3]).toMatchObject({ status: 'skipped', reason: 'depends on wire a in Test which ended in a conflict' });
    expect(result.summary).toEqual({ done: 2, skipped: 2, failed: 0, cancelled: 0, conflicts: 1 });
  });

  it('reads again after a 412 (changed between read and write) and calls the conflict from the value it finds', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.intercept((call, c) => {
      if (call.op === 'wire') c.setReference('test', 'ref-a', 'conn-theirs');
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'conflict', attempts: 2, before: 'conn-theirs', inTargetState: false });
    expect(result.steps[0]?.reason).toBe('a is now wired to conn-theirs in Test, not to no connection as planned from; someone changed it after the plan was made, so it was left as it is: scan and plan again.');
    expect(cloud.state.references['test']?.['ref-a']?.connectionId).toBe('conn-theirs');
    expect(cloud.writes()).toHaveLength(1);
  });

  it('skips, after a 412, a row someone else set to the planned value', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.intercept((call, c) => {
      if (call.op === 'wire') c.setReference('test', 'ref-a', 'cx');
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'skipped', reason: 'already wired to cx', attempts: 2, inTargetState: true });
    expect(cloud.writes()).toHaveLength(1);
  });

  it('writes again with the fresh ETag after a 412 that changed nothing the plan is about', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    let edited = false;
    cloud.intercept((call, c) => {
      const row = c.state.references['test']?.['ref-a'];
      if (call.op === 'wire' && !edited && row) {
        edited = true;
        row.version++; // another column, edited by someone else
      }
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'done', attempts: 2, reason: null });
    expect(cloud.writes().map((w) => w.ifMatch)).toEqual(['W/"1"', 'W/"2"']);
    expect(cloud.state.references['test']?.['ref-a']?.connectionId).toBe('cx');
  });

  it('confirms its own lost write that lands late, between the retry’s read and write', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    let wires = 0;
    cloud.intercept((call, c) => {
      if (call.op !== 'wire') return;
      wires++;
      if (wires === 1) throw platformError('timeout'); // the answer is lost; the write is still on its way
      if (wires === 2) c.setReference('test', 'ref-a', 'cx'); // … and lands just before the retry's write
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'done', attempts: 3, before: null, inTargetState: true, reason: expect.stringContaining('confirmed on re-read') as unknown });
    expect(cloud.writes()).toHaveLength(2);
  });

  it('calls a conflict on the 412 alone when the row changes under every write, and overwrites nothing', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx')]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.intercept((call, c) => {
      const row = c.state.references['test']?.['ref-a'];
      if (call.op === 'wire' && row) row.version++;
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'conflict', attempts: 4, error: { kind: 'concurrency', status: 412 } });
    expect(result.steps[0]?.reason).toBe('a changed in Test between reading and writing; nothing was overwritten: scan and plan again.');
    expect(cloud.writes()).toHaveLength(4);
    expect(cloud.state.references['test']?.['ref-a']?.connectionId).toBeNull();
  });
});

describe('applyPlan: failures', () => {
  it('skips the dependents of a failed step, naming it, and carries on with the rest', async () => {
    const steps: PlanStep[] = [
      flowStep('test', 'child', 'activate'),
      flowStep('test', 'parent', 'activate', ['test:activate:child']),
      flowStep('test', 'grandparent', 'activate', ['test:activate:parent']),
      flowStep('test', 'other', 'activate'),
    ];
    const plan = makePlan(steps);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.intercept((call) => {
      if (call.op === 'setFlowState' && call.target === 'child') {
        throw platformError('forbidden', {
          status: 403,
          flowCode: 'ConnectionAuthorizationFailed',
          platformMessage: `The caller object id is '${OWNER}'. Connection '/providers/Microsoft.PowerApps/apis/shared_x/connections/conn-9' to 'shared_x' cannot be used to activate this flow.`,
        });
      }
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'done']);
    expect(result.steps[0]?.error).toMatchObject({ kind: 'forbidden', code: 'ConnectionAuthorizationFailed', message: `User ${OWNER} may not use connection conn-9: share it with them or act as its owner.` });
    expect(result.steps[0]?.error?.platformMessage).toContain('cannot be used to activate this flow');
    expect(result.steps[1]?.reason).toBe('depends on turn on Flow child in Test which failed');
    expect(result.steps[2]?.reason).toBe('depends on turn on Flow parent in Test which was skipped');
    expect(result.steps[1]).toMatchObject({ observed: false, attempts: 0, startedAt: null });
    expect(cloud.calls.some((c) => c.target === 'parent' || c.target === 'grandparent')).toBe(false);
  });

  it('turns the platform’s refusal into the rule that failed, when order was not enough', async () => {
    // No dependency declared: the parent goes first and the fake platform refuses it.
    const plan = makePlan([flowStep('test', 'parent', 'activate')]);
    const state = stateBefore(plan);
    state.flows['test'] = { parent: { state: 'off', version: 1, everOn: false }, child: { state: 'off', version: 1, everOn: false } };
    state.references['test'] = { cr_mail: { connectionId: null, version: 1 } };
    state.uses = { test: { parent: { references: ['cr_mail'], children: ['child'] } } };
    const cloud = new FakeCloud(state);
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]?.error?.code).toBe('MultipleErrorsOccurred');
    expect(result.steps[0]?.error?.message).toBe(
      [
        'Turn on Flow parent in Test was refused for 2 reasons:',
        '- Connection reference cr_mail has no connection in Test: wire it first.',
        '- Child flow child has never been turned on in Test: turn it on first.',
      ].join('\n'),
    );
    expect(result.steps[0]?.reason).toBe(result.steps[0]?.error?.message);
  });

  it('retries a transient failure by reading again, and confirms a write that did land', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'cx'), wireStep('test', 'b', null, 'cy')]);
    const cloud = new FakeCloud(stateBefore(plan));
    let failedA = false;
    let lostB = false;
    cloud.intercept((call, c) => {
      if (call.op === 'wire' && call.target === 'ref-a' && !failedA) {
        failedA = true;
        throw platformError('server', { status: 503 }, 3);
      }
      if (call.op === 'wire' && call.target === 'ref-b' && !lostB) {
        lostB = true;
        c.setReference('test', 'ref-b', 'cy'); // the write landed, the answer was lost
        throw platformError('network');
      }
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, ...fast });
    expect(result.steps[0]).toMatchObject({ status: 'done', attempts: 2, reason: null });
    expect(result.steps[1]).toMatchObject({ status: 'done', attempts: 2, before: null, after: 'cy', reason: expect.stringContaining('confirmed on re-read') as unknown });
    expect(cloud.writes().filter((c) => c.target === 'ref-b')).toHaveLength(1);
  });

  it('gives up on throttling after its attempts, in words', async () => {
    const plan = makePlan([flowStep('test', 'f', 'activate')]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.intercept((call) => {
      if (call.op === 'setFlowState') throw platformError('throttled', { status: 429, retryAfterS: 30 }, 5);
    });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, retry: { maxAttempts: 3, delayMs: 0 } });
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(result.steps[0]?.error?.message).toBe('Test kept throttling requests (service protection limits) after 5 attempts; the service asks to wait 30 s: try again later, or lower the concurrency.');
  });

  it('fails a step without an identity before touching the platform', async () => {
    const step = { ...wireStep('test', 'a', null, 'cx'), identity: null };
    const plan = makePlan([step]);
    const cloud = new FakeCloud(stateBefore(plan));
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(result.steps[0]).toMatchObject({ status: 'failed', error: { kind: 'local' } });
    expect(result.steps[0]?.error?.message).toContain('No identity was chosen to update connection references in Test');
    expect(cloud.calls).toEqual([]);
  });

  it('fails a step whose target is gone', async () => {
    const plan = makePlan([flowStep('test', 'f', 'activate')]);
    const cloud = new FakeCloud({ references: {}, flows: {}, shares: {} });
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
    expect(result.steps[0]?.error?.message).toBe('Flow f no longer exists in Test (deleted, or the solution was removed): scan again and plan again.');
  });

  it('refuses an invalid plan before journaling anything', async () => {
    const cycle = makePlan([flowStep('test', 'a', 'activate', ['test:activate:b']), flowStep('test', 'b', 'activate', ['test:activate:a'])]);
    const cloud = new FakeCloud(stateBefore(cycle));
    await expect(applyPlan(cycle, { operations: cloud.operationsFor, journal, who: WHO })).rejects.toThrow(ApplyError);
    await expect(applyPlan(cycle, { operations: cloud.operationsFor, journal, who: WHO })).rejects.toThrow('cycle: test:activate:a → test:activate:b → test:activate:a');
    const unknown = makePlan([flowStep('test', 'a', 'activate', ['nope'])]);
    await expect(applyPlan(unknown, { operations: cloud.operationsFor, journal, who: WHO })).rejects.toThrow('depends on nope, which is not in the plan');
    const mismatched = makePlan([{ ...wireStep('test', 'a', null, 'x'), kind: 'activate' }]);
    await expect(applyPlan(mismatched, { operations: cloud.operationsFor, journal, who: WHO })).rejects.toThrow('must target a flow');
    expect(await journal.listRuns()).toEqual([]);
  });
});

describe('applyPlan: cancel and progress', () => {
  it('cancels: running steps stop promptly, steps not started end cancelled, the journal is whole', async () => {
    const { plan, state } = widePlan(['test', 'prod'], 20);
    const cloud = new FakeCloud(state, { latencyMs: 15 });
    const controller = new AbortController();
    let finished = 0;
    let abortedAt = 0;
    const result = await applyPlan(plan, {
      operations: cloud.operationsFor,
      journal,
      who: WHO,
      concurrencyPerEnvironment: 2,
      signal: controller.signal,
      runId: 'run-cancel',
      onProgress: (e) => {
        if (e.type === 'step-finished' && ++finished === 5) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(result.cancelled).toBe(true);
    expect(result.steps).toHaveLength(80);
    expect(result.summary.done).toBeGreaterThanOrEqual(5);
    expect(result.summary.cancelled).toBeGreaterThan(60);
    expect(result.summary.done + result.summary.cancelled).toBe(80);
    // Whatever was cancelled mid-write says so; nothing cancelled claims to be in its target state.
    expect(result.steps.filter((s) => s.status === 'cancelled').every((s) => !s.inTargetState)).toBe(true);
    const run = await journal.readRun('run-cancel');
    expect(run.warnings).toEqual([]);
    const started = run.records.filter((r) => r.type === 'step-started').map((r) => (r.type === 'step-started' ? r.stepId : ''));
    const finishedIds = run.records.filter((r) => r.type === 'step-finished').map((r) => (r.type === 'step-finished' ? r.stepId : ''));
    expect(new Set(finishedIds).size).toBe(80);
    expect(finishedIds).toHaveLength(80);
    for (const id of started) expect(finishedIds).toContain(id);
    expect(run.records.at(-1)).toMatchObject({ type: 'run-finished', cancelled: true });
    expect(run.state.status).toBe('complete');
    const writesAfter = cloud.writes().length;
    await new Promise((r) => setTimeout(r, 50));
    expect(cloud.writes().length).toBe(writesAfter);
  });

  it('reports progress with counts', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    const events: ProgressEvent[] = [];
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'step-started')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'step-finished')).toHaveLength(5);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'step-finished', step: { id: 'test:activate:parent' }, counts: { total: 5, done: 5, running: 0, pending: 0 } });
    const firstStart = events.find((e) => e.type === 'step-started');
    // share and wire a have no dependencies: both start at once.
    expect(firstStart?.counts).toMatchObject({ total: 5, running: 2, pending: 3, done: 0 });
  });

  it('is not stopped by a progress listener that throws', async () => {
    const plan = chainPlan();
    const cloud = chainCloud(plan);
    const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, onProgress: () => { throw new Error('ui gone'); } });
    expect(result.summary.done).toBe(5);
  });
});
