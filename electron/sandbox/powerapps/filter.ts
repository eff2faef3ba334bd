/**
 * The maker routes name their environment in OData style, `$filter=environment eq '{env}'` (reference
 * §2.3), sent plain or URL-encoded; other clauses joined with `and` are tolerated and ignored.
 */

export type EnvironmentFilter = { ok: true; environment: string | null } | { ok: false; filter: string };

export function environmentFilter(params: URLSearchParams): EnvironmentFilter {
  const filter = params.get('$filter');
  if (filter === null || filter.trim() === '') return { ok: true, environment: null };
  const match = /(?:^|\s|\()environment\s+eq\s+'([^']+)'/i.exec(filter);
  return match?.[1] ? { ok: true, environment: match[1] } : { ok: false, filter };
}
