import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { finalDisposition } from '../cases/disposition.js';
import { buildCodebook, type Codebook, type Variable } from '../codebook/build.js';
import { createCaseValues } from '../codebook/caseValues.js';
import { prefillText } from '../codebook/renderStatistics.js';
import { NOT_IN_VERSION, unionCodebook, type VersionedCodebook } from '../codebook/union.js';
import { DEFAULT_THRESHOLDS, type DispositionThresholds } from '../contracts/dispositions.js';
import type { Instrument } from '../instruments/registry.js';
import { slug } from '../instruments/variableMap.js';
import { stableCaseIds } from './caseIds.js';
import { entryTables, unionTables } from './entryTables.js';
import type { ExportRepo } from './repo.js';
import { withShortLabels } from './shortLabels.js';
import { type Cell, type CodeLabel, type ExportTable, type ExportVariable, MISSING } from './table.js';

export type ExportOptions = Readonly<{
  /** Only cases whose final disposition is complete (1.1); default: completes and partials. */
  completesOnly: boolean;
  thresholds?: DispositionThresholds;
  /** Told after every 100 cases read (and the last), for a progress bar. */
  onCases?: (done: number, total: number) => void;
}>;

const ALL_MISSING = Object.values(MISSING);

function metaVariable(name: string, label: string, kind: ExportVariable['kind'], decimals = 0): ExportVariable {
  return {
    name,
    label,
    kind,
    measure: kind === 'string' ? 'nominal' : 'scale',
    decimals,
    valueLabels: [],
    missing: [],
  };
}

/** The columns every export starts with (spec: exports.md, Metadata columns; identified file). */
const META_VARIABLES: ExportVariable[] = [
  metaVariable('case_id', 'Case id (the same in every export of this fielding; not the office id)', 'numeric'),
  metaVariable('office_id', 'Office id (frame)', 'string'),
  metaVariable('office_name', 'Office name', 'string'),
  metaVariable('state', 'State (USPS code)', 'string'),
  metaVariable('stratum', 'Stratum', 'string'),
  // Value labels filled in per export: the fielding's strata, the one of the largest offices first.
  {
    ...metaVariable('stratum_code', 'Stratum (code, 1 = the stratum of the largest offices)', 'numeric'),
    measure: 'nominal',
  },
  metaVariable('stratum_N', 'Offices of the stratum in the frame (for the finite population correction)', 'numeric'),
  metaVariable('status', 'Response status', 'string'),
  metaVariable('disposition', 'AAPOR final disposition', 'string'),
  metaVariable('instrument_version', 'Instrument version answered', 'string'),
  {
    ...metaVariable('started_at', 'Started (UTC)', 'numeric'),
    format: 'datetime',
    missing: [{ code: MISSING.notAnswered.code, label: 'Start not recorded' }],
  },
  {
    ...metaVariable('submitted_at', 'Submitted (UTC)', 'numeric'),
    format: 'datetime',
    missing: [{ code: MISSING.notAnswered.code, label: 'Not submitted (a partial)' }],
  },
  {
    ...metaVariable('duration_min', 'Minutes from start to submission', 'numeric', 1),
    // A partial has no submission to measure to: -9, declared so that it never counts as minutes.
    missing: [{ code: MISSING.notAnswered.code, label: 'Not submitted (no duration)' }],
  },
  metaVariable('n_sessions', 'Visits (link or code opened)', 'numeric'),
  metaVariable('pct_answered', 'Percent of the questions shown that were answered', 'numeric', 1),
  metaVariable('wt_base', 'Base weight: offices in the stratum / offices given a link', 'numeric', 4),
  metaVariable(
    'wt_nr',
    'Nonresponse-adjusted weight: completes sum to the stratum count (0 for partials)',
    'numeric',
    4,
  ),
  flagVariable('flag_speeder', 'Submitted in under a third of the median duration of the submissions', [
    { code: MISSING.notAnswered.code, label: 'Not submitted (a partial): no duration to compare' },
  ]),
  // Always 0 or 1: every exported case has answers to look at.
  flagVariable('flag_straightline', 'The same answer in every row of a grid of at least 3 rows', []),
  flagVariable('flag_out_of_range', 'A number outside the range the codebook gives (kept as answered)', []),
];
const RESERVED_CODES = new Set(ALL_MISSING.map((m) => m.code));

/** A number of the case outside its variable's range; the reserved missing codes are not numbers. */
function outOfRange(variables: readonly Variable[], cells: readonly Cell[]): boolean {
  return variables.some((v, i) => {
    const cell = cells[i];
    if (!v.range || typeof cell !== 'number' || RESERVED_CODES.has(cell)) return false;
    return (v.range.min !== undefined && cell < v.range.min) || (v.range.max !== undefined && cell > v.range.max);
  });
}

/**
 * One flag per soft check of the instruments (a warning the respondent could go past), named after
 * its question: `flag_<question>`, cut to the 32 characters SPSS and Stata allow and made unique.
 */
function softCheckVariables(
  checks: readonly { question: string; text: string }[],
  /** Whether some version of the export lacks the check (its -8 then also means "not in this version"). */
  lackedBySome: (question: string) => boolean,
): ExportVariable[] {
  const taken = new Set(META_VARIABLES.map((v) => v.name));
  return checks.map(({ question, text }) => {
    const base = `flag_${slug(question)}`.slice(0, 32);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 32 - String(n).length - 1)}_${n}`;
    taken.add(name);
    return {
      // Unanswered: nothing to check; hidden question: no check.
      ...flagVariable(name, `Went past the soft check on ${question}: ${text}`.replace(/\s+/g, ' '), [
        { code: MISSING.notAnswered.code, label: `${question} not answered: nothing to check` },
        lackedBySome(question)
          ? {
              code: NOT_IN_VERSION.code,
              label: `${question} skipped by the questionnaire's logic, or not in this version`,
            }
          : { code: MISSING.skipped.code, label: `${question} skipped by the questionnaire's logic: no check` },
      ]),
    };
  });
}

/** A 0/1 flag with the missing codes it can hold, each labelled for this flag (never "shown, left blank"). */
function flagVariable(name: string, label: string, missing: CodeLabel[]): ExportVariable {
  return {
    ...metaVariable(name, label, 'numeric'),
    measure: 'nominal',
    valueLabels: [
      { code: 0, label: 'No' },
      { code: 1, label: 'Yes' },
    ],
    missing,
  };
}

/** A single-choice grid answered identically in every one of at least 3 rows. */
function straightLined(grids: string[], answers: Record<string, unknown>): boolean {
  return grids.some((name) => {
    const value = answers[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const cells = Object.values(value);
    return cells.length >= 3 && cells.every((c) => c === cells[0]);
  });
}

const ITEM_SEPARATOR = ' — ';

/** The item part of a "stem — item" label (a grid row, a choice, a cell), if the label has one. */
export function itemOf(label: string): string | undefined {
  const at = label.lastIndexOf(ITEM_SEPARATOR);
  return at > 0 ? label.slice(at + ITEM_SEPARATOR.length) : undefined;
}

/** Which question a variable shares with others: a multi-select's choices; a grid's rows or cells. */
function groupKey(v: Variable): { key: string; kind: 'multi' | 'grid' } | undefined {
  const s = v.source;
  if (v.type === 'dummy') {
    const where = s.kind === 'cell' ? `${s.row}/${s.column}` : s.kind === 'column' ? s.column : '';
    return { key: `multi:${s.question}:${where}`, kind: 'multi' };
  }
  // A grid's rows, a table's cells, the boxes of a multiple text, the items of a ranking.
  if (s.kind === 'row' || s.kind === 'cell' || s.kind === 'item' || s.kind === 'rank') {
    return { key: `grid:${s.question}`, kind: 'grid' };
  }
  return undefined;
}

/**
 * The variables with their `group`: every run of at least two variables from one multi-select (or
 * one multi-select cell) or one grid, named by their names' common prefix and labelled by the stem.
 */
export function withGroups(variables: readonly Variable[], exported: readonly ExportVariable[]): ExportVariable[] {
  const members = new Map<string, number[]>();
  variables.forEach((v, i) => {
    const g = groupKey(v);
    if (g) members.set(g.key, [...(members.get(g.key) ?? []), i]);
  });
  const out = [...exported];
  for (const [key, at] of members) {
    if (at.length < 2) continue;
    const names = at.map((i) => (exported[i] as ExportVariable).name);
    let prefix = names[0] as string;
    for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
    // Back to a whole part of the names: b3_cases_2009_sex … b3_cases_2018_labor share "b3_cases".
    prefix = prefix.replace(/_+$/, '');
    while (prefix !== '' && !names.every((n) => n[prefix.length] === '_')) prefix = prefix.slice(0, -1);
    const first = exported[at[0] as number] as ExportVariable;
    const stem = first.item
      ? first.label.slice(0, first.label.length - first.item.length - ITEM_SEPARATOR.length)
      : first.label;
    const group = {
      name: prefix.replace(/_+$/, '') || first.name,
      label: stem,
      kind: key.startsWith('multi:') ? ('multi' as const) : ('grid' as const),
    };
    for (const i of at) out[i] = { ...(out[i] as ExportVariable), group };
  }
  return out;
}

/** A codebook variable as every format declares it. */
export function exportVariable(v: Variable): ExportVariable {
  const string = v.type === 'text' || v.type === 'date';
  const item = itemOf(v.label);
  // What a file that can hold notes (Stata's) keeps beside the label: instructions, the prefill's source.
  const notes = [v.instructions, v.prefill ? prefillText(v.prefill) : undefined].filter(
    (n): n is string => n !== undefined && n !== '',
  );
  return {
    name: v.name,
    label: v.label,
    ...(item ? { item } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    kind: string ? 'string' : 'numeric',
    measure: v.measure,
    decimals: v.type === 'number' ? 2 : 0,
    valueLabels: v.values,
    // The study's labels, but -8 says "or not in this version" where some versions lack the variable.
    missing: ALL_MISSING.flatMap((m) => {
      const declared = v.missing.find((x) => x.code === m.code);
      if (!declared) return [];
      return declared.label === NOT_IN_VERSION.label ? [NOT_IN_VERSION] : [m];
    }),
  };
}

/** The lines of a file, read in 1 MB chunks (a character split across chunks is decoded whole). */
function* jsonLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
  } finally {
    closeSync(fd);
  }
  if (rest !== '') yield rest;
}

/** Text as exports keep it: trimmed, runs of spaces and tabs made one space, line breaks kept. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .trim();
}

const minutesBetween = (from: string | null, to: string | null) =>
  from && to ? Math.round(((new Date(to).getTime() - new Date(from).getTime()) / 60_000) * 10) / 10 : -9;

/**
 * The main table of a fielding's export: one row per case with the metadata columns and every
 * variable of the codebook, cells typed by the variable's kind (a string variable's missing code is
 * its text, "-9"). Cases are read page by page each time the rows are iterated.
 */
export function caseTable(
  repo: ExportRepo,
  fielding: { id: number; name: string },
  /** The versions the fielding's cases answered, the one new responses use first. */
  instruments: readonly Instrument[],
  options: ExportOptions,
): {
  table: ExportTable;
  entryTables: ExportTable[];
  codebook: VersionedCodebook;
  warnings: string[];
  /** Every case by final disposition code and stratum. */
  dispositionCounts: Record<string, Record<string, number>>;
  /** Removes the temporary row file; call when every writer is done. */
  dispose(): void;
} {
  const codebooks = instruments.map((instrument) => buildCodebook(instrument));
  const codebook = unionCodebook(codebooks);
  const main = codebook.variables.filter((v) => v.table === 'main');
  const caseValues = instruments.map((instrument, i) => createCaseValues(instrument, codebooks[i] as Codebook));
  /** The soft checks of every version, by question (the current version's first). */
  const checks = [...new Map(caseValues.flatMap((c) => c.softChecks).map((c) => [c.question, c])).values()];
  const lead = [
    ...META_VARIABLES,
    ...softCheckVariables(checks, (q) => caseValues.some((c) => !c.softChecks.some((x) => x.question === q))),
  ];
  const variables = withShortLabels([...lead, ...withGroups(main, main.map(exportVariable))]);
  /** Per version: its case values, and where each union variable and check sits among them (-1: not in it). */
  const byVersion = new Map(
    instruments.map((instrument, i) => {
      const values = caseValues[i] as (typeof caseValues)[number];
      const index = new Map(values.variables.map((v, j) => [v.name, j]));
      const checkIndex = new Map(values.softChecks.map((c, j) => [c.question, j]));
      return [
        instrument.meta.version,
        {
          values,
          columns: main.map((v) => index.get(v.name) ?? -1),
          checks: checks.map((c) => checkIndex.get(c.question) ?? -1),
        },
      ];
    }),
  );
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const idOf = stableCaseIds(repo.exportKey(fielding.id));

  /**
   * One pass over every case computes what the export needs once: its disposition, its row (kept
   * as a JSON line in a private temporary file, so 10,000 cases are never all in memory and every
   * writer reads the rows without recomputing them), and per stratum the frame count, the offices
   * given a link (the sample, whether or not yet invited) and the completes, for the weights and the
   * speeder median filled in on reading.
   */
  const dispositions = new Map<number, string>();
  /** Every case's final disposition by stratum, also the cases the data file leaves out (manifest.json). */
  const dispositionCounts: Record<string, Record<string, number>> = {};
  const durations: number[] = [];
  /** Per stratum, in order of first appearance: frame count, given a link, completes, and its largest office. */
  const strata = new Map<string, { frame: number; sampled: number; completes: number; largest: number }>();
  const wanted = options.completesOnly ? ['1.1'] : ['1.1', '1.2'];
  const grids = codebook.variables
    .filter((v) => v.source.kind === 'row' && v.table === 'main')
    .map((v) => v.source.question)
    .filter((q, i, all) => all.indexOf(q) === i);
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'fieldkit-export-'));
  const cacheFile = path.join(cacheDir, 'rows.jsonl');
  const cache = openSync(cacheFile, 'wx', 0o600);
  let rowCount = 0;
  const totalCases = options.onCases ? repo.countCases(fielding.id) : 0;
  let casesRead = 0;
  try {
    for (const c of repo.casesOf(fielding.id)) {
      casesRead++;
      // Every case in creation order, exported or not, so that each keeps its id (caseIds.ts).
      const caseId = idOf(c.case_id);
      if (options.onCases && (casesRead % 100 === 0 || casesRead === totalCases)) {
        options.onCases(casesRead, totalCases);
      }
      const events = repo.eventsOf(c.case_id).map((e) => ({ type: e.type, detail: JSON.parse(e.detail) }));
      const answers = c.answers === null ? undefined : (JSON.parse(c.answers) as Record<string, unknown>);
      const version = c.instrument_version === null ? undefined : byVersion.get(c.instrument_version);
      if (answers && !version) throw new Error(`case ${c.case_id}: version ${c.instrument_version} is not loaded`);
      const computed = answers && version ? version.values.row(answers, new Date(c.updated_at ?? 0)) : undefined;
      const code = finalDisposition(events, thresholds, computed?.pctAnswered).code;
      dispositions.set(c.case_id, code);
      // Strata are the frame's own words; a null prototype keeps one named "__proto__" a plain key.
      const byStratum = dispositionCounts[code] ?? (Object.create(null) as Record<string, number>);
      byStratum[c.stratum] = (byStratum[c.stratum] ?? 0) + 1;
      dispositionCounts[code] = byStratum;
      const s = strata.get(c.stratum) ?? { frame: 0, sampled: 0, completes: 0, largest: 0 };
      s.frame++;
      s.largest = Math.max(s.largest, c.population);
      if (events.some((e) => e.type === 'token_issued')) s.sampled++;
      if (code === '1.1') s.completes++;
      strata.set(c.stratum, s);
      const minutes = minutesBetween(c.started_at, c.submitted_at);
      if (minutes >= 0 && c.submitted_at) durations.push(minutes);
      if (c.response_status === null || !answers || !version || !computed || !wanted.includes(code)) continue;
      const meta: Cell[] = [
        caseId,
        c.office_id,
        cleanText(c.office_name),
        c.state,
        c.stratum,
        null, // stratum_code, filled in on reading
        null, // stratum_N
        c.response_status === 'completed' ? 'submitted' : c.response_status,
        code,
        c.instrument_version ?? '',
        c.started_at ? Date.parse(c.started_at) : MISSING.notAnswered.code,
        c.submitted_at ? Date.parse(c.submitted_at) : MISSING.notAnswered.code,
        minutes,
        events.filter((e) => e.type === 'link_opened').length,
        Math.round(computed.pctAnswered * 1000) / 10,
        null, // wt_base, filled in on reading
        null, // wt_nr
        null, // flag_speeder
        straightLined(grids, answers) ? 1 : 0,
        outOfRange(version.values.variables, computed.cells) ? 1 : 0,
      ];
      const checked = version.values.checked(answers);
      const softFlags = version.checks.map((at) => (at < 0 ? NOT_IN_VERSION.code : (checked[at] as Cell)));
      const data = version.columns.map((at, i) => {
        const cell = at < 0 ? NOT_IN_VERSION.code : (computed.cells[at] as Cell);
        return variables[lead.length + i]?.kind === 'string'
          ? typeof cell === 'string'
            ? cleanText(cell)
            : String(cell)
          : cell;
      });
      writeSync(cache, `${JSON.stringify([...meta, ...softFlags, ...data])}\n`);
      rowCount++;
    }
  } finally {
    closeSync(cache);
  }
  const warnings = [...strata]
    .filter(([, s]) => s.completes === 0)
    .map(
      ([stratum, s]) =>
        `Stratum "${stratum}" has no complete (${s.frame} offices in the frame): its wt_nr cannot be computed, and weighted totals leave it out.`,
    );
  durations.sort((a, b) => a - b);
  const median = durations.length > 0 ? (durations[Math.floor((durations.length - 1) / 2)] as number) : undefined;
  const at = (name: string) => variables.findIndex((v) => v.name === name);
  // The strata by size, largest offices first (ties: the frame's order), so tables sort by size.
  const strataBySize = [...strata].sort(([, a], [, b]) => b.largest - a.largest).map(([name]) => name);
  const stratumCode = new Map(strataBySize.map((name, i) => [name, i + 1]));
  const STRATUM_CODE = at('stratum_code');
  variables[STRATUM_CODE] = {
    ...(variables[STRATUM_CODE] as ExportVariable),
    valueLabels: strataBySize.map((label, i) => ({ code: i + 1, label })),
  };
  const STRATUM_N = at('stratum_N');
  const [STRATUM, DISPOSITION, DURATION, WT_BASE, WT_NR, SPEEDER] = [
    'stratum',
    'disposition',
    'duration_min',
    'wt_base',
    'wt_nr',
    'flag_speeder',
  ].map(at) as number[] as [number, number, number, number, number, number];

  function* rows(): Generator<Cell[]> {
    for (const line of jsonLines(cacheFile)) {
      const row = JSON.parse(line) as Cell[];
      const s = strata.get(String(row[STRATUM])) ?? { frame: 0, sampled: 0, completes: 0, largest: 0 };
      row[STRATUM_CODE] = stratumCode.get(String(row[STRATUM])) ?? null;
      row[STRATUM_N] = s.frame;
      // wt_base: frame count / offices given a link; wt_nr: so that the completes reproduce the frame count.
      row[WT_BASE] = s.sampled > 0 ? s.frame / s.sampled : 0;
      row[WT_NR] = row[DISPOSITION] === '1.1' && s.completes > 0 ? s.frame / s.completes : 0;
      // No duration (never submitted, or no start recorded): nothing to compare, -9.
      row[SPEEDER] =
        row[DURATION] !== MISSING.notAnswered.code && median !== undefined
          ? (row[DURATION] as number) < median / 3
            ? 1
            : 0
          : -9;
      yield row;
    }
  }

  /** A version's cases in the export, with the same random ids as the main table, for the second tables. */
  function included(version: string) {
    return function* () {
      for (const c of repo.casesOf(fielding.id)) {
        const code = dispositions.get(c.case_id);
        if (c.answers === null || c.instrument_version !== version || !code || !wanted.includes(code)) continue;
        const savedAt = new Date(c.updated_at ?? 0);
        yield { caseId: idOf(c.case_id), answers: JSON.parse(c.answers) as Record<string, unknown>, savedAt };
      }
    };
  }
  const second = unionTables(
    codebook,
    exportVariable,
    instruments.map((instrument, i) =>
      entryTables(instrument, codebooks[i] as Codebook, exportVariable, included(instrument.meta.version)),
    ),
  );
  return {
    table: { name: 'data', variables, rows, rowCount },
    entryTables: second.map((t) => ({ ...t, variables: withShortLabels(t.variables) })),
    codebook,
    warnings,
    dispositionCounts,
    dispose: () => rmSync(cacheDir, { recursive: true, force: true }),
  };
}
