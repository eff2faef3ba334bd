import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Plan } from '../../../../shared/engine/plan';
import { applyPlan } from '../apply';
import { openJournal } from '../journal';
import { FakeCloud, type FakeState } from './fake-cloud';
import { WHO } from './plans';

/**
 * The process the crash test kills with SIGKILL mid-run: applies a plan against the fake platform whose
 * state lives in a JSON file (rewritten atomically after every write, as the real platform would keep
 * it), journaling to a folder. Usage: node --import tsx crash-child.ts <config.json>
 */

interface ChildConfig {
  planPath: string;
  statePath: string;
  journalFolder: string;
  runId: string;
  latencyMs: number;
  concurrency: number;
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: crash-child.ts <config.json>');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as ChildConfig;
const plan = JSON.parse(readFileSync(config.planPath, 'utf8')) as Plan;
const state = JSON.parse(readFileSync(config.statePath, 'utf8')) as FakeState;
const cloud = new FakeCloud(state, { latencyMs: config.latencyMs, persist: (s) => writeAtomically(config.statePath, JSON.stringify(s)) });
const journal = await openJournal(config.journalFolder);
const result = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: config.runId, concurrencyPerEnvironment: config.concurrency });
process.stdout.write(`${JSON.stringify(result.summary)}\n`);
