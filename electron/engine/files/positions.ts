/**
 * Line and column positions in text files (1-based, columns in UTF-16 code units as editors and the
 * Azure DevOps / GitHub annotation formats count them), and the issue shape every file reader here
 * reports: where, what, and a plain-language message.
 */

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface FileIssue<Code extends string = string> extends Position {
  /** The file name as the user gave it (or the path inside a solution). */
  file: string;
  code: Code;
  message: string;
}

/** Maps offsets to positions; `\n`, `\r\n` and a lone `\r` each end a line. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  at(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

/** Removes a leading byte-order mark (pac and Windows editors write one); positions then match what editors show. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `file(line,col): message` (or `file: message` without a position) — the form compilers, editors and CI log parsers recognise. */
export function formatIssue(issue: { file: string; line: number | null; column: number | null; message: string }): string {
  if (issue.line === null) return `${issue.file}: ${issue.message}`;
  return issue.column === null ? `${issue.file}(${issue.line}): ${issue.message}` : `${issue.file}(${issue.line},${issue.column}): ${issue.message}`;
}

/** Issues in reading order: by file, then line, then column (issues without a position first). */
export function byPosition<T extends { file: string; line: number | null; column: number | null }>(a: T, b: T): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
