import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { PlanStep } from '../../../shared/engine/plan';
import { applyPlan } from './apply';
import { openJournal, type Journal } from './journal';
import { FakeCloud } from './test-support/fake-cloud';
import { makePlan, ME_SELF, WHO } from './test-support/plans';
import { planUndo } from './undo';

/** Environment variable values (from a settings file): set, skip when equal, refuse a concurrent change, undo. */

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-vars-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const variableStep = (env: string, definitionId: string, before: string | null, after: string | null): PlanStep => ({
  id: `${env}:set-variable:${definitionId}`,
  environmentId: env,
  kind: 'set-variable',
  target: { type: 'variable', definitionId, schemaName: `cont_${definitionId}`, displayName: definitionId },
  before,
  after,
  strategy: 'me',
  identity: ME_SELF,
  dependsOn: [],
  verdict: { outcome: 'will-succeed', strategy: 'me', identity: ME_SELF, blockers: [], fixes: [] },
  etag: null,
});

it('sets values (creating the value row), skips one already set, refuses one changed since, and undoes', async () => {
  const cloud = new FakeCloud({ references: {}, flows: {}, shares: {}, variables: { test: { same: { value: 'x', version: 1 }, raced: { value: 'theirs', version: 4 } } } });
  const plan = makePlan([variableStep('test', 'fresh', null, 'https://erp'), variableStep('test', 'same', 'x', 'x'), variableStep('test', 'raced', 'old', 'new')]);
  const run = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO });
  expect(run.steps.map((s) => [s.stepId.split(':').pop(), s.status])).toEqual([
    ['fresh', 'done'],
    ['same', 'skipped'],
    ['raced', 'conflict'],
  ]);
  expect(cloud.state.variables?.['test']?.['fresh']?.value).toBe('https://erp');
  expect(cloud.state.variables?.['test']?.['raced']?.value).toBe('theirs');

  const undo = await planUndo(journal, run.runId);
  expect(undo.steps.map((s) => [s.kind, s.before, s.after])).toEqual([['set-variable', 'https://erp', null]]);
  await applyPlan(undo, { operations: cloud.operationsFor, journal, who: WHO });
  expect(cloud.state.variables?.['test']?.['fresh']?.value).toBeNull();
});
