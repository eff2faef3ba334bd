/**
 * Runs a FetchQuery over rows: joins link-entities in document order the way the platform's flat SQL
 * does (an inner link under an outer one still removes rows), filters with SQL NULL semantics and sorts
 * with Dataverse's rules (choice columns by label, lookups by the related row's primary name).
 */
import type { Row } from '../../model';
import type { AttributeMeta, EntityMeta } from '../schema';
import type { ConditionNode, FetchQuery, FilterNode, LinkNode, QueryNode } from './query';
import { compareStrings, compareTyped, joinKey, matchesLike, sqlGuidKey, typedCell, type Typed } from './values';

/** Where the engine reads rows and metadata from. */
export interface FetchXmlDataSource {
  /** Every row of a table (entity logical name). */
  rowsOf(logicalName: string): readonly Row[];
  /** One row by primary key (any GUID spelling the caller accepts). */
  getRow(logicalName: string, id: string): Row | undefined;
  entityMeta(logicalName: string): EntityMeta | undefined;
}

/** One joined result row: the row of each query node by its index (null for an unmatched outer link). */
export type Tuple = readonly (Row | null)[];

export const cellOf = (tuple: Tuple, node: QueryNode, attr: AttributeMeta): Typed | null =>
  typedCell(attr, tuple[node.index]?.[attr.logicalName]);

/** Resolves lookups to their target table and primary name, caching per query. */
export class LookupResolver {
  private readonly cache = new Map<string, { target: string; name: string | null }>();

  constructor(private readonly data: FetchXmlDataSource) {}

  resolve(attr: AttributeMeta, id: string): { target: string; name: string | null } {
    const key = `${attr.logicalName}|${id}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const targets = attr.targets ?? [];
    let result: { target: string; name: string | null } = { target: targets[0] ?? '', name: null };
    for (const target of targets) {
      const row = this.data.getRow(target, id);
      if (!row) continue;
      const meta = this.data.entityMeta(target);
      const name = meta ? row[meta.primaryName] : undefined;
      result = { target, name: name === undefined || name === null || name === '' ? null : String(name) };
      break;
    }
    this.cache.set(key, result);
    return result;
  }
}

// ---------------------------------------------------------------------------------------------- joins

function indexLinkRows(link: LinkNode, data: FetchXmlDataSource): Map<string, Row[]> {
  const index = new Map<string, Row[]>();
  for (const row of data.rowsOf(link.meta.logicalName)) {
    const value = typedCell(link.from, row[link.from.logicalName]);
    if (value === null) continue;
    const key = joinKey(value);
    const bucket = index.get(key);
    if (bucket) bucket.push(row);
    else index.set(key, [row]);
  }
  return index;
}

export function joinRows(query: FetchQuery, data: FetchXmlDataSource): Tuple[] {
  const width = query.links.length + 1;
  let tuples: (Row | null)[][] = data.rowsOf(query.root.meta.logicalName).map((row) => {
    const tuple: (Row | null)[] = new Array<Row | null>(width).fill(null);
    tuple[0] = row;
    return tuple;
  });
  for (const link of query.links) {
    const index = indexLinkRows(link, data);
    const next: (Row | null)[][] = [];
    for (const tuple of tuples) {
      const parentValue = cellOf(tuple, link.parent, link.to);
      const candidates = parentValue === null ? [] : (index.get(joinKey(parentValue)) ?? []);
      const matches = candidates.filter((row) => {
        if (!link.filter) return true;
        const probe = tuple.slice();
        probe[link.index] = row;
        return matchesFilter(link.filter, probe);
      });
      if (link.linkType === 'exists' || link.linkType === 'in') {
        if (matches.length > 0) next.push(tuple);
      } else if (matches.length > 0) {
        for (const row of matches) {
          const joined = tuple.slice();
          joined[link.index] = row;
          next.push(joined);
        }
      } else if (link.linkType === 'outer') {
        next.push(tuple);
      }
    }
    tuples = next;
  }
  return query.root.filter ? tuples.filter((tuple) => matchesFilter(query.root.filter as FilterNode, tuple)) : tuples;
}

// -------------------------------------------------------------------------------------------- filters

export function matchesFilter(filter: FilterNode, tuple: Tuple): boolean {
  if (filter.items.length === 0) return true;
  const test = (item: FilterNode | ConditionNode): boolean =>
    item.kind === 'filter' ? matchesFilter(item, tuple) : matchesCondition(item, tuple);
  return filter.type === 'and' ? filter.items.every(test) : filter.items.some(test);
}

function matchesCondition(condition: ConditionNode, tuple: Tuple): boolean {
  const value = cellOf(tuple, condition.node, condition.attr);
  const { operator } = condition;
  if (operator === 'null') return value === null;
  if (operator === 'not-null') return value !== null;
  // Any other comparison with NULL is unknown, so the row doesn't match (not even for ne / not-in).
  if (value === null) return false;
  const type = condition.attr.type;
  const compare = (operand: Typed): number => compareTyped(type, value, operand);
  if (condition.valueOf) {
    const other = cellOf(tuple, condition.node, condition.valueOf);
    if (other === null) return false;
    return compareWith(operator, compare(other));
  }
  const [first, second] = condition.values;
  const [pattern] = condition.patterns;
  switch (operator) {
    case 'in':
      return condition.values.some((operand) => compare(operand) === 0);
    case 'not-in':
      return !condition.values.some((operand) => compare(operand) === 0);
    case 'between':
    case 'not-between': {
      if (first === undefined || second === undefined) return false;
      const inside = compare(first) >= 0 && compare(second) <= 0;
      return operator === 'between' ? inside : !inside;
    }
    case 'like':
    case 'begins-with':
    case 'ends-with':
      return pattern ? matchesLike(String(value), pattern) : first !== undefined && compare(first) === 0;
    case 'not-like':
    case 'not-begin-with':
    case 'not-end-with':
      return pattern ? !matchesLike(String(value), pattern) : first !== undefined && compare(first) !== 0;
    default:
      return first !== undefined && compareWith(operator, compare(first));
  }
}

function compareWith(operator: string, result: number): boolean {
  switch (operator) {
    case 'eq':
      return result === 0;
    case 'ne':
      return result !== 0;
    case 'gt':
      return result > 0;
    case 'ge':
      return result >= 0;
    case 'lt':
      return result < 0;
    case 'le':
      return result <= 0;
    default:
      return false;
  }
}

// -------------------------------------------------------------------------------------------- sorting

export interface SortSpec {
  node: QueryNode;
  attr: AttributeMeta;
  descending: boolean;
}

/** A comparable form of a value under Dataverse ordering rules; null sorts first ascending. */
export type SortKey = { kind: 'number'; value: number } | { kind: 'text'; value: string } | { kind: 'ordinal'; value: string } | null;

export function sortKeyOf(attr: AttributeMeta, value: Typed | null, useRawOrderBy: boolean, lookups: LookupResolver): SortKey {
  if (value === null) return null;
  switch (attr.type) {
    case 'picklist':
    case 'state':
    case 'status':
      if (useRawOrderBy) return { kind: 'number', value: Number(value) };
      return { kind: 'text', value: attr.options?.[String(value)] ?? String(value) };
    case 'lookup':
    case 'owner': {
      const name = lookups.resolve(attr, String(value)).name;
      return name === null ? null : { kind: 'text', value: name };
    }
    case 'uniqueidentifier':
      return { kind: 'ordinal', value: sqlGuidKey(String(value)) };
    case 'string':
    case 'memo':
      return { kind: 'text', value: String(value) };
    default:
      return { kind: 'number', value: typeof value === 'boolean' ? (value ? 1 : 0) : Number(value) };
  }
}

export function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (a.kind === 'text' && b.kind === 'text') return compareStrings(a.value, b.value);
  if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
  const av = String(a.value);
  const bv = String(b.value);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

export function compareKeyLists(specs: readonly SortSpec[], a: readonly SortKey[], b: readonly SortKey[]): number {
  for (let i = 0; i < specs.length; i++) {
    const result = compareSortKeys(a[i] ?? null, b[i] ?? null);
    if (result !== 0) return specs[i]?.descending ? -result : result;
  }
  return 0;
}

/** The query's orders (fetch entity first, then link-entities in document order) plus primary-key tie-breakers. */
export function sortSpecs(query: FetchQuery): SortSpec[] {
  const specs: SortSpec[] = [...query.root.orders];
  for (const link of query.links) specs.push(...link.orders);
  specs.push({ node: query.root, attr: primaryKey(query.root), descending: false });
  for (const link of query.links) {
    if (link.linkType === 'inner' || link.linkType === 'outer') specs.push({ node: link, attr: primaryKey(link), descending: false });
  }
  return specs;
}

export function primaryKey(node: QueryNode): AttributeMeta {
  return node.meta.attributes[node.meta.primaryId] ?? { logicalName: node.meta.primaryId, type: 'uniqueidentifier' };
}

export function sortTuples(tuples: readonly Tuple[], specs: readonly SortSpec[], useRawOrderBy: boolean, lookups: LookupResolver): Tuple[] {
  const keyed = tuples.map((tuple) => ({
    tuple,
    keys: specs.map((spec) => sortKeyOf(spec.attr, cellOf(tuple, spec.node, spec.attr), useRawOrderBy, lookups)),
  }));
  keyed.sort((a, b) => compareKeyLists(specs, a.keys, b.keys));
  return keyed.map((entry) => entry.tuple);
}
