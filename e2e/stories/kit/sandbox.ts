import { request } from 'node:https';
import type { SandboxControl } from '../../host-fixtures';

/**
 * The demo sandbox's control API (electron/sandbox/README.md, "Control API"), for what happens outside
 * Patchbay in a release: a pipeline deploying the solution again. Also reads the sandbox's own state,
 * so a story can check the matrix against the truth rather than against numbers written in the test.
 */

export const SOLUTION = 'ContosoOperations';

function call<T>(control: SandboxControl, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      new URL(`/_sandbox/${path}`, control.baseUrl),
      {
        method,
        ca: control.caCertPem,
        headers: { 'x-sandbox-key': control.controlKey, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`sandbox control ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 500)}`));
          else resolve(JSON.parse(text) as T);
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

export interface DeployResult {
  environment: string;
  solution: string;
  flowsTurnedOff: number;
}

/** A pipeline import of the solution into one environment (by display name): its flows are turned off. */
export function deploy(control: SandboxControl, environment: string, solution = SOLUTION): Promise<DeployResult> {
  return call<DeployResult>(control, 'POST', 'deploy', { environment, solution });
}

type Row = Record<string, unknown>;
interface SandboxState {
  environments: { id: string; displayName: string; tables: Record<string, Record<string, Row> | undefined> }[];
  users: { objectId: string; displayName: string; disabled: boolean }[];
  connections: { name: string; environmentId: string; displayName: string; createdBy: string }[];
}

/** One environment's tables, and the ids of the solution's components there. */
async function solutionIn(control: SandboxControl, environment: string, solution: string): Promise<{ rows: (table: string) => Row[]; members: Set<string>; flowMembers: Set<string> }> {
  const state = await call<SandboxState>(control, 'GET', 'state');
  const env = state.environments.find((e) => e.displayName === environment);
  if (!env) throw new Error(`The sandbox has no environment named '${environment}'.`);
  const rows = (table: string): Row[] => Object.values(env.tables[table] ?? {});
  const solutionRow = rows('solution').find((s) => String(s['uniquename']).toLowerCase() === solution.toLowerCase());
  if (!solutionRow) throw new Error(`'${solution}' is not installed in ${environment}.`);
  const components = rows('solutioncomponent').filter((c) => c['solutionid'] === solutionRow['solutionid']);
  return {
    rows,
    members: new Set(components.map((c) => String(c['objectid']))),
    // Component type 29 = process (workflow).
    flowMembers: new Set(components.filter((c) => c['componenttype'] === 29).map((c) => String(c['objectid']))),
  };
}

/** The solution's cloud flows in one environment, by name, and whether each is on — as the sandbox holds them. */
export async function solutionFlows(control: SandboxControl, environment: string, solution = SOLUTION): Promise<Map<string, boolean>> {
  const { rows, flowMembers } = await solutionIn(control, environment, solution);
  // Category 5 = modern (cloud) flow; classic processes share the table.
  const flows = rows('workflow').filter((w) => flowMembers.has(String(w['workflowid'])) && w['category'] === 5);
  return new Map(flows.map((w) => [String(w['name']), w['statecode'] === 1]));
}

/** The solution's connection references in one environment, by display name, and the connection each points at. */
export async function solutionReferences(control: SandboxControl, environment: string, solution = SOLUTION): Promise<Map<string, string | null>> {
  const { rows, members } = await solutionIn(control, environment, solution);
  const refs = rows('connectionreference').filter((r) => members.has(String(r['connectionreferenceid'])));
  return new Map(refs.map((r) => [String(r['connectionreferencedisplayname']), typeof r['connectionid'] === 'string' && r['connectionid'] ? r['connectionid'] : null]));
}

export interface ReferenceProblem {
  environment: string;
  reference: string;
}

/**
 * What an audit must find, worked out from the sandbox's own tables: references wired to a connection
 * whose owner's account is disabled (with that owner and connection), and references pointing at a
 * connection that does not exist in their environment (dangling).
 */
export async function referenceProblems(control: SandboxControl, environments: readonly string[], solution = SOLUTION): Promise<{ ownerDisabled: (ReferenceProblem & { owner: string; connection: string })[]; dangling: ReferenceProblem[] }> {
  const state = await call<SandboxState>(control, 'GET', 'state');
  const ownerDisabled: (ReferenceProblem & { owner: string; connection: string })[] = [];
  const dangling: ReferenceProblem[] = [];
  for (const environment of environments) {
    const env = state.environments.find((e) => e.displayName === environment);
    if (!env) throw new Error(`The sandbox has no environment named '${environment}'.`);
    const references = await solutionReferences(control, environment, solution);
    const here = state.connections.filter((c) => c.environmentId === env.id);
    for (const [reference, connectionId] of references) {
      if (!connectionId) continue;
      const connection = here.find((c) => c.name === connectionId);
      if (!connection) {
        dangling.push({ environment, reference });
        continue;
      }
      const owner = state.users.find((u) => u.objectId === connection.createdBy);
      if (owner?.disabled) ownerDisabled.push({ environment, reference, owner: owner.displayName, connection: connection.displayName });
    }
  }
  return { ownerDisabled, dangling };
}
