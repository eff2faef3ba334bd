/**
 * The Prefer request header (RFC 7240) as Dataverse reads it. Clients send several preferences
 * comma-joined in one header or as several headers (which the server sees joined with ", "), e.g.
 * `return=representation,odata.include-annotations="*",odata.maxpagesize=5000`.
 */

export interface Preferences {
  /** `return=representation`: POST answers 201 with the row, PATCH 200 with the row. */
  returnRepresentation: boolean;
  /** The value of `odata.include-annotations`, unquoted (e.g. `*` or a comma list); null when absent. */
  includeAnnotations: string | null;
  /** `odata.maxpagesize=N` as sent (not yet capped at 5000); null when absent or not a positive integer. */
  maxPageSize: number | null;
  /** `odata.continue-on-error` ($batch). */
  continueOnError: boolean;
  /** `odata.track-changes`. */
  trackChanges: boolean;
}

/** The platform's page size limit (and default). */
export const MAX_PAGE_SIZE = 5000;

const KNOWN = new Set(['return', 'odata.include-annotations', 'odata.maxpagesize', 'odata.continue-on-error', 'odata.track-changes', 'respond-async', 'wait', 'handling', 'odata.allow-entityreferences', 'odata.callback']);

/** Splits on commas that are not inside double quotes. */
function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unquote = (v: string): string => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);

export function parsePrefer(header: string | null | undefined): Preferences {
  const prefs: Preferences = {
    returnRepresentation: false,
    includeAnnotations: null,
    maxPageSize: null,
    continueOnError: false,
    trackChanges: false,
  };
  if (!header) return prefs;
  /** An unquoted annotation list swallows the following bare items (`…=A,B`). */
  let openAnnotationList = false;
  for (const part of splitOutsideQuotes(header)) {
    const item = part.trim();
    if (!item) continue;
    const pref = (item.split(';')[0] ?? '').trim();
    const eq = pref.indexOf('=');
    const name = (eq < 0 ? pref : pref.slice(0, eq)).trim().toLowerCase();
    const rawValue = eq < 0 ? null : pref.slice(eq + 1).trim();
    if (openAnnotationList && eq < 0 && !KNOWN.has(name)) {
      prefs.includeAnnotations = `${prefs.includeAnnotations ?? ''},${pref}`;
      continue;
    }
    openAnnotationList = false;
    const value = rawValue === null ? null : unquote(rawValue);
    switch (name) {
      case 'return':
        prefs.returnRepresentation = value?.toLowerCase() === 'representation';
        break;
      case 'odata.include-annotations':
        if (value !== null && value !== '') {
          prefs.includeAnnotations = value;
          openAnnotationList = rawValue !== null && !rawValue.startsWith('"');
        }
        break;
      case 'odata.maxpagesize':
        prefs.maxPageSize = value !== null && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : null;
        break;
      case 'odata.continue-on-error':
        prefs.continueOnError = value === null || value.toLowerCase() !== 'false';
        break;
      case 'odata.track-changes':
        prefs.trackChanges = true;
        break;
      default:
        break;
    }
  }
  return prefs;
}

/** Decides whether an annotation term (e.g. `OData.Community.Display.V1.FormattedValue`) was asked for. */
export type AnnotationFilter = (term: string) => boolean;

/**
 * Builds the filter for an `odata.include-annotations` value: `*`, exact terms, namespace wildcards
 * (`Microsoft.Dynamics.CRM.*`) and exclusions (`-term`, `-ns.*`), comma-separated.
 */
export function annotationFilter(includeAnnotations: string | null): AnnotationFilter {
  if (!includeAnnotations) return () => false;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const raw of includeAnnotations.split(',')) {
    const p = raw.trim();
    if (!p) continue;
    if (p.startsWith('-')) exclude.push(p.slice(1));
    else include.push(p);
  }
  const matches = (pattern: string, term: string): boolean =>
    pattern === '*' || pattern === term || (pattern.endsWith('.*') && term.startsWith(pattern.slice(0, -1)));
  return (term) => !exclude.some((p) => matches(p, term)) && include.some((p) => matches(p, term));
}

/** `Preference-Applied` values for what a query honoured, one per header as in the platform's examples. */
export function appliedQueryPreferences(prefs: Preferences): string[] {
  const out: string[] = [];
  if (prefs.includeAnnotations !== null) out.push(`odata.include-annotations="${prefs.includeAnnotations}"`);
  if (prefs.maxPageSize !== null) out.push(`odata.maxpagesize=${Math.min(prefs.maxPageSize, MAX_PAGE_SIZE)}`);
  return out;
}
