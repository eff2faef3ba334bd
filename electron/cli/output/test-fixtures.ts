import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { ActingIdentity, Verdict } from '../../../shared/engine/preflight';
import { summarize, type ProgressCounts, type RunResult, type StepError, type StepResult, type StepStatus } from '../../engine/apply/types';

/** Hand-built plans, results and names for the output tests (ids shaped like buildPlan's). */

export const ADELE = 'aaaaaaaa-0000-0000-0000-000000000001';
export const LEE = 'aaaaaaaa-0000-0000-0000-000000000003';
export const SPN = 'aaaaaaaa-0000-0000-0000-000000000002';

export const NAMES: Record<string, string> = { [ADELE]: 'Adele Vance', [LEE]: 'Lee Gu', [SPN]: 'Contoso Release Pipeline' };
export const names = (id: string): string | undefined => NAMES[id];

export const AS_ADELE: ActingIdentity = { mode: 'self', role: 'me', objectId: ADELE };
export const ADELE_AS_LEE: ActingIdentity = { mode: 'impersonate', role: 'me', actorObjectId: ADELE, targetObjectId: LEE };

export const succeeds = (identity: ActingIdentity | null = AS_ADELE): Verdict => ({ outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] });

export function step(over: Partial<PlanStep> & Pick<PlanStep, 'id' | 'environmentId' | 'kind' | 'target'>): PlanStep {
  return { before: null, after: null, strategy: 'me', identity: AS_ADELE, dependsOn: [], verdict: succeeds(over.identity ?? AS_ADELE), etag: null, ...over };
}

export const shareC3 = step({
  id: 'test:share:c3',
  environmentId: 'test',
  kind: 'share',
  target: { type: 'connection', connectionName: 'c3', connector: 'shared_sql', principalObjectId: LEE, principalName: 'Lee Gu' },
  after: 'CanView',
});

export const wireMail = step({
  id: 'test:wire:cr_mail',
  environmentId: 'test',
  kind: 'wire',
  target: { type: 'reference', referenceId: 'r1', logicalName: 'cr_mail', displayName: 'Mail', connector: 'shared_office365' },
  after: 'shared-office365-1',
});

export const activateInvoice = step({
  id: 'test:activate:f1',
  environmentId: 'test',
  kind: 'activate',
  target: { type: 'flow', flowId: 'f1', name: 'Invoice approval' },
  before: 'off',
  after: 'on',
  identity: ADELE_AS_LEE,
  strategy: 'connection-owner',
  dependsOn: ['test:wire:cr_mail', 'test:share:c3'],
});

export const activateBlocked = step({
  id: 'prod:activate:f2',
  environmentId: 'prod',
  kind: 'activate',
  target: { type: 'flow', flowId: 'f2', name: 'Payroll sync' },
  before: 'off',
  after: 'on',
  verdict: {
    outcome: 'will-fail',
    strategy: 'me',
    identity: AS_ADELE,
    blockers: [{ code: 'reference-unwired', referenceId: 'r9', logicalName: 'cr_sql', connector: 'shared_sql' }],
    fixes: [{ kind: 'wire', referenceId: 'r9', logicalName: 'cr_sql', connectionName: 'sql-1' }],
  },
});

export const activateMaybe = step({
  id: 'prod:activate:f3',
  environmentId: 'prod',
  kind: 'activate',
  target: { type: 'flow', flowId: 'f3', name: 'Parent flow' },
  before: 'off',
  after: 'on',
  verdict: {
    outcome: 'may-fail',
    strategy: 'me',
    identity: AS_ADELE,
    blockers: [{ code: 'child-off', childId: 'f4', childName: 'Child flow', certain: false }],
    fixes: [{ kind: 'activate-first', flowId: 'f4', flowName: 'Child flow' }],
  },
});

export function plan(steps: PlanStep[], over: Partial<Plan> = {}): Plan {
  return {
    format: 'patchbay-plan',
    formatVersion: 1,
    id: 'plan-1',
    createdAt: '2026-03-04T10:15:00.000Z',
    solution: 'ContosoSales',
    environments: [
      { id: 'test', displayName: 'Contoso Test', instanceUrl: 'https://test.crm.example/' },
      { id: 'prod', displayName: 'Contoso Prod', instanceUrl: 'https://prod.crm.example/' },
    ],
    steps,
    warnings: [],
    ...over,
  };
}

export function result(s: PlanStep, status: StepStatus, over: Partial<StepResult> = {}): StepResult {
  const verb = s.kind === 'activate' ? 'turn on' : s.kind;
  const t = s.target;
  const what = t.type === 'flow' ? t.name : t.type === 'reference' ? t.logicalName : t.type === 'variable' ? t.schemaName : `connection ${t.connectionName}`;
  return {
    stepId: s.id,
    environmentId: s.environmentId,
    kind: s.kind,
    label: `${verb} ${what} in ${s.environmentId === 'test' ? 'Contoso Test' : 'Contoso Prod'}`,
    status,
    reason: null,
    observed: true,
    before: s.before,
    after: status === 'done' ? s.after : s.before,
    inTargetState: status === 'done',
    uncertain: false,
    identity: s.identity,
    startedAt: '2026-03-04T10:16:00.000Z',
    finishedAt: '2026-03-04T10:16:01.000Z',
    attempts: 1,
    error: null,
    ...over,
  };
}

export function stepError(message: string, over: Partial<StepError> = {}): StepError {
  return { message, kind: 'bad-request', code: null, status: 400, platformMessage: null, details: [], correlationId: null, httpAttempts: 1, ...over };
}

export function run(steps: StepResult[], over: Partial<RunResult> = {}): RunResult {
  return { runId: 'run-20260304T101600Z-abc123', planId: 'plan-1', steps, summary: summarize(steps), cancelled: false, ...over };
}

export function counts(over: Partial<ProgressCounts>): ProgressCounts {
  return { total: 0, running: 0, pending: 0, done: 0, skipped: 0, failed: 0, cancelled: 0, conflicts: 0, ...over };
}
