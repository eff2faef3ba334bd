import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../shared/domain/types';
import { buildPlan, type Plan, type PlanStep } from '../../shared/engine/plan';
import type { EnvironmentSnapshot } from '../../shared/engine/snapshot';
import { createDataverseClient, type DataverseClient } from '../cloud/dataverse/client';
import type { Row } from '../sandbox/model';
import { applyPlan } from './apply/apply';
import { openJournal, type Journal } from './apply/journal';
import { resumeRun } from './apply/resume';
import type { StepResult } from './apply/types';
import { liveOperations } from './live-operations';
import type { OperationsFor } from './operations';
import { scan } from './scan';
import { startEngineTestbed, type EngineTestbed } from './test-support/engine-testbed';

/**
 * Someone else changes what a plan is about to change — between plan and apply, or during apply after
 * the engine's bulk read — against the sandbox through the real clients. Those steps end as conflicts
 * with a plain reason and the other person's values stay; everything else is done (or skipped, where
 * it depends on a conflict).
 *
 * "Someone else" is the connection owner (svc-integration, System Customizer) signed in as a person
 * through the Dataverse API, rewiring a reference to another connection of theirs; and the platform,
 * suspending a flow (as a data policy does; no client can, so the test sets it in the sandbox's store).
 * A flow turned on by someone else is not a conflict: on is where the plan was going, so the step is
 * skipped ("already on") without a write.
 */

const SOLUTION = 'ScaleOperations';
const STAGE = 'Fabrikam Stage 2';
const WHO = { account: 'release manager', objectId: 'test' };

let t: EngineTestbed;
let folder: string;
let journal: Journal;
let environments: Environment[];
beforeAll(async () => {
  t = await startEngineTestbed({ scenario: 'scale', seed: 3, scale: { envs: 2, flows: 16, refs: 6, connectors: 3 } });
  environments = await t.environments();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.cloud.control('POST', 'reset');
  folder = await mkdtemp(join(tmpdir(), 'patchbay-concurrent-'));
  journal = await openJournal(folder);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const store = () => t.cloud.h.sb.ctx.store;
const stage = () => {
  const env = store().environmentByDisplayName(STAGE);
  if (!env) throw new Error(`no ${STAGE}`);
  return env;
};
const stageEnvironment = (): Environment => environments.find((e) => e.displayName === STAGE) as Environment;
const row = (table: 'connectionreference' | 'workflow', id: string): Row => store().row(stage(), table, id) as Row;
const owner = () => t.cloud.h.oid({ user: 'serviceAccount' });

/** The connection owner, signed in as a person, through the real Dataverse client. */
const ownersDataverse = (): DataverseClient => createDataverseClient({ http: t.cloud.http({ user: 'serviceAccount' }), profile: t.cloud.profile, instanceUrl: stageEnvironment().instanceUrl ?? '' });

async function planStage(): Promise<{ plan: Plan; snapshot: EnvironmentSnapshot }> {
  const result = await scan(t.scanClients, [stageEnvironment()], { solution: SOLUTION, identities: t.identities });
  const snapshot = result.snapshots[0] as EnvironmentSnapshot;
  const plan = buildPlan([snapshot], { solution: SOLUTION, environmentIds: [snapshot.environment.id], wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: false });
  expect(plan.steps.every((s) => s.verdict.outcome !== 'will-fail')).toBe(true);
  return { plan, snapshot };
}

/** A planned wire step whose connector has another connection the owner may wire it to, and that connection. */
function rewirable(plan: Plan): { step: PlanStep & { target: { type: 'reference' } }; otherConnection: string } {
  for (const step of plan.steps) {
    if (step.kind !== 'wire' || step.target.type !== 'reference') continue;
    const connector = step.target.connector;
    const other = store()
      .connectionsIn(stage().id)
      .find((c) => c.apiName === connector && c.name !== step.after && store().canUseConnection(c, owner()));
    if (other) return { step: step as PlanStep & { target: { type: 'reference' } }, otherConnection: other.name };
  }
  throw new Error('this scenario has no reference the owner could wire elsewhere: pick another seed');
}

/** A planned activation that nothing else in the plan depends on, away from `avoid`. */
function leafActivation(plan: Plan, avoid: ReadonlySet<string>): PlanStep & { target: { type: 'flow' } } {
  const step = plan.steps.find((s) => s.kind === 'activate' && !plan.steps.some((o) => o.dependsOn.includes(s.id)) && !s.dependsOn.some((d) => avoid.has(d)));
  if (step?.target.type !== 'flow') throw new Error('no leaf activation in this plan');
  return step as PlanStep & { target: { type: 'flow' } };
}

/** Steps that transitively depend on any of `ids`. */
function dependentsOf(plan: Plan, ids: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of plan.steps) {
      if (!out.has(s.id) && s.dependsOn.some((d) => ids.has(d) || out.has(d))) {
        out.add(s.id);
        grew = true;
      }
    }
  }
  return out;
}

async function rewireAsOwner(referenceId: string, connectionId: string): Promise<void> {
  await ownersDataverse().update('connectionreferences', referenceId, { connectionid: connectionId }, { ifMatch: '*' });
}

/** What a data policy does to a flow; no client request can (the sandbox refuses statecode 2). */
function suspendByPlatform(flowId: string): void {
  store().update(stage(), 'workflow', flowId, { statecode: 2, statuscode: 3 });
  store().changed();
}

const operations = (): OperationsFor => liveOperations(t.accounts, environments);

interface Hooks {
  afterBulkRead?: () => Promise<void>;
  beforeFlowWrite?: (flowId: string) => Promise<void>;
  beforeWire?: (referenceId: string) => Promise<void>;
}

/** The engine's operations with hooks after the bulk read and before each write: "someone else" acts there. */
function intercepted(ops: OperationsFor, hooks: Hooks): OperationsFor {
  return (environmentId) => {
    const inner = ops(environmentId);
    return {
      ...inner,
      ...(inner.readMany
        ? {
            readMany: async (ids, signal) => {
              const read = await inner.readMany?.(ids, signal);
              if (!read) throw new Error('no bulk read');
              await hooks.afterBulkRead?.();
              return read;
            },
          }
        : {}),
      setFlowState: async (flowId, on, identity, options) => {
        await hooks.beforeFlowWrite?.(flowId);
        return inner.setFlowState(flowId, on, identity, options);
      },
      wire: async (referenceId, connectionId, identity, options) => {
        await hooks.beforeWire?.(referenceId);
        return inner.wire(referenceId, connectionId, identity, options);
      },
    };
  };
}

/** The account a step writes with (the impersonator, when it impersonates). */
const actorOf = (step: PlanStep): string | undefined => (step.identity?.mode === 'impersonate' ? step.identity.actorObjectId : step.identity?.objectId);

/** Writes sent to a record, from the request log. */
async function writesTo(set: 'connectionreferences' | 'workflows', id: string): Promise<{ status: number; caller: string | null }[]> {
  // Ids repeat across environments (one solution imported everywhere): the org names the record's.
  const path = `/orgs/${stage().orgName}/api/data/v9.2/${set}(${id})`;
  return (await t.cloud.log()).filter((e) => e.method === 'PATCH' && e.path.startsWith(path)).map((e) => ({ status: e.status, caller: e.caller }));
}

function expectRestDone(plan: Plan, results: readonly StepResult[], exceptions: ReadonlySet<string>): void {
  const skipped = dependentsOf(plan, exceptions);
  for (const r of results) {
    if (exceptions.has(r.stepId)) continue;
    if (skipped.has(r.stepId)) expect(r, r.stepId).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^depends on .* which ended in a conflict$/) as unknown });
    else expect(r, `${r.stepId}: ${r.reason ?? ''}`).toMatchObject({ status: 'done' });
  }
}

describe('a change by someone else between plan and apply', () => {
  it('ends those steps as conflicts with a plain reason, leaves the other person’s values, and does the rest', async () => {
    const { plan } = await planStage();
    const { step: wire, otherConnection } = rewirable(plan);
    const flow = leafActivation(plan, new Set([wire.id]));
    expect(wire.before).toBeNull();
    expect(flow.before).toBe('off');

    await rewireAsOwner(wire.target.referenceId, otherConnection);
    suspendByPlatform(flow.target.flowId);
    await t.cloud.clearLog();

    const result = await applyPlan(plan, { operations: operations(), journal, who: WHO, retry: { delayMs: 0 } });
    const byId = new Map(result.steps.map((s) => [s.stepId, s]));
    expect(byId.get(wire.id)).toMatchObject({
      status: 'conflict',
      before: otherConnection,
      reason: `${wire.target.displayName} (${wire.target.logicalName}) is now wired to ${otherConnection} in ${STAGE}, not to no connection as planned from; someone changed it after the plan was made, so it was left as it is: scan and plan again.`,
    });
    expect(byId.get(flow.id)).toMatchObject({ status: 'conflict', before: 'suspended', reason: expect.stringContaining(`is now suspended in ${STAGE}, not off as planned from; someone changed it after the plan was made`) as unknown });

    // Not overwritten: the other person's values stand, and Patchbay never wrote to either record.
    expect(row('connectionreference', wire.target.referenceId)['connectionid']).toBe(otherConnection);
    expect(row('workflow', flow.target.flowId)['statecode']).toBe(2);
    expect(await writesTo('connectionreferences', wire.target.referenceId)).toEqual([]);
    expect(await writesTo('workflows', flow.target.flowId)).toEqual([]);
    expectRestDone(plan, result.steps, new Set([wire.id, flow.id]));
    expect(dependentsOf(plan, new Set([wire.id])).size).toBeGreaterThan(0);
  });
});

describe('a change by someone else during apply, after the bulk read', () => {
  it('refuses the write made with the bulk read’s ETag (412), reads again, and calls the conflict from what it finds', async () => {
    const { plan } = await planStage();
    const { step: wire, otherConnection } = rewirable(plan);
    const flow = leafActivation(plan, new Set([wire.id]));
    await t.cloud.clearLog();
    let bulkReads = 0;
    const ops = intercepted(operations(), {
      afterBulkRead: async () => {
        bulkReads++;
        await rewireAsOwner(wire.target.referenceId, otherConnection);
        suspendByPlatform(flow.target.flowId);
      },
    });
    const result = await applyPlan(plan, { operations: ops, journal, who: WHO, retry: { delayMs: 0 } });
    expect(bulkReads).toBe(1);
    const byId = new Map(result.steps.map((s) => [s.stepId, s]));
    // Two cycles: the write with the bulk read's ETag, refused; then a fresh read that finds the change.
    expect(byId.get(wire.id)).toMatchObject({ status: 'conflict', attempts: 2, before: otherConnection, reason: expect.stringContaining(`is now wired to ${otherConnection} in ${STAGE}, not to no connection as planned from`) as unknown });
    expect(byId.get(flow.id)).toMatchObject({ status: 'conflict', attempts: 2, before: 'suspended', reason: expect.stringContaining('is now suspended') as unknown });

    const refWrites = await writesTo('connectionreferences', wire.target.referenceId);
    expect(refWrites).toEqual([
      { status: 204, caller: owner() },
      { status: 412, caller: actorOf(wire) },
    ]);
    expect(await writesTo('workflows', flow.target.flowId)).toEqual([{ status: 412, caller: actorOf(flow) }]);
    expect(row('connectionreference', wire.target.referenceId)['connectionid']).toBe(otherConnection);
    expect(row('workflow', flow.target.flowId)['statecode']).toBe(2);
    expectRestDone(plan, result.steps, new Set([wire.id, flow.id]));
  });

  it('skips, without writing, a flow someone else turned on between the bulk read and its write', async () => {
    const { plan } = await planStage();
    const flow = leafActivation(plan, new Set());
    const ops = intercepted(operations(), {
      beforeFlowWrite: async (flowId) => {
        // The owner turns it on just before Patchbay's write: its wiring is done by then (the step depends on it).
        if (flowId === flow.target.flowId && row('workflow', flowId)['statecode'] === 0) {
          await ownersDataverse().update('workflows', flowId, { statecode: 1, statuscode: 2 }, { ifMatch: '*' });
        }
      },
    });
    await t.cloud.clearLog();
    const result = await applyPlan(plan, { operations: ops, journal, who: WHO, retry: { delayMs: 0 } });
    expect(result.steps.find((s) => s.stepId === flow.id)).toMatchObject({ status: 'skipped', reason: 'already on', attempts: 2 });
    expect(await writesTo('workflows', flow.target.flowId)).toEqual([
      { status: 204, caller: owner() },
      { status: 412, caller: actorOf(flow) },
    ]);
    expect(result.summary).toMatchObject({ failed: 0, conflicts: 0, skipped: 1 });
  });
});

describe('resuming after a kill while the killed session’s last write is still on its way', () => {
  /**
   * A step journaled started by a killed session may have a write still in flight (a slow server keeps
   * processing a request whose client died). When it lands between the resume's re-read and its write,
   * the resume's write gets a 412: perform-step reads again, finds the plan's `after`, and confirms the
   * step done — not a conflict, and no second write. Found by `npm run chaos` (kill runs with slow answers).
   */
  it('confirms the step when the late write lands between the re-read and the write', async () => {
    const { plan: full } = await planStage();
    const { step: wire } = rewirable(full);
    const plan: Plan = { ...full, steps: [{ ...wire, dependsOn: [] }] };
    const writer = await journal.createRun('run-killed');
    const at = new Date().toISOString();
    await writer.append({ type: 'run-started', at, planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    await writer.append({ type: 'step-started', at, stepId: wire.id, environmentId: wire.environmentId, kind: wire.kind, identity: wire.identity });
    await writer.close();

    // The killed session's write (the same one: to the plan's connection, as the owner) lands just
    // after the resume has read the reference.
    let landed = false;
    const ops = intercepted(operations(), {
      beforeWire: async (referenceId) => {
        if (landed || referenceId !== wire.target.referenceId) return;
        landed = true;
        await ownersDataverse().update('connectionreferences', referenceId, { connectionid: wire.after }, { ifMatch: '*' });
      },
    });
    await t.cloud.clearLog();
    const result = await resumeRun(journal, 'run-killed', { operations: ops, who: WHO, retry: { delayMs: 0 } });
    expect(landed).toBe(true);
    expect(row('connectionreference', wire.target.referenceId)['connectionid']).toBe(wire.after);
    expect(result.steps[0]).toMatchObject({ status: 'done', inTargetState: true, attempts: 2, before: wire.before, reason: expect.stringContaining('confirmed on re-read') as unknown });
    // The resume's one write was refused (the late write had moved the ETag); it was not sent again.
    expect(await writesTo('connectionreferences', wire.target.referenceId)).toEqual([
      { status: 204, caller: owner() },
      { status: 412, caller: actorOf(wire) },
    ]);
  });

  it('still calls a conflict, without overwriting, when what lands in between is someone else’s other value', async () => {
    const { plan: full } = await planStage();
    const { step: wire, otherConnection } = rewirable(full);
    const plan: Plan = { ...full, steps: [{ ...wire, dependsOn: [] }] };
    const writer = await journal.createRun('run-killed');
    const at = new Date().toISOString();
    await writer.append({ type: 'run-started', at, planId: plan.id, solution: plan.solution, environments: plan.environments, who: WHO, plan });
    await writer.append({ type: 'step-started', at, stepId: wire.id, environmentId: wire.environmentId, kind: wire.kind, identity: wire.identity });
    await writer.close();

    let landed = false;
    const ops = intercepted(operations(), {
      beforeWire: async (referenceId) => {
        if (landed || referenceId !== wire.target.referenceId) return;
        landed = true;
        await rewireAsOwner(referenceId, otherConnection);
      },
    });
    await t.cloud.clearLog();
    const result = await resumeRun(journal, 'run-killed', { operations: ops, who: WHO, retry: { delayMs: 0 } });
    expect(landed).toBe(true);
    expect(result.steps[0]).toMatchObject({ status: 'conflict', attempts: 2, before: otherConnection, inTargetState: false, reason: expect.stringContaining(`is now wired to ${otherConnection} in ${STAGE}`) as unknown });
    expect(row('connectionreference', wire.target.referenceId)['connectionid']).toBe(otherConnection);
    expect(await writesTo('connectionreferences', wire.target.referenceId)).toEqual([
      { status: 204, caller: owner() },
      { status: 412, caller: actorOf(wire) },
    ]);
  });
});
