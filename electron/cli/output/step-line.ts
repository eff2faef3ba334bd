import type { PlanStep } from '../../../shared/engine/plan';
import type { StepResult, StepStatus } from '../../engine/apply/types';
import { redactText } from '../../log/redact';
import { paint, type Color } from './color';
import { identityWords, targetWords, type NameLookup } from './names';
import { cleanLines, cleanText } from './text';

/**
 * One finished step as a log line: `✓ Contoso Test  activate  Invoice approval  (Adele Vance as Lee Gu)`,
 * and for anything but a plain success, why (`: already on`, the plain-language error, its lines
 * indented below). Shared by the non-TTY progress and the run summary. Without the plan step, the
 * result's own label stands in ("turn on Invoice approval in Contoso Test").
 */

export const STATUS_SYMBOL: Record<StepStatus, string> = {
  done: '✓',
  skipped: '-',
  failed: '✗',
  conflict: '!',
  cancelled: '○',
};

export const STATUS_COLOR: Record<StepStatus, Color> = {
  done: 'green',
  skipped: 'dim',
  failed: 'red',
  conflict: 'yellow',
  cancelled: 'dim',
};

export interface StepLineContext {
  environmentName: (environmentId: string) => string;
  names?: NameLookup | undefined;
  color?: boolean | undefined;
  indent?: string | undefined;
}

/** Why a step ended as it did, in lines (redacted): its error, else its reason; none for a plain success. */
export function whyLines(result: Pick<StepResult, 'status' | 'reason' | 'error'>): string[] {
  const text = result.error?.message ?? (result.status === 'done' ? null : result.reason);
  if (text === null || text.trim() === '') return [];
  return cleanLines(redactText(text)).filter((l) => l.trim() !== '');
}

/** The line (or lines) for one finished step, each ending in a newline. */
export function stepLine(step: Pick<PlanStep, 'kind' | 'target' | 'environmentId'> | null, result: StepResult, ctx: StepLineContext): string {
  const indent = ctx.indent ?? '';
  const symbol = paint(STATUS_SYMBOL[result.status], STATUS_COLOR[result.status], ctx.color === true);
  const what = step
    ? `${ctx.environmentName(step.environmentId)}  ${step.kind}  ${targetWords(step)}`
    : result.label;
  const head = `${indent}${symbol} ${cleanText(what)}  (${cleanText(identityWords(result.identity, ctx.names))})`;
  const [first, ...rest] = whyLines(result);
  const lines = [first === undefined ? head : `${head}: ${first}`, ...rest.map((l) => `${indent}    ${l}`)];
  return `${lines.join('\n')}\n`;
}
