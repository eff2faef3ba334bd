import type {
  AppRegistration,
  CloudState,
  Connection,
  ConnectionPermission,
  ConnectionStatus,
  DirectoryUser,
  Row,
  SandboxEnvironment,
} from '../model';
import { DATAVERSE_CONNECTOR } from '../../../shared/flows/connectors';
import type { Rng } from '../rng';
import { createSelfSignedCertificate, thumbprints } from '../tls';
import { buildClientData, type FlowReferenceUse, type FlowTrigger } from './clientdata';

/**
 * Building blocks for scenarios: a tenant, its apps and users, environments with the base rows every
 * Dataverse org has (organization, business unit, roles, SYSTEM users), solutions with their
 * components, and connections. Scenarios decide *what* exists; this module knows *how* rows look.
 */

export const WORKFLOW_COMPONENT_TYPE = 29;
export const ENV_VAR_DEFINITION_COMPONENT_TYPE = 380;

export interface ScenarioContext {
  state: CloudState;
  rng: Rng;
  /** The state this build replaces, when it is the same tenant: its keys are kept (see `newScenario`). */
  keysOf: CloudState | null;
  /** Base time for createdon/modifiedon, fixed so a seed always builds the same tenant. */
  epoch: Date;
}

export function isoAt(ctx: ScenarioContext, dayOffset: number, minutes = 0): string {
  return new Date(ctx.epoch.getTime() + dayOffset * 86_400_000 + minutes * 60_000).toISOString();
}

/**
 * A new tenant's state. Rebuilding the same tenant (a reset: same scenario and seed, so the same tenant
 * id) over `previous` keeps its keys — the token signing key and the apps' certificates — as it keeps
 * the apps' secrets, which come from the seed: clients signed in before the reset stay signed in, and
 * no RSA key is generated (hundreds of ms each on a busy machine; they were most of a reset's time).
 * Another tenant never gets them: its tokens must mean nothing here.
 */
export function newScenario(
  name: string,
  seed: number,
  parameters: Record<string, number>,
  rng: Rng,
  tenant: { displayName: string; domain: string },
  previous?: CloudState,
): ScenarioContext {
  const id = rng.guid();
  const keysOf = previous?.tenant.id === id ? previous : null;
  const state: CloudState = {
    format: 'patchbay-sandbox-state',
    formatVersion: 1,
    scenario: { name, seed, parameters },
    tenant: { id, displayName: tenant.displayName, defaultDomain: tenant.domain },
    entra: { signingKey: keysOf?.entra.signingKey ?? createSelfSignedCertificate('login.sandbox token signing'), tokensValidAfter: {} },
    apps: [],
    users: [],
    environments: [],
    connections: [],
  };
  return { state, rng, keysOf, epoch: new Date('2026-09-01T08:00:00.000Z') };
}

export function addUser(
  ctx: ScenarioContext,
  spec: { role: string; displayName: string; alias: string; disabled?: boolean; admin?: boolean },
): DirectoryUser {
  const upn = `${spec.alias}@${ctx.state.tenant.defaultDomain}`;
  const user: DirectoryUser = {
    objectId: ctx.rng.guid(),
    userPrincipalName: upn,
    displayName: spec.displayName,
    mail: upn,
    disabled: spec.disabled ?? false,
    isPowerPlatformAdmin: spec.admin ?? false,
    role: spec.role,
  };
  ctx.state.users.push(user);
  return user;
}

export function addApp(
  ctx: ScenarioContext,
  spec: {
    name: string;
    displayName: string;
    kind: AppRegistration['kind'];
    secret?: boolean;
    certificate?: boolean;
    delegatedConsent?: AppRegistration['delegatedConsent'];
    isPipelineSpn?: boolean;
    isManagementApp?: boolean;
  },
): AppRegistration {
  const certificates: AppRegistration['certificates'] = [];
  if (spec.certificate) {
    const kept = ctx.keysOf?.apps.find((a) => a.name === spec.name)?.certificates[0];
    if (kept) certificates.push(kept);
    else {
      const cert = createSelfSignedCertificate(spec.displayName);
      certificates.push({ ...thumbprints(cert.certificatePem), certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem });
    }
  }
  const app: AppRegistration = {
    name: spec.name,
    displayName: spec.displayName,
    clientId: ctx.rng.guid(),
    servicePrincipalId: ctx.rng.guid(),
    kind: spec.kind,
    // Entra secrets look like "Abc8Q~…" (40 chars); deterministic here so a seed's demo tenant is stable.
    secrets: spec.secret
      ? [{ keyId: ctx.rng.guid(), value: `${ctx.rng.hex(3)}8Q~${ctx.rng.hex(34)}`, expiresOn: '2028-09-01T00:00:00.000Z' }]
      : [],
    certificates,
    delegatedConsent: spec.delegatedConsent ?? '*',
    isPipelineSpn: spec.isPipelineSpn ?? false,
    isManagementApp: spec.isManagementApp ?? false,
  };
  ctx.state.apps.push(app);
  return app;
}

export interface EnvironmentSpec {
  displayName: string;
  orgName: string;
  sku: SandboxEnvironment['sku'];
  isDefault?: boolean;
  /** The connection reference's object type code here (it differs per environment on the platform). */
  connectionReferenceTypeCode: number;
}

/** An environment with the rows every Dataverse org has. */
export function addEnvironment(ctx: ScenarioContext, spec: EnvironmentSpec): SandboxEnvironment {
  const { rng } = ctx;
  const env: SandboxEnvironment = {
    id: spec.isDefault ? `Default-${ctx.state.tenant.id}` : rng.guid(),
    displayName: spec.displayName,
    orgName: spec.orgName,
    sku: spec.sku,
    isDefault: spec.isDefault ?? false,
    location: 'unitedstates',
    azureRegion: 'westus',
    createdTime: isoAt(ctx, -200),
    organizationId: rng.guid(),
    tables: {},
    internals: { publishedFlowIds: [], nextVersion: 1_000_000 + rng.int(0, 9_000_000) },
  };
  ctx.state.environments.push(env);

  const created = isoAt(ctx, -200);
  const businessUnitId = rng.guid();
  put(ctx, env, 'organization', 'organizationid', {
    organizationid: env.organizationId,
    name: spec.orgName,
    languagecode: 1033,
    basecurrencyid: null,
    createdon: created,
  });
  put(ctx, env, 'businessunit', 'businessunitid', {
    businessunitid: businessUnitId,
    name: spec.orgName,
    parentbusinessunitid: null,
    createdon: created,
  });
  for (const name of ['System Administrator', 'System Customizer', 'Environment Maker', 'Basic User', 'Delegate']) {
    put(ctx, env, 'role', 'roleid', {
      roleid: rng.guid(),
      name,
      businessunitid: businessUnitId,
      ismanaged: true,
      createdon: created,
    });
  }
  const definitions: [string, string, number][] = [
    ['Workflow', 'workflow', WORKFLOW_COMPONENT_TYPE],
    ['EnvironmentVariableDefinition', 'environmentvariabledefinition', ENV_VAR_DEFINITION_COMPONENT_TYPE],
    ['EnvironmentVariableValue', 'environmentvariablevalue', 381],
    ['connectionreference', 'connectionreference', spec.connectionReferenceTypeCode],
  ];
  for (const [name, entity, code] of definitions) {
    put(ctx, env, 'solutioncomponentdefinition', 'solutioncomponentdefinitionid', {
      solutioncomponentdefinitionid: rng.guid(),
      name,
      primaryentityname: entity,
      objecttypecode: code,
      solutioncomponenttype: code,
      isdisplayable: true,
      isviewable: true,
      canbeaddedtosolutioncomponents: true,
    });
  }
  // Every org has these two non-interactive users; clients must not mistake them for people.
  for (const fullname of ['SYSTEM', 'INTEGRATION']) {
    put(ctx, env, 'systemuser', 'systemuserid', {
      ...systemUserBase(ctx, env),
      systemuserid: rng.guid(),
      fullname,
      firstname: null,
      lastname: fullname,
      domainname: '',
      internalemailaddress: '',
      accessmode: 4,
      azureactivedirectoryobjectid: null,
      setupuser: true,
    });
  }
  return env;
}

function put(ctx: ScenarioContext, env: SandboxEnvironment, table: string, primaryId: string, row: Row): Row {
  env.internals.nextVersion += 1 + ctx.rng.int(0, 40);
  const id = String(row[primaryId]).toLowerCase();
  const stored = { ...row, [primaryId]: id, versionnumber: env.internals.nextVersion };
  (env.tables[table] ??= {})[id] = stored;
  return stored;
}

function businessUnitOf(env: SandboxEnvironment): string {
  return Object.keys(env.tables['businessunit'] ?? {})[0] ?? '';
}

function systemUserBase(ctx: ScenarioContext, env: SandboxEnvironment): Row {
  return {
    applicationid: null,
    disabledreason: null,
    azurestate: 0,
    systemmanagedusertype: 0,
    islicensed: true,
    isintegrationuser: false,
    setupuser: false,
    isdisabled: false,
    businessunitid: businessUnitOf(env),
    organizationid: env.organizationId,
    createdon: isoAt(ctx, -190),
    modifiedon: isoAt(ctx, -10),
  };
}

export function roleId(env: SandboxEnvironment, roleName: string): string {
  const role = Object.values(env.tables['role'] ?? {}).find((r) => r['name'] === roleName);
  if (!role) throw new Error(`No role ${roleName} in ${env.displayName}`);
  return String(role['roleid']);
}

function assignRoles(ctx: ScenarioContext, env: SandboxEnvironment, systemUserId: string, roles: readonly string[]): void {
  for (const name of roles) {
    put(ctx, env, 'systemuserroles', 'systemuserroleid', {
      systemuserroleid: ctx.rng.guid(),
      systemuserid: systemUserId,
      roleid: roleId(env, name),
    });
  }
}

/** The user's systemuser row in an environment (each environment has its own systemuserid). */
export function addSystemUser(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  user: DirectoryUser,
  roles: readonly string[],
): string {
  const [first, ...rest] = user.displayName.split(' ');
  const id = ctx.rng.guid();
  put(ctx, env, 'systemuser', 'systemuserid', {
    ...systemUserBase(ctx, env),
    systemuserid: id,
    fullname: user.displayName,
    firstname: first ?? null,
    lastname: rest.join(' ') || null,
    domainname: user.userPrincipalName,
    internalemailaddress: user.mail,
    azureactivedirectoryobjectid: user.objectId,
    accessmode: 0,
    isdisabled: user.disabled,
    disabledreason: user.disabled ? 'User is disabled in Microsoft Entra ID.' : null,
    islicensed: !user.disabled,
  });
  assignRoles(ctx, env, id, roles);
  return id;
}

/** An application user: the app's service principal as a Dataverse user (accessmode 4). */
export function addApplicationUser(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  app: AppRegistration,
  roles: readonly string[],
): string {
  const id = ctx.rng.guid();
  put(ctx, env, 'systemuser', 'systemuserid', {
    ...systemUserBase(ctx, env),
    systemuserid: id,
    fullname: `# ${app.displayName}`,
    firstname: '#',
    lastname: app.displayName,
    domainname: `${app.clientId}@${ctx.state.tenant.defaultDomain}`,
    internalemailaddress: `${app.clientId}@${ctx.state.tenant.defaultDomain}`,
    azureactivedirectoryobjectid: app.servicePrincipalId,
    applicationid: app.clientId,
    accessmode: 4,
    islicensed: false,
  });
  assignRoles(ctx, env, id, roles);
  return id;
}

export function systemUserIdOf(env: SandboxEnvironment, objectId: string): string {
  const row = Object.values(env.tables['systemuser'] ?? {}).find((r) => r['azureactivedirectoryobjectid'] === objectId);
  if (!row) throw new Error(`No systemuser for ${objectId} in ${env.displayName}`);
  return String(row['systemuserid']);
}

export interface SolutionHandle {
  env: SandboxEnvironment;
  solutionId: string;
  managed: boolean;
  /** systemuserid that owns the solution's components (the importer). */
  ownerId: string;
  componentTime: string;
}

export function addSolution(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  spec: { uniqueName: string; friendlyName: string; version: string; managed: boolean; ownerId: string; publisher: { uniqueName: string; friendlyName: string; prefix: string } },
): SolutionHandle {
  const publisherId = ctx.rng.guid();
  put(ctx, env, 'publisher', 'publisherid', {
    publisherid: publisherId,
    uniquename: spec.publisher.uniqueName,
    friendlyname: spec.publisher.friendlyName,
    customizationprefix: spec.publisher.prefix,
    customizationoptionvalueprefix: 10000 + ctx.rng.int(0, 89999),
    createdon: isoAt(ctx, -180),
    modifiedon: isoAt(ctx, -180),
    createdby: spec.ownerId,
    modifiedby: spec.ownerId,
    createdonbehalfby: null,
    modifiedonbehalfby: null,
  });
  const solutionId = ctx.rng.guid();
  const installed = spec.managed ? isoAt(ctx, -1) : isoAt(ctx, -120);
  put(ctx, env, 'solution', 'solutionid', {
    solutionid: solutionId,
    uniquename: spec.uniqueName,
    friendlyname: spec.friendlyName,
    version: spec.version,
    description: null,
    ismanaged: spec.managed,
    isvisible: true,
    isapimanaged: false,
    installedon: installed,
    solutiontype: 0,
    publisherid: publisherId,
    parentsolutionid: null,
    organizationid: env.organizationId,
    createdon: installed,
    modifiedon: installed,
    createdby: spec.ownerId,
    modifiedby: spec.ownerId,
    createdonbehalfby: null,
    modifiedonbehalfby: null,
  });
  return { env, solutionId, managed: spec.managed, ownerId: spec.ownerId, componentTime: installed };
}

function componentTypeCode(env: SandboxEnvironment, entity: string): number {
  const def = Object.values(env.tables['solutioncomponentdefinition'] ?? {}).find((d) => d['primaryentityname'] === entity);
  return Number(def?.['objecttypecode'] ?? 0);
}

export function addSolutionComponent(ctx: ScenarioContext, solution: SolutionHandle, componentType: number, objectId: string): void {
  put(ctx, solution.env, 'solutioncomponent', 'solutioncomponentid', {
    solutioncomponentid: ctx.rng.guid(),
    componenttype: componentType,
    objectid: objectId,
    solutionid: solution.solutionId,
    rootcomponentbehavior: 0,
    rootsolutioncomponentid: null,
    ismetadata: false,
    createdby: solution.ownerId,
    createdon: solution.componentTime,
    modifiedby: solution.ownerId,
    modifiedon: solution.componentTime,
  });
}

/** Columns of a solution-aware component owned by the solution's importer. */
function componentColumns(solution: SolutionHandle): Row {
  return {
    ismanaged: solution.managed,
    solutionid: solution.solutionId,
    supportingsolutionid: null,
    componentstate: 0,
    overwritetime: solution.managed ? solution.componentTime : '1900-01-01T00:00:00Z',
    ownerid: solution.ownerId,
    owninguser: solution.ownerId,
    owningbusinessunit: businessUnitOf(solution.env),
    createdby: solution.ownerId,
    createdon: solution.componentTime,
    createdonbehalfby: null,
    modifiedby: solution.ownerId,
    modifiedon: solution.componentTime,
    modifiedonbehalfby: null,
  };
}

export interface ReferenceSpec {
  id: string;
  logicalName: string;
  displayName: string;
  apiName: string;
  connectionId: string | null;
}

export function addConnectionReference(ctx: ScenarioContext, solution: SolutionHandle, spec: ReferenceSpec): void {
  put(ctx, solution.env, 'connectionreference', 'connectionreferenceid', {
    connectionreferenceid: spec.id,
    connectionreferencelogicalname: spec.logicalName,
    connectionreferencedisplayname: spec.displayName,
    connectorid: `/providers/Microsoft.PowerApps/apis/${spec.apiName}`,
    connectionid: spec.connectionId,
    customconnectorid: null,
    description: null,
    promptingbehavior: 0,
    statecode: 0,
    statuscode: 1,
    componentidunique: ctx.rng.guid(),
    importsequencenumber: null,
    ...componentColumns(solution),
  });
  addSolutionComponent(ctx, solution, componentTypeCode(solution.env, 'connectionreference'), spec.id);
}

export interface FlowSpec {
  id: string;
  name: string;
  trigger: FlowTrigger;
  references: readonly FlowReferenceUse[];
  childWorkflowIds: readonly string[];
  on: boolean;
}

export function addFlow(ctx: ScenarioContext, solution: SolutionHandle, spec: FlowSpec): void {
  put(ctx, solution.env, 'workflow', 'workflowid', {
    ...flowRow(ctx, spec),
    ...componentColumns(solution),
  });
  addSolutionComponent(ctx, solution, WORKFLOW_COMPONENT_TYPE, spec.id);
  if (spec.on) solution.env.internals.publishedFlowIds.push(spec.id);
}

/** A workflow row outside any solution (personal flows, classic processes) owned by a systemuser. */
export function addLooseWorkflow(
  ctx: ScenarioContext,
  env: SandboxEnvironment,
  ownerId: string,
  spec: { name: string; category: number; on: boolean; clientdata?: string | null },
): void {
  const id = ctx.rng.guid();
  put(ctx, env, 'workflow', 'workflowid', {
    ...flowRow(ctx, { id, name: spec.name, trigger: 'instant', references: [], childWorkflowIds: [], on: spec.on }),
    category: spec.category,
    clientdata: spec.clientdata === undefined ? (spec.category === 5 ? buildClientData({ trigger: 'instant', references: [], childWorkflowIds: [] }) : null) : spec.clientdata,
    primaryentity: spec.category === 5 ? 'none' : 'account',
    ismanaged: false,
    solutionid: null,
    supportingsolutionid: null,
    componentstate: 0,
    overwritetime: '1900-01-01T00:00:00Z',
    ownerid: ownerId,
    owninguser: ownerId,
    owningbusinessunit: businessUnitOf(env),
    createdby: ownerId,
    createdon: isoAt(ctx, -60),
    createdonbehalfby: null,
    modifiedby: ownerId,
    modifiedon: isoAt(ctx, -30),
    modifiedonbehalfby: null,
  });
  if (spec.on && spec.category === 5) env.internals.publishedFlowIds.push(id);
}

function flowRow(ctx: ScenarioContext, spec: FlowSpec): Row {
  return {
    workflowid: spec.id,
    workflowidunique: ctx.rng.guid(),
    name: spec.name,
    uniquename: null,
    description: null,
    category: 5,
    type: 1,
    statecode: spec.on ? 1 : 0,
    statuscode: spec.on ? 2 : 1,
    modernflowtype: 0,
    clientdata: buildClientData(spec),
    clientdataiscompressed: false,
    connectionreferences: null,
    definition: null,
    primaryentity: 'none',
    runas: 0,
    scope: 4,
    mode: 0,
    suspensionreasondetails: null,
    throttlingbehavior: 0,
    licensee: null,
    activeworkflowid: null,
    parentworkflowid: null,
    resourceid: ctx.rng.guid(),
    schemaversion: '1.0.0.0',
  };
}

export interface EnvironmentVariableSpec {
  definitionId: string;
  schemaName: string;
  displayName: string;
  type: number;
  defaultValue: string | null;
  /** The environment's current value; null = no value row (missing after first deployment). */
  value: string | null;
  valueId: string;
}

export function addEnvironmentVariable(ctx: ScenarioContext, solution: SolutionHandle, spec: EnvironmentVariableSpec): void {
  put(ctx, solution.env, 'environmentvariabledefinition', 'environmentvariabledefinitionid', {
    environmentvariabledefinitionid: spec.definitionId,
    schemaname: spec.schemaName,
    displayname: spec.displayName,
    description: null,
    type: spec.type,
    defaultvalue: spec.defaultValue,
    isrequired: spec.defaultValue === null,
    statecode: 0,
    statuscode: 1,
    ...componentColumns(solution),
  });
  addSolutionComponent(ctx, solution, ENV_VAR_DEFINITION_COMPONENT_TYPE, spec.definitionId);
  if (spec.value !== null) {
    // Values are environment-specific: unmanaged rows owned by whoever set them, outside the solution.
    put(ctx, solution.env, 'environmentvariablevalue', 'environmentvariablevalueid', {
      environmentvariablevalueid: spec.valueId,
      schemaname: spec.schemaName,
      value: spec.value,
      environmentvariabledefinitionid: spec.definitionId,
      statecode: 0,
      statuscode: 1,
      ...componentColumns(solution),
      ismanaged: false,
      solutionid: null,
    });
  }
}

export function addConnection(
  ctx: ScenarioContext,
  spec: {
    env: SandboxEnvironment;
    apiName: string;
    displayName: string;
    owner: DirectoryUser;
    status?: ConnectionStatus;
    sharedWith?: readonly { principalId: string; principalType: ConnectionPermission['principalType']; roleName: ConnectionPermission['roleName'] }[];
    name?: string;
    dayOffset?: number;
  },
): Connection {
  const created = isoAt(ctx, spec.dayOffset ?? -30, ctx.rng.int(0, 600));
  const connection: Connection = {
    name: spec.name ?? connectionName(ctx, spec.apiName),
    environmentId: spec.env.id,
    apiName: spec.apiName,
    displayName: spec.displayName,
    createdBy: spec.owner.objectId,
    createdTime: created,
    lastModifiedTime: created,
    status: spec.status ?? { kind: 'Connected' },
    permissions: [
      { principalId: spec.owner.objectId, principalType: 'User', roleName: 'Owner' },
      ...(spec.sharedWith ?? []),
    ],
    parameterSetName: parameterSets[spec.apiName] ?? 'oauth',
    accountName: spec.owner.userPrincipalName,
  };
  ctx.state.connections.push(connection);
  return connection;
}

/** `connectionParametersSet.name` per connector; OAuth unless the connector signs in otherwise. */
const parameterSets: Record<string, string> = {
  shared_sql: 'sqlAuthentication',
  shared_commondataserviceforapps: 'entraIDUserLogin',
  shared_approvals: '',
};

/** Connection names in the platform's observed forms (platform-apis.md §2.2). */
export function connectionName(ctx: ScenarioContext, apiName: string): string {
  if (apiName === DATAVERSE_CONNECTOR || apiName === 'shared_approvals') {
    return `shared-${apiName.replace(/^shared_/, '').slice(0, 12)}-${ctx.rng.guid()}`;
  }
  return ctx.rng.hex(32);
}

export const expiredTokenStatus = (upn: string): ConnectionStatus => ({
  kind: 'Error',
  target: 'token',
  code: 'Unauthorized',
  message: `Failed to refresh access token for service: office365. Correlation Id=${'9f0c2c5e-5a7b-4d8e-9a1f-3b2c1d0e4f5a'}, UTC TimeStamp=9/30/2026 7:12:44 AM, Error: Failed to acquire token from AAD: {"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-05-01T10:00:00.0000000Z and was inactive for 90.00:00:00. Trace ID: 5e1f Correlation ID: 9f0c Timestamp: 2026-09-30 07:12:44Z","error_codes":[700082]} for ${upn}`,
});

