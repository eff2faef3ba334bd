import type { EntraRuntime, SandboxContext } from '../context';
import { html, json, type Handler, type SbRequest, type SbResponse } from '../http';
import { handleAuthorize, isLoopbackRedirect } from './authorize';
import { AuthCodeStore } from './auth-codes';
import { decideDeviceCode, handleDeviceCodeRequest, handleDeviceLogin } from './device-flow';
import { DeviceCodeStore } from './device-codes';
import { handleInstanceDiscovery, handleKeys, handleOpenIdConfiguration } from './discovery';
import { messagePage } from './pages';
import { handleToken } from './token-endpoint';

/**
 * The Entra ID simulation under `/login` (reference §5): discovery, keys, /authorize with its
 * account picker, /token for every grant msal-node uses, device code with /devicelogin, logout. The
 * server hands it the path below `/login`; the runtime lets the control API approve device codes.
 */

function notFound(path: string): SbResponse {
  return json(404, { error: 'not_found', error_description: `The sandbox identity provider has no endpoint '/login${path}'.` });
}

function methodNotAllowed(allowed: string): SbResponse {
  return { ...json(405, { error: 'invalid_request', error_description: `Use ${allowed}.` }), headers: { allow: allowed, 'content-type': 'application/json; charset=utf-8' } };
}

function logoutPage(req: SbRequest): SbResponse {
  const back = req.url.searchParams.get('post_logout_redirect_uri');
  const link = back && isLoopbackRedirect(back) ? { href: back, text: 'Return to the application' } : undefined;
  return html(200, messagePage('Sign out', 'You signed out of your account', ["It's a good idea to close all browser windows."], link));
}

function errorLookupPage(req: SbRequest): SbResponse {
  const code = (req.url.searchParams.get('code') ?? '').replace(/\D/g, '');
  return html(
    200,
    messagePage('Error lookup', code ? `AADSTS${code}` : 'Error lookup', [
      'This is the Patchbay sandbox, which answers with the platform’s AADSTS codes and texts.',
      'The error_description returned with the code explains what happened.',
    ]),
  );
}

export function createEntraService(ctx: SandboxContext): { handle: Handler; runtime: EntraRuntime } {
  const codes = new AuthCodeStore();
  const devices = new DeviceCodeStore();
  const isGet = (req: SbRequest) => req.method === 'GET' || req.method === 'HEAD';

  const handle: Handler = async (req) => {
    const path = req.path;
    if (path === '/devicelogin') return handleDeviceLogin(ctx, req, devices);
    if (path === '/error') return errorLookupPage(req);
    const match = /^\/([^/]+)(\/.*)$/.exec(path);
    if (!match?.[1] || !match[2]) return notFound(path);
    const segment = decodeURIComponent(match[1]);
    const rest = match[2].replace(/\/+$/, '');
    switch (rest) {
      case '/v2.0/.well-known/openid-configuration':
        return isGet(req) ? handleOpenIdConfiguration(ctx, req, segment, 'v2') : methodNotAllowed('GET');
      case '/.well-known/openid-configuration':
        return isGet(req) ? handleOpenIdConfiguration(ctx, req, segment, 'v1') : methodNotAllowed('GET');
      case '/discovery/v2.0/keys':
      case '/discovery/keys':
        return isGet(req) ? handleKeys(ctx, req, segment) : methodNotAllowed('GET');
      case '/discovery/instance':
        return isGet(req) ? handleInstanceDiscovery(ctx, req) : methodNotAllowed('GET');
      case '/oauth2/v2.0/token':
        return handleToken(ctx, req, segment, { codes, devices });
      case '/oauth2/v2.0/authorize':
        return handleAuthorize(ctx, req, segment, codes);
      case '/oauth2/v2.0/devicecode':
        return handleDeviceCodeRequest(ctx, req, segment, devices);
      case '/oauth2/v2.0/logout':
        return logoutPage(req);
      default:
        return notFound(path);
    }
  };

  const runtime: EntraRuntime = {
    decideDeviceCode: (userCode, upn, decision) => decideDeviceCode(ctx, devices, userCode, upn, decision),
  };
  return { handle, runtime };
}
