import type { ExportTable } from './table.js';

/** Per variable: how many cases have each labelled code, and each missing code. */
export type Frequencies = Record<string, Record<string, number>>;

/**
 * Counts, in one pass over the rows, every labelled value and every missing code of each variable
 * (for the codebook of the identified file). Unlabelled values (counts, texts) are not listed one
 * by one; their missing codes are.
 */
export function frequencies(table: ExportTable): Frequencies {
  const counted = table.variables.map(
    (v) => new Set([...v.valueLabels, ...v.missing].map((c) => (v.kind === 'string' ? String(c.code) : c.code))),
  );
  const counts = table.variables.map(() => new Map<string, number>());
  for (const row of table.rows()) {
    row.forEach((cell, i) => {
      if (cell === null || !counted[i]?.has(cell)) return;
      const key = String(cell);
      const map = counts[i] as Map<string, number>;
      map.set(key, (map.get(key) ?? 0) + 1);
    });
  }
  return Object.fromEntries(
    table.variables
      .map((v, i) => [v.name, Object.fromEntries(counts[i] as Map<string, number>)] as const)
      .filter(([, c]) => Object.keys(c).length > 0),
  );
}
