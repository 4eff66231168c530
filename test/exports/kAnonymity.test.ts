import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kAnonymize, type QuasiIdentifier } from '../../server/exports/kAnonymity.js';

const BANDS: Record<string, string> = { a: 'ab', b: 'ab', c: 'cd', d: 'cd' };
const IDENTIFIERS: QuasiIdentifier[] = [
  { name: 'band', coarsenings: [{ change: 'merged', coarsen: (v) => BANDS[v] ?? v }] },
  { name: 'region', coarsenings: [] },
  { name: 'stratum', coarsenings: [] },
];

/** The released values: coarsened to the levels taken, then suppressed where decided. */
function released(values: string[][], k: number) {
  const result = kAnonymize(values, IDENTIFIERS, k, '-5');
  const rows = values.map((row, i) =>
    row.map((value, j) => {
      if (result.suppressed.get(i)?.has(j)) return '-5';
      let v = value;
      for (const step of IDENTIFIERS[j]?.coarsenings.slice(0, result.levels[j]) ?? []) v = step.coarsen(v);
      return v;
    }),
  );
  return { result, rows };
}

const smallestCombination = (rows: string[][]) => {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(JSON.stringify(row), (counts.get(JSON.stringify(row)) ?? 0) + 1);
  return Math.min(...counts.values());
};

const data = fc.array(
  fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('N', 'S', 'W'), fc.constantFrom('x', 'y')),
  {
    minLength: 0,
    maxLength: 60,
  },
);

describe('kAnonymize', () => {
  it('leaves every combination of the released quasi-identifiers with at least k rows, for any data of k rows or more', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 2, max: 6 }), (tuples, k) => {
        const values = tuples.map((t) => [...t]);
        const { result, rows } = released(values, k);
        if (values.length < k) {
          expect(result.tooFew).toBe(values.length > 0);
          return;
        }
        expect(result.tooFew).toBe(false);
        if (rows.length > 0) expect(smallestCombination(rows)).toBeGreaterThanOrEqual(k);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same rows give the same release', () => {
    fc.assert(
      fc.property(data, (tuples) => {
        const values = tuples.map((t) => [...t]);
        expect(released(values, 3).rows).toEqual(released(values, 3).rows);
      }),
      { numRuns: 100 },
    );
  });

  it('changes nothing when every combination already holds k rows', () => {
    const values = [...Array(3).fill(['a', 'N', 'x']), ...Array(4).fill(['c', 'S', 'y'])] as string[][];

    const { result, rows } = released(values, 3);

    expect(rows).toEqual(values);
    expect(result.changes).toEqual([]);
  });

  it('coarsens before it suppresses when coarsening protects rows, and reports each change with its rows', () => {
    // "a" and "b" alone are rare; merged they make one combination of four.
    const values = [
      ['a', 'N', 'x'],
      ['a', 'N', 'x'],
      ['b', 'N', 'x'],
      ['b', 'N', 'x'],
      ...Array(3).fill(['c', 'S', 'y']),
    ];

    const { result, rows } = released(values, 3);

    expect(rows.map((r) => r.join(' '))).toEqual([
      'ab N x',
      'ab N x',
      'ab N x',
      'ab N x',
      'cd S y',
      'cd S y',
      'cd S y',
    ]);
    expect(result.changes).toEqual([{ variable: 'band', change: 'merged', rows: 7 }]);
  });

  it('suppresses in the order given, then fills a rare suppressed combination from the largest one that keeps k', () => {
    const values = [...Array(6).fill(['a', 'N', 'x']), ['c', 'W', 'y']] as string[][];

    const { result, rows } = released(values, 3);

    expect(rows.map((r) => r.join(' '))).toEqual([
      'a N x',
      'a N x',
      'a N x',
      'a N x',
      '-5 -5 -5',
      '-5 -5 -5',
      '-5 -5 -5',
    ]);
    expect(result.changes).toEqual([
      { variable: 'band', change: 'suppressed to -5', rows: 3 },
      { variable: 'region', change: 'suppressed to -5', rows: 3 },
      { variable: 'stratum', change: 'suppressed to -5', rows: 3 },
    ]);
  });
});
