import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../../shared/engine/plan';
import { applyPlan } from './apply';
import { ApplyError } from './apply-error';
import { openJournal, type Journal } from './journal';
import { findIncompleteRuns, resumeRun } from './resume';
import { FakeCloud } from './test-support/fake-cloud';
import { targetOf, viewOf, widePlan, WHO } from './test-support/plans';
import type { StepResult } from './types';

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-resume-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const finished = (step: PlanStep, status: StepResult['status'], before: string | null, after: string | null): Omit<StepResult, 'finishedAt'> => ({
  stepId: step.id,
  environmentId: step.environmentId,
  kind: step.kind,
  label: step.id,
  status,
  reason: status === 'skipped' ? 'already wired' : null,
  observed: true,
  before,
  after,
  inTargetState: true,
  uncertain: false,
  identity: step.identity,
  startedAt: '2026-01-01T00:00:01.000Z',
  attempts: 1,
  error: null,
});

describe('resumeRun after a crash', () => {
  it('finishes exactly the remaining steps; a started-but-unfinished step is settled by re-reading', async () => {
    const { plan, state } = widePlan(['test', 'prod'], 3);
    const cloud = new FakeCloud(state, { latencyMs: 1 });
    const step = (id: string): PlanStep => plan.steps.find((s) => s.id === id) as PlanStep;
    const at = '2026-01-01T00:00:02.000Z';

    // The journal of a session that died mid-run, with the platform as that session left it.
    const writer = await journal.createRun('run-crashed');
    await writer.append({ type: 'run-started', at, planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    const started = (id: string): Promise<void> => writer.append({ type: 'step-started', at, stepId: id, environmentId: step(id).environmentId, kind: step(id).kind, identity: step(id).identity });
    for (const [id, before, after] of [['test:wire:r0', null, 'conn-0'], ['test:wire:r1', null, 'conn-1'], ['test:activate:f0', 'off', 'on']] as const) {
      await started(id);
      await writer.append({ type: 'step-finished', at, ...finished(step(id), 'done', before, after) });
    }
    cloud.setReference('test', 'ref-r0', 'conn-0');
    cloud.setReference('test', 'ref-r1', 'conn-1');
    cloud.setFlow('test', 'f0', 'on');
    await started('prod:wire:r1');
    await writer.append({ type: 'step-finished', at, ...finished(step('prod:wire:r1'), 'skipped', 'conn-1', 'conn-1') });
    cloud.setReference('prod', 'ref-r1', 'conn-1');
    await started('test:wire:r2'); // its write reached the platform, then the process died
    cloud.setReference('test', 'ref-r2', 'conn-2');
    await started('prod:wire:r0'); // died before its write was sent
    await writer.close();
    await appendFile(join(folder, 'run-crashed.jsonl'), '{"v":1,"type":"step-fin');
    cloud.calls.length = 0;

    const incomplete = await findIncompleteRuns(journal);
    expect(incomplete.map((r) => [r.runId, r.remaining])).toEqual([['run-crashed', 8]]);

    const result = await resumeRun(journal, 'run-crashed', { operations: cloud.operationsFor, who: WHO, retry: { delayMs: 0 } });

    // Nothing finished before is touched again.
    const touched = new Set(cloud.calls.map((c) => `${c.env}/${c.target}`));
    for (const t of ['test/ref-r0', 'test/ref-r1', 'test/f0', 'prod/ref-r1']) expect(touched.has(t)).toBe(false);
    // The interrupted write that landed is confirmed, not repeated; the one that did not is made.
    expect(cloud.writes().some((c) => c.target === 'ref-r2' && c.env === 'test')).toBe(false);
    expect(result.steps.find((s) => s.stepId === 'test:wire:r2')).toMatchObject({ status: 'done', before: null, after: 'conn-2', reason: expect.stringContaining('confirmed on re-read') as unknown });
    expect(result.steps.find((s) => s.stepId === 'prod:wire:r0')).toMatchObject({ status: 'done', before: null, after: 'conn-0', reason: null });
    // Every write sets what the plan says, once.
    const target = targetOf(plan);
    for (const w of cloud.writes()) expect(w.value).toBe(target[`${w.env}/${w.target}`]);
    expect(new Set(cloud.writes().map((w) => `${w.env}/${w.target}`)).size).toBe(cloud.writes().length);
    expect(cloud.writes()).toHaveLength(7);

    expect(viewOf(cloud.state, target)).toEqual(target);
    expect(result.steps).toHaveLength(12);
    expect(result.summary).toEqual({ done: 11, skipped: 1, failed: 0, cancelled: 0, conflicts: 0 });

    const run = await journal.readRun('run-crashed');
    const finishedIds = run.records.flatMap((r) => (r.type === 'step-finished' ? [r.stepId] : []));
    expect(finishedIds.sort()).toEqual(plan.steps.map((s) => s.id).sort());
    expect(run.records.find((r) => r.type === 'run-resumed')).toMatchObject({
      who: WHO,
      remaining: ['test:wire:r2', 'test:activate:f1', 'test:activate:f2', 'prod:wire:r0', 'prod:wire:r2', 'prod:activate:f0', 'prod:activate:f1', 'prod:activate:f2'],
      interrupted: ['test:wire:r2', 'prod:wire:r0'],
    });
    expect(run.records.at(-1)).toMatchObject({ type: 'run-finished', summary: result.summary });
    expect(run.state).toMatchObject({ status: 'complete', sessions: 2 });
    expect(run.warnings).toEqual(['run-crashed.jsonl line 12: not valid JSON; skipped.']);
    expect(await findIncompleteRuns(journal)).toEqual([]);
    await expect(resumeRun(journal, 'run-crashed', { operations: cloud.operationsFor, who: WHO })).rejects.toThrow(ApplyError);
  });

  it('runs again what a cancelled run never did', async () => {
    const { plan, state } = widePlan(['test'], 10);
    const cloud = new FakeCloud(state, { latencyMs: 5 });
    const controller = new AbortController();
    let n = 0;
    const first = await applyPlan(plan, {
      operations: cloud.operationsFor,
      journal,
      who: WHO,
      runId: 'run-c',
      concurrencyPerEnvironment: 1,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'step-finished' && ++n === 3) controller.abort();
      },
    });
    expect(first.summary.cancelled).toBeGreaterThan(10);
    expect(await findIncompleteRuns(journal)).toEqual([]);
    const second = await resumeRun(journal, 'run-c', { operations: cloud.operationsFor, who: WHO });
    expect(second.summary).toEqual({ done: 20, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 });
    // Each step written once across both sessions (a step cancelled mid-write is found done by the re-read).
    expect(cloud.writes().length).toBeLessThanOrEqual(20);
    expect(new Set(cloud.writes().map((w) => w.target)).size).toBe(cloud.writes().length);
    expect(viewOf(cloud.state, targetOf(plan))).toEqual(targetOf(plan));
    const run = await journal.readRun('run-c');
    expect(run.state.status).toBe('complete');
    expect([...run.state.results.values()].every((r) => r.status === 'done')).toBe(true);
  });

  it('completes a run that died after its last step but before run-finished', async () => {
    const { plan, state } = widePlan(['test'], 1);
    const cloud = new FakeCloud(state);
    const writer = await journal.createRun('run-almost');
    await writer.append({ type: 'run-started', at: 'x', planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    for (const s of plan.steps) await writer.append({ type: 'step-finished', at: 'x', ...finished(s, 'done', s.before, s.after) });
    await writer.close();
    const result = await resumeRun(journal, 'run-almost', { operations: cloud.operationsFor, who: WHO });
    expect(result.summary.done).toBe(2);
    expect(cloud.calls).toEqual([]);
    expect((await journal.readRun('run-almost')).state.status).toBe('complete');
  });

  it('refuses a run that another live process is writing', async () => {
    const { plan, state } = widePlan(['test'], 1);
    const cloud = new FakeCloud(state);
    const writer = await journal.createRun('run-busy');
    await writer.append({ type: 'run-started', at: 'x', planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    await expect(resumeRun(journal, 'run-busy', { operations: cloud.operationsFor, who: WHO })).rejects.toMatchObject({ code: 'locked' });
    await writer.close();
    const result = await resumeRun(journal, 'run-busy', { operations: cloud.operationsFor, who: WHO });
    expect(result.summary.done).toBe(2);
  });
});
