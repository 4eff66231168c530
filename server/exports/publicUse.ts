import { frameColumnDisclosure } from '../instruments/disclosure.js';
import type { Disclosure } from '../instruments/schema.js';
import { defaultStratum } from '../offices/frame.js';
import { isStateCode, STATES } from '../offices/states.js';
import { AppError } from '../platform/errors.js';
import { releaseCaseIds } from './caseIds.js';
import { type Anonymized, kAnonymize, type QuasiIdentifier } from './kAnonymity.js';
import { withShortLabels } from './shortLabels.js';
import { type Cell, type CodeLabel, type ExportTable, type ExportVariable, isoDateTime, SUPPRESSED } from './table.js';

const REGION_BY_FIPS = new Map<number, string>(Object.values(STATES).map((s) => [s.fips, s.region]));
const REGION_BY_NAME = new Map<string, string>(Object.values(STATES).map((s) => [s.name.toLowerCase(), s.region]));

/** The Census region of a state given by its USPS code or its name. */
export const censusRegion = (state: string) => {
  const code = state.trim().toUpperCase();
  return isStateCode(code) ? STATES[code].region : (REGION_BY_NAME.get(state.trim().toLowerCase()) ?? 'Other');
};

/** The smallest number of rows that may share a combination of the quasi-identifiers, unless set. */
export const K_ANONYMITY = 3;
/** k = 1 would protect nothing; past 100 a study's file would be mostly suppressed. */
export const MIN_K = 2;
export const MAX_K = 100;

/** Identifying columns the public file never has. */
const IDENTIFYING = new Set(['office_id', 'office_name']);
/** Metadata columns that are text but no free text (a Phase II record's site among them). */
const META_TEXT = new Set(['stratum', 'status', 'disposition', 'instrument_version', 'site']);
/** Columns that say which stratum a row is in, like `stratum` itself: suppressed with it. */
const STRATUM_LINKED = new Set(['stratum_code', 'stratum_N']);
/** An exact time (ISO 8601, as answers and the metadata store it): the public file keeps its date. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}/;

/** How the frame's own state and stratum columns are tagged, like any question prefilled from them. */
const FRAME_TAGS: Readonly<Record<string, Disclosure>> = {
  state: frameColumnDisclosure('state'),
  stratum: frameColumnDisclosure('stratum'),
};

const TWO_BANDS: Readonly<Record<string, string>> = {
  'under 100,000': 'under 250,000',
  '100,000–249,999': 'under 250,000',
  '250,000–999,999': '250,000+',
  '1,000,000+': '250,000+',
};

/** The coarsenings each treatment allows before suppression (kAnonymity.ts), finest first. */
const COARSENINGS: Record<Disclosure['treatment'], QuasiIdentifier['coarsenings']> = {
  region: [],
  none: [],
  population_band: [{ change: 'coarsened to two size bands', coarsen: (v) => TWO_BANDS[v] ?? v }],
  date: [{ change: 'coarsened to the month', coarsen: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v.slice(0, 7) : v) }],
};

export type PublicUseOptions = {
  includeFreeText: boolean;
  /** Every combination of the quasi-identifiers must hold at least k rows. */
  k: number;
  /** Export variable name -> the tag of the question it comes from (instruments/disclosure.ts). */
  disclosure: ReadonlyMap<string, Disclosure>;
  /** The key column given the release's own ids: `case_id` (a fielding), `record_id` (Phase II records). */
  idColumn?: string;
};

export type PublicUse = {
  table: ExportTable;
  k: number;
  /** The public file's quasi-identifier columns, in the order they are coarsened and suppressed. */
  quasiIdentifiers: string[];
  /** Variables left out, or replaced, with why. */
  removed: { name: string; why: string }[];
  /** Every change to the values kept, with the number of rows it changed. */
  changes: { variable: string; change: string; rows: number }[];
  /** Rows left out because the export has fewer than k rows, which no release can protect. */
  withheldRows: number;
};

type Column = {
  from: number;
  variable: ExportVariable;
  treat: (cell: Cell) => Cell;
  quasi?: QuasiIdentifier;
};

/** A missing code (a number, or a string variable's "-9") passes every treatment unchanged, as text. */
function missingText(source: ExportVariable, cell: Cell): string | undefined {
  const text = cell === null ? '' : String(cell);
  return source.missing.some((m) => String(m.code) === text) ? text : undefined;
}

function treated(source: ExportVariable, treatment: Disclosure['treatment']): (cell: Cell) => Cell {
  switch (treatment) {
    case 'region': {
      // A coded answer is read through its label (an imported survey numbers "PA" or "Pennsylvania"
      // 1, 2, …); only a bare number is a FIPS code, as the frame's state_fips prefill writes it.
      const labels = new Map(source.valueLabels.map((c) => [c.code, c.label]));
      const numbered = (n: number) => {
        const label = labels.get(n);
        return label === undefined ? (REGION_BY_FIPS.get(n) ?? 'Other') : censusRegion(label);
      };
      return (cell) =>
        missingText(source, cell) ?? (typeof cell === 'number' ? numbered(cell) : censusRegion(String(cell ?? '')));
    }
    case 'population_band':
      return (cell) => {
        const n = typeof cell === 'number' ? cell : Number(cell);
        return missingText(source, cell) ?? (Number.isFinite(n) && n >= 0 ? defaultStratum(n) : '');
      };
    case 'date':
      return (cell) => (typeof cell === 'string' ? (TIMESTAMP.exec(cell)?.[1] ?? cell) : cell);
    case 'none':
      return (cell) => cell;
  }
}

const RENAMED: Partial<Record<Disclosure['treatment'], { suffix: string; label: string; why: string }>> = {
  region: { suffix: 'region', label: 'Census region', why: 'replaced by its Census region' },
  population_band: {
    suffix: 'band',
    label: 'population size band',
    why: 'replaced by its population size band',
  },
};

/** A quasi-identifier as the public file declares it: the suppression code added to its missing codes. */
function quasiVariable(variable: ExportVariable): ExportVariable {
  if (variable.kind === 'numeric' && variable.valueLabels.some((c) => c.code === SUPPRESSED.code)) {
    throw new AppError(
      500,
      'suppression_code_taken',
      `${variable.name} uses the code ${SUPPRESSED.code} for a choice, which the public-use file needs for suppressed cells; give that choice another code in a new instrument version.`,
    );
  }
  const missing: CodeLabel[] = [...variable.missing.filter((m) => m.code !== SUPPRESSED.code), SUPPRESSED];
  return { ...variable, missing };
}

/** A date-time cell as its UTC date ("2026-03-02"), a missing code as its text. */
const dateOf =
  (source: ExportVariable) =>
  (cell: Cell): Cell =>
    missingText(source, cell) ?? (typeof cell === 'number' ? isoDateTime(cell).slice(0, 10) : cell);

/**
 * Plans the public file's columns: identifiers dropped, quasi-identifiers given their treatment
 * (a variable replaced by a coarser one is renamed, `a3_state` -> `a3_state_region`), free text
 * dropped unless asked for. Quasi-identifiers come back in their suppression order: the
 * instrument's own in questionnaire order, then region, then stratum, which the weights rest on.
 */
function plan(table: ExportTable, options: PublicUseOptions) {
  const removed: PublicUse['removed'] = [];
  const columns: Column[] = [];
  const taken = new Set(table.variables.map((v) => v.name));
  const uniqueName = (base: string) => {
    let name = base.slice(0, 32);
    for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 32 - String(n).length - 1)}_${n}`;
    taken.add(name);
    return name;
  };
  table.variables.forEach((source, from) => {
    const tag = FRAME_TAGS[source.name] ?? options.disclosure.get(source.name);
    if (IDENTIFYING.has(source.name)) {
      removed.push({ name: source.name, why: 'identifies the office' });
    } else if (tag?.identifier === 'direct') {
      removed.push({ name: source.name, why: 'direct identifier (meta.disclosure)' });
    } else if (tag?.identifier === 'quasi') {
      const renamed = RENAMED[tag.treatment];
      let variable = source;
      if (renamed) {
        const { shortLabel: _short, ...unlabelled } = source;
        const name = source.name === 'state' ? 'region' : uniqueName(`${source.name}_${renamed.suffix}`);
        variable = {
          ...unlabelled,
          name,
          label: source.name === 'state' ? 'Census region' : `${source.label} (${renamed.label})`,
          kind: 'string',
          measure: tag.treatment === 'population_band' ? 'ordinal' : 'nominal',
          decimals: 0,
          valueLabels: [],
        };
        removed.push({ name: source.name, why: source.name === 'state' ? renamed.why : `${renamed.why} (${name})` });
      }
      variable = quasiVariable(variable);
      columns.push({
        from,
        variable,
        treat: treated(source, tag.treatment),
        quasi: { name: variable.name, coarsenings: COARSENINGS[tag.treatment] },
      });
    } else if (source.format === 'datetime') {
      // An exact time becomes its date, as text: the date is all the public file keeps.
      const { format: _time, ...rest } = source;
      const variable: ExportVariable = {
        ...rest,
        label: source.label.replace('(UTC)', '(UTC date)'),
        ...(source.shortLabel ? { shortLabel: source.shortLabel.replace('(UTC)', '(UTC date)') } : {}),
        kind: 'string',
        measure: 'nominal',
      };
      columns.push({ from, variable, treat: dateOf(source) });
    } else if (STRATUM_LINKED.has(source.name)) {
      columns.push({ from, variable: quasiVariable(source), treat: (cell) => cell });
    } else if (source.kind === 'string' && !options.includeFreeText && !META_TEXT.has(source.name)) {
      removed.push({ name: source.name, why: 'free text (export with --include-free-text to keep it)' });
    } else {
      columns.push({ from, variable: source, treat: treated(source, source.kind === 'string' ? 'date' : 'none') });
    }
  });
  const order = (name: string) => (name === 'region' ? 1 : name === 'stratum' ? 2 : 0);
  const quasi = columns
    .map((c, at) => ({ c, at }))
    .filter(({ c }) => c.quasi)
    .sort((a, b) => order(a.c.variable.name) - order(b.c.variable.name));
  return { removed, columns, quasi };
}

/**
 * The de-identified public-use version of a case table. Disclosure follows the data: the frame's
 * state and stratum, and every question the instrument tags (a question prefilled from the frame
 * is tagged like its column), are quasi-identifiers; a time becomes its date wherever it appears;
 * then every combination of the quasi-identifiers is made to hold at least k rows (kAnonymity.ts).
 */
export function publicUseTable(table: ExportTable, options: PublicUseOptions): PublicUse {
  const { removed, columns, quasi } = plan(table, options);
  const project = (row: Cell[]): Cell[] => columns.map((c) => c.treat(row[c.from] ?? null));

  // First pass: the quasi-identifiers of every row, and how many times were cut to dates.
  const values: string[][] = [];
  const dated = new Map<string, number>();
  for (const row of table.rows()) {
    const out = project(row);
    columns.forEach((c, i) => {
      const before = row[c.from];
      const time = typeof before === 'number' && table.variables[c.from]?.format === 'datetime';
      if (
        (time && typeof out[i] === 'string') ||
        (typeof before === 'string' && TIMESTAMP.test(before) && out[i] !== before)
      ) {
        dated.set(c.variable.name, (dated.get(c.variable.name) ?? 0) + 1);
      }
    });
    values.push(quasi.map(({ at }) => String(out[at] ?? '')));
  }
  const anonymized: Anonymized = kAnonymize(
    values,
    quasi.map(({ c }) => c.quasi as QuasiIdentifier),
    options.k,
    String(SUPPRESSED.code),
  );
  const withheldRows = anonymized.tooFew ? values.length : 0;

  // A release's own case ids: the identified file's would link the two files row by row.
  const idColumn = options.idColumn ?? 'case_id';
  const caseIdAt = columns.findIndex((c) => c.variable.name === idColumn);
  const releaseIds = caseIdAt >= 0 ? releaseCaseIds(values.length) : [];
  const stratumAt = quasi.findIndex(({ c }) => c.variable.name === 'stratum');
  const linkedAt = columns.flatMap((c, at) => (STRATUM_LINKED.has(c.variable.name) ? [at] : []));

  function* rows(): Generator<Cell[]> {
    if (anonymized.tooFew) return;
    let index = 0;
    for (const row of table.rows()) {
      const out = project(row);
      if (caseIdAt >= 0) out[caseIdAt] = releaseIds[index] ?? null;
      const suppressed = anonymized.suppressed.get(index);
      // The stratum's code and frame count would tell a suppressed stratum: they go with it.
      if (suppressed?.has(stratumAt)) for (const at of linkedAt) out[at] = SUPPRESSED.code;
      quasi.forEach(({ c, at }, j) => {
        if (suppressed?.has(j)) {
          out[at] = c.variable.kind === 'numeric' ? SUPPRESSED.code : String(SUPPRESSED.code);
          return;
        }
        const steps = c.quasi?.coarsenings.slice(0, anonymized.levels[j]) ?? [];
        for (const step of steps) out[at] = step.coarsen(String(out[at] ?? ''));
      });
      index++;
      yield out;
    }
  }

  return {
    table: {
      ...table,
      variables: withShortLabels(columns.map((c) => c.variable)),
      rows,
      rowCount: table.rowCount - withheldRows,
    },
    k: options.k,
    quasiIdentifiers: quasi.map(({ c }) => c.variable.name),
    removed,
    changes: [
      ...[...dated].map(([variable, rows]) => ({ variable, change: 'exact time replaced by its date', rows })),
      ...anonymized.changes,
    ],
    withheldRows,
  };
}
