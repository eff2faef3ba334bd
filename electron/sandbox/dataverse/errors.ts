import { json, type SbResponse } from '../http';
import type { SandboxSwitches } from '../switches';

/**
 * Dataverse errors in the platform's envelope `{"error":{"code":"0x…","message":"…"}}` (reference §2),
 * with the codes and texts of the real service. Everything a handler refuses is one of these.
 */
export class DataverseError extends Error {
  override readonly name = 'DataverseError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toResponse(extraHeaders: Record<string, string> = {}): SbResponse {
    return json(this.status, { error: { code: this.code, message: this.message } }, extraHeaders);
  }
}

export const notFound = (entity: string, id: string): DataverseError =>
  new DataverseError(404, '0x80040217', `Entity '${entity}' With Id = ${id} Does Not Exist`);

export const segmentNotFound = (segment: string): DataverseError =>
  new DataverseError(404, '0x80060888', `Resource not found for the segment '${segment}'.`);

export const badRequest = (message: string, code = '0x80040203'): DataverseError => new DataverseError(400, code, message);

export const cannotImpersonate = (): DataverseError =>
  new DataverseError(403, '0x8004A110', 'User does not have the privilege to act on behalf another user.');

export const concurrencyMismatch = (): DataverseError =>
  new DataverseError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");

export const duplicateRecord = (): DataverseError =>
  new DataverseError(412, '0x80040237', 'A record with matching key values already exists.');

export const notOrgMember = (): DataverseError =>
  new DataverseError(403, '0x80072560', 'The user is not a member of the organization.');

/** Inner error of the Flow service, as Dataverse embeds it. */
export interface FlowInnerError {
  code: string;
  message: string;
  /** Flow's own status text: BadRequest or Forbidden. */
  status: 'BadRequest' | 'Forbidden';
}

/**
 * Dataverse's wrapper for errors from the Flow service (0x80060467), message text exactly as tools
 * print it: `Flow client error returned with status code "<S>" and details "<inner JSON>".`
 */
export function flowClientError(errors: readonly FlowInnerError[], switches: SandboxSwitches): DataverseError {
  const single = errors.length === 1 ? errors[0] : undefined;
  const status = single ? single.status : 'BadRequest';
  const inner = single
    ? { error: { code: single.code, message: single.message } }
    : {
        error: {
          code: 'MultipleErrorsOccurred',
          message: `Multiple errors occurred: '${errors.map((e) => e.status).join(',')}'. Please see details.`,
          details: errors.map((e) => ({ code: e.code, message: e.message })),
        },
      };
  const httpStatus = status === 'Forbidden' ? switches.forbiddenWrapperStatus : 400;
  return new DataverseError(
    httpStatus,
    '0x80060467',
    `Flow client error returned with status code "${status}" and details "${JSON.stringify(inner)}".`,
  );
}
