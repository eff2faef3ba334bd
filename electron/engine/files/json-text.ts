import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex, stripBom, type Position } from './positions';

/**
 * Strict JSON with positions: a syntax tree whose nodes keep their offsets (so every later complaint can
 * name the line and column of the offending token), or the first syntax error in words. Comments and
 * trailing commas are refused: `pac` writes neither, and not every tool downstream accepts them.
 */

export type JsonNode = Node;

export interface JsonDocument {
  /** The text without its byte-order mark: node offsets index into this. */
  text: string;
  root: JsonNode;
  lines: LineIndex;
  positionOf(node: JsonNode): Position;
}

export interface JsonSyntaxError extends Position {
  offset: number;
  message: string;
}

export type JsonParseResult = { ok: true; document: JsonDocument } | { ok: false; error: JsonSyntaxError };

const shown = (token: string): string => {
  const oneLine = token.replace(/\r?\n[\s\S]*$/, '');
  return JSON.stringify(oneLine.length > 24 ? `${oneLine.slice(0, 24)}…` : oneLine);
};

function found(text: string, offset: number, length: number): string {
  if (offset >= text.length) return 'the end of the file';
  const token = length > 0 ? text.slice(offset, offset + length) : (/^\S+/.exec(text.slice(offset))?.[0] ?? text.charAt(offset));
  return shown(token);
}

/** The comma right before offset (skipping whitespace), if that is what makes a trailing comma. */
function trailingCommaBefore(text: string, offset: number): number | null {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text.charAt(i))) i--;
  return text.charAt(i) === ',' && (text.charAt(offset) === '}' || text.charAt(offset) === ']') ? i : null;
}

/** Inside a string token, the offset of the first bad escape (`\q`, `\u12`). */
function badEscapeIn(text: string, offset: number, length: number): number {
  const token = text.slice(offset, offset + length);
  const m = /\\(?:u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])/.exec(token);
  return m ? offset + m.index : offset;
}

function describe(text: string, error: ParseError): { offset: number; message: string } {
  const { offset, length } = error;
  const code = printParseErrorCode(error.error);
  switch (code) {
    case 'PropertyNameExpected':
    case 'ValueExpected': {
      const comma = trailingCommaBefore(text, offset);
      if (comma !== null) return { offset: comma, message: `Invalid JSON: trailing comma before ${shown(text.charAt(offset))}; remove it.` };
      const token = text.slice(offset, offset + Math.max(length, 1));
      if (code === 'PropertyNameExpected') return { offset, message: `Invalid JSON: expected a property name in double quotes, found ${found(text, offset, length)}.` };
      if (token.startsWith("'")) return { offset, message: 'Invalid JSON: strings must use double quotes, not single quotes.' };
      return { offset, message: `Invalid JSON: expected a value, found ${found(text, offset, length)}.` };
    }
    case 'InvalidSymbol': {
      const token = text.slice(offset, offset + Math.max(length, 1));
      if (token.startsWith("'")) return { offset, message: 'Invalid JSON: strings must use double quotes, not single quotes.' };
      if (/^[A-Za-z_$]/.test(token)) {
        return { offset, message: `Invalid JSON: unexpected ${shown(token)}; names and strings need double quotes, and the only literals are true, false and null.` };
      }
      return { offset, message: `Invalid JSON: unexpected ${shown(token)}.` };
    }
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return { offset, message: `Invalid JSON: malformed number ${found(text, offset, length)}.` };
    case 'ColonExpected':
      return { offset, message: `Invalid JSON: expected ":" after the property name, found ${found(text, offset, length)}.` };
    case 'CommaExpected':
      return { offset, message: `Invalid JSON: expected "," between items, found ${found(text, offset, length)}.` };
    case 'CloseBraceExpected':
      return { offset, message: `Invalid JSON: expected "}" to close the object, found ${found(text, offset, length)}.` };
    case 'CloseBracketExpected':
      return { offset, message: `Invalid JSON: expected "]" to close the array, found ${found(text, offset, length)}.` };
    case 'EndOfFileExpected':
      return { offset, message: `Invalid JSON: unexpected ${found(text, offset, length)} after the end of the document.` };
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return { offset, message: 'Invalid JSON: comments are not allowed.' };
    case 'UnexpectedEndOfString':
      return { offset, message: 'Invalid JSON: unterminated string (a string must close on the line it starts).' };
    case 'InvalidUnicode':
    case 'InvalidEscapeCharacter':
      return { offset: badEscapeIn(text, offset, length), message: 'Invalid JSON: invalid escape sequence in a string (valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).' };
    case 'InvalidCharacter':
      return { offset, message: 'Invalid JSON: control character inside a string; write it as an escape such as \\t or \\n.' };
    default:
      return { offset, message: `Invalid JSON (${code}).` };
  }
}

export function parseJsonText(raw: string): JsonParseResult {
  const text = stripBom(raw);
  const lines = new LineIndex(text);
  if (!text.trim()) return { ok: false, error: { offset: 0, line: 1, column: 1, message: 'The file is empty.' } };
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // Only pathological nesting (thousands of levels) exhausts the parser's stack.
    return { ok: false, error: { offset: 0, line: 1, column: 1, message: 'Invalid JSON: nested too deeply to read.' } };
  }
  const first = errors[0];
  if (first || !root) {
    const { offset, message } = first ? describe(text, first) : { offset: 0, message: 'Invalid JSON.' };
    return { ok: false, error: { offset, ...lines.at(offset), message } };
  }
  return { ok: true, document: { text, root, lines, positionOf: (node) => lines.at(node.offset) } };
}

/** A node's source text (e.g. `25000.50` for a number, keeping its spelling). */
export function sourceOf(document: JsonDocument, node: JsonNode): string {
  return document.text.slice(node.offset, node.offset + node.length);
}

/** The JSON type as people say it. */
export function jsonTypeName(node: JsonNode): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
    case 'property':
      return 'a property';
  }
}
