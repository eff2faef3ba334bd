/**
 * $filter and $orderby: a recursive-descent parser in the shape of OData.NET's UriQueryExpressionParser
 * (same precedence, same error texts and positions), a binder that types the tree against the entity's
 * metadata, and an evaluator with SQL's three-valued logic (a comparison with a null column is unknown,
 * so `ne` does not match nulls, as on the platform). String comparisons ignore case.
 */
import type { Row } from '../../model';
import { attributeByNavigation, attributeByPropertyName, type AttributeMeta, type EntityMeta } from '../schema';
import {
  compareScalars,
  clrTypeOf,
  edmTypeOf,
  isNumeric,
  navigationTypeName,
  normalizeGuid,
  parseIsoDateTime,
  readTyped,
  type EdmType,
  type Scalar,
} from './edm';
import {
  attributeNotFound,
  closeParenOrCommaExpected,
  closeParenOrOperatorExpected,
  conditionValueType,
  expressionExpected,
  filterNotBoolean,
  incompatibleBinaryOperands,
  incompatibleUnaryOperand,
  missingFunctionParameter,
  negateNotSupported,
  noFunctionSignature,
  ODataError,
  openParenExpected,
  operandNotSingleValue,
  orderByNotSingleValue,
  pathNotSupported,
  propertyNotFound,
  QUERY_ERROR_CODE,
  syntaxError,
  unknownFunction,
  unrecognizedLiteral,
  wrongValueCount,
} from './errors';
import { ExpressionLexer, NUMERIC_TOKENS, type Token, type TokenKind } from './lexer';

// ---- syntax tree --------------------------------------------------------------------------------

type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type BinaryOp = ComparisonOp | 'and' | 'or';

interface CallArgument {
  name: string | null;
  value: SyntaxNode;
}

type SyntaxNode =
  | { t: 'literal'; token: Token }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'binary'; op: BinaryOp; left: SyntaxNode; right: SyntaxNode }
  | { t: 'unary'; op: 'not' | 'negate'; operand: SyntaxNode }
  | { t: 'call'; name: string; args: CallArgument[]; pos: number };

const COMPARISONS: readonly ComparisonOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

const OPERATOR_KIND: Record<BinaryOp, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
  and: 'And',
  or: 'Or',
};

const LITERAL_TOKENS: ReadonlySet<TokenKind> = new Set([
  'string',
  'int32',
  'int64',
  'decimal',
  'double',
  'single',
  'guid',
  'datetimeoffset',
  'date',
  'boolean',
  'null',
  'bracketed',
  'braced',
  'quoted',
  'binary',
]);

/** OData.NET's default recursion limit for $filter. */
const MAX_DEPTH = 800;

/** Query-string parameter aliases (`@p1` → its raw value text). */
export type ParameterAliases = ReadonlyMap<string, string>;

class Parser {
  private depth = 0;
  readonly lexer: ExpressionLexer;

  constructor(
    text: string,
    private readonly aliases: ParameterAliases | null,
  ) {
    this.lexer = new ExpressionLexer(text, { semicolon: true, aliases: true });
  }

  get text(): string {
    return this.lexer.text;
  }

  private get token(): Token {
    return this.lexer.token;
  }

  /** The current token's kind (a call, so that narrowing does not survive nextToken()). */
  private kind(): TokenKind {
    return this.lexer.token.kind;
  }

  private identIs(word: string): boolean {
    return this.kind() === 'identifier' && this.token.text === word;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ODataError(400, QUERY_ERROR_CODE, 'The recursion limit has been exceeded.');
  }

  private leave(): void {
    this.depth--;
  }

  parseExpression(): SyntaxNode {
    this.enter();
    let left = this.parseAnd();
    while (this.identIs('or')) {
      this.lexer.nextToken();
      left = { t: 'binary', op: 'or', left, right: this.parseAnd() };
    }
    this.leave();
    return left;
  }

  private parseAnd(): SyntaxNode {
    this.enter();
    let left = this.parseComparison();
    while (this.identIs('and')) {
      this.lexer.nextToken();
      left = { t: 'binary', op: 'and', left, right: this.parseComparison() };
    }
    this.leave();
    return left;
  }

  private parseComparison(): SyntaxNode {
    this.enter();
    let left = this.parseUnary();
    for (;;) {
      const op = COMPARISONS.find((c) => this.identIs(c));
      if (!op) break;
      this.lexer.nextToken();
      left = { t: 'binary', op, left, right: this.parseUnary() };
    }
    this.leave();
    return left;
  }

  private parseUnary(): SyntaxNode {
    this.enter();
    try {
      if (this.kind() === 'minus' || this.identIs('not')) {
        const operator = this.token;
        this.lexer.nextToken();
        if (operator.kind === 'minus' && NUMERIC_TOKENS.has(this.kind())) {
          // `- 5` becomes the literal -5, as OData.NET does.
          const literal: Token = { kind: this.kind(), text: `-${this.token.text}`, pos: operator.pos };
          this.lexer.nextToken();
          return { t: 'literal', token: literal };
        }
        const operand = this.parseUnary();
        return { t: 'unary', op: operator.kind === 'minus' ? 'negate' : 'not', operand };
      }
      return this.parsePrimary();
    } finally {
      this.leave();
    }
  }

  private parsePrimary(): SyntaxNode {
    this.enter();
    const next = this.lexer.peekNextToken();
    if (next.kind === 'slash') throw pathNotSupported(next.pos, this.text);
    const expr = this.parsePrimaryStart();
    if (this.kind() === 'slash') throw pathNotSupported(this.token.pos, this.text);
    this.leave();
    return expr;
  }

  private parsePrimaryStart(): SyntaxNode {
    const token = this.token;
    switch (token.kind) {
      case 'alias':
        return this.parseAlias(token);
      case 'identifier':
        return this.parseIdentifier();
      case 'openParen': {
        this.lexer.nextToken();
        const inner = this.parseExpression();
        if (this.kind() !== 'closeParen') throw closeParenOrOperatorExpected(this.token.pos, this.text);
        this.lexer.nextToken();
        return inner;
      }
      default:
        if (!LITERAL_TOKENS.has(token.kind)) throw expressionExpected(token.pos, this.text);
        if (token.kind === 'quoted') throw unrecognizedLiteral('Edm.String', token.text, token.pos, this.text);
        if (token.kind === 'binary') throw unrecognizedLiteral('Edm.Binary', token.text, token.pos, this.text);
        this.lexer.nextToken();
        return { t: 'literal', token };
    }
  }

  private parseAlias(token: Token): SyntaxNode {
    this.lexer.nextToken();
    const value = this.aliases?.get(token.text);
    // An alias without a value is null (OData 4.0 part 2, 5.1.1.13.1).
    if (value === undefined) return { t: 'literal', token: { kind: 'null', text: 'null', pos: token.pos } };
    const inner = new Parser(value, null);
    const node = inner.parseExpression();
    inner.lexer.validateToken('end');
    return node;
  }

  private parseIdentifier(): SyntaxNode {
    if (this.lexer.expandIdentifierAsFunction()) return this.parseFunctionCall();
    const token = this.token;
    this.lexer.nextToken();
    return { t: 'ident', name: token.text, pos: token.pos };
  }

  private parseFunctionCall(): SyntaxNode {
    const name = this.token.text;
    const pos = this.token.pos;
    this.lexer.nextToken();
    if (this.kind() !== 'openParen') throw openParenExpected(this.token.pos, this.text);
    this.lexer.nextToken();
    const args: CallArgument[] = [];
    if (this.kind() === 'closeParen') {
      this.lexer.nextToken();
      return { t: 'call', name, args, pos };
    }
    for (;;) {
      if (this.kind() === 'identifier' && this.lexer.peekNextToken().kind === 'equal') {
        const argName = this.token.text;
        this.lexer.nextToken();
        this.lexer.nextToken();
        args.push({ name: argName, value: this.parseExpression() });
      } else {
        args.push({ name: null, value: this.parseExpression() });
      }
      if (this.kind() !== 'comma') break;
      this.lexer.nextToken();
    }
    if (this.kind() !== 'closeParen') throw closeParenOrCommaExpected(this.token.pos, this.text);
    this.lexer.nextToken();
    return { t: 'call', name, args, pos };
  }

  parseOrderByItems(): { expr: SyntaxNode; descending: boolean }[] {
    const items: { expr: SyntaxNode; descending: boolean }[] = [];
    for (;;) {
      const expr = this.parseExpression();
      let descending = false;
      if (this.identIs('asc')) this.lexer.nextToken();
      else if (this.identIs('desc')) {
        this.lexer.nextToken();
        descending = true;
      }
      items.push({ expr, descending });
      if (this.kind() !== 'comma') break;
      this.lexer.nextToken();
    }
    return items;
  }
}

// ---- bound tree ---------------------------------------------------------------------------------

type CrmFunctionName = 'In' | 'NotIn' | 'Null' | 'NotNull' | 'Between' | 'NotBetween' | 'On' | 'OnOrAfter' | 'OnOrBefore' | 'NotOn';
type StringFunctionName = 'contains' | 'startswith' | 'endswith';

type Bound =
  | { k: 'prop'; attr: AttributeMeta; type: EdmType }
  | { k: 'nav'; attr: AttributeMeta }
  | { k: 'collection'; name: string }
  | { k: 'const'; value: Scalar | null; type: EdmType | null; token: Token }
  | { k: 'raw'; token: Token }
  | { k: 'cmp'; op: ComparisonOp; left: Bound; right: Bound }
  | { k: 'logic'; op: 'and' | 'or'; left: Bound; right: Bound }
  | { k: 'not'; operand: Bound }
  | { k: 'str'; fn: StringFunctionName; left: Bound; right: Bound }
  | { k: 'crm'; fn: CrmFunctionName; attr: AttributeMeta; values: Scalar[] };

const CRM_PREFIX = 'Microsoft.Dynamics.CRM.';

type CrmShape = 'name' | 'values' | 'range' | 'value';
const CRM_FUNCTIONS: Record<CrmFunctionName, CrmShape> = {
  In: 'values',
  NotIn: 'values',
  Null: 'name',
  NotNull: 'name',
  Between: 'range',
  NotBetween: 'range',
  On: 'value',
  OnOrAfter: 'value',
  OnOrBefore: 'value',
  NotOn: 'value',
};

const STRING_FUNCTIONS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);

const isCrmFunction = (name: string): name is CrmFunctionName => Object.hasOwn(CRM_FUNCTIONS, name);

function literalValue(token: Token): { value: Scalar | null; type: EdmType | null } {
  switch (token.kind) {
    case 'string':
      return { value: token.text.slice(1, -1).replace(/''/g, "'"), type: 'Edm.String' };
    case 'int32':
      return { value: Number(token.text), type: 'Edm.Int32' };
    case 'int64':
      return { value: Number(token.text.replace(/[lL]$/, '')), type: 'Edm.Int64' };
    case 'decimal':
      return { value: Number(token.text.replace(/[mM]$/, '')), type: 'Edm.Decimal' };
    case 'double':
      return { value: Number(token.text.replace(/[dD]$/, '').replace('INF', 'Infinity')), type: 'Edm.Double' };
    case 'single':
      return { value: Number(token.text.replace(/[fF]$/, '')), type: 'Edm.Single' };
    case 'guid':
      return { value: token.text.toLowerCase(), type: 'Edm.Guid' };
    case 'datetimeoffset':
      return { value: parseIsoDateTime(token.text), type: 'Edm.DateTimeOffset' };
    case 'date':
      return { value: parseIsoDateTime(token.text), type: 'Edm.Date' };
    case 'boolean':
      return { value: token.text === 'true', type: 'Edm.Boolean' };
    default:
      return { value: null, type: null };
  }
}

function typeNameOf(b: Bound): string {
  switch (b.k) {
    case 'prop':
      return b.type;
    case 'nav':
      return navigationTypeName(b.attr);
    case 'collection':
      return 'Collection';
    case 'const':
      return b.type ?? 'null';
    case 'raw':
      return 'Edm.Untyped';
    default:
      return 'Edm.Boolean';
  }
}

const isBooleanValued = (b: Bound): boolean =>
  b.k === 'cmp' || b.k === 'logic' || b.k === 'not' || b.k === 'str' || b.k === 'crm' || (b.k === 'prop' && b.type === 'Edm.Boolean') || (b.k === 'const' && (b.type === 'Edm.Boolean' || b.type === null));

const isNullConst = (b: Bound): boolean => b.k === 'const' && b.value === null && b.type === null;

/** The attribute a Microsoft.Dynamics.CRM function names: a logical name, or `_x_value` for a lookup. */
function conditionAttribute(meta: EntityMeta, name: string): AttributeMeta | undefined {
  return (Object.hasOwn(meta.attributes, name) ? meta.attributes[name] : undefined) ?? attributeByPropertyName(meta, name);
}

/** Parses `["a","b"]` or `['a','b']` (or bare items) into the item texts. */
function parseValueList(text: string): string[] | null {
  const inner = text.trim();
  if (!inner.startsWith('[') || !inner.endsWith(']')) return null;
  const body = inner.slice(1, -1);
  const out: string[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < body.length && /\s/.test(body[i] ?? '')) i++;
  };
  skipSpace();
  if (i >= body.length) return out;
  for (;;) {
    skipSpace();
    const c = body[i];
    if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      if (j >= body.length) return null;
      try {
        out.push(JSON.parse(body.slice(i, j + 1)) as string);
      } catch {
        return null;
      }
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= body.length) return null;
        if (body[j] === "'") {
          if (body[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += body[j];
        j++;
      }
      out.push(value);
      i = j + 1;
    } else {
      let j = i;
      while (j < body.length && body[j] !== ',') j++;
      const bare = body.slice(i, j).trim();
      if (!bare) return null;
      out.push(bare);
      i = j;
    }
    skipSpace();
    if (i >= body.length) return out;
    if (body[i] !== ',') return null;
    i++;
  }
}

class Binder {
  constructor(
    private readonly meta: EntityMeta,
    private readonly text: string,
  ) {}

  bind(node: SyntaxNode): Bound {
    switch (node.t) {
      case 'literal': {
        if (node.token.kind === 'bracketed' || node.token.kind === 'braced') return { k: 'raw', token: node.token };
        const { value, type } = literalValue(node.token);
        return { k: 'const', value, type, token: node.token };
      }
      case 'ident':
        return this.bindIdentifier(node.name);
      case 'binary':
        return node.op === 'and' || node.op === 'or' ? this.bindLogical(node.op, node.left, node.right) : this.bindComparison(node.op, node.left, node.right);
      case 'unary': {
        const operand = this.bind(node.operand);
        if (node.op === 'negate') throw negateNotSupported();
        if (!isBooleanValued(operand)) throw incompatibleUnaryOperand(typeNameOf(operand), 'Not');
        return { k: 'not', operand };
      }
      case 'call':
        return this.bindCall(node);
    }
  }

  bindIdentifier(name: string): Bound {
    const attr = attributeByPropertyName(this.meta, name);
    if (attr) return { k: 'prop', attr, type: edmTypeOf(attr) };
    const nav = attributeByNavigation(this.meta, name);
    if (nav) return { k: 'nav', attr: nav };
    if (this.meta.collectionNavigations.some((c) => c.name === name)) return { k: 'collection', name };
    throw propertyNotFound(name, this.meta.logicalName);
  }

  private bindLogical(op: 'and' | 'or', l: SyntaxNode, r: SyntaxNode): Bound {
    const left = this.bind(l);
    const right = this.bind(r);
    if (left.k === 'collection' || right.k === 'collection') throw operandNotSingleValue(OPERATOR_KIND[op]);
    if (!isBooleanValued(left) || !isBooleanValued(right)) throw incompatibleBinaryOperands(typeNameOf(left), typeNameOf(right), OPERATOR_KIND[op]);
    return { k: 'logic', op, left, right };
  }

  private bindComparison(op: ComparisonOp, l: SyntaxNode, r: SyntaxNode): Bound {
    let left = this.bind(l);
    let right = this.bind(r);
    const kind = OPERATOR_KIND[op];
    if (left.k === 'collection' || right.k === 'collection') throw operandNotSingleValue(kind);
    const incompatible = (): ODataError => incompatibleBinaryOperands(typeNameOf(left), typeNameOf(right), kind);
    // A single-valued navigation property may only be tested for null: it means its lookup is (not) empty.
    if (left.k === 'nav' || right.k === 'nav') {
      const nav = left.k === 'nav' ? left : right.k === 'nav' ? right : null;
      const other = left.k === 'nav' ? right : left;
      if (nav?.k === 'nav' && isNullConst(other) && (op === 'eq' || op === 'ne')) {
        const prop: Bound = { k: 'prop', attr: nav.attr, type: 'Edm.Guid' };
        return left.k === 'nav' ? { k: 'cmp', op, left: prop, right } : { k: 'cmp', op, left, right: prop };
      }
      throw incompatible();
    }
    if (left.k === 'raw' || right.k === 'raw') throw incompatible();
    const lt = left.k === 'const' ? left.type : left.k === 'prop' ? left.type : 'Edm.Boolean';
    const rt = right.k === 'const' ? right.type : right.k === 'prop' ? right.type : 'Edm.Boolean';
    if (lt === null || rt === null || lt === rt) return { k: 'cmp', op, left, right };
    if (isNumeric(lt) && isNumeric(rt)) return { k: 'cmp', op, left, right };
    const dates = new Set<EdmType>(['Edm.DateTimeOffset', 'Edm.Date']);
    if (dates.has(lt) && dates.has(rt)) return { k: 'cmp', op, left, right };
    // GUIDs are normally bare, but a quoted GUID is accepted too (reference §6).
    const asGuid = (b: Bound): Bound | null =>
      b.k === 'const' && b.type === 'Edm.String' && typeof b.value === 'string' && normalizeGuid(b.value)
        ? { k: 'const', value: normalizeGuid(b.value), type: 'Edm.Guid', token: b.token }
        : null;
    if (lt === 'Edm.Guid' && rt === 'Edm.String') {
      const coerced = asGuid(right);
      if (coerced) {
        right = coerced;
        return { k: 'cmp', op, left, right };
      }
    }
    if (rt === 'Edm.Guid' && lt === 'Edm.String') {
      const coerced = asGuid(left);
      if (coerced) {
        left = coerced;
        return { k: 'cmp', op, left, right };
      }
    }
    throw incompatible();
  }

  private bindCall(node: Extract<SyntaxNode, { t: 'call' }>): Bound {
    if (STRING_FUNCTIONS.has(node.name)) {
      const fn = node.name as StringFunctionName;
      const args = node.args.map((a) => ({ name: a.name, bound: this.bind(a.value) }));
      const stringy = (b: Bound): boolean => (b.k === 'prop' && b.type === 'Edm.String') || (b.k === 'const' && (b.type === 'Edm.String' || b.type === null));
      const [a, b] = args;
      if (args.length !== 2 || !a || !b || a.name !== null || b.name !== null || !stringy(a.bound) || !stringy(b.bound)) {
        throw noFunctionSignature(fn, `${fn}(Edm.String Nullable=true, Edm.String Nullable=true)`);
      }
      return { k: 'str', fn, left: a.bound, right: b.bound };
    }
    if (node.name.startsWith(CRM_PREFIX)) {
      const short = node.name.slice(CRM_PREFIX.length);
      if (isCrmFunction(short)) return this.bindCrm(node, short);
    }
    throw unknownFunction(node.name);
  }

  private bindCrm(node: Extract<SyntaxNode, { t: 'call' }>, fn: CrmFunctionName): Bound {
    const shape = CRM_FUNCTIONS[fn];
    const arg = (name: string): SyntaxNode => {
      const found = node.args.find((a) => a.name === name);
      if (!found) throw missingFunctionParameter(node.name, name);
      return found.value;
    };
    const nameNode = arg('PropertyName');
    if (nameNode.t !== 'literal' || nameNode.token.kind !== 'string') throw missingFunctionParameter(node.name, 'PropertyName');
    const propertyName = String(literalValue(nameNode.token).value);
    const attr = conditionAttribute(this.meta, propertyName);
    if (!attr) throw attributeNotFound(this.meta.logicalName, propertyName);

    let texts: string[] = [];
    if (shape === 'values' || shape === 'range') {
      const valuesNode = arg('PropertyValues');
      const list = valuesNode.t === 'literal' && valuesNode.token.kind === 'bracketed' ? parseValueList(valuesNode.token.text) : null;
      if (!list) throw syntaxError(valuesNode.t === 'literal' ? valuesNode.token.pos : node.pos, this.text);
      if (shape === 'range' && list.length !== 2) throw wrongValueCount(node.name, 2);
      texts = list;
    } else if (shape === 'value') {
      const valueNode = arg('PropertyValue');
      if (valueNode.t !== 'literal' || valueNode.token.kind === 'null' || valueNode.token.kind === 'bracketed') {
        throw missingFunctionParameter(node.name, 'PropertyValue');
      }
      const lit = literalValue(valueNode.token);
      texts = [valueNode.token.kind === 'string' ? String(lit.value) : valueNode.token.text];
    }
    const type = shape === 'value' ? 'Edm.DateTimeOffset' : edmTypeOf(attr);
    if (shape === 'value' && type !== edmTypeOf(attr)) {
      throw conditionValueType(this.meta.logicalName, attr.logicalName, clrTypeOf(attr), 'System.DateTime');
    }
    const values = texts.map((t) => {
      const v = convertConditionValue(t, type);
      if (v === null) throw conditionValueType(this.meta.logicalName, attr.logicalName, clrTypeOf(attr), 'System.String');
      return v;
    });
    return { k: 'crm', fn, attr, values };
  }
}

function convertConditionValue(text: string, type: EdmType): Scalar | null {
  switch (type) {
    case 'Edm.Guid':
      return normalizeGuid(text);
    case 'Edm.String':
      return text;
    case 'Edm.Int32':
    case 'Edm.Int64':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) : null;
    case 'Edm.Boolean':
      return /^(true|1)$/i.test(text) ? true : /^(false|0)$/i.test(text) ? false : null;
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return parseIsoDateTime(text);
    default: {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : null;
    }
  }
}

// ---- evaluation ---------------------------------------------------------------------------------

type Tri = boolean | null;
const DAY_MS = 86_400_000;

function valueOf(b: Bound, row: Row): Scalar | null {
  switch (b.k) {
    case 'prop':
      return readTyped(row, b.attr);
    case 'const':
      return b.value;
    default:
      return evaluate(b, row);
  }
}

function evaluate(b: Bound, row: Row): Tri {
  switch (b.k) {
    case 'cmp': {
      const lv = valueOf(b.left, row);
      const rv = valueOf(b.right, row);
      // `x eq null` / `x ne null` are IS NULL / IS NOT NULL; any other comparison with null is unknown.
      if (isNullConst(b.left) || isNullConst(b.right)) {
        const other = isNullConst(b.left) ? rv : lv;
        if (b.op === 'eq') return other === null;
        if (b.op === 'ne') return other !== null;
        return null;
      }
      if (lv === null || rv === null) return null;
      return holds(b.op, compareScalars(lv, rv));
    }
    case 'logic': {
      const l = evaluate(b.left, row);
      const r = evaluate(b.right, row);
      if (b.op === 'and') return l === false || r === false ? false : l === null || r === null ? null : true;
      return l === true || r === true ? true : l === null || r === null ? null : false;
    }
    case 'not': {
      const v = evaluate(b.operand, row);
      return v === null ? null : !v;
    }
    case 'str': {
      const l = valueOf(b.left, row);
      const r = valueOf(b.right, row);
      if (l === null || r === null) return null;
      const ls = String(l).toLowerCase();
      const rs = String(r).toLowerCase();
      return b.fn === 'contains' ? ls.includes(rs) : b.fn === 'startswith' ? ls.startsWith(rs) : ls.endsWith(rs);
    }
    case 'crm':
      return evaluateCrm(b, row);
    case 'prop': {
      const v = readTyped(row, b.attr);
      return v === null ? null : v === true;
    }
    case 'const':
      return b.value === null ? null : b.value === true;
    default:
      return null;
  }
}

function holds(op: ComparisonOp, c: number): boolean {
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

function evaluateCrm(b: Extract<Bound, { k: 'crm' }>, row: Row): Tri {
  const v = readTyped(row, b.attr);
  if (b.fn === 'Null') return v === null;
  if (b.fn === 'NotNull') return v !== null;
  if (v === null) return null;
  const eq = (x: Scalar): boolean => compareScalars(v, x) === 0;
  const [first, second] = b.values;
  switch (b.fn) {
    case 'In':
      return b.values.some(eq);
    case 'NotIn':
      return !b.values.some(eq);
    case 'Between':
    case 'NotBetween': {
      if (first === undefined || second === undefined) return null;
      const inside = compareScalars(v, first) >= 0 && compareScalars(v, second) <= 0;
      return b.fn === 'Between' ? inside : !inside;
    }
    default: {
      if (first === undefined) return null;
      const day = Math.floor(Number(v) / DAY_MS);
      const target = Math.floor(Number(first) / DAY_MS);
      if (b.fn === 'On') return day === target;
      if (b.fn === 'NotOn') return day !== target;
      return b.fn === 'OnOrAfter' ? day >= target : day <= target;
    }
  }
}

// ---- public API ---------------------------------------------------------------------------------

export type RowPredicate = (row: Row) => boolean;

export interface OrderByItem {
  attr: AttributeMeta;
  descending: boolean;
}

/**
 * Parses and binds a $filter expression against `meta`; the result keeps only rows for which the
 * expression is true (unknown counts as false, as in SQL). Throws ODataError for bad input.
 */
export function parseFilter(meta: EntityMeta, text: string, aliases: ParameterAliases | null = null): RowPredicate {
  const parser = new Parser(text, aliases);
  const tree = parser.parseExpression();
  parser.lexer.validateToken('end');
  const bound = new Binder(meta, text).bind(tree);
  if (!isBooleanValued(bound) || isNullConst(bound)) throw filterNotBoolean();
  return (row) => evaluate(bound, row) === true;
}

/** Parses and binds a $orderby list: properties (including `_x_value` lookups), each `asc` or `desc`. */
export function parseOrderBy(meta: EntityMeta, text: string, aliases: ParameterAliases | null = null): OrderByItem[] {
  const parser = new Parser(text, aliases);
  const items = parser.parseOrderByItems();
  parser.lexer.validateToken('end');
  const binder = new Binder(meta, text);
  return items.map(({ expr, descending }) => {
    const bound = binder.bind(expr);
    if (bound.k !== 'prop') throw orderByNotSingleValue();
    return { attr: bound.attr, descending };
  });
}
