import type { AppRegistration, CloudState, Connection, DirectoryUser, SandboxEnvironment } from '../model';
import { createRng } from '../rng';
import type { FlowReferenceUse, FlowTrigger } from './clientdata';
import {
  addApp,
  addApplicationUser,
  addConnection,
  addConnectionReference,
  addEnvironment,
  addEnvironmentVariable,
  addFlow,
  addLooseWorkflow,
  addSolution,
  addSystemUser,
  addUser,
  expiredTokenStatus,
  newScenario,
  systemUserIdOf,
  type ScenarioContext,
  type SolutionHandle,
} from './builder';

/**
 * The demo tenant: Contoso ships the ContosoOperations solution Dev → Test → UAT → Prod, and has just
 * run its first pipeline deployment (seed post, §4). Dev is wired and on; Test, UAT and Prod arrived
 * unwired with every flow off. The data is built so that every job and every failure has a case:
 * distractor connections, a disabled former employee who still owns connections, a dangling reference
 * in Dev, Prod's connections split between two owners, shares with the pipeline SPN here and not there.
 */

export const CONTOSO_SOLUTION = 'ContosoOperations';

interface ConnectorSpec {
  apiName: string;
  displayName: string;
}

export const contosoConnectors = {
  outlook: { apiName: 'shared_office365', displayName: 'Office 365 Outlook' },
  sharepoint: { apiName: 'shared_sharepointonline', displayName: 'SharePoint' },
  teams: { apiName: 'shared_teams', displayName: 'Microsoft Teams' },
  dataverse: { apiName: 'shared_commondataserviceforapps', displayName: 'Microsoft Dataverse' },
  approvals: { apiName: 'shared_approvals', displayName: 'Approvals' },
  sql: { apiName: 'shared_sql', displayName: 'SQL Server' },
  erp: { apiName: 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04', displayName: 'Contoso ERP' },
} as const satisfies Record<string, ConnectorSpec>;

type ConnectorKey = keyof typeof contosoConnectors;

interface ReferenceDef {
  handle: string;
  logicalName: string;
  displayName: string;
  connector: ConnectorKey;
}

const referenceDefs: ReferenceDef[] = [
  { handle: 'outlook', logicalName: 'cont_sharedoffice365_8c1f2', displayName: 'Contoso Ops – Office 365 Outlook', connector: 'outlook' },
  { handle: 'notify', logicalName: 'cont_sharedoffice365_b41e7', displayName: 'Contoso Ops – Notifications mailbox', connector: 'outlook' },
  { handle: 'sharepoint', logicalName: 'cont_sharedsharepointonline_4d9e1', displayName: 'Contoso Ops – SharePoint', connector: 'sharepoint' },
  { handle: 'archive', logicalName: 'cont_sharedsharepointonline_6d2a3', displayName: 'Contoso Ops – SharePoint archive', connector: 'sharepoint' },
  { handle: 'teams', logicalName: 'cont_sharedteams_2b7a4', displayName: 'Contoso Ops – Microsoft Teams', connector: 'teams' },
  { handle: 'dataverse', logicalName: 'cont_sharedcommondataserviceforapps_7f3c9', displayName: 'Contoso Ops – Dataverse', connector: 'dataverse' },
  { handle: 'approvals', logicalName: 'cont_sharedapprovals_5e8d0', displayName: 'Contoso Ops – Approvals', connector: 'approvals' },
  { handle: 'sql', logicalName: 'cont_sharedsql_9a1b6', displayName: 'Contoso Ops – SQL Server', connector: 'sql' },
  { handle: 'erp', logicalName: 'cont_sharedcontosoerp_3c6f8', displayName: 'Contoso Ops – Contoso ERP', connector: 'erp' },
];

interface FlowDef {
  handle: string;
  name: string;
  trigger: FlowTrigger;
  /** Reference handles; a second reference of one connector gets the `_1` key suffix. */
  uses: string[];
  /** Reference handles used with runtimeSource "invoker" (run-only users bring their own). */
  invoker?: string[];
  calls?: string[];
}

// Children first in this list only for readability; nothing depends on the order.
const flowDefs: FlowDef[] = [
  { handle: 'childTeams', name: 'Child – Post Teams notification', trigger: 'child', uses: ['teams'] },
  { handle: 'childAudit', name: 'Child – Write audit record', trigger: 'child', uses: ['dataverse'] },
  { handle: 'childApproval', name: 'Child – Request manager approval', trigger: 'child', uses: ['approvals', 'outlook'], calls: ['childTeams'] },
  { handle: 'orderIntake', name: 'Order intake – notify sales', trigger: 'dataverse', uses: ['dataverse', 'outlook'], calls: ['childTeams'] },
  { handle: 'invoiceApproval', name: 'Invoice approval', trigger: 'instant', uses: ['approvals', 'sharepoint', 'outlook'], calls: ['childApproval', 'childAudit'] },
  { handle: 'sqlSync', name: 'Daily SQL sync to Dataverse', trigger: 'scheduled', uses: ['sql', 'dataverse'] },
  { handle: 'erpCustomer', name: 'New ERP customer to Dataverse', trigger: 'scheduled', uses: ['erp', 'dataverse'], calls: ['childAudit'] },
  { handle: 'caseEscalation', name: 'Case escalation to Teams', trigger: 'dataverse', uses: ['dataverse', 'teams'], calls: ['childTeams'] },
  { handle: 'archiveCases', name: 'Archive closed cases', trigger: 'scheduled', uses: ['dataverse'] },
  { handle: 'rollups', name: 'Recalculate account rollups', trigger: 'dataverse', uses: ['dataverse'] },
  { handle: 'retention', name: 'Document library retention', trigger: 'scheduled', uses: ['sharepoint', 'archive'] },
  { handle: 'opsReport', name: 'Weekly operations report', trigger: 'scheduled', uses: ['sql', 'notify'] },
  { handle: 'mailboxTriage', name: 'Shared mailbox triage', trigger: 'instant', uses: ['outlook', 'notify'] },
  { handle: 'vendorOnboarding', name: 'Vendor onboarding', trigger: 'instant', uses: ['erp', 'sharepoint', 'teams'], calls: ['childApproval'] },
  { handle: 'purchaseOrders', name: 'Purchase order sync', trigger: 'scheduled', uses: ['erp', 'sql'] },
  { handle: 'siteAccess', name: 'Request site access', trigger: 'instant', uses: ['sharepoint', 'teams'], invoker: ['teams'] },
];

interface EnvVarDef {
  schemaName: string;
  displayName: string;
  type: number;
  defaultValue: string | null;
  values: Partial<Record<'dev' | 'test' | 'uat' | 'prod', string>>;
}

const envVarDefs: EnvVarDef[] = [
  {
    schemaName: 'cont_ErpBaseUrl',
    displayName: 'ERP base URL',
    type: 100000000,
    defaultValue: null,
    values: { dev: 'https://erp-dev.contoso.com/api/v2', test: 'https://erp-test.contoso.com/api/v2' },
  },
  {
    schemaName: 'cont_OpsSiteUrl',
    displayName: 'Operations SharePoint site',
    type: 100000000,
    defaultValue: 'https://contoso.sharepoint.com/sites/ops-dev',
    values: { test: 'https://contoso.sharepoint.com/sites/ops-test', uat: 'https://contoso.sharepoint.com/sites/ops-uat' },
  },
  { schemaName: 'cont_ApprovalThreshold', displayName: 'Approval threshold (USD)', type: 100000001, defaultValue: '5000', values: { prod: '25000' } },
  {
    schemaName: 'cont_NotifyMailbox',
    displayName: 'Notifications mailbox',
    type: 100000000,
    defaultValue: null,
    values: { dev: 'ops-dev@contoso.onmicrosoft.com', test: 'ops-test@contoso.onmicrosoft.com' },
  },
  { schemaName: 'cont_FeatureFlags', displayName: 'Feature flags', type: 100000003, defaultValue: '{"newRouting":false}', values: {} },
];

export interface ContosoIds {
  references: Record<string, string>;
  flows: Record<string, string>;
  envVars: Record<string, string>;
}

function solutionIds(ctx: ScenarioContext): ContosoIds {
  const ids: ContosoIds = { references: {}, flows: {}, envVars: {} };
  for (const r of referenceDefs) ids.references[r.handle] = ctx.rng.guid();
  for (const f of flowDefs) ids.flows[f.handle] = ctx.rng.guid();
  for (const v of envVarDefs) ids.envVars[v.schemaName] = ctx.rng.guid();
  return ids;
}

function flowReferenceUses(def: FlowDef): FlowReferenceUse[] {
  const perConnector = new Map<string, number>();
  return def.uses.map((handle) => {
    const ref = referenceDefs.find((r) => r.handle === handle);
    if (!ref) throw new Error(`Unknown reference ${handle}`);
    const apiName = contosoConnectors[ref.connector].apiName;
    const n = perConnector.get(apiName) ?? 0;
    perConnector.set(apiName, n + 1);
    return {
      key: n === 0 ? apiName : `${apiName}_${n}`,
      apiName,
      logicalName: ref.logicalName,
      runtimeSource: def.invoker?.includes(handle) ? 'invoker' : 'embedded',
    };
  });
}

type Stage = 'dev' | 'test' | 'uat' | 'prod';

function installSolution(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  stage: Stage,
  ids: ContosoIds,
  owner: string,
  wiring: Partial<Record<string, string>>,
): SolutionHandle {
  const solution = addSolution(ctx, env, {
    uniqueName: CONTOSO_SOLUTION,
    friendlyName: 'Contoso Operations',
    version: stage === 'dev' ? '1.4.3.0' : '1.4.2.0',
    managed: stage !== 'dev',
    ownerId: owner,
    publisher: { uniqueName: 'contoso', friendlyName: 'Contoso', prefix: 'cont' },
  });
  for (const r of referenceDefs) {
    addConnectionReference(ctx, solution, {
      id: ids.references[r.handle] ?? '',
      logicalName: r.logicalName,
      displayName: r.displayName,
      apiName: contosoConnectors[r.connector].apiName,
      connectionId: wiring[r.handle] ?? null,
    });
  }
  for (const f of flowDefs) {
    addFlow(ctx, solution, {
      id: ids.flows[f.handle] ?? '',
      name: f.name,
      trigger: f.trigger,
      references: flowReferenceUses(f),
      childWorkflowIds: (f.calls ?? []).map((h) => ids.flows[h] ?? ''),
      on: stage === 'dev',
    });
  }
  for (const v of envVarDefs) {
    addEnvironmentVariable(ctx, solution, {
      definitionId: ids.envVars[v.schemaName] ?? '',
      schemaName: v.schemaName,
      displayName: v.displayName,
      type: v.type,
      defaultValue: v.defaultValue,
      value: v.values[stage] ?? null,
      valueId: ctx.rng.guid(),
    });
  }
  return solution;
}

function classicProcesses(ctx: ScenarioContext, env: SandboxEnvironment, owner: string): void {
  addLooseWorkflow(ctx, env, owner, { name: 'Account: set credit hold', category: 0, on: true });
  addLooseWorkflow(ctx, env, owner, { name: 'Case: require priority', category: 2, on: true });
}

interface People {
  releaseManager: DirectoryUser;
  maker: DirectoryUser;
  serviceAccount: DirectoryUser;
  prodOwner: DirectoryUser;
  formerEmployee: DirectoryUser;
}

function connectionsFor(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  owner: DirectoryUser,
  keys: readonly ConnectorKey[],
  sharedWithSpn: readonly ConnectorKey[],
  pipeline: AppRegistration,
): Partial<Record<ConnectorKey, Connection>> {
  const made: Partial<Record<ConnectorKey, Connection>> = {};
  for (const key of keys) {
    const spec = contosoConnectors[key];
    made[key] = addConnection(ctx, {
      env,
      apiName: spec.apiName,
      displayName: owner.userPrincipalName,
      owner,
      sharedWith: sharedWithSpn.includes(key)
        ? [{ principalId: pipeline.servicePrincipalId, principalType: 'ServicePrincipal', roleName: key === 'dataverse' ? 'CanViewWithShare' : 'CanView' }]
        : [],
    });
  }
  return made;
}

const allConnectors = Object.keys(contosoConnectors) as ConnectorKey[];

export function buildContoso(seed = 1, previous?: CloudState): CloudState {
  const ctx = newScenario('contoso', seed, {}, createRng(seed), { displayName: 'Contoso', domain: 'contoso.onmicrosoft.com' }, previous);
  const people: People = {
    releaseManager: addUser(ctx, { role: 'releaseManager', displayName: 'Adele Vance', alias: 'adele.vance', admin: true }),
    maker: addUser(ctx, { role: 'maker', displayName: 'Nestor Wilke', alias: 'nestor.wilke' }),
    serviceAccount: addUser(ctx, { role: 'serviceAccount', displayName: 'Contoso Integration Service', alias: 'svc-integration' }),
    prodOwner: addUser(ctx, { role: 'prodOwner', displayName: 'Lee Gu', alias: 'lee.gu' }),
    formerEmployee: addUser(ctx, { role: 'formerEmployee', displayName: 'Isaiah Langer', alias: 'isaiah.langer', disabled: true }),
  };
  addApp(ctx, { name: 'desktop', displayName: 'Patchbay Desktop', kind: 'public' });
  const pipeline = addApp(ctx, {
    name: 'pipeline',
    displayName: 'Contoso Release Pipeline',
    kind: 'confidential',
    secret: true,
    certificate: true,
    isPipelineSpn: true,
    isManagementApp: true,
  });
  // Two more apps make the identity errors reachable: one never consented, one without any app user.
  addApp(ctx, { name: 'reporting', displayName: 'Contoso Reporting', kind: 'public', delegatedConsent: [] });
  addApp(ctx, { name: 'analytics', displayName: 'Contoso Analytics Connector', kind: 'confidential', secret: true });

  const ids = solutionIds(ctx);
  const dev = addEnvironment(ctx, { displayName: 'Contoso Dev', orgName: 'contoso-dev', sku: 'Sandbox', connectionReferenceTypeCode: 10091 });
  const test = addEnvironment(ctx, { displayName: 'Contoso Test', orgName: 'contoso-test', sku: 'Sandbox', connectionReferenceTypeCode: 10163 });
  const uat = addEnvironment(ctx, { displayName: 'Contoso UAT', orgName: 'contoso-uat', sku: 'Sandbox', connectionReferenceTypeCode: 10150 });
  const prod = addEnvironment(ctx, { displayName: 'Contoso Prod', orgName: 'contoso-prod', sku: 'Production', connectionReferenceTypeCode: 10437 });
  const defaultEnv = addEnvironment(ctx, {
    displayName: 'Contoso (default)',
    orgName: `org${ctx.rng.hex(8)}`,
    sku: 'Default',
    isDefault: true,
    connectionReferenceTypeCode: 10027,
  });

  const roles: Record<Stage | 'default', Record<keyof People, string[]>> = {
    dev: {
      releaseManager: ['System Administrator'],
      maker: ['System Customizer', 'Environment Maker'],
      serviceAccount: ['Basic User'],
      prodOwner: ['Basic User'],
      formerEmployee: ['System Customizer'],
    },
    test: {
      releaseManager: ['System Administrator'],
      maker: ['Basic User'],
      serviceAccount: ['System Customizer'],
      prodOwner: ['Basic User'],
      formerEmployee: ['Basic User'],
    },
    uat: {
      releaseManager: ['System Administrator'],
      maker: ['Basic User'],
      serviceAccount: ['System Customizer'],
      prodOwner: ['Basic User'],
      formerEmployee: ['Basic User'],
    },
    prod: {
      releaseManager: ['System Administrator'],
      maker: ['Basic User'],
      serviceAccount: ['System Customizer'],
      prodOwner: ['System Customizer'],
      formerEmployee: ['Basic User'],
    },
    default: {
      releaseManager: ['System Administrator'],
      maker: ['Environment Maker'],
      serviceAccount: ['Basic User'],
      prodOwner: ['Basic User'],
      formerEmployee: ['Basic User'],
    },
  };
  const stages: [Stage | 'default', SandboxEnvironment][] = [
    ['dev', dev],
    ['test', test],
    ['uat', uat],
    ['prod', prod],
    ['default', defaultEnv],
  ];
  for (const [stage, env] of stages) {
    for (const [key, user] of Object.entries(people) as [keyof People, DirectoryUser][]) {
      addSystemUser(ctx, env, user, roles[stage][key]);
    }
    if (stage !== 'default') {
      // The pipeline SPN may impersonate (Delegate) in Dev, Test and UAT, but not in Prod.
      addApplicationUser(ctx, env, pipeline, stage === 'prod' ? ['System Customizer'] : ['System Administrator', 'Delegate']);
    }
  }

  // ── Dev: the maker's connections, wired and on; a disabled ex-employee's SQL connection, a deleted ERP one.
  const devConnections = connectionsFor(ctx, dev, people.maker, allConnectors, [], pipeline);
  const formerSql = addConnection(ctx, {
    env: dev,
    apiName: contosoConnectors.sql.apiName,
    displayName: people.formerEmployee.userPrincipalName,
    owner: people.formerEmployee,
    dayOffset: -150,
  });
  const makerDev = systemUserIdOf(dev, people.maker.objectId);
  const devWiring: Record<string, string> = {};
  for (const r of referenceDefs) devWiring[r.handle] = devConnections[r.connector]?.name ?? '';
  devWiring['sql'] = formerSql.name;
  devWiring['erp'] = ctx.rng.hex(32); // its connection was deleted after the flows were turned on: dangling
  installSolution(ctx, dev, 'dev', ids, makerDev, devWiring);
  addLooseWorkflow(ctx, dev, makerDev, { name: 'My test flow (personal)', category: 5, on: false });
  classicProcesses(ctx, dev, makerDev);

  // ── Test and UAT: the integration service account owns a healthy connection for every connector.
  const stagingShares: Record<'test' | 'uat', ConnectorKey[]> = {
    test: ['outlook', 'sharepoint', 'teams', 'dataverse'],
    uat: ['outlook', 'dataverse'],
  };
  for (const [stage, env] of [
    ['test', test],
    ['uat', uat],
  ] as const) {
    connectionsFor(ctx, env, people.serviceAccount, allConnectors, stagingShares[stage], pipeline);
    // Distractors: another owner's, a broken duplicate, and the ex-employee's.
    connectionsFor(ctx, env, people.maker, ['outlook'], [], pipeline);
    addConnection(ctx, {
      env,
      apiName: contosoConnectors.sql.apiName,
      displayName: people.serviceAccount.userPrincipalName,
      owner: people.serviceAccount,
      status: expiredTokenStatus(people.serviceAccount.userPrincipalName),
      dayOffset: -120,
    });
    addConnection(ctx, {
      env,
      apiName: contosoConnectors.sharepoint.apiName,
      displayName: people.formerEmployee.userPrincipalName,
      owner: people.formerEmployee,
      dayOffset: -160,
    });
    const spn = systemUserIdOf(env, pipeline.servicePrincipalId);
    installSolution(ctx, env, stage, ids, spn, {});
    classicProcesses(ctx, env, systemUserIdOf(env, people.releaseManager.objectId));
  }

  // ── Prod: healthy connections split between Lee Gu and the service account.
  connectionsFor(ctx, prod, people.prodOwner, ['outlook', 'sharepoint', 'approvals'], [], pipeline);
  connectionsFor(ctx, prod, people.serviceAccount, ['teams', 'sql', 'dataverse', 'erp'], ['teams'], pipeline);
  addConnection(ctx, {
    env: prod,
    apiName: contosoConnectors.outlook.apiName,
    displayName: people.formerEmployee.userPrincipalName,
    owner: people.formerEmployee,
    status: expiredTokenStatus(people.formerEmployee.userPrincipalName),
    dayOffset: -170,
  });
  installSolution(ctx, prod, 'prod', ids, systemUserIdOf(prod, pipeline.servicePrincipalId), {});
  classicProcesses(ctx, prod, systemUserIdOf(prod, people.releaseManager.objectId));

  // ── Default: personal connections and flows, no solution.
  connectionsFor(ctx, defaultEnv, people.releaseManager, ['outlook', 'teams'], [], pipeline);
  const rmDefault = systemUserIdOf(defaultEnv, people.releaseManager.objectId);
  addLooseWorkflow(ctx, defaultEnv, rmDefault, { name: 'Remind me of release notes', category: 5, on: true });

  return ctx.state;
}
