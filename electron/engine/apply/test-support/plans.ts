import type { Plan, PlanStep } from '../../../../shared/engine/plan';
import type { ActingIdentity } from '../../../../shared/engine/preflight';
import type { FakeState } from './fake-cloud';

/** Small hand-built plans for apply's tests, with ids shaped like buildPlan's (`env:kind:key`). */

export const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
export const OWNER = 'aaaaaaaa-0000-0000-0000-000000000003';
export const ME_SELF: ActingIdentity = { mode: 'self', role: 'me', objectId: ME };
export const WHO = { account: 'adele@contoso.example', objectId: ME };

const verdictFor = (identity: ActingIdentity | null): PlanStep['verdict'] => ({ outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] });

export function wireStep(env: string, logicalName: string, before: string | null, after: string | null, dependsOn: string[] = []): PlanStep {
  return {
    id: `${env}:wire:${logicalName}`,
    environmentId: env,
    kind: 'wire',
    target: { type: 'reference', referenceId: `ref-${logicalName}`, logicalName, displayName: logicalName, connector: 'shared_x' },
    before,
    after,
    strategy: 'me',
    identity: ME_SELF,
    dependsOn,
    verdict: verdictFor(ME_SELF),
    etag: null,
  };
}

export function flowStep(env: string, flowId: string, kind: 'activate' | 'deactivate', dependsOn: string[] = []): PlanStep {
  return {
    id: `${env}:${kind}:${flowId}`,
    environmentId: env,
    kind,
    target: { type: 'flow', flowId, name: `Flow ${flowId}` },
    before: kind === 'activate' ? 'off' : 'on',
    after: kind === 'activate' ? 'on' : 'off',
    strategy: 'me',
    identity: ME_SELF,
    dependsOn,
    verdict: verdictFor(ME_SELF),
    etag: null,
  };
}

export function shareStep(env: string, connectionName: string, principal: string, principalName = 'Lee Gu'): PlanStep {
  return {
    id: `${env}:share:${connectionName}|${principal}`,
    environmentId: env,
    kind: 'share',
    target: { type: 'connection', connectionName, connector: 'shared_x', principalObjectId: principal, principalName },
    before: null,
    after: 'CanView',
    strategy: 'me',
    identity: ME_SELF,
    dependsOn: [],
    verdict: verdictFor(ME_SELF),
    etag: null,
  };
}

export function makePlan(steps: PlanStep[], id = 'plan-1'): Plan {
  const envs = [...new Set(steps.map((s) => s.environmentId))];
  return {
    format: 'patchbay-plan',
    formatVersion: 1,
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    solution: 'ContosoSales',
    environments: envs.map((e) => ({ id: e, displayName: e.charAt(0).toUpperCase() + e.slice(1), instanceUrl: `https://${e}.crm.example/` })),
    steps,
    warnings: [],
  };
}

/** A state in which every step of the plan is at its `before`. */
export function stateBefore(plan: Plan): FakeState {
  const state: FakeState = { references: {}, flows: {}, shares: {} };
  for (const s of plan.steps) {
    const env = s.environmentId;
    if (s.target.type === 'reference') (state.references[env] ??= {})[s.target.referenceId] = { connectionId: s.before, version: 1 };
    if (s.target.type === 'flow') (state.flows[env] ??= {})[s.target.flowId] = { state: s.before === 'on' ? 'on' : 'off', version: 1, everOn: s.before === 'on' };
    if (s.target.type === 'connection') state.shares[env] ??= [];
  }
  return state;
}

/** The state every step of the plan aims at (references and flows; shares as keys). */
export function targetOf(plan: Plan): Record<string, string | null> {
  const target: Record<string, string | null> = {};
  for (const s of plan.steps) {
    const key = s.target.type === 'reference' ? s.target.referenceId : s.target.type === 'flow' ? s.target.flowId : s.target.type === 'variable' ? s.target.definitionId : `${s.target.connectionName}|${s.target.principalObjectId}`;
    target[`${s.environmentId}/${key}`] = s.after;
  }
  return target;
}

/** The same view of a fake state, for the keys of `target`. */
export function viewOf(state: FakeState, target: Record<string, string | null>): Record<string, string | null> {
  const view: Record<string, string | null> = {};
  for (const key of Object.keys(target)) {
    const [env = '', id = ''] = key.split('/');
    const ref = state.references[env]?.[id];
    const flow = state.flows[env]?.[id];
    view[key] = ref ? ref.connectionId : flow ? flow.state : (state.shares[env] ?? []).includes(id.toLowerCase()) ? 'CanView' : null;
  }
  return view;
}

/** A wide plan: per environment, `n` references wired then `n` flows turned on, flow i using reference i. */
export function widePlan(envs: string[], n: number): { plan: Plan; state: FakeState } {
  const steps: PlanStep[] = [];
  for (const env of envs) {
    for (let i = 0; i < n; i++) steps.push(wireStep(env, `r${i}`, null, `conn-${i}`));
    for (let i = 0; i < n; i++) steps.push(flowStep(env, `f${i}`, 'activate', [`${env}:wire:r${i}`]));
  }
  const plan = makePlan(steps, 'plan-wide');
  const state = stateBefore(plan);
  state.uses = Object.fromEntries(envs.map((env) => [env, Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, { references: [`ref-r${i}`], children: [] }]))]));
  return { plan, state };
}
