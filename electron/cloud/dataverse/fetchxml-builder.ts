import { XMLBuilder } from 'fast-xml-parser';
import { identifier } from './odata-literals';

/**
 * FetchXML as data (reference §7.2): a typed description of `<fetch>` turned into XML by
 * fast-xml-parser's XMLBuilder, which escapes every attribute and text value (`<`, `&`, quotes), so a
 * value can never change the query's structure. Names are checked to be Dataverse identifiers.
 */

export type FetchOperator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'like'
  | 'not-like'
  | 'begins-with'
  | 'not-begin-with'
  | 'ends-with'
  | 'not-end-with'
  | 'null'
  | 'not-null'
  | 'in'
  | 'not-in'
  | 'between'
  | 'not-between';

export type FetchValue = string | number | boolean;

export interface FetchCondition {
  attribute: string;
  operator: FetchOperator;
  /** For single-value operators. */
  value?: FetchValue;
  /** For `in`, `not-in` (one or more) and `between`, `not-between` (exactly two). */
  values?: readonly FetchValue[];
  /** A link-entity alias, to filter the root on a linked column. */
  entityName?: string;
}

export interface FetchFilter {
  type?: 'and' | 'or';
  conditions?: readonly FetchCondition[];
  filters?: readonly FetchFilter[];
}

export interface FetchOrder {
  attribute: string;
  descending?: boolean;
}

export interface FetchLinkEntity {
  name: string;
  /** Column of the linked entity. */
  from: string;
  /** Column of the parent entity. */
  to: string;
  alias?: string;
  /** `exists` filters the parent without adding rows or columns. */
  linkType?: 'inner' | 'outer' | 'exists' | 'in';
  attributes?: readonly string[];
  filter?: FetchFilter;
  orders?: readonly FetchOrder[];
  links?: readonly FetchLinkEntity[];
}

export interface FetchEntity {
  name: string;
  /** Columns, or `'all'` for `<all-attributes/>`. The primary key is always returned. */
  attributes?: readonly string[] | 'all';
  filter?: FetchFilter;
  orders?: readonly FetchOrder[];
  links?: readonly FetchLinkEntity[];
}

export interface FetchSpec {
  entity: FetchEntity;
  distinct?: boolean;
  /** Not combinable with paging (count/page). */
  top?: number;
  count?: number;
  page?: number;
  /** The decoded inner cookie `<cookie page="1">…</cookie>` of the previous page. */
  pagingCookie?: string;
  returnTotalRecordCount?: boolean;
  noLock?: boolean;
}

type XmlNode = Record<string, unknown>;

const NO_VALUE: ReadonlySet<FetchOperator> = new Set(['null', 'not-null']);
const MANY_VALUES: ReadonlySet<FetchOperator> = new Set(['in', 'not-in']);
const TWO_VALUES: ReadonlySet<FetchOperator> = new Set(['between', 'not-between']);

const text = (value: FetchValue): string => (typeof value === 'boolean' ? (value ? '1' : '0') : String(value));

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`FetchXML ${what} must be a positive integer, got ${value}.`);
  return value;
}

function conditionNode(c: FetchCondition): XmlNode {
  const node: XmlNode = { '@_attribute': identifier(c.attribute, 'FetchXML attribute'), '@_operator': c.operator };
  if (c.entityName !== undefined) node['@_entityname'] = identifier(c.entityName, 'FetchXML entityname');
  const what = `condition '${c.attribute} ${c.operator}'`;
  if (NO_VALUE.has(c.operator)) {
    if (c.value !== undefined || c.values !== undefined) throw new TypeError(`The FetchXML ${what} takes no value.`);
  } else if (MANY_VALUES.has(c.operator) || TWO_VALUES.has(c.operator)) {
    const values = c.values ?? [];
    if (c.value !== undefined) throw new TypeError(`The FetchXML ${what} takes 'values', not 'value'.`);
    if (MANY_VALUES.has(c.operator) && values.length === 0) throw new TypeError(`The FetchXML ${what} needs at least one value.`);
    if (TWO_VALUES.has(c.operator) && values.length !== 2) throw new TypeError(`The FetchXML ${what} needs exactly two values.`);
    node['value'] = values.map(text);
  } else {
    if (c.value === undefined || c.values !== undefined) throw new TypeError(`The FetchXML ${what} needs exactly one 'value'.`);
    node['@_value'] = text(c.value);
  }
  return node;
}

function filterNode(f: FetchFilter): XmlNode {
  const node: XmlNode = { '@_type': f.type ?? 'and' };
  if (f.conditions?.length) node['condition'] = f.conditions.map(conditionNode);
  if (f.filters?.length) node['filter'] = f.filters.map(filterNode);
  return node;
}

const orderNode = (o: FetchOrder): XmlNode => ({
  '@_attribute': identifier(o.attribute, 'FetchXML order attribute'),
  ...(o.descending ? { '@_descending': 'true' } : {}),
});

const attributeNodes = (names: readonly string[]): XmlNode[] => names.map((name) => ({ '@_name': identifier(name, 'FetchXML attribute') }));

/** Children common to entity and link-entity, in the order the documentation writes them. */
function body(e: { attributes?: readonly string[] | 'all'; orders?: readonly FetchOrder[]; filter?: FetchFilter; links?: readonly FetchLinkEntity[] }): XmlNode {
  const node: XmlNode = {};
  if (e.attributes === 'all') node['all-attributes'] = '';
  else if (e.attributes?.length) node['attribute'] = attributeNodes(e.attributes);
  if (e.orders?.length) node['order'] = e.orders.map(orderNode);
  if (e.filter) node['filter'] = filterNode(e.filter);
  if (e.links?.length) node['link-entity'] = e.links.map(linkNode);
  return node;
}

function linkNode(l: FetchLinkEntity): XmlNode {
  return {
    '@_name': identifier(l.name, 'FetchXML link-entity'),
    '@_from': identifier(l.from, 'FetchXML link-entity from'),
    '@_to': identifier(l.to, 'FetchXML link-entity to'),
    ...(l.alias !== undefined ? { '@_alias': identifier(l.alias, 'FetchXML alias') } : {}),
    '@_link-type': l.linkType ?? 'inner',
    ...body(l),
  };
}

// suppressBooleanAttributes is on by default and would write `descending="true"` as a bare `descending`.
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

export function buildFetchXml(spec: FetchSpec): string {
  if (spec.top !== undefined && (spec.count !== undefined || spec.page !== undefined)) {
    throw new TypeError('FetchXML top cannot be combined with paging (count/page).');
  }
  const fetch: XmlNode = {
    '@_version': '1.0',
    '@_mapping': 'logical',
    ...(spec.distinct ? { '@_distinct': 'true' } : {}),
    ...(spec.noLock ? { '@_no-lock': 'true' } : {}),
    ...(spec.returnTotalRecordCount ? { '@_returntotalrecordcount': 'true' } : {}),
    ...(spec.top !== undefined ? { '@_top': String(positive(spec.top, 'top')) } : {}),
    ...(spec.count !== undefined ? { '@_count': String(positive(spec.count, 'count')) } : {}),
    ...(spec.page !== undefined ? { '@_page': String(positive(spec.page, 'page')) } : {}),
    ...(spec.pagingCookie !== undefined ? { '@_paging-cookie': spec.pagingCookie } : {}),
    entity: { '@_name': identifier(spec.entity.name, 'FetchXML entity'), ...body(spec.entity) },
  };
  return String(builder.build({ fetch }));
}
