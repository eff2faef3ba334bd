import type { TokenKeys } from './entra/tokens';
import type { Rng } from './rng';
import type { FaultInjector } from './traffic/faults';
import type { Latency } from './traffic/latency';
import type { ServiceProtection } from './traffic/limits';
import type { SandboxResource } from './entra/resources';
import type { CloudState } from './model';
import type { RequestLog } from './request-log';
import type { SandboxStore } from './store';
import type { SandboxSwitches } from './switches';

/** Identity-provider runtime the control API reaches into (device code approval). */
export interface EntraRuntime {
  /** Approves (or declines) a pending device code for a user, as the /devicelogin page does. */
  decideDeviceCode(userCode: string, upn: string, decision: 'approve' | 'decline'): { ok: true } | { ok: false; status: number; message: string };
}

/** Everything a sandbox service needs, built once per running sandbox. */
export interface SandboxContext {
  readonly baseUrl: string;
  readonly store: SandboxStore;
  /** Reloaded when the state (and with it the signing key) is replaced. */
  keys: TokenKeys;
  readonly log: RequestLog;
  readonly switches: SandboxSwitches;
  readonly controlKey: string;
  /** `x-ms-dop-hint` on every Dataverse response: a recommendation, not the concurrency limit. */
  dopHint: number;
  /** Access-token lifetime in seconds (--token-lifetime-s). */
  tokenLifetimeS: number;
  entra: EntraRuntime;
  /** The simulated network and front door: latency, injected faults, service protection limits. */
  traffic: {
    protection: ServiceProtection;
    faults: FaultInjector;
    latency: Latency;
    /** Seeded from --seed, so fault and jitter sequences replay. */
    rng: Rng;
  };
  /** Resources (audiences) tokens can be issued for, derived from the current state. */
  resources(): SandboxResource[];
  /** Swaps in a new state (reset, scenario) and reloads what depends on it. */
  replaceState(next: CloudState): Promise<void>;
}
