/**
 * Splits values into groups whose rendering stays within a character budget, so a filter listing
 * many ids never makes a URL longer than the service accepts (Dataverse: 32 KB per GET URL; we keep
 * to ~16 KB to leave room for proxies and the rest of the query).
 */

export const URL_BUDGET = 16 * 1024;

/**
 * Greedy chunks: the sum of each chunk's `cost` (a value's encoded length as it appears in the URL,
 * separator included) stays within `budget`. A single value over budget gets a chunk of its own.
 */
export function chunkByLength<T>(values: readonly T[], cost: (value: T) => number, budget: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const value of values) {
    const c = cost(value);
    if (current.length > 0 && used + c > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(value);
    used += c;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
