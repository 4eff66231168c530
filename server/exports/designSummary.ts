import type { DesignStratum, DesignSummary } from '../codebook/statistics.js';
import { withheldCounts } from './smallCounts.js';
import type { Cell, ExportVariable } from './table.js';

/** What each design column of the data means, for the codebook's "Weights and design" section. */
const DESIGN_COLUMNS: readonly { name: string; meaning: string }[] = [
  {
    name: 'wt_base',
    meaning:
      'Base weight: the offices of the stratum in the frame divided by the offices given a link in it (the sample; 1 where every office was given one).',
  },
  {
    name: 'wt_nr',
    meaning:
      'Nonresponse-adjusted weight: the frame count of the stratum divided by its completes, so that the completes add up to the frame. Completes only: partial rows carry 0, so drop them or use the weights over the completes only.',
  },
  {
    name: 'stratum_code',
    meaning: 'The stratum as a number, its value labels in size order: the stratum of the largest population is 1.',
  },
  {
    name: 'stratum_N',
    meaning: "The stratum's count of offices in the frame, for the finite population correction.",
  },
];

/** How to declare the design with the columns this table has (a public-use file may lack some). */
function declaration(present: ReadonlySet<string>): string {
  const strata = present.has('stratum_code') ? 'stratum_code' : present.has('stratum') ? 'stratum' : undefined;
  const parts = [
    `The design is stratified${strata ? ` (strata: ${strata})` : ''}, with no clustering`,
    present.has('stratum_N')
      ? 'a finite population correction of stratum_N'
      : "a finite population correction of the stratum's frame count (stratum_N, where the data has it)",
    'and the weight wt_nr; weighted estimates from the completes stand for the frame.',
  ];
  return parts.join(', ');
}

/** The COMPLETE disposition (AAPOR 1.1): the rows wt_nr weighs. */
const COMPLETE = '1.1';

type Stratum = { code?: number; frameN?: number; completes: number; weight?: number };

/**
 * Counts, as the rows go by (frequencies.ts reads them once), each stratum's code, frame count,
 * completes and wt_nr, from whichever of the columns stratum, stratum_code, stratum_N, wt_nr and
 * disposition the table has; a figure whose column is absent is left out, never guessed.
 */
export function strataCounter(variables: readonly ExportVariable[]) {
  const at = (name: string) => variables.findIndex((v) => v.name === name);
  const [label, code, frameN, weight, disposition] = [
    'stratum',
    'stratum_code',
    'stratum_N',
    'wt_nr',
    'disposition',
  ].map(at) as [number, number, number, number, number];
  const missingOf = (i: number) => new Set((variables[i]?.missing ?? []).map((m) => m.code));
  const codeLabels = new Map((variables[code]?.valueLabels ?? []).map((c) => [c.code, c.label]));
  const codeMissing = missingOf(code);
  // A public-use file may suppress a rare stratum (-5): such rows belong to no stratum shown.
  const labelMissing = new Set([...missingOf(label)].map(String));
  const frameMissing = missingOf(frameN);
  const strata = new Map<string, Stratum>();
  const validNumber = (cell: Cell | undefined, missing: Set<number>) =>
    typeof cell === 'number' && !missing.has(cell) ? cell : undefined;
  const keyOf = (row: readonly Cell[]): string | undefined => {
    if (label >= 0) {
      const text = row[label];
      return text === null || text === undefined || labelMissing.has(String(text)) ? undefined : String(text);
    }
    const c = validNumber(row[code], codeMissing);
    return c === undefined ? undefined : (codeLabels.get(c) ?? String(c));
  };
  return {
    add(row: readonly Cell[]) {
      if (label < 0 && code < 0) return;
      const key = keyOf(row);
      if (key === undefined) return;
      const s = strata.get(key) ?? { completes: 0 };
      const c = code >= 0 ? validNumber(row[code], codeMissing) : undefined;
      if (c !== undefined) s.code = c;
      const n = frameN >= 0 ? validNumber(row[frameN], frameMissing) : undefined;
      if (n !== undefined) s.frameN = n;
      const complete = disposition >= 0 && row[disposition] === COMPLETE;
      if (complete) s.completes += 1;
      const w = weight >= 0 ? row[weight] : undefined;
      if (complete && typeof w === 'number' && w > 0) s.weight = w;
      strata.set(key, s);
    },
    summary(k?: number): DesignSummary {
      const present = new Set(variables.map((v) => v.name));
      const sorted = [...strata].sort(([a, x], [b, y]) =>
        x.code !== undefined && y.code !== undefined ? x.code - y.code : a.localeCompare(b),
      );
      // A stratum's completes follow from its frame count and weight, so both go when the count does.
      const hidden = withheldCounts(
        sorted.map(([, s]) => s.completes),
        k,
      );
      return {
        columns: DESIGN_COLUMNS.filter((c) => present.has(c.name)),
        declaration: declaration(present),
        files: [],
        strata: sorted.map(([name, s], i): DesignStratum => {
          const withheld = hidden.get(i);
          return {
            ...(s.code !== undefined ? { code: s.code } : {}),
            label: name,
            ...(s.frameN !== undefined ? { frameN: s.frameN } : {}),
            ...(disposition >= 0 ? { completes: withheld ?? s.completes } : {}),
            ...(weight >= 0 && disposition >= 0 ? { wt_nr: withheld ? null : (s.weight ?? null) } : {}),
          };
        }),
      };
    },
  };
}
