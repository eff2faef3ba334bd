import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { ProgressCounts, ProgressEvent } from '../../engine/apply/types';
import { actionProgressive, environmentNamer, planNames, targetWords, type NameLookup } from './names';
import { stepLine } from './step-line';
import { cleanText, displayWidth, truncate } from './text';

/**
 * Progress of an apply run on stderr. On a TTY, one line redrawn in place with `\r`, at most every
 * `minIntervalMs` (default 100 ms: ≤ 10 redraws a second), cleared at the end:
 *   [#####-----] 12/40 done · 1 failed · ETA 20s · Activating "Invoice approval" in Contoso Test
 * ("done" counts every finished step; failures and conflicts are also printed above the line as they
 * happen). On any other stream, one line per finished step. With --json, nothing.
 */

export interface ProgressStream {
  write(chunk: string): unknown;
}

export interface ProgressOptions {
  stream: ProgressStream;
  isTTY: boolean;
  /** Terminal width; the line is cut to fit so it never wraps (default 80). */
  columns?: number | undefined;
  /** --json: the run result goes to stdout as JSON; no progress at all. */
  json?: boolean;
  /** For environment and principal names (without it, ids and roles stand in). */
  plan?: Pick<Plan, 'environments' | 'steps'>;
  /** Steps the run will have: the line shows `0/total` before the first event. */
  total?: number;
  names?: NameLookup;
  color?: boolean;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
  minIntervalMs?: number;
}

export interface ProgressReporter {
  /** Pass every apply progress event (`onProgress: (e) => progress.update(e)`). */
  update(event: ProgressEvent): void;
  /** Stops redrawing and clears the line (call once the run is over, before printing its summary). */
  finish(): void;
}

const BAR_WIDTH = 10;

/** `20s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressLineInput {
  counts: ProgressCounts;
  elapsedMs: number;
  /** What the most recently started running step does, if any. */
  current: string | null;
}

/** The status line, uncut. */
export function progressLine({ counts, elapsedMs, current }: ProgressLineInput): string {
  const finished = Math.max(0, counts.total - counts.pending - counts.running);
  const filled = counts.total > 0 ? Math.min(BAR_WIDTH, Math.floor((finished / counts.total) * BAR_WIDTH)) : 0;
  const parts = [`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${finished}/${counts.total} done`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.conflicts > 0) parts.push(`${counts.conflicts} ${counts.conflicts === 1 ? 'conflict' : 'conflicts'}`);
  if (counts.cancelled > 0) parts.push(`${counts.cancelled} cancelled`);
  const eta = finished > 0 && finished < counts.total ? (elapsedMs / finished) * (counts.total - finished) : 0;
  if (eta >= 500) parts.push(`ETA ${formatDuration(eta)}`);
  if (current) parts.push(current);
  return parts.join(' · ');
}

const noop: ProgressReporter = { update: () => undefined, finish: () => undefined };

export function createProgress(options: ProgressOptions): ProgressReporter {
  if (options.json === true) return noop;
  const { stream } = options;
  const environmentName = environmentNamer(options.plan?.environments ?? []);
  const names = planNames(options.plan ?? { steps: [] }, options.names);
  const lineContext = { environmentName, names, color: options.color === true };

  if (!options.isTTY) {
    return {
      update(event) {
        if (event.type === 'step-finished') stream.write(stepLine(event.step, event.result, lineContext));
      },
      finish: () => undefined,
    };
  }

  const now = options.now ?? Date.now;
  const interval = Math.max(0, options.minIntervalMs ?? 100);
  const width = Math.max(10, (options.columns ?? 80) - 1);
  const started = now();
  const running = new Map<string, PlanStep>();
  let counts: ProgressCounts | null =
    options.total !== undefined && options.total > 0
      ? { total: options.total, pending: options.total, running: 0, done: 0, skipped: 0, failed: 0, conflicts: 0, cancelled: 0 }
      : null;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let over = false;

  const clearLine = (): void => {
    if (shown > 0) stream.write(`\r${' '.repeat(shown)}\r`);
    shown = 0;
  };
  const current = (): string | null => {
    const step = [...running.values()].at(-1);
    return step ? `${actionProgressive(step.kind)} "${targetWords(step)}" in ${environmentName(step.environmentId)}` : null;
  };
  const draw = (): void => {
    timer = null;
    if (over || !counts) return;
    lastDraw = now();
    const text = truncate(cleanText(progressLine({ counts, elapsedMs: lastDraw - started, current: current() })), width);
    const w = displayWidth(text);
    stream.write(`\r${text}${' '.repeat(Math.max(0, shown - w))}`);
    // The blanks cover what was longer before; only the new text needs clearing later.
    shown = w;
  };
  const request = (): void => {
    if (timer !== null) return;
    const wait = lastDraw + interval - now();
    if (wait <= 0) draw();
    else {
      timer = setTimeout(draw, wait);
      // A pending redraw never keeps the process alive.
      timer.unref?.();
    }
  };

  if (counts) draw();
  return {
    update(event) {
      if (over) return;
      counts = event.counts;
      if (event.type === 'step-started') running.set(event.step.id, event.step);
      else {
        running.delete(event.step.id);
        if (event.result.status === 'failed' || event.result.status === 'conflict') {
          clearLine();
          stream.write(stepLine(event.step, event.result, lineContext));
        }
      }
      request();
    },
    finish() {
      if (over) return;
      over = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      clearLine();
    },
  };
}
