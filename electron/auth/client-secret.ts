import { registerSecret } from '../log/redact';

/**
 * Where a client secret comes from: the caller's memory (the app's secret prompt), else the
 * `PATCHBAY_CLIENT_SECRET` environment variable (pipelines put it there from their secret store).
 * It is registered with redact() the moment it is read and is never written anywhere.
 */

export const CLIENT_SECRET_ENV = 'PATCHBAY_CLIENT_SECRET';

export function resolveClientSecret(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): string | null {
  const secret = explicit ?? env[CLIENT_SECRET_ENV];
  if (secret === undefined || secret.trim() === '') return null;
  registerSecret(secret);
  return secret;
}
