import { z } from 'zod';
import {
  accountSummarySchema,
  authModeSchema,
  cloudIdSchema,
  environmentSchema,
  exportedFileSchema,
  fileIssueSchema,
  findingSchema,
  intentSchema,
  planSchema,
  runListingSchema,
  runResultSchema,
  scanResultSchema,
  solutionSchema,
  stepResultSchema,
  strategySchema,
} from './schemas';

/**
 * The one IPC contract between the renderer and the main process (design §2), served alike over
 * Electron IPC and the web host. Each channel has an input and an output schema; each event a payload
 * schema. Types for the preload bridge, the renderer's client and the main handlers all derive from here:
 * adding a channel in this file types both ends.
 */

const empty = z.object({}).strict();
const environmentId = z.string().min(1).max(200);
const maxFile = 20 * 1024 * 1024;

export const channels = {
  'app:info': {
    input: empty,
    output: z.object({ version: z.string(), demo: z.boolean(), transport: z.enum(['electron', 'web']), dataDir: z.string() }),
  },
  'accounts:list': { input: empty, output: z.array(accountSummarySchema) },
  'accounts:add': {
    input: z
      .object({
        label: z.string().trim().min(1).max(100),
        tenant: z.string().trim().min(1).max(253),
        cloud: cloudIdSchema,
        sandboxUrl: z.string().max(200).optional(),
        mode: authModeSchema,
        clientId: z.string().trim().min(1).max(64),
        role: z.enum(['me', 'spn']),
        /** Client-secret mode: kept in the main process's memory (encrypted at rest only with safeStorage). */
        clientSecret: z.string().min(1).max(1024).optional(),
        certificatePath: z.string().max(4096).optional(),
      })
      .strict(),
    output: accountSummarySchema,
  },
  'accounts:remove': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: z.null() },
  'accounts:sign-in': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: accountSummarySchema },
  'accounts:sign-out': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: accountSummarySchema },
  'environments:list': { input: empty, output: z.array(environmentSchema) },
  'solutions:list': { input: z.object({ environmentId }).strict(), output: z.array(solutionSchema) },
  'workspace:scan': {
    input: z
      .object({
        solution: z.string().trim().min(1).max(65),
        environmentIds: z.array(environmentId).min(1).max(100),
        identity: z.union([strategySchema, z.record(z.string().max(200), strategySchema)]).optional(),
      })
      .strict(),
    output: scanResultSchema,
  },
  'plan:build': { input: z.object({ intent: intentSchema }).strict(), output: planSchema },
  'run:start': { input: z.object({ planId: z.string().min(1).max(100) }).strict(), output: z.object({ runId: z.string() }) },
  'run:cancel': { input: z.object({ runId: z.string().min(1).max(100) }).strict(), output: z.null() },
  'audit:findings': { input: empty, output: z.array(findingSchema) },
  'audit:export': { input: z.object({ format: z.enum(['csv', 'json', 'html']), runId: z.string().max(100).optional() }).strict(), output: exportedFileSchema },
  'history:list': { input: empty, output: z.array(runListingSchema) },
  'history:get': { input: z.object({ runId: z.string().min(1).max(100) }).strict(), output: z.object({ listing: runListingSchema, plan: planSchema, results: z.array(stepResultSchema) }) },
  'history:undo-plan': { input: z.object({ runId: z.string().min(1).max(100) }).strict(), output: planSchema },
  'settings:export': { input: z.object({ environmentId }).strict(), output: exportedFileSchema },
  'settings:import': {
    input: z.object({ environmentId, fileName: z.string().min(1).max(260), content: z.string().max(maxFile) }).strict(),
    output: z.union([
      z.object({ ok: z.literal(true), plan: planSchema, warnings: z.array(fileIssueSchema) }),
      z.object({ ok: z.literal(false), errors: z.array(fileIssueSchema), warnings: z.array(fileIssueSchema) }),
    ]),
  },
  'settings:diff': {
    input: z.object({ environmentId, fileName: z.string().min(1).max(260), content: z.string().max(maxFile) }).strict(),
    output: z.object({
      ok: z.boolean(),
      errors: z.array(fileIssueSchema),
      items: z.array(z.object({ kind: z.string(), item: z.string(), message: z.string() })),
      hasDrift: z.boolean(),
    }),
  },
  'solution-file:preview': {
    input: z.object({ fileName: z.string().min(1).max(260), contentBase64: z.string().max(maxFile * 2), environmentIds: z.array(environmentId).min(1).max(100) }).strict(),
    output: z.union([
      z.object({
        ok: z.literal(true),
        solution: z.object({ uniqueName: z.string(), version: z.string(), references: z.number(), flows: z.number(), variables: z.number() }),
        environments: z.array(z.object({ environmentId: z.string(), displayName: z.string(), summary: z.array(z.string()) })),
      }),
      z.object({ ok: z.literal(false), errors: z.array(fileIssueSchema) }),
    ]),
  },
  'external:open': { input: z.object({ url: z.string().url().max(2048) }).strict(), output: z.null() },
  'demo:reset': { input: empty, output: z.null() },
  'demo:deploy': { input: z.object({ environmentId }).strict(), output: z.null() },
} as const;

export const events = {
  'accounts:changed': z.array(accountSummarySchema),
  'auth:device-code': z.object({ accountId: z.string(), userCode: z.string(), verificationUri: z.string(), expiresAt: z.string(), message: z.string() }),
  'run:progress': z.object({
    runId: z.string(),
    stepId: z.string().nullable(),
    type: z.enum(['step-started', 'step-finished']),
    result: stepResultSchema.nullable(),
    counts: z.object({ total: z.number(), done: z.number(), skipped: z.number(), failed: z.number(), conflicts: z.number(), cancelled: z.number(), running: z.number(), pending: z.number() }),
  }),
  'run:finished': z.object({ runId: z.string(), result: runResultSchema.nullable(), error: z.string().nullable() }),
  toast: z.object({ level: z.enum(['info', 'success', 'warning', 'error']), message: z.string() }),
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type EventName = keyof typeof events;
export type In<C extends Channel> = z.input<Channels[C]['input']>;
export type Out<C extends Channel> = z.output<Channels[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Errors cross the boundary as data (design §2); `fix` says what the person can do about it. */
export interface WireError {
  code: string;
  message: string;
  detail?: string;
  fix?: string;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** What the preload exposes (and the web host's client implements): nothing but these two. */
export interface Bridge {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export const channelNames = Object.keys(channels) as Channel[];
export const eventNames = Object.keys(events) as EventName[];
export const isChannel = (name: unknown): name is Channel => typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
export const isEvent = (name: unknown): name is EventName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
