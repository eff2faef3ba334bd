import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../shared/domain/types';
import { activationOrder, buildPlan } from '../../shared/engine/plan';
import type { EnvironmentSnapshot } from '../../shared/engine/snapshot';
import { createAdminClient } from '../../electron/cloud/admin/client';
import { createDataverseClient, type DataverseClient } from '../../electron/cloud/dataverse/client';
import { createHttpCore, type HttpCoreHandle } from '../../electron/cloud/http/http-core';
import { AdaptiveLimiter } from '../../electron/cloud/http/limiter';
import { sandboxProfile } from '../../electron/cloud/profiles';
import { applyPlan } from '../../electron/engine/apply/apply';
import { openJournal } from '../../electron/engine/apply/journal';
import { liveOperations, type AccountClients } from '../../electron/engine/live-operations';
import { scan } from '../../electron/engine/scan';
import type { ReadyApp, ReadyLine } from '../../electron/sandbox/server';
import { mb, ms, type BenchRow } from './report';

/**
 * The engine benchmark (issue 5 §10): the `scale` scenario at internet latency, Patchbay against a
 * sequential baseline that works the way the seed post's script does — one request at a time, one item
 * at a time, one environment after another — measured in the same run, plus the bound the platform's
 * concurrency limit allows: ⌈requests ÷ 52⌉ × round trip per environment, environments in parallel.
 */

export interface EngineBenchResult {
  rows: BenchRow[];
}


interface LogEntry {
  path: string;
  service: string;
  receivedAt: number;
  method: string;
}

const CONCURRENCY_LIMIT = 52;

export async function runEngineBench(options: { envs: number; flows: number; refs: number; connectors: number; latencyMs: number; log: (line: string) => void }): Promise<EngineBenchResult> {
  const { log } = options;
  // The sandbox runs in its own process, as the cloud would: the benchmark's client must not share a
  // thread (and its CPU) with the server it measures.
  const sb = await spawnSandbox(['--scenario', 'scale', '--seed', '11', '--envs', String(options.envs), '--flows', String(options.flows), '--refs', String(options.refs), '--connectors', String(options.connectors), '--latency-ms', String(options.latencyMs)]);
  const pipeline = sb.ready.apps.find((a) => a.isPipelineSpn) as ReadyApp;
  const profile = sandboxProfile(sb.baseUrl, sb.caCertPem);
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetchJson(sb, method, `/_sandbox/${path}`, body);
    return res;
  };
  const requestLog = async (): Promise<LogEntry[]> => ((await control('GET', 'log')) as { entries: LogEntry[] }).entries;
  const tokenProvider = {
    token: async (resource: string) => {
      const res = (await fetchJson(sb, 'POST', `/login/${sb.tenantId}/oauth2/v2.0/token`, null, {
        grant_type: 'client_credentials',
        client_id: pipeline.clientId,
        client_secret: pipeline.clientSecret ?? '',
        scope: `${resource.replace(/\/+$/, '')}/.default`,
      })) as { access_token: string };
      return res.access_token;
    },
  };
  const cachedTokens = new Map<string, Promise<string>>();
  const tokens = {
    token: (resource: string): Promise<string> => {
      let token = cachedTokens.get(resource);
      if (!token) cachedTokens.set(resource, (token = tokenProvider.token(resource)));
      return token;
    },
  };
  const accountOn = (http: HttpCoreHandle): AccountClients => {
    const clients = new Map<string, DataverseClient>();
    return {
      admin: createAdminClient({ http, profile }),
      dataverse: (url) => clients.get(url) ?? (clients.set(url, createDataverseClient({ http, profile, instanceUrl: url })), clients.get(url) as DataverseClient),
    };
  };
  const parallel = createHttpCore({ tokens, caPem: sb.caCertPem });
  const sequential = createHttpCore({ tokens, caPem: sb.caCertPem, limiter: new AdaptiveLimiter({ initial: 1, ceiling: 1, globalCap: 1 }) });
  const fast = accountOn(parallel);
  const slow = accountOn(sequential);
  const spnObjectId = ((await control('GET', 'state')) as { apps: { name: string; servicePrincipalId: string }[] }).apps.find((a) => a.name === 'pipeline')?.servicePrincipalId ?? '';
  const identities = { me: { objectId: spnObjectId, platformAdmin: true }, spn: { objectId: spnObjectId, platformAdmin: true } };

  // Round trip as the benchmark sees it: sequential WhoAmI calls, median.
  const environments: Environment[] = await fast.admin.listEnvironments();
  const first = environments[0]?.instanceUrl ?? '';
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    await slow.dataverse(first).whoAmI();
    samples.push(performance.now() - t);
  }
  const rtt = samples.sort((a, b) => a - b)[4] ?? options.latencyMs;
  log(`round trip (median of 9): ${rtt.toFixed(1)} ms`);

  const bound = (entries: readonly LogEntry[]): number => {
    const perEnv = new Map<string, number>();
    for (const e of entries) {
      const key = /^\/orgs\/([^/]+)/.exec(e.path)?.[1] ?? e.service;
      perEnv.set(key, (perEnv.get(key) ?? 0) + 1);
    }
    return Math.max(0, ...[...perEnv.values()].map((n) => Math.ceil(n / CONCURRENCY_LIMIT) * rtt));
  };
  const measure = async <T>(work: () => Promise<T>): Promise<{ ms: number; requests: LogEntry[]; value: T }> => {
    await control('DELETE', 'log');
    const t = performance.now();
    const value = await work();
    const ms = performance.now() - t;
    const requests = (await requestLog()).filter((e) => e.service !== 'login');
    return { ms, requests, value };
  };
  const rows: BenchRow[] = [];

  // ── scan
  const patchScan = await measure(() => scan(fast, environments, { solution: 'ScaleOperations', identities }));
  log(`Patchbay scan: ${patchScan.ms.toFixed(0)} ms, ${patchScan.requests.length} requests`);
  const baseScan = await measure(() => baselineScan(slow, environments));
  log(`baseline scan: ${baseScan.ms.toFixed(0)} ms, ${baseScan.requests.length} requests`);
  rows.push(row('scan', patchScan, baseScan, bound(patchScan.requests)));

  // ── wire + activate (then reset, and the baseline does the same work)
  const snapshots = patchScan.value.snapshots;
  const plan = buildPlan(snapshots, { solution: 'ScaleOperations', environmentIds: snapshots.map((s) => s.environment.id), wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: false });
  const journalDir = mkdtempSync(join(tmpdir(), 'patchbay-bench-'));
  const journal = await openJournal(journalDir);
  const patchApply = await measure(() =>
    applyPlan(plan, { operations: liveOperations({ me: fast, spn: fast }, environments), journal, who: { account: 'bench', objectId: spnObjectId }, concurrencyPerEnvironment: 64 }),
  );
  const summary = patchApply.value.summary;
  log(`Patchbay wire + activate: ${patchApply.ms.toFixed(0)} ms, ${patchApply.requests.length} requests, ${plan.steps.length} steps (${summary.done} done, ${summary.failed} failed, ${summary.conflicts} conflicts)`);
  await control('POST', 'reset');
  const baseApply = await measure(() => baselineWireActivate(slow, snapshots, plan));
  log(`baseline wire + activate: ${baseApply.ms.toFixed(0)} ms, ${baseApply.requests.length} requests`);
  rows.push(row('wire + activate', patchApply, baseApply, bound(patchApply.requests)));

  // ── the CLI as a whole process: start-up, and a full activation after a pipeline deploy
  const cliArgs = ['--sandbox-url', sb.baseUrl, '--ca-file', sb.caCertPath, '--tenant', sb.tenantId, '--client-id', pipeline.clientId, '--client-secret', pipeline.clientSecret ?? ''];
  const dataDir = mkdtempSync(join(tmpdir(), 'patchbay-bench-cli-'));
  // Start-up and memory against a bare Node process measured the same way: what the CLI adds.
  const bare = runProcess(['-e', '0'], dataDir);
  const startup = patchbay(['help'], dataDir);
  log(`CLI start-up (patchbay help): ${startup.ms.toFixed(0)} ms; bare node: ${bare.ms.toFixed(0)} ms`);
  rows.push({ name: 'CLI start-up (help)', patchbay: ms(startup.ms), baseline: { what: 'bare node', figure: ms(bare.ms), target: 3 } });
  for (const env of environments) await control('POST', 'deploy', { environment: env.id, solution: 'ScaleOperations' });
  await control('DELETE', 'log');
  const cli = patchbay(['activate', '--solution', 'ScaleOperations', '--env', environments.map((e) => e.displayName).join(','), '--as', 'connection-owner', '--yes', '--json', '--concurrency', '64', ...cliArgs], dataDir);
  const cliRequests = (await requestLog()).filter((e) => e.service !== 'login');
  log(`CLI activate (whole process, after a deploy): ${cli.ms.toFixed(0)} ms, ${cliRequests.length} requests, peak RSS ${cli.peakMb.toFixed(0)} MB`);
  rows.push({ name: 'CLI activate (process)', patchbay: ms(cli.ms), requests: cliRequests.length, bound: { what: '⌈req/52⌉ × RTT', figure: ms(bound(cliRequests)), target: 1.5 } });
  rows.push({ name: 'CLI activate peak memory', patchbay: mb(cli.peakMb), baseline: { what: 'bare node', figure: mb(bare.peakMb), target: 5 } });

  rmSync(journalDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  await parallel.close();
  await sequential.close();
  await sb.close();
  return { rows };
}

interface SpawnedSandbox {
  baseUrl: string;
  caCertPem: string;
  caCertPath: string;
  controlKey: string;
  tenantId: string;
  ready: ReadyLine;
  close(): Promise<void>;
}

async function spawnSandbox(args: string[]): Promise<SpawnedSandbox> {
  // PATCHBAY_BENCH_SANDBOX_PROFILE=<dir>: a V8 CPU profile of the sandbox, to tell its time from ours.
  const profile = process.env['PATCHBAY_BENCH_SANDBOX_PROFILE'];
  const node = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
  const child = spawn(process.execPath, [...node, '--import', 'tsx', 'electron/sandbox/cli.ts', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${String(code)}) before it was ready`)));
  });
  const ready = JSON.parse(line) as ReadyLine;
  return {
    baseUrl: ready.baseUrl,
    caCertPem: readFileSync(ready.caCertPath, 'utf8'),
    caCertPath: ready.caCertPath,
    controlKey: ready.controlKey,
    tenantId: ready.tenantId,
    ready,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function row(name: string, patchbay: { ms: number; requests: readonly unknown[] }, baseline: { ms: number; requests: readonly unknown[] }, boundMs: number): BenchRow {
  return {
    name,
    patchbay: ms(patchbay.ms),
    requests: patchbay.requests.length,
    baseline: { what: 'sequential script', figure: ms(baseline.ms), requests: baseline.requests.length, target: 1 / 25 },
    bound: { what: '⌈req/52⌉ × RTT', figure: ms(boundMs), target: 1.5 },
  };
}

interface ProcessFigures {
  ms: number;
  peakMb: number;
}

/** Runs a Node process to its end: wall time, and its peak resident memory (peak-rss.mjs). */
function runProcess(args: readonly string[], dataDir: string): ProcessFigures {
  const rssFile = join(dataDir, `rss-${String(Date.now())}`);
  const t = performance.now();
  const result = spawnSync(process.execPath, ['--import', './e2e/bench/peak-rss.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATCHBAY_DATA_DIR: dataDir, PATCHBAY_BENCH_RSS_FILE: rssFile },
    maxBuffer: 256 * 1024 * 1024,
  });
  const elapsed = performance.now() - t;
  if (result.status !== 0) throw new Error(`${args.join(' ').slice(0, 80)} exited ${String(result.status)}: ${result.stderr.slice(0, 2000)}`);
  return { ms: elapsed, peakMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

const patchbay = (args: readonly string[], dataDir: string): ProcessFigures => runProcess(['bin/patchbay.mjs', ...args], dataDir);

/**
 * What a script in the seed post's style does to learn the state: per environment, one request at a
 * time — each connection reference, its connection, the connection's owner; then each flow.
 */
async function baselineScan(clients: AccountClients, environments: readonly Environment[]): Promise<void> {
  for (const env of environments) {
    if (!env.instanceUrl) continue;
    const dv = clients.dataverse(env.instanceUrl);
    const solution = (await dv.query('solutions', { select: ['solutionid'], filter: "uniquename eq 'ScaleOperations'" }).all())[0];
    if (!solution) continue;
    const components = await dv.query('solutioncomponents', { select: ['objectid', 'componenttype'], filter: `_solutionid_value eq ${String(solution['solutionid'])}` }).all();
    for (const component of components) {
      const id = String(component['objectid']);
      if (component['componenttype'] === 29) {
        await dv.query('workflows', { select: ['workflowid', 'statecode', 'clientdata'], filter: `workflowid eq ${id}` }).all();
        continue;
      }
      const refs = await dv.query('connectionreferences', { select: ['connectionreferenceid', 'connectionid', 'connectorid'], filter: `connectionreferenceid eq ${id}` }).all();
      const ref = refs[0];
      const connectionId = ref?.['connectionid'];
      const connectorId = ref?.['connectorid'];
      if (typeof connectionId !== 'string' || !connectionId || typeof connectorId !== 'string') continue;
      const connector = connectorId.split('/').pop() ?? '';
      const connection = await clients.admin.getConnection(env.id, connector, connectionId);
      if (connection) await dv.query('systemusers', { select: ['systemuserid', 'isdisabled'], filter: `azureactivedirectoryobjectid eq ${connection.owner.objectId}` }).all();
    }
  }
}

/** One write at a time, one environment after another, children before parents so every flow turns on. */
async function baselineWireActivate(clients: AccountClients, snapshots: readonly EnvironmentSnapshot[], plan: ReturnType<typeof buildPlan>): Promise<void> {
  for (const snapshot of snapshots) {
    const dv = clients.dataverse(snapshot.environment.instanceUrl ?? '');
    const steps = plan.steps.filter((s) => s.environmentId === snapshot.environment.id);
    for (const step of steps) {
      if (step.kind !== 'wire' || step.target.type !== 'reference') continue;
      const impersonate = step.identity?.mode === 'impersonate' ? { impersonate: { callerObjectId: step.identity.targetObjectId } } : {};
      await dv.update('connectionreferences', step.target.referenceId, { connectionid: step.after }, { ifMatch: '*', ...impersonate });
    }
    const toActivate = new Set(steps.filter((s) => s.kind === 'activate' && s.target.type === 'flow').map((s) => (s.target.type === 'flow' ? s.target.flowId : '')));
    for (const flow of activationOrder(snapshot.flows.filter((f) => toActivate.has(f.id)))) {
      const step = steps.find((s) => s.target.type === 'flow' && s.target.flowId === flow.id);
      const impersonate = step?.identity?.mode === 'impersonate' ? { impersonate: { callerObjectId: step.identity.targetObjectId } } : {};
      await dv.update('workflows', flow.id, { statecode: 1, statuscode: 2 }, { ifMatch: '*', ...impersonate });
    }
  }
}

async function fetchJson(sb: { baseUrl: string; caCertPem: string; controlKey: string }, method: string, path: string, body?: unknown, form?: Record<string, string>): Promise<unknown> {
  const { request } = await import('undici');
  const { Agent } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: sb.caCertPem } });
  try {
    const res = await request(`${sb.baseUrl}${path}`, {
      method: method as 'GET',
      dispatcher,
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : { 'x-sandbox-key': sb.controlKey, 'content-type': 'application/json' },
      ...(form ? { body: new URLSearchParams(form).toString() } : body !== undefined && body !== null ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    return text ? (JSON.parse(text) as unknown) : null;
  } finally {
    await dispatcher.close();
  }
}
