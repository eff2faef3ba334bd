/**
 * Key predicates: `workflows(<guid>)`, also `workflows({<guid>})` and `workflows(workflowid=<guid>)`.
 * Alternate keys are not simulated. A key that is not a GUID gets OData.NET's answer,
 * `Bad Request - Error in query syntax.` (400).
 */
import type { EntityMeta } from '../schema';
import { normalizeGuid } from './edm';
import { keySyntaxError } from './errors';
import { decodeQueryComponent } from './options';

export interface EntitySetSegment {
  /** The entity set name as written (set names are case-sensitive). */
  setName: string;
  /** The text between the parentheses, or null for the bare collection. */
  keyText: string | null;
}

/** Splits a resource path segment such as `workflows(…)` into set name and key text. */
export function parseEntitySetSegment(segment: string): EntitySetSegment {
  const open = segment.indexOf('(');
  if (open < 0) {
    if (segment.includes(')')) throw keySyntaxError();
    return { setName: segment, keyText: null };
  }
  if (!segment.endsWith(')') || open === 0) throw keySyntaxError();
  return { setName: segment.slice(0, open), keyText: segment.slice(open + 1, -1) };
}

/** The primary key a key predicate names, as a lower-case GUID; throws ODataError (400) otherwise. */
export function parseEntityKey(meta: EntityMeta, keyText: string): string {
  let text = decodeQueryComponent(keyText).trim();
  const named = /^([A-Za-z_][\w]*)\s*=\s*(.*)$/s.exec(text);
  if (named) {
    if (named[1] !== meta.primaryId) throw keySyntaxError();
    text = (named[2] ?? '').trim();
  }
  const guid = normalizeGuid(text);
  if (!guid) throw keySyntaxError();
  return guid;
}
