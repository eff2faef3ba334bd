import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ms, type BenchRow } from './report';

/**
 * The render benchmark (issue 7): the real renderer (renderer/preview.html: the App over the synthetic
 * back end of renderer/src/testing/demo-backend.ts), production-built by Vite, in Chromium. Measured in
 * the page with performance marks and requestAnimationFrame, never from outside (Playwright's own round
 * trips are not the app's time):
 *
 * - data → first paint: the scan is held until the app idles on its skeleton, then released; from the
 *   moment it lands in the store (`patchbay:scan-landed`) to the end of the first frame that shows the
 *   grid's cells (the frame's main-thread work done: style, layout, paint).
 * - scroll: the grid's scroller moved every frame, at one row (48 px) a frame (2,880 px/s, a brisk wheel)
 *   and at two rows a frame (5,760 px/s, a fling) followed by a stretch across the environments; frame
 *   times are the deltas between requestAnimationFrame timestamps (p95), and each frame's main-thread
 *   work (frame start → rendering done) goes to the log. Compared with idle frames of the same page
 *   (what the machine gives when nothing moves) and with the 60 Hz frame budget.
 * - select-all → plan: Ctrl+A on the grid until the selection is painted, plus a click on "Activate" until
 *   the "Review plan" dialog is painted, and until it shows the plan (each from the moment the page
 *   receives the input event). The plan comes from the preview's synthetic planner in a worker, as the
 *   real app's comes from the main process: the UI thread pays for its arrival, not its making.
 *
 * Every figure is the median over several page loads; the spread, and the machine's load, go to the log.
 */

export interface RenderBenchOptions {
  /** Page loads per configuration. */
  reps: number;
  log: (line: string) => void;
  /** Where renderer/ is (another checkout, to compare a change); this repository by default. */
  root?: string;
}

interface Size {
  envs: number;
  refs: number;
  flows: number;
  vars: number;
}

const LARGE: Size = { envs: 20, refs: 500, flows: 1400, vars: 100 };
/** The same app with a matrix that fits on one screen (25 rows × 4 environments): its fixed cost. */
const TINY: Size = { envs: 4, refs: 8, flows: 12, vars: 5 };
const VIEWPORT = { width: 1920, height: 1080 };
const FRAME_BUDGET_MS = 1000 / 60;

/** The targets of issue 7, as budgets. */
const FIRST_PAINT_BUDGET_MS = 150;
const SELECT_ALL_PLAN_BUDGET_MS = 200;

const root = resolve(import.meta.dirname, '../..');

export async function runRenderBench(options: RenderBenchOptions): Promise<{ rows: BenchRow[] }> {
  const { log } = options;
  const outDir = mkdtempSync(join(tmpdir(), 'patchbay-render-bench-'));
  const browserPath = process.env['PATCHBAY_CHROMIUM'] ?? '/usr/bin/chromium';
  let server: Server | null = null;
  let browser: Browser | null = null;
  try {
    const t = performance.now();
    await buildPreview(options.root ?? root, outDir);
    log(`render: preview page built (vite, production) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    server = await serve(outDir);
    const address = server.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: browserPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    log(`render: Chromium ${browser.version()} (software raster: --disable-gpu), viewport ${VIEWPORT.width}×${VIEWPORT.height}, ${options.reps} page loads each`);

    const large: LoadFigures[] = [];
    const tiny: LoadFigures[] = [];
    log(`render: load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs at the start`);
    for (let rep = 0; rep < options.reps; rep++) {
      // Alternate the two, so drift on the machine lands on both alike.
      const small = await measureLoad(browser, origin, TINY, { scroll: false });
      tiny.push(small);
      const figures = await measureLoad(browser, origin, LARGE, { scroll: true });
      large.push(figures);
      log(
        `render ${rep + 1}/${options.reps}: first paint ${f1(figures.firstPaint)} ms (25 × 4: ${f1(small.firstPaint)} ms; ${figures.cells} cells shown); ` +
          `scroll p95 ${f1(figures.slow.p95)} / ${f1(figures.fast.p95)} ms, work p95 ${f1(figures.slow.workP95)} / ${f1(figures.fast.workP95)} ms, ` +
          `${figures.slow.dropped + figures.fast.dropped}/${figures.slow.frames + figures.fast.frames} frames late (idle p95 ${f1(figures.idle.p95)} ms); ` +
          `select-all ${f1(figures.selectAll)} ms + Activate → dialog ${f1(figures.dialog)} ms → plan ${f1(figures.plan)} ms (${figures.steps} steps; plan:build ${f1(figures.planner)} ms; 25 × 4: ${f1(small.selectAll + small.plan)} ms); ` +
          `load ${loadavg()[0]?.toFixed(1) ?? '?'}`,
      );
    }

    const summary = (name: string, values: readonly number[]): number => {
      const m = median(values);
      log(`render ${name}: median ${f1(m)} ms, spread ${f1(Math.min(...values))}–${f1(Math.max(...values))} ms over ${values.length}`);
      return m;
    };
    const firstPaint = summary('first paint after data (2,000 × 20)', large.map((f) => f.firstPaint));
    const tinyPaint = summary('first paint after data (25 × 4)', tiny.map((f) => f.firstPaint));
    const idle = summary('idle frame p95', large.map((f) => f.idle.p95));
    const slow = summary('scroll frame p95, 1 row a frame', large.map((f) => f.slow.p95));
    const fast = summary('scroll frame p95, 2 rows a frame + across', large.map((f) => f.fast.p95));
    summary('scroll frame main-thread work p95, 1 row a frame', large.map((f) => f.slow.workP95));
    summary('scroll frame main-thread work p95, 2 rows a frame + across', large.map((f) => f.fast.workP95));
    summary('Ctrl+A → selection painted', large.map((f) => f.selectAll));
    summary('Activate → dialog painted', large.map((f) => f.dialog));
    summary('Activate → plan painted', large.map((f) => f.plan));
    summary('plan:build round trip (synthetic planner in a worker) within it', large.map((f) => f.planner));
    const toDialog = summary('select-all → Review plan painted (2,000 × 20)', large.map((f) => f.selectAll + f.dialog));
    const tinyToDialog = summary('select-all → Review plan painted (25 × 4)', tiny.map((f) => f.selectAll + f.dialog));
    const total = summary('select-all → plan shown (2,000 × 20)', large.map((f) => f.selectAll + f.plan));
    const tinyTotal = summary('select-all → plan shown (25 × 4)', tiny.map((f) => f.selectAll + f.plan));
    log(`render: load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);

    const frameBudget = { what: 'frame budget, 60 Hz', figure: ms(FRAME_BUDGET_MS), target: 1 };
    const idleFrames = { what: 'idle frames, same page', figure: ms(idle), target: 1 };
    const rows: BenchRow[] = [
      {
        name: 'UI first paint after data (2,000 × 20)',
        patchbay: ms(firstPaint),
        baseline: { what: 'same app, 25 × 4 matrix', figure: ms(tinyPaint), target: 2 },
        bound: { what: 'issue 7 budget', figure: ms(FIRST_PAINT_BUDGET_MS), target: 1 },
      },
      { name: 'UI scroll frame p95 (48 px/frame)', patchbay: ms(slow), baseline: idleFrames, bound: frameBudget },
      { name: 'UI scroll frame p95 (96 px/frame, across)', patchbay: ms(fast), baseline: idleFrames, bound: frameBudget },
      {
        name: 'UI select-all → Review plan',
        patchbay: ms(toDialog),
        baseline: { what: 'same app, 25 × 4 matrix', figure: ms(tinyToDialog), target: 2 },
        bound: { what: 'issue 7 budget', figure: ms(SELECT_ALL_PLAN_BUDGET_MS), target: 1 },
      },
      {
        name: 'UI select-all → plan shown',
        patchbay: ms(total),
        baseline: { what: 'same app, 25 × 4 matrix', figure: ms(tinyTotal), target: 2 },
        bound: { what: 'issue 7 budget', figure: ms(SELECT_ALL_PLAN_BUDGET_MS), target: 1 },
      },
    ];
    return { rows };
  } finally {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    rmSync(outDir, { recursive: true, force: true });
  }
}

interface FrameFigures {
  p95: number;
  workP95: number;
  frames: number;
  /** Frames whose delta missed the next vsync (over one and a half budgets). */
  dropped: number;
}

interface LoadFigures {
  firstPaint: number;
  cells: number;
  idle: FrameFigures;
  slow: FrameFigures;
  fast: FrameFigures;
  selectAll: number;
  dialog: number;
  plan: number;
  planner: number;
  steps: number;
}

const noFrames: FrameFigures = { p95: NaN, workP95: NaN, frames: 0, dropped: 0 };
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '—');

function frameFigures(sample: { deltas: number[]; work: number[] }): FrameFigures {
  return { p95: percentile(sample.deltas, 0.95), workP95: percentile(sample.work, 0.95), frames: sample.deltas.length, dropped: sample.deltas.filter((d) => d > FRAME_BUDGET_MS * 1.5).length };
}

async function measureLoad(browser: Browser, origin: string, size: Size, { scroll }: { scroll: boolean }): Promise<LoadFigures> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  try {
    await page.addInitScript({ content: IN_PAGE });
    const query = new URLSearchParams({ envs: String(size.envs), refs: String(size.refs), flows: String(size.flows), vars: String(size.vars), hold: 'scan', planner: 'worker', theme: 'light' });
    await page.goto(`${origin}/preview.html?${query.toString()}`);
    // The app is up and idle on its "Scanning" skeleton: the data has not arrived yet.
    await page.getByRole('status', { name: /^Scanning/ }).waitFor();
    await evaluate(page, 'window.patchbayBench.settle()');
    const paint = await evaluate<{ firstPaint: number; cells: number }>(page, 'window.patchbayBench.firstPaint()');
    const figures: LoadFigures = { firstPaint: paint.firstPaint, cells: paint.cells, idle: noFrames, slow: noFrames, fast: noFrames, selectAll: NaN, dialog: NaN, plan: NaN, planner: NaN, steps: 0 };

    if (scroll) {
      await evaluate(page, 'window.patchbayBench.settle()');
      figures.idle = frameFigures(await evaluate(page, 'window.patchbayBench.scroll({ down: 120, downStep: 0, across: 0, acrossStep: 0 })'));
      figures.slow = frameFigures(await evaluate(page, 'window.patchbayBench.scroll({ down: 240, downStep: 48, across: 0, acrossStep: 0 })'));
      await evaluate(page, 'window.patchbayBench.settle()');
      figures.fast = frameFigures(await evaluate(page, 'window.patchbayBench.scroll({ down: 240, downStep: 96, across: 80, acrossStep: 48 })'));
      await evaluate(page, 'window.patchbayBench.scrollHome()');
    }

    // Select all from the keyboard, on a focused cell.
    await page.getByRole('gridcell').first().click();
    await evaluate(page, 'window.patchbayBench.settle()');
    await evaluate(page, 'window.patchbayBench.armSelectAll()');
    await page.keyboard.press('Control+A');
    figures.selectAll = await evaluate<number>(page, 'window.patchbayBench.selectAllDone');
    await evaluate(page, 'window.patchbayBench.settle()');
    await evaluate(page, 'window.patchbayBench.armPlan()');
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    const plan = await evaluate<{ dialog: number; plan: number; steps: number; planner: number }>(page, 'window.patchbayBench.planDone');
    figures.dialog = plan.dialog;
    figures.plan = plan.plan;
    figures.steps = plan.steps;
    figures.planner = plan.planner;
    return figures;
  } finally {
    await context.close();
  }
}

/** Evaluates an expression (a string: nothing of the bench's own transpiled code crosses into the page). */
async function evaluate<T = unknown>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/**
 * The in-page half, plain JavaScript installed before the app's own scripts. "After a frame" is the first
 * task after that frame's rendering work (a message posted from its requestAnimationFrame callback).
 */
const IN_PAGE = String.raw`
(() => {
  const now = () => performance.now();
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  /** Resolves at the end of the first frame whose requestAnimationFrame sees pred() true. */
  const frameWhen = (pred, timeoutMs = 20000) => new Promise((resolve, reject) => {
    const start = now();
    const tick = (ts) => {
      let ok = false;
      try { ok = !!pred(); } catch (e) { reject(e); return; }
      if (ok) {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve({ frame: ts, painted: now() });
        ch.port2.postMessage(0);
        return;
      }
      if (now() - start > timeoutMs) { reject(new Error('timed out waiting for ' + pred)); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const grid = () => document.querySelector('[role="grid"][aria-label="Solution matrix"]');
  const once = (type, filter) => new Promise((resolve) => {
    const listener = (e) => {
      if (!filter(e)) return;
      window.removeEventListener(type, listener, true);
      resolve(now());
    };
    window.addEventListener(type, listener, true);
  });
  window.patchbayBench = {
    /** A few quiet frames, so one measure does not pay for the last one's leftovers. */
    async settle() {
      for (let i = 0; i < 10; i++) await frame();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 3; i++) await frame();
    },
    async firstPaint() {
      window.patchbayPreview.releaseScan();
      const painted = await frameWhen(() => grid() && grid().querySelector('[role="gridcell"]'));
      const landed = performance.getEntriesByName('patchbay:scan-landed')[0];
      if (!landed) throw new Error('no patchbay:scan-landed mark');
      return { firstPaint: painted.painted - landed.startTime, cells: document.querySelectorAll('[role="gridcell"]').length };
    },
    async scroll({ down, downStep, across, acrossStep }) {
      const el = grid();
      const deltas = [];
      const work = [];
      let last = null;
      for (let i = 0; i < down + across; i++) {
        const ts = await new Promise((resolve) => requestAnimationFrame((t) => {
          if (i < down) el.scrollTop += downStep;
          else el.scrollLeft += (Math.floor((i - down) / 20) % 2 === 0 ? 1 : -1) * acrossStep;
          const ch = new MessageChannel();
          ch.port1.onmessage = () => work.push(now() - t);
          ch.port2.postMessage(0);
          resolve(t);
        }));
        if (last !== null) deltas.push(ts - last);
        last = ts;
      }
      await frame();
      return { deltas, work };
    },
    async scrollHome() {
      const el = grid();
      el.scrollTop = 0;
      el.scrollLeft = 0;
      await this.settle();
    },
    armSelectAll() {
      const total = () => {
        const corner = document.querySelector('[role="columnheader"][aria-label="Select all"]');
        const m = /^(\d+) of (\d+) cells selected/.exec(corner ? corner.getAttribute('aria-description') || '' : '');
        return m && m[1] === m[2] && m[1] !== '0';
      };
      const pressed = once('keydown', (e) => (e.key === 'a' || e.key === 'A') && (e.ctrlKey || e.metaKey));
      this.selectAllDone = pressed.then(async (t0) => (await frameWhen(total)).painted - t0);
    },
    armPlan() {
      const dialog = () => document.querySelector('[role="dialog"][aria-label="Review plan"]');
      const clicked = once('click', (e) => !!(e.target && e.target.closest && e.target.closest('button')));
      this.planDone = clicked.then(async (t0) => {
        const shown = await frameWhen(dialog);
        const planned = await frameWhen(() => dialog() && dialog().querySelector('section[aria-label="Steps"]'), 180000);
        const m = /(\d+) steps? in/.exec(dialog().textContent || '');
        const planner = performance.getEntriesByName('patchbay:plan:build').pop();
        return { dialog: shown.painted - t0, plan: planned.painted - t0, steps: m ? Number(m[1]) : 0, planner: planner ? planner.duration : NaN };
      });
    },
  };
})();
`;

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (sorted[lo] ?? NaN) + ((sorted[hi] ?? NaN) - (sorted[lo] ?? NaN)) * (rank - lo);
}

/**
 * The preview page as a production build: renderer/vite.config.ts with preview.html as the only input,
 * into a temporary folder (the shipped build, out/renderer, is neither touched nor given the page).
 */
async function buildPreview(from: string, outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(from, 'renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { preview: join(from, 'renderer/preview.html') } } },
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.woff2': 'font/woff2', '.png': 'image/png' };

/** A static file server for the built page on 127.0.0.1 (module scripts need http, not file:). */
async function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir + sep) || !isFile(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(path));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
