import type { SandboxContext } from '../../context';
import type { SbRequest } from '../../http';
import type { AuthCodeStore } from '../auth-codes';
import type { DeviceCodeStore } from '../device-codes';
import type { TenantSegment } from '../tenant';

/** What a grant handler gets: the parsed request and the identity provider's in-memory stores. */
export interface GrantContext {
  ctx: SandboxContext;
  req: SbRequest;
  form: Record<string, string>;
  tenant: Exclude<TenantSegment, { kind: 'unknown' }>;
  codes: AuthCodeStore;
  devices: DeviceCodeStore;
  /** URLs a client assertion may name as `aud` for this request. */
  assertionAudiences: string[];
}

/** A successful grant: the token response body and the principal it was issued to (request log). */
export interface GrantResult {
  body: Record<string, unknown>;
  caller: string;
}
