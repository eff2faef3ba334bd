import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context';
import { empty, html, type SbRequest, type SbResponse } from '../http';
import type { AppRegistration, DirectoryUser } from '../model';
import type { AuthCodeStore } from './auth-codes';
import { AadFailure, aad, entraTimestamp, errorContext, errorDescription, errorUri, fail, type AadError, type ErrorContext } from './errors';
import { errorPage, formPostPage, signInPage } from './pages';
import { formOf } from './request';
import { requireScopes, type ScopeRequest } from './scopes';
import { entraSettings } from './settings';
import { authorityBase, resolveTenant } from './tenant';
import { checkConsent, checkUserEnabled, clientInfo } from './user-tokens';

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` (reference §5.3): the authorization-code flow with PKCE, as
 * msal-node 7's `acquireTokenInteractive` drives it through its loopback listener. A known enabled
 * `login_hint` signs in at once; otherwise the account picker posts the choice back here. The answer
 * goes to the redirect URI by `response_mode` (form_post for msal-node 7; query and fragment too).
 */

type ResponseMode = 'form_post' | 'query' | 'fragment';

/** Loopback redirect URIs (any port), the only kind a sandbox app can have registered. */
export function isLoopbackRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

/** Sends the result to the app the way it asked for it. */
function respond(mode: ResponseMode, redirectUri: string, fields: Record<string, string>): SbResponse {
  if (mode === 'form_post') return html(200, formPostPage(redirectUri, fields));
  const encoded = new URLSearchParams(fields).toString();
  const location = mode === 'query' ? `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}` : `${redirectUri}#${encoded}`;
  return empty(302, { location, 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
}

function errorFields(err: AadError, ec: ErrorContext, state: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {
    error: err.error,
    error_description: errorDescription(err, ec),
    error_uri: errorUri(ec.baseUrl, err.code),
  };
  if (err.suberror) fields['suberror'] = err.suberror;
  if (state !== undefined) fields['state'] = state;
  return fields;
}

/** An error shown on the identity provider's own page: nowhere safe to send it. */
function showError(err: AadError, ec: ErrorContext): SbResponse {
  const now = ec.now ?? new Date();
  return html(400, errorPage(errorDescription(err, { ...ec, now }), { traceId: ec.traceId, correlationId: ec.correlationId, timestamp: entraTimestamp(now) }));
}

interface Validated {
  app: AppRegistration;
  scopes: ScopeRequest;
  scopeParam: string;
  codeChallenge: string | null;
}

/** Checks the rest of the request; its failures go back to the (trusted) redirect URI. */
function validate(ctx: SandboxContext, params: Record<string, string>): Validated {
  const responseType = params['response_type'] ?? '';
  if (responseType !== 'code') fail(responseType ? aad.unsupportedResponseType(responseType) : aad.missingParameter('response_type'));
  const clientId = params['client_id'] ?? '';
  const app = ctx.store.appByClientId(clientId);
  if (!app) return fail(aad.appNotFound(clientId, ctx.store.state.tenant.displayName));
  const scopeParam = params['scope'] ?? '';
  const scopes = requireScopes(ctx, scopeParam, 'user');
  const challenge = params['code_challenge'];
  const method = params['code_challenge_method'] ?? (challenge === undefined ? undefined : 'plain');
  if (challenge === undefined) {
    // msal-node always sends PKCE; the sandbox requires it of public clients (native apps).
    if (app.kind === 'public') fail(aad.missingParameter('code_challenge'));
  } else {
    if (method !== 'S256') fail(aad.malformedRequest());
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) fail(aad.codeChallengeSize());
  }
  return { app, scopes, scopeParam, codeChallenge: challenge ?? null };
}

export function handleAuthorize(ctx: SandboxContext, req: SbRequest, segment: string, codes: AuthCodeStore): SbResponse {
  // The account picker posts the original parameters back with the chosen account.
  const params: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) params[k] = v;
  Object.assign(params, formOf(req));
  const ec = errorContext(ctx.baseUrl, req, params);
  if (req.method !== 'GET' && req.method !== 'POST') return showError(aad.methodNotAllowed(req.method), ec);

  // Nothing can be sent back until the tenant, the client id and the redirect URI are trusted.
  const tenant = resolveTenant(ctx.store, segment);
  if (tenant.kind === 'unknown') return showError(aad.tenantNotFound(segment), ec);
  const clientId = params['client_id'];
  if (!clientId) return showError(aad.missingParameter('client_id'), ec);
  const redirectUri = params['redirect_uri'];
  if (!redirectUri) return showError(aad.noReplyAddress(), ec);
  if (!isLoopbackRedirect(redirectUri)) return showError(aad.redirectUriMismatch(redirectUri, clientId), ec);
  const modeParam = params['response_mode'] ?? 'query';
  if (modeParam !== 'form_post' && modeParam !== 'query' && modeParam !== 'fragment') return showError(aad.unsupportedResponseMode(modeParam), ec);
  const state = params['state'];
  const sendError = (err: AadError) => respond(modeParam, redirectUri, errorFields(err, ec, state));

  let v: Validated;
  try {
    v = validate(ctx, params);
  } catch (error) {
    if (error instanceof AadFailure) return sendError(error.aad);
    throw error;
  }

  const prompt = params['prompt'];
  const chosenUpn = params['sandbox_upn'];
  const hint = prompt === 'login' || prompt === 'select_account' ? undefined : params['login_hint'];
  const wanted = chosenUpn ?? hint;
  const user: DirectoryUser | undefined = wanted ? ctx.store.userByUpn(wanted) : undefined;
  if (!user) {
    if (prompt === 'none') return sendError(aad.loginRequired());
    const { sandbox_upn: _dropped, ...original } = params;
    const message = wanted ? 'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.' : null;
    return html(
      200,
      signInPage({
        action: `${authorityBase(ctx.baseUrl, segment)}/oauth2/v2.0/authorize`,
        appName: v.app.displayName,
        params: original,
        accounts: ctx.store.state.users.map((u) => ({ upn: u.userPrincipalName, displayName: u.displayName, disabled: u.disabled })),
        message,
      }),
    );
  }
  try {
    checkUserEnabled(user, 'access_denied');
    checkConsent(v.app, v.scopes, 'consent_required');
  } catch (error) {
    if (error instanceof AadFailure) return sendError(error.aad);
    throw error;
  }

  const sessionState = randomUUID();
  const code = codes.issue(
    {
      clientId: v.app.clientId,
      redirectUri,
      codeChallenge: v.codeChallenge,
      oid: user.objectId,
      scope: v.scopeParam,
      nonce: params['nonce'] ?? null,
      authTimeMs: Date.now(),
      sessionState,
    },
    entraSettings(ctx).authCodeLifetimeS,
  );
  const fields: Record<string, string> = { code };
  if (params['client_info'] === '1') fields['client_info'] = clientInfo(user.objectId, ctx.store.state.tenant.id);
  if (state !== undefined) fields['state'] = state;
  fields['session_state'] = sessionState;
  return { ...respond(modeParam, redirectUri, fields), caller: user.objectId };
}
