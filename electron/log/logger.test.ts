import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { clearRegisteredSecrets, registerSecret } from './redact';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const log = createLogger({ ...(level ? { level } : {}), sink: (l) => lines.push(l), now: () => new Date('2026-01-02T03:04:05.000Z') });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { log, parsed } = capture();
    log.info('signed in', { accountId: 'a1', resource: 'https://service.powerapps.com/' });
    expect(parsed()).toEqual([{ time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'signed in', accountId: 'a1', resource: 'https://service.powerapps.com/' }]);
  });

  it('drops lines below its level', () => {
    const { log, lines } = capture('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['w', 'e']);
    expect(log.isEnabled('info')).toBe(false);
    expect(log.isEnabled('error')).toBe(true);
  });

  it('redacts the message, the fields and the child bindings', () => {
    registerSecret('pa55-w0rd-xyz');
    try {
      const { log, lines } = capture('debug');
      const child = log.child({ component: 'auth', apiKey: 'bound-key' });
      child.debug('POST body client_secret=pa55-w0rd-xyz&scope=a', { headers: { authorization: 'Bearer abc.def' }, note: 'pa55-w0rd-xyz' });
      const line = lines[0] ?? '';
      expect(line).not.toContain('pa55-w0rd-xyz');
      expect(line).not.toContain('bound-key');
      expect(line).not.toContain('abc.def');
      expect(JSON.parse(line)).toMatchObject({ component: 'auth', apiKey: '[REDACTED]', msg: 'POST body client_secret=[REDACTED]&scope=a' });
    } finally {
      clearRegisteredSecrets();
    }
  });

  it('never throws, even when the sink does or a field cannot be serialised', () => {
    const log = createLogger({ sink: () => { throw new Error('disk full'); } });
    expect(() => log.error('x')).not.toThrow();
    const { log: log2, parsed } = capture();
    log2.info('big', { n: 10n });
    expect(parsed()[0]).toMatchObject({ msg: 'big', fieldsError: 'fields could not be serialised' });
  });
});
