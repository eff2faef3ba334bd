/** The validated query a `<fetch>` document describes, resolved against entity metadata. */
import type { AttributeMeta, EntityMeta } from '../schema';
import type { Typed } from './values';

export type LinkType = 'inner' | 'outer' | 'exists' | 'in';

export type Operator =
  | 'eq'
  | 'ne'
  | 'null'
  | 'not-null'
  | 'in'
  | 'not-in'
  | 'like'
  | 'not-like'
  | 'begins-with'
  | 'not-begin-with'
  | 'ends-with'
  | 'not-end-with'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'between'
  | 'not-between';

export interface Column {
  attr: AttributeMeta;
  /** The `alias` of the `<attribute>`: the output property is then the alias alone. */
  alias: string | undefined;
}

export interface QueryNode {
  /** Position in the pre-order walk (0 = the fetch entity); a joined row tuple is indexed by it. */
  index: number;
  meta: EntityMeta;
  /** The entity's logical name for the fetch entity; the explicit or generated alias for a link. */
  alias: string;
  /** Columns in document order, without duplicates. */
  columns: Column[];
  /** `<all-attributes/>`, or (fetch entity only) no attribute element at all. */
  allAttributes: boolean;
  orders: OrderSpec[];
  /** Conditions of the node's `<filter>` elements (and bare conditions), and-ed. */
  filter: FilterNode | undefined;
  links: LinkNode[];
}

export interface LinkNode extends QueryNode {
  parent: QueryNode;
  /** Column of the linked entity. */
  from: AttributeMeta;
  /** Column of the parent entity. */
  to: AttributeMeta;
  linkType: LinkType;
}

export interface OrderSpec {
  /** The node whose column orders the rows (an `entityname` order points at a link). */
  node: QueryNode;
  attr: AttributeMeta;
  descending: boolean;
}

export interface FilterNode {
  kind: 'filter';
  type: 'and' | 'or';
  items: (FilterNode | ConditionNode)[];
}

export interface ConditionNode {
  kind: 'condition';
  node: QueryNode;
  attr: AttributeMeta;
  operator: Operator;
  /** Typed operand(s); empty for null/not-null and valueof. */
  values: readonly Typed[];
  /** `valueof`: compare with another column of the same row instead of a literal. */
  valueOf: AttributeMeta | undefined;
  /** Precompiled LIKE patterns for like/begins-with/ends-with and their negations. */
  patterns: readonly RegExp[];
}

export interface FetchQuery {
  root: QueryNode;
  /** Every link-entity in pre-order (the order they are joined). */
  links: LinkNode[];
  top: number | undefined;
  count: number | undefined;
  page: number | undefined;
  pagingCookie: string | undefined;
  distinct: boolean;
  returnTotalRecordCount: boolean;
  /** `useraworderby`: order choice columns by value instead of label. */
  useRawOrderBy: boolean;
}
