import type { FlowInnerError } from '../dataverse/errors';
import { json, type SbResponse } from '../http';

/**
 * Errors of the Flow (Power Automate) API in its envelope `{"error":{"code","message"}}` (reference
 * §3.3), plus `details` when several activation rules fail at once. Everything a Flow handler refuses
 * is one of these; texts are the platform's where a source has them (see each constructor).
 */

export interface FlowErrorDetail {
  code: string;
  message: string;
}

export class FlowApiError extends Error {
  override readonly name = 'FlowApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly FlowErrorDetail[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  toResponse(): SbResponse {
    const error = { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
    return json(this.status, { error }, { ...this.headers });
  }
}

/** Unknown environment, or one the caller has no access to (cli-m365 flow-enable spec and docs; Flow Studio issue #108). */
export const environmentAccessDenied = (environment: string): FlowApiError =>
  new FlowApiError(403, 'EnvironmentAccessDenied', `Access to the environment '${environment}' is denied.`);

/** A maker-route flow that is unknown or not the caller's: the Flow service words it as a connection permission (cli-m365 flow-enable spec). */
export const noFlowPermission = (objectId: string, flowName: string): FlowApiError =>
  new FlowApiError(403, 'ConnectionAuthorizationFailed', `The caller with object id '${objectId}' does not have permission for connection '${flowName}' under Api 'shared_logicflows'.`);

/** An admin-route flow that is not in the environment (cli-m365 flow-enable spec). */
export const flowNotFound = (flowName: string): FlowApiError => new FlowApiError(404, 'FlowNotFound', `Could not find flow '${flowName}'.`);

const httpStatusOf = (status: FlowInnerError['status']): number => (status === 'Forbidden' ? 403 : 400);

/**
 * Refused activation as the Flow service answers it directly: one failure keeps its own code and HTTP
 * status (ConnectionAuthorizationFailed 403, the others 400); several become MultipleErrorsOccurred
 * (400) with every failure in `details`, the same body Dataverse embeds in its 0x80060467 wrapper.
 */
export function activationRefused(errors: readonly FlowInnerError[]): FlowApiError {
  const [single] = errors;
  if (errors.length === 1 && single) return new FlowApiError(httpStatusOf(single.status), single.code, single.message);
  return new FlowApiError(
    400,
    'MultipleErrorsOccurred',
    `Multiple errors occurred: '${errors.map((e) => e.status).join(',')}'. Please see details.`,
    errors.map((e) => ({ code: e.code, message: e.message })),
  );
}

/** ARM's text for a request without `api-version` (the Flow service sits behind the same front door; UNCONFIRMED for Flow). */
export const missingApiVersion = (): FlowApiError =>
  new FlowApiError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');

/** ASP.NET Web API's text for an unknown route (the sandbox implements only the routes clients use). */
export const routeNotFound = (url: string): FlowApiError =>
  new FlowApiError(404, 'RouteNotFound', `No HTTP resource was found that matches the request URI '${url}'.`);

/** ASP.NET Web API's text for a known route called with another method. */
export const methodNotAllowed = (method: string): FlowApiError =>
  new FlowApiError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);

export const invalidSkipToken = (token: string): FlowApiError => new FlowApiError(400, 'InvalidSkipToken', `The skip token '${token}' is not valid.`);
