import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger';
import { applyPlan } from './apply';
import { ApplyError } from './apply-error';
import { JournalError, openJournal, type Journal, type RunWriter } from './journal';
import { JOURNAL_VERSION } from './records';
import { FakeCloud } from './test-support/fake-cloud';
import { flowStep, makePlan, stateBefore, WHO, wireStep } from './test-support/plans';

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-journal-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const plan = makePlan([wireStep('test', 'a', null, 'cx'), flowStep('test', 'f', 'activate', ['test:wire:a'])]);
const clock = (): (() => Date) => {
  let t = Date.parse('2026-03-04T05:06:07.000Z');
  return () => new Date((t += 1000));
};

async function lines(runId: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(folder, `${runId}.jsonl`), 'utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('journal format', () => {
  it('writes run-started (with the plan), step-started before step-finished, run-finished last', async () => {
    const cloud = new FakeCloud(stateBefore(plan));
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-1', now: clock() });
    const records = await lines('run-1');
    expect(records.map((r) => [r['type'], r['stepId']].filter((x): x is string => typeof x === 'string').join(' '))).toEqual([
      'run-started',
      'step-started test:wire:a',
      'step-finished test:wire:a',
      'step-started test:activate:f',
      'step-finished test:activate:f',
      'run-finished',
    ]);
    expect(records.every((r) => r['v'] === JOURNAL_VERSION && r['runId'] === 'run-1' && typeof r['at'] === 'string')).toBe(true);
    expect(records[0]).toMatchObject({ type: 'run-started', planId: 'plan-1', solution: 'ContosoSales', who: WHO, plan, environments: plan.environments });
    expect(records[2]).toMatchObject({
      type: 'step-finished',
      status: 'done',
      before: null,
      after: 'cx',
      observed: true,
      identity: plan.steps[0]?.identity,
      error: null,
      attempts: 1,
      label: 'wire a in Test',
    });
    expect(records[5]).toMatchObject({ type: 'run-finished', summary: { done: 2, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 }, cancelled: false });
    // No lock is left behind.
    expect(await readdir(folder)).toEqual(['run-1.jsonl']);
  });

  it('makes step-started durable before the platform write it describes', async () => {
    const cloud = new FakeCloud(stateBefore(plan));
    const seenOnDisk: boolean[] = [];
    cloud.intercept((call) => {
      if (call.op === 'wire' || call.op === 'setFlowState') {
        const text = readFileSync(join(folder, 'run-wa.jsonl'), 'utf8');
        const id = call.op === 'wire' ? 'test:wire:a' : 'test:activate:f';
        seenOnDisk.push(text.split('\n').some((l) => l.includes('"type":"step-started"') && l.includes(`"stepId":"${id}"`)));
      }
    });
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-wa' });
    expect(seenOnDisk).toEqual([true, true]);
  });

  it('lists runs, newest first, complete or incomplete', async () => {
    const cloud = new FakeCloud(stateBefore(plan));
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-a', now: () => new Date('2026-01-01T00:00:00Z') });
    const writer = await journal.createRun('run-b');
    await writer.append({ type: 'run-started', at: '2026-02-01T00:00:00.000Z', planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    await writer.close();
    const runs = await journal.listRuns();
    expect(runs.map((r) => [r.runId, r.status, r.remaining])).toEqual([
      ['run-b', 'incomplete', 2],
      ['run-a', 'complete', 0],
    ]);
    expect(runs[1]).toMatchObject({ planId: 'plan-1', solution: 'ContosoSales', environments: ['Test'], who: WHO, steps: 2, summary: { done: 2 }, sessions: 1, warnings: [] });
  });

  it('refuses to start a run twice, to continue a run that does not exist, and odd run ids', async () => {
    const writer = await journal.createRun('run-x');
    await writer.close();
    await expect(journal.createRun('run-x')).rejects.toMatchObject({ code: 'exists' });
    await expect(journal.continueRun('run-y')).rejects.toMatchObject({ code: 'not-found' });
    await expect(journal.readRun('../etc/passwd')).rejects.toMatchObject({ code: 'invalid-run-id' });
    await expect(journal.readRun('run-y')).rejects.toThrow(JournalError);
  });

  it('refuses a folder that is a file, or lies below one, naming it', async () => {
    const file = join(folder, 'not-a-folder');
    await writeFile(file, 'x');
    for (const path of [file, join(file, 'journal')]) {
      const refused = await openJournal(path).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(JournalError);
      expect(refused).toMatchObject({ code: 'io', message: `The journal folder ${path} cannot be made: it, or a part of its path, is a file.` });
    }
  });

  it('lets one writer at a time work on a run, and takes over the lock of a dead process', async () => {
    const writer = await journal.createRun('run-l');
    await expect(journal.continueRun('run-l')).rejects.toMatchObject({ code: 'locked' });
    await writer.close();
    // A process killed while holding the lock: its pid no longer exists.
    await writeFile(join(folder, 'run-l.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const again = await journal.continueRun('run-l');
    await again.close();
    // A lock cut off by a crash is stale too.
    await writeFile(join(folder, 'run-l.lock'), '{"pi');
    await (await journal.continueRun('run-l')).close();
  });

  it('groups concurrent appends and keeps their order', async () => {
    const writer = await journal.createRun('run-g');
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append({ type: 'step-started', at: `t${i}`, stepId: `s${i}`, environmentId: 'test', kind: 'wire', identity: null })));
    await writer.close();
    expect((await lines('run-g')).map((r) => r['stepId'])).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}`));
    await expect(writer.append({ type: 'run-finished', at: 'x', summary: { done: 0, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 }, cancelled: false })).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('journal: damaged files', () => {
  async function damagedRun(): Promise<string> {
    const cloud = new FakeCloud(stateBefore(plan));
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-d' });
    const path = join(folder, 'run-d.jsonl');
    const good = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const damaged = [
      good[0],
      'this is not json',
      '[1,2,3]',
      JSON.stringify({ v: 2, type: 'step-finished', runId: 'run-d', at: 'x', stepId: 'test:wire:a', status: 'failed' }),
      JSON.stringify({ v: 1, type: 'step-exploded', runId: 'run-d', at: 'x' }),
      JSON.stringify({ v: 1, type: 'step-finished', runId: 'run-d', at: 'x', stepId: 'test:wire:a' }),
      JSON.stringify({ v: 1, type: 'run-finished', runId: 'run-other', at: 'x', summary: { done: 0, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 }, cancelled: false }),
      good[1],
      good[2],
      // The process died in the middle of writing the next line.
      (good[3] ?? '').slice(0, 40),
    ].join('\n');
    await writeFile(path, damaged);
    return path;
  }

  it('skips garbage, unknown versions, foreign and cut-off lines with a warning each, never a crash', async () => {
    await damagedRun();
    const logged: string[] = [];
    const watched = await openJournal(folder, { logger: createLogger({ sink: (l) => logged.push(l) }) });
    const run = await watched.readRun('run-d');
    expect(run.records.map((r) => r.type)).toEqual(['run-started', 'step-started', 'step-finished']);
    expect(run.warnings).toEqual([
      'run-d.jsonl line 2: not valid JSON; skipped.',
      'run-d.jsonl line 3: not a JSON object; skipped.',
      'run-d.jsonl line 4: written by a newer Patchbay (schema v2; this one reads v1); skipped.',
      expect.stringMatching(/^run-d\.jsonl line 5: not a journal record \(type: /) as unknown as string,
      expect.stringMatching(/^run-d\.jsonl line 6: not a journal record \(/) as unknown as string,
      'run-d.jsonl line 7: belongs to run run-other, not run-d; skipped.',
      'run-d.jsonl line 10: cut off (the process stopped while writing it); skipped.',
    ]);
    expect(logged).toHaveLength(7);
    expect(run.state).toMatchObject({ status: 'incomplete', interrupted: new Set() });
    expect(run.state.results.get('test:wire:a')?.status).toBe('done');
    const [listing] = await watched.listRuns();
    expect(listing).toMatchObject({ runId: 'run-d', status: 'incomplete', remaining: 1 });
    expect(listing?.warnings).toHaveLength(7);
  });

  it('starts a new line when continuing a file whose last line was cut off', async () => {
    const path = await damagedRun();
    const writer = await journal.continueRun('run-d');
    await writer.append({ type: 'run-resumed', at: '2026-01-01T00:00:00.000Z', who: WHO, remaining: [], interrupted: [] });
    await writer.close();
    const run = await journal.readRun('run-d');
    expect(run.records.at(-1)?.type).toBe('run-resumed');
    expect(run.warnings.at(-1)).toBe('run-d.jsonl line 10: not valid JSON; skipped.');
    expect((await readFile(path, 'utf8')).endsWith('\n')).toBe(true);
  });

  it('ignores files without a readable run-started, and files that are not runs', async () => {
    await writeFile(join(folder, 'run-empty.jsonl'), 'garbage\n');
    await writeFile(join(folder, 'notes.txt'), 'hello');
    await appendFile(join(folder, 'run-z.jsonl'), '');
    expect(await journal.listRuns()).toEqual([]);
  });
});

describe('journal: a disk that fails', () => {
  it('stops the run before any further platform write and rejects; the run stays resumable', async () => {
    const failing: Journal = {
      folder,
      listRuns: () => journal.listRuns(),
      readRun: (id) => journal.readRun(id),
      continueRun: (id) => journal.continueRun(id),
      async createRun(id) {
        const inner = await journal.createRun(id);
        let appends = 0;
        const writer: RunWriter = {
          runId: id,
          append: (entry) => (++appends === 4 ? Promise.reject(new Error('ENOSPC: no space left on device')) : inner.append(entry)),
          close: () => inner.close(),
        };
        return writer;
      },
    };
    const cloud = new FakeCloud(stateBefore(plan));
    // Appends: run-started, step-started a, step-finished a, step-started f (fails).
    await expect(applyPlan(plan, { operations: cloud.operationsFor, journal: failing, who: WHO, runId: 'run-f' })).rejects.toThrow(ApplyError);
    expect(cloud.writes().map((c) => c.target)).toEqual(['ref-a']);
    expect((await journal.readRun('run-f')).state.status).toBe('incomplete');
  });
});
