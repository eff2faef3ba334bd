import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, EventName, Result } from '../../shared/ipc/contract';
import { dispatch } from '../ipc/dispatch';
import type { EventSink, Handlers } from '../ipc/types';
import { createAppServices } from './app-services';
import { findSecrets } from '../log/secret-finder';

/**
 * The app's services in demo mode, driven through `dispatch` exactly as the renderer's calls arrive,
 * with every input, output and event recorded — then searched for anything secret.
 */

const traffic: string[] = [];
const events: { event: string; payload: unknown }[] = [];
let handlers: Handlers;
let close: () => Promise<void>;
const sink: EventSink = {
  emit: (event, payload) => {
    events.push({ event, payload });
    traffic.push(JSON.stringify({ event, payload }));
  },
};

async function call<T = unknown>(channel: Channel, input: unknown = {}): Promise<T> {
  traffic.push(JSON.stringify({ channel, input }));
  const result: Result<unknown> = await dispatch(channel, input, handlers, { transport: 'web' });
  traffic.push(JSON.stringify(result));
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

const waitFor = async (event: EventName, predicate: (payload: unknown) => boolean, timeoutMs = 60_000): Promise<unknown> => {
  const started = Date.now();
  for (;;) {
    const found = events.find((e) => e.event === event && predicate(e.payload));
    if (found) return found.payload;
    if (Date.now() - started > timeoutMs) throw new Error(`no ${event}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  const services = await createAppServices({ dataDir: mkdtempSync(join(tmpdir(), 'patchbay-app-')), demo: 'auto', protector: null, openExternal: () => Promise.resolve(), sink, transport: 'web' });
  handlers = services.handlers;
  close = () => services.close();
}, 60_000);
afterAll(async () => {
  await close();
});

describe('app services on the demo tenant', () => {
  it('opens signed in as the demo release manager with the demo pipeline SPN configured', async () => {
    const info = await call<{ demo: boolean }>('app:info');
    expect(info.demo).toBe(true);
    const accounts = await call<{ label: string; role: string; status: string; isDemo: boolean }[]>('accounts:list');
    expect(accounts.map((a) => [a.label, a.role, a.status, a.isDemo])).toEqual([
      ['Demo tenant (sandbox)', 'me', 'signed-in', true],
      ['Demo pipeline service principal (sandbox)', 'spn', 'signed-in', true],
    ]);
  });

  it('scans, plans Wire & activate for Test, runs it with progress events, and the matrix shows every flow on', async () => {
    const environments = await call<{ id: string; displayName: string }[]>('environments:list');
    const test = environments.find((e) => e.displayName === 'Contoso Test');
    const solutions = await call<{ uniqueName: string }[]>('solutions:list', { environmentId: test?.id });
    expect(solutions.map((s) => s.uniqueName)).toContain('ContosoOperations');
    const scanned = await call<{ matrix: { flows: { cells: Record<string, { state: string }> }[] }; connections: Record<string, { usableBy: { me: boolean } }[]> }>('workspace:scan', {
      solution: 'ContosoOperations',
      environmentIds: [test?.id],
    });
    expect(scanned.matrix.flows.every((f) => f.cells[test?.id ?? '']?.state !== 'on')).toBe(true);
    expect(scanned.connections[test?.id ?? '']?.length).toBeGreaterThan(5);

    const plan = await call<{ id: string; steps: { kind: string; verdict: { outcome: string } }[] }>('plan:build', {
      intent: { environmentIds: [test?.id], wire: { select: 'needing' }, activate: 'all', identity: 'auto', share: false },
    });
    expect(plan.steps.filter((s) => s.kind === 'wire')).toHaveLength(9);
    expect(plan.steps.filter((s) => s.kind === 'activate')).toHaveLength(16);
    expect(plan.steps.every((s) => s.verdict.outcome !== 'will-fail')).toBe(true);

    const { runId } = await call<{ runId: string }>('run:start', { planId: plan.id });
    const finished = (await waitFor('run:finished', (p) => (p as { runId: string }).runId === runId)) as { result: { summary: { done: number; failed: number } } };
    expect(finished.result.summary).toMatchObject({ done: 25, failed: 0 });
    expect(events.filter((e) => e.event === 'run:progress').length).toBeGreaterThanOrEqual(50);

    const again = await call<{ matrix: { flows: { cells: Record<string, { state: string }> }[] } }>('workspace:scan', { solution: 'ContosoOperations', environmentIds: [test?.id] });
    expect(again.matrix.flows.every((f) => f.cells[test?.id ?? '']?.state === 'on')).toBe(true);

    const history = await call<{ runId: string }[]>('history:list');
    expect(history[0]?.runId).toBe(runId);
    const undo = await call<{ steps: { kind: string }[] }>('history:undo-plan', { runId });
    expect(undo.steps.filter((s) => s.kind === 'deactivate')).toHaveLength(16);
    const report = await call<{ mimeType: string; content: string }>('audit:export', { format: 'html' });
    expect(report.mimeType).toBe('text/html');
    expect(report.content).toContain('<!DOCTYPE html>');
  });

  it('answers bad calls with an error envelope and refuses links outside the maker portal', async () => {
    await expect(call('external:open', { url: 'https://evil.example/' })).rejects.toThrow('LINK_NOT_ALLOWED');
    await expect(call('run:start', { planId: 'nope' })).rejects.toThrow('UNKNOWN_PLAN');
    await expect(call('accounts:add', { label: 'x', tenant: 'not a tenant', cloud: 'public', mode: 'client-secret', clientId: 'x', role: 'spn', clientSecret: 's' })).rejects.toThrow('INVALID_ACCOUNT');
  });

  it('never lets a token or a secret cross the boundary', () => {
    const all = traffic.join('\n');
    expect(findSecrets(all)).toEqual([]);
    expect(all).not.toMatch(/8Q~[0-9a-f]{20,}/);
    expect(all.length).toBeGreaterThan(10_000);
  });
});
