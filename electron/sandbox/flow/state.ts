import type { SandboxContext } from '../context';
import { activationErrors } from '../dataverse/rules/activation';
import { entityByLogicalName } from '../dataverse/schema';
import { commitUpdate, flowStateChanges } from '../dataverse/writes';
import type { Row, SandboxEnvironment } from '../model';
import type { Principal } from '../store';
import { activationSubject, writerOf } from './access';
import { activationRefused } from './errors';

/**
 * Turning a flow on (`/start`) and off (`/stop`) through the Flow API. Start applies the very rules
 * Dataverse applies to `PATCH workflows(id)` with statecode 1 (`activationErrors`, the caller as the
 * subject) and answers their failures in the Flow service's own shape; both then change the row
 * exactly as that PATCH does (`commitUpdate`: statecode/statuscode, audit columns, version, and the
 * flow counts as published), so Dataverse reads the flow as on or off at once. Starting a flow that
 * is on, or stopping one that is off, changes nothing and succeeds (sandbox choice).
 */

function writeState(ctx: SandboxContext, env: SandboxEnvironment, flow: Row, caller: Principal, on: boolean): void {
  const meta = entityByLogicalName('workflow');
  if (!meta) throw new Error('The workflow table has no metadata.');
  const w = { ctx, env, who: writerOf(ctx.store, env, caller.objectId), meta, now: new Date() };
  commitUpdate(w, String(flow['workflowid']), flowStateChanges(on));
}

export function startFlow(ctx: SandboxContext, env: SandboxEnvironment, flow: Row, caller: Principal): void {
  if (flow['statecode'] === 1) return;
  const errors = activationErrors(ctx.store, env, flow, activationSubject(caller), ctx.switches);
  if (errors.length > 0) throw activationRefused(errors);
  writeState(ctx, env, flow, caller, true);
}

export function stopFlow(ctx: SandboxContext, env: SandboxEnvironment, flow: Row, caller: Principal): void {
  if (flow['statecode'] === 0) return;
  writeState(ctx, env, flow, caller, false);
}
