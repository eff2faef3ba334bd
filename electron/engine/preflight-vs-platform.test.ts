import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudState } from '../sandbox/model';
import { createRng, type Rng } from '../sandbox/rng';
import { preflightActivate, preflightWire, effectiveObjectId, type IdentityStrategy, type Verdict } from '../../shared/engine/preflight';
import type { Blocker } from '../../shared/engine/rules';
import { PlatformError } from '../cloud/http/platform-error';
import { liveOperations } from './live-operations';
import { scan } from './scan';
import { startEngineTestbed, type EngineTestbed } from './test-support/engine-testbed';

/**
 * Preflight must predict what the platform then does. Seeded rounds scramble the contoso tenant (random
 * wiring, dangling ids, broken connections, shares, flows on/off, children published or not), scan it,
 * ask preflight about every off flow and a sample of wirings under a random identity strategy, then
 * try each for real through the live operations, restoring the tenant between attempts.
 */

let t: EngineTestbed;
beforeAll(async () => {
  t = await startEngineTestbed();
});
afterAll(async () => {
  await t.close();
});

const STAGES = ['contoso-test', 'contoso-uat', 'contoso-prod'];

/** The Flow/Dataverse codes a certain blocker must show up as. */
function expectedCodes(blockers: readonly Blocker[]): Set<string> {
  const codes = new Set<string>();
  for (const b of blockers) {
    if (b.code === 'reference-unwired') codes.add('XrmConnectionReferenceMissingConnection');
    if (b.code === 'reference-dangling' || b.code === 'connection-broken' || b.code === 'connection-not-usable') codes.add('ConnectionAuthorizationFailed');
    if (b.code === 'no-delegate') codes.add('0x8004A110');
    if (b.code === 'identity-cannot-write') codes.add('0x80040220');
    if (b.code === 'identity-disabled') codes.add('0x80040225');
  }
  return codes;
}

function actualCodes(error: PlatformError): Set<string> {
  const codes = new Set<string>();
  if (error.flowCode && error.flowCode !== 'MultipleErrorsOccurred') codes.add(error.flowCode);
  for (const d of error.details) codes.add(d.code);
  if (!error.flowCode && error.dataverseCode) codes.add(error.dataverseCode);
  codes.delete('ChildFlowNeverPublished');
  return codes;
}

function scramble(state: CloudState, rng: Rng): void {
  const spn = state.apps.find((a) => a.isPipelineSpn)?.servicePrincipalId ?? '';
  const principals = [spn, ...state.users.filter((u) => !u.disabled).map((u) => u.objectId)];
  for (const env of state.environments.filter((e) => STAGES.includes(e.orgName))) {
    const connections = state.connections.filter((c) => c.environmentId === env.id);
    for (const c of connections) {
      if (rng.chance(0.15)) c.status = { kind: 'Error', target: 'token', code: 'Unauthorized', message: 'expired' };
      if (rng.chance(0.3)) c.permissions.push({ principalId: rng.pick(principals), principalType: 'User', roleName: 'CanView' });
    }
    for (const ref of Object.values(env.tables['connectionreference'] ?? {})) {
      const api = String(ref['connectorid']).split('/').pop();
      const options = connections.filter((c) => c.apiName === api);
      const roll = rng.next();
      ref['connectionid'] = roll < 0.2 ? null : roll < 0.27 ? rng.hex(32) : options.length ? rng.pick(options).name : null;
    }
    for (const flow of Object.values(env.tables['workflow'] ?? {}).filter((w) => w['category'] === 5)) {
      const on = rng.chance(0.25);
      flow['statecode'] = on ? 1 : 0;
      flow['statuscode'] = on ? 2 : 1;
      const published = on || rng.chance(0.4);
      const id = String(flow['workflowid']);
      env.internals.publishedFlowIds = env.internals.publishedFlowIds.filter((x) => x !== id);
      if (published) env.internals.publishedFlowIds.push(id);
    }
  }
}

interface Tally {
  cases: number;
  succeeded: number;
  failed: number;
  mayFail: number;
}

async function attempt(run: () => Promise<void>): Promise<PlatformError | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
}

function check(verdict: Verdict, error: PlatformError | null, label: string, tally: Tally): void {
  tally.cases += 1;
  if (verdict.outcome === 'will-succeed') {
    expect(error, `${label}: predicted success, got ${error?.message ?? ''}`).toBeNull();
    tally.succeeded += 1;
  } else if (verdict.outcome === 'will-fail') {
    expect(error, `${label}: predicted failure (${JSON.stringify(verdict.blockers)}), but it succeeded`).not.toBeNull();
    expect(actualCodes(error as PlatformError), `${label}: ${error?.message ?? ''}`).toEqual(expectedCodes(verdict.blockers));
    tally.failed += 1;
  } else {
    // may-fail: only child flows of unknown history; a failure must be exactly that.
    if (error) expect(error.flowCode === 'ChildFlowNeverPublished' || error.details.every((d) => d.code === 'ChildFlowNeverPublished')).toBe(true);
    tally.mayFail += 1;
  }
}

describe('preflight predicts the platform', () => {
  it('on many generated cases of activation and wiring', { timeout: 240_000 }, async () => {
    const store = t.cloud.h.sb.ctx.store;
    const environments = (await t.environments()).filter((e) => e.instanceUrl && STAGES.some((s) => e.instanceUrl?.includes(`/orgs/${s}/`)));
    const operations = liveOperations(t.accounts, environments);
    const strategies: IdentityStrategy[] = ['me', 'spn', 'connection-owner'];
    const tally: Tally = { cases: 0, succeeded: 0, failed: 0, mayFail: 0 };
    for (let round = 1; round <= 6; round++) {
      const rng = createRng(round * 7919);
      const base = structuredClone(store.state);
      scramble(base, rng);
      store.replace(structuredClone(base));
      const { snapshots } = await scan(t.scanClients, environments, { solution: 'ContosoOperations', identities: t.identities });
      for (const snapshot of snapshots) {
        const ops = operations(snapshot.environment.id);
        for (const flow of snapshot.flows.filter((f) => f.state === 'off')) {
          const strategy = rng.pick(strategies);
          const verdict = preflightActivate(snapshot, flow, strategy);
          if (!verdict.identity) continue;
          const identity = verdict.identity;
          store.replace(structuredClone(base));
          const error = await attempt(() => ops.setFlowState(flow.id, true, identity, { ifMatch: '*' }));
          check(verdict, error, `round ${round} ${snapshot.environment.displayName} activate ${flow.name} as ${strategy} (${effectiveObjectId(identity)})`, tally);
        }
        for (const ref of snapshot.references.filter(() => rng.chance(0.5))) {
          const candidates = snapshot.connections.filter((c) => c.connector === ref.connector);
          if (!candidates.length) continue;
          const target = rng.pick(candidates).name;
          const strategy = rng.pick(strategies);
          const verdict = preflightWire(snapshot, ref, target, strategy);
          if (!verdict.identity) continue;
          const identity = verdict.identity;
          store.replace(structuredClone(base));
          const error = await attempt(() => ops.wire(ref.id, target, identity, { ifMatch: '*' }));
          check(verdict, error, `round ${round} ${snapshot.environment.displayName} wire ${ref.logicalName} → ${target} as ${strategy}`, tally);
        }
      }
    }
    // Enough cases of each kind for the comparison to mean something.
    expect(tally.cases).toBeGreaterThan(200);
    expect(tally.succeeded).toBeGreaterThan(20);
    expect(tally.failed).toBeGreaterThan(50);
    await t.cloud.control('POST', 'reset');
  });
});
