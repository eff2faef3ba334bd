import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../shared/domain/types';
import { buildPlan, type Plan } from '../../shared/engine/plan';
import type { EnvironmentSnapshot } from '../../shared/engine/snapshot';
import { blockedSteps } from '../../electron/cli/commands/common';
import { applyPlan } from '../../electron/engine/apply/apply';
import { openJournal, type JournalRun } from '../../electron/engine/apply/journal';
import { resumeRun } from '../../electron/engine/apply/resume';
import { summarize, type RunSummary, type Who } from '../../electron/engine/apply/types';
import { liveOperations, type AccountClients } from '../../electron/engine/live-operations';
import { scan } from '../../electron/engine/scan';
import type { RequestLogEntry } from '../../electron/sandbox/request-log';
import { SCALE_SOLUTION } from '../../electron/sandbox/scenarios/scale';
import { checkConverged, checkJournal, checkWrites, type WriteCheck } from './checks';
import { JournalWatcher, startCli } from './cli-child';
import { signIn } from './clients';
import { describeFaults, faultPlanFor, type FaultPlan } from './fault-plan';
import type { ChaosSandbox, Pipeline } from './sandbox-handle';

/**
 * One seeded chaos run on the `scale` scenario: scan and plan (wire what needs it, turn every flow on,
 * as the connection owners) with the front door quiet; then, with the seed's faults on, apply — in this
 * process, or in a `patchbay apply --plan` process that is SIGKILLed mid-run and resumed; then, quiet
 * again, a fresh scan, the request log and the journal are checked (checks.ts).
 */

export interface ChaosSizes {
  envs: number;
  flows: number;
  refs: number;
  connectors: number;
}

export interface ChaosRunOptions {
  sandbox: ChaosSandbox;
  /** The repository root: the CLI child's working folder. */
  root: string;
  seed: number;
  sizes: ChaosSizes;
  /** Round trip the sandbox adds to every answer (± half of it). */
  latencyMs: number;
  /** How to start `patchbay` (see CLI_COMMANDS). */
  cli: readonly string[];
  /** After the run's checks, write behind the engine's back and check again: the checks must catch it. */
  sabotage?: boolean;
  /**
   * After a kill, let the sandbox finish what the dead process had sent (a slow answer is processed
   * after its client died) before resuming. Default true; false reproduces the race the engine loses
   * (concurrent-change.test.ts, "resuming after a kill …").
   */
  settle?: boolean;
  log?: (line: string) => void;
}

export interface Retries {
  throttled: number;
  unavailable: number;
  resets: number;
  unauthorized: number;
}

export interface ChaosRunResult {
  seed: number;
  faults: string;
  /** "12/40 → cli", "not reached", or "" when the run was not killed. */
  kill: string;
  steps: number;
  /** Steps preflight refused (not applied, as the CLI does): expected 0 on this scenario. */
  notRun: number;
  summary: RunSummary;
  retries: Retries;
  writes: { accepted: number; repeated: number };
  converged: boolean;
  problems: string[];
  wallMs: number;
  /** With `sabotage`: what the same checks found after writes behind the engine's back (must not be empty). */
  sabotaged?: string[];
}

interface Applied {
  run: JournalRun;
  kill: string;
  problems: string[];
}

interface RunContext {
  options: ChaosRunOptions;
  plan: Plan;
  faults: FaultPlan;
  clients: AccountClients;
  environments: Environment[];
  tenantId: string;
  pipeline: Pipeline;
  who: Who;
  workDir: string;
  /** Turns the seed's random faults on: when the apply starts (a CLI's own scan runs quiet, to save time). */
  faultsOn(): Promise<unknown>;
  revoke(): Promise<void>;
}

const intent = (snapshots: readonly EnvironmentSnapshot[]) =>
  ({
    solution: SCALE_SOLUTION,
    environmentIds: snapshots.map((s) => s.environment.id),
    wire: { select: 'needing' },
    activate: 'all',
    identity: 'connection-owner',
    share: false,
  }) as const;

export async function runChaosSeed(options: ChaosRunOptions): Promise<ChaosRunResult> {
  const { sandbox: sb, seed } = options;
  await sb.control('DELETE', 'faults');
  await sb.control('POST', 'scenario', { name: 'scale', seed, parameters: options.sizes });
  await sb.control('PUT', 'latency', { ms: options.latencyMs, jitterMs: Math.floor(options.latencyMs / 2) });
  const { tenantId, pipeline } = await sb.principal();
  const identities = { me: { objectId: pipeline.objectId, platformAdmin: true }, spn: { objectId: pipeline.objectId, platformAdmin: true } };
  const workDir = await mkdtemp(join(tmpdir(), `patchbay-chaos-${seed}-`));
  const session = signIn(sb, tenantId, pipeline);
  try {
    const environments = await session.clients.admin.listEnvironments();
    const planned = await scan(session.clients, environments, { solution: SCALE_SOLUTION, identities });
    const full = buildPlan(planned.snapshots, intent(planned.snapshots));
    // As `patchbay apply` does: steps preflight refuses (and their dependents) are reported, not sent.
    const blocked = blockedSteps(full);
    const plan: Plan = { ...full, steps: full.steps.filter((s) => !blocked.has(s.id)) };
    const faults = faultPlanFor(seed, plan.steps.length);

    await sb.control('DELETE', 'log');
    let revoked = false;
    const ctx: RunContext = {
      options,
      plan,
      faults,
      clients: session.clients,
      environments,
      tenantId,
      pipeline,
      who: { account: 'chaos', objectId: pipeline.objectId },
      workDir,
      faultsOn: () => sb.control('POST', 'faults', { random: faults.random }),
      async revoke() {
        if (revoked) return;
        revoked = true;
        // The sandbox revokes tokens issued before the current second (iat has second precision), so a
        // token fetched in this same second would survive: wait for the next second, and the token in
        // use is certainly revoked.
        await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
        await sb.control('POST', 'tokens/revoke', { app: 'pipeline' });
      },
    };
    const started = performance.now();
    const applied = faults.kill ? await applyKilledAndResumed(ctx, faults.kill) : await applyHere(ctx);
    const wallMs = performance.now() - started;
    await sb.control('DELETE', 'faults');

    const verify = async (): Promise<{ problems: string[]; entries: RequestLogEntry[]; writes: WriteCheck; converged: boolean }> => {
      const entries = await sb.log();
      // A fresh sign-in: the run's token may be the revoked one.
      const fresh = signIn(sb, tenantId, pipeline);
      let after: EnvironmentSnapshot[];
      try {
        after = (await scan(fresh.clients, environments, { solution: SCALE_SOLUTION, identities })).snapshots;
      } finally {
        await fresh.close();
      }
      const converged = checkConverged(plan, after);
      const writes = checkWrites(plan, entries, pipeline.objectId);
      const journal = checkJournal(plan, applied.run);
      const problems = [...converged.map((p) => `not converged: ${p}`), ...writes.problems.map((p) => `writes: ${p}`), ...journal.map((p) => `journal: ${p}`)];
      return { problems, entries, writes, converged: converged.length === 0 };
    };
    const checked = await verify();
    const result: ChaosRunResult = {
      seed,
      faults: describeFaults(faults),
      kill: applied.kill,
      steps: plan.steps.length,
      notRun: blocked.size,
      summary: summarize(applied.run.state.results.values()),
      retries: retriesIn(checked.entries),
      writes: { accepted: checked.writes.accepted, repeated: checked.writes.repeated },
      converged: checked.converged,
      problems: [...applied.problems, ...checked.problems],
      wallMs,
    };
    if (options.sabotage) {
      await sabotage(ctx, planned.snapshots, applied.run);
      result.sabotaged = (await verify()).problems;
    }
    return result;
  } finally {
    await sb.control('DELETE', 'faults');
    await session.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

function retriesIn(entries: readonly RequestLogEntry[]): Retries {
  const counted = entries.filter((e) => e.service !== 'login');
  const count = (test: (status: number) => boolean): number => counted.filter((e) => test(e.status)).length;
  return { throttled: count((s) => s === 429), unavailable: count((s) => s === 502 || s === 503), resets: count((s) => s === 0), unauthorized: count((s) => s === 401) };
}

/** The plan applied by this process, the SPN's tokens revoked once enough steps have finished. */
async function applyHere(ctx: RunContext): Promise<Applied> {
  const journal = await openJournal(join(ctx.workDir, 'journal'));
  await ctx.faultsOn();
  let finished = 0;
  const pending: Promise<void>[] = [];
  const result = await applyPlan(ctx.plan, {
    operations: liveOperations({ me: ctx.clients, spn: ctx.clients }, ctx.environments),
    journal,
    who: ctx.who,
    concurrencyPerEnvironment: ctx.faults.concurrency,
    onProgress: (event) => {
      if (event.type === 'step-finished' && ++finished === ctx.faults.revokeAfter) pending.push(ctx.revoke());
    },
  });
  await Promise.all(pending);
  return { run: await journal.readRun(result.runId), kill: '', problems: [] };
}

/**
 * `patchbay apply --plan` in a child process, SIGKILLed once `kill.after` steps are journaled finished,
 * then resumed: by a writing CLI command (which finishes interrupted runs first) or by `resumeRun`.
 */
async function applyKilledAndResumed(ctx: RunContext, kill: NonNullable<FaultPlan['kill']>): Promise<Applied> {
  const { options, plan, faults, tenantId, pipeline } = ctx;
  const sb = options.sandbox;
  const dataDir = join(ctx.workDir, 'data');
  const planFile = join(ctx.workDir, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const auth = ['--sandbox-url', sb.baseUrl, '--ca-file', sb.caCertPath, '--tenant', tenantId, '--client-id', pipeline.clientId, '--client-secret', pipeline.clientSecret];
  const cli = startCli(options.root, options.cli, ['apply', '--plan', planFile, '--yes', '--json', '--concurrency', String(faults.concurrency), ...auth], dataDir);
  const watcher = new JournalWatcher(join(dataDir, 'journal'));
  const running = (): boolean => cli.child.exitCode === null && cli.child.signalCode === null;
  let killedAt = -1;
  let faultsOn = false;
  while (running()) {
    if (!faultsOn && watcher.runId) {
      faultsOn = true;
      await ctx.faultsOn();
    }
    const finished = watcher.finishedSteps();
    if (faults.revokeAfter !== null && finished >= faults.revokeAfter) await ctx.revoke();
    if (finished >= kill.after) {
      cli.child.kill('SIGKILL');
      killedAt = finished;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ended = await cli.exited;
  const problems: string[] = [];
  const runId = watcher.runId;
  if (!runId) throw new Error(`patchbay apply started no run (exit ${String(ended.code)}): ${ended.stderr.slice(0, 2000)}`);
  if (ended.signal !== 'SIGKILL' && ended.code !== 0) problems.push(`patchbay apply exited ${String(ended.code)}: ${ended.stderr.slice(-1000)}`);
  if (!faultsOn) await ctx.faultsOn();
  // A revoke not reached before the kill happens before the resume instead.
  if (faults.revokeAfter !== null) await ctx.revoke();
  if (ended.signal === 'SIGKILL' && options.settle !== false) await settle(sb, faults);

  const journal = await openJournal(join(dataDir, 'journal'));
  const cut = (await journal.readRun(runId)).state;
  const label = ended.signal === 'SIGKILL' ? `${killedAt}/${plan.steps.length} (${cut.interrupted.size} cut) → ${kill.resumeVia}` : `not reached (${kill.after})`;
  if (ended.signal === 'SIGKILL') {
    if (kill.resumeVia === 'engine') {
      await resumeRun(journal, runId, { operations: liveOperations({ me: ctx.clients, spn: ctx.clients }, ctx.environments), who: ctx.who });
    } else {
      problems.push(...(await resumeThroughCli(ctx, auth, dataDir)));
    }
  }
  const runs = await journal.listRuns();
  if (runs.length !== 1) problems.push(`the journal holds ${runs.length} runs, expected the one resumed`);
  return { run: await journal.readRun(runId), kill: label, problems };
}

/**
 * Waits until the sandbox has answered every request the killed process had sent: a request held by a
 * slow answer is still processed after its client died, and could land in the middle of the resume.
 * Quiet for longer than the slowest answer (with latency) means nothing more is on its way.
 */
async function settle(sb: ChaosSandbox, faults: FaultPlan): Promise<void> {
  const quietMs = (faults.random.rateSlow ? faults.random.slowMs : 0) + 250;
  let last = 0;
  let quietSince = performance.now();
  for (;;) {
    const seq = (await sb.log(last)).at(-1)?.seq;
    if (seq !== undefined) {
      last = seq;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `patchbay activate … --yes` finishes the interrupted run first (main.ts `resumeInterrupted`); once it
 * has, activation has nothing left to do, so the command must plan no steps of its own.
 */
async function resumeThroughCli(ctx: RunContext, auth: readonly string[], dataDir: string): Promise<string[]> {
  const envs = ctx.plan.environments.map((e) => e.displayName).join(',');
  const args = ['activate', '--solution', SCALE_SOLUTION, '--env', envs, '--as', 'connection-owner', '--yes', '--json', ...auth];
  const ended = await startCli(ctx.options.root, ctx.options.cli, args, dataDir).exited;
  if (ended.code !== 0) return [`patchbay activate (resuming) exited ${String(ended.code)}: ${ended.stderr.slice(-1000)}`];
  if (!ended.stderr.includes('Finishing interrupted run')) return ['patchbay activate did not say it finished the interrupted run'];
  const out = JSON.parse(ended.stdout) as { plan?: { steps?: unknown[] } };
  const left = out.plan?.steps?.length ?? 0;
  return left ? [`after the resume, patchbay activate still planned ${left} step(s)`] : [];
}

/**
 * Writes behind the engine's back, for the checks to catch: a flow the run turned on is turned off
 * again (a second write with another value, and not converged), and a reference outside the plan is
 * written (refused or not, it is a write outside the plan).
 */
async function sabotage(ctx: RunContext, snapshots: readonly EnvironmentSnapshot[], run: JournalRun): Promise<void> {
  const done = ctx.plan.steps.find((s) => s.target.type === 'flow' && run.state.results.get(s.id)?.status === 'done');
  const url = (environmentId: string): string => ctx.environments.find((e) => e.id === environmentId)?.instanceUrl ?? '';
  const session = signIn(ctx.options.sandbox, ctx.tenantId, ctx.pipeline);
  try {
    if (done?.target.type === 'flow') await session.clients.dataverse(url(done.environmentId)).update('workflows', done.target.flowId, { statecode: 0, statuscode: 1 }, { ifMatch: '*' });
    // Ids repeat across environments (one solution, imported everywhere): a record is its environment and id.
    const planned = new Set(ctx.plan.steps.flatMap((s) => (s.target.type === 'reference' ? [`${s.environmentId}/${s.target.referenceId}`.toLowerCase()] : [])));
    for (const snapshot of snapshots) {
      const outside = snapshot.references.find((r) => !planned.has(`${snapshot.environment.id}/${r.id}`.toLowerCase()));
      if (!outside) continue;
      // Refused or not (the SPN may not use the owner's connection), it is a write outside the plan.
      await session.clients
        .dataverse(url(snapshot.environment.id))
        .update('connectionreferences', outside.id, { connectionid: outside.connectionId }, { ifMatch: '*' })
        .catch(() => undefined);
      break;
    }
  } finally {
    await session.close();
  }
}
