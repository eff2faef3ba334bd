/**
 * `<fetch>` → FetchQuery: parses the document, resolves every entity and attribute against metadata and
 * rejects what the platform rejects, with its codes and (where known) its texts.
 */
import type { AttributeMeta, EntityMeta } from '../schema';
import {
  FetchXmlError,
  FetchXmlErrorCode,
  attributeNotFound,
  entityNotFound,
  invalidArgument,
  notSupportedBySandbox,
} from './errors';
import type { Column, ConditionNode, FetchQuery, FilterNode, LinkNode, LinkType, Operator, OrderSpec, QueryNode } from './query';
import { escapeLikeLiteral, isStringType, likeToRegExp, parseValue, type Typed } from './values';
import { outerXml, parseXmlDocument, type XmlElement } from './xml';

export interface ParseOptions {
  /** The entity of the URL's entity set; the `<entity name>` must be this entity. */
  entity: EntityMeta;
  /** Resolves link-entity names. */
  entityMeta: (logicalName: string) => EntityMeta | undefined;
  /** OData `$count=true` on the request: counts as a paging attribute next to `top`. */
  countRequested?: boolean | undefined;
  /** Named in metadata-cache error texts. */
  organizationId?: string | undefined;
}

/** Dataverse refuses more than 15 link-entity elements in one query. */
export const MAX_LINK_ENTITIES = 15;
/** The largest `top`, and the default and largest page size. */
export const MAX_PAGE_SIZE = 5000;

const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set<Operator>([
  'eq',
  'ne',
  'null',
  'not-null',
  'in',
  'not-in',
  'like',
  'not-like',
  'begins-with',
  'not-begin-with',
  'ends-with',
  'not-end-with',
  'gt',
  'ge',
  'lt',
  'le',
  'between',
  'not-between',
]);

/** Real FetchXML operators the sandbox does not evaluate (dates relative to now, hierarchy, user context…). */
const PLATFORM_ONLY_OPERATORS: ReadonlySet<string> = new Set([
  'above', 'eq-or-above', 'under', 'eq-or-under', 'not-under', 'eq-businessid', 'ne-businessid', 'eq-userid',
  'ne-userid', 'eq-userteams', 'eq-useroruserteams', 'eq-useroruserhierarchy', 'eq-useroruserhierarchyandteams',
  'eq-userlanguage', 'contain-values', 'not-contain-values', 'on', 'on-or-after', 'on-or-before', 'today',
  'tomorrow', 'yesterday', 'this-week', 'this-month', 'this-year', 'this-fiscal-period', 'this-fiscal-year',
  'last-week', 'last-month', 'last-year', 'last-seven-days', 'last-fiscal-period', 'last-fiscal-year',
  'next-week', 'next-month', 'next-year', 'next-seven-days', 'next-fiscal-period', 'next-fiscal-year',
  'last-x-hours', 'last-x-days', 'last-x-weeks', 'last-x-months', 'last-x-years', 'last-x-fiscal-periods',
  'last-x-fiscal-years', 'next-x-hours', 'next-x-days', 'next-x-weeks', 'next-x-months', 'next-x-years',
  'next-x-fiscal-periods', 'next-x-fiscal-years', 'olderthan-x-minutes', 'olderthan-x-hours',
  'olderthan-x-days', 'olderthan-x-weeks', 'olderthan-x-months', 'olderthan-x-years', 'in-fiscal-period',
  'in-fiscal-period-and-year', 'in-fiscal-year', 'in-or-after-fiscal-period-and-year',
  'in-or-before-fiscal-period-and-year', 'equal-business-id',
]);

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

function parseBool(element: XmlElement, attribute: string, code: string): boolean | undefined {
  const raw = element.attributes[attribute];
  if (raw === undefined) return undefined;
  const value = BOOLEAN_TEXT[raw.trim().toLowerCase()];
  if (value === undefined) {
    throw new FetchXmlError(code, `Invalid value '${raw}' for the '${attribute}' attribute of the '${element.name}' element. Expected 'true' or 'false'.`);
  }
  return value;
}

function parseInteger(element: XmlElement, attribute: string): number | undefined {
  const raw = element.attributes[attribute];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2147483647) {
    throw invalidArgument(`Invalid value '${raw}' for the '${attribute}' attribute of the '${element.name}' element. Expected an integer.`);
  }
  return Number(text);
}

function requireAttribute(element: XmlElement, attribute: string): string {
  const value = element.attributes[attribute];
  if (value === undefined || value.trim() === '') {
    throw invalidArgument(`The '${attribute}' attribute is required on the '${element.name}' element. NodeXml = ${outerXml(element)}`);
  }
  return value.trim();
}

function invalidChildNode(element: XmlElement, valid: string): FetchXmlError {
  return new FetchXmlError(
    FetchXmlErrorCode.QueryBuilderDeserializeInvalidNode,
    `Invalid Child Node, valid nodes are ${valid}. NodeName = ${element.name} NodeXml = ${outerXml(element)}`,
  );
}

const aggregateNotSupported = (): FetchXmlError => notSupportedBySandbox("aggregate FetchXML queries (aggregate, groupby and dategrouping)");

interface PendingNode {
  node: QueryNode;
  element: XmlElement;
}

class FetchParser {
  private readonly organizationId: string;
  private readonly pending: PendingNode[] = [];
  private readonly links: LinkNode[] = [];

  constructor(private readonly options: ParseOptions) {
    this.organizationId = options.organizationId ?? '00000000-0000-0000-0000-000000000000';
  }

  attribute(meta: EntityMeta, name: string): AttributeMeta {
    const attr = meta.attributes[name];
    if (!attr) throw attributeNotFound(meta.logicalName, name, this.organizationId);
    return attr;
  }

  parse(xml: string): FetchQuery {
    const fetch = parseXmlDocument(xml);
    if (fetch.name !== 'fetch') {
      throw new FetchXmlError(FetchXmlErrorCode.QueryBuilderDeserializeInvalidNode, `Invalid Element Name: ${fetch.name}. Expecting: fetch`);
    }
    const mapping = fetch.attributes.mapping;
    if (mapping !== undefined && mapping !== 'logical' && mapping !== 'internal') {
      throw new FetchXmlError(
        FetchXmlErrorCode.QueryBuilderDeserializeInvalidMapping,
        `The only valid values for mapping are 'logical' or 'internal'. Value = '${mapping}'`,
      );
    }
    if (fetch.attributes.aggregate?.trim().toLowerCase() === 'true') throw aggregateNotSupported();
    const distinct = parseBool(fetch, 'distinct', FetchXmlErrorCode.QueryBuilderDeserializeInvalidDistinct) ?? false;
    parseBool(fetch, 'no-lock', FetchXmlErrorCode.QueryBuilderDeserializeInvalidNoLock);
    const returnTotalRecordCount = parseBool(fetch, 'returntotalrecordcount', FetchXmlErrorCode.InvalidArgument) ?? false;
    const useRawOrderBy = parseBool(fetch, 'useraworderby', FetchXmlErrorCode.InvalidArgument) ?? false;
    const top = parseInteger(fetch, 'top');
    const count = parseInteger(fetch, 'count');
    const page = parseInteger(fetch, 'page');
    const pagingCookie = fetch.attributes['paging-cookie'];

    if (top !== undefined) {
      const pagingAttribute =
        page !== undefined
          ? 'page'
          : count !== undefined
            ? 'count'
            : returnTotalRecordCount || this.options.countRequested
              ? 'returntotalrecordcount'
              : undefined;
      if (pagingAttribute) throw invalidArgument(`The top attribute can't be specified with paging attribute ${pagingAttribute}`);
      if (top < 0 || top > MAX_PAGE_SIZE) {
        throw invalidArgument(`The 'top' attribute value must be between 0 and ${MAX_PAGE_SIZE}. Value = ${top}`);
      }
    }
    if (count !== undefined && count < 1) throw invalidArgument(`The 'count' attribute value must be greater than 0. Value = ${count}`);
    if (page !== undefined && page < 1) throw invalidArgument(`The 'page' attribute value must be greater than 0. Value = ${page}`);

    const entityElements = fetch.children.filter((child) => child.name === 'entity');
    const stray = fetch.children.find((child) => child.name !== 'entity');
    if (stray) throw invalidChildNode(stray, 'entity');
    const [entityElement, second] = entityElements;
    if (second) throw invalidChildNode(second, 'entity');
    const entityName = entityElement?.attributes.name?.trim();
    if (!entityElement || !entityName) {
      throw new FetchXmlError(FetchXmlErrorCode.QueryBuilderNoEntity, 'Entity Name was not specified in FetchXml String or on EntityExpression');
    }
    const meta = this.options.entityMeta(entityName);
    if (!meta) throw entityNotFound(entityName, this.organizationId);
    if (meta.logicalName !== this.options.entity.logicalName) {
      throw new FetchXmlError(
        FetchXmlErrorCode.QueryBuilderEntitiesDontMatch,
        'Entity Name specified in FetchXml does not match the entity name in the EntityExpression',
      );
    }

    const root = this.newNode(meta, meta.logicalName);
    this.pending.push({ node: root, element: entityElement });
    this.buildLinks(root, entityElement);
    if (this.links.length > MAX_LINK_ENTITIES) {
      throw new FetchXmlError(FetchXmlErrorCode.TooManyLinkEntities, 'Number of link entities in query exceeded maximum limit.');
    }
    this.assignAliases();
    for (const { node, element } of this.pending) this.fillNode(node, element, node === root);

    return {
      root,
      links: this.links,
      top,
      count,
      page,
      pagingCookie: pagingCookie === undefined || pagingCookie.trim() === '' ? undefined : pagingCookie,
      distinct,
      returnTotalRecordCount,
      useRawOrderBy,
    };
  }

  private newNode(meta: EntityMeta, alias: string): QueryNode {
    return { index: 0, meta, alias, columns: [], allAttributes: false, orders: [], filter: undefined, links: [] };
  }

  /** Creates link nodes in pre-order and checks their entity, from, to and link-type. */
  private buildLinks(parent: QueryNode, element: XmlElement): void {
    for (const child of element.children) {
      if (child.name !== 'link-entity') continue;
      const name = requireAttribute(child, 'name');
      const meta = this.options.entityMeta(name);
      if (!meta) throw entityNotFound(name, this.organizationId);
      const from = this.attribute(meta, requireAttribute(child, 'from'));
      const to = this.attribute(parent.meta, requireAttribute(child, 'to'));
      const rawType = child.attributes['link-type']?.trim() ?? 'inner';
      let linkType: LinkType;
      if (rawType === 'inner' || rawType === 'outer' || rawType === 'exists' || rawType === 'in') linkType = rawType;
      else if (['any', 'not-any', 'all', 'not-all', 'matchfirstrowusingcrossapply'].includes(rawType)) {
        throw notSupportedBySandbox(`link-entity elements with link-type '${rawType}'`);
      } else {
        throw new FetchXmlError(
          FetchXmlErrorCode.QueryBuilderDeserializeInvalidLinkType,
          `Invalid link-type '${rawType}'. Valid values are inner, outer, exists, in, any, not-any, all, not-all and matchfirstrowusingcrossapply.`,
        );
      }
      const alias = child.attributes.alias?.trim() ?? '';
      const link: LinkNode = { ...this.newNode(meta, alias), parent, from, to, linkType };
      link.index = this.links.length + 1;
      this.links.push(link);
      parent.links.push(link);
      this.pending.push({ node: link, element: child });
      if ((linkType === 'exists' || linkType === 'in') && child.children.some((c) => c.name === 'link-entity')) {
        throw notSupportedBySandbox(`link-entity elements nested under a link-type '${linkType}' link-entity`);
      }
      this.buildLinks(link, child);
    }
  }

  /**
   * Links without an alias are named like the platform does: a many-to-one link (joined on the linked
   * table's primary key) takes the table's logical name, a one-to-many link `{logicalname}{N}`.
   */
  private assignAliases(): void {
    const used = new Set(this.links.map((link) => link.alias).filter((alias) => alias !== ''));
    const counters = new Map<string, number>();
    const next = (name: string): string => {
      let n = counters.get(name) ?? 0;
      let candidate: string;
      do {
        n += 1;
        candidate = `${name}${n}`;
      } while (used.has(candidate));
      counters.set(name, n);
      return candidate;
    };
    for (const link of this.links) {
      if (link.alias !== '') continue;
      const name = link.meta.logicalName;
      const manyToOne = link.from.logicalName === link.meta.primaryId;
      link.alias = manyToOne && !used.has(name) ? name : next(name);
      used.add(link.alias);
    }
  }

  /** Resolves an `entityname` reference: a link alias, or an entity logical name. */
  private resolveEntityName(name: string): QueryNode {
    const byAlias = this.links.find((link) => link.alias === name);
    if (byAlias) return byAlias;
    const root = this.pending[0]?.node;
    if (root && root.meta.logicalName === name) return root;
    const byName = this.links.filter((link) => link.meta.logicalName === name);
    const [only, other] = byName;
    if (only && !other) return only;
    throw invalidArgument(`No link-entity with the alias or name '${name}' exists in the query.`);
  }

  private fillNode(node: QueryNode, element: XmlElement, isRoot: boolean): void {
    let sawColumnElement = false;
    const filters: (FilterNode | ConditionNode)[] = [];
    const seen = new Set<string>();
    for (const child of element.children) {
      switch (child.name) {
        case 'attribute': {
          sawColumnElement = true;
          if (child.attributes.aggregate !== undefined || child.attributes.groupby !== undefined || child.attributes.dategrouping !== undefined) {
            throw aggregateNotSupported();
          }
          const attr = this.attribute(node.meta, requireAttribute(child, 'name'));
          const alias = child.attributes.alias?.trim() || undefined;
          const key = alias ?? attr.logicalName;
          if (seen.has(key)) break;
          seen.add(key);
          const column: Column = { attr, alias };
          node.columns.push(column);
          break;
        }
        case 'all-attributes':
          sawColumnElement = true;
          node.allAttributes = true;
          break;
        case 'no-attrs':
          sawColumnElement = true;
          break;
        case 'order':
          node.orders.push(this.parseOrder(node, child));
          break;
        case 'filter':
          filters.push(this.parseFilter(node, child, isRoot));
          break;
        case 'condition':
          filters.push(this.parseCondition(node, child, isRoot));
          break;
        case 'link-entity':
          break;
        default:
          throw invalidChildNode(child, 'filter, order, link-entity, attribute, all-attributes, no-attrs');
      }
    }
    if (isRoot && !sawColumnElement) node.allAttributes = true;
    const [single, ...more] = filters;
    node.filter = single && more.length === 0 && single.kind === 'filter' ? single : filters.length > 0 ? { kind: 'filter', type: 'and', items: filters } : undefined;
  }

  private parseOrder(node: QueryNode, element: XmlElement): OrderSpec {
    if (element.attributes.alias !== undefined && element.attributes.attribute === undefined) throw aggregateNotSupported();
    const entityName = element.attributes.entityname?.trim();
    const target = entityName ? this.resolveEntityName(entityName) : node;
    const attr = this.attribute(target.meta, requireAttribute(element, 'attribute'));
    const descending = parseBool(element, 'descending', FetchXmlErrorCode.QueryBuilderDeserializeInvalidDescending) ?? false;
    return { node: target, attr, descending };
  }

  private parseFilter(node: QueryNode, element: XmlElement, isRoot: boolean): FilterNode {
    const rawType = element.attributes.type?.trim() ?? 'and';
    if (rawType !== 'and' && rawType !== 'or') {
      throw new FetchXmlError(FetchXmlErrorCode.QueryBuilderInvalidFilterType, `Invalid filter type '${rawType}'. Valid values are 'and' and 'or'.`);
    }
    const items: (FilterNode | ConditionNode)[] = [];
    for (const child of element.children) {
      if (child.name === 'condition') items.push(this.parseCondition(node, child, isRoot));
      else if (child.name === 'filter') items.push(this.parseFilter(node, child, isRoot));
      else if (child.name === 'link-entity') throw notSupportedBySandbox('link-entity elements inside a filter (any, not-any, all, not-all)');
      else throw invalidChildNode(child, 'condition, filter, link-entity');
    }
    return { kind: 'filter', type: rawType, items };
  }

  private parseCondition(node: QueryNode, element: XmlElement, isRoot: boolean): ConditionNode {
    for (const child of element.children) if (child.name !== 'value') throw invalidChildNode(child, 'value');
    const entityName = element.attributes.entityname?.trim();
    if (entityName && !isRoot) {
      throw new FetchXmlError(FetchXmlErrorCode.QueryBuilderInvalidValue, 'The entityname attribute is not a valid attribute for link-entity.');
    }
    const target = entityName ? this.resolveEntityName(entityName) : node;
    const attr = this.attribute(target.meta, requireAttribute(element, 'attribute'));
    const rawOperator = requireAttribute(element, 'operator');
    const operatorName = rawOperator === 'neq' ? 'ne' : rawOperator;
    if (!SUPPORTED_OPERATORS.has(operatorName)) {
      if (PLATFORM_ONLY_OPERATORS.has(operatorName)) throw notSupportedBySandbox(`the FetchXML condition operator '${operatorName}'`);
      throw new FetchXmlError(FetchXmlErrorCode.QueryBuilderInvalidConditionOperator, `'${rawOperator}' is not a valid condition operator.`);
    }
    const operator = operatorName as Operator;
    const entity = target.meta.logicalName;
    const qualified = `${entity}.${attr.logicalName}`;

    const valueOfName = element.attributes.valueof?.trim();
    if (valueOfName) {
      if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator)) {
        throw invalidArgument(`The valueof attribute can't be used with the '${operator}' operator.`);
      }
      const valueOf = this.attribute(target.meta, valueOfName);
      return { kind: 'condition', node: target, attr, operator, values: [], valueOf, patterns: [] };
    }

    const childValues = element.children.map((child) => child.text);
    const attrValue = element.attributes.value;
    const rawValues = childValues.length > 0 ? childValues : attrValue !== undefined ? [attrValue] : [];
    const typed = (raw: string): Typed => parseValue(entity, attr, raw);
    const base = { kind: 'condition' as const, node: target, attr, operator, valueOf: undefined };

    switch (operator) {
      case 'null':
      case 'not-null':
        return { ...base, values: [], patterns: [] };
      case 'in':
      case 'not-in':
        if (rawValues.length === 0) throw invalidArgument(`Condition for attribute '${qualified}': the '${operator}' operator requires at least one value.`);
        return { ...base, values: rawValues.map(typed), patterns: [] };
      case 'between':
      case 'not-between':
        if (rawValues.length !== 2) throw invalidArgument(`Condition for attribute '${qualified}': the '${operator}' operator requires exactly two values.`);
        return { ...base, values: rawValues.map(typed), patterns: [] };
      default: {
        const [raw, extra] = rawValues;
        if (raw === undefined) {
          throw invalidArgument(
            operator === 'eq' || operator === 'ne'
              ? `Condition for attribute '${qualified}': null is not a valid value for an equality operator. Use Null or NotNull operators instead.`
              : `Condition for attribute '${qualified}': the '${operator}' operator requires a value.`,
          );
        }
        if (extra !== undefined) throw invalidArgument(`Condition for attribute '${qualified}': the '${operator}' operator expects a single value.`);
        const isLike = ['like', 'not-like', 'begins-with', 'not-begin-with', 'ends-with', 'not-end-with'].includes(operator);
        if (isLike && isStringType(attr.type)) {
          const pattern =
            operator === 'begins-with' || operator === 'not-begin-with'
              ? `${escapeLikeLiteral(raw)}%`
              : operator === 'ends-with' || operator === 'not-end-with'
                ? `%${escapeLikeLiteral(raw)}`
                : raw;
          return { ...base, values: [raw], patterns: [likeToRegExp(pattern)] };
        }
        return { ...base, values: [typed(raw)], patterns: [] };
      }
    }
  }
}

/** Parses and validates a FetchXML document; throws FetchXmlError for anything the platform would refuse. */
export function parseFetchXml(xml: string, options: ParseOptions): FetchQuery {
  return new FetchParser(options).parse(xml);
}
