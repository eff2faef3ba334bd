/**
 * Tokenizer for $filter and $orderby expressions, modelled on OData.NET's ExpressionLexer (which
 * Dataverse runs) so that error texts and positions match the platform's: tokens are read lazily,
 * positions are 0-based UTF-16 offsets, and "Syntax error at position N" reports the lexer position
 * *after* the offending token, as OData.NET's ValidateToken does.
 */
import {
  digitExpected,
  invalidCharacter,
  syntaxError,
  unbalancedBracket,
  unterminatedLiteral,
  unterminatedStringLiteral,
} from './errors';
import { isGuidText, parseIsoDateTime } from './edm';

export type TokenKind =
  | 'identifier'
  | 'string'
  | 'int32'
  | 'int64'
  | 'decimal'
  | 'double'
  | 'single'
  | 'binary'
  | 'guid'
  | 'datetimeoffset'
  | 'date'
  | 'boolean'
  | 'null'
  | 'quoted'
  | 'openParen'
  | 'closeParen'
  | 'comma'
  | 'equal'
  | 'slash'
  | 'question'
  | 'dot'
  | 'star'
  | 'colon'
  | 'minus'
  | 'semicolon'
  | 'bracketed'
  | 'braced'
  | 'alias'
  | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token's first character. */
  pos: number;
}

export const NUMERIC_TOKENS: ReadonlySet<TokenKind> = new Set(['int32', 'int64', 'decimal', 'double', 'single']);

const IDENT_START = /[\p{L}\p{Nl}_$]/u;
const IDENT_PART = /[\p{L}\p{Nd}\p{Nl}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]/u;
const DIGIT = /[0-9]/;
const HEX = /[0-9a-fA-F]/;
const WHITESPACE = /\s/;
const LETTER = /\p{L}/u;

const isIdentStart = (c: string | undefined): boolean => c !== undefined && IDENT_START.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && IDENT_PART.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && DIGIT.test(c);

export interface LexerOptions {
  /** `;` is a token (inside $expand options it is a delimiter). */
  semicolon?: boolean;
  /** `@name` parameter aliases are tokens ($filter and $orderby). */
  aliases?: boolean;
}

export class ExpressionLexer {
  /** Position after the current token (OData.NET's `textPos`). */
  private textPos = 0;
  private current: Token;

  constructor(
    readonly text: string,
    private readonly options: LexerOptions = {},
  ) {
    this.current = { kind: 'end', text: '', pos: 0 };
    this.nextToken();
  }

  get token(): Token {
    return this.current;
  }

  /** The lexer position after the current token; syntax errors report it. */
  get position(): number {
    return this.textPos;
  }

  nextToken(): Token {
    this.current = this.lex();
    return this.current;
  }

  peekNextToken(): Token {
    const saved = this.textPos;
    try {
      return this.lex();
    } finally {
      this.textPos = saved;
    }
  }

  /** Throws the platform's syntax error unless the current token is of the given kind. */
  validateToken(kind: TokenKind): void {
    if (this.current.kind !== kind) throw syntaxError(this.textPos, this.text);
  }

  /**
   * When the current identifier (possibly dotted, with no whitespace) is immediately followed by `(`,
   * widens the token to the whole function name and returns true (OData.NET's ExpandIdentifierAsFunction).
   */
  expandIdentifierAsFunction(): boolean {
    if (this.current.kind !== 'identifier') return false;
    let end = this.current.pos + this.current.text.length;
    for (;;) {
      if (this.text[end] !== '.' || !isIdentStart(this.text[end + 1])) break;
      let p = end + 2;
      while (isIdentPart(this.text[p])) p++;
      end = p;
    }
    if (this.text[end] !== '(') return false;
    this.current = { kind: 'identifier', text: this.text.slice(this.current.pos, end), pos: this.current.pos };
    this.textPos = end;
    return true;
  }

  private ch(at = this.textPos): string | undefined {
    return this.text[at];
  }

  private lex(): Token {
    const text = this.text;
    while (this.textPos < text.length && WHITESPACE.test(text[this.textPos] ?? '')) this.textPos++;
    const start = this.textPos;
    const c = this.ch();
    const single = (kind: TokenKind): Token => {
      this.textPos++;
      return { kind, text: c ?? '', pos: start };
    };
    if (c === undefined) return { kind: 'end', text: '', pos: start };
    switch (c) {
      case '(':
        return single('openParen');
      case ')':
        return single('closeParen');
      case ',':
        return single('comma');
      case '=':
        return single('equal');
      case '/':
        return single('slash');
      case '?':
        return single('question');
      case '.':
        return single('dot');
      case '*':
        return single('star');
      case ':':
        return single('colon');
      case '-': {
        if (isDigit(this.ch(start + 1))) {
          const kind = this.parseFromDigit(start);
          if (NUMERIC_TOKENS.has(kind)) return { kind, text: text.slice(start, this.textPos), pos: start };
          this.textPos = start;
        }
        return single('minus');
      }
      case "'": {
        do {
          this.textPos++;
          while (this.textPos < text.length && text[this.textPos] !== "'") this.textPos++;
          if (this.textPos >= text.length) throw unterminatedStringLiteral(this.textPos, text);
          this.textPos++;
        } while (this.ch() === "'");
        return { kind: 'string', text: text.slice(start, this.textPos), pos: start };
      }
      case '{':
        this.textPos++;
        this.advanceThroughBalanced('{', '}');
        return { kind: 'braced', text: text.slice(start, this.textPos), pos: start };
      case '[':
        this.textPos++;
        this.advanceThroughBalanced('[', ']');
        return { kind: 'bracketed', text: text.slice(start, this.textPos), pos: start };
      default:
        break;
    }
    if (isIdentStart(c)) {
      this.textPos++;
      while (isIdentPart(this.ch())) this.textPos++;
      if (this.ch() === '-' && this.tryParseGuid(start)) return { kind: 'guid', text: text.slice(start, this.textPos), pos: start };
      const word = text.slice(start, this.textPos);
      if (this.ch() === "'") {
        // A type-prefixed literal (binary'…', duration'…'), or an identifier glued to a quote as in O'Bryan'.
        if (word === 'null') throw syntaxError(this.textPos, text);
        do {
          do this.textPos++;
          while (this.textPos < text.length && text[this.textPos] !== "'");
          if (this.textPos >= text.length) throw unterminatedLiteral(this.textPos, text);
          this.textPos++;
        } while (this.ch() === "'");
        return { kind: 'quoted', text: text.slice(start, this.textPos), pos: start };
      }
      if (word === 'true' || word === 'false') return { kind: 'boolean', text: word, pos: start };
      if (word === 'null') return { kind: 'null', text: word, pos: start };
      if (word === 'INF' || word === 'NaN') return { kind: 'double', text: word, pos: start };
      return { kind: 'identifier', text: word, pos: start };
    }
    if (isDigit(c)) {
      const kind = this.parseFromDigit(start);
      return { kind, text: text.slice(start, this.textPos), pos: start };
    }
    if (c === ';' && this.options.semicolon) return single('semicolon');
    if (c === '@' && this.options.aliases) {
      this.textPos++;
      if (this.textPos >= text.length) throw syntaxError(this.textPos, text);
      if (!isIdentStart(this.ch())) throw invalidCharacter(this.ch() ?? '', this.textPos, text);
      while (isIdentPart(this.ch())) this.textPos++;
      return { kind: 'alias', text: text.slice(start, this.textPos), pos: start };
    }
    throw invalidCharacter(c, start, text);
  }

  /** Reads a number, date-time or GUID that starts with a digit (or a minus sign before one). */
  private parseFromDigit(start: number): TokenKind {
    const text = this.text;
    const first = this.ch();
    this.textPos++;
    if (first === '0' && (this.ch() === 'x' || this.ch() === 'X')) {
      do this.textPos++;
      while (this.ch() !== undefined && HEX.test(this.ch() ?? ''));
      return 'binary';
    }
    let kind: TokenKind = 'int32';
    while (isDigit(this.ch())) this.textPos++;
    if (this.ch() === '-') {
      const dt = this.tryParseDateTime(start);
      if (dt) return dt;
      if (this.tryParseGuid(start)) return 'guid';
    }
    if (this.ch() !== undefined && LETTER.test(this.ch() ?? '') && this.tryParseGuid(start)) return 'guid';
    if (this.ch() === '.') {
      kind = 'double';
      this.textPos++;
      if (!isDigit(this.ch())) throw digitExpected(this.textPos, text);
      while (isDigit(this.ch())) this.textPos++;
    }
    if (this.ch() === 'E' || this.ch() === 'e') {
      kind = 'double';
      this.textPos++;
      if (this.ch() === '+' || this.ch() === '-') this.textPos++;
      if (!isDigit(this.ch())) throw digitExpected(this.textPos, text);
      while (isDigit(this.ch())) this.textPos++;
    }
    const suffix = this.ch();
    if (suffix === 'M' || suffix === 'm') {
      this.textPos++;
      return 'decimal';
    }
    if (suffix === 'D' || suffix === 'd') {
      this.textPos++;
      return 'double';
    }
    if (suffix === 'L' || suffix === 'l') {
      this.textPos++;
      return 'int64';
    }
    if (suffix === 'F' || suffix === 'f') {
      this.textPos++;
      return 'single';
    }
    return bestGuessNumericKind(text.slice(start, this.textPos), kind);
  }

  /** OData.NET's ParseLiteral: the text from `start` up to `,`, `)`, a space or the end. */
  private literalFrom(start: number): string {
    let p = this.textPos;
    do p++;
    while (p < this.text.length && this.text[p] !== ',' && this.text[p] !== ')' && this.text[p] !== ' ');
    return this.text.slice(start, Math.min(p, this.text.length));
  }

  private tryParseGuid(start: number): boolean {
    const literal = this.literalFrom(start);
    if (!isGuidText(literal)) return false;
    this.textPos = start + literal.length;
    return true;
  }

  private tryParseDateTime(start: number): TokenKind | null {
    const literal = this.literalFrom(start);
    if (parseIsoDateTime(literal) === null) return null;
    this.textPos = start + literal.length;
    return /^\d{4}-\d{2}-\d{2}$/.test(literal) ? 'date' : 'datetimeoffset';
  }

  /** Skips to the matching close character; quotes are skipped whole. Positioned after the opener. */
  private advanceThroughBalanced(open: string, close: string): void {
    let depth = 1;
    while (depth > 0) {
      const c = this.ch();
      if (c === undefined) throw unbalancedBracket();
      if (c === "'") {
        this.textPos++;
        while (this.ch() !== undefined && this.ch() !== "'") this.textPos++;
        if (this.ch() === undefined) throw unbalancedBracket();
      } else if (c === open) depth++;
      else if (c === close) depth--;
      this.textPos++;
    }
  }
}

/** The smallest float32 text that round-trips, as .NET's `float.ToString("R")` prints it. */
function singleRoundTrip(value: number): number {
  const f = Math.fround(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** OData.NET's MakeBestGuessOnNoSuffixStr: Int32, then Int64, then Single/Double/Decimal by precision. */
function bestGuessNumericKind(text: string, guessed: TokenKind): TokenKind {
  if (guessed === 'int32') {
    if (/^-?\d+$/.test(text)) {
      const big = BigInt(text);
      if (big >= -2147483648n && big <= 2147483647n) return 'int32';
      if (big >= -9223372036854775808n && big <= 9223372036854775807n) return 'int64';
    }
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return 'double';
  const digits = text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  if (!/[eE]/.test(text) && digits.length > 17) return 'decimal';
  return singleRoundTrip(value) === value ? 'single' : 'double';
}
