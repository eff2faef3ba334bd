import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, isChannel, type Channel, type In } from '../../shared/ipc/contract';
import { dispatch, HandlerError } from './dispatch';
import type { CallContext, Handlers } from './types';

/**
 * IPC fuzz: well over 10,000 random and malformed payloads through dispatch() with handlers that
 * only record. Whatever arrives — random channel names, random values, deep nesting, huge strings,
 * `__proto__`/`constructor` keys, a wrong type in every field of every channel — dispatch must answer
 * an envelope and never throw; invalid input must never reach a handler, and what reaches one must
 * be the freshly parsed value with plain prototypes. Seeded: a failure names the seed to replay.
 */

const SEED = Number(process.env['PATCHBAY_FUZZ_SEED'] ?? 0x5eed_b0a7);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One valid input per channel: the typed record makes a new channel a compile error here until it has one. */
const validInputs: { [C in Channel]: In<C> } = {
  'app:info': {},
  'accounts:list': {},
  'accounts:add': {
    label: 'Contoso release',
    tenant: 'contoso.onmicrosoft.com',
    cloud: 'public',
    sandboxUrl: 'https://127.0.0.1:4443',
    mode: 'client-secret',
    clientId: '11111111-2222-3333-4444-555555555555',
    role: 'spn',
    clientSecret: 'not-a-real-secret',
    certificatePath: '/tmp/cert.pem',
  },
  'accounts:remove': { id: 'acc-1' },
  'accounts:sign-in': { id: 'acc-1' },
  'accounts:sign-out': { id: 'acc-1' },
  'environments:list': {},
  'solutions:list': { environmentId: 'env-1' },
  'workspace:scan': { solution: 'ContosoCore', environmentIds: ['env-1', 'env-2'], identity: { 'env-1': 'me', 'env-2': 'spn' } },
  'plan:build': {
    intent: {
      environmentIds: ['env-1'],
      wire: { select: ['ref-1'], pinned: { 'ref-1': { 'env-1': 'conn-1' } } },
      activate: ['flow-1'],
      deactivate: 'all',
      variables: { 'cr_var': { 'env-1': 'value' } },
      identity: 'auto',
      share: true,
    },
  },
  'run:start': { planId: 'plan-1' },
  'run:cancel': { runId: 'run-1' },
  'audit:findings': {},
  'audit:export': { format: 'csv', runId: 'run-1' },
  'history:list': {},
  'history:get': { runId: 'run-1' },
  'history:undo-plan': { runId: 'run-1' },
  'settings:export': { environmentId: 'env-1' },
  'settings:import': { environmentId: 'env-1', fileName: 'settings.json', content: '{"EnvironmentVariables":[]}' },
  'settings:diff': { environmentId: 'env-1', fileName: 'settings.json', content: '{}' },
  'solution-file:preview': { fileName: 'ContosoCore.zip', contentBase64: 'UEsDBA==', environmentIds: ['env-1'] },
  'external:open': { url: 'https://make.powerapps.com/environments/env-1/solutions' },
  'demo:reset': {},
  'demo:deploy': { environmentId: 'env-1' },
};

/** Fields that are unions of kinds (an enum or a record, a literal or a list): a wrong kind may still be valid there. */
const unionPaths: Partial<Record<Channel, string[]>> = {
  'workspace:scan': ['identity'],
  'plan:build': ['intent.identity', 'intent.wire.select', 'intent.activate', 'intent.deactivate'],
};

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'undefined' | 'other';
function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined') return t;
  if (t === 'object') return Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null ? 'object' : 'other';
  return 'other';
}

function deepArray(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
function deepObject(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const huge = 'x'.repeat(300_000);
/** One past the largest string the contract accepts anywhere (settings content: 20 MiB). */
const overLimit = 'y'.repeat(20 * 1024 * 1024 + 1);
const hugeUnicode = '\u{1F600}'.repeat(50_000);
const protoKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'isAdmin'];

/** Objects with an own `__proto__` key, the way JSON.parse (and structured clone) make them. */
const withOwn = (key: string, value: unknown, base: Record<string, unknown> = {}): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
};

const wrongValues: unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  true,
  false,
  null,
  undefined,
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [1, 2, 3] } },
  JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown,
  withOwn('constructor', { prototype: { polluted: 'yes' } }),
  '',
  'x',
  ' ',
  huge,
  hugeUnicode,
  overLimit,
  '\u0000\uFFFF\uD800',
  deepArray(5000),
  deepObject(5000),
  new Date(0),
  new Map([['a', 1]]),
  new Set([1]),
  new Uint8Array([1, 2, 3]),
  BigInt(1),
];

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (kindOf(value) === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) Object.defineProperty(out, key, { value: clone((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Every path into a value (objects and arrays), containers included. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, String(i)], ...pathsOf(v, [...prefix, String(i)]));
    });
  } else if (kindOf(value) === 'object') {
    for (const key of Object.keys(value as object)) {
      const v = (value as Record<string, unknown>)[key];
      out.push([...prefix, key], ...pathsOf(v, [...prefix, key]));
    }
  }
  return out;
}

function getAt(value: unknown, path: string[]): unknown {
  let v = value;
  for (const key of path) v = (v as Record<string, unknown>)[key];
  return v;
}

function setAt(value: unknown, path: string[], replacement: unknown): unknown {
  const root = clone(value);
  let v = root as Record<string, unknown>;
  path.slice(0, -1).forEach((key) => {
    v = v[key] as Record<string, unknown>;
  });
  const last = path[path.length - 1] ?? '';
  Object.defineProperty(v, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  return root;
}

function deleteAt(value: unknown, path: string[]): unknown {
  const root = clone(value);
  let v = root as Record<string, unknown>;
  path.slice(0, -1).forEach((key) => {
    v = v[key] as Record<string, unknown>;
  });
  const last = path[path.length - 1] ?? '';
  if (Array.isArray(v)) v.splice(Number(last), 1);
  else delete v[last];
  return root;
}

function randomValue(rnd: () => number, depth: number, keys: string[]): unknown {
  const pick = Math.floor(rnd() * (depth > 4 ? 8 : 11));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return Math.floor((rnd() - 0.5) * 2 ** Math.floor(rnd() * 60));
    case 3:
      return rnd() * 1e6;
    case 4:
      return randomString(rnd);
    case 5:
      return wrongValues[Math.floor(rnd() * wrongValues.length)];
    case 6:
      return keys[Math.floor(rnd() * keys.length)] ?? '';
    case 7:
      return '';
    case 8:
    case 9: {
      const n = Math.floor(rnd() * 5);
      return Array.from({ length: n }, () => randomValue(rnd, depth + 1, keys));
    }
    default: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) {
        const key = rnd() < 0.3 ? (protoKeys[Math.floor(rnd() * protoKeys.length)] ?? '') : rnd() < 0.6 ? (keys[Math.floor(rnd() * keys.length)] ?? '') : randomString(rnd);
        Object.defineProperty(out, key, { value: randomValue(rnd, depth + 1, keys), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

function randomString(rnd: () => number): string {
  const length = rnd() < 0.02 ? 100_000 + Math.floor(rnd() * 100_000) : Math.floor(rnd() * 40);
  const alphabet = 'abcXYZ019:-_./\\%\u0000\u00e9\u4e2d\uD83D\uDE00 "\'<>{}[]';
  let out = '';
  for (let i = 0; i < Math.min(length, 64); i++) out += alphabet[Math.floor(rnd() * alphabet.length)] ?? '';
  return length > 64 ? out.padEnd(length, 'z') : out;
}

function randomChannel(rnd: () => number): unknown {
  const r = rnd();
  const real = channelNames[Math.floor(rnd() * channelNames.length)] ?? 'app:info';
  if (r < 0.55) return real;
  if (r < 0.65) return real.toUpperCase();
  if (r < 0.7) return `${real} `;
  if (r < 0.75) return `${real}\u0000`;
  if (r < 0.82) return protoKeys[Math.floor(rnd() * protoKeys.length)];
  if (r < 0.9) return randomString(rnd);
  const odd: unknown[] = [null, undefined, 42, true, {}, [], ['app:info'], { toString: () => 'app:info' }, Symbol('app:info'), 'app:info'.repeat(10_000)];
  return odd[Math.floor(rnd() * odd.length)];
}

/** Every plain object the handler sees must have Object.prototype and no own `__proto__` key. */
function assertPlain(value: unknown, where: string): void {
  const stack: { v: unknown; at: string }[] = [{ v: value, at: where }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { v, at } = item;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw new Error(`${at}: array with a foreign prototype`);
      v.forEach((x, i) => stack.push({ v: x, at: `${at}.${i}` }));
      continue;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) throw new Error(`${at}: object with a foreign prototype`);
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) throw new Error(`${at}: own __proto__ key`);
    for (const key of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[key], at: `${at}.${key}` });
  }
}

interface Recorded {
  channel: Channel;
  input: unknown;
  ctx: CallContext;
}

function recordingHandlers(calls: Recorded[]): Handlers {
  return Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      (input: unknown, ctx: CallContext) => {
        calls.push({ channel, input, ctx });
        // The handler's own check: what it is given must satisfy its schema as-is, with plain prototypes.
        const again = channels[channel].input.safeParse(input);
        if (!again.success) throw new Error(`handler for ${channel} got input its schema rejects`);
        assertPlain(input, channel);
        return Promise.reject(new HandlerError('RECORDED', 'recorded'));
      },
    ]),
  ) as unknown as Handlers;
}

function expectEnvelope(result: unknown): asserts result is { ok: boolean } {
  expect(result).toBeTypeOf('object');
  const r = result as { ok: unknown; error?: unknown; value?: unknown };
  if (r.ok === false) {
    const e = r.error as Record<string, unknown>;
    expect(typeof e['code']).toBe('string');
    expect((e['code'] as string).length).toBeGreaterThan(0);
    expect(typeof e['message']).toBe('string');
    for (const key of Object.keys(e)) expect(['code', 'message', 'detail', 'fix']).toContain(key);
  } else {
    expect(r.ok).toBe(true);
  }
}

const objectProtoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayProtoKeys = Object.getOwnPropertyNames(Array.prototype).sort();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('dispatch under fuzz', () => {
  it('accepts every sample input (the fuzz starts from valid payloads)', async () => {
    const calls: Recorded[] = [];
    const handlers = recordingHandlers(calls);
    for (const channel of channelNames) {
      const result = await dispatch(channel, clone(validInputs[channel]), handlers, { transport: 'web' });
      expect(result, channel).toEqual({ ok: false, error: { code: 'RECORDED', message: 'recorded' } });
    }
    expect(calls.map((c) => c.channel)).toEqual(channelNames);
  });

  it(`answers ≥ 10,000 random and malformed payloads with envelopes, never calling a handler with invalid input (seed ${SEED})`, async () => {
    const rnd = mulberry32(SEED);
    const calls: Recorded[] = [];
    const handlers = recordingHandlers(calls);
    let total = 0;
    let invalid = 0;
    const rejectedPaths = new Set<string>();
    const allPaths = new Set<string>();

    const run = async (channel: unknown, payload: unknown, expectInvalid: boolean, label: string): Promise<void> => {
      total++;
      const before = calls.length;
      let result: unknown;
      try {
        result = await dispatch(channel, payload, handlers, { transport: 'electron' });
      } catch (error) {
        throw new Error(`dispatch threw for ${label} (seed ${SEED}): ${String(error)}`);
      }
      expectEnvelope(result);
      const called = calls.length - before;
      if (!isChannel(channel)) {
        expect(result, label).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
        expect(called, label).toBe(0);
        invalid++;
        return;
      }
      let valid: boolean;
      try {
        valid = channels[channel].input.safeParse(payload ?? {}).success;
      } catch {
        valid = false;
      }
      if (expectInvalid) expect(valid, `${label} should be invalid`).toBe(false);
      if (valid) {
        expect(called, label).toBe(1);
        expect(calls[calls.length - 1]?.ctx.transport).toBe('electron');
        expect(result).toEqual({ ok: false, error: { code: 'RECORDED', message: 'recorded' } });
      } else {
        invalid++;
        expect(called, `${label}: a handler was called with invalid input`).toBe(0);
        expect(result, label).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(INVALID_INPUT|INTERNAL|TypeError)$/) as unknown } });
      }
    };

    // 1. A wrong value in every field (and container) of every channel's input, and each field removed.
    for (const channel of channelNames) {
      const sample = validInputs[channel];
      for (const path of pathsOf(sample)) {
        const key = `${channel}:${path.join('.')}`;
        allPaths.add(key);
        const original = getAt(sample, path);
        const isUnion = (unionPaths[channel] ?? []).includes(path.join('.'));
        for (const wrong of wrongValues) {
          const payload = setAt(sample, path, wrong);
          const mustFail = !isUnion && wrong !== undefined && kindOf(wrong) !== kindOf(original);
          const before = invalid;
          await run(channel, payload, mustFail, `${key} = ${kindOf(wrong)}`);
          if (invalid > before) rejectedPaths.add(key);
        }
        await run(channel, deleteAt(sample, path), false, `${key} deleted`);
      }
      // Extra keys at the top: strict objects refuse them, __proto__ and friends included.
      for (const extra of [...protoKeys, 'idToken', 'accessToken', 'extra']) {
        await run(channel, withOwn(extra, { polluted: 'yes' }, clone(sample) as Record<string, unknown>), true, `${channel} + ${extra}`);
        await run(channel, JSON.parse(`{"${extra}": {"polluted": "yes"}}`), true, `${channel} only ${extra}`);
      }
      // Not an object at all. (Class instances — Date, Map, typed arrays — are objects to zod: a channel
      // without fields reads one as `{}` and its handler gets a fresh `{}`, so they are left to the oracle.)
      for (const wrong of wrongValues.filter((w) => w !== null && w !== undefined && kindOf(w) !== 'object')) {
        await run(channel, wrong, kindOf(wrong) !== 'other', `${channel} whole input = ${kindOf(wrong)}`);
      }
    }

    // 2. Random channels, random values, and random mutations of valid inputs, up to well past 10,000.
    const channelKeys = channelNames.flatMap((c) => pathsOf(validInputs[c]).map((p) => p[p.length - 1] ?? ''));
    while (total < 12_000) {
      const channel = randomChannel(rnd);
      const r = rnd();
      if (r < 0.4 || !isChannel(channel)) {
        await run(channel, randomValue(rnd, 0, channelKeys), false, `random value on ${String(typeof channel === 'symbol' ? 'symbol' : channel).slice(0, 40)}`);
      } else {
        const sample = validInputs[channel];
        const paths = pathsOf(sample);
        const path = paths[Math.floor(rnd() * paths.length)];
        const payload = path ? setAt(sample, path, randomValue(rnd, 2, channelKeys)) : withOwn(protoKeys[Math.floor(rnd() * protoKeys.length)] ?? 'x', randomValue(rnd, 2, channelKeys));
        await run(channel, payload, false, `mutated ${channel}`);
      }
    }

    // 3. Hostile objects that throw when touched (impossible over the wire, but dispatch must still answer).
    const throwing = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => { throw new Error('boom'); }, getPrototypeOf: () => { throw new Error('boom'); } });
    for (const channel of channelNames) {
      total++;
      const result = await dispatch(channel, throwing, handlers, { transport: 'web' });
      expectEnvelope(result);
      expect(result.ok).toBe(false);
    }
    const badName = { toString: () => { throw new Error('no name'); } };
    expectEnvelope(await dispatch(badName, {}, handlers, { transport: 'web' }));
    expectEnvelope(await dispatch(Object.create(null), {}, handlers, { transport: 'web' }));

    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(invalid / total).toBeGreaterThan(0.5);
    // Every field of every channel had at least one payload refused because of it.
    expect([...allPaths].filter((p) => !rejectedPaths.has(p))).toEqual([]);
    expect(unhandled).toEqual([]);
    // Nothing leaked into the shared prototypes.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectProtoKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayProtoKeys);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  }, 120_000);
});
