import type {
  CodebookStatistics,
  Count,
  DesignSummary,
  FrequencyRow,
  VariableStatistics,
} from '../codebook/statistics.js';
import { strataCounter } from './designSummary.js';
import { withheldCounts } from './smallCounts.js';
import { type Cell, type ExportTable, type ExportVariable, isoDateTime } from './table.js';

/** Per variable: how many cases have each labelled code, and each missing code (codebook.json's first `frequencies`). */
export type Frequencies = Record<string, Record<string, number>>;

/** The weight the codebook's weighted figures use (nonresponse-adjusted; dataset.ts). */
export const WEIGHT = 'wt_nr';

/** A count with the sum of the weights of its rows. */
type Tally = { n: number; w: number };

/** What one variable's cells add up to while the rows go by, and what it becomes at the end. */
type Accumulator = { add: (cell: Cell, weight: number) => void; result: (ctx: Context) => VariableStatistics };

type Context = { rows: number; totalWeight: number; weighted: boolean; k?: number };

const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};
const percentOf = (part: number, whole: number) => (whole > 0 ? round((100 * part) / whole, 2) : null);

function tally(map: Map<number, Tally>, code: number, weight: number) {
  const t = map.get(code) ?? { n: 0, w: 0 };
  t.n += 1;
  t.w += weight;
  map.set(code, t);
}

const shownCount = (n: number, index: number, hidden: ReadonlyMap<number, Count>): Count => hidden.get(index) ?? n;

/** Frequency rows of codes; `valid` is the valid rows' count and weight, absent for missing codes. */
function frequencyRows(
  entries: readonly { code: number; label: string; missing: boolean; tally: Tally }[],
  ctx: Context,
  valid: (Tally & { hidden: boolean }) | undefined,
  hidden: ReadonlyMap<number, Count>,
): FrequencyRow[] {
  return entries.map(({ code, label, missing, tally: t }, i) => {
    const withheld = hidden.has(i);
    const validShown = !missing && valid && !valid.hidden && !withheld;
    const row: FrequencyRow = {
      code,
      label,
      missing,
      n: shownCount(t.n, i, hidden),
      percent: withheld ? null : percentOf(t.n, ctx.rows),
      validPercent: validShown ? percentOf(t.n, valid.n) : null,
    };
    if (ctx.weighted) {
      row.weightedN = withheld ? null : round(t.w, 4);
      row.weightedPercent = withheld ? null : percentOf(t.w, ctx.totalWeight);
      row.weightedValidPercent = validShown ? percentOf(t.w, valid.w) : null;
    }
    return row;
  });
}

/** The missing codes of a variable with their counts, in the codebook's order (-6 first), also those that never occur. */
function missingEntries(variable: ExportVariable, counted: Map<number, Tally>) {
  return [...variable.missing]
    .sort((a, b) => b.code - a.code)
    .map((m) => ({ code: m.code, label: m.label, missing: true, tally: counted.get(m.code) ?? { n: 0, w: 0 } }));
}

/**
 * The valid rows' count and the missing codes' rows, withheld where k says so. `validSmall`: the
 * valid count itself is under k, so nothing computed from the valid values may be shown.
 */
function validAndMissing(variable: ExportVariable, valid: Tally, missing: Map<number, Tally>, ctx: Context) {
  const entries = missingEntries(variable, missing);
  const top = withheldCounts([valid.n, ...entries.map((e) => e.tally.n)], ctx.k);
  const ofMissing = new Map([...top].filter(([i]) => i > 0).map(([i, shown]) => [i - 1, shown]));
  return {
    validHidden: top.has(0),
    validSmall: valid.n > 0 && ctx.k !== undefined && valid.n < ctx.k,
    n: shownCount(valid.n, 0, top),
    missing: frequencyRows(entries, ctx, undefined, ofMissing),
  };
}

function categorical(variable: ExportVariable): Accumulator {
  const missingCodes = new Set(variable.missing.map((m) => m.code));
  const codes = new Map<number, Tally>();
  const missing = new Map<number, Tally>();
  const valid: Tally = { n: 0, w: 0 };
  return {
    add(cell, weight) {
      if (typeof cell !== 'number') return;
      if (missingCodes.has(cell)) return tally(missing, cell, weight);
      tally(codes, cell, weight);
      valid.n += 1;
      valid.w += weight;
    },
    result(ctx) {
      const labelled = new Set(variable.valueLabels.map((c) => c.code));
      // A value the labels lack (an older version's code, a flag's own) is listed after them, by its code.
      const unlabelled = [...codes.keys()].filter((c) => !labelled.has(c)).sort((a, b) => a - b);
      const entries = [
        ...variable.valueLabels.map((c) => ({ code: c.code, label: c.label })),
        ...unlabelled.map((code) => ({ code, label: '' })),
      ].map((c) => ({ ...c, missing: false, tally: codes.get(c.code) ?? { n: 0, w: 0 } }));
      const { validHidden, n, missing: missingRows } = validAndMissing(variable, valid, missing, ctx);
      // The valid codes add up to the valid count: a lone small one among them needs a second withheld.
      const hidden = withheldCounts(
        entries.map((e) => e.tally.n),
        ctx.k,
      );
      return {
        kind: 'categorical',
        rows: ctx.rows,
        valid: n,
        frequencies: [...frequencyRows(entries, ctx, { ...valid, hidden: validHidden }, hidden), ...missingRows],
      };
    },
  };
}

/** n, mean and SD in one pass (Welford's update, stable for large values), min, max and the weighted sums. */
function numbers(variable: ExportVariable): Accumulator {
  const missingCodes = new Set(variable.missing.map((m) => m.code));
  const missing = new Map<number, Tally>();
  const valid: Tally = { n: 0, w: 0 };
  let mean = 0;
  let squares = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let weightedSum = 0;
  return {
    add(cell, weight) {
      if (typeof cell !== 'number' || !Number.isFinite(cell)) return;
      if (missingCodes.has(cell)) return tally(missing, cell, weight);
      valid.n += 1;
      valid.w += weight;
      const delta = cell - mean;
      mean += delta / valid.n;
      squares += delta * (cell - mean);
      if (cell < min) min = cell;
      if (cell > max) max = cell;
      weightedSum += weight * cell;
    },
    result(ctx) {
      // A count withheld only so that a small one does not follow from it hides no statistic.
      const { validSmall, n, missing: rows } = validAndMissing(variable, valid, missing, ctx);
      const shown = valid.n > 0 && !validSmall;
      const decimals = Math.max(variable.decimals, 4);
      const out: VariableStatistics = {
        kind: 'number',
        rows: ctx.rows,
        n,
        mean: shown ? round(mean, decimals) : null,
        sd: shown && valid.n > 1 ? round(Math.sqrt(squares / (valid.n - 1)), decimals) : null,
        min: shown ? min : null,
        max: shown ? max : null,
        missing: rows,
      };
      if (ctx.weighted) out.weightedMean = shown && valid.w > 0 ? round(weightedSum / valid.w, decimals) : null;
      return out;
    },
  };
}

function datetimes(variable: ExportVariable): Accumulator {
  const missingCodes = new Set(variable.missing.map((m) => m.code));
  const missing = new Map<number, Tally>();
  const valid: Tally = { n: 0, w: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  return {
    add(cell, weight) {
      if (typeof cell !== 'number' || !Number.isFinite(cell)) return;
      if (missingCodes.has(cell)) return tally(missing, cell, weight);
      valid.n += 1;
      if (cell < min) min = cell;
      if (cell > max) max = cell;
    },
    result(ctx) {
      const { validSmall, n, missing: rows } = validAndMissing(variable, valid, missing, ctx);
      const shown = valid.n > 0 && !validSmall;
      return {
        kind: 'datetime',
        rows: ctx.rows,
        n,
        min: shown ? isoDateTime(min) : null,
        max: shown ? isoDateTime(max) : null,
        missing: rows,
      };
    },
  };
}

/** A string variable's missing code is its text ("-9"). */
function texts(variable: ExportVariable): Accumulator {
  const missingCodes = new Map(variable.missing.map((m) => [String(m.code), m.code]));
  const missing = new Map<number, Tally>();
  const valid: Tally = { n: 0, w: 0 };
  return {
    add(cell, weight) {
      if (cell === null || cell === '') return;
      const code = missingCodes.get(String(cell));
      if (code !== undefined) return tally(missing, code, weight);
      valid.n += 1;
    },
    result(ctx) {
      const { n, missing: rows } = validAndMissing(variable, valid, missing, ctx);
      return { kind: 'text', rows: ctx.rows, n, missing: rows };
    },
  };
}

/** A key's values are counted, never averaged. */
function keys(): Accumulator {
  let n = 0;
  return {
    add(cell) {
      if (cell !== null && cell !== '') n += 1;
    },
    result: (ctx) => ({ kind: 'key', rows: ctx.rows, n, missing: [] }),
  };
}

function accumulatorOf(variable: ExportVariable, keyNames: ReadonlySet<string>): Accumulator {
  if (keyNames.has(variable.name)) return keys();
  if (variable.kind === 'string') return texts(variable);
  if (variable.format === 'datetime') return datetimes(variable);
  return variable.valueLabels.length > 0 ? categorical(variable) : numbers(variable);
}

export type TableSummary = {
  statistics: CodebookStatistics;
  /** The "Weights and design" section; `files` is the bundle's to fill in. */
  design: DesignSummary;
};

/**
 * Everything the codebook says about a table's data, in ONE pass over its rows (a table of 10,000
 * rows is read from disk on every pass): every variable's frequencies or summary, weighted by
 * wt_nr where the table has it, and the strata of the design. With `k` (a public-use file) every
 * count of 1 to k - 1 is withheld.
 */
export function summarizeTable(table: ExportTable, options: { k?: number } = {}): TableSummary {
  // The keys of a table: case_id (or the table's own main key), and a second table's entry keys (entryTables.ts).
  const keyNames = new Set(table.key ?? ['case_id', `${table.name}_n`]);
  const accumulators = table.variables.map((v) => accumulatorOf(v, keyNames));
  const weightAt = table.variables.findIndex((v) => v.name === WEIGHT && v.kind === 'numeric');
  const strata = strataCounter(table.variables);
  let rows = 0;
  let totalWeight = 0;
  for (const row of table.rows()) {
    rows += 1;
    const cell = weightAt < 0 ? 0 : row[weightAt];
    // A missing code (negative) or an absent weight counts as 0, like a partial's.
    const weight = typeof cell === 'number' && cell > 0 ? cell : 0;
    totalWeight += weight;
    for (let i = 0; i < accumulators.length; i++) accumulators[i]?.add(row[i] ?? null, weight);
    strata.add(row);
  }
  const ctx: Context = {
    rows,
    totalWeight,
    weighted: weightAt >= 0,
    ...(options.k === undefined ? {} : { k: options.k }),
  };
  const variables: Record<string, VariableStatistics> = {};
  table.variables.forEach((v, i) => {
    variables[v.name] = (accumulators[i] as Accumulator).result(ctx);
  });
  return {
    statistics: {
      rows,
      weight:
        weightAt < 0
          ? null
          : {
              variable: WEIGHT,
              total: round(totalWeight, 4),
              note: `Weighted figures use ${WEIGHT}. Partial rows carry weight 0, so weighted percentages are percentages of the completes, weighted to the frame.`,
            },
      suppression:
        options.k === undefined
          ? null
          : {
              k: options.k,
              note: `A count of 1 to ${options.k - 1} is shown as "< ${options.k}" and its percentages are withheld; where a single such count could be worked out from a total, the next smallest count is "withheld" with it (that one may be ${options.k} or more, and a mean or SD of its values is still shown).`,
            },
      variables,
    },
    design: strata.summary(options.k),
  };
}

/**
 * The counts of codebook.json's first `frequencies`: per variable, each labelled code and missing
 * code that occurs (unlabelled values are not listed one by one), from the summary's own counts.
 */
export function frequencyCounts(statistics: CodebookStatistics): Frequencies {
  const out: Frequencies = {};
  for (const [name, s] of Object.entries(statistics.variables)) {
    const rows = s.kind === 'categorical' ? s.frequencies.filter((r) => r.missing || r.label !== '') : s.missing;
    const counts = rows.filter((r) => typeof r.n === 'number' && r.n > 0).map((r) => [String(r.code), r.n as number]);
    if (counts.length > 0) out[name] = Object.fromEntries(counts);
  }
  return out;
}
