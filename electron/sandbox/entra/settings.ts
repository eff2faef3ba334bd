import type { SandboxContext } from '../context';

/**
 * Tunables of the identity provider that tests shorten and the platform fixes. They hang off the
 * running sandbox's context (one set per `startSandbox`) without widening `SandboxContext` itself.
 */
export interface EntraSettings {
  /** Seconds msal waits between device-code polls (the server's `interval`). Entra answers 5. */
  deviceCodeIntervalS: number;
  /** Device codes live 15 minutes on the platform. */
  deviceCodeLifetimeS: number;
  /** Authorization codes live 10 minutes. */
  authCodeLifetimeS: number;
  /** A refresh token unused this long is dead (AADSTS700082); Entra's inactivity window is 90 days. */
  refreshTokenInactivityS: number;
  /** id_token lifetime; Entra issues one-hour id tokens. */
  idTokenLifetimeS: number;
}

/** Environment override so a CLI-started sandbox can poll fast in scripted demos and e2e runs. */
export const DEVICE_CODE_INTERVAL_ENV = 'PATCHBAY_SANDBOX_DEVICE_CODE_INTERVAL_S';

function intervalFromEnv(): number {
  const raw = process.env[DEVICE_CODE_INTERVAL_ENV];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 1 && value <= 60 ? value : 5;
}

export function defaultEntraSettings(): EntraSettings {
  return {
    deviceCodeIntervalS: intervalFromEnv(),
    deviceCodeLifetimeS: 900,
    authCodeLifetimeS: 600,
    refreshTokenInactivityS: 90 * 24 * 60 * 60,
    idTokenLifetimeS: 3600,
  };
}

const settingsByContext = new WeakMap<SandboxContext, EntraSettings>();

/** The live settings of one sandbox; mutate the returned object to change them (tests do). */
export function entraSettings(ctx: SandboxContext): EntraSettings {
  let settings = settingsByContext.get(ctx);
  if (!settings) {
    settings = defaultEntraSettings();
    settingsByContext.set(ctx, settings);
  }
  return settings;
}
