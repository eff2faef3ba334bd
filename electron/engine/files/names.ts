/**
 * "Did you mean …?" for logical and schema names: case-insensitive edit distance, plus names that
 * share the distinctive part (`cont_sharedoffice365_8c1f2` vs a file's `cont_sharedoffice365_8c1f3`).
 */

export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** Up to `max` candidates close to `name`, closest first (ties in name order). */
export function closeNames(name: string, candidates: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const stem = wanted.replace(/_[0-9a-f]{4,6}$/, '');
  return candidates
    .map((candidate) => {
      const distance = editDistance(wanted, candidate);
      const sameStem = stem !== wanted && candidate.toLowerCase().replace(/_[0-9a-f]{4,6}$/, '') === stem;
      return { candidate, score: sameStem ? Math.min(distance, limit) : distance };
    })
    .filter((c) => c.score <= limit)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}

/** ` Did you mean "a" or "b"?` — or '' when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const close = closeNames(name, candidates);
  if (!close.length) return '';
  const quoted = close.map((c) => `"${c}"`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return ` Did you mean ${list}?`;
}
