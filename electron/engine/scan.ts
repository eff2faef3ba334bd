import type { Connection, ConnectionShare, Environment, SystemUser } from '../../shared/domain/types';
import type { ConnectionWithShares, EnvironmentSnapshot, IdentityRole, PrincipalRights } from '../../shared/engine/snapshot';
import type { AdminClient } from '../cloud/admin/client';
import type { DataverseClient } from '../cloud/dataverse/client';
import { readCloudFlows } from '../cloud/dataverse/readers/cloud-flows';
import { readConnectionReferences } from '../cloud/dataverse/readers/connection-references';
import { readEnvironmentVariables } from '../cloud/dataverse/readers/environment-variables';
import { readSolution } from '../cloud/dataverse/readers/solutions';
import { readSystemUsersByObjectIds } from '../cloud/dataverse/readers/system-users';
import { isCancelled, PlatformError } from '../cloud/http/platform-error';

/**
 * Scan (design §6): for one solution, read each environment's references, flows, environment variables,
 * the connections there with their shares, and the rights of every principal the rules care about —
 * environments in parallel. The number of requests per environment grows with pages and with the number
 * of distinct connection owners, never with the number of flows.
 */

export interface ScanIdentity {
  objectId: string;
  /** Known to be a Power Platform admin or management app (may share any connection). */
  platformAdmin?: boolean;
}

export interface ScanOptions {
  solution: string;
  identities: Partial<Record<IdentityRole, ScanIdentity>>;
  pageSize?: number;
  /** Connection permission reads, and principals' privilege checks, in flight per environment (default 16). */
  permissionConcurrency?: number;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface ScanClients {
  admin: AdminClient;
  dataverse(instanceUrl: string): DataverseClient;
}

const WRITE_PRIVILEGE = 'prvWriteWorkflow';
const DELEGATE_PRIVILEGE = 'prvActOnBehalfOfAnotherUser';

/** Runs `work` over items with at most `limit` in flight. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * One line on why: the error's first line, and when the platform said something under a code of its own,
 * its words too ("The identity lacks a security privilege this needs." alone does not say which one).
 * Body snippets of unreadable answers stay out: they are no one's words.
 */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const first = error.message.split('\n')[0] ?? error.message;
  if (error instanceof PlatformError && error.code !== null && error.platformMessage && !first.includes(error.platformMessage)) return `${first} ${error.platformMessage.replace(/\s+/g, ' ')}`;
  return first;
}

function emptySnapshot(environment: Environment, scannedAt: string, identities: ScanOptions['identities'], problems: string[]): EnvironmentSnapshot {
  return {
    environment,
    scannedAt,
    solution: null,
    references: [],
    flows: [],
    envVars: [],
    connections: [],
    users: [],
    rights: {},
    identities: Object.fromEntries(Object.entries(identities).map(([role, id]) => [role, id.objectId.toLowerCase()])),
    problems,
  };
}

async function principalRights(
  dv: DataverseClient,
  users: readonly SystemUser[],
  objectIds: readonly string[],
  names: Map<string, string>,
  admins: ReadonlySet<string>,
  lanes: number,
  signal: AbortSignal | undefined,
): Promise<Record<string, PrincipalRights>> {
  const opts = signal ? { signal } : {};
  const rights: Record<string, PrincipalRights> = {};
  await mapBounded(objectIds, lanes, async (objectId) => {
    const user = users.find((u) => u.objectId?.toLowerCase() === objectId);
    const base = { objectId, displayName: user?.fullName ?? names.get(objectId) ?? objectId, platformAdmin: admins.has(objectId) };
    if (!user) {
      rights[objectId] = { ...base, present: false, disabled: false, isApplicationUser: false, delegate: false, canWrite: false };
      return;
    }
    const [canWrite, delegate] = user.disabled
      ? [false, false]
      : await Promise.all([dv.hasPrivilege(user.id, WRITE_PRIVILEGE, opts), dv.hasPrivilege(user.id, DELEGATE_PRIVILEGE, opts)]);
    rights[objectId] = { ...base, present: true, disabled: user.disabled, isApplicationUser: user.isApplicationUser, delegate, canWrite };
  });
  return rights;
}

export async function scanEnvironment(clients: ScanClients, environment: Environment, options: ScanOptions): Promise<EnvironmentSnapshot> {
  const scannedAt = (options.now?.() ?? new Date()).toISOString();
  const signal = options.signal;
  const opts = signal ? { signal } : {};
  if (!environment.instanceUrl) return emptySnapshot(environment, scannedAt, options.identities, ['This environment has no Dataverse database.']);
  const dv = clients.dataverse(environment.instanceUrl);
  const problems: string[] = [];

  const [solution, connections] = await Promise.all([
    readSolution(dv, options.solution, opts),
    clients.admin.listConnections(environment.id, opts).catch((error: unknown): Connection[] => {
      if (isCancelled(error)) throw error;
      problems.push(`Connections could not be read: ${reasonOf(error)}`);
      return [];
    }),
  ]);
  const snapshot = emptySnapshot(environment, scannedAt, options.identities, problems);
  if (!solution) return snapshot;
  snapshot.solution = solution;

  const scope = { solutionId: solution.id, ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...opts };
  const [references, flows, envVars] = await Promise.all([readConnectionReferences(dv, scope), readCloudFlows(dv, scope), readEnvironmentVariables(dv, scope)]);
  snapshot.references = references;
  snapshot.flows = flows;
  snapshot.envVars = envVars;

  // Shares, and the people behind the connections, need only the connections and the references: read
  // both at once. Shares matter only for the connectors the solution uses; other connections are listed
  // without them.
  const connectors = new Set(references.map((r) => r.connector));
  const used = connections.filter((c) => connectors.has(c.connector));
  const names = new Map<string, string>();
  for (const c of connections) names.set(c.owner.objectId.toLowerCase(), c.owner.displayName);
  const interesting = new Set<string>(Object.values(options.identities).map((i) => i.objectId.toLowerCase()));
  for (const c of used) interesting.add(c.owner.objectId.toLowerCase());
  const objectIds = [...interesting].sort();
  const admins = new Set(Object.values(options.identities).filter((i) => i.platformAdmin).map((i) => i.objectId.toLowerCase()));
  const lanes = options.permissionConcurrency ?? 16;

  const [withShares, people] = await Promise.all([
    mapBounded(connections, lanes, async (c): Promise<ConnectionWithShares> => {
      if (!connectors.has(c.connector)) return { ...c, shares: [] };
      const shares = await clients.admin.listPermissions(environment.id, c.connector, c.name, opts).catch((error: unknown): ConnectionShare[] => {
        if (isCancelled(error)) throw error;
        problems.push(`Shares of connection ${c.name} could not be read: ${reasonOf(error)}`);
        return [];
      });
      return { ...c, shares: shares.filter((s) => s.role !== 'Owner') };
    }),
    (async () => {
      const users = await readSystemUsersByObjectIds(dv, objectIds, opts);
      return { users, rights: await principalRights(dv, users, objectIds, names, admins, lanes, signal) };
    })(),
  ]);
  snapshot.connections = withShares;
  snapshot.users = people.users;
  snapshot.rights = people.rights;
  return snapshot;
}

export interface ScanResult {
  snapshots: EnvironmentSnapshot[];
  /** Environments that could not be scanned at all, with why. */
  failures: { environment: Environment; error: string }[];
}

/** Scans environments in parallel; one failing environment does not lose the others. */
export async function scan(clients: ScanClients, environments: readonly Environment[], options: ScanOptions): Promise<ScanResult> {
  const settled = await Promise.allSettled(environments.map((env) => scanEnvironment(clients, env, options)));
  const result: ScanResult = { snapshots: [], failures: [] };
  settled.forEach((outcome, i) => {
    const environment = environments[i] as Environment;
    if (outcome.status === 'fulfilled') result.snapshots.push(outcome.value);
    else if (isCancelled(outcome.reason)) throw outcome.reason;
    else result.failures.push({ environment, error: reasonOf(outcome.reason) });
  });
  return result;
}
