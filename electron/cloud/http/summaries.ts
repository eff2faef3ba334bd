import { STATUS_CODES } from 'node:http';
import type { PlatformErrorInfo } from './platform-error';

/**
 * The plain-language first line of an error: what went wrong, in words a release manager acts on. The
 * most specific code wins (inner Flow code, then Dataverse code, then the HTTP status); the platform's
 * own text follows on the next line of the message.
 */

const FLOW_CODES: Readonly<Record<string, string>> = {
  XrmConnectionReferenceMissingConnection: 'The flow uses a connection reference that has no connection in this environment.',
  ConnectionAuthorizationFailed:
    'The identity turning the flow on may not use one of its connections: it must own the connection or have it shared.',
  ChildFlowNeverPublished: 'The flow calls a child flow that has never been turned on; turn the child flow on first.',
  ChildFlowUnsupportedForInvokerConnections: 'The flow calls a child flow that uses run-only (invoker) connections; child flows must use embedded connections.',
  MultipleErrorsOccurred: 'The flow could not be turned on, for several reasons.',
  BapListServicePlansFailed: 'The Flow service could not look up this identity (application users could not turn flows on in older platform versions).',
  MissingUserDetails: 'The Flow service does not know this identity in the tenant.',
  InvalidOpenApiFlow: 'The flow definition is not valid, so the flow cannot be saved or turned on.',
  EnvironmentAccessDenied: 'The identity has no access to this environment.',
  FlowNotFound: 'The flow does not exist in this environment.',
  TooManyRequests: 'The service is throttling requests.',
  InvalidAuthenticationTokenAudience: 'The sign-in token was issued for another service.',
  InvalidAuthenticationAudience: 'The sign-in token was issued for another service.',
  ExpiredAuthenticationToken: 'The sign-in token has expired.',
  InvalidAuthenticationToken: 'The sign-in token is not valid.',
  MissingAuthorizationHeaderAndClientCertificate: 'The request carried no sign-in token.',
};

const DATAVERSE_CODES: Readonly<Record<string, string>> = {
  '0x80040217': 'The record does not exist.',
  '0x80040220': 'The identity lacks a security privilege this needs.',
  '0x80040231': 'The target user or team lacks a security privilege this needs.',
  '0x8004a110': 'The identity may not act on behalf of another user (it needs the Delegate role, prvActOnBehalfOfAnotherUser).',
  '0x80060882': 'The record changed since it was read (its version no longer matches).',
  '0x80040237': 'A record with the same key already exists.',
  '0x80040225': 'The user is disabled.',
  '0x80072560': 'The identity is not a user of this environment.',
  '0x80072322': 'Dataverse service protection: too many requests in the time window.',
  '0x80072321': 'Dataverse service protection: too much combined execution time in the time window.',
  '0x80072326': 'Dataverse service protection: too many concurrent requests.',
  '0x80060467': 'The Flow service refused the change.',
};

const AAD_CODES: Readonly<Record<number, string>> = {
  7000215: 'The client secret is wrong (use the secret value, not its id).',
  7000222: 'The client secret has expired.',
  700016: 'The application is not registered in this tenant.',
  90002: 'The tenant does not exist.',
  50057: 'The user account is disabled.',
  65001: 'The application has not been consented to in this tenant.',
  70011: 'The requested scope is not valid.',
  53003: 'Conditional Access blocked the sign-in.',
  500011: 'The service being signed in to is not registered in this tenant.',
};

function byKind(info: PlatformErrorInfo): string {
  const status = info.status === null ? '' : ` (HTTP ${info.status}${STATUS_CODES[info.status] ? ` ${STATUS_CODES[info.status]}` : ''})`;
  switch (info.kind) {
    case 'throttled':
      return `The service is throttling requests${status}.`;
    case 'auth':
      return `The service did not accept the sign-in${status}; sign in again or check the app registration.`;
    case 'forbidden':
      return `The identity is not allowed to do this${status}.`;
    case 'not-found':
      return `Not found${status}.`;
    case 'conflict':
      return `The change conflicts with the current state${status}.`;
    case 'concurrency':
      return `The record changed since it was read${status}.`;
    case 'bad-request':
      return `The service refused the request${status}.`;
    case 'server':
      return `The service failed to answer${status}; this is usually temporary.`;
    case 'timeout':
      return `The service did not answer in time${status}.`;
    case 'network':
      return 'The service could not be reached.';
    case 'cancelled':
      return 'The request was cancelled.';
    case 'invalid-response':
      return `The service's answer could not be read${status}.`;
  }
}

/** What the most specific code the summaries know says, if any: inner Flow code, Dataverse code, AADSTS, gateway code. */
export function codeSummary(info: PlatformErrorInfo): string | undefined {
  return (
    (info.flowCode ? FLOW_CODES[info.flowCode] : undefined) ??
    (info.dataverseCode ? DATAVERSE_CODES[info.dataverseCode.toLowerCase()] : undefined) ??
    (info.aadsts !== null ? AAD_CODES[info.aadsts] : undefined) ??
    (info.code && !info.dataverseCode ? FLOW_CODES[info.code] : undefined)
  );
}

export function summaryFor(info: PlatformErrorInfo): string {
  let line = codeSummary(info) ?? byKind(info);
  if (info.kind === 'throttled' && info.retryAfterS !== null) line += ` Retry after ${info.retryAfterS} s.`;
  return line;
}
