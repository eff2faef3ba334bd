import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { DirectoryUser, SandboxEnvironment } from '../model';

/**
 * One environment as BAP returns it (reference §1.2, Learn "List environments" example): admin scope
 * (`/scopes/admin/environments/…`, type `…/scopes/environments`) or user scope (`/environments/…`,
 * type `Microsoft.BusinessAppPlatform/environments`). Runtime endpoints point at the sandbox's own
 * services; the Dataverse instance URL ends in a slash, the API URL does not.
 */

export type EnvironmentScope = 'admin' | 'user';

export interface EnvironmentView {
  scope: EnvironmentScope;
  /** Normalised `$expand` items (`properties.capacity`, `properties.addons`, `permissions`, …). */
  expand: ReadonlySet<string>;
  /** Whether the caller holds admin rights (shapes `properties.permissions` when expanded). */
  callerIsAdmin: boolean;
}

/** The Dataverse server version the sandbox's orgs report (a 2025 release-wave build number). */
export const DATAVERSE_VERSION = '9.2.25073.00188';

const ADMIN_PERMISSIONS = ['ReadEnvironment', 'AdminReadEnvironment', 'AdminModifyEnvironment', 'AdminDeleteEnvironment', 'CreatePowerApp', 'CreateFlow'];
const MEMBER_PERMISSIONS = ['ReadEnvironment', 'CreatePowerApp', 'CreateFlow'];

const hashNumber = (seed: string, modulo: number): number => createHash('sha256').update(seed).digest().readUInt32BE(0) % modulo;

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}

function identity(ctx: SandboxContext, user: DirectoryUser | undefined): Record<string, unknown> {
  if (!user) return { id: 'SYSTEM', displayName: 'SYSTEM', type: 'NotSpecified' };
  return {
    id: user.objectId,
    displayName: user.displayName,
    email: user.mail,
    type: 'User',
    tenantId: ctx.store.state.tenant.id,
    userPrincipalName: user.userPrincipalName,
  };
}

function capacity(env: SandboxEnvironment, updatedOn: string): Record<string, unknown>[] {
  const rows = Object.values(env.tables).reduce((n, t) => n + Object.keys(t).length, 0);
  const database = Math.round((1024 + rows * 0.75 + hashNumber(env.id, 400)) * 1000) / 1000;
  const file = Math.round((256 + hashNumber(`${env.id}/file`, 900)) * 1000) / 1000;
  return [
    { capacityType: 'Database', actualConsumption: database, ratedConsumption: database, capacityUnit: 'MB', updatedOn },
    { capacityType: 'File', actualConsumption: file, ratedConsumption: file, capacityUnit: 'MB', updatedOn },
    { capacityType: 'Log', actualConsumption: 0, ratedConsumption: 0, capacityUnit: 'MB', updatedOn },
  ];
}

const addons = (): Record<string, unknown>[] =>
  ['AppPass', 'PerFlowPlan', 'PortalViews', 'PortalLogins', 'AI', 'AppPassForTeams', 'PAUnattendedRPA'].map((addonType) => ({
    addonType,
    allocated: 0,
    addonUnit: 'Unit',
  }));

function permissions(callerIsAdmin: boolean): Record<string, unknown> {
  const names = callerIsAdmin ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS;
  return Object.fromEntries(names.map((name) => [name, { displayName: name.replace(/([a-z])([A-Z])/g, '$1 $2') }]));
}

export function linkedEnvironmentMetadata(ctx: SandboxContext, env: SandboxEnvironment): Record<string, unknown> {
  const instanceApiUrl = `${ctx.baseUrl}/orgs/${env.orgName}`;
  return {
    type: 'Dynamics365Instance',
    resourceId: env.organizationId,
    friendlyName: env.displayName,
    uniqueName: `unq${env.organizationId.replace(/-/g, '').slice(0, 29)}`,
    domainName: env.orgName,
    version: DATAVERSE_VERSION,
    instanceUrl: `${instanceApiUrl}/`,
    instanceApiUrl,
    baseLanguage: 1033,
    instanceState: 'Ready',
    createdTime: addDays(env.createdTime, 0),
    modifiedTime: addDays(env.createdTime, 1),
    hostNameSuffix: new URL(ctx.baseUrl).host,
    webApiVersion: 'v9.2',
    backgroundOperationsState: 'Enabled',
    scaleGroup: 'SANDBOXSG001',
    platformSku: 'Standard',
  };
}

export function environmentJson(ctx: SandboxContext, env: SandboxEnvironment, view: EnvironmentView): Record<string, unknown> {
  const base = ctx.baseUrl;
  const creator = env.isDefault ? undefined : ctx.store.state.users.find((u) => u.isPowerPlatformAdmin);
  const now = new Date();
  const updatedOn = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const properties: Record<string, unknown> = {
    azureRegion: env.azureRegion,
    displayName: env.displayName,
    description: '',
    createdTime: env.createdTime,
    createdBy: identity(ctx, creator),
    lastModifiedTime: addDays(env.createdTime, 1),
    lastModifiedBy: identity(ctx, creator),
    provisioningState: 'Succeeded',
    creationType: env.isDefault ? 'DefaultTenant' : 'User',
    environmentSku: env.sku,
    isDefault: env.isDefault,
    clientUris: {
      admin: `https://admin.powerplatform.microsoft.com/environments/${env.id}/hub`,
      maker: `https://make.powerapps.com/environments/${env.id}/home`,
    },
    runtimeEndpoints: {
      'microsoft.BusinessAppPlatform': `${base}/bap`,
      'microsoft.CommonDataModel': `${base}/cds`,
      'microsoft.PowerApps': `${base}/powerapps`,
      'microsoft.Flow': `${base}/flow`,
      'microsoft.PowerAppsAdvisor': `${base}/advisor`,
      'microsoft.ApiManagement': `${base}/apim`,
    },
    databaseType: 'CommonDataService',
    linkedEnvironmentMetadata: linkedEnvironmentMetadata(ctx, env),
    notificationMetadata: { state: 'NotSpecified', branding: 'NotSpecific' },
    retentionPeriod: 'P7D',
    states: { management: { id: 'Ready' }, runtime: { id: 'Enabled' } },
    updateCadence: { id: 'Frequent' },
    retentionDetails: { retentionPeriod: 'P7D', backupsAvailableFromDateTime: new Date(now.getTime() - 7 * 86_400_000).toISOString() },
    protectionStatus: { keyManagedBy: 'Microsoft' },
    cluster: { number: String(100 + hashNumber(env.id, 50)) },
    connectedGroups: [],
  };
  if (view.expand.has('properties.capacity')) properties['capacity'] = capacity(env, updatedOn);
  if (view.expand.has('properties.addons')) properties['addons'] = addons();
  if (view.expand.has('permissions')) properties['permissions'] = permissions(view.callerIsAdmin);
  const admin = view.scope === 'admin';
  return {
    id: admin ? `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${env.id}` : `/providers/Microsoft.BusinessAppPlatform/environments/${env.id}`,
    type: admin ? 'Microsoft.BusinessAppPlatform/scopes/environments' : 'Microsoft.BusinessAppPlatform/environments',
    location: env.location,
    name: env.id,
    properties,
  };
}
