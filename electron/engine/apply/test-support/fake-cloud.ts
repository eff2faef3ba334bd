import type { ActingIdentity } from '../../../../shared/engine/preflight';
import { CancelledError, localInfo, PlatformError, type PlatformErrorInfo } from '../../../cloud/http/platform-error';
import type { EnvironmentOperations, OperationsFor } from '../../operations';

/**
 * An in-memory stand-in for the platform behind `EnvironmentOperations`, for apply's tests: rows with
 * versions (ETags `W/"n"`) that every write bumps, If-Match checked (412 when stale), the activation
 * rules that make order matter (every reference a flow uses wired; children turned on before parents),
 * latency, injected failures and concurrent changes, and a log of every call with how many were in
 * flight. `persist` is called after every write (the crash test keeps the state in a file).
 */

export type FlowState = 'on' | 'off' | 'suspended';

export interface FakeState {
  /** environment → reference id → row */
  references: Record<string, Record<string, { connectionId: string | null; version: number }>>;
  /** environment → flow id → row; `everOn` is what ChildFlowNeverPublished tests */
  flows: Record<string, Record<string, { state: FlowState; version: number; everOn: boolean }>>;
  /** environment → `connection|principal` shares */
  shares: Record<string, string[]>;
  /** environment → variable definition id → value row (absent: no value) */
  variables?: Record<string, Record<string, { value: string | null; version: number }>>;
  /** environment → flow id → reference ids it uses / child flow ids it calls */
  uses?: Record<string, Record<string, { references: string[]; children: string[] }>>;
}

export type OpName = 'readMany' | 'readReference' | 'readFlow' | 'readVariable' | 'hasAccess' | 'wire' | 'setFlowState' | 'setVariable' | 'share' | 'unshare';
export const WRITES: readonly OpName[] = ['wire', 'setFlowState', 'setVariable', 'share', 'unshare'];

export interface FakeCall {
  seq: number;
  env: string;
  op: OpName;
  /** reference id, flow id, or `connection|principal` */
  target: string;
  value?: string | null;
  ifMatch?: string;
  identity?: ActingIdentity;
  /** Calls of this environment in flight when this one began (itself included). */
  inFlight: number;
}

/** Runs before the operation's effect; may throw (a failure), change state (someone else), or wait. */
export type Interceptor = (call: FakeCall, cloud: FakeCloud) => void | Promise<void>;

export interface FakeCloudOptions {
  latencyMs?: number | ((call: FakeCall) => number);
  persist?: (state: FakeState) => void;
  /** Offer `readMany` (the live operations do); off by default so each step's own read shows. */
  bulkReads?: boolean;
}

export const etagOf = (version: number): string => `W/"${version}"`;
export const shareKey = (connection: string, principal: string): string => `${connection}|${principal}`.toLowerCase();

export function platformError(kind: PlatformErrorInfo['kind'], extra: Partial<PlatformErrorInfo> = {}, attempts = 1): PlatformError {
  return new PlatformError(localInfo(kind, extra.summary ?? `fake ${kind}`, extra), { method: 'PATCH', url: 'https://fake.example/api', correlationId: 'corr-1', attempts });
}

/** A Flow error as Dataverse wraps it (0x80060467), already parsed. */
export function flowError(flowCode: string, message: string, details: { code: string; message: string }[] = []): PlatformError {
  return platformError('bad-request', { status: 400, code: '0x80060467', dataverseCode: '0x80060467', flowCode, flowStatus: 'BadRequest', platformMessage: message, details, summary: 'The Flow service refused the change.' });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError({ method: 'GET', url: 'https://fake.example/api', correlationId: 'corr-c' }));
    if (ms <= 0) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError({ method: 'GET', url: 'https://fake.example/api', correlationId: 'corr-c' }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class FakeCloud {
  readonly calls: FakeCall[] = [];
  private readonly interceptors: Interceptor[] = [];
  private readonly inFlight = new Map<string, number>();
  private readonly maxInFlightByEnv = new Map<string, number>();
  private seq = 0;

  constructor(
    public state: FakeState,
    private readonly options: FakeCloudOptions = {},
  ) {}

  intercept(interceptor: Interceptor): void {
    this.interceptors.push(interceptor);
  }

  maxInFlight(env: string): number {
    return this.maxInFlightByEnv.get(env) ?? 0;
  }

  writes(env?: string): FakeCall[] {
    return this.calls.filter((c) => WRITES.includes(c.op) && (env === undefined || c.env === env));
  }

  /** Someone else changes a reference (bumps its version). */
  setReference(env: string, referenceId: string, connectionId: string | null): void {
    const row = this.state.references[env]?.[referenceId];
    if (!row) throw new Error(`no reference ${referenceId} in ${env}`);
    row.connectionId = connectionId;
    row.version++;
  }

  setFlow(env: string, flowId: string, state: FlowState): void {
    const row = this.state.flows[env]?.[flowId];
    if (!row) throw new Error(`no flow ${flowId} in ${env}`);
    row.state = state;
    row.everOn ||= state === 'on';
    row.version++;
  }

  readonly operationsFor: OperationsFor = (env) => this.operations(env);

  private async call<T>(partial: Omit<FakeCall, 'seq' | 'inFlight'>, signal: AbortSignal | undefined, effect: () => T): Promise<T> {
    const now = (this.inFlight.get(partial.env) ?? 0) + 1;
    this.inFlight.set(partial.env, now);
    this.maxInFlightByEnv.set(partial.env, Math.max(now, this.maxInFlight(partial.env)));
    const call: FakeCall = { ...partial, seq: ++this.seq, inFlight: now };
    this.calls.push(call);
    try {
      const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs(call) : (this.options.latencyMs ?? 0);
      await sleep(latency, signal);
      for (const interceptor of this.interceptors) await interceptor(call, this);
      if (signal?.aborted) throw new CancelledError({ method: 'GET', url: 'https://fake.example/api', correlationId: 'corr-c' });
      const result = effect();
      if (WRITES.includes(call.op)) this.options.persist?.(this.state);
      return result;
    } finally {
      this.inFlight.set(partial.env, (this.inFlight.get(partial.env) ?? 1) - 1);
    }
  }

  private checkVersion(version: number, ifMatch: string): void {
    if (ifMatch !== '*' && ifMatch !== etagOf(version)) {
      throw platformError('concurrency', { status: 412, code: '0x80060882', dataverseCode: '0x80060882', platformMessage: 'The version of the existing record doesn\'t match the RowVersion property provided.' });
    }
  }

  private operations(env: string): EnvironmentOperations {
    const refs = (): Record<string, { connectionId: string | null; version: number }> => (this.state.references[env] ??= {});
    const flows = (): Record<string, { state: FlowState; version: number; everOn: boolean }> => (this.state.flows[env] ??= {});
    const shares = (): string[] => (this.state.shares[env] ??= []);
    const notFound = (what: string): PlatformError => platformError('not-found', { status: 404, code: '0x80040217', dataverseCode: '0x80040217', platformMessage: `${what} Does Not Exist` });
    const readMany: EnvironmentOperations['readMany'] = ({ referenceIds, flowIds }, signal) =>
      this.call({ env, op: 'readMany', target: [...referenceIds, ...flowIds].join(',') }, signal, () => ({
        references: new Map(referenceIds.flatMap((id) => {
          const row = refs()[id];
          return row ? [[id.toLowerCase(), { connectionId: row.connectionId, etag: etagOf(row.version) }] as const] : [];
        })),
        flows: new Map(flowIds.flatMap((id) => {
          const row = flows()[id];
          return row ? [[id.toLowerCase(), { state: row.state, etag: etagOf(row.version) }] as const] : [];
        })),
      }));
    return {
      ...(this.options.bulkReads ? { readMany } : {}),
      readReference: (referenceId, signal) =>
        this.call({ env, op: 'readReference', target: referenceId }, signal, () => {
          const row = refs()[referenceId];
          return row ? { connectionId: row.connectionId, etag: etagOf(row.version) } : null;
        }),
      readVariable: (definitionId, signal) =>
        this.call({ env, op: 'readVariable', target: definitionId }, signal, () => {
          const row = ((this.state.variables ??= {})[env] ??= {})[definitionId];
          return row ? { value: row.value, etag: etagOf(row.version) } : { value: null, etag: '*' };
        }),
      setVariable: (definitionId, _schemaName, value, identity, options) =>
        this.call({ env, op: 'setVariable', target: definitionId, value, ifMatch: options.ifMatch, identity }, options.signal, () => {
          const table = ((this.state.variables ??= {})[env] ??= {});
          const row = table[definitionId];
          if (row) this.checkVersion(row.version, options.ifMatch);
          table[definitionId] = { value, version: (row?.version ?? 0) + 1 };
        }),
      readFlow: (flowId, signal) =>
        this.call({ env, op: 'readFlow', target: flowId }, signal, () => {
          const row = flows()[flowId];
          return row ? { state: row.state, etag: etagOf(row.version) } : null;
        }),
      hasAccess: (connectionName, _connector, principal, signal) =>
        this.call({ env, op: 'hasAccess', target: shareKey(connectionName, principal) }, signal, () => shares().includes(shareKey(connectionName, principal))),
      wire: (referenceId, connectionId, identity, options) =>
        this.call({ env, op: 'wire', target: referenceId, value: connectionId, ifMatch: options.ifMatch, identity }, options.signal, () => {
          const row = refs()[referenceId];
          if (!row) throw notFound('connectionreference');
          this.checkVersion(row.version, options.ifMatch);
          row.connectionId = connectionId;
          row.version++;
        }),
      setFlowState: (flowId, on, identity, options) =>
        this.call({ env, op: 'setFlowState', target: flowId, value: on ? 'on' : 'off', ifMatch: options.ifMatch, identity }, options.signal, () => {
          const row = flows()[flowId];
          if (!row) throw notFound('workflow');
          this.checkVersion(row.version, options.ifMatch);
          if (on) {
            const uses = this.state.uses?.[env]?.[flowId];
            const errors: { code: string; message: string }[] = [];
            for (const ref of uses?.references ?? []) {
              if (!refs()[ref]?.connectionId) errors.push({ code: 'XrmConnectionReferenceMissingConnection', message: `Connection Id missing for connection reference logical name '${ref}'.` });
            }
            for (const child of uses?.children ?? []) {
              if (!flows()[child]?.everOn) errors.push({ code: 'ChildFlowNeverPublished', message: `The workflow with id '${child}' cannot be used as a child workflow because it has never been published.` });
            }
            const [single] = errors;
            if (errors.length === 1 && single) throw flowError(single.code, single.message);
            if (errors.length > 1) throw flowError('MultipleErrorsOccurred', "Multiple errors occurred: 'BadRequest'. Please see details.", errors);
          }
          row.state = on ? 'on' : 'off';
          row.everOn ||= on;
          row.version++;
        }),
      share: (connectionName, _connector, principal, role, identity, signal) =>
        this.call({ env, op: 'share', target: shareKey(connectionName, principal), value: role, identity }, signal, () => {
          const key = shareKey(connectionName, principal);
          if (!shares().includes(key)) shares().push(key);
        }),
      unshare: (connectionName, _connector, principal, identity, signal) =>
        this.call({ env, op: 'unshare', target: shareKey(connectionName, principal), value: null, identity }, signal, () => {
          const key = shareKey(connectionName, principal);
          this.state.shares[env] = shares().filter((k) => k !== key);
        }),
    };
  }
}
