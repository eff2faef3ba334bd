/**
 * The sandbox cloud's whole state: one tenant's directory, its environments (each with its Dataverse
 * tables) and the connections that live beside them. Plain JSON, so it can be shown by the control
 * API, persisted with --state-file and rebuilt by a scenario.
 */

/** A Dataverse column value as stored. Lookups hold the target's GUID; dates are ISO strings. */
export type CellValue = string | number | boolean | null;
export type Row = Record<string, CellValue>;

export interface Tenant {
  id: string;
  displayName: string;
  /** e.g. contoso.onmicrosoft.com; the authority also accepts it in place of the id. */
  defaultDomain: string;
}

export interface ClientSecret {
  /** The secret's key id, as the portal shows it (it is not the secret). */
  keyId: string;
  value: string;
  /** ISO time; a secret past it answers AADSTS7000222. */
  expiresOn: string;
}

export interface AppCertificate {
  /** Base64url SHA-1 thumbprint, as msal puts it in `x5t`. */
  x5t: string;
  /** Base64url SHA-256 thumbprint, as msal puts it in `x5t#S256`. */
  x5tS256: string;
  certificatePem: string;
  /** Kept so the demo tenant can hand the pipeline app its credential; a real tenant never has this. */
  privateKeyPem: string;
}

export interface AppRegistration {
  /** A short stable handle used by scenarios, tests and the ready line (e.g. "pipeline"). */
  name: string;
  displayName: string;
  /** The application (client) id. */
  clientId: string;
  /** The object id of the app's service principal in this tenant (the `oid` of its app-only tokens). */
  servicePrincipalId: string;
  /** Public clients (desktop, CLI) sign users in; confidential ones also get app-only tokens. */
  kind: 'public' | 'confidential';
  secrets: ClientSecret[];
  certificates: AppCertificate[];
  /** Resources (audiences) the tenant consented to for this app's delegated tokens; '*' means all. */
  delegatedConsent: string[] | '*';
  /** The pipeline service principal the scenario deploys with. */
  isPipelineSpn: boolean;
  /** Registered as a Power Platform management application (BAP `adminApplications`). */
  isManagementApp: boolean;
}

export interface DirectoryUser {
  objectId: string;
  userPrincipalName: string;
  displayName: string;
  mail: string;
  /** Sign-in blocked in Entra (AADSTS50057) and `isdisabled` in every environment. */
  disabled: boolean;
  /** Holds the Power Platform administrator role (BAP admin routes). */
  isPowerPlatformAdmin: boolean;
  /** A short handle for scenarios and tests: releaseManager, serviceAccount, … */
  role: string;
}

export type ConnectionStatus =
  | { kind: 'Connected' }
  | { kind: 'Error'; target: string; code: string; message: string };

export type PrincipalType = 'User' | 'ServicePrincipal' | 'Group' | 'Tenant';
export type ConnectionRole = 'Owner' | 'CanView' | 'CanViewWithShare' | 'CanEdit';

export interface ConnectionPermission {
  principalId: string;
  principalType: PrincipalType;
  roleName: ConnectionRole;
}

export interface Connection {
  /** The connection id: what goes into `connectionreference.connectionid`. */
  name: string;
  environmentId: string;
  /** Connector short name, e.g. shared_office365. */
  apiName: string;
  displayName: string;
  /** Entra object id of the creator, who holds the Owner permission. */
  createdBy: string;
  createdTime: string;
  lastModifiedTime: string;
  status: ConnectionStatus;
  /** Includes the owner's own entry (roleName Owner), which cannot be removed. */
  permissions: ConnectionPermission[];
  /** `connectionParametersSet.name`, e.g. oauth, entraIDUserLogin, oauthSP. */
  parameterSetName: string;
  accountName: string | null;
}

export interface EnvironmentInternals {
  /** Cloud flows (workflowid) that have been turned on at least once: ChildFlowNeverPublished tests this. */
  publishedFlowIds: string[];
  /** Version counter behind every row's `versionnumber` (and so its ETag). */
  nextVersion: number;
}

export interface SandboxEnvironment {
  /** The BAP environment name: a GUID, or Default-{tenantId} for the default environment. */
  id: string;
  displayName: string;
  /** Path segment of the org URL (`/orgs/{orgName}`), and the Dataverse domain name. */
  orgName: string;
  sku: 'Production' | 'Sandbox' | 'Developer' | 'Default' | 'Trial';
  isDefault: boolean;
  location: string;
  azureRegion: string;
  createdTime: string;
  organizationId: string;
  /** Dataverse tables keyed by entity logical name, then by primary key. */
  tables: Record<string, Record<string, Row>>;
  internals: EnvironmentInternals;
}

/** Identity-provider state that must outlive a restart so refresh tokens in clients' caches stay valid. */
export interface EntraState {
  /** RS256 key behind every token; its certificate is published in the JWKS. */
  signingKey: { privateKeyPem: string; certificatePem: string };
  /** Principal object id → ISO time: tokens issued before it are revoked (control API, faults). */
  tokensValidAfter: Record<string, string>;
}

export interface CloudState {
  format: 'patchbay-sandbox-state';
  formatVersion: 1;
  scenario: { name: string; seed: number; parameters: Record<string, number> };
  tenant: Tenant;
  entra: EntraState;
  apps: AppRegistration[];
  users: DirectoryUser[];
  environments: SandboxEnvironment[];
  connections: Connection[];
}
