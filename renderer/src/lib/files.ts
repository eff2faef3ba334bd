import { zipSync } from 'fflate';
import type { ExportedFile } from './types';

/** Files in and out of the browser: Blob downloads, text and base64 reads, a folder zipped in memory. */

export function downloadFile(file: ExportedFile, doc: Document = document): void {
  const blob = new Blob([file.content], { type: file.mimeType || 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function readText(file: Blob): Promise<string> {
  return file.text();
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export async function readBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

/** An unpacked solution folder (picked with a directory input) as one zip, paths relative to the folder. */
export async function zipFolder(files: readonly File[]): Promise<{ name: string; base64: string }> {
  const entries: Record<string, Uint8Array> = {};
  let root = 'solution';
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = rel.split('/');
    if (parts.length > 1) root = parts[0] ?? root;
    const inner = parts.length > 1 ? parts.slice(1).join('/') : rel;
    entries[inner] = new Uint8Array(await f.arrayBuffer());
  }
  return { name: `${root}.zip`, base64: bytesToBase64(zipSync(entries, { level: 0 })) };
}

/**
 * Environment variable values from a pac deployment settings file, by schema name (lower case), so the
 * matrix can mark the variables whose live value differs. Unreadable files yield null (the main side's
 * `settings:diff` reports why, with line numbers).
 */
export function settingsFileValues(content: string): Record<string, string> | null {
  try {
    const parsed = JSON.parse(content.replace(/^\uFEFF/, '')) as { EnvironmentVariables?: { SchemaName?: unknown; Value?: unknown }[] };
    if (!parsed || !Array.isArray(parsed.EnvironmentVariables)) return null;
    const out: Record<string, string> = {};
    for (const v of parsed.EnvironmentVariables) {
      if (typeof v?.SchemaName === 'string' && typeof v.Value === 'string' && v.Value !== '') out[v.SchemaName.toLowerCase()] = v.Value;
    }
    return out;
  } catch {
    return null;
  }
}
