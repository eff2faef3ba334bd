import type { CloudState, Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { createRng } from '../rng';

/**
 * A pipeline import of a solution into an environment, as the deploying service principal (seed post
 * §4–6): components the target lacks are added (references unwired, flows off, environment variables
 * without values), every one of the solution's flows is turned off, existing wiring is kept, and every
 * touched row gets a new version (so ETags change under a client that read them before).
 */

export interface DeployResult {
  environment: string;
  solution: string;
  version: string;
  added: { connectionReferences: number; flows: number; environmentVariables: number };
  flowsTurnedOff: number;
}

export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function solutionRow(store: SandboxStore, env: SandboxEnvironment, uniqueName: string): Row | undefined {
  const wanted = uniqueName.toLowerCase();
  return store.rows(env, 'solution').find((s) => String(s['uniquename']).toLowerCase() === wanted);
}

function componentIds(store: SandboxStore, env: SandboxEnvironment, solutionId: string): Set<string> {
  return new Set(
    store
      .rows(env, 'solutioncomponent')
      .filter((c) => c['solutionid'] === solutionId)
      .map((c) => String(c['objectid'])),
  );
}

function typeCode(store: SandboxStore, env: SandboxEnvironment, entity: string): number {
  const def = store.rows(env, 'solutioncomponentdefinition').find((d) => d['primaryentityname'] === entity);
  return Number(def?.['objecttypecode'] ?? 0);
}

/** The deploying identity: the tenant's pipeline SPN, as an application user of the target. */
function deployerId(state: CloudState, store: SandboxStore, env: SandboxEnvironment): string {
  const app = state.apps.find((a) => a.isPipelineSpn);
  const user = app && store.rows(env, 'systemuser').find((u) => u['applicationid'] === app.clientId);
  if (!user) throw new DeployError(`The pipeline service principal has no application user in ${env.displayName}.`, 409);
  return String(user['systemuserid']);
}

export function deploySolution(store: SandboxStore, environment: string, uniqueName: string, when = new Date()): DeployResult {
  const state = store.state;
  const target = store.environmentById(environment) ?? store.environmentByDisplayName(environment) ?? store.environmentByOrg(environment);
  if (!target) throw new DeployError(`No environment '${environment}' in this sandbox.`, 404);
  // The source is where the solution is developed (unmanaged), as a pipeline exports from there.
  const source = state.environments.find((e) => e !== target && solutionRow(store, e, uniqueName)?.['ismanaged'] === false);
  const sourceSolution = source && solutionRow(store, source, uniqueName);
  if (!source || !sourceSolution) throw new DeployError(`No environment holds '${uniqueName}' unmanaged to deploy from.`, 404);

  const now = when.toISOString();
  const deployer = deployerId(state, store, target);
  const rng = createRng(when.getTime() & 0x7fffffff);
  let targetSolution = solutionRow(store, target, uniqueName);
  if (!targetSolution) {
    targetSolution = store.insert(target, 'solution', 'solutionid', {
      ...sourceSolution,
      ismanaged: true,
      installedon: now,
      createdon: now,
      modifiedon: now,
      createdby: deployer,
      modifiedby: deployer,
      organizationid: target.organizationId,
      publisherid: ensurePublisher(store, source, target, String(sourceSolution['publisherid'])),
    });
  } else {
    store.update(target, 'solution', String(targetSolution['solutionid']), { version: sourceSolution['version'] ?? null, modifiedby: deployer }, when);
  }
  const solutionId = String(targetSolution['solutionid']);
  const existing = componentIds(store, target, solutionId);
  const sourceComponents = store.rows(source, 'solutioncomponent').filter((c) => c['solutionid'] === sourceSolution['solutionid']);
  const added = { connectionReferences: 0, flows: 0, environmentVariables: 0 };
  const sourceRefType = typeCode(store, source, 'connectionreference');

  for (const component of sourceComponents) {
    const objectId = String(component['objectid']);
    const kind =
      component['componenttype'] === 29 ? 'workflow' : component['componenttype'] === sourceRefType ? 'connectionreference' : component['componenttype'] === 380 ? 'environmentvariabledefinition' : null;
    if (!kind) continue;
    const sourceRow = store.row(source, kind, objectId);
    if (!sourceRow) continue;
    const owned = {
      ismanaged: true,
      solutionid: solutionId,
      ownerid: deployer,
      owninguser: deployer,
      modifiedby: deployer,
      modifiedon: now,
      modifiedonbehalfby: null,
    };
    const primary = kind === 'workflow' ? 'workflowid' : kind === 'connectionreference' ? 'connectionreferenceid' : 'environmentvariabledefinitionid';
    const current = store.row(target, kind, objectId);
    if (!current) {
      const fresh: Row = { ...sourceRow, ...owned, createdby: deployer, createdon: now, createdonbehalfby: null };
      if (kind === 'connectionreference') fresh['connectionid'] = null;
      if (kind === 'workflow') Object.assign(fresh, { statecode: 0, statuscode: 1, workflowidunique: rng.guid() });
      store.insert(target, kind, primary, fresh);
      added[kind === 'workflow' ? 'flows' : kind === 'connectionreference' ? 'connectionReferences' : 'environmentVariables'] += 1;
    } else {
      // An upgrade keeps the target's wiring and values but replaces the definition.
      const update: Row = { ...owned };
      if (kind === 'workflow') Object.assign(update, { clientdata: sourceRow['clientdata'] ?? null, name: sourceRow['name'] ?? null });
      if (kind === 'connectionreference') Object.assign(update, { connectionreferencedisplayname: sourceRow['connectionreferencedisplayname'] ?? null });
      store.update(target, kind, objectId, update, when);
    }
    if (!existing.has(objectId)) {
      const targetType = kind === 'connectionreference' ? typeCode(store, target, 'connectionreference') : Number(component['componenttype']);
      store.insert(target, 'solutioncomponent', 'solutioncomponentid', {
        ...component,
        solutioncomponentid: rng.guid(),
        componenttype: targetType,
        solutionid: solutionId,
        createdby: deployer,
        createdon: now,
        modifiedby: deployer,
        modifiedon: now,
      });
    }
  }

  // The import leaves every flow of the solution off, whatever it was before.
  let flowsTurnedOff = 0;
  for (const id of componentIds(store, target, solutionId)) {
    const flow = store.row(target, 'workflow', id);
    if (!flow || flow['category'] !== 5) continue;
    if (flow['statecode'] !== 0) flowsTurnedOff += 1;
    store.update(target, 'workflow', id, { statecode: 0, statuscode: 1, modifiedby: deployer, modifiedonbehalfby: null }, when);
  }
  return { environment: target.id, solution: uniqueName, version: String(sourceSolution['version']), added, flowsTurnedOff };
}

function ensurePublisher(store: SandboxStore, source: SandboxEnvironment, target: SandboxEnvironment, publisherId: string): string {
  const publisher = store.row(source, 'publisher', publisherId);
  if (!publisher) return publisherId;
  const existing = store.rows(target, 'publisher').find((p) => p['uniquename'] === publisher['uniquename']);
  if (existing) return String(existing['publisherid']);
  store.insert(target, 'publisher', 'publisherid', { ...publisher });
  return publisherId;
}
