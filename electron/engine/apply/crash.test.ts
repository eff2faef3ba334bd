import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from './journal';
import { findIncompleteRuns, resumeRun } from './resume';
import { FakeCloud, type FakeState } from './test-support/fake-cloud';
import { targetOf, viewOf, widePlan, WHO } from './test-support/plans';

/**
 * A real crash: a child process applies a plan and is killed with SIGKILL after the journal shows some
 * steps finished; this process then finds the incomplete run and resumes it.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-crash-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const countFinished = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"type":"step-finished"')).length : 0);

describe('crash and resume', () => {
  it('kill -9 mid-run, then resume: the target state is reached and every step is journaled finished once', async () => {
    const { plan, state } = widePlan(['test', 'prod'], 15);
    const paths = {
      planPath: join(folder, 'plan.json'),
      statePath: join(folder, 'state.json'),
      journalFolder: join(folder, 'journal'),
      runId: 'run-crash',
      latencyMs: 15,
      concurrency: 2,
    };
    await writeFile(paths.planPath, JSON.stringify(plan));
    await writeFile(paths.statePath, JSON.stringify(state));
    await writeFile(join(folder, 'config.json'), JSON.stringify(paths));
    const journalFile = join(paths.journalFolder, 'run-crash.jsonl');

    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a second process, which a SIGKILL
    // of the CLI would leave running. Here the process killed is the one writing the journal.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'test-support/crash-child.ts'), join(folder, 'config.json')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolveExit) => child.on('exit', (code, signal) => resolveExit(signal ?? code)));

    let killedAfter = -1;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const n = countFinished(journalFile);
      if (n >= 12) {
        child.kill('SIGKILL');
        killedAfter = n;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exited, output).toBe('SIGKILL');
    expect(killedAfter).toBeGreaterThanOrEqual(12);

    const journal = await openJournal(paths.journalFolder);
    const before = await journal.readRun('run-crash');
    expect(before.state.status).toBe('incomplete');
    const finishedBefore = before.state.results.size;
    expect(finishedBefore).toBeLessThan(plan.steps.length);
    expect((await findIncompleteRuns(journal)).map((r) => r.runId)).toEqual(['run-crash']);

    // The platform as the killed process left it.
    const cloud = new FakeCloud(JSON.parse(readFileSync(paths.statePath, 'utf8')) as FakeState);
    const result = await resumeRun(journal, 'run-crash', { operations: cloud.operationsFor, who: WHO, retry: { delayMs: 0 } });

    // Steps cut off mid-flight by the kill are settled by the re-read: done either way, never a conflict.
    for (const id of before.state.interrupted) expect(result.steps.find((r) => r.stepId === id)?.status).toBe('done');
    const target = targetOf(plan);
    expect(viewOf(cloud.state, target)).toEqual(target);
    expect(result.summary.failed + result.summary.conflicts + result.summary.cancelled).toBe(0);
    // Resumed writes set only what the plan says, and only for steps not finished before the kill.
    for (const w of cloud.writes()) {
      expect(w.value).toBe(target[`${w.env}/${w.target}`]);
      expect(before.state.results.has(plan.steps.find((s) => s.environmentId === w.env && (s.target.type === 'reference' ? s.target.referenceId : s.target.type === 'flow' ? s.target.flowId : '') === w.target)?.id ?? '')).toBe(false);
    }
    const after = await journal.readRun('run-crash');
    const finishedIds = after.records.flatMap((r) => (r.type === 'step-finished' ? [r.stepId] : []));
    expect([...finishedIds].sort()).toEqual(plan.steps.map((s) => s.id).sort());
    expect(after.state.status).toBe('complete');
    expect(after.records.filter((r) => r.type === 'run-resumed')).toHaveLength(1);
    // A cut-off last line is the only damage a kill may leave.
    expect(after.warnings.every((w) => w.includes('cut off') || w.includes('not valid JSON'))).toBe(true);
    expect(existsSync(join(paths.journalFolder, 'run-crash.lock'))).toBe(false);
  });
});
