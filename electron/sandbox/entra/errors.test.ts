import { afterEach, describe, expect, it } from 'vitest';
import { aad, dotnetTime, dotnetTimeSpan, entraTimestamp, errorPayload } from './errors';
import { DEVICE_CODE_INTERVAL_ENV, defaultEntraSettings } from './settings';
import { normalizeUserCode } from './device-codes';

describe('Entra formats', () => {
  it('writes timestamps, .NET dates and .NET time spans as AADSTS texts quote them', () => {
    const at = new Date('2016-01-09T02:02:12.345Z');
    expect(entraTimestamp(at)).toBe('2016-01-09 02:02:12Z');
    expect(dotnetTime(at.getTime())).toBe('2016-01-09T02:02:12.3450000Z');
    expect(dotnetTimeSpan(90 * 86_400)).toBe('90.00:00:00');
    expect(dotnetTimeSpan(3723)).toBe('01:02:03');
    expect(dotnetTimeSpan(1)).toBe('00:00:01');
  });

  it('lays an error out in the platform order with the trailer', () => {
    const now = new Date('2016-01-09T02:02:12Z');
    const body = errorPayload(aad.invalidScope('x'), { baseUrl: 'https://127.0.0.1:1', traceId: 't', correlationId: 'c', now });
    expect(body).toEqual({
      error: 'invalid_scope',
      error_description: "AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope x is not valid.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2016-01-09 02:02:12Z",
      error_codes: [70011],
      timestamp: '2016-01-09 02:02:12Z',
      trace_id: 't',
      correlation_id: 'c',
      error_uri: 'https://127.0.0.1:1/login/error?code=70011',
    });
  });

  it('reads user codes the way people type them', () => {
    expect(normalizeUserCode(' gj5k-3r7 wq ')).toBe('GJ5K3R7WQ');
  });
});

describe('entra settings', () => {
  const saved = process.env[DEVICE_CODE_INTERVAL_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[DEVICE_CODE_INTERVAL_ENV];
    else process.env[DEVICE_CODE_INTERVAL_ENV] = saved;
  });

  it('polls every 5 s like the platform unless the environment asks for a (sane) other interval', () => {
    delete process.env[DEVICE_CODE_INTERVAL_ENV];
    expect(defaultEntraSettings()).toMatchObject({ deviceCodeIntervalS: 5, deviceCodeLifetimeS: 900, authCodeLifetimeS: 600, refreshTokenInactivityS: 7_776_000 });
    process.env[DEVICE_CODE_INTERVAL_ENV] = '1';
    expect(defaultEntraSettings().deviceCodeIntervalS).toBe(1);
    process.env[DEVICE_CODE_INTERVAL_ENV] = 'fast';
    expect(defaultEntraSettings().deviceCodeIntervalS).toBe(5);
  });
});
