import type { SandboxStore } from '../store';

/**
 * The tenant segment of an authority path. The sandbox hosts one tenant, reachable by its id or its
 * verified domain; `organizations` and `common` are the multi-tenant aliases user flows may use.
 */
export type TenantSegment =
  | { kind: 'tenant'; segment: string; tenantId: string }
  | { kind: 'alias'; segment: 'common' | 'organizations'; tenantId: string }
  | { kind: 'unknown'; segment: string };

export function resolveTenant(store: SandboxStore, segment: string): TenantSegment {
  const lower = segment.toLowerCase();
  const tenantId = store.state.tenant.id;
  if (store.isThisTenant(lower)) return { kind: 'tenant', segment, tenantId };
  if (lower === 'common' || lower === 'organizations') return { kind: 'alias', segment: lower, tenantId };
  return { kind: 'unknown', segment };
}

/** The authority base for a segment: `{baseUrl}/login/{segment}`. */
export function authorityBase(baseUrl: string, segment: string): string {
  return `${baseUrl}/login/${segment}`;
}

/** The v2 issuer: same host as the authority, so msal-common 16's issuer validation accepts it. */
export function v2Issuer(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/login/${tenantId}/v2.0`;
}
