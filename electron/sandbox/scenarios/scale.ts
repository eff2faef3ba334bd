import type { CloudState, Connection, SandboxEnvironment } from '../model';
import { createRng } from '../rng';
import type { FlowReferenceUse } from './clientdata';
import {
  addApp,
  addApplicationUser,
  addConnection,
  addConnectionReference,
  addEnvironment,
  addEnvironmentVariable,
  addFlow,
  addSolution,
  addSystemUser,
  addUser,
  expiredTokenStatus,
  newScenario,
  systemUserIdOf,
} from './builder';

/**
 * The contoso shape at size, for benchmarks and chaos runs: the first environment wired and on, the
 * others just deployed (unwired, off). In each environment one owner holds a healthy connection for
 * every connector, beside distractors; about one flow in ten calls a child; the pipeline SPN may
 * impersonate everywhere.
 */

export const SCALE_SOLUTION = 'ScaleOperations';

export interface ScaleParameters {
  envs: number;
  flows: number;
  refs: number;
  connectors: number;
}

export const defaultScaleParameters: ScaleParameters = { envs: 4, flows: 400, refs: 120, connectors: 12 };

const wellKnownConnectors = [
  'shared_office365',
  'shared_sharepointonline',
  'shared_teams',
  'shared_commondataserviceforapps',
  'shared_approvals',
  'shared_sql',
];

function connectorNames(count: number): string[] {
  const names = wellKnownConnectors.slice(0, count);
  for (let i = names.length; i < count; i++) names.push(`shared_scale-5fconnector${i}-5f${(0x5f3a9c + i * 7919).toString(16)}`);
  return names;
}

export function buildScale(seed = 1, parameters: Partial<ScaleParameters> = {}, previous?: CloudState): CloudState {
  const p: ScaleParameters = { ...defaultScaleParameters, ...parameters };
  if (p.envs < 1 || p.flows < 1 || p.refs < 1 || p.connectors < 1) throw new RangeError('scale parameters must be positive');
  const ctx = newScenario('scale', seed, { ...p }, createRng(seed), { displayName: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' }, previous);
  const { rng } = ctx;

  const releaseManager = addUser(ctx, { role: 'releaseManager', displayName: 'Avery Release', alias: 'avery.release', admin: true });
  const owner = addUser(ctx, { role: 'serviceAccount', displayName: 'Fabrikam Integration Service', alias: 'svc-integration' });
  const other = addUser(ctx, { role: 'maker', displayName: 'Morgan Maker', alias: 'morgan.maker' });
  addApp(ctx, { name: 'desktop', displayName: 'Patchbay Desktop', kind: 'public' });
  const pipeline = addApp(ctx, {
    name: 'pipeline',
    displayName: 'Fabrikam Release Pipeline',
    kind: 'confidential',
    secret: true,
    certificate: true,
    isPipelineSpn: true,
    isManagementApp: true,
  });

  const connectors = connectorNames(p.connectors);
  const references = Array.from({ length: p.refs }, (_, i) => {
    const apiName = connectors[i % connectors.length] ?? 'shared_office365';
    const short = apiName.replace(/^shared_/, '').replace(/[^a-z0-9]/g, '').slice(0, 20);
    return {
      id: rng.guid(),
      apiName,
      logicalName: `fab_shared${short}_${rng.hex(5)}`,
      displayName: `Scale ref ${i + 1} (${apiName})`,
    };
  });

  // Roughly one flow in twenty is a child; about one in ten parents calls one. Children never call
  // anything, so the call graph is acyclic by construction.
  const flows = Array.from({ length: p.flows }, (_, i) => ({ id: rng.guid(), index: i, isChild: rng.chance(0.05) }));
  const children = flows.filter((f) => f.isChild);
  const flowSpecs = flows.map((f) => {
    const count = 1 + rng.int(0, Math.min(3, references.length));
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(rng.int(0, references.length));
    const perConnector = new Map<string, number>();
    const uses: FlowReferenceUse[] = [...chosen].map((ri) => {
      const ref = references[ri] ?? references[0];
      if (!ref) throw new Error('no references');
      const n = perConnector.get(ref.apiName) ?? 0;
      perConnector.set(ref.apiName, n + 1);
      return { key: n === 0 ? ref.apiName : `${ref.apiName}_${n}`, apiName: ref.apiName, logicalName: ref.logicalName, runtimeSource: 'embedded' };
    });
    const calls = !f.isChild && children.length > 0 && rng.chance(0.1) ? [rng.pick(children).id] : [];
    return { id: f.id, name: `Scale flow ${String(f.index + 1).padStart(4, '0')}`, trigger: f.isChild ? ('child' as const) : ('scheduled' as const), references: uses, childWorkflowIds: calls };
  });
  const envVar = { definitionId: rng.guid(), schemaName: 'fab_ApiBaseUrl' };

  const envs: SandboxEnvironment[] = [];
  for (let e = 0; e < p.envs; e++) {
    envs.push(
      addEnvironment(ctx, {
        displayName: `Fabrikam Stage ${e + 1}`,
        orgName: `fabrikam-${e + 1}`,
        sku: e === p.envs - 1 && p.envs > 1 ? 'Production' : 'Sandbox',
        connectionReferenceTypeCode: 10000 + rng.int(20, 500),
      }),
    );
  }
  envs.forEach((env, e) => {
    addSystemUser(ctx, env, releaseManager, ['System Administrator']);
    addSystemUser(ctx, env, owner, ['System Customizer']);
    addSystemUser(ctx, env, other, ['Basic User']);
    addApplicationUser(ctx, env, pipeline, ['System Administrator', 'Delegate']);

    const healthy = new Map<string, Connection>();
    for (const apiName of connectors) {
      healthy.set(apiName, addConnection(ctx, { env, apiName, displayName: owner.userPrincipalName, owner }));
      if (rng.chance(0.5)) addConnection(ctx, { env, apiName, displayName: other.userPrincipalName, owner: other });
      if (rng.chance(0.25)) {
        addConnection(ctx, { env, apiName, displayName: owner.userPrincipalName, owner, status: expiredTokenStatus(owner.userPrincipalName) });
      }
    }
    const first = e === 0;
    const solution = addSolution(ctx, env, {
      uniqueName: SCALE_SOLUTION,
      friendlyName: 'Scale Operations',
      version: '2.0.0.0',
      managed: !first,
      ownerId: first ? systemUserIdOf(env, owner.objectId) : systemUserIdOf(env, pipeline.servicePrincipalId),
      publisher: { uniqueName: 'fabrikam', friendlyName: 'Fabrikam', prefix: 'fab' },
    });
    for (const ref of references) {
      addConnectionReference(ctx, solution, { ...ref, connectionId: first ? (healthy.get(ref.apiName)?.name ?? null) : null });
    }
    for (const flow of flowSpecs) addFlow(ctx, solution, { ...flow, on: first });
    addEnvironmentVariable(ctx, solution, {
      ...envVar,
      displayName: 'API base URL',
      type: 100000000,
      defaultValue: null,
      value: first ? 'https://api-1.fabrikam.example' : null,
      valueId: rng.guid(),
    });
  });
  return ctx.state;
}
