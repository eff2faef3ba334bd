/**
 * BAP's lightweight query options: `$expand` (comma-separated property paths, `.` or `/` separated,
 * unknown items ignored) and `$select` (keep only the listed paths, plus the resource's `id` and
 * `name`). Both accept the dollar-less spelling some clients send.
 */

/** Splits on commas outside parentheses: `permissions($filter=a,b),properties.capacity` → 2 items. */
function splitTopLevel(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((s) => s.trim()).filter(Boolean);
}

const normalisePath = (path: string): string => path.replace(/\(.*$/, '').replace(/\//g, '.').trim().toLowerCase();

function option(params: URLSearchParams, name: string): string | null {
  return params.get(`$${name}`) ?? params.get(name);
}

export function expandOption(params: URLSearchParams): Set<string> {
  const raw = option(params, 'expand');
  return new Set(raw ? splitTopLevel(raw).map(normalisePath) : []);
}

export function selectOption(params: URLSearchParams): string[] | null {
  const raw = option(params, 'select');
  if (!raw) return null;
  const paths = splitTopLevel(raw).map(normalisePath);
  return paths.length ? paths : null;
}

function pick(source: unknown, path: readonly string[], target: Record<string, unknown>): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const entry = Object.entries(source as Record<string, unknown>).find(([key]) => key.toLowerCase() === head);
  if (!entry) return;
  const [key, value] = entry;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  const existing = target[key];
  const child: Record<string, unknown> = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
  pick(value, rest, child);
  if (Object.keys(child).length) target[key] = child;
}

/** Projects a resource onto the selected paths; `id` and `name` always stay. */
export function applySelect(resource: Record<string, unknown>, select: readonly string[] | null): Record<string, unknown> {
  if (!select) return resource;
  const out: Record<string, unknown> = {};
  for (const path of ['id', 'name', ...select]) pick(resource, path.split('.'), out);
  return out;
}
