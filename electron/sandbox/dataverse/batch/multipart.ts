/**
 * The multipart/mixed layer shared by the request and response sides: media-type parameters, splitting
 * a body at its boundary, and header blocks. Text is handled as "binary" strings (one char per byte,
 * latin1) so part bodies come back byte for byte; header values and request lines are decoded as UTF-8.
 * Both CRLF and bare LF line ends are accepted (DynamicsWebApi sends bare LF).
 */
import { ODATA_ERROR_CODE, batchTexts } from './texts';

/** A batch-level failure: the status and Dataverse error the whole `$batch` answers with. */
export interface BatchFault {
  status: number;
  code: string;
  message: string;
}

/** Thrown inside the parsers only; the exported parsers turn it into a result. */
export class BatchFormatError extends Error {
  readonly fault: BatchFault;

  constructor(message: string, status = 400, code = ODATA_ERROR_CODE) {
    super(message);
    this.name = 'BatchFormatError';
    this.fault = { status, code, message };
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: BatchFault };

export interface MediaType {
  /** Lower-cased `type/subtype`. */
  type: string;
  /** Parameters in order; names lower-cased, values unquoted. */
  params: Array<[string, string]>;
}

/** Parses `type/subtype; name=value; name="quoted; value"`. */
export function parseMediaType(value: string): MediaType {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value.charAt(i + 1);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      pieces.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  pieces.push(current);
  const [first = '', ...rest] = pieces;
  const params: Array<[string, string]> = [];
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const name = piece.slice(0, eq).trim().toLowerCase();
    let v = piece.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name) params.push([name, v]);
  }
  return { type: first.trim().toLowerCase(), params };
}

export function mediaTypeParam(mediaType: MediaType, name: string): string | undefined {
  return mediaType.params.find(([n]) => n === name)?.[1];
}

/** The one `boundary` parameter of a multipart/mixed content type, or a BatchFormatError. */
export function requireBoundary(contentType: string): string {
  const boundaries = parseMediaType(contentType).params.filter(([n]) => n === 'boundary');
  const boundary = boundaries[0]?.[1];
  if (boundaries.length !== 1 || !boundary) throw new BatchFormatError(batchTexts.boundaryMissing(contentType));
  return boundary;
}

export interface SplitResult {
  /** Contents between delimiters, without the line break that belongs to the next delimiter. */
  parts: string[];
  /** Whether the close delimiter `--boundary--` was seen. */
  closed: boolean;
}

/**
 * Splits a multipart body at `--boundary` lines (trailing blanks allowed, RFC 2046 transport padding).
 * Text before the first delimiter (preamble) and after the close delimiter (epilogue) is dropped.
 */
export function splitMultipart(text: string, boundary: string): SplitResult {
  const open = `--${boundary}`;
  const close = `${open}--`;
  const parts: string[] = [];
  let partStart = -1;
  let pos = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(pos, lineEnd).replace(/[ \t\r]+$/, '');
    if (line === open || line === close) {
      if (partStart >= 0) {
        let end = pos;
        if (end > partStart && text.charAt(end - 1) === '\n') end--;
        if (end > partStart && text.charAt(end - 1) === '\r') end--;
        parts.push(text.slice(partStart, end));
      }
      if (line === close) return { parts, closed: true };
      partStart = nl === -1 ? text.length : nl + 1;
    }
    if (nl === -1) return { parts, closed: false };
    pos = nl + 1;
  }
}

export interface HeaderLine {
  name: string;
  value: string;
}

/** Reads one line (without its CR/LF) from `pos`; null at the end of the text. */
export function readLine(text: string, pos: number): { line: string; next: number } | null {
  if (pos >= text.length) return null;
  const nl = text.indexOf('\n', pos);
  const end = nl === -1 ? text.length : nl;
  const line = text.slice(pos, end);
  return { line: line.endsWith('\r') ? line.slice(0, -1) : line, next: nl === -1 ? text.length : nl + 1 };
}

/**
 * Reads `Name: value` lines up to the first empty line (or the end of the text) and returns them with
 * the rest of the text after that empty line. Repeating a header name (same spelling) is an error, as
 * it is for ODataLib.
 */
export function readHeaderBlock(text: string, pos = 0): { headers: HeaderLine[]; rest: number } {
  const headers: HeaderLine[] = [];
  let at = pos;
  for (;;) {
    const read = readLine(text, at);
    if (read === null) return { headers, rest: text.length };
    at = read.next;
    if (read.line === '') return { headers, rest: at };
    const colon = read.line.indexOf(':');
    if (colon <= 0 || /^\s/.test(read.line)) throw new BatchFormatError(batchTexts.invalidHeader(utf8(read.line)));
    const name = read.line.slice(0, colon).trim();
    if (headers.some((h) => h.name === name)) throw new BatchFormatError(batchTexts.duplicateHeader(utf8(name)));
    headers.push({ name, value: utf8(read.line.slice(colon + 1).trim()) });
  }
}

/** Header lines as a record with lower-cased names; names differing only in case are joined with ", ". */
export function headerRecord(lines: readonly HeaderLine[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of lines) {
    const key = name.toLowerCase();
    const prior = out[key];
    out[key] = prior === undefined ? value : `${prior}, ${value}`;
  }
  return out;
}

/** A "binary" (latin1) string read back as UTF-8. */
export function utf8(binary: string): string {
  // Pure ASCII needs no round trip.
  return /[\u0080-\uffff]/.test(binary) ? Buffer.from(binary, 'latin1').toString('utf8') : binary;
}
