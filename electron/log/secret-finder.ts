/**
 * Finds credentials in text that should hold none (logs, recorded contract traffic, exported reports):
 * JWS/JWE tokens, PEM private keys, `Bearer` credentials and literal secrets known to the caller (a
 * client secret, a control key), also URL- or JSON-encoded. The security sweep fails on any finding.
 * redact.ts masks the same kinds before they are written; this checks that nothing got past it.
 */

export interface SecretFinding {
  kind: 'jwt' | 'private-key' | 'bearer' | 'known-secret';
  /** Where in the text (character offset). */
  at: number;
  /** The start of what was found, cut short so the report does not repeat the secret. */
  hint: string;
}

/** JWS (three parts) and JWE (five parts): the header is base64url JSON, so it starts with `eyJ`. */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/g;
/** A real credential after the scheme: long, and not our own redaction marker. */
const BEARER = /\bBearer\s+(?!\[REDACTED)[A-Za-z0-9._~+/=-]{16,}/g;

/** Literal secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_KNOWN_LENGTH = 8;

const hintOf = (match: string): string => `${match.slice(0, 6)}…`;

function encodings(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

export function findSecrets(text: string, known: readonly string[] = []): SecretFinding[] {
  const found: SecretFinding[] = [];
  const scan = (kind: SecretFinding['kind'], pattern: RegExp): void => {
    for (const m of text.matchAll(pattern)) found.push({ kind, at: m.index, hint: hintOf(m[0]) });
  };
  scan('jwt', JWT);
  scan('private-key', PRIVATE_KEY);
  scan('bearer', BEARER);
  for (const secret of known) {
    if (secret.length < MIN_KNOWN_LENGTH) continue;
    for (const form of encodings(secret)) {
      let at = text.indexOf(form);
      while (at >= 0) {
        found.push({ kind: 'known-secret', at, hint: hintOf(form) });
        at = text.indexOf(form, at + form.length);
      }
    }
  }
  return found.sort((a, b) => a.at - b.at);
}
