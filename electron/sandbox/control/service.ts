import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { json, type Handler, type SbRequest, type SbResponse } from '../http';
import type { CloudState } from '../model';
import { buildScenario, isScenarioName, scenarioNames } from '../scenarios';
import { DeployError, deploySolution } from './deploy';
import { disableUser, revokeTokens, setConnectionStatus, ControlError } from './faults';
import { faultsBodySchema } from '../traffic/faults';

/**
 * The control API under /_sandbox/ (design §3): tests and the demo use it to read state, reset, switch
 * scenario, simulate a pipeline deployment, approve device codes and read the request log. Guarded by
 * the per-start control key in `x-sandbox-key`; loopback only (the server listens on 127.0.0.1).
 */

function keyMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const problem = (status: number, message: string): SbResponse => json(status, { error: { code: 'SandboxControlError', message } });

function parseJson<T>(req: SbRequest, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: SbResponse } {
  let raw: unknown = {};
  const text = req.body.toString('utf8').trim();
  if (text) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, response: problem(400, 'The body is not valid JSON.') };
    }
  }
  const checked = schema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, response: problem(400, `Invalid body: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'bad shape'}.`) };
  }
  return { ok: true, value: checked.data };
}

/** The state as tests see it: everything but the token signing key. */
function publicState(state: CloudState): unknown {
  const { entra, ...rest } = state;
  return { ...rest, entra: { tokensValidAfter: entra.tokensValidAfter } };
}

const scenarioBody = z.object({
  name: z.string(),
  seed: z.number().int().optional(),
  parameters: z.object({ envs: z.number().int().min(1).max(50), flows: z.number().int().min(1).max(20000), refs: z.number().int().min(1).max(5000), connectors: z.number().int().min(1).max(200) }).partial().optional(),
});
const deployBody = z.object({ environment: z.string().min(1), solution: z.string().min(1) });
const deviceBody = z.object({ upn: z.string().min(1), decision: z.enum(['approve', 'decline']).optional() });
const limitsBody = z
  .object({
    requests: z.number().int().min(1),
    windowS: z.number().int().min(1).max(3600),
    executionMs: z.number().int().min(1),
    concurrency: z.number().int().min(1),
    dopHint: z.number().int().min(1).max(512),
  })
  .partial()
  .strict();
const latencyBody = z.object({ ms: z.number().int().min(0).max(60_000), jitterMs: z.number().int().min(0).max(60_000).default(0) }).strict();
const revokeBody = z.union([z.object({ objectId: z.string().min(1) }).strict(), z.object({ upn: z.string().min(1) }).strict(), z.object({ app: z.string().min(1) }).strict()]);
const connectionStatusBody = z
  .object({
    environment: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(['Connected', 'Error']),
    code: z.string().optional(),
    message: z.string().optional(),
  })
  .strict();
const disableBody = z.object({ upn: z.string().min(1), disabled: z.boolean().default(true) }).strict();
const switchesBody = z
  .object({
    forbiddenWrapperStatus: z.union([z.literal(400), z.literal(403)]),
    childFlowBlocksWhen: z.enum(['never-published', 'currently-off']),
    legacySpn: z.boolean(),
    dataverseOnlyFlowsActivateUnwired: z.boolean(),
    disabledImpersonationStatus: z.union([z.literal(400), z.literal(403)]),
  })
  .partial()
  .strict();

export function createControlService(ctx: SandboxContext): Handler {
  const rebuild = async (name: string, seed: number, parameters: Record<string, number>): Promise<SbResponse> => {
    if (!isScenarioName(name)) return problem(400, `Unknown scenario '${name}'. Known: ${scenarioNames.join(', ')}.`);
    // The same tenant keeps its keys across a reset, so clients' cached tokens stay valid.
    const next = buildScenario(name, seed, parameters, ctx.store.state);
    await ctx.replaceState(next);
    ctx.log.clear();
    return json(200, { scenario: name, seed, tenantId: ctx.store.state.tenant.id });
  };

  return async (req) => {
    if (!keyMatches(req.headers['x-sandbox-key'], ctx.controlKey)) {
      return problem(401, 'Missing or wrong x-sandbox-key header.');
    }
    const route = `${req.method} ${req.path}`;
    if (route === 'GET /state') return json(200, publicState(ctx.store.state));
    if (route === 'POST /reset') {
      const { name, seed, parameters } = ctx.store.state.scenario;
      return rebuild(name, seed, parameters);
    }
    if (route === 'POST /scenario') {
      const body = parseJson(req, scenarioBody);
      if (!body.ok) return body.response;
      return rebuild(body.value.name, body.value.seed ?? 1, (body.value.parameters ?? {}) as Record<string, number>);
    }
    if (route === 'POST /deploy') {
      const body = parseJson(req, deployBody);
      if (!body.ok) return body.response;
      try {
        return json(200, deploySolution(ctx.store, body.value.environment, body.value.solution));
      } catch (error) {
        if (error instanceof DeployError) return problem(error.status, error.message);
        throw error;
      }
    }
    const device = /^POST \/device-codes\/([^/]+)\/approve$/.exec(route);
    if (device?.[1]) {
      const body = parseJson(req, deviceBody);
      if (!body.ok) return body.response;
      const result = ctx.entra.decideDeviceCode(decodeURIComponent(device[1]), body.value.upn, body.value.decision ?? 'approve');
      return result.ok ? json(200, { approved: (body.value.decision ?? 'approve') === 'approve' }) : problem(result.status, result.message);
    }
    if (route === 'GET /log') {
      const since = Number(req.url.searchParams.get('since') ?? '0');
      return json(200, { entries: ctx.log.entries(Number.isFinite(since) ? since : 0) });
    }
    if (route === 'DELETE /log') {
      ctx.log.clear();
      return json(200, { cleared: true });
    }
    if (route === 'GET /switches') return json(200, ctx.switches);
    if (route === 'PATCH /switches') {
      const body = parseJson(req, switchesBody);
      if (!body.ok) return body.response;
      Object.assign(ctx.switches, body.value);
      return json(200, ctx.switches);
    }
    if (route === 'GET /limits') return json(200, { ...ctx.traffic.protection.limits, dopHint: ctx.dopHint });
    if (route === 'PUT /limits') {
      const body = parseJson(req, limitsBody);
      if (!body.ok) return body.response;
      const { dopHint, ...limits } = body.value;
      ctx.traffic.protection.set(Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)));
      ctx.traffic.protection.reset();
      if (dopHint !== undefined) ctx.dopHint = dopHint;
      return json(200, { ...ctx.traffic.protection.limits, dopHint: ctx.dopHint });
    }
    if (route === 'GET /latency') return json(200, ctx.traffic.latency);
    if (route === 'PUT /latency') {
      const body = parseJson(req, latencyBody);
      if (!body.ok) return body.response;
      if (body.value.jitterMs > body.value.ms) return problem(400, 'jitterMs cannot exceed ms.');
      ctx.traffic.latency = body.value;
      return json(200, ctx.traffic.latency);
    }
    if (route === 'GET /faults') return json(200, ctx.traffic.faults.describe());
    if (route === 'POST /faults') {
      const body = parseJson(req, faultsBodySchema);
      if (!body.ok) return body.response;
      try {
        ctx.traffic.faults.configure(body.value);
      } catch (error) {
        if (error instanceof RangeError) return problem(400, error.message);
        throw error;
      }
      return json(200, ctx.traffic.faults.describe());
    }
    if (route === 'POST /faults/release') return json(200, ctx.traffic.faults.release());
    if (route === 'DELETE /faults') {
      ctx.traffic.faults.clear();
      return json(200, ctx.traffic.faults.describe());
    }
    try {
      if (route === 'POST /tokens/revoke') {
        const body = parseJson(req, revokeBody);
        return body.ok ? json(200, revokeTokens(ctx.store, body.value)) : body.response;
      }
      if (route === 'POST /connections/status') {
        const body = parseJson(req, connectionStatusBody);
        return body.ok ? json(200, setConnectionStatus(ctx.store, body.value)) : body.response;
      }
      if (route === 'POST /users/disable') {
        const body = parseJson(req, disableBody);
        return body.ok ? json(200, disableUser(ctx.store, body.value.upn, body.value.disabled)) : body.response;
      }
    } catch (error) {
      if (error instanceof ControlError) return problem(error.status, error.message);
      throw error;
    }
    return problem(404, `No control route '${req.method} /_sandbox${req.path}'.`);
  };
}
