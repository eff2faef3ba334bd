import { join } from 'node:path';
import type { Environment } from '../../shared/domain/types';
import { audit, type Finding } from '../../shared/engine/audit';
import { deriveMatrix, type Matrix } from '../../shared/engine/matrix';
import { buildPlan, PlanError, type Intent, type Plan } from '../../shared/engine/plan';
import type { IdentityStrategy } from '../../shared/engine/preflight';
import { canUseConnection, rightsOf, type EnvironmentSnapshot } from '../../shared/engine/snapshot';
import type { ScanResultDto } from '../../shared/ipc/schemas';
import { applyPlan } from '../engine/apply/apply';
import { openJournal, type Journal } from '../engine/apply/journal';
import type { RunResult } from '../engine/apply/types';
import { liveOperations } from '../engine/live-operations';
import { scan } from '../engine/scan';
import { HandlerError } from '../ipc/dispatch';
import type { EventSink } from '../ipc/types';
import type { AccountPool } from './account-pool';

/**
 * The work in progress behind the matrix: the last scan (its snapshots feed plans, audit and previews),
 * the plans built for review (by id), and running runs (cancellable, streaming progress events).
 */

export class Workspace {
  #solution: string | null = null;
  #snapshots: EnvironmentSnapshot[] = [];
  #identity: IdentityStrategy | Record<string, IdentityStrategy> = 'auto';
  #matrix: Matrix | null = null;
  readonly #plans = new Map<string, Plan>();
  readonly #runs = new Map<string, AbortController>();
  #journal: Promise<Journal> | null = null;

  constructor(
    private readonly pool: AccountPool,
    private readonly sink: EventSink,
    private readonly dataDir: string,
  ) {}

  journal(): Promise<Journal> {
    return (this.#journal ??= openJournal(join(this.dataDir, 'journal')));
  }

  /** The account that reads (the person signed in, else the service principal). */
  reader(): NonNullable<ReturnType<AccountPool['acting']>> {
    const reader = this.pool.acting('me') ?? this.pool.acting('spn');
    if (!reader) throw new HandlerError('NOT_SIGNED_IN', 'No account is signed in.', 'Sign in on the Accounts screen (or use the demo tenant).');
    return reader;
  }

  async environments(): Promise<Environment[]> {
    return this.reader().clients.admin.listEnvironments();
  }

  snapshots(): EnvironmentSnapshot[] {
    return this.#snapshots;
  }

  solution(): string {
    if (!this.#solution) throw new HandlerError('NO_SCAN', 'Nothing is scanned yet.', 'Pick a solution and environments on the Matrix screen.');
    return this.#solution;
  }

  async scan(solution: string, environmentIds: readonly string[], identity: IdentityStrategy | Record<string, IdentityStrategy>): Promise<ScanResultDto> {
    const reader = this.reader();
    const all = await reader.clients.admin.listEnvironments();
    const environments = environmentIds.map((id) => {
      const env = all.find((e) => e.id.toLowerCase() === id.toLowerCase());
      if (!env) throw new HandlerError('UNKNOWN_ENVIRONMENT', `The signed-in account cannot see environment ${id}.`, 'Refresh the environment list.');
      return env;
    });
    const me = this.pool.acting('me');
    const spn = this.pool.acting('spn');
    const identities = {
      ...(me ? { me: { objectId: me.objectId, platformAdmin: me.platformAdmin } } : {}),
      ...(spn ? { spn: { objectId: spn.objectId, platformAdmin: spn.platformAdmin } } : {}),
    };
    const result = await scan(reader.clients, environments, { solution, identities });
    this.#solution = solution;
    this.#snapshots = result.snapshots;
    this.#identity = identity;
    this.#matrix = deriveMatrix(result.snapshots, { identity });
    const principals: Record<string, string> = {};
    const connections: ScanResultDto['connections'] = {};
    for (const s of result.snapshots) {
      for (const r of Object.values(s.rights)) principals[r.objectId] = r.displayName;
      connections[s.environment.id] = s.connections.map((c) => ({
        name: c.name,
        connector: c.connector,
        displayName: c.displayName,
        owner: c.owner,
        ownerDisabled: rightsOf(s, c.owner.objectId)?.disabled === true,
        health: c.health,
        shares: c.shares,
        usableBy: { me: s.identities.me ? canUseConnection(c, s.identities.me) : false, spn: s.identities.spn ? canUseConnection(c, s.identities.spn) : false },
        createdTime: c.createdTime,
      }));
    }
    return {
      solution,
      scannedAt: new Date().toISOString(),
      matrix: this.#matrix,
      connections,
      principals,
      identities: { me: me?.objectId ?? null, spn: spn?.objectId ?? null },
      failures: result.failures.map((f) => ({ environmentId: f.environment.id, displayName: f.environment.displayName, error: f.error })),
    };
  }

  findings(): Finding[] {
    return audit(this.#snapshots, { identity: this.#identity });
  }

  matrix(): Matrix | null {
    return this.#matrix;
  }

  plan(intent: Omit<Intent, 'solution'>): Plan {
    const solution = this.solution();
    try {
      return this.remember(buildPlan(this.#snapshots, { ...intent, solution }));
    } catch (error) {
      if (error instanceof PlanError) throw new HandlerError(`PLAN_${error.code.toUpperCase().replace(/-/g, '_')}`, error.message);
      throw error;
    }
  }

  remember(plan: Plan): Plan {
    this.#plans.set(plan.id, plan);
    return plan;
  }

  /** Starts a plan in the background; progress and the result arrive as events. */
  async start(planId: string): Promise<string> {
    const plan = this.#plans.get(planId);
    if (!plan) throw new HandlerError('UNKNOWN_PLAN', `Plan ${planId} is not known (plans live until the app restarts).`, 'Review the plan again.');
    const me = this.pool.acting('me');
    const spn = this.pool.acting('spn');
    const actor = me ?? spn;
    if (!actor) throw new HandlerError('NOT_SIGNED_IN', 'No account is signed in.');
    // Steps preflight refuses are not sent; the Review plan dialog already showed why.
    const blocked = new Set(plan.steps.filter((s) => s.verdict.outcome === 'will-fail').map((s) => s.id));
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of plan.steps) {
        if (!blocked.has(s.id) && s.dependsOn.some((d) => blocked.has(d))) {
          blocked.add(s.id);
          grew = true;
        }
      }
    }
    const runnable: Plan = { ...plan, steps: plan.steps.filter((s) => !blocked.has(s.id)) };
    const environments = this.#snapshots.map((s) => s.environment);
    const controller = new AbortController();
    const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.#runs.set(runId, controller);
    const journal = await this.journal();
    void applyPlan(runnable, {
      runId,
      journal,
      operations: liveOperations({ ...(me ? { me: me.clients } : {}), ...(spn ? { spn: spn.clients } : {}) }, environments),
      who: { account: actor.label, objectId: actor.objectId },
      signal: controller.signal,
      onProgress: (event) => {
        this.sink.emit('run:progress', {
          runId,
          stepId: event.step?.id ?? null,
          type: event.type,
          result: event.type === 'step-finished' && event.result ? stepDto(event.result) : null,
          counts: event.counts,
        });
      },
    }).then(
      (result: RunResult) => {
        this.#runs.delete(runId);
        this.sink.emit('run:finished', { runId, result: { ...result, steps: result.steps.map(stepDto) }, error: null });
      },
      (error: unknown) => {
        this.#runs.delete(runId);
        this.sink.emit('run:finished', { runId, result: null, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return runId;
  }

  cancel(runId: string): void {
    this.#runs.get(runId)?.abort();
  }

  close(): void {
    for (const controller of this.#runs.values()) controller.abort();
  }
}

export function stepDto(result: RunResult['steps'][number]) {
  return {
    stepId: result.stepId,
    environmentId: result.environmentId,
    kind: result.kind,
    label: result.label,
    status: result.status,
    reason: result.reason,
    before: result.before,
    after: result.after,
    error: result.error
      ? { message: result.error.message, kind: result.error.kind, code: result.error.code, status: result.error.status, platformMessage: result.error.platformMessage, correlationId: result.error.correlationId }
      : null,
  };
}
