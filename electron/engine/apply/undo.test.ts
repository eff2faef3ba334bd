import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudFlow, ConnectionReference } from '../../../shared/domain/types';
import { buildPlan, type Plan } from '../../../shared/engine/plan';
import type { ConnectionWithShares, EnvironmentSnapshot, PrincipalRights } from '../../../shared/engine/snapshot';
import { applyPlan } from './apply';
import { openJournal, type Journal } from './journal';
import { FakeCloud, type FakeState } from './test-support/fake-cloud';
import { flowStep, makePlan, stateBefore, WHO, wireStep } from './test-support/plans';
import { planUndo } from './undo';

let folder: string;
let journal: Journal;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'patchbay-undo-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

// ── a scanned environment, as the engine's own tests build one, and the plan the real planner makes from it

const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const SPN = 'aaaaaaaa-0000-0000-0000-000000000002';
const OWNER = 'aaaaaaaa-0000-0000-0000-000000000003';
const OTHER = 'aaaaaaaa-0000-0000-0000-000000000004';

const rights = (objectId: string, over: Partial<PrincipalRights> = {}): PrincipalRights => ({
  objectId,
  displayName: `User ${objectId.slice(-1)}`,
  present: true,
  disabled: false,
  isApplicationUser: objectId === SPN,
  delegate: false,
  canWrite: true,
  platformAdmin: false,
  ...over,
});
const conn = (name: string, connector: string, owner: string): ConnectionWithShares => ({
  name,
  environmentId: 'env',
  connector,
  displayName: name,
  owner: { objectId: owner, displayName: owner.slice(-1), type: 'User', userPrincipalName: null },
  health: { kind: 'connected' },
  createdTime: '2026-01-01T00:00:00Z',
  shares: [],
});
const ref = (logicalName: string, connector: string, connectionId: string | null): ConnectionReference => ({
  id: `id-${logicalName}`,
  logicalName,
  displayName: logicalName,
  connector,
  connectorId: `/providers/Microsoft.PowerApps/apis/${connector}`,
  connectionId,
  etag: 'W/"1"',
  managed: true,
});
const flow = (id: string, uses: [string, string][], children: string[] = [], state: CloudFlow['state'] = 'off'): CloudFlow => ({
  id,
  name: `Flow ${id}`,
  state,
  ownerId: 'o',
  managed: true,
  etag: 'W/"1"',
  references: uses.map(([logicalName, connector]) => ({ key: connector, logicalName, connector, runtimeSource: 'embedded' })),
  childFlowIds: children,
  definitionError: null,
  modifiedOn: '2026-01-01T00:00:00Z',
});
const snapshot = (over: Partial<EnvironmentSnapshot>): EnvironmentSnapshot => ({
  environment: { id: 'env', displayName: 'Test', sku: 'Sandbox', region: 'us', isDefault: false, instanceUrl: 'https://t/', organizationId: 'o' },
  scannedAt: '2026-01-01T00:00:00Z',
  solution: { id: 's', uniqueName: 'Sol', friendlyName: 'Sol', version: '1.0', managed: true },
  references: [],
  flows: [],
  envVars: [],
  connections: [],
  users: [],
  rights: { [ME]: rights(ME, { delegate: true, platformAdmin: true }), [SPN]: rights(SPN), [OWNER]: rights(OWNER), [OTHER]: rights(OTHER) },
  identities: { me: ME, spn: SPN },
  problems: [],
  ...over,
});

/** The fake platform in the state the snapshot describes. */
function stateOf(s: EnvironmentSnapshot): FakeState {
  return {
    references: { env: Object.fromEntries(s.references.map((r) => [r.id, { connectionId: r.connectionId, version: 1 }])) },
    flows: { env: Object.fromEntries(s.flows.map((f) => [f.id, { state: f.state, version: 1, everOn: f.state === 'on' }])) },
    shares: { env: [] },
    uses: {
      env: Object.fromEntries(
        s.flows.map((f) => [f.id, { references: f.references.map((u) => s.references.find((r) => r.logicalName === u.logicalName)?.id ?? u.key), children: f.childFlowIds }]),
      ),
    },
  };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const withoutVersions = (state: FakeState): unknown =>
  JSON.parse(JSON.stringify(state, (key, value: unknown) => (key === 'version' || key === 'everOn' ? undefined : value)));

describe('planUndo', () => {
  it('round trip: apply a real plan, undo it, and the environment is as it was', async () => {
    const s = snapshot({
      references: [ref('a', 'x', null), ref('b', 'y', null), ref('c', 'x', 'cx')],
      connections: [conn('cx', 'x', OWNER), conn('cy', 'y', OTHER)],
      flows: [flow('child', [['a', 'x']]), flow('parent', [['a', 'x'], ['b', 'y']], ['child']), flow('already', [['c', 'x']], [], 'on')],
    });
    const plan = buildPlan([s], { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: true }, new Date('2026-01-01T00:00:00Z'), 'p1');
    expect(plan.steps.map((x) => x.id)).toEqual(['env:share:cy|' + OWNER, 'env:wire:a', 'env:wire:b', 'env:activate:child', 'env:activate:parent']);
    const cloud = new FakeCloud(stateOf(s), { latencyMs: 1 });
    const original = clone(cloud.state);

    const run = await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-1' });
    expect(run.summary.done).toBe(5);

    const undo = await planUndo(journal, 'run-1', { now: () => new Date('2026-01-02T00:00:00Z') });
    expect(undo).toMatchObject({ format: 'patchbay-plan', formatVersion: 1, id: 'undo-run-1', createdAt: '2026-01-02T00:00:00.000Z', solution: 'Sol', warnings: [] });
    expect(undo.steps.map((x) => [x.id, x.kind, x.before, x.after])).toEqual([
      ['undo:env:activate:parent', 'deactivate', 'on', 'off'],
      ['undo:env:activate:child', 'deactivate', 'on', 'off'],
      ['undo:env:wire:b', 'wire', 'cy', null],
      ['undo:env:wire:a', 'wire', 'cx', null],
      ['undo:env:share:cy|' + OWNER, 'unshare', 'CanView', null],
    ]);
    const dependsOn = Object.fromEntries(undo.steps.map((x) => [x.id, [...x.dependsOn].sort()]));
    expect(dependsOn).toEqual({
      'undo:env:activate:parent': [],
      // Parents off before children; references unwired only once the flows using them are off; the share
      // (made for the parent's activation) removed once the parent is off.
      'undo:env:activate:child': ['undo:env:activate:parent'],
      'undo:env:wire:b': ['undo:env:activate:parent'],
      'undo:env:wire:a': ['undo:env:activate:child', 'undo:env:activate:parent'],
      ['undo:env:share:cy|' + OWNER]: ['undo:env:activate:parent'],
    });
    expect(undo.steps.every((x) => x.verdict.outcome === 'will-succeed' && x.identity !== null)).toBe(true);
    expect(undo.steps[0]?.identity).toEqual(plan.steps[4]?.identity);

    const reverted = await applyPlan(undo, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-undo' });
    expect(reverted.summary).toEqual({ done: 5, skipped: 0, failed: 0, cancelled: 0, conflicts: 0 });
    expect(withoutVersions(cloud.state)).toEqual(withoutVersions(original));
    // Order held: the parent went off before the child, and wiring was undone only after.
    const seq = (op: string, target: string): number => cloud.calls.filter((c) => c.op === op && c.target === target).at(-1)?.seq ?? -1;
    expect(seq('setFlowState', 'parent')).toBeLessThan(seq('setFlowState', 'child'));
    expect(seq('setFlowState', 'child')).toBeLessThan(seq('wire', 'id-a'));

    // Undoing the undo re-applies the original change.
    const redo = await planUndo(journal, 'run-undo');
    await applyPlan(redo, { operations: cloud.operationsFor, journal, who: WHO });
    expect(cloud.state.references['env']?.['id-a']?.connectionId).toBe('cx');
    expect(cloud.state.flows['env']?.['parent']?.state).toBe('on');
  });

  it('undoes nothing that the run skipped, failed or conflicted on, and keeps order through them', async () => {
    const plan = makePlan([
      wireStep('test', 'a', null, 'c1'),
      wireStep('test', 'b', 'old', 'c2'),
      flowStep('test', 'child', 'activate', ['test:wire:a']),
      flowStep('test', 'middle', 'activate', ['test:activate:child']),
      flowStep('test', 'top', 'activate', ['test:activate:middle']),
    ]);
    const cloud = new FakeCloud(stateBefore(plan));
    cloud.setReference('test', 'ref-b', 'theirs'); // conflict
    cloud.setFlow('test', 'middle', 'on'); // skipped: already on
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-2' });
    const undo = await planUndo(journal, 'run-2');
    expect(undo.steps.map((x) => x.id)).toEqual(['undo:test:activate:top', 'undo:test:activate:child', 'undo:test:wire:a']);
    // top depended on child through middle (skipped): the child still goes off after top.
    expect(undo.steps[1]?.dependsOn).toEqual(['undo:test:activate:top']);
    expect(undo.steps[2]).toMatchObject({ kind: 'wire', before: 'c1', after: null, dependsOn: ['undo:test:activate:child'] });
  });

  it('turns flows back on, children first, when the run turned them off', async () => {
    const plan = makePlan([flowStep('test', 'parent', 'deactivate'), flowStep('test', 'child', 'deactivate', ['test:deactivate:parent'])]);
    const cloud = new FakeCloud(stateBefore(plan));
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-3' });
    const undo = await planUndo(journal, 'run-3');
    expect(undo.steps.map((x) => [x.id, x.kind, x.dependsOn])).toEqual([
      ['undo:test:deactivate:child', 'activate', []],
      ['undo:test:deactivate:parent', 'activate', ['undo:test:deactivate:child']],
    ]);
    await applyPlan(undo, { operations: cloud.operationsFor, journal, who: WHO });
    expect(cloud.state.flows['test']).toMatchObject({ parent: { state: 'on' }, child: { state: 'on' } });
  });

  it('refuses, as a conflict, to undo what someone changed since the run', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'c1'), wireStep('test', 'b', 'c0', 'c2')]);
    const cloud = new FakeCloud(stateBefore(plan));
    await applyPlan(plan, { operations: cloud.operationsFor, journal, who: WHO, runId: 'run-4' });
    cloud.setReference('test', 'ref-a', 'someone-elses');
    const undo: Plan = await planUndo(journal, 'run-4');
    const result = await applyPlan(undo, { operations: cloud.operationsFor, journal, who: WHO });
    expect(result.steps.map((x) => [x.stepId, x.status])).toEqual([
      ['undo:test:wire:b', 'done'],
      ['undo:test:wire:a', 'conflict'],
    ]);
    expect(cloud.state.references['test']).toMatchObject({ 'ref-a': { connectionId: 'someone-elses' }, 'ref-b': { connectionId: 'c0' } });
  });

  it('warns when the run did not finish', async () => {
    const plan = makePlan([wireStep('test', 'a', null, 'c1')]);
    const writer = await journal.createRun('run-5');
    await writer.append({ type: 'run-started', at: 'x', planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    await writer.append({ type: 'step-started', at: 'x', stepId: 'test:wire:a', environmentId: 'test', kind: 'wire', identity: null });
    await writer.close();
    const undo = await planUndo(journal, 'run-5');
    expect(undo.steps).toEqual([]);
    expect(undo.warnings).toEqual(['Run run-5 did not finish; only the steps its journal records as done are undone. These were started but not recorded as finished and may have been applied: wire a in Test. Resume the run first, then undo it.']);
  });
});
