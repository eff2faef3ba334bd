import type { SandboxContext } from '../context';
import type { AppRegistration } from '../model';
import { aad, fail } from './errors';
import { parseScopes, type SandboxResource } from './resources';

/**
 * Scope rules of the v2 endpoints on top of `parseScopes`: which AADSTS answers a bad scope string,
 * what the response's `scope` echoes, and whether the tenant consented to an app's delegated use of a
 * resource.
 */

export interface ScopeRequest {
  /** The one resource asked for; null when only OIDC scopes were sent (a sign-in without an API). */
  resource: SandboxResource | null;
  isDefault: boolean;
  /** Resource scopes exactly as sent. */
  requested: string[];
  oidc: string[];
}

/** The Microsoft Graph app id: what a sign-in with OIDC scopes only gets an access token for. */
export const GRAPH_AUDIENCE = '00000003-0000-0000-c000-000000000000';
const GRAPH_SIGN_IN_SCOPES = 'openid profile User.Read email';

function resourceOf(scope: string): string {
  return scope.replace(/\/+[^/]*$/, '');
}

/**
 * Parses `scope` for a grant, or fails with the platform's answer. App-only grants (client
 * credentials) need exactly `{resource}/.default` (AADSTS1002012 otherwise); user grants accept OIDC
 * scopes and `{resource}/user_impersonation` too.
 */
export function requireScopes(ctx: SandboxContext, scopeParam: string | undefined, mode: 'user' | 'app'): ScopeRequest {
  if (scopeParam === undefined || !scopeParam.trim()) fail(aad.missingParameter('scope'));
  const parsed = parseScopes(scopeParam, ctx.resources());
  if (!parsed.ok) {
    if (parsed.kind === 'multiple_resources') return fail(aad.multipleResources(scopeParam));
    if (parsed.kind === 'unknown_resource') return fail(aad.resourceNotFound(resourceOf(parsed.scope), ctx.store.state.tenant.displayName));
    return fail(mode === 'app' ? aad.clientCredentialsScope(scopeParam) : aad.invalidScope(scopeParam));
  }
  if (mode === 'app' && (!parsed.resource || !parsed.isDefault || parsed.requested.length !== 1)) {
    fail(aad.clientCredentialsScope(scopeParam));
  }
  return { resource: parsed.resource, isDefault: parsed.isDefault, requested: parsed.requested, oidc: parsed.oidc };
}

/**
 * The `scope` a user-flow response echoes: the resource scopes as sent, a `.default` request
 * expanded to the delegated permission it stands for (`…/user_impersonation …/.default`, as the
 * platform answers for first-party resources). msal caches the access token under this target.
 */
export function responseScope(request: ScopeRequest): string {
  if (!request.resource) return GRAPH_SIGN_IN_SCOPES;
  const out: string[] = [];
  for (const scope of request.requested) {
    if (scope.endsWith('/.default')) {
      out.push(scope.replace(/\.default$/, request.resource.delegatedScope));
    }
    out.push(scope);
  }
  return [...new Set(out)].join(' ');
}

/** The delegated permissions (`scp`) a user token for the request carries. */
export function delegatedScp(request: ScopeRequest): string {
  return request.resource ? request.resource.delegatedScope : GRAPH_SIGN_IN_SCOPES;
}

export function audienceOf(request: ScopeRequest): string {
  return request.resource ? request.resource.audience : GRAPH_AUDIENCE;
}

const norm = (s: string) => s.replace(/\/+$/, '').toLowerCase();

/** Whether the tenant consented to the app's delegated access to the resource (a bare sign-in always is). */
export function hasDelegatedConsent(app: AppRegistration, resource: SandboxResource | null): boolean {
  if (!resource || app.delegatedConsent === '*') return true;
  return app.delegatedConsent.some((aud) => norm(aud) === norm(resource.audience));
}
