/**
 * The readers nobody here wrote (spec: exports.md "Proof"), run on export files and their findings
 * returned as plain data: GNU PSPP for .sav, pandas for .dta, R (haven for .sav and .dta, base R for
 * data.R). Each is a required test dependency (scripts/install-test-deps.sh): a missing tool fails
 * the test with the way to install it, never skips it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../server/platform/csv.js';

export const records = (text: string) => parseCsv(text).records.map((r) => r.fields);

/** exports.md: the study's missing codes as Stata's extended missing values, by their Stata name. */
export const STATA_MISSING: Readonly<Record<string, number>> = { '.n': -9, '.s': -8, '.d': -7, '.r': -6 };

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
export function utf8Prefix(text: string, maxBytes: number): string {
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char, 'utf8') > maxBytes) break;
    out += char;
  }
  return out;
}

/**
 * Whether a cell read back equals a data.csv cell: the same text, or the same number (PSPP pads
 * decimals, "1.0000"); the CSV's leading quote against formula injection is not part of the value.
 */
export function sameCell(
  actual: string | undefined,
  expected: string | undefined,
  /** A date-time column (started_at, submitted_at): data.csv has ISO text, readers their own forms. */
  datetime = false,
): boolean {
  const a = (actual ?? '').trim();
  const e = (expected ?? '').replace(/^'(?=[-=+@\t\r])/, '').trim();
  if (a === e) return true;
  if (datetime) return sameMoment(a, e);
  return a !== '' && e !== '' && Number.isFinite(Number(a)) && Number(a) === Number(e);
}

/** The export's date-time columns, which the readers give in their own forms. */
export const DATETIME_COLUMNS: ReadonlySet<string> = new Set(['started_at', 'submitted_at']);

/**
 * A date-time read back against data.csv's "2026-03-02T14:05:09Z": PSPP's "03/02/2026 14:05:09",
 * R's "2026-03-02 14:05:09", pandas' ISO text, or seconds since 1970 (haven's user_na = TRUE). A
 * missing code (-9) reads back as its code, a blank (PSPP prints a user-missing date as "."),
 * NA, or, from haven's user_na = TRUE, the code taken as seconds since 1582 (-9 - 12,219,379,200).
 */
function sameMoment(actual: string, expected: string): boolean {
  if (/^-\d+$/.test(expected)) {
    const code = Number(expected);
    return ['', '.', 'NA', String(code), String(code - 12_219_379_200)].includes(actual) || actual.startsWith('NA:');
  }
  const want = Date.parse(expected);
  if (!Number.isFinite(want)) return false;
  const us = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d:\d\d:\d\d)$/.exec(actual);
  const read = us
    ? Date.parse(`${us[3]}-${us[1]}-${us[2]}T${us[4]}Z`)
    : /^-?\d+(\.\d+)?$/.test(actual)
      ? Number(actual) * 1000
      : Date.parse(actual.includes('T') ? actual : `${actual.replace(' ', 'T')}Z`);
  return Math.abs(read - want) < 1000;
}

// --- GNU PSPP -------------------------------------------------------------------------------

export type PsppSection = { header: string[]; rows: string[][] };
/** PSPP's report on a .sav (`SYSFILE INFO` tables by title) and its cases as PSPP writes them to CSV. */
export type PsppReport = { tables: Map<string, PsppSection>; data: string[][]; log: string };

/** Splits PSPP's CSV output into its "Table: <title>" sections (the last one of each title wins). */
export function psppSections(csv: string): Map<string, PsppSection> {
  const tables = new Map<string, PsppSection>();
  let current: PsppSection | undefined;
  for (const fields of records(csv)) {
    const first = fields[0] ?? '';
    if (fields.length === 1 && first.startsWith('Table: ')) {
      current = { header: [], rows: [] };
      tables.set(first.slice('Table: '.length), current);
    } else if (fields.length === 1 && first.startsWith('Footnote: ')) {
      current = undefined;
    } else if (current && current.header.length === 0) {
      current.header = fields;
    } else if (current) {
      current.rows.push(fields);
    }
  }
  return tables;
}

/** Runs GNU PSPP on a .sav: its dictionary (`SYSFILE INFO`) and its cases (`SAVE TRANSLATE` to CSV). */
export function readSavWithPspp(savPath: string, workDir: string): PsppReport {
  const probe = spawnSync('pspp', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'GNU PSPP is required to read .sav exports back but `pspp` could not be run; install it with ' +
        'scripts/install-test-deps.sh (apt-get install -y --no-install-recommends pspp)',
    );
  }
  const dir = mkdtempSync(path.join(workDir, 'pspp-'));
  const dataPath = path.join(dir, 'cases.csv');
  const syntax = [
    'SET TVARS=NAMES.',
    `SYSFILE INFO FILE='${savPath}'.`,
    `GET FILE='${savPath}'.`,
    `SAVE TRANSLATE /OUTFILE='${dataPath}' /TYPE=CSV /FIELDNAMES /REPLACE /CELLS=VALUES.`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'read.sps'), syntax);
  const outPath = path.join(dir, 'report.csv');
  const run = spawnSync('pspp', ['-O', 'format=csv', '-o', outPath, path.join(dir, 'read.sps')], {
    encoding: 'utf8',
  });
  const log = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`pspp exited with ${run.status}:\n${log}`);
  return { tables: psppSections(readFileSync(outPath, 'utf8')), data: records(readFileSync(dataPath, 'utf8')), log };
}

/** PSPP's "Value Labels" table as one entry per label, a user-missing code marked by its footnote. */
export function psppValueLabels(
  report: PsppReport,
): { name: string; code: number; label: string; userMissing: boolean }[] {
  const read: { name: string; code: number; label: string; userMissing: boolean }[] = [];
  let name = '';
  for (const [variable, value = '', label = ''] of report.tables.get('Value Labels')?.rows ?? []) {
    if (variable) name = variable;
    const marker = /\[[a-z]\]$/.exec(value);
    read.push({ name, code: Number(value.replace(/\[[a-z]\]$/, '')), label, userMissing: marker !== null });
  }
  return read;
}

/** The codes a PSPP missing-values declaration covers: "-9; -8", "-9 THRU -6", "-9 THRU -6; -99" (integers). */
export function psppMissingCodes(declaration: string): number[] {
  if (declaration.trim() === '') return [];
  return declaration.split('; ').flatMap((part) => {
    const range = /^(-?\d+) THRU (-?\d+)$/.exec(part.trim());
    if (!range) return [Number(part)];
    const [low, high] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: high - low + 1 }, (_, i) => low + i);
  });
}

// --- pandas ----------------------------------------------------------------------------------

// Debian's interpreter: python3-pandas is installed for it, not for any other python3 on PATH.
const PYTHON = '/usr/bin/python3';
const DTA_READER = fileURLToPath(new URL('../exports/readDta.py', import.meta.url));

export type PandasCell = number | string | { missing: string } | { nan: true };
export type PandasReadBack = {
  pandas: string;
  columns: string[];
  rows: PandasCell[][];
  variableLabels: Record<string, string>;
  valueLabels: Record<string, Record<string, string>>;
  dataLabel: string;
};

/** The key pandas gives the value label of an extended missing value: .a is 2147483622 (the longs after `.`). */
export const stataMissingLabelKey = (kind: string) => 2_147_483_621 + (kind.charCodeAt(1) - 'a'.charCodeAt(0) + 1);

/** pandas' `read_stata` of a .dta: cells (extended missing as {missing: ".n"}), labels and value labels. */
export function readDtaWithPandas(dtaPath: string): PandasReadBack {
  if (spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status !== 0) {
    throw new Error(
      `pandas cannot be imported by ${PYTHON}: install python3-pandas (scripts/install-test-deps.sh, or apt-get install --no-install-recommends python3-pandas)`,
    );
  }
  const run = spawnSync(PYTHON, [DTA_READER, dtaPath], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`pandas could not read ${dtaPath}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as PandasReadBack;
}

/** A pandas cell as data.csv would write it: extended missing as the study's code. */
export function pandasCellText(cell: PandasCell | undefined): string {
  if (typeof cell === 'object' && cell !== null && 'missing' in cell) {
    return String(STATA_MISSING[cell.missing] ?? cell.missing);
  }
  if (typeof cell === 'object' && cell !== null) return '';
  return String(cell);
}

// --- R -----------------------------------------------------------------------------------------

const RSCRIPT = '/usr/bin/Rscript';
const R_READER = fileURLToPath(new URL('../exports/readBack.R', import.meta.url));

/** What R saw in a file, per variable in file order. */
export type RReadBack = {
  columns: string[];
  /** class(x), joined by spaces: "factor", "character", "haven_labelled_spss haven_labelled ...". */
  classes: Map<string, string>;
  /** attr(x, "label"). */
  labels: Map<string, string>;
  /** Each cell as text: a number, a text, a factor label, ".n" (tagged NA), "NA", or "NA:<reason>" (data.R). */
  cells: Map<string, string[]>;
  /** attr(x, "labels"): code (".n" for a tagged NA) and label, in R's order. */
  valueLabels: Map<string, { code: string; label: string }[]>;
  /** levels(x) of a factor. */
  levels: Map<string, string[]>;
  /** attr(x, "na_values") and the codes of attr(x, "na_range") (integers), of haven's read_sav(user_na = TRUE). */
  naValues: Map<string, number[]>;
};

/**
 * Reads an export with R through test/exports/readBack.R: `sav` and `dta` with haven, `datar` by
 * sourcing the export's data.R.
 */
export function readWithR(
  mode: 'sav' | 'dta' | 'datar',
  file: string,
  workDir: string,
  /** For `datar`: which data frame of data.R to read (a panel's `data_<table>`); default `data`. */
  object?: string,
): RReadBack {
  const probe = spawnSync(RSCRIPT, ['-e', 'library(haven)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${RSCRIPT} with haven is required: run scripts/install-test-deps.sh (Debian r-base-core and r-cran-haven)\n${probe.stderr ?? ''}`,
    );
  }
  const out = path.join(mkdtempSync(path.join(workDir, `r-${mode}-`)), 'read.csv');
  const run = spawnSync(RSCRIPT, [R_READER, mode, file, out, ...(object ? [object] : [])], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C.UTF-8' },
  });
  if (run.status !== 0) throw new Error(`R could not read ${file} (${mode}):\n${run.stderr}`);
  const [header, ...rows] = records(readFileSync(out, 'utf8'));
  if (header?.join() !== 'what,variable,row,code,text') throw new Error(`unexpected header ${header?.join()}`);
  const read: RReadBack = {
    columns: [],
    classes: new Map(),
    labels: new Map(),
    cells: new Map(),
    valueLabels: new Map(),
    levels: new Map(),
    naValues: new Map(),
  };
  const push = <T>(map: Map<string, T[]>, name: string, value: T) => map.set(name, [...(map.get(name) ?? []), value]);
  for (const [what, name = '', , code = '', text = ''] of rows) {
    if (what === 'class') {
      read.columns.push(name);
      read.classes.set(name, text);
    } else if (what === 'label') read.labels.set(name, text);
    else if (what === 'cell') push(read.cells, name, text);
    else if (what === 'value_label') push(read.valueLabels, name, { code, label: text });
    else if (what === 'level') push(read.levels, name, text);
    else if (what === 'na_value') push(read.naValues, name, Number(code));
    else if (what === 'na_range') {
      const [low, high] = code.split(' ').map(Number) as [number, number];
      if (!Number.isInteger(low) || !Number.isInteger(high) || high - low > 100)
        throw new Error(`${name}: na_range ${code} is not a short range of integer codes`);
      for (let c = low; c <= high; c++) push(read.naValues, name, c);
    }
  }
  return read;
}
