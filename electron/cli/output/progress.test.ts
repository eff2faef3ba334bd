import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlanStep } from '../../../shared/engine/plan';
import type { ProgressEvent, StepResult } from '../../engine/apply/types';
import { createProgress, formatDuration, progressLine } from './progress';
import { activateInvoice, counts, names, plan, result, shareC3, stepError, wireMail } from './test-fixtures';

function fakeStream(): { write(chunk: string): boolean; chunks: string[]; times: number[]; text(): string } {
  const chunks: string[] = [];
  const times: number[] = [];
  return { chunks, times, write: (chunk) => times.push(Date.now()) > 0 && chunks.push(chunk) > 0, text: () => chunks.join('') };
}

const started = (s: PlanStep, c: Parameters<typeof counts>[0]): ProgressEvent => ({ type: 'step-started', step: s, counts: counts(c) });
const finished = (s: PlanStep, r: StepResult, c: Parameters<typeof counts>[0]): ProgressEvent => ({ type: 'step-finished', step: s, result: r, counts: counts(c) });

const thePlan = plan([shareC3, wireMail, activateInvoice]);

describe('progressLine', () => {
  it('shows the bar, finished/total, failures, ETA and what runs now', () => {
    expect(
      progressLine({
        counts: counts({ total: 40, done: 11, failed: 1, running: 2, pending: 26 }),
        elapsedMs: 20_000,
        current: 'Activating "Invoice approval" in Contoso Test',
      }),
    ).toBe('[###-------] 12/40 done · 1 failed · ETA 47s · Activating "Invoice approval" in Contoso Test');
    expect(progressLine({ counts: counts({ total: 3, pending: 3 }), elapsedMs: 0, current: null })).toBe('[----------] 0/3 done');
    expect(progressLine({ counts: counts({ total: 2, done: 1, conflicts: 1 }), elapsedMs: 5000, current: null })).toBe('[##########] 2/2 done · 1 conflict');
  });

  it('formats durations', () => {
    expect([formatDuration(400), formatDuration(20_000), formatDuration(125_000), formatDuration(3_720_000)]).toEqual(['0s', '20s', '2m05s', '1h02m']);
  });
});

describe('createProgress on a TTY', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('redraws in place with \\r, at most every 100 ms, showing the latest state, and clears at the end', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: true, columns: 120, plan: thePlan, names, total: 3, now: () => Date.now() });
    expect(stream.chunks).toEqual(['\r[----------] 0/3 done']);

    vi.advanceTimersByTime(10);
    progress.update(started(shareC3, { total: 3, running: 1, pending: 2 }));
    vi.advanceTimersByTime(10);
    progress.update(finished(shareC3, result(shareC3, 'done'), { total: 3, done: 1, pending: 2 }));
    progress.update(started(wireMail, { total: 3, running: 1, pending: 1, done: 1 }));
    expect(stream.chunks).toHaveLength(1);

    vi.advanceTimersByTime(80);
    expect(stream.chunks).toHaveLength(2);
    expect(stream.chunks[1]).toBe('\r[###-------] 1/3 done · Wiring "Mail (cr_mail)" in Contoso Test');

    progress.finish();
    const last = stream.chunks.at(-1) ?? '';
    expect(last).toBe(`\r${' '.repeat(stream.chunks[1]!.length - 1)}\r`);
    progress.update(started(activateInvoice, { total: 3 }));
    vi.advanceTimersByTime(1000);
    expect(stream.chunks.at(-1)).toBe(last);
  });

  it('draws no more than 10 times a second however many events arrive', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: true, columns: 80, plan: thePlan, now: () => Date.now() });
    for (let i = 0; i < 1000; i++) {
      progress.update(started(activateInvoice, { total: 1000, running: 1, done: i, pending: 999 - i }));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    // 1 s of events plus the trailing redraw: at most 11 draws, and the last shows the last state.
    expect(stream.chunks.length).toBeLessThanOrEqual(11);
    expect(stream.chunks.length).toBeGreaterThanOrEqual(10);
    expect(stream.chunks.at(-1)).toContain('999/1000 done');
    // Never two draws within 100 ms.
    const gaps = stream.times.slice(1).map((t, i) => t - (stream.times[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    progress.finish();
  });

  it('cuts the line to the terminal width and blanks what a longer line left behind', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: true, columns: 40, plan: thePlan, now: () => Date.now() });
    progress.update(started(activateInvoice, { total: 3, running: 1, pending: 2 }));
    expect(stream.chunks[0]).toBe('\r[----------] 0/3 done · Activating "In…');
    vi.advanceTimersByTime(200);
    progress.update(finished(activateInvoice, result(activateInvoice, 'done'), { total: 3, done: 3 }));
    expect(stream.chunks[1]).toBe(`\r[##########] 3/3 done${' '.repeat(18)}`);
    progress.finish();
  });

  it('prints a failure above the line as it happens', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: true, columns: 200, plan: thePlan, names, now: () => Date.now() });
    progress.update(started(activateInvoice, { total: 1, running: 1 }));
    vi.advanceTimersByTime(500);
    progress.update(finished(activateInvoice, result(activateInvoice, 'failed', { error: stepError('Connection reference cr_mail has no connection in Contoso Test: wire it first.') }), { total: 1, failed: 1 }));
    const width = '[----------] 0/1 done · Activating "Invoice approval" in Contoso Test'.length;
    expect(stream.chunks.slice(1)).toEqual([
      `\r${' '.repeat(width)}\r`,
      '✗ Contoso Test  activate  Invoice approval  (Adele Vance as Lee Gu): Connection reference cr_mail has no connection in Contoso Test: wire it first.\n',
      '\r[##########] 1/1 done · 1 failed',
    ]);
    progress.finish();
  });
});

describe('createProgress elsewhere', () => {
  it('prints one line per finished step on a non-TTY stream', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: false, plan: thePlan, names });
    progress.update(started(activateInvoice, { total: 2, running: 1 }));
    progress.update(finished(activateInvoice, result(activateInvoice, 'done'), { total: 2, done: 1 }));
    progress.update(finished(wireMail, result(wireMail, 'skipped', { reason: 'already wired to shared-office365-1' }), { total: 2, done: 1, skipped: 1 }));
    progress.finish();
    expect(stream.text()).toBe(
      '✓ Contoso Test  activate  Invoice approval  (Adele Vance as Lee Gu)\n- Contoso Test  wire  Mail (cr_mail)  (Adele Vance): already wired to shared-office365-1\n',
    );
  });

  it('prints nothing with --json', () => {
    const stream = fakeStream();
    const progress = createProgress({ stream, isTTY: true, json: true, plan: thePlan });
    progress.update(finished(activateInvoice, result(activateInvoice, 'failed'), { total: 1, failed: 1 }));
    progress.finish();
    expect(stream.chunks).toEqual([]);
  });
});
