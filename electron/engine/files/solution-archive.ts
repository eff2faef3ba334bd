import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';

/**
 * The files of a solution, from a solution `.zip` (as exported, or a zipped `pac solution unpack`
 * folder) or an unpacked folder, reduced to the ones Patchbay reads: solution.xml, customizations.xml,
 * Workflows/*, environmentvariabledefinitions/*. Refuses what is not a zip, damaged zips, zips too large
 * to be a solution, and zips with entries that point outside the archive (path traversal).
 */

export type SolutionIssueCode =
  | 'not-found'
  | 'unreadable'
  | 'not-a-zip'
  | 'zip-corrupt'
  | 'zip-too-large'
  | 'path-traversal'
  | 'not-a-solution-folder'
  | 'missing-solution-xml'
  | 'missing-customizations-xml'
  | 'xml-syntax'
  | 'xml-doctype'
  | 'bad-manifest'
  | 'bad-connection-reference'
  | 'bad-environment-variable'
  | 'bad-workflow'
  | 'flow-json-missing'
  | 'flow-json-syntax'
  | 'flow-json-shape'
  | 'json-syntax'
  | 'undeclared-flow-file';

export interface SolutionIssue {
  /** The entry's path inside the solution (e.g. `Workflows/Invoiceapproval-….json`), or the zip or folder itself. */
  file: string;
  line: number | null;
  column: number | null;
  code: SolutionIssueCode;
  message: string;
}

export interface SolutionEntry {
  /** As in the archive or relative to the folder given, with forward slashes. */
  path: string;
  data: Uint8Array;
}

export interface SolutionFiles {
  kind: 'zip' | 'folder';
  /** The zip's file name or the folder's path as given. */
  name: string;
  /** Relative to the solution root, lower case, forward slashes → entry. */
  entries: Map<string, SolutionEntry>;
}

export type SolutionFilesResult = { ok: true; files: SolutionFiles } | { ok: false; errors: SolutionIssue[] };

/** Uncompressed bytes Patchbay will read from one solution, at most. */
export const MAX_SOLUTION_BYTES = 512 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 50_000;

/** Is this relative, lower-case path one of the files we read? */
export function isSolutionFile(key: string): boolean {
  return (
    /^(?:other\/)?(?:solution|customizations)\.xml$/.test(key) ||
    /^workflows\/[^/]+\.(?:json|json\.data\.xml)$/.test(key) ||
    /^environmentvariabledefinitions\/[^/]+\/(?:environmentvariabledefinition\.xml|environmentvariablevalues\.json)$/.test(key)
  );
}

/** Why an entry name is unsafe (absolute, drive letter, `..`, NUL), or null. */
export function unsafeEntryName(name: string): string | null {
  const path = name.replace(/\\/g, '/');
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.startsWith('/')) return 'is an absolute path';
  if (/^[a-zA-Z]:/.test(path)) return 'names a drive';
  if (path.split('/').some((segment) => segment === '..')) return 'climbs out with ".."';
  return null;
}

const hex = (bytes: Uint8Array): string => [...bytes.slice(0, 4)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

function notAZipMessage(name: string, bytes: Uint8Array): string {
  if (bytes.length === 0) return `${name} is empty, not a solution zip.`;
  let guess = '';
  const first = String.fromCharCode(...bytes.slice(0, 64)).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (first.startsWith('{') || first.startsWith('[')) guess = ' It looks like JSON — a deployment settings file?';
  else if (first.startsWith('<')) guess = ' It looks like XML — pass the solution zip or the unpacked folder, not one of its files.';
  return `${name} is not a zip archive (it starts with bytes ${hex(bytes)}, not "PK").${guess} Export the solution with pac solution export or from the maker portal.`;
}

export function openSolutionZip(bytes: Uint8Array, name: string): SolutionFilesResult {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
  if (!isZip) return { ok: false, errors: [{ file: name, line: null, column: null, code: 'not-a-zip', message: notAZipMessage(name, bytes) }] };

  const errors: SolutionIssue[] = [];
  const names = new Map<string, string>();
  let count = 0;
  let wantedBytes = 0;
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter: (file) => {
        count++;
        const problem = unsafeEntryName(file.name);
        if (problem) {
          errors.push({
            file: name,
            line: null,
            column: null,
            code: 'path-traversal',
            message: `${name} contains an entry that points outside the archive: "${file.name}" ${problem}. Patchbay refuses solution files with such entries.`,
          });
          return false;
        }
        const key = file.name.replace(/\\/g, '/').toLowerCase();
        if (!isSolutionFile(key) || errors.length) return false;
        wantedBytes += file.originalSize;
        if (wantedBytes > MAX_SOLUTION_BYTES || count > MAX_ZIP_ENTRIES) return false;
        names.set(file.name, key);
        return true;
      },
    });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const message = /compression/i.test(detail)
      ? `${name} uses a compression method Patchbay cannot read (${detail}); export the solution again instead of re-zipping it.`
      : `${name} is a damaged zip archive (${detail}); export the solution again.`;
    return { ok: false, errors: [{ file: name, line: null, column: null, code: 'zip-corrupt', message }] };
  }
  if (errors.length) return { ok: false, errors };
  if (wantedBytes > MAX_SOLUTION_BYTES || count > MAX_ZIP_ENTRIES) {
    return {
      ok: false,
      errors: [
        {
          file: name,
          line: null,
          column: null,
          code: 'zip-too-large',
          message: `${name} is too large to be read as a solution (over ${MAX_ZIP_ENTRIES} entries or ${MAX_SOLUTION_BYTES / 1024 / 1024} MiB uncompressed).`,
        },
      ],
    };
  }
  const entries = new Map<string, SolutionEntry>();
  for (const [entryName, data] of Object.entries(unzipped)) {
    const key = names.get(entryName);
    if (key) entries.set(key, { path: entryName.replace(/\\/g, '/'), data });
  }
  return { ok: true, files: { kind: 'zip', name, entries } };
}

/** Case-insensitive child lookup in a real folder (no symlinks followed). */
async function listing(dir: string): Promise<Map<string, { name: string; dir: boolean }>> {
  const out = new Map<string, { name: string; dir: boolean }>();
  try {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (d.isSymbolicLink()) continue;
      if (d.isFile() || d.isDirectory()) out.set(d.name.toLowerCase(), { name: d.name, dir: d.isDirectory() });
    }
  } catch {
    // An unreadable or missing subfolder just has nothing in it for us.
  }
  return out;
}

export async function openSolutionFolder(folder: string): Promise<SolutionFilesResult> {
  const top = await listing(folder);
  const other = top.get('other');
  const src = top.get('src');
  let rootParts: string[] | null = null;
  if (other?.dir && (await listing(join(folder, other.name))).has('solution.xml')) rootParts = [];
  else if (top.get('solution.xml')?.dir === false) rootParts = [];
  else if (src?.dir) {
    const inner = await listing(join(folder, src.name));
    const innerOther = inner.get('other');
    if (innerOther?.dir && (await listing(join(folder, src.name, innerOther.name))).has('solution.xml')) rootParts = [src.name];
  }
  if (!rootParts) {
    return {
      ok: false,
      errors: [
        {
          file: folder,
          line: null,
          column: null,
          code: 'not-a-solution-folder',
          message: `${folder} is not a solution folder: expected Other/Solution.xml (a pac solution unpack folder, or its src/ in a .cdsproj project) or solution.xml (an extracted solution zip).`,
        },
      ],
    };
  }

  const entries = new Map<string, SolutionEntry>();
  let total = 0;
  const errors: SolutionIssue[] = [];
  const add = async (parts: string[]): Promise<void> => {
    const key = parts.map((p) => p.toLowerCase()).join('/');
    if (!isSolutionFile(key)) return;
    const relative = [...(rootParts ?? []), ...parts].join('/');
    const full = join(folder, ...(rootParts ?? []), ...parts);
    try {
      const info = await lstat(full);
      total += info.size;
      if (total > MAX_SOLUTION_BYTES) return;
      entries.set(key, { path: relative, data: await readFile(full) });
    } catch (e) {
      errors.push({ file: relative, line: null, column: null, code: 'unreadable', message: `Cannot read ${relative}: ${e instanceof Error ? e.message : String(e)}.` });
    }
  };
  const walk = async (parts: string[], depth: number): Promise<void> => {
    for (const { name, dir } of (await listing(join(folder, ...(rootParts ?? []), ...parts))).values()) {
      if (dir && depth > 0) await walk([...parts, name], depth - 1);
      else if (!dir) await add([...parts, name]);
    }
  };
  const root = await listing(join(folder, ...rootParts));
  for (const { name, dir } of root.values()) {
    const lower = name.toLowerCase();
    if (!dir) await add([name]);
    else if (lower === 'other' || lower === 'workflows') await walk([name], 0);
    else if (lower === 'environmentvariabledefinitions') await walk([name], 1);
  }
  if (errors.length) return { ok: false, errors };
  if (total > MAX_SOLUTION_BYTES) {
    return {
      ok: false,
      errors: [{ file: folder, line: null, column: null, code: 'zip-too-large', message: `${folder} holds more than ${MAX_SOLUTION_BYTES / 1024 / 1024} MiB of solution files; Patchbay will not read it.` }],
    };
  }
  return { ok: true, files: { kind: 'folder', name: folder, entries } };
}

/** A path (zip file or folder) or the bytes of a zip. */
export async function openSolutionSource(input: string | Uint8Array, name?: string): Promise<SolutionFilesResult> {
  if (typeof input !== 'string') return openSolutionZip(input, name ?? 'solution.zip');
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(input)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `${input} does not exist.` : `Cannot read ${input}: ${e instanceof Error ? e.message : String(e)}.`;
    return { ok: false, errors: [{ file: input, line: null, column: null, code: code === 'ENOENT' ? 'not-found' : 'unreadable', message }] };
  }
  if (isDirectory) return openSolutionFolder(input);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(input);
  } catch (e) {
    return { ok: false, errors: [{ file: input, line: null, column: null, code: 'unreadable', message: `Cannot read ${input}: ${e instanceof Error ? e.message : String(e)}.` }] };
  }
  return openSolutionZip(bytes, name ?? basename(input));
}

/** Text of a solution file: UTF-8 (BOM dropped) or UTF-16 with a BOM. */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  return new TextDecoder('utf-8').decode(data);
}
