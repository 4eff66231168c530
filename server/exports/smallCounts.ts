/**
 * The counts to withhold among counts that add up to a known total: every count of 1 to k - 1,
 * and when that is a single count, the next smallest one too, so that none follows by subtraction.
 */
export function withheldCounts(counts: readonly number[], k: number | undefined): Set<number> {
  const hidden = new Set<number>();
  if (k === undefined) return hidden;
  counts.forEach((n, i) => {
    if (n > 0 && n < k) hidden.add(i);
  });
  if (hidden.size === 1) {
    let next = -1;
    counts.forEach((n, i) => {
      if (n > 0 && !hidden.has(i) && (next < 0 || n < (counts[next] as number))) next = i;
    });
    if (next >= 0) hidden.add(next);
  }
  return hidden;
}
