import { findNodeAtLocation } from 'jsonc-parser';
import type { Plan } from '../../shared/engine/plan';
import { planSchema } from '../engine/apply/records';
import { parseJsonText } from '../engine/files/json-text';
import { UsageError } from './args';

/**
 * A plan file as `patchbay plan --out` wrote it, possibly edited by hand: invalid JSON or a wrong shape
 * is refused with the file's line and column for each problem, before anything connects or writes.
 */
export function parsePlanFile(text: string, path: string): Plan {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new UsageError(`${path}(${parsed.error.line},${parsed.error.column}): ${parsed.error.message}`);
  const checked = planSchema.safeParse(JSON.parse(parsed.document.text));
  if (!checked.success) {
    const lines = checked.error.issues.slice(0, 20).map((issue) => {
      const node = findNodeAtLocation(parsed.document.root, issue.path.map((p) => (typeof p === 'number' ? p : String(p))));
      const at = node ? parsed.document.positionOf(node) : { line: 1, column: 1 };
      const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `${path}(${at.line},${at.column}): ${where || '(root)'}: ${issue.message}`;
    });
    throw new UsageError(`The plan file is not a valid Patchbay plan; nothing was applied:\n${lines.join('\n')}`);
  }
  return checked.data as unknown as Plan;
}
