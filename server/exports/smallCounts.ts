import type { Count } from '../codebook/statistics.js';

/**
 * The counts to withhold among counts that add up to a known total, each with what is shown
 * instead: every count of 1 to k - 1 ("< k"), and when that is a single count, the next smallest
 * one too ("withheld": it may be k or more), so that the small one does not follow by subtraction.
 * Without k (the identified file) nothing is withheld.
 */
export function withheldCounts(counts: readonly number[], k: number | undefined): Map<number, Count> {
  const hidden = new Map<number, Count>();
  if (k === undefined) return hidden;
  counts.forEach((n, i) => {
    if (n > 0 && n < k) hidden.set(i, `< ${k}`);
  });
  if (hidden.size === 1) {
    let next = -1;
    counts.forEach((n, i) => {
      if (n > 0 && !hidden.has(i) && (next < 0 || n < (counts[next] as number))) next = i;
    });
    if (next >= 0) hidden.set(next, 'withheld');
  }
  return hidden;
}
