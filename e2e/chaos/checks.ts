import type { Plan, PlanStep } from '../../shared/engine/plan';
import type { EnvironmentSnapshot } from '../../shared/engine/snapshot';
import type { JournalRun } from '../../electron/engine/apply/journal';
import type { RequestLogEntry } from '../../electron/sandbox/request-log';

/**
 * The three things every chaos run must show, each as a list of problems in words (empty = holds):
 *   converged   a fresh scan finds every planned reference wired to the planned connection and every
 *               planned flow on;
 *   writes      the sandbox's request log holds no write to a record outside the plan, no write of a
 *               value other than the plan's, no record written (successfully) twice with different
 *               values, and every write made as the plan's identity;
 *   journal     every step of the plan has a last step-finished record that is done or skipped (in its
 *               target state: "already on", not "depends on … which failed"), none is left
 *               started-only, and the run is finished.
 */

const same = (a: string | null | undefined, b: string | null | undefined): boolean => (a ?? null)?.toLowerCase() === (b ?? null)?.toLowerCase();

export function checkConverged(plan: Plan, snapshots: readonly EnvironmentSnapshot[]): string[] {
  const problems: string[] = [];
  for (const step of plan.steps) {
    const snapshot = snapshots.find((s) => same(s.environment.id, step.environmentId));
    const where = snapshot?.environment.displayName ?? step.environmentId;
    if (!snapshot?.solution) {
      problems.push(`${where}: not scanned`);
      continue;
    }
    const target = step.target;
    if (target.type === 'reference') {
      const ref = snapshot.references.find((r) => same(r.id, target.referenceId));
      if (!same(ref?.connectionId, step.after)) problems.push(`${where}: ${target.logicalName} is wired to ${ref?.connectionId ?? 'nothing'}, planned ${step.after ?? 'nothing'}`);
    } else if (target.type === 'flow') {
      const flow = snapshot.flows.find((f) => same(f.id, target.flowId));
      if (flow?.state !== step.after) problems.push(`${where}: ${target.name} is ${flow?.state ?? 'gone'}, planned ${step.after ?? 'nothing'}`);
    } else {
      problems.push(`${where}: step ${step.id} is a ${step.kind}, which chaos runs do not plan`);
    }
  }
  return problems;
}

/** A write the log recorded, located: the org, entity set and record id it went to. */
interface Located {
  entry: RequestLogEntry;
  org: string;
  set: string;
  id: string | null;
}

const WRITE_METHODS = new Set(['PATCH', 'POST', 'PUT', 'DELETE']);
const DATAVERSE_PATH = /^\/orgs\/([^/]+)\/api\/data\/v9\.\d\/([A-Za-z_$]+)(?:\(([^)]*)\))?/;

function locate(entry: RequestLogEntry): Located | null {
  const match = DATAVERSE_PATH.exec(entry.path);
  if (!match) return null;
  return { entry, org: (match[1] ?? '').toLowerCase(), set: (match[2] ?? '').toLowerCase(), id: match[3]?.replace(/^'|'$/g, '').toLowerCase() ?? null };
}

const orgOf = (instanceUrl: string | null): string => /\/orgs\/([^/]+)/.exec(instanceUrl ?? '')?.[1]?.toLowerCase() ?? '';

/** The value a logged write body sets, in the plan's terms (connection id, 'on'/'off'), or why it cannot tell. */
function writtenValue(set: string, body: string | undefined): { value: string | null } | { unreadable: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { unreadable: `body not JSON: ${JSON.stringify(body?.slice(0, 80) ?? null)}` };
  }
  const row = (parsed ?? {}) as Record<string, unknown>;
  if (set === 'connectionreferences' && 'connectionid' in row) return { value: typeof row['connectionid'] === 'string' ? row['connectionid'] : null };
  if (set === 'workflows' && typeof row['statecode'] === 'number') return { value: row['statecode'] === 1 ? 'on' : row['statecode'] === 0 ? 'off' : 'suspended' };
  return { unreadable: `body sets neither connectionid nor statecode: ${JSON.stringify(body?.slice(0, 80) ?? null)}` };
}

export interface WriteCheck {
  problems: string[];
  /** Writes the platform accepted. */
  accepted: number;
  /** Records written successfully more than once with the same value (allowed, but worth seeing). */
  repeated: number;
}

export function checkWrites(plan: Plan, entries: readonly RequestLogEntry[], actorObjectId: string): WriteCheck {
  const planned = new Map<string, PlanStep>();
  for (const step of plan.steps) {
    const env = plan.environments.find((e) => same(e.id, step.environmentId));
    const org = orgOf(env?.instanceUrl ?? null);
    if (step.target.type === 'reference') planned.set(`${org}/connectionreferences/${step.target.referenceId.toLowerCase()}`, step);
    if (step.target.type === 'flow') planned.set(`${org}/workflows/${step.target.flowId.toLowerCase()}`, step);
  }
  const problems: string[] = [];
  const accepted = new Map<string, string[]>();
  for (const entry of entries) {
    if (!WRITE_METHODS.has(entry.method) || entry.service === 'login') continue;
    const at = locate(entry);
    const what = `${entry.method} ${entry.path.split('?')[0] ?? ''} → ${entry.status}`;
    if (!at) {
      problems.push(`a write outside Dataverse: ${what}`);
      continue;
    }
    if (at.set === '$batch') {
      if (/^(PATCH|POST|PUT|DELETE) /m.test(entry.body ?? '')) problems.push(`writes inside a $batch, which apply never sends: ${what}`);
      continue;
    }
    const key = `${at.org}/${at.set}/${at.id ?? ''}`;
    const step = planned.get(key);
    if (!step) {
      problems.push(`a write to a record outside the plan: ${what}`);
      continue;
    }
    if (entry.status < 200 || entry.status >= 300) continue;
    const written = writtenValue(at.set, entry.body);
    if ('unreadable' in written) {
      problems.push(`${step.id}: ${written.unreadable}`);
      continue;
    }
    if (!same(written.value, step.after)) problems.push(`${step.id}: wrote ${written.value ?? 'nothing'}, the plan says ${step.after ?? 'nothing'}`);
    const asWho = step.identity?.mode === 'impersonate' ? step.identity.targetObjectId : null;
    if (!same(entry.caller, actorObjectId) || !same(entry.onBehalfOf, asWho)) {
      problems.push(`${step.id}: written by ${entry.caller ?? '?'} on behalf of ${entry.onBehalfOf ?? 'nobody'}, planned ${actorObjectId} on behalf of ${asWho ?? 'nobody'}`);
    }
    accepted.set(key, [...(accepted.get(key) ?? []), (written.value ?? '').toLowerCase()]);
  }
  let repeated = 0;
  for (const [key, values] of accepted) {
    if (new Set(values).size > 1) problems.push(`${key} written twice with different values: ${values.join(' then ')}`);
    else if (values.length > 1) repeated++;
  }
  return { problems, accepted: [...accepted.values()].reduce((n, v) => n + v.length, 0), repeated };
}

export function checkJournal(plan: Plan, run: JournalRun): string[] {
  const problems: string[] = [];
  const { state } = run;
  const journaled = state.plan?.steps.map((s) => s.id).sort() ?? [];
  const wanted = plan.steps.map((s) => s.id).sort();
  if (journaled.join('\n') !== wanted.join('\n')) problems.push(`the journaled plan has ${journaled.length} steps, the plan applied ${wanted.length}`);
  for (const step of plan.steps) {
    const result = state.results.get(step.id);
    if (!result) problems.push(`${step.id}: no step-finished record${state.interrupted.has(step.id) ? ' (started only)' : ''}`);
    else if (result.status !== 'done' && result.status !== 'skipped') problems.push(`${step.id}: ${result.status}: ${result.reason ?? ''}`);
    else if (!result.inTargetState) problems.push(`${step.id}: skipped short of its target: ${result.reason ?? ''}`);
  }
  for (const id of state.interrupted) problems.push(`${id}: started, never finished`);
  if (state.status !== 'complete') problems.push(`run ${state.runId} is ${state.status}`);
  // A kill may cut the last line it was writing; nothing else may be wrong with the file.
  for (const warning of run.warnings) if (!/cut off|not valid JSON/.test(warning)) problems.push(`journal: ${warning}`);
  return problems;
}
