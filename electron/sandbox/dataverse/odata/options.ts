/**
 * System query options of a Dataverse Web API request: reading them from the query string (names are
 * case-sensitive; `$skip`, `$search`, `$format` and unknown `$` names are refused as the platform
 * does) and binding $select, $expand, $filter, $orderby, $top and $count against the entity metadata.
 */
import { attributeByNavigation, attributeByPropertyName, entityByLogicalName, type AttributeMeta, type CollectionNavigationMeta, type EntityMeta } from '../schema';
import { knownTargets, navigationTypeName } from './edm';
import {
  invalidSelectTerm,
  applyNotSupported,
  entityTypeName,
  expandOptionNotSupported,
  expandRefOnCollection,
  expandTargetNotSimulated,
  invalidCount,
  invalidTop,
  navigationInSelect,
  notANavigationProperty,
  optionSpecifiedTwice,
  propertyNotFound,
  propertyNotFoundOnType,
  queryParameterNotSupported,
  syntaxError,
  unbalancedBracket,
} from './errors';
import { parseFilter, parseOrderBy, type OrderByItem, type ParameterAliases, type RowPredicate } from './expression';

// ---- query string -------------------------------------------------------------------------------

const SYSTEM_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken']);

export interface RawQueryOptions {
  /** Supported system query options present, decoded. */
  system: ReadonlyMap<string, string>;
  /** Parameter aliases (`@p1` → raw value text). */
  aliases: ParameterAliases;
  /** Other (custom) parameters such as fetchXml, decoded; the last of a repeated name wins. */
  custom: ReadonlyMap<string, string>;
}

/** decodeURIComponent with `+` as space; malformed escapes are kept as typed. */
export function decodeQueryComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Splits a raw query string (with or without `?`) into its system options, aliases and custom parameters. */
export function readQueryString(search: string): RawQueryOptions {
  const system = new Map<string, string>();
  const aliases = new Map<string, string>();
  const custom = new Map<string, string>();
  const raw = search.startsWith('?') ? search.slice(1) : search;
  for (const piece of raw.split('&')) {
    if (!piece) continue;
    const eq = piece.indexOf('=');
    const name = decodeQueryComponent(eq < 0 ? piece : piece.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryComponent(piece.slice(eq + 1));
    if (name.startsWith('$')) {
      if (name === '$apply') throw applyNotSupported();
      if (!SYSTEM_OPTIONS.has(name)) throw queryParameterNotSupported(name);
      if (system.has(name)) throw optionSpecifiedTwice(name);
      system.set(name, value);
    } else if (name.startsWith('@')) aliases.set(name, value);
    else custom.set(name, value);
  }
  return { system, aliases, custom };
}

// ---- $select / $expand --------------------------------------------------------------------------

export interface SelectExpand {
  /** Selected Web API property names in request order, de-duplicated; null = every column. */
  select: readonly string[] | null;
  expand: readonly ExpandItem[];
}

export interface SingleValuedExpand {
  kind: 'single';
  navigation: string;
  /** The lookup behind the navigation property. */
  attr: AttributeMeta;
  /** Simulated tables the lookup can point at. */
  targets: readonly EntityMeta[];
  /** `nav/$ref`: only the related row's `@odata.id`. */
  ref: boolean;
  options: SelectExpand;
}

export interface CollectionValuedExpand {
  kind: 'collection';
  navigation: string;
  relationship: CollectionNavigationMeta;
  target: EntityMeta;
  options: SelectExpand;
  filter: RowPredicate | null;
  orderBy: readonly OrderByItem[];
  top: number | null;
}

export type ExpandItem = SingleValuedExpand | CollectionValuedExpand;

/**
 * Validates a $select list against one or more entity types (several for a polymorphic lookup such as
 * ownerid: a name is valid if any target has it). Returns null for "all columns".
 */
export function bindSelect(text: string, metas: readonly EntityMeta[], typeName: string): string[] | null {
  const names: string[] = [];
  for (const rawItem of text.split(',')) {
    const item = rawItem.trim();
    if (!item) throw invalidSelectTerm(text);
    if (item === '*') return null;
    if (metas.some((m) => attributeByPropertyName(m, item))) {
      if (!names.includes(item)) names.push(item);
      continue;
    }
    for (const m of metas) {
      const nav = attributeByNavigation(m, item);
      if (nav) throw navigationInSelect(item, `_${nav.logicalName}_value`, m.logicalName);
      if (m.collectionNavigations.some((c) => c.name === item)) throw navigationInSelect(item, null, m.logicalName);
    }
    throw propertyNotFoundOnType(item, typeName);
  }
  return names.length ? names : null;
}

/** Splits on a delimiter at parenthesis depth 0, outside single-quoted literals. */
function splitTopLevel(text: string, delimiter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') {
      depth--;
      if (depth < 0) throw unbalancedBracket();
    } else if (!quoted && depth === 0 && c === delimiter) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw unbalancedBracket();
  parts.push(text.slice(start));
  return parts;
}

const NESTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$expand']);

function parseTop(value: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) > 2147483647) throw invalidTop(value);
  return Number(v);
}

/** Parses and binds a $expand value (with nested `($select=…;$filter=…;$orderby=…;$top=…;$expand=…)`). */
export function bindExpand(text: string, meta: EntityMeta): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (const rawItem of splitTopLevel(text, ',')) {
    const item = rawItem.trim();
    if (!item) throw invalidSelectTerm(text);
    const open = item.indexOf('(');
    let head = (open < 0 ? item : item.slice(0, open)).trim();
    let nested = '';
    if (open >= 0) {
      if (!item.endsWith(')')) throw syntaxError(text.indexOf(item) + item.lastIndexOf(')') + 1, text);
      nested = item.slice(open + 1, -1);
    }
    let ref = false;
    if (head.endsWith('/$ref')) {
      ref = true;
      head = head.slice(0, -'/$ref'.length).trim();
    }
    if (!head || /[\s/]/.test(head)) throw syntaxError(text.indexOf(item) + head.length, text);

    const options = new Map<string, string>();
    for (const rawOption of nested ? splitTopLevel(nested, ';') : []) {
      const option = rawOption.trim();
      if (!option) continue;
      const eq = option.indexOf('=');
      const name = (eq < 0 ? option : option.slice(0, eq)).trim();
      if (!NESTED_OPTIONS.has(name)) throw queryParameterNotSupported(name);
      if (options.has(name)) throw optionSpecifiedTwice(name);
      options.set(name, eq < 0 ? '' : option.slice(eq + 1));
    }

    const attr = attributeByNavigation(meta, head);
    if (attr) {
      for (const unsupported of ['$filter', '$orderby', '$top']) {
        if (options.has(unsupported)) throw expandOptionNotSupported(unsupported, head);
      }
      const targets = knownTargets(attr);
      if (!targets.length) throw expandTargetNotSimulated(head, attr.targets?.[0] ?? 'unknown');
      const typeName = targets.length === 1 && attr.type !== 'owner' ? entityTypeName(targets[0]?.logicalName ?? '') : navigationTypeName(attr);
      items.push({ kind: 'single', navigation: head, attr, targets, ref, options: bindSelectExpand(options, targets, typeName) });
      continue;
    }
    const relationship = meta.collectionNavigations.find((c) => c.name === head);
    if (relationship) {
      if (ref) throw expandRefOnCollection();
      const target = entityByLogicalName(relationship.entity);
      if (!target) throw expandTargetNotSimulated(head, relationship.entity);
      const filterText = options.get('$filter');
      const orderByText = options.get('$orderby');
      const topText = options.get('$top');
      items.push({
        kind: 'collection',
        navigation: head,
        relationship,
        target,
        options: bindSelectExpand(options, [target], entityTypeName(target.logicalName)),
        filter: filterText !== undefined && filterText.trim() !== '' ? parseFilter(target, filterText) : null,
        orderBy: orderByText !== undefined && orderByText.trim() !== '' ? parseOrderBy(target, orderByText) : [],
        top: topText !== undefined ? parseTop(topText) : null,
      });
      continue;
    }
    if (attributeByPropertyName(meta, head)) throw notANavigationProperty(head, meta.logicalName);
    throw propertyNotFound(head, meta.logicalName);
  }
  return items;
}

function bindSelectExpand(options: ReadonlyMap<string, string>, metas: readonly EntityMeta[], typeName: string): SelectExpand {
  const selectText = options.get('$select');
  const expandText = options.get('$expand');
  const first = metas[0];
  return {
    select: selectText !== undefined ? bindSelect(selectText, metas, typeName) : null,
    expand: expandText !== undefined && expandText.trim() !== '' && first ? bindExpand(expandText, first) : [],
  };
}

// ---- the whole query ----------------------------------------------------------------------------

export interface QueryOptions extends SelectExpand {
  filter: RowPredicate | null;
  orderBy: readonly OrderByItem[];
  top: number | null;
  count: boolean;
  /** The decoded `$skiptoken` (a `<cookie …/>` from our own nextLink); null when absent. */
  skipToken: string | null;
  /** Custom (non-`$`, non-`@`) parameters, e.g. fetchXml. */
  custom: ReadonlyMap<string, string>;
}

/** Reads and binds every system query option of a request URL's query string against `meta`. */
export function parseQueryOptions(meta: EntityMeta, search: string): QueryOptions {
  const { system, aliases, custom } = readQueryString(search);
  const typeName = entityTypeName(meta.logicalName);
  const select = system.get('$select');
  const expand = system.get('$expand');
  const filter = system.get('$filter');
  const orderBy = system.get('$orderby');
  const top = system.get('$top');
  const count = system.get('$count');
  if (count !== undefined && count !== 'true' && count !== 'false') throw invalidCount(count);
  return {
    select: select !== undefined ? bindSelect(select, [meta], typeName) : null,
    expand: expand !== undefined && expand.trim() !== '' ? bindExpand(expand, meta) : [],
    filter: filter !== undefined && filter.trim() !== '' ? parseFilter(meta, filter, aliases) : null,
    orderBy: orderBy !== undefined && orderBy.trim() !== '' ? parseOrderBy(meta, orderBy, aliases) : [],
    top: top !== undefined ? parseTop(top) : null,
    count: count === 'true',
    skipToken: system.get('$skiptoken') ?? null,
    custom,
  };
}
