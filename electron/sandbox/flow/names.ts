import { createHash } from 'node:crypto';
import type { Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';

/**
 * Flow-API names versus Dataverse `workflowid` (reference §3.5). The Flow API's `name` usually equals
 * the row's `workflowid`, but not always: the platform has been seen listing a solution flow under
 * another id while `properties.workflowEntityId` still carries the `workflowid`, and answering under
 * both ids. The sandbox reproduces that for exactly one flow per environment, so clients that join on
 * `name` instead of `workflowEntityId` fail here as they would there:
 *
 *   the solution cloud flow with the lowest `workflowid` is listed under a name derived from it
 *   (a GUID from SHA-256 of the `workflowid`); GET, start and stop accept either id.
 *
 * It is a pure function of the environment's rows, so it needs no state, survives `--state-file`
 * and reset, and is the same for a seed every time (in contoso the same flow in every environment,
 * since the solution's flows keep their ids across environments).
 */

/** Cloud flows as the Flow API sees them: modern flows (category 5) that are definitions (type 1). */
export function isCloudFlow(row: Row): boolean {
  return row['category'] === 5 && (row['type'] === 1 || row['type'] === null || row['type'] === undefined);
}

export function cloudFlows(store: SandboxStore, env: SandboxEnvironment): Row[] {
  return store.rows(env, 'workflow').filter(isCloudFlow);
}

export function isSolutionFlow(row: Row): boolean {
  return typeof row['solutionid'] === 'string' && row['solutionid'] !== '';
}

/** The GUID the quirky flow is listed under. */
export function aliasName(workflowId: string): string {
  const h = createHash('sha256').update(`Microsoft.ProcessSimple/flows/${workflowId.toLowerCase()}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The `workflowid` of the one flow in an environment whose Flow-API name differs, or null. */
export function quirkyWorkflowId(store: SandboxStore, env: SandboxEnvironment): string | null {
  let lowest: string | null = null;
  for (const row of cloudFlows(store, env)) {
    if (!isSolutionFlow(row)) continue;
    const id = String(row['workflowid']);
    if (lowest === null || id < lowest) lowest = id;
  }
  return lowest;
}

/** Names flows of one environment as the Flow API lists them (the quirky flow is found once). */
export function flowNamer(store: SandboxStore, env: SandboxEnvironment): (row: Row) => string {
  const quirky = quirkyWorkflowId(store, env);
  return (row) => {
    const id = String(row['workflowid']);
    return id === quirky ? aliasName(id) : id;
  };
}

/** The cloud flow a Flow-API name addresses: its listed name, or its `workflowid` (both work on the platform). */
export function resolveFlow(store: SandboxStore, env: SandboxEnvironment, name: string): Row | undefined {
  const wanted = name.trim().replace(/^\{|\}$/g, '').toLowerCase();
  const direct = store.row(env, 'workflow', wanted);
  if (direct && isCloudFlow(direct)) return direct;
  const quirky = quirkyWorkflowId(store, env);
  if (quirky !== null && aliasName(quirky) === wanted) return store.row(env, 'workflow', quirky);
  return undefined;
}
