import { preflightShare } from '../../../shared/engine/preflight';
import type { Plan, PlanStep } from '../../../shared/engine/plan';
import { canUseConnection } from '../../../shared/engine/snapshot';
import { UsageError, type CliOptions } from '../args';
import type { CliIo } from '../io';
import type { CliRuntime } from '../runtime';
import { requireSolution, resolveEnvironments, reviewAndApply, scanEvery } from './common';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `patchbay share --with spn|me|<object id>`: share every connection the solution's references point at
 * with the principal (Can use), so that identity can turn the flows on without impersonation.
 */
export async function shareCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, true);
  const snapshots = await scanEvery(runtime, environments, solution, io);
  const steps: PlanStep[] = [];
  for (const snapshot of snapshots) {
    const principal = o.with === 'me' || o.with === 'spn' ? snapshot.identities[o.with] : o.with && GUID.test(o.with) ? o.with.toLowerCase() : undefined;
    if (!principal) throw new UsageError(`--with takes spn, me or an Entra object id${o.with ? `; '${o.with}' is none of those here` : ''}.`);
    const names = new Set(snapshot.references.map((r) => r.connectionId).filter((c): c is string => !!c));
    for (const connection of snapshot.connections.filter((c) => names.has(c.name) && !canUseConnection(c, principal))) {
      const verdict = preflightShare(snapshot, connection.name, principal, 'me');
      steps.push({
        id: `${snapshot.environment.id}:share:${connection.name}|${principal}`,
        environmentId: snapshot.environment.id,
        kind: 'share',
        target: { type: 'connection', connectionName: connection.name, connector: connection.connector, principalObjectId: principal, principalName: snapshot.rights[principal]?.displayName ?? principal },
        before: null,
        after: 'CanView',
        strategy: verdict.strategy,
        identity: verdict.identity,
        dependsOn: [],
        verdict,
        etag: null,
      });
    }
  }
  const now = new Date();
  const plan: Plan = {
    format: 'patchbay-plan',
    formatVersion: 1,
    id: `plan-${now.getTime().toString(36)}`,
    createdAt: now.toISOString(),
    solution,
    environments: snapshots.map((s) => ({ id: s.environment.id, displayName: s.environment.displayName, instanceUrl: s.environment.instanceUrl })),
    steps,
    warnings: [],
  };
  return (await reviewAndApply(runtime, plan, snapshots, o, io)).exitCode;
}
