import type { Cell, ExportTable, ExportVariable } from './table.js';

/** Census regions by USPS code (the Census Bureau's four regions; DC in the South). */
const REGIONS: Record<string, string> = Object.fromEntries(
  Object.entries({
    Northeast: 'CT ME MA NH RI VT NJ NY PA',
    Midwest: 'IL IN MI OH WI IA KS MN MO NE ND SD',
    South: 'DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX',
    West: 'AZ CO ID MT NV NM UT WY AK CA HI OR WA',
  }).flatMap(([region, states]) => states.split(' ').map((s) => [s, region])),
);

export const censusRegion = (state: string) => REGIONS[state.toUpperCase()] ?? 'Other';

/** The smallest number of offices that may share a combination of the geography and size kept. */
export const K_ANONYMITY = 3;
const SUPPRESSED = '(suppressed)';

/** Identifying columns the public file never has. */
const IDENTIFYING = new Set(['office_id', 'office_name']);

export type PublicUse = {
  table: ExportTable;
  /** Variables left out, with why, for the manifest. */
  removed: { name: string; why: string }[];
  /** Rows whose region, or region and stratum, were suppressed to keep every cell at k or more. */
  suppressed: { region: number; regionAndStratum: number };
};

/**
 * The de-identified public-use version of a case table: office name and ids dropped, state
 * replaced by its Census region, free text dropped unless asked for, then k-anonymity on region ×
 * stratum: a combination held by fewer than K offices has its region suppressed, and if the
 * stratum alone is still too rare, the stratum too. Nothing identifying is ever written.
 */
export function publicUseTable(table: ExportTable, options: { includeFreeText: boolean }): PublicUse {
  const removed: PublicUse['removed'] = [];
  const keep: number[] = [];
  const variables: ExportVariable[] = [];
  const stateAt = table.variables.findIndex((v) => v.name === 'state');
  table.variables.forEach((v, i) => {
    if (IDENTIFYING.has(v.name)) removed.push({ name: v.name, why: 'identifies the office' });
    else if (v.name === 'state') {
      keep.push(i);
      variables.push({ ...v, name: 'region', label: 'Census region (replaces the state)' });
      removed.push({ name: 'state', why: 'replaced by its Census region' });
    } else if (
      v.kind === 'string' &&
      !options.includeFreeText &&
      !['stratum', 'status', 'disposition', 'instrument_version', 'started_at', 'submitted_at'].includes(v.name)
    ) {
      removed.push({ name: v.name, why: 'free text (export with --include-free-text to keep it)' });
    } else {
      keep.push(i);
      variables.push(v);
    }
  });
  const regionAt = variables.findIndex((v) => v.name === 'region');
  const stratumAt = variables.findIndex((v) => v.name === 'stratum');

  const project = (row: Cell[]): Cell[] =>
    keep.map((i) => (i === stateAt ? censusRegion(String(row[i] ?? '')) : (row[i] ?? null)));

  // A first pass counts the offices per region × stratum, and per stratum alone.
  const cells = new Map<string, number>();
  const strata = new Map<string, number>();
  for (const row of table.rows()) {
    const out = project(row);
    const key = `${out[regionAt]}\u0000${out[stratumAt]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    strata.set(String(out[stratumAt]), (strata.get(String(out[stratumAt])) ?? 0) + 1);
  }
  const suppressed = { region: 0, regionAndStratum: 0 };
  let counted = false;

  function* rows(): Generator<Cell[]> {
    for (const row of table.rows()) {
      const out = project(row);
      if (
        regionAt >= 0 &&
        stratumAt >= 0 &&
        (cells.get(`${out[regionAt]}\u0000${out[stratumAt]}`) ?? 0) < K_ANONYMITY
      ) {
        out[regionAt] = SUPPRESSED;
        if ((strata.get(String(out[stratumAt])) ?? 0) < K_ANONYMITY) {
          out[stratumAt] = SUPPRESSED;
          if (!counted) suppressed.regionAndStratum++;
        } else if (!counted) suppressed.region++;
      }
      yield out;
    }
    counted = true;
  }
  // Count the suppressions once, before any writer runs, so the manifest can report them.
  for (const _ of rows()) {
    /* counting pass */
  }
  return { table: { ...table, variables, rows }, removed, suppressed };
}
