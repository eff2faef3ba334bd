import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_PROTOCOL } from '../../shared/ipc/web-protocol';
import { connectEvents, rawRequest } from './test-support/http-client';
import { writePlaceholderRenderer } from './test-support/placeholder-renderer';

/** `npm run host` as a process: over the real app services (demo tenant), one line on stdout, clean stop. */

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', join('electron', 'host', 'cli.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function firstLine(run: Running, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!run.stdout().includes('\n')) {
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no URL on stdout; stderr:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return run.stdout().split('\n')[0] ?? '';
}

let rendererDir: string;
let dataDir: string;

beforeAll(async () => {
  rendererDir = await writePlaceholderRenderer();
  dataDir = await mkdtemp(join(tmpdir(), 'patchbay-host-data-'));
});
afterAll(async () => {
  await rm(rendererDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run host', () => {
  it('prints only the URL on stdout, serves the real services in demo mode, and stops cleanly on SIGTERM', async () => {
    const run = startCli(['--no-open', '--sandbox', '--data-dir', dataDir, '--renderer-dir', rendererDir]);
    try {
      const url = await firstLine(run);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
      const parsed = new URL(url);
      const port = Number(parsed.port);
      const secret = parsed.hash.slice('#token='.length);

      const info = await rawRequest({ port, path: '/rpc/app:info', method: 'POST', headers: { [WEB_PROTOCOL.tokenHeader]: secret }, body: '{}' });
      expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { demo: true, transport: 'web', dataDir } });
      const accounts = await rawRequest({ port, path: '/rpc/accounts:list', method: 'POST', headers: { [WEB_PROTOCOL.tokenHeader]: secret }, body: '{}' });
      const list = JSON.parse(accounts.body) as { ok: boolean; value: { isDemo: boolean; status: string }[] };
      expect(list.ok).toBe(true);
      expect(list.value.length).toBeGreaterThan(0);
      expect(list.value.every((a) => a.isDemo)).toBe(true);
      expect(accounts.body).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);

      const refused = await rawRequest({ port, path: '/rpc/app:info', method: 'POST', body: '{}' });
      expect(refused.status).toBe(401);
      const events = await connectEvents(port, { protocols: [WEB_PROTOCOL.subprotocol, `${WEB_PROTOCOL.tokenSubprotocolPrefix}${secret}`] });
      expect(events.ok).toBe(true);
      if (events.ok) events.client.socket.close();

      run.child.kill('SIGTERM');
      await expect(run.exited).resolves.toBe(0);
      expect(run.stdout()).toBe(`${url}\n`);
      expect(run.stderr()).not.toContain(secret);
      expect(run.stderr()).toContain('web host stopped');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);

  it('answers --help on stderr and exits 0', async () => {
    const run = startCli(['--help']);
    await expect(run.exited).resolves.toBe(0);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toContain('Usage: npm run host');
  }, 30_000);

  it('exits 2 on a bad flag, and 1 with a message when the port is taken', async () => {
    const bad = startCli(['--port', 'nope']);
    await expect(bad.exited).resolves.toBe(2);
    expect(bad.stderr()).toContain('--port must be');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const taken = startCli(['--no-open', '--port', String(port), '--data-dir', dataDir, '--renderer-dir', rendererDir, '--sandbox']);
      await expect(taken.exited).resolves.toBe(1);
      expect(taken.stdout()).toBe('');
      expect(taken.stderr()).toMatch(/EADDRINUSE/);
    } finally {
      blocker.close();
    }
  }, 90_000);
});
