import { randomBytes, randomInt } from 'node:crypto';

/**
 * Pending device-code sign-ins (reference §5.4): the device polls with `device_code` while the user
 * enters `user_code` on /devicelogin (or the control API approves it). In memory, like the platform's
 * fifteen-minute codes.
 */

export type DeviceCodeState = 'pending' | 'approved' | 'declined' | 'redeemed';

export interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  createdMs: number;
  expiresMs: number;
  state: DeviceCodeState;
  /** Set on approval. */
  oid?: string;
  authTimeMs?: number;
}

/** Upper-case letters and digits without look-alikes (0/O, 1/I). */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const USER_CODE_LENGTH = 9;

/** What people type: case, spaces and dashes do not matter. */
export function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export type DecideResult = { ok: true; entry: DeviceCodeEntry } | { ok: false; reason: 'unknown' | 'expired' | 'decided' };

export class DeviceCodeStore {
  readonly #byDeviceCode = new Map<string, DeviceCodeEntry>();
  readonly #byUserCode = new Map<string, DeviceCodeEntry>();

  create(clientId: string, scope: string, lifetimeS: number, nowMs = Date.now()): DeviceCodeEntry {
    this.#prune(nowMs);
    let userCode = '';
    do {
      userCode = Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
    } while (this.#byUserCode.has(userCode));
    const entry: DeviceCodeEntry = {
      deviceCode: `DAQABIQEAAAD${randomBytes(96).toString('base64url')}`,
      userCode,
      clientId,
      scope,
      createdMs: nowMs,
      expiresMs: nowMs + lifetimeS * 1000,
      state: 'pending',
    };
    this.#byDeviceCode.set(entry.deviceCode, entry);
    this.#byUserCode.set(userCode, entry);
    return entry;
  }

  byDeviceCode(deviceCode: string): DeviceCodeEntry | undefined {
    return this.#byDeviceCode.get(deviceCode);
  }

  byUserCode(userCode: string): DeviceCodeEntry | undefined {
    return this.#byUserCode.get(normalizeUserCode(userCode));
  }

  /** Records the user's answer for a code that is still pending and alive. */
  decide(userCode: string, oid: string, decision: 'approve' | 'decline', nowMs = Date.now()): DecideResult {
    const entry = this.byUserCode(userCode);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.expiresMs <= nowMs) return { ok: false, reason: 'expired' };
    if (entry.state !== 'pending') return { ok: false, reason: 'decided' };
    entry.state = decision === 'approve' ? 'approved' : 'declined';
    entry.oid = oid;
    entry.authTimeMs = nowMs;
    return { ok: true, entry };
  }

  #prune(nowMs: number): void {
    for (const [code, entry] of this.#byDeviceCode) {
      if (entry.expiresMs + 60 * 60 * 1000 <= nowMs) {
        this.#byDeviceCode.delete(code);
        this.#byUserCode.delete(entry.userCode);
      }
    }
  }
}
