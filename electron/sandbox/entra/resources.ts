import type { CloudState } from '../model';

/**
 * The resources (APIs) the sandbox tenant can issue tokens for. Audiences are identifiers, not hosts:
 * Power Apps/BAP and Flow keep their public-cloud audiences; each Dataverse org's audience is its
 * instance URL without the trailing slash (design §3).
 */
export type ResourceKind = 'dataverse' | 'powerapps' | 'flow';

export interface SandboxResource {
  /** The `aud` claim of tokens for it. */
  audience: string;
  displayName: string;
  kind: ResourceKind;
  /** Delegated permission name in `scp`. */
  delegatedScope: string;
  environmentId?: string;
}

export const POWERAPPS_AUDIENCE = 'https://service.powerapps.com/';
export const FLOW_AUDIENCE = 'https://service.flow.microsoft.com/';

export function orgUrl(baseUrl: string, orgName: string): string {
  return `${baseUrl}/orgs/${orgName}`;
}

export function sandboxResources(baseUrl: string, state: CloudState): SandboxResource[] {
  return [
    { audience: POWERAPPS_AUDIENCE, displayName: 'PowerApps Service', kind: 'powerapps', delegatedScope: 'user_impersonation' },
    { audience: FLOW_AUDIENCE, displayName: 'Microsoft Flow Service', kind: 'flow', delegatedScope: 'user_impersonation' },
    ...state.environments.map(
      (env): SandboxResource => ({
        audience: orgUrl(baseUrl, env.orgName),
        displayName: `Dataverse (${env.displayName})`,
        kind: 'dataverse',
        delegatedScope: 'user_impersonation',
        environmentId: env.id,
      }),
    ),
  ];
}

/** Identifier comparison as Entra does it for resource URIs: case-insensitive, trailing slashes ignored. */
function sameIdentifier(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export function findResource(resources: readonly SandboxResource[], identifier: string): SandboxResource | undefined {
  return resources.find((r) => sameIdentifier(r.audience, identifier));
}

/** OIDC scopes that ride along with a resource scope in user flows. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export type ScopeParse =
  | { ok: true; resource: SandboxResource | null; isDefault: boolean; requested: string[]; oidc: string[] }
  | { ok: false; kind: 'invalid_scope' | 'multiple_resources' | 'unknown_resource'; scope: string };

/**
 * Splits a space-separated scope string into one resource and its OIDC companions. Accepts
 * `{resource}/.default`, `{resource}//.default` (cli-m365 and the PowerShell module send this) and
 * `{resource}/user_impersonation`.
 */
export function parseScopes(scopeParam: string, resources: readonly SandboxResource[]): ScopeParse {
  const scopes = scopeParam.split(/\s+/).filter(Boolean);
  const oidc = scopes.filter((s) => OIDC_SCOPES.has(s));
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  let resource: SandboxResource | null = null;
  let isDefault = false;
  for (const scope of resourceScopes) {
    const match = /^(https?:\/\/.+?)\/+([^/]+)$/.exec(scope);
    if (!match?.[1] || !match[2]) return { ok: false, kind: 'invalid_scope', scope };
    const found = findResource(resources, match[1]);
    if (!found) return { ok: false, kind: 'unknown_resource', scope };
    if (resource && resource !== found) return { ok: false, kind: 'multiple_resources', scope };
    if (match[2] !== '.default' && match[2] !== found.delegatedScope) return { ok: false, kind: 'invalid_scope', scope };
    resource = found;
    isDefault ||= match[2] === '.default';
  }
  return { ok: true, resource, isDefault, requested: resourceScopes, oidc };
}
