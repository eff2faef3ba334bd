import { describe, expect, it } from 'vitest';
import { parseHostArgs, UsageError } from './args';

describe('parseHostArgs', () => {
  it('defaults to a free port, opening a window, the demo only when needed', () => {
    expect(parseHostArgs([])).toEqual({ port: 0, open: true, sandbox: false });
  });

  it('reads every flag', () => {
    expect(parseHostArgs(['--port', '8123', '--no-open', '--sandbox', '--data-dir', '/d', '--renderer-dir', 'r'])).toEqual({ port: 8123, open: false, sandbox: true, dataDir: '/d', rendererDir: 'r' });
    expect(parseHostArgs(['--port=0']).port).toBe(0);
  });

  it.each([['--port', 'x'], ['--port', '-1'], ['--port', '65536'], ['--port', '1.5'], ['--bogus'], ['positional'], ['--data-dir', '']])('refuses %s %s', (...argv) => {
    expect(() => parseHostArgs(argv.filter((a): a is string => typeof a === 'string'))).toThrow(UsageError);
  });

  it('answers --help with an empty UsageError (print usage, exit 0)', () => {
    expect(() => parseHostArgs(['--help'])).toThrow(new UsageError(''));
  });
});
