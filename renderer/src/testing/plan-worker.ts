import { demoPlan } from './demo-backend';
import { makeScan, type FixtureOptions } from './fixtures';
import type { Intent, Plan, ScanResult } from '../lib/types';

/**
 * The preview's synthetic planner in a worker (`?planner=worker`): the real app plans in the main
 * process, so a plan costs the UI thread only its arrival (a structured clone), not its making. The
 * render benchmark uses it; the scan is made again here from the same options (deterministic by seed).
 */

export type PlanRequest =
  /** Make the scan now, as the app's main process has its snapshots before anyone plans. */
  | { id: 0; options: FixtureOptions }
  | { id: number; options: FixtureOptions; intent: Intent; planId: string };

export interface PlanAnswer {
  id: number;
  plan: Plan;
}

const scope = self as unknown as { onmessage: ((event: MessageEvent<PlanRequest>) => void) | null; postMessage: (answer: PlanAnswer) => void };
let scan: ScanResult | null = null;
scope.onmessage = (event) => {
  const request = event.data;
  scan ??= makeScan(request.options);
  if ('intent' in request) scope.postMessage({ id: request.id, plan: demoPlan(scan, request.intent, request.planId) });
};
