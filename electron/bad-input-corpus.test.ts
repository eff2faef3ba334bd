import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelNames, type Result } from '../shared/ipc/contract';
import { AccountRegistry, REGISTRY_FILE } from './auth/account-registry';
import { startCliHarness, type CliHarness } from './cli/test-support/cli-harness';
import { createAdminClient } from './cloud/admin/client';
import { createDataverseClient } from './cloud/dataverse/client';
import { guid, identifier } from './cloud/dataverse/odata-literals';
import { listSolutions } from './cloud/dataverse/readers/solutions';
import { createFlowClient } from './cloud/flow/client';
import { createHttpCore } from './cloud/http/http-core';
import { PlatformError } from './cloud/http/platform-error';
import { sandboxTokens } from './cloud/http/test-support/sandbox-tokens';
import { dataverseEndpoint, profileFor, sandboxProfile } from './cloud/profiles';
import { parseSettingsFile } from './engine/files/settings';
import { readSolution } from './engine/files/solution';
import { dispatch } from './ipc/dispatch';
import type { CallContext, Handlers } from './ipc/types';
import { createAppServices } from './services/app-services';

/**
 * The bad-input corpus (issue 8 §3): every case under e2e/corpus/bad-input/<category>/cases.json is fed
 * to the command or API it names and must get a specific message (its key words asserted), no crash
 * (no stack trace, no unhandled exception) and no write (no journal run, no write request reaching the
 * sandbox, no file left behind). Adding a case is adding an entry (and its file); see the corpus README.
 * Cases marked `knownBug` assert the behaviour they should have and run as expected failures.
 */

const CORPUS = fileURLToPath(new URL('../e2e/corpus/bad-input/', import.meta.url));
/** The HTTP client's answer limit in the server cases: small, so a "huge" body stays cheap to send. */
const MAX_BODY_BYTES = 64 * 1024;

// ── the manifests

const generateSpec = z.strictObject({ kind: z.literal('repeat'), prefix: z.string().default(''), unit: z.string(), count: z.number().int().positive(), suffix: z.string().default('') });
type GenerateSpec = z.infer<typeof generateSpec>;

const expectation = z.strictObject({
  /** Key words the message must contain, exactly as written. */
  words: z.array(z.string().min(1)).min(1),
  /** Words the message must not contain (a secret echoed back, a misleading claim). */
  absent: z.array(z.string().min(1)).optional(),
  /** CLI exit code. */
  exit: z.number().int().optional(),
  /** Issue codes (files), wire error codes (IPC). */
  codes: z.array(z.string()).min(1).optional(),
  /** Line (and column) of the first issue with the first code. */
  at: z.union([z.tuple([z.number().int()]), z.tuple([z.number().int(), z.number().int()])]).optional(),
  /** The error's class name and, for a PlatformError, its kind (server cases). */
  error: z.string().optional(),
  kind: z.string().optional(),
});
type Expectation = z.infer<typeof expectation>;

const base = {
  name: z.string().regex(/^[a-z0-9-]+$/, 'lower-case words joined by hyphens'),
  /** What is wrong today: the case asserts the behaviour it should have and is expected to fail. */
  knownBug: z.string().min(10).optional(),
  expect: expectation,
};
const fault = z.strictObject({ method: z.string().optional(), path: z.string(), status: z.number().int(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional(), count: z.number().int().optional() });
type Fault = z.infer<typeof fault>;
/** A command line; `{auth}` expands to the sandbox sign-in flags, `{file}`, `{tmp}`, `{ca}`… to paths and values. */
const cliCase = z.strictObject({
  ...base,
  via: z.literal('cli'),
  args: z.array(z.string()).optional(),
  command: z.string().optional(),
  file: z.string().optional(),
  generate: generateSpec.optional(),
  /** Folders and files made in the case's `{tmp}` before the run; nothing else may be there after it. */
  setup: z.strictObject({ dirs: z.array(z.string()).default([]), files: z.record(z.string(), z.string()).default({}) }).optional(),
  fault: fault.optional(),
  /** Run as its own process (node + tsx on electron/cli/entry.ts) instead of in-process. */
  process: z.literal(true).optional(),
});
type CliCase = z.infer<typeof cliCase>;

const settingsCase = z.discriminatedUnion('via', [z.strictObject({ ...base, via: z.literal('parse'), file: z.string().optional(), generate: generateSpec.optional() }), cliCase]);
const solutionCase = z.strictObject({
  ...base,
  via: z.literal('read'),
  as: z.enum(['zip', 'folder']).default('zip'),
  /** A folder of files laid over the base solution (same relative paths). */
  overlay: z.string().optional(),
  remove: z.array(z.string()).default([]),
  /** Extra raw zip entries, names as written (path traversal cases). */
  zipEntries: z.record(z.string(), z.string()).optional(),
  zipPatch: z.enum(['truncate', 'unknown-compression', 'huge-uncompressed-size']).optional(),
  /** Bytes fed as the zip instead of the base solution. */
  bytes: z.strictObject({ text: z.string() }).optional(),
  /** A path fed as is (placeholders expanded). */
  path: z.string().optional(),
  fileName: z.string().optional(),
});
const planCase = z.strictObject({
  ...base,
  via: z.literal('cli'),
  file: z.string().optional(),
  generate: generateSpec.optional(),
  /** Edits of base.json: set a value (or copy one from another path), or delete a key. */
  mutate: z.array(z.strictObject({ path: z.string(), to: z.unknown().optional(), copy: z.string().optional(), delete: z.literal(true).optional() })).optional(),
  args: z.array(z.string()).optional(),
});
const identityCase = z.discriminatedUnion('via', [
  cliCase,
  z.strictObject({ ...base, via: z.literal('endpoint'), fn: z.enum(['dataverse-endpoint', 'guid', 'identifier', 'sandbox-profile']), cloud: z.enum(['public', 'gcc', 'gcchigh', 'dod', 'china']).default('public'), input: z.string() }),
  z.strictObject({ ...base, via: z.literal('account-add'), input: z.record(z.string(), z.string()) }),
  z.strictObject({ ...base, via: z.literal('registry-open'), text: z.string() }),
]);
const ipcCase = z.strictObject({ ...base, via: z.enum(['dispatch', 'services']), channel: z.unknown(), payload: z.unknown() });
const serverCase = z.discriminatedUnion('via', [
  z.strictObject({ ...base, via: z.literal('client'), call: z.enum(['bap.listEnvironments', 'powerapps.listConnections', 'flow.listFlows', 'dataverse.whoAmI', 'dataverse.listSolutions']), fault }),
  cliCase,
]);

const manifest = <S extends z.ZodType>(cases: S) => z.strictObject({ category: z.string(), about: z.string(), commands: z.record(z.string(), z.array(z.string())).optional(), cases: z.array(cases).min(1) });

function loadCategory<S extends z.ZodType>(category: string, cases: S): { dir: string; commands: Record<string, string[]>; cases: z.output<S>[] } {
  const dir = join(CORPUS, category);
  const parsed = manifest(cases).safeParse(JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')));
  if (!parsed.success) throw new Error(`${category}/cases.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const names = parsed.data.cases.map((c) => (c as { name: string }).name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new Error(`${category}/cases.json: case names used twice: ${twice.join(', ')}`);
  return { dir, commands: parsed.data.commands ?? {}, cases: parsed.data.cases };
}

const corpus = {
  settings: loadCategory('settings', settingsCase),
  solution: loadCategory('solution', solutionCase),
  plan: loadCategory('plan', planCase),
  cli: loadCategory('cli', cliCase),
  identity: loadCategory('identity', identityCase),
  ipc: loadCategory('ipc', ipcCase),
  server: loadCategory('server', serverCase),
};

/** PATCHBAY_CORPUS_SHOW_KNOWN_BUGS=1 runs known bugs as ordinary cases, to see what they do today. */
const showKnownBugs = process.env['PATCHBAY_CORPUS_SHOW_KNOWN_BUGS'] === '1';

/** One `it` per case; a known bug runs as an expected failure. */
function eachCase<C extends { name: string; knownBug?: string | undefined }>(cases: readonly C[], run: (c: C) => Promise<void>): void {
  for (const c of cases) (c.knownBug && !showKnownBugs ? it.fails : it)(c.name, () => run(c));
}

// ── assertions shared by every category

function expectWords(text: string, words: readonly string[], label: string, absent: readonly string[] = []): void {
  for (const word of words) expect(text, `${label}: the message should say "${word}"`).toContain(word);
  for (const word of absent) expect(text, `${label}: the message should not say "${word}"`).not.toContain(word);
}

/** No crash reached the person: no "failed unexpectedly", no stack frames. */
function expectNoCrash(text: string, label: string): void {
  expect(text, `${label}: crashed`).not.toContain('failed unexpectedly');
  expect(text, `${label}: printed a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function generate(spec: GenerateSpec): string {
  return spec.prefix + spec.unit.repeat(spec.count) + spec.suffix;
}

/** Every file and folder below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      out.push(relative(dir, full));
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

const scratch: string[] = [];

/** A new empty folder for one case, removed when the file's tests end. */
function freshDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `patchbay-corpus-${prefix}-`));
  scratch.push(dir);
  return dir;
}

/** The error a call rejects with, or null when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

function thrown(call: () => unknown): unknown {
  try {
    call();
    return null;
  } catch (error) {
    return error;
  }
}

// ── the sandbox every CLI and server case runs against

let cli: CliHarness;

beforeAll(async () => {
  cli = await startCliHarness();
});
afterAll(async () => {
  await cli.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface LogEntry {
  method: string;
  path: string;
  service: string;
}
/** Requests that could change something: anything but reads and sign-in. */
async function writesLogged(): Promise<string[]> {
  const entries = (await cli.h.control('GET', 'log')).json()['entries'] as LogEntry[];
  return entries.filter((e) => e.method !== 'GET' && e.service !== 'login').map((e) => `${e.method} ${e.path}`);
}

function journalRuns(): string[] {
  return tree(join(cli.dataDir, 'journal')).filter((f) => f.endsWith('.jsonl'));
}

async function arm(f: Fault | undefined): Promise<void> {
  await cli.h.control('DELETE', 'faults');
  if (!f) return;
  const body = isGenerated(f.body) ? generate(f.body.$generate) : f.body;
  const armed = await cli.h.control('POST', 'faults', { targeted: [{ ...f, body, count: f.count ?? 100 }] });
  if (armed.status !== 200) throw new Error(`the sandbox refused the fault: ${armed.text}`);
}

const isGenerated = (v: unknown): v is { $generate: GenerateSpec } => typeof v === 'object' && v !== null && '$generate' in v;

/** Values the sandbox decides (connection names, ids), written into files as {{what:stage:which}}. */
function sandboxValue(key: string): string {
  const [what = '', stage = '', which = ''] = key.split(':');
  const env = cli.h.env(stage as 'test');
  const store = cli.h.sb.ctx.store;
  const connections = store.connectionsIn(env.id);
  const connection = which === 'broken' ? connections.find((x) => x.status.kind === 'Error') : connections.find((x) => x.apiName === which);
  if (!connection) throw new Error(`no ${which} connection in ${stage}`);
  if (what === 'connection') return connection.name;
  if (what === 'connector-of') return connection.apiName;
  const reference = store.rows(env, 'connectionreference').find((r) => String(r['connectorid']).endsWith(`/apis/${connection.apiName}`));
  if (what === 'reference-of' && reference) return String(reference['connectionreferencelogicalname']);
  throw new Error(`cannot resolve {{${key}}}`);
}

function variables(tmp: string): Record<string, string> {
  const pipeline = cli.h.sb.ready().apps.find((a) => a.isPipelineSpn);
  return {
    tmp,
    base: cli.h.base,
    // The same sandbox by another name: no pooled connection (verified with the right CA) to reuse.
    localhostBase: cli.h.base.replace('127.0.0.1', 'localhost'),
    ca: cli.h.sb.caCertPath,
    tenant: cli.h.sb.tenantId,
    clientId: pipeline?.clientId ?? '',
    secret: pipeline?.clientSecret ?? '',
    certificate: pipeline?.certificatePath ?? '',
    privateKey: pipeline?.privateKeyPath ?? '',
    'env:test': cli.h.env('test').id,
  };
}

const expand = (text: string, vars: Record<string, string>): string => text.replace(/\{([\w:]+)\}/g, (whole, key: string) => vars[key] ?? whole);

/** The case's input file: the corpus file as is, or a copy with sandbox values filled in, or generated. */
function inputFile(c: { name: string; file?: string | undefined; generate?: GenerateSpec | undefined }, dir: string, tmp: string): string | undefined {
  if (c.generate) {
    const path = join(tmp, `${c.name}.json`);
    writeFileSync(path, generate(c.generate));
    return path;
  }
  if (!c.file) return undefined;
  const path = join(dir, c.file);
  if (!existsSync(path) || statSync(path).isDirectory() || !readFileSync(path, 'utf8').includes('{{')) return path;
  const copy = join(tmp, c.file.split('/').pop() ?? 'input');
  writeFileSync(copy, readFileSync(path, 'utf8').replace(/\{\{([\w:-]+)\}\}/g, (_, key: string) => sandboxValue(key)));
  return copy;
}

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command as a pipeline runs it, from source (the bundle in out/ may predate the checkout). */
function runProcess(argv: readonly string[]): Promise<CliOutcome> {
  const entry = fileURLToPath(new URL('./cli/entry.ts', import.meta.url));
  return new Promise((resolve) => {
    // Asynchronous on purpose: the sandbox the command talks to runs in this process.
    execFile(process.execPath, ['--import', 'tsx', entry, ...argv], { env: { ...process.env, PATCHBAY_DATA_DIR: cli.dataDir, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs a command line in-process (or as a process) and checks the three promises: the exit code and key words, no crash,
 * nothing written (no write request, no journal run, nothing new in the case's folder).
 */
async function runCliCase(c: { name: string; expect: Expectation; setup?: CliCase['setup']; fault?: Fault | undefined; process?: true | undefined }, args: readonly string[], tmp: string): Promise<void> {
  for (const d of c.setup?.dirs ?? []) mkdirSync(join(tmp, d), { recursive: true });
  for (const [f, text] of Object.entries(c.setup?.files ?? {})) writeFileSync(join(tmp, f), text);
  const before = tree(tmp);
  const vars = variables(tmp);
  const auth = cli.auth;
  const argv = args.flatMap((a) => (a === '{auth}' ? auth : [expand(a, vars)]));
  await cli.h.control('DELETE', 'log');
  await arm(c.fault);
  const result: CliOutcome = await (c.process ? runProcess(argv) : cli.run(...argv)).finally(() => arm(undefined));
  const label = `${c.name}: patchbay ${argv.filter((a) => !auth.includes(a)).join(' ')}`;
  expectNoCrash(result.stderr + result.stdout, label);
  expectWords(result.stderr, c.expect.words, label);
  expectWords(result.stderr + result.stdout, [], label, c.expect.absent);
  if (c.expect.exit !== undefined) expect(result.code, `${label}\n${result.stderr}`).toBe(c.expect.exit);
  expect(await writesLogged(), `${label}: write requests reached the sandbox`).toEqual([]);
  expect(journalRuns(), `${label}: a journal run was created`).toEqual([]);
  expect(tree(tmp), `${label}: files were left behind`).toEqual(before);
}

function cliArgs(c: CliCase, commands: Record<string, string[]>): string[] {
  if (c.args) return c.args;
  const command = c.command ? commands[c.command] : undefined;
  if (!command) throw new Error(`${c.name}: no args and no known command`);
  return command;
}

async function runCliEntry(c: CliCase, category: { dir: string; commands: Record<string, string[]> }): Promise<void> {
  const tmp = freshDir(c.name);
  const file = inputFile(c, category.dir, tmp);
  const args = cliArgs(c, category.commands).map((a) => (a === '{file}' && file ? file : a));
  await runCliCase(c, args, tmp);
}

// ── settings files

describe('settings files', () => {
  eachCase(corpus.settings.cases, async (c) => {
    if (c.via === 'cli') return runCliEntry(c, corpus.settings);
    const tmp = freshDir(c.name);
    const path = inputFile(c, corpus.settings.dir, tmp);
    if (!path) throw new Error(`${c.name}: no file`);
    const result = parseSettingsFile(readFileSync(path, 'utf8'), path);
    expect(result.ok, c.name).toBe(false);
    if (result.ok) return;
    expectIssues(c.name, result.errors, c.expect);
  });
});

function expectIssues(label: string, issues: readonly { code: string; message: string; line: number | null; column: number | null }[], e: Expectation): void {
  const codes = issues.map((i) => i.code);
  for (const code of e.codes ?? []) expect(codes, `${label}: issue codes`).toContain(code);
  expectWords(issues.map((i) => i.message).join('\n'), e.words, label, e.absent);
  if (e.at) {
    const first = issues.find((i) => i.code === e.codes?.[0]) ?? issues[0];
    expect([first?.line, first?.column].slice(0, e.at.length), `${label}: position of ${first?.message ?? 'the first issue'}`).toEqual(e.at);
  }
}

// ── solution files

/** Base solution files (unpacked layout), relative path → bytes. */
function filesOf(dir: string): Map<string, Uint8Array> {
  return new Map(
    tree(dir)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f.split('\\').join('/'), new Uint8Array(readFileSync(join(dir, f)))]),
  );
}

/** Damages a zip the way downloads and hand-made archives get damaged. */
function patchZip(zip: Uint8Array, patch: 'truncate' | 'unknown-compression' | 'huge-uncompressed-size'): Uint8Array {
  if (patch === 'truncate') return zip.slice(0, Math.floor(zip.length / 2));
  const bytes = new Uint8Array(zip);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const signature = view.getUint32(i, true);
    // Local file header (PK\3\4) and central directory entry (PK\1\2): method and uncompressed size.
    if (patch === 'unknown-compression' && signature === 0x04034b50) view.setUint16(i + 8, 99, true);
    if (patch === 'unknown-compression' && signature === 0x02014b50) view.setUint16(i + 10, 99, true);
    if (patch === 'huge-uncompressed-size' && signature === 0x02014b50) view.setUint32(i + 24, 0xfffffff0, true);
  }
  return bytes;
}

function solutionInput(c: z.infer<typeof solutionCase>, tmp: string): { input: string | Uint8Array; name: string } {
  const name = c.fileName ?? `${c.name}.zip`;
  if (c.path) return { input: expand(c.path, { tmp, dir: corpus.solution.dir }), name };
  if (c.bytes) return { input: strToU8(c.bytes.text), name };
  const files = filesOf(join(corpus.solution.dir, 'base'));
  if (c.overlay) for (const [path, data] of filesOf(join(corpus.solution.dir, c.overlay))) files.set(path, data);
  for (const path of c.remove) if (!files.delete(path)) throw new Error(`${c.name}: the base has no ${path} to remove`);
  if (c.as === 'folder') {
    for (const [path, data] of files) {
      mkdirSync(dirname(join(tmp, path)), { recursive: true });
      writeFileSync(join(tmp, path), data);
    }
    return { input: tmp, name };
  }
  const entries: Record<string, Uint8Array> = Object.fromEntries(files);
  for (const [entry, text] of Object.entries(c.zipEntries ?? {})) entries[entry] = strToU8(text);
  const zip = zipSync(entries);
  return { input: c.zipPatch ? patchZip(zip, c.zipPatch) : zip, name };
}

describe('solution files', () => {
  it('the base solution itself reads cleanly, as a folder and as a zip', async () => {
    const folder = await readSolution(join(corpus.solution.dir, 'base'));
    const zip = await readSolution(zipSync(Object.fromEntries(filesOf(join(corpus.solution.dir, 'base')))), { name: 'base.zip' });
    expect([folder.ok, zip.ok]).toEqual([true, true]);
  });

  eachCase(corpus.solution.cases, async (c) => {
    const tmp = freshDir(c.name);
    const { input, name } = solutionInput(c, tmp);
    const before = tree(tmp);
    const result = await readSolution(input, { name });
    expect(result.ok, c.name).toBe(false);
    if (!result.ok) expectIssues(c.name, result.errors, c.expect);
    expect(tree(tmp), `${c.name}: the solution folder changed`).toEqual(before);
  });
});

// ── plan files

type Json = Record<string, unknown> | unknown[];

function at(root: unknown, path: string): { parent: Json; key: string } {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = root;
  for (const k of keys) node = (node as Record<string, unknown>)[k];
  if (typeof node !== 'object' || node === null) throw new Error(`no ${path} in the base plan`);
  return { parent: node as Json, key: last };
}

function mutatedPlan(mutations: NonNullable<z.infer<typeof planCase>['mutate']>, vars: Record<string, string>): string {
  const plan = JSON.parse(readFileSync(join(corpus.plan.dir, 'base.json'), 'utf8')) as unknown;
  for (const m of mutations) {
    const { parent, key } = at(plan, m.path);
    const record = parent as Record<string, unknown>;
    if (m.delete) delete record[key];
    else if (m.copy !== undefined) {
      const from = at(plan, m.copy);
      record[key] = structuredClone((from.parent as Record<string, unknown>)[from.key]);
    } else record[key] = materialize(m.to, vars);
  }
  return JSON.stringify(plan, null, 2);
}

describe('plan files', () => {
  eachCase(corpus.plan.cases, async (c) => {
    const tmp = freshDir(c.name);
    let file = inputFile(c, corpus.plan.dir, tmp);
    if (c.mutate) {
      file = join(tmp, 'plan.json');
      writeFileSync(file, mutatedPlan(c.mutate, variables(tmp)));
    }
    const args = (c.args ?? ['apply', '--plan', '{file}', '--yes', '{auth}']).map((a) => (a === '{file}' ? (file ?? a) : a));
    if (args.includes('{file}')) throw new Error(`${c.name}: no plan file`);
    await runCliCase(c, args, tmp);
  });
});

// ── command lines

describe('command lines', () => {
  eachCase(corpus.cli.cases, (c) => runCliEntry(c, corpus.cli));
});

// ── identities: environment URLs, tenants, client ids, GUIDs, certificates

function endpointCall(c: { fn: string; cloud: 'public' | 'gcc' | 'gcchigh' | 'dod' | 'china'; input: string }): () => unknown {
  switch (c.fn) {
    case 'dataverse-endpoint':
      return () => dataverseEndpoint(profileFor(c.cloud), c.input);
    case 'guid':
      return () => guid(c.input, 'workflow id');
    case 'identifier':
      return () => identifier(c.input, 'entity set');
    default:
      return () => sandboxProfile(c.input, '');
  }
}

describe('identities', () => {
  eachCase(corpus.identity.cases, async (c) => {
    switch (c.via) {
      case 'cli':
        return runCliEntry(c, corpus.identity);
      case 'endpoint': {
        const error = thrown(endpointCall(c));
        expect(error, c.name).toBeInstanceOf(TypeError);
        expectWords((error as Error).message, c.expect.words, c.name, c.expect.absent);
        return;
      }
      case 'account-add': {
        const tmp = freshDir(c.name);
        const registry = await AccountRegistry.open(tmp);
        const vars = variables(tmp);
        const input = Object.fromEntries(Object.entries(c.input).map(([k, v]) => [k, expand(v, vars)]));
        const error = await rejection(registry.add(input as unknown as Parameters<AccountRegistry['add']>[0]));
        expect((error as Error | null)?.name, c.name).toBe('RegistryError');
        expectWords((error as Error).message, c.expect.words, c.name, c.expect.absent);
        expect(existsSync(join(tmp, REGISTRY_FILE)), `${c.name}: the account list was written`).toBe(false);
        return;
      }
      case 'registry-open': {
        const tmp = freshDir(c.name);
        writeFileSync(join(tmp, REGISTRY_FILE), c.text);
        const error = await rejection(AccountRegistry.open(tmp));
        expect((error as Error | null)?.name, c.name).toBe('RegistryError');
        expectWords((error as Error).message, c.expect.words, c.name, c.expect.absent);
        expect(readFileSync(join(tmp, REGISTRY_FILE), 'utf8'), `${c.name}: the account list was rewritten`).toBe(c.text);
        expect(tree(tmp)).toEqual([REGISTRY_FILE]);
        return;
      }
    }
  });
});

// ── IPC payloads

/** JSON values may say `{"$generate": …}` (a long string) or `{"$array": value, "count": n}`. */
function materialize(value: unknown, vars: Record<string, string>): unknown {
  if (isGenerated(value)) return generate(generateSpec.parse(value.$generate));
  if (typeof value === 'string') return expand(value, vars);
  if (Array.isArray(value)) return value.map((v) => materialize(v, vars));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if ('$array' in record) return Array.from({ length: Number(record['count']) }, () => materialize(record['$array'], vars));
  // JSON.parse keeps "__proto__" as an own key; so must the copy, or the prototype case tests nothing.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) Object.defineProperty(out, k, { value: materialize(v, vars), enumerable: true, writable: true, configurable: true });
  return out;
}

function expectWireError(label: string, result: Result<unknown>, e: Expectation): void {
  if (!result.ok) {
    if (e.codes) expect(e.codes, `${label}: error code`).toContain(result.error.code);
    expectWords([result.error.message, result.error.fix ?? '', result.error.detail ?? ''].join('\n'), e.words, label, e.absent);
    return;
  }
  // Handlers that answer a bad file with its issues: `{ ok: false, errors: [...] }`.
  const value = result.value as { ok?: boolean; errors?: { code: string; message: string; line: number | null; column: number | null }[] };
  expect(value.ok, `${label}: answered ok`).toBe(false);
  expectIssues(label, value.errors ?? [], e);
}

describe('IPC payloads', () => {
  const ctx: CallContext = { transport: 'web' };
  const called: string[] = [];
  const stubs = Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      () => {
        called.push(channel);
        return Promise.resolve(null);
      },
    ]),
  ) as unknown as Handlers;

  let services: { handlers: Handlers; close(): Promise<void> } | null = null;
  let dataDir = '';
  const opened: string[] = [];
  const servicesVars: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = freshDir('app');
    services = await createAppServices({ dataDir, demo: 'auto', protector: null, openExternal: (url) => Promise.resolve(void opened.push(url)), sink: { emit: () => undefined }, transport: 'web' });
    const environments = await dispatch('environments:list', {}, services.handlers, ctx);
    const test = environments.ok ? (environments.value as { id: string; displayName: string }[]).find((e) => e.displayName === 'Contoso Test') : undefined;
    if (!test) throw new Error('the demo tenant has no Contoso Test');
    servicesVars['env:test'] = test.id;
    const scanned = await dispatch('workspace:scan', { solution: 'ContosoOperations', environmentIds: [test.id] }, services.handlers, ctx);
    if (!scanned.ok) throw new Error(`scan: ${scanned.error.message}`);
  }, 60_000);
  afterAll(async () => {
    await services?.close();
  });

  const stateOf = (): { accounts: string | null; journal: string[] } => ({
    accounts: existsSync(join(dataDir, REGISTRY_FILE)) ? readFileSync(join(dataDir, REGISTRY_FILE), 'utf8') : null,
    journal: tree(join(dataDir, 'journal')).filter((f) => f.endsWith('.jsonl')),
  });

  eachCase(corpus.ipc.cases, async (c) => {
    if (c.via === 'dispatch') {
      called.length = 0;
      const result = await dispatch(c.channel, materialize(c.payload, {}), stubs, ctx);
      expect(result.ok, c.name).toBe(false);
      expectWireError(c.name, result, c.expect);
      expect(called, `${c.name}: a handler ran on invalid input`).toEqual([]);
      return;
    }
    if (!services) throw new Error('the app services did not start');
    const before = stateOf();
    const result = await dispatch(c.channel, materialize(c.payload, servicesVars), services.handlers, ctx);
    expectWireError(c.name, result, c.expect);
    expect(stateOf(), `${c.name}: the account list or the journal changed`).toEqual(before);
    expect(opened, `${c.name}: a link was opened`).toEqual([]);
  });
});

// ── server responses

function clientsFor(maxBodyBytes: number) {
  const http = createHttpCore({ tokens: sandboxTokens(cli.h.sb), caPem: cli.h.sb.caCertPem, maxBodyBytes, maxRetries: 0, maxThrottleRetries: 0, retryBaseMs: 1 });
  const profile = sandboxProfile(cli.h.base, cli.h.sb.caCertPem);
  const test = cli.h.env('test');
  const admin = createAdminClient({ http, profile });
  const flow = createFlowClient({ http, profile });
  const dv = createDataverseClient({ http, profile, instanceUrl: `${cli.h.base}/orgs/${test.orgName}/` });
  const calls: Record<string, () => Promise<unknown>> = {
    'bap.listEnvironments': () => admin.listEnvironments(),
    'powerapps.listConnections': () => admin.listConnections(test.id),
    'flow.listFlows': () => flow.listFlows(test.id),
    'dataverse.whoAmI': () => dv.whoAmI(),
    'dataverse.listSolutions': () => listSolutions(dv),
  };
  return { calls, close: () => http.close() };
}

describe('server responses', () => {
  eachCase(corpus.server.cases, async (c) => {
    if (c.via === 'cli') return runCliEntry(c, corpus.server);
    const { calls, close } = clientsFor(MAX_BODY_BYTES);
    await cli.h.control('DELETE', 'log');
    await arm(c.fault);
    const call = calls[c.call];
    if (!call) throw new Error(`${c.name}: unknown call ${c.call}`);
    const error = await rejection(call()).finally(async () => {
      await arm(undefined);
      await close();
    });
    expect(error, `${c.name}: the call succeeded`).toBeInstanceOf(Error);
    const e = error as Error;
    if (c.expect.error) expect(e.name, `${c.name}: ${e.message}`).toBe(c.expect.error);
    if (c.expect.kind) expect(e instanceof PlatformError ? e.kind : null, `${c.name}: ${e.message}`).toBe(c.expect.kind);
    expectWords(e.message, c.expect.words, c.name, c.expect.absent);
    expect(await writesLogged(), `${c.name}: write requests reached the sandbox`).toEqual([]);
  });
});

// ── the corpus itself

describe('the corpus', () => {
  it('holds at least 100 cases across the seven categories', () => {
    const counts = Object.fromEntries(Object.entries(corpus).map(([k, v]) => [k, v.cases.length]));
    expect(Object.values(counts).every((n) => n > 0), JSON.stringify(counts)).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100);
  });

  it('has no file that no case uses', () => {
    const used = new Set<string>();
    for (const [category, { cases }] of Object.entries(corpus)) {
      for (const c of cases as { file?: string; overlay?: string; path?: string }[]) {
        if (c.file) used.add(join(category, c.file));
        if (c.overlay) used.add(join(category, c.overlay));
        if (c.path?.startsWith('{dir}/')) used.add(join(category, c.path.slice('{dir}/'.length)));
      }
    }
    const files = tree(CORPUS).filter((f) => /^[a-z]+\/(files|overlays)\/[^/]+$/.test(f.split('\\').join('/')));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
