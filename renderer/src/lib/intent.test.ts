import { describe, expect, it } from 'vitest';
import { makeScan } from '../testing/fixtures';
import { demoPlan } from '../testing/demo-backend';
import { buildGridModel } from './grid-model';
import { actionIntent, applyAllFixes, applyFix, type ActionKind } from './intent';
import { initialSelection, selectAll, summarize } from './selection';
import type { Intent, Plan } from './types';

/** The fold as written first: every fix applied in turn, kept when the intent changes. */
function foldOneByOne(intent: Intent, plan: Plan): { intent: Intent; count: number } {
  let next = intent;
  let count = 0;
  for (const step of plan.steps) {
    if (step.verdict.outcome === 'will-succeed') continue;
    for (const fix of step.verdict.fixes) {
      if (fix.kind === 'use-identity' && step.verdict.fixes.some((f) => f.kind === 'share')) continue;
      const amended = applyFix(next, step, fix);
      if (amended && JSON.stringify(amended) !== JSON.stringify(next)) {
        next = amended;
        count += 1;
      }
    }
  }
  return { intent: next, count };
}

describe('applyAllFixes', () => {
  const scan = makeScan({ environments: 5, references: 30, flows: 60, variables: 4, seed: 5 });
  const model = buildGridModel(scan.matrix);
  const envIds = scan.matrix.columns.map((c) => c.environmentId);
  const all = [...selectAll(initialSelection, model).selected];

  it('folds the same intent and count as applying the fixes one by one', () => {
    const selections = [new Set<string>(), new Set(all), new Set(all.filter((_, i) => i % 4 === 0))];
    const kinds: ActionKind[] = ['activate', 'wire', 'wire-activate', 'share'];
    let folded = 0;
    for (const selected of selections) {
      for (const kind of kinds) {
        for (const identity of [{}, { [envIds[0] as string]: 'spn' as const }]) {
          const intent = actionIntent(kind, summarize(selected, model), envIds, identity);
          const plan = demoPlan(scan, intent, 'p');
          const fast = applyAllFixes(intent, plan);
          expect(fast).toEqual(foldOneByOne(intent, plan));
          folded += fast.count;
          // And again on the folded intent (pins and lists already there).
          const again = demoPlan(scan, fast.intent, 'q');
          expect(applyAllFixes(fast.intent, again)).toEqual(foldOneByOne(fast.intent, again));
        }
      }
    }
    expect(folded).toBeGreaterThan(0);
  });

  it('folds activate-first and use-identity fixes like applyFix does', () => {
    const env = envIds[0] as string;
    const intent: Intent = { environmentIds: [env], identity: 'auto', share: false, activate: ['flow-a'] };
    const step = (fixes: Plan['steps'][number]['verdict']['fixes']): Plan['steps'][number] =>
      ({ id: `s${fixes.length}`, environmentId: env, kind: 'activate', target: { type: 'flow', flowId: 'flow-a', name: 'A' }, before: 'off', after: 'on', strategy: 'me', identity: null, dependsOn: [], verdict: { outcome: 'will-fail', strategy: 'me', identity: null, blockers: [], fixes }, etag: null }) as unknown as Plan['steps'][number];
    const plan = {
      steps: [
        step([{ kind: 'activate-first', flowId: 'FLOW-A', flowName: 'A' }, { kind: 'activate-first', flowId: 'flow-b', flowName: 'B' }]),
        step([{ kind: 'activate-first', flowId: 'flow-b', flowName: 'B' }, { kind: 'use-identity', strategy: 'connection-owner' }, { kind: 'use-identity', strategy: 'connection-owner' }]),
      ],
    } as unknown as Plan;
    const fast = applyAllFixes(intent, plan);
    expect(fast).toEqual(foldOneByOne(intent, plan));
    expect(fast.count).toBe(2);
    expect(fast.intent.activate).toEqual(['flow-a', 'flow-b']);
  });
});
