import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../log/logger';

/**
 * The main process's logger: the redacting JSON-lines logger (log/logger.ts) appending to
 * `<logs>/main.log`, readable by the user only, and echoed to stderr in unpackaged runs.
 */
export interface MainLogger {
  log: Logger;
  file: string;
  close: () => void;
}

export function createMainLogger(logsDir: string, echo: boolean): MainLogger {
  mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  const file = join(logsDir, 'main.log');
  const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  stream.on('error', () => undefined); // a full disk must not take the app down
  const log = createLogger({
    level: process.env.PATCHBAY_LOG_LEVEL === 'debug' ? 'debug' : 'info',
    bindings: { process: 'main' },
    sink: (line) => {
      stream.write(`${line}\n`);
      if (echo) process.stderr.write(`${line}\n`);
    },
  });
  return { log, file, close: () => stream.end() };
}
