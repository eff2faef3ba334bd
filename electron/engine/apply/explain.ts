import type { PlanStep } from '../../../shared/engine/plan';
import { effectiveObjectId } from '../../../shared/engine/preflight';
import { PlatformError, type PlatformErrorDetail } from '../../cloud/http/platform-error';
import { redactText } from '../../log/redact';
import type { Namer } from './labels';
import type { StepError } from './types';

/**
 * Turns what the platform answered into words a release manager acts on: which reference, connection,
 * child flow or privilege is in the way, in which environment, and what fixes it. The most specific
 * code wins (inner Flow code, then Dataverse code, then the kind of failure); the platform's own text
 * and codes are kept beside the plain-language line.
 */

/** What the step needs the acting identity to be allowed to do, for privilege messages. */
function needs(step: PlanStep): string {
  switch (step.kind) {
    case 'wire':
      return 'update connection references';
    case 'set-variable':
      return 'set environment variable values';
    case 'activate':
    case 'deactivate':
      return 'turn flows on or off';
    case 'share':
    case 'unshare':
      return 'share connections';
  }
}

const capitalize = (text: string): string => (text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : text);

const first = (pattern: RegExp, text: string | null | undefined): string | undefined => (text ? pattern.exec(text)?.[1] : undefined);

/** Who the platform says was calling (with impersonation, the impersonated owner). */
function callerName(message: string, step: PlanStep, namer: Namer): string {
  const oid = first(/caller(?: with)? object id(?: is)? '([^']+)'/i, message);
  const identity = step.identity;
  if (!identity) return oid ? namer.principal(oid) : namer.identity(identity);
  if (!oid || oid.toLowerCase() === effectiveObjectId(identity).toLowerCase()) {
    return identity.mode === 'self' ? namer.identity(identity) : namer.principal(identity.targetObjectId);
  }
  return namer.principal(oid);
}

/** A known Flow service code in words, or undefined to fall back to the platform's summary. */
function explainFlowCode(code: string, message: string, step: PlanStep, namer: Namer): string | undefined {
  const env = namer.environment(step.environmentId);
  const flow = namer.target(step);
  switch (code) {
    case 'XrmConnectionReferenceMissingConnection': {
      const name = first(/logical name '([^']+)'/i, message) ?? (step.target.type === 'reference' ? step.target.logicalName : 'of this flow');
      return `Connection reference ${name} has no connection in ${env}: wire it first.`;
    }
    case 'ConnectionAuthorizationFailed': {
      const who = callerName(message, step, namer);
      if (/shared_logicflows/i.test(message)) {
        return `${capitalize(who)} has no access to ${flow} in ${env} (or it does not exist there): act as its owner, or scan again.`;
      }
      const connection = first(/connections\/([^'/\s]+)'/i, message) ?? first(/connection '([^']+)'/i, message);
      return connection
        ? `${capitalize(who)} may not use connection ${connection}: share it with them or act as its owner.`
        : `${capitalize(who)} may not use one of the flow's connections: share it with them or act as its owner.`;
    }
    case 'ChildFlowNeverPublished': {
      const id = first(/workflow with id '([^']+)'/i, message);
      const name = id ? (namer.flow(id) ?? id) : 'it calls';
      return `Child flow ${name} has never been turned on in ${env}: turn it on first.`;
    }
    case 'ChildFlowUnsupportedForInvokerConnections':
      return `${flow} calls a child flow that uses run-only (invoker) connections; child flows must use embedded connections: change the child flow's run-only settings.`;
    case 'BapListServicePlansFailed':
    case 'MissingUserDetails':
      return `The Flow service does not know ${namer.identity(step.identity)} (older platform versions refuse service principals here): act as a user or as the connection owner.`;
    case 'InvalidOpenApiFlow':
      return `${flow} has an invalid definition in ${env}, so it cannot be turned on: fix it in the maker portal.`;
    case 'EnvironmentAccessDenied':
      return `${capitalize(namer.identity(step.identity))} has no access to ${env}.`;
    case 'FlowNotFound':
      return `${flow} does not exist in ${env}: scan again and plan again.`;
    default:
      return undefined;
  }
}

function explainDataverseCode(code: string, step: PlanStep, namer: Namer): string | undefined {
  const env = namer.environment(step.environmentId);
  const identity = step.identity;
  const who = capitalize(namer.identity(identity));
  switch (code.toLowerCase()) {
    case '0x8004a110':
      return identity?.mode === 'impersonate'
        ? `${capitalize(namer.principal(identity.actorObjectId, identity.role))} lacks the Delegate privilege in ${env}, so it cannot act as ${namer.principal(identity.targetObjectId)}: give it the Delegate role, or sign in as the owner.`
        : `${who} lacks the Delegate privilege in ${env}, so it cannot act as another user.`;
    case '0x80040220':
      return `${who} lacks a security privilege in ${env} needed to ${needs(step)}: give it a role that may (e.g. System Customizer or Environment Maker).`;
    case '0x80040231':
      return `${who} acts for a user who lacks a security privilege in ${env} needed to ${needs(step)}.`;
    case '0x80040225':
      return `${who} is disabled in ${env}: enable the user, or act as another identity.`;
    case '0x80072560':
      return identity?.role === 'spn'
        ? `${who} is not a user of ${env}: add it as an application user with a security role.`
        : `${who} is not a user of ${env}: add them to the environment.`;
    case '0x80040217':
      return `${namer.target(step)} no longer exists in ${env} (deleted, or the solution was removed): scan again and plan again.`;
    default:
      return undefined;
  }
}

function explainKind(error: PlatformError, step: PlanStep, namer: Namer): string {
  const env = namer.environment(step.environmentId);
  const who = namer.identity(step.identity);
  switch (error.kind) {
    case 'throttled': {
      const wait = error.retryAfterS !== null ? `; the service asks to wait ${error.retryAfterS} s` : '';
      return `${env} kept throttling requests (service protection limits) after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}${wait}: try again later, or lower the concurrency.`;
    }
    case 'auth':
      return error.aadsts !== null
        ? `Signing in to ${env} failed: ${error.summary}`
        : `${env} did not accept the sign-in of ${who}: sign in again (or check the app registration).`;
    case 'forbidden':
      return `${capitalize(who)} is not allowed to ${needs(step)} in ${env}: ${error.summary}`;
    case 'not-found':
      return `${namer.target(step)} was not found in ${env} (deleted, or the solution was removed): scan again and plan again.`;
    case 'network':
      return `${env} could not be reached (network): check the network or proxy and try again; a re-run reads before it writes, so it is safe.`;
    case 'timeout':
      return `${env} did not answer in time: try again; the change may or may not have been made, and a re-run reads first and tells.`;
    case 'server':
      return `${env} failed to answer${error.status !== null ? ` (HTTP ${error.status})` : ''} even after retries; this is usually temporary: try again.`;
    case 'concurrency':
      return `${namer.target(step)} changed in ${env} between reading and writing; nothing was overwritten: scan and plan again.`;
    case 'conflict':
      return `${capitalize(namer.step(step))} conflicts with the current state: ${error.summary}`;
    case 'cancelled':
      return 'Cancelled.';
    case 'bad-request':
    case 'invalid-response':
      return `${capitalize(namer.step(step))} failed: ${error.summary}`;
  }
}

function detailLine(detail: PlatformErrorDetail, step: PlanStep, namer: Namer): string {
  return explainFlowCode(detail.code, detail.message, step, namer) ?? `${detail.code ? `${detail.code}: ` : ''}${detail.message}`;
}

function explainPlatformError(error: PlatformError, step: PlanStep, namer: Namer): string {
  const flowCode = error.flowCode ?? (error.dataverseCode ? null : error.code);
  if (flowCode === 'MultipleErrorsOccurred' && error.details.length > 0) {
    const lines = [...new Set(error.details.map((d) => `- ${detailLine(d, step, namer)}`))];
    return [`${capitalize(namer.step(step))} was refused for ${lines.length === 1 ? 'this reason' : `${lines.length} reasons`}:`, ...lines].join('\n');
  }
  if (flowCode) {
    const line = explainFlowCode(flowCode, error.platformMessage ?? error.message, step, namer);
    if (line) return line;
  }
  if (error.dataverseCode) {
    const line = explainDataverseCode(error.dataverseCode, step, namer);
    if (line) return line;
  }
  return explainKind(error, step, namer);
}

/** A step's error in words, from whatever was thrown (a PlatformError from the cloud layer, or anything else). */
export function explainError(error: unknown, step: PlanStep, namer: Namer): StepError {
  if (error instanceof PlatformError) {
    return {
      message: redactText(explainPlatformError(error, step, namer)),
      kind: error.kind,
      code: error.reason,
      status: error.status,
      platformMessage: redactText(error.platformMessage ?? error.summary),
      details: error.details.map((d) => ({ code: d.code, message: redactText(d.message) })),
      correlationId: error.correlationId,
      httpAttempts: error.attempts,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return localError(`${capitalize(namer.step(step))} failed unexpectedly: ${text}`, text);
}

export function localError(message: string, platformMessage: string | null = null): StepError {
  return {
    message: redactText(message),
    kind: 'local',
    code: null,
    status: null,
    platformMessage: platformMessage === null ? null : redactText(platformMessage),
    details: [],
    correlationId: null,
    httpAttempts: null,
  };
}

/** For steps the plan gave no identity (preflight found none, e.g. no service principal configured). */
export function noIdentityError(step: PlanStep, namer: Namer): StepError {
  return localError(
    `No identity was chosen to ${needs(step)} in ${namer.environment(step.environmentId)} (for example, no service principal is configured there): choose another identity and plan again.`,
  );
}
