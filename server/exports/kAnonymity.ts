/**
 * k-anonymity over quasi-identifiers taken together, deterministic so that the same data always
 * gives the same public-use file:
 *
 * 1. Coarsen. Each quasi-identifier, in the order given, tries its coarsenings in turn (for every
 *    row at once); a step is kept only if it at least halves the number of rows in combinations
 *    under k, and the first step that does not ends that variable's turn. A coarsening changes
 *    every row, so it must protect many; a few rare rows are better suppressed.
 * 2. Suppress. While some combination has fewer than k rows, the next quasi-identifier in the
 *    order given is set to the suppression code in exactly those rows. After the last one, the
 *    rows still at risk have every quasi-identifier suppressed and share one combination.
 * 3. Fill. If that combination still has fewer than k rows, rows of another combination have all
 *    their quasi-identifiers suppressed too: the last rows of the largest combination that keeps k
 *    without them, else the whole of the smallest one (ties broken by the combination's values).
 *
 * A combination is compared literally, the suppression code included, so that anyone can verify
 * the result by counting the released file's rows.
 */

export type QuasiIdentifier = {
  name: string;
  /** Coarser versions of a value, tried in order; a value a step does not know stays as it is. */
  coarsenings: readonly { change: string; coarsen: (value: string) => string }[];
};

export type Anonymized = {
  /** How many of each quasi-identifier's coarsenings apply, to every row. */
  levels: number[];
  /** Row index -> the quasi-identifiers (by index) suppressed in that row. */
  suppressed: Map<number, Set<number>>;
  /** One entry per coarsening taken and per suppressed quasi-identifier, with the rows it changed. */
  changes: { variable: string; change: string; rows: number }[];
  /** Fewer rows than k in all: no release of any row can hold k. */
  tooFew: boolean;
};

function combinations(rows: readonly string[][]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = JSON.stringify(row);
    const members = byKey.get(key);
    if (members) members.push(i);
    else byKey.set(key, [i]);
  });
  return byKey;
}

function rowsAtRisk(rows: readonly string[][], k: number): number[] {
  const out: number[] = [];
  for (const members of combinations(rows).values()) if (members.length < k) out.push(...members);
  return out.sort((a, b) => a - b);
}

/** `values`: one row per record, one value (as text) per quasi-identifier, in the order of `identifiers`. */
export function kAnonymize(
  values: readonly (readonly string[])[],
  identifiers: readonly QuasiIdentifier[],
  k: number,
  suppressionCode: string,
): Anonymized {
  let current = values.map((row) => [...row]);
  const levels = identifiers.map(() => 0);
  const changes: Anonymized['changes'] = [];
  const suppressed = new Map<number, Set<number>>();
  if (current.length > 0 && current.length < k) return { levels, suppressed, changes, tooFew: true };

  identifiers.forEach((qi, j) => {
    for (const step of qi.coarsenings) {
      const before = rowsAtRisk(current, k).length;
      if (before === 0) return;
      const candidate = current.map((row) => {
        const next = [...row];
        next[j] = step.coarsen(row[j] as string);
        return next;
      });
      if (rowsAtRisk(candidate, k).length * 2 > before) return;
      const changed = candidate.filter((row, i) => row[j] !== current[i]?.[j]).length;
      current = candidate;
      levels[j] = (levels[j] ?? 0) + 1;
      changes.push({ variable: qi.name, change: step.change, rows: changed });
    }
  });

  const counts = identifiers.map(() => 0);
  const suppress = (i: number, j: number) => {
    const row = current[i] as string[];
    if (row[j] === suppressionCode && suppressed.get(i)?.has(j)) return;
    row[j] = suppressionCode;
    suppressed.set(i, (suppressed.get(i) ?? new Set()).add(j));
    counts[j] = (counts[j] ?? 0) + 1;
  };
  for (let j = 0; j < identifiers.length; j++) {
    const risky = rowsAtRisk(current, k);
    if (risky.length === 0) break;
    for (const i of risky) suppress(i, j);
  }

  const left = rowsAtRisk(current, k);
  if (left.length > 0) {
    const need = k - left.length;
    const others = [...combinations(current)]
      .filter(([, members]) => members.length >= k)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const roomy = others
      .filter(([, members]) => members.length - need >= k)
      .sort(([, a], [, b]) => b.length - a.length)[0];
    const smallest = [...others].sort(([, a], [, b]) => a.length - b.length)[0];
    const taken = roomy ? roomy[1].slice(-need) : (smallest?.[1] ?? []);
    for (const i of taken) for (let j = 0; j < identifiers.length; j++) suppress(i, j);
  }

  identifiers.forEach((qi, j) => {
    if ((counts[j] ?? 0) > 0)
      changes.push({ variable: qi.name, change: `suppressed to ${suppressionCode}`, rows: counts[j] as number });
  });
  return { levels, suppressed, changes, tooFew: false };
}
