import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxContext } from './context';
import { createBapService } from './bap/service';
import { createControlService } from './control/service';
import { createDataverseService } from './dataverse/service';
import { createEntraService } from './entra/service';
import { createFlowService } from './flow/service';
import { createPowerAppsService } from './powerapps/service';
import { sandboxResources } from './entra/resources';
import { loadTokenKeys } from './entra/tokens';
import { json, type Handler, type SbRequest, type SbResponse } from './http';
import type { CloudState } from './model';
import { loggedBody, RequestLog } from './request-log';
import { buildScenario, type ScenarioName } from './scenarios';
import type { ScaleParameters } from './scenarios/scale';
import { SandboxStore } from './store';
import { defaultSwitches, type SandboxSwitches } from './switches';
import { createLoopbackTls } from './tls';
import { openStateFile, type StateFile } from './state-file';
import { createRng } from './rng';
import { FaultInjector, type RandomFaults } from './traffic/faults';
import { noLatency, type Latency } from './traffic/latency';
import { ServiceProtection, platformLimits, type ProtectionLimits } from './traffic/limits';
import { throughTraffic } from './traffic/pipeline';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  scenario?: ScenarioName;
  seed?: number;
  /** Sizes for the `scale` scenario. */
  scale?: Partial<ScaleParameters>;
  tokenLifetimeS?: number;
  switches?: Partial<SandboxSwitches>;
  /** Persist the state here (atomic writes); an existing file is loaded instead of building the scenario. */
  stateFile?: string;
  /** Service protection limits (defaults: the platform's 6000 requests / 300 s, 1,200 s execution, 52 concurrent). */
  limits?: Partial<ProtectionLimits>;
  /** `x-ms-dop-hint` on Dataverse responses (default 4). */
  dopHint?: number;
  latency?: Latency;
  faults?: RandomFaults;
}

export interface ReadyApp {
  name: string;
  displayName: string;
  clientId: string;
  clientSecret?: string;
  certificatePath?: string;
  privateKeyPath?: string;
  isPipelineSpn?: boolean;
}

/** The one JSON line `npm run sandbox` prints when it listens: what scripts and tests need to connect. */
export interface ReadyLine {
  ready: true;
  baseUrl: string;
  caCertPath: string;
  controlKey: string;
  tenantId: string;
  apps: ReadyApp[];
  users: { upn: string; objectId: string; displayName: string; disabled: boolean }[];
  environments: { name: string; displayName: string; instanceUrl: string }[];
}

export interface RunningSandbox {
  baseUrl: string;
  caCertPem: string;
  caCertPath: string;
  controlKey: string;
  tenantId: string;
  ctx: SandboxContext;
  /** The ready line as of now (it lists the current scenario's apps, users and environments). */
  ready(): ReadyLine;
  close(): Promise<void>;
}

/** Request bodies above this are refused with 413, as the platform does for oversized requests. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function serviceOf(path: string): { name: string; prefix: string } | null {
  const first = /^\/([^/?]+)/.exec(path)?.[1];
  if (first === 'login' || first === '_sandbox' || first === 'bap' || first === 'powerapps' || first === 'flow') {
    return { name: first === '_sandbox' ? 'control' : first, prefix: `/${first}` };
  }
  if (first === 'orgs') {
    const org = /^\/orgs\/([^/?]+)/.exec(path)?.[1];
    return org ? { name: 'dataverse', prefix: `/orgs/${org}` } : null;
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function writeResponse(res: ServerResponse, response: SbResponse): void {
  const body = response.body ?? '';
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (!res.hasHeader('content-length') && response.status !== 204 && response.status !== 304) {
    res.setHeader('content-length', Buffer.byteLength(body));
  }
  res.end(response.status === 204 || response.status === 304 ? undefined : body);
}

function writeFiles(dir: string, state: CloudState, caCertPem: string): { caCertPath: string; apps: ReadyApp[] } {
  const caCertPath = join(dir, 'ca.pem');
  writeFileSync(caCertPath, caCertPem, { mode: 0o644 });
  const apps = state.apps.map((app): ReadyApp => {
    const out: ReadyApp = { name: app.name, displayName: app.displayName, clientId: app.clientId };
    const secret = app.secrets[0];
    if (secret) out.clientSecret = secret.value;
    const cert = app.certificates[0];
    if (cert) {
      out.certificatePath = join(dir, `${app.name}-cert.pem`);
      out.privateKeyPath = join(dir, `${app.name}-key.pem`);
      writeFileSync(out.certificatePath, cert.certificatePem, { mode: 0o644 });
      writeFileSync(out.privateKeyPath, cert.privateKeyPem, { mode: 0o600 });
    }
    if (app.isPipelineSpn) out.isPipelineSpn = true;
    return out;
  });
  return { caCertPath, apps };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const scenario = options.scenario ?? 'contoso';
  const seed = options.seed ?? 1;
  let stateFile: StateFile | null = null;
  let initial: CloudState;
  if (options.stateFile) {
    stateFile = openStateFile(options.stateFile);
    initial = stateFile.loaded ?? buildScenario(scenario, seed, options.scale);
  } else {
    initial = buildScenario(scenario, seed, options.scale);
  }

  const tls = createLoopbackTls();
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-sandbox-'));
  let files = writeFiles(dir, initial, tls.ca.certificatePem);
  const store = new SandboxStore(initial);
  const log = new RequestLog();
  const controlKey = randomBytes(24).toString('base64url');
  const switches: SandboxSwitches = { ...defaultSwitches, ...options.switches };

  const server: Server = createServer({
    key: tls.leaf.privateKeyPem,
    cert: tls.leaf.certificatePem,
    // Node refuses request heads over 16 KB (431); Dataverse takes GET URLs up to 32 KB, and says 414
    // past that itself (dataverse/service.ts), so the sandbox must not refuse first.
    maxHeaderSize: 64 * 1024,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `https://127.0.0.1:${port}`;

  const ctx: SandboxContext = {
    baseUrl,
    store,
    keys: await loadTokenKeys(initial.entra),
    log,
    switches,
    controlKey,
    dopHint: options.dopHint ?? 4,
    tokenLifetimeS: options.tokenLifetimeS ?? 3599,
    entra: { decideDeviceCode: () => ({ ok: false, status: 503, message: 'Entra is starting.' }) },
    traffic: {
      protection: new ServiceProtection({ ...platformLimits, ...options.limits }),
      faults: new FaultInjector(createRng(seed ^ 0x5eed)),
      latency: options.latency ?? noLatency,
      rng: createRng(seed ^ 0x1a7e),
    },
    resources: () => sandboxResources(baseUrl, store.state),
    replaceState: async (next) => {
      ctx.keys = await loadTokenKeys(next.entra);
      store.replace(next);
      files = writeFiles(dir, next, tls.ca.certificatePem);
    },
  };
  if (options.faults) ctx.traffic.faults.configure({ random: options.faults });
  const entra = createEntraService(ctx);
  ctx.entra = entra.runtime;
  const services: Record<string, Handler> = {
    login: entra.handle,
    dataverse: createDataverseService(ctx),
    control: createControlService(ctx),
    bap: createBapService(ctx),
    powerapps: createPowerAppsService(ctx),
    flow: createFlowService(ctx),
  };

  if (stateFile) {
    const file = stateFile;
    file.save(store.state);
    store.onChange(() => file.scheduleSave(store.state));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const seq = log.nextSeq();
    const requestId = randomUUID();
    const rawPath = req.url ?? '/';
    const route = serviceOf(rawPath);
    let response: SbResponse;
    let caller: string | null = null;
    let onBehalfOf: string | null = null;
    let dropped = false;
    let written: string | undefined;
    try {
      if (!isLoopback(req.socket.remoteAddress)) {
        response = json(403, { error: { code: 'Forbidden', message: 'The sandbox answers loopback clients only.' } });
      } else {
        const body = await readBody(req);
        if (body === 'too-large') {
          response = json(413, { error: { code: '0x8004410d', message: 'The request is too large.' } });
        } else if (!route || !services[route.name]) {
          response = json(404, { error: { code: 'NotFound', message: `No sandbox service answers '${rawPath.split('?')[0] ?? ''}'.` } });
        } else {
          const url = new URL(rawPath, baseUrl);
          written = loggedBody(req.method ?? 'GET', route.name, body);
          const sbReq: SbRequest = {
            method: req.method ?? 'GET',
            url,
            path: url.pathname.slice(route.prefix.length) || '/',
            headers: headersOf(req),
            body,
            remoteAddress: req.socket.remoteAddress ?? '',
            requestId,
          };
          const outcome = await throughTraffic(ctx, route.name, sbReq, services[route.name] as Handler);
          if (outcome === 'reset') {
            dropped = true;
            req.socket.destroy();
            response = { status: 0, headers: {} };
          } else {
            response = outcome;
            caller = response.caller ?? null;
            onBehalfOf = response.onBehalfOf ?? null;
          }
        }
      }
    } catch (error) {
      // A bug in the sandbox, not bad input: say so without leaking internals to the client.
      process.stderr.write(`sandbox: unhandled error for ${req.method ?? ''} ${rawPath}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      response = json(500, { error: { code: 'SandboxInternalError', message: `The sandbox failed on this request (request id ${requestId}).` } });
    }
    if (!dropped && !res.destroyed) writeResponse(res, response);
    // The control API is the tests' own plumbing: logging it would only add noise to request counts.
    if (route?.name === 'control') return;
    log.add({
      seq,
      receivedAt,
      durationMs: Date.now() - receivedAt,
      method: req.method ?? 'GET',
      path: rawPath,
      service: route?.name ?? 'other',
      caller,
      onBehalfOf,
      status: response.status,
      requestId,
      ...(written !== undefined ? { body: written } : {}),
    });
  }

  const ready = (): ReadyLine => ({
    ready: true,
    baseUrl,
    caCertPath: files.caCertPath,
    controlKey,
    tenantId: store.state.tenant.id,
    apps: files.apps,
    users: store.state.users.map((u) => ({ upn: u.userPrincipalName, objectId: u.objectId, displayName: u.displayName, disabled: u.disabled })),
    environments: store.state.environments.map((e) => ({ name: e.id, displayName: e.displayName, instanceUrl: `${baseUrl}/orgs/${e.orgName}/` })),
  });

  return {
    baseUrl,
    caCertPem: tls.ca.certificatePem,
    caCertPath: files.caCertPath,
    controlKey,
    tenantId: store.state.tenant.id,
    ctx,
    ready,
    close: async () => {
      stateFile?.flush(store.state);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
