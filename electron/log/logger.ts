import { redact, redactText } from './redact';

/**
 * A small structured logger: one JSON object per line (`time`, `level`, `msg`, then the bound and
 * per-call fields), every line passed through redact() before it reaches the sink. The sink is the
 * caller's (stderr by default; the Electron main process points it at its log file).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
  isEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel;
  /** Receives each finished line (no trailing newline). Default: process.stderr. */
  sink?: (line: string) => void;
  bindings?: LogFields;
  now?: () => Date;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: string): value is LogLevel {
  return value in rank;
}

function stderrSink(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const sink = options.sink ?? stderrSink;
  const now = options.now ?? (() => new Date());
  const bindings = options.bindings ?? {};

  const write = (at: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (rank[at] < rank[level]) return;
    const safe = redact({ ...bindings, ...fields }) as LogFields;
    let line: string;
    try {
      line = JSON.stringify({ time: now().toISOString(), level: at, msg: redactText(msg), ...safe });
    } catch {
      line = JSON.stringify({ time: now().toISOString(), level: at, msg: redactText(msg), fieldsError: 'fields could not be serialised' });
    }
    try {
      sink(line);
    } catch {
      // A failing sink (closed stream, full disk) must never take the caller down with it.
    }
  };

  return {
    level,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (more) => createLogger({ level, sink, now, bindings: { ...bindings, ...more } }),
    isEnabled: (at) => rank[at] >= rank[level],
  };
}

/** A logger that drops everything (for callers that pass none). */
export const silentLogger: Logger = createLogger({ level: 'error', sink: () => undefined });
