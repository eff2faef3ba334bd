import { appendFileSync } from 'node:fs';

/**
 * Everything the contract carried to and from the page, for the security sweep (issue 8 §4): each RPC's
 * input and answer and each event frame, exactly as sent. Test-only: the host records when
 * PATCHBAY_E2E_TRAFFIC names a file (JSON lines, readable by this user only); the sweep then fails on
 * any token or secret in it.
 */

export const TRAFFIC_ENV = 'PATCHBAY_E2E_TRAFFIC';

export type TrafficEntry = { kind: 'rpc'; channel: string; input: string; output: string } | { kind: 'event'; frame: string };

export interface TrafficRecorder {
  record(entry: TrafficEntry): void;
}

/** Longest text kept per field: large enough for any answer, bounded for a 48 MB upload. */
const MAX_FIELD_CHARS = 4 * 1024 * 1024;
const cut = (text: string): string => (text.length > MAX_FIELD_CHARS ? text.slice(0, MAX_FIELD_CHARS) : text);

export function fileTrafficRecorder(file: string): TrafficRecorder {
  return {
    record(entry) {
      const kept: TrafficEntry = entry.kind === 'rpc' ? { ...entry, input: cut(entry.input), output: cut(entry.output) } : { kind: 'event', frame: cut(entry.frame) };
      appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...kept })}\n`, { mode: 0o600 });
    },
  };
}
