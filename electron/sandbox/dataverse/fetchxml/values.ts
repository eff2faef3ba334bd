/**
 * Column values as the query engine sees them: typed, normalized and compared the way SQL Server does
 * for Dataverse (case- and accent-insensitive strings, NULL never equal to anything, uniqueidentifier
 * ordering by its last byte group first).
 */
import type { CellValue } from '../../model';
import type { AttributeMeta, AttributeType } from '../schema';
import { invalidArgument, type FetchXmlError } from './errors';

/** A typed, normalized value: GUIDs lowercase without braces, datetimes as epoch milliseconds. */
export type Typed = string | number | boolean;

const GUID = /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/;

/** Canonical lowercase `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, accepting braces and missing dashes. */
export function canonicalGuid(value: string): string | undefined {
  const match = GUID.exec(value.trim());
  if (!match) return undefined;
  return `${match[1]}-${match[2]}-${match[3]}-${match[4]}-${match[5]}`.toLowerCase();
}

const isGuidType = (type: AttributeType): boolean => type === 'uniqueidentifier' || type === 'lookup' || type === 'owner';
const isNumberType = (type: AttributeType): boolean =>
  type === 'integer' || type === 'bigint' || type === 'decimal' || type === 'picklist' || type === 'state' || type === 'status';
export const isStringType = (type: AttributeType): boolean => type === 'string' || type === 'memo';

/** Normalizes a stored cell; empty strings count as NULL, as Dataverse never stores them. */
export function typedCell(attr: AttributeMeta, cell: CellValue | undefined): Typed | null {
  if (cell === undefined || cell === null) return null;
  const type = attr.type;
  if (isGuidType(type)) {
    const text = String(cell);
    return canonicalGuid(text) ?? (text.trim() === '' ? null : text.trim().toLowerCase());
  }
  if (isNumberType(type)) {
    if (typeof cell === 'number') return cell;
    if (typeof cell === 'boolean') return cell ? 1 : 0;
    const parsed = Number(cell);
    return cell.trim() === '' || Number.isNaN(parsed) ? null : parsed;
  }
  if (type === 'boolean') {
    if (typeof cell === 'boolean') return cell;
    if (typeof cell === 'number') return cell !== 0;
    const lower = cell.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return null;
  }
  if (type === 'datetime') {
    const ms = typeof cell === 'number' ? cell : Date.parse(String(cell));
    return Number.isNaN(ms) ? null : ms;
  }
  const text = String(cell);
  return text === '' ? null : text;
}

const dotNetType: Record<AttributeType, string> = {
  uniqueidentifier: 'System.Guid',
  lookup: 'System.Guid',
  owner: 'System.Guid',
  string: 'System.String',
  memo: 'System.String',
  integer: 'System.Int32',
  bigint: 'System.Int64',
  decimal: 'System.Decimal',
  boolean: 'System.Boolean',
  datetime: 'System.DateTime',
  picklist: 'System.Int32',
  state: 'System.Int32',
  status: 'System.Int32',
};

const formatMessage: Record<string, string> = {
  'System.Guid': 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
  'System.Int32': 'Input string was not in a correct format.',
  'System.Int64': 'Input string was not in a correct format.',
  'System.Decimal': 'Input string was not in a correct format.',
  'System.Boolean': 'String was not recognized as a valid Boolean.',
  'System.DateTime': 'String was not recognized as a valid DateTime.',
};

function conversionError(entity: string, attr: AttributeMeta, value: string): FetchXmlError {
  const expected = dotNetType[attr.type];
  return invalidArgument(
    `An exception System.FormatException was thrown while trying to convert input value '${value}' to attribute '${entity}.${attr.logicalName}'. ` +
      `Expected type of attribute value: ${expected}. Exception raised: ${formatMessage[expected] ?? 'Input string was not in a correct format.'}`,
  );
}

/** Converts a condition (or paging-cookie) value to the attribute's type, as the platform does. */
export function parseValue(entity: string, attr: AttributeMeta, raw: string): Typed {
  const type = attr.type;
  const text = raw.trim();
  if (isGuidType(type)) {
    const guid = canonicalGuid(text);
    if (!guid) throw conversionError(entity, attr, raw);
    return guid;
  }
  if (type === 'integer' || type === 'bigint' || type === 'picklist' || type === 'state' || type === 'status') {
    if (!/^[+-]?\d+$/.test(text)) throw conversionError(entity, attr, raw);
    return Number(text);
  }
  if (type === 'decimal') {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw conversionError(entity, attr, raw);
    return Number(text);
  }
  if (type === 'boolean') {
    const lower = text.toLowerCase();
    if (lower === '1' || lower === 'true') return true;
    if (lower === '0' || lower === 'false') return false;
    throw conversionError(entity, attr, raw);
  }
  if (type === 'datetime') {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw conversionError(entity, attr, raw);
    return ms;
  }
  return raw;
}

/** Database collation: case- and accent-insensitive (Latin1_General_CI_AI). */
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** SQL Server ignores trailing spaces when comparing strings. */
const trimEnd = (value: string): string => value.replace(/ +$/, '');

export const compareStrings = (a: string, b: string): number => collator.compare(trimEnd(a), trimEnd(b));

/** uniqueidentifier sorts by bytes 10-15, then 8-9, 6-7, 4-5, 0-3. */
export function sqlGuidKey(guid: string): string {
  const parts = guid.split('-');
  if (parts.length !== 5) return guid;
  return `${parts[4]}${parts[3]}${parts[2]}${parts[1]}${parts[0]}`;
}

/** Compares two non-null typed values of one attribute; strings collated, GUIDs in SQL order. */
export function compareTyped(type: AttributeType, a: Typed, b: Typed): number {
  if (isGuidType(type) && typeof a === 'string' && typeof b === 'string') {
    const ka = sqlGuidKey(a);
    const kb = sqlGuidKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const na = typeof a === 'boolean' ? (a ? 1 : 0) : Number(a);
  const nb = typeof b === 'boolean' ? (b ? 1 : 0) : Number(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const stripAccents = (value: string): string => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** SQL LIKE: `%` any run, `_` one character, `[abc]`/`[^a-z]` classes; case- and accent-insensitive. */
export function likeToRegExp(pattern: string): RegExp {
  let source = '';
  const text = stripAccents(pattern);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else if (ch === '[') {
      const close = text.indexOf(']', i + 1);
      if (close > i + 1) {
        let body = text.slice(i + 1, close);
        const negate = body.startsWith('^');
        if (negate) body = body.slice(1);
        source += `[${negate ? '^' : ''}${body.replace(/[\\\][]/g, '\\$&')}]`;
        i = close;
      } else source += '\\[';
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

export function matchesLike(value: string, pattern: RegExp): boolean {
  return pattern.test(stripAccents(trimEnd(value)));
}

/** Escapes LIKE wildcards so begins-with/ends-with compare their value literally. */
export const escapeLikeLiteral = (value: string): string => value.replace(/[%_[]/g, '[$&]');

/** A key two join columns agree on: canonical GUIDs, case-insensitive strings. */
export function joinKey(value: Typed): string {
  if (typeof value === 'string') return canonicalGuid(value) ?? trimEnd(value).toLowerCase();
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}
