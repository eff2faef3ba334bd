import { z } from 'zod';

/**
 * Runtime schemas of everything that crosses the IPC boundary. Outputs are parsed too: `z.object`
 * drops unknown keys, so a stray field (a raw msal account, a token) added by a service never reaches
 * the renderer. Shapes mirror shared/domain and shared/engine types; the contract tests check they agree.
 */

const id = z.string().min(1).max(400);
const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID');
const text = z.string().max(100_000);
const nullableText = text.nullable();

export const cloudIdSchema = z.enum(['public', 'gcc', 'gcchigh', 'dod', 'china', 'sandbox']);
export const authModeSchema = z.enum(['interactive', 'device-code', 'client-secret', 'certificate']);
export const strategySchema = z.enum(['auto', 'me', 'spn', 'connection-owner']);
export const resolvedStrategySchema = z.enum(['me', 'spn', 'connection-owner']);

export const accountSummarySchema = z.object({
  id,
  label: text,
  tenant: text,
  cloud: cloudIdSchema,
  mode: authModeSchema,
  clientId: text,
  /** What this account is for in the app: the signed-in person, or the pipeline service principal. */
  role: z.enum(['me', 'spn']),
  status: z.enum(['signed-in', 'signed-out', 'signing-in', 'error']),
  username: nullableText,
  error: nullableText,
  isDemo: z.boolean(),
  /** Whether its tokens survive a restart, and if not why. */
  persistence: z.object({ kind: z.enum(['encrypted', 'memory-only']), reason: nullableText }),
});
export type AccountSummary = z.infer<typeof accountSummarySchema>;

export const environmentSchema = z.object({
  id,
  displayName: text,
  sku: text,
  region: text,
  isDefault: z.boolean(),
  instanceUrl: nullableText,
  organizationId: nullableText,
});

export const solutionSchema = z.object({ id, uniqueName: text, friendlyName: text, version: text, managed: z.boolean() });

const principalSchema = z.object({ objectId: text, displayName: text, type: z.enum(['User', 'ServicePrincipal', 'Group', 'Tenant', 'NotSpecified']), userPrincipalName: nullableText });
const healthSchema = z.union([z.object({ kind: z.literal('connected') }), z.object({ kind: z.literal('error'), code: text, message: text })]);
const shareSchema = z.object({ principal: principalSchema, role: z.enum(['Owner', 'CanView', 'CanViewWithShare', 'CanEdit']), id: text });

export const blockerSchema = z
  .object({
    code: z.enum([
      'definition-unreadable',
      'reference-missing',
      'reference-unwired',
      'reference-dangling',
      'connection-broken',
      'connection-not-usable',
      'connection-missing',
      'cannot-share',
      'child-absent',
      'child-uses-invoker',
      'child-off',
      'identity-absent',
      'identity-disabled',
      'identity-cannot-write',
      'no-delegate',
    ]),
    message: text.optional(),
    logicalName: text.optional(),
    referenceId: text.optional(),
    connector: text.optional(),
    connectionId: text.optional(),
    connectionName: text.optional(),
    ownerObjectId: text.optional(),
    principalObjectId: text.optional(),
    childId: text.optional(),
    childName: text.optional(),
    certain: z.boolean().optional(),
    objectId: text.optional(),
  })
  .strip();

const cellReasonSchema = z.object({
  code: z.enum(['blocker', 'owner-disabled', 'not-shared-with-spn', 'connection-error', 'may-fail', 'value-differs']),
  blocker: blockerSchema.optional(),
  ownerObjectId: text.optional(),
  ownerName: text.optional(),
  connectionName: text.optional(),
  spnObjectId: text.optional(),
  message: text.optional(),
  fileValue: text.optional(),
  liveValue: nullableText.optional(),
});

const referenceCellSchema = z.object({
  kind: z.literal('reference'),
  state: z.enum(['wired', 'unwired', 'dangling', 'broken', 'owner-disabled', 'not-usable', 'absent']),
  referenceId: nullableText,
  connection: z.object({ name: text, displayName: text, owner: principalSchema, health: healthSchema, shares: z.array(shareSchema) }).nullable(),
  connectionId: nullableText,
  reasons: z.array(cellReasonSchema),
});
const flowCellSchema = z.object({
  kind: z.literal('flow'),
  state: z.enum(['on', 'off', 'blocked', 'suspended', 'absent']),
  flowId: nullableText,
  reasons: z.array(cellReasonSchema),
});
const envVarCellSchema = z.object({
  kind: z.literal('envvar'),
  state: z.enum(['set', 'default', 'missing', 'differs', 'absent']),
  value: nullableText,
  defaultValue: nullableText,
  reasons: z.array(cellReasonSchema),
});

export const matrixSchema = z.object({
  columns: z.array(z.object({ environmentId: id, displayName: text, sku: text, solutionVersion: nullableText, problems: z.array(text) })),
  references: z.array(
    z.object({ kind: z.literal('reference'), key: text, displayName: text, logicalName: text, connector: text, connectorName: text, cells: z.record(z.string(), referenceCellSchema) }),
  ),
  envVars: z.array(z.object({ kind: z.literal('envvar'), key: text, displayName: text, schemaName: text, type: text, cells: z.record(z.string(), envVarCellSchema) })),
  flows: z.array(
    z.object({ kind: z.literal('flow'), key: text, displayName: text, flowId: text, childIds: z.array(text), parentIds: z.array(text), cells: z.record(z.string(), flowCellSchema) }),
  ),
  counts: z.record(z.string(), z.record(z.string(), z.number())),
});
export type MatrixDto = z.infer<typeof matrixSchema>;

/** A connection as the Wire dialog shows it: who owns it, its health, who may use it. */
export const connectionViewSchema = z.object({
  name: text,
  connector: text,
  displayName: text,
  owner: principalSchema,
  ownerDisabled: z.boolean(),
  health: healthSchema,
  shares: z.array(shareSchema),
  usableBy: z.object({ me: z.boolean(), spn: z.boolean() }),
  createdTime: text,
});

export const scanResultSchema = z.object({
  solution: text,
  scannedAt: text,
  matrix: matrixSchema,
  /** Per environment: the connections there (for wiring choices). */
  connections: z.record(z.string(), z.array(connectionViewSchema)),
  /** Display names of principals the matrix mentions, by object id. */
  principals: z.record(z.string(), text),
  identities: z.object({ me: nullableText, spn: nullableText }),
  failures: z.array(z.object({ environmentId: text, displayName: text, error: text })),
});
export type ScanResultDto = z.infer<typeof scanResultSchema>;

const actingIdentitySchema = z.union([
  z.object({ mode: z.literal('self'), role: z.enum(['me', 'spn']), objectId: text }),
  z.object({ mode: z.literal('impersonate'), role: z.enum(['me', 'spn']), actorObjectId: text, targetObjectId: text }),
]);
const fixSchema = z.object({
  kind: z.enum(['wire', 'share', 'activate-first', 'use-identity', 'grant-delegate', 'add-application-user', 'repair-connection']),
  referenceId: text.optional(),
  logicalName: text.optional(),
  connectionName: nullableText.optional(),
  connector: text.optional(),
  principalObjectId: text.optional(),
  role: text.optional(),
  flowId: text.optional(),
  flowName: text.optional(),
  strategy: resolvedStrategySchema.optional(),
  objectId: text.optional(),
});
export type FixDto = z.infer<typeof fixSchema>;
const verdictSchema = z.object({
  outcome: z.enum(['will-succeed', 'will-fail', 'may-fail']),
  strategy: resolvedStrategySchema,
  identity: actingIdentitySchema.nullable(),
  blockers: z.array(blockerSchema),
  fixes: z.array(fixSchema),
});
const targetSchema = z.union([
  z.object({ type: z.literal('connection'), connectionName: text, connector: text, principalObjectId: text, principalName: text }),
  z.object({ type: z.literal('reference'), referenceId: text, logicalName: text, displayName: text, connector: text }),
  z.object({ type: z.literal('flow'), flowId: text, name: text }),
  z.object({ type: z.literal('variable'), definitionId: text, schemaName: text, displayName: text }),
]);
export const planStepSchema = z.object({
  id: text,
  environmentId: text,
  kind: z.enum(['share', 'unshare', 'wire', 'set-variable', 'activate', 'deactivate']),
  target: targetSchema,
  before: nullableText,
  after: nullableText,
  strategy: resolvedStrategySchema,
  identity: actingIdentitySchema.nullable(),
  dependsOn: z.array(text),
  verdict: verdictSchema,
  etag: nullableText,
});
export const planSchema = z.object({
  format: z.literal('patchbay-plan'),
  formatVersion: z.literal(1),
  id: text,
  createdAt: text,
  solution: text,
  environments: z.array(z.object({ id: text, displayName: text, instanceUrl: nullableText })),
  steps: z.array(planStepSchema),
  warnings: z.array(text),
});
export type PlanDto = z.infer<typeof planSchema>;

export const intentSchema = z.object({
  environmentIds: z.array(id).min(1).max(100),
  wire: z
    .object({
      select: z.union([z.enum(['needing', 'all']), z.array(text).max(5000)]),
      pinned: z.record(z.string(), z.record(z.string(), text)).optional(),
    })
    .optional(),
  activate: z.union([z.literal('all'), z.array(text).max(20_000)]).optional(),
  deactivate: z.union([z.literal('all'), z.array(text).max(20_000)]).optional(),
  variables: z.record(z.string(), z.record(z.string(), text)).optional(),
  identity: z.union([strategySchema, z.record(z.string(), strategySchema)]),
  share: z.boolean(),
});
export type IntentDto = z.infer<typeof intentSchema>;

const stepErrorSchema = z.object({ message: text, kind: text, code: nullableText, status: z.number().nullable(), platformMessage: nullableText, correlationId: nullableText });
export const stepResultSchema = z.object({
  stepId: text,
  environmentId: text,
  kind: text,
  label: text,
  status: z.enum(['done', 'skipped', 'failed', 'conflict', 'cancelled']),
  reason: nullableText,
  before: nullableText,
  after: nullableText,
  error: stepErrorSchema.nullable(),
});
const summarySchema = z.object({ done: z.number(), skipped: z.number(), failed: z.number(), cancelled: z.number(), conflicts: z.number() });
export const runResultSchema = z.object({ runId: text, planId: text, steps: z.array(stepResultSchema), summary: summarySchema, cancelled: z.boolean() });
export type RunResultDto = z.infer<typeof runResultSchema>;

export const findingSchema = z.object({
  kind: text,
  severity: z.enum(['error', 'warning', 'info']),
  environmentId: text,
  environmentName: text,
  item: text,
  itemName: text,
  message: text,
  fix: text,
});

export const runListingSchema = z.object({
  runId: text,
  planId: text,
  solution: text,
  environments: z.array(text),
  who: z.object({ account: text, objectId: text }),
  startedAt: text,
  finishedAt: nullableText,
  status: text,
  cancelled: z.boolean(),
  steps: z.number(),
  summary: summarySchema,
});

export const fileIssueSchema = z.object({ file: text, line: z.number().nullable(), column: z.number().nullable(), code: text, message: text });

export const exportedFileSchema = z.object({ fileName: text, mimeType: text, content: z.string().max(50_000_000) });

export { guid as guidSchema };
