import type { EntraRuntime, SandboxContext } from '../context';
import { html, json, type SbRequest, type SbResponse } from '../http';
import type { DirectoryUser } from '../model';
import type { DeviceCodeStore } from './device-codes';
import { AadFailure, aad, errorContext, errorResponse, fail, tokenHeaders } from './errors';
import { deviceAccountPage, deviceCodeEntryPage, messagePage, type AccountChoice } from './pages';
import { formOf } from './request';
import { requireScopes } from './scopes';
import { entraSettings } from './settings';
import { resolveTenant } from './tenant';

/**
 * The device authorization grant's two human-facing halves: `POST /{tenant}/oauth2/v2.0/devicecode`
 * (the device asks for a code) and `/login/devicelogin` (the user enters it and picks an account).
 * The control API approves through the same `decide` as the page.
 */

export function verificationUri(ctx: SandboxContext): string {
  return `${ctx.baseUrl}/login/devicelogin`;
}

export function handleDeviceCodeRequest(ctx: SandboxContext, req: SbRequest, segment: string, devices: DeviceCodeStore): SbResponse {
  const form = formOf(req);
  const ec = errorContext(ctx.baseUrl, req, form);
  try {
    if (req.method !== 'POST') fail(aad.methodNotAllowed(req.method));
    if (resolveTenant(ctx.store, segment).kind === 'unknown') fail(aad.tenantNotFound(segment));
    const clientId = form['client_id'];
    if (!clientId) return fail(aad.missingParameter('client_id'));
    const app = ctx.store.appByClientId(clientId);
    if (!app) return fail(aad.appNotFound(clientId, ctx.store.state.tenant.displayName));
    const scope = form['scope'] ?? '';
    requireScopes(ctx, scope, 'user');
    const settings = entraSettings(ctx);
    const entry = devices.create(app.clientId, scope, settings.deviceCodeLifetimeS);
    const uri = verificationUri(ctx);
    return json(
      200,
      {
        user_code: entry.userCode,
        device_code: entry.deviceCode,
        verification_uri: uri,
        expires_in: settings.deviceCodeLifetimeS,
        interval: settings.deviceCodeIntervalS,
        message: `To sign in, use a web browser to open the page ${uri} and enter the code ${entry.userCode} to authenticate.`,
      },
      tokenHeaders(ec),
    );
  } catch (error) {
    if (error instanceof AadFailure) return errorResponse(error.aad, ec);
    throw error;
  }
}

type Decision = ReturnType<EntraRuntime['decideDeviceCode']>;

/** Approves or declines a pending code as `upn` would on /devicelogin; the control API calls this too. */
export function decideDeviceCode(ctx: SandboxContext, devices: DeviceCodeStore, userCode: string, upn: string, decision: 'approve' | 'decline'): Decision {
  const user = ctx.store.userByUpn(upn);
  if (!user) {
    const err = aad.userNotFound(upn, ctx.store.state.tenant.id);
    return { ok: false, status: 404, message: `AADSTS${err.code}: ${err.message}` };
  }
  if (decision === 'approve' && user.disabled) {
    const err = aad.userDisabled();
    return { ok: false, status: 403, message: `AADSTS${err.code}: ${err.message}` };
  }
  const result = devices.decide(userCode, user.objectId, decision);
  if (result.ok) return { ok: true };
  if (result.reason === 'unknown') return { ok: false, status: 404, message: `No device code '${userCode}' is waiting for approval.` };
  if (result.reason === 'expired') return { ok: false, status: 410, message: `AADSTS70019: Verification code expired.` };
  return { ok: false, status: 409, message: 'AADSTS90120: The request was already authorized or declined.' };
}

function accounts(users: readonly DirectoryUser[]): AccountChoice[] {
  return users.map((u) => ({ upn: u.userPrincipalName, displayName: u.displayName, disabled: u.disabled }));
}

/** `GET|POST /login/devicelogin`: enter the code, then pick the account (or cancel). */
export function handleDeviceLogin(ctx: SandboxContext, req: SbRequest, devices: DeviceCodeStore): SbResponse {
  const action = verificationUri(ctx);
  if (req.method !== 'POST') {
    return html(200, deviceCodeEntryPage({ action, message: null, code: req.url.searchParams.get('otc') ?? '' }));
  }
  const form = formOf(req);
  const code = (form['otc'] ?? '').trim();
  const entry = code ? devices.byUserCode(code) : undefined;
  const codeProblem = !entry
    ? "That code didn't work. Check the code and try again."
    : entry.expiresMs <= Date.now()
      ? "The code you entered has expired. Get a new code from the device you're trying to sign in to and try again."
      : entry.state !== 'pending'
        ? 'That code has already been used. Get a new code from the device you’re trying to sign in to and try again.'
        : null;
  if (!entry || codeProblem) return html(400, deviceCodeEntryPage({ action, message: codeProblem, code }));
  const app = ctx.store.appByClientId(entry.clientId);
  const appName = app?.displayName ?? entry.clientId;
  const decision = form['decision'] === 'decline' ? 'decline' : form['decision'] === 'approve' ? 'approve' : null;
  const upn = form['upn'];
  if (decision === 'decline') {
    devices.decide(code, '', 'decline');
    return html(200, messagePage('Sign in canceled', appName, [`You have declined to sign in to ${appName} on the other device. You may now close this window.`]));
  }
  if (decision === 'approve' && upn) {
    const result = decideDeviceCode(ctx, devices, code, upn, 'approve');
    if (result.ok) {
      return html(200, messagePage('Signed in', appName, [`You have signed in to the ${appName} application on your device. You may now close this window.`]));
    }
    return html(result.status, deviceAccountPage({ action, code, appName, accounts: accounts(ctx.store.state.users), message: result.message }));
  }
  return html(200, deviceAccountPage({ action, code, appName, accounts: accounts(ctx.store.state.users), message: null }));
}
