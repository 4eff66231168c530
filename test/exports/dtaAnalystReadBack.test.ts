import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDta } from '../../server/exports/dta.js';
import { type Cell, type ExportTable, type ExportVariable, MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable } from '../factories/exportTable.js';
import { readDtaWithPandas, readWithR } from '../support/readBack.js';

/**
 * The .dta as an analyst opens it (issue 28): pandas' read_stata with its defaults and with
 * convert_missing=True, R haven's read_dta, and ReadStat's own command line, which, unlike the
 * libraries built on it, walks every <ch> of <characteristics> (its note handler is set) and refuses
 * the file when one is malformed.
 */

const PYTHON = '/usr/bin/python3';
const ANALYST_READER = fileURLToPath(new URL('./readDtaAnalyst.py', import.meta.url));
const ALL_MISSING = [MISSING.notAnswered, MISSING.skipped, MISSING.dontKnow, MISSING.preferNot];

type PandasCell = number | string | null | { missing: string };
type AnalystRead = {
  columns: Record<string, { dtype: string; mean: number | null; cells: PandasCell[] }>;
  convertMissing: Record<string, PandasCell[]> | null;
  convertMissingError: string | null;
  variableLabels: Record<string, string>;
};

function readAsAnalyst(path: string): AnalystRead {
  const run = spawnSync(PYTHON, [ANALYST_READER, path], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`pandas could not read ${path}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as AnalystRead;
}

/** ReadStat's `readstat in.dta out.csv`; its exit status is 0 even on a parse error, so its report is checked. */
function convertWithReadStat(path: string, dir: string): string {
  const run = spawnSync('readstat', ['-f', path, join(dir, 'readstat.csv')], { encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      "ReadStat's command line is required to check <characteristics>: run scripts/install-test-deps.sh (apt-get install --no-install-recommends readstat)",
    );
  }
  return `${run.stdout}${run.stderr}`;
}

async function written(table: ExportTable, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeDta(table, path);
  return path;
}

describe('174 items of one long question', () => {
  const stem = 'For each of the following kinds of cases, how many did your office open in the last full fiscal year';
  const items = Array.from({ length: 174 }, (_, i) => `Case kind ${i + 1}`);
  const variable = (item: string, i: number, short: boolean): ExportVariable =>
    numericVariable(`q9_${i + 1}`, {
      label: `${stem} — ${item}`,
      item,
      ...(short ? { shortLabel: `Q9 cases opened: ${item}` } : {}),
      missing: [MISSING.notAnswered],
    });
  const table = (short: boolean) =>
    exportTable(
      items.map((item, i) => variable(item, i, short)),
      [items.map((_, i) => i), items.map(() => -9)],
    );
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dta-labels-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets 174 distinct labels in pandas, the short labels given, haven and ReadStat reading the notes section', {
    timeout: 60_000,
  }, async () => {
    expect(new Set(items.map((item) => `${stem} — ${item}`.slice(0, 80))).size).toBe(1);
    const path = await written(table(true), dir, 'short.dta');

    const labels = readAsAnalyst(path).variableLabels;
    expect(Object.values(labels)).toEqual(items.map((item) => `Q9 cases opened: ${item}`));
    expect(new Set(Object.values(labels)).size).toBe(174);
    expect(readWithR('dta', path, dir).labels.get('q9_174')).toBe('Q9 cases opened: Case kind 174');
    expect(convertWithReadStat(path, dir)).toContain('Converted 174 variables and 2 rows');
  });

  it('gets 174 distinct labels without short labels too: the label is cut in its stem, keeping the item', {
    timeout: 60_000,
  }, async () => {
    const labels = Object.values(readAsAnalyst(await written(table(false), dir, 'cut.dta')).variableLabels);
    expect(new Set(labels).size).toBe(174);
    labels.forEach((label, i) => {
      expect(Array.from(label).length).toBeLessThanOrEqual(80);
      expect(label.endsWith(`… — ${items[i]}`), label).toBe(true);
    });
  });

  it('is refused by ReadStat when a <ch> length is wrong, so its acceptance above is a real check', async () => {
    const file = readFileSync(await written(table(true), dir, 'good.dta'));
    const at = file.indexOf('<ch>') + 4;
    file.writeUInt32LE(file.readUInt32LE(at) + 1, at);
    writeFileSync(join(dir, 'bad.dta'), file);
    expect(convertWithReadStat(join(dir, 'bad.dta'), dir)).toMatch(/Error processing/);
  });
});

describe('a count with missing codes stays a number; a coded variable keeps its labels', () => {
  const counts: Cell[] = [3, -9, 5, -7, 10, -8, -6, 6];
  const count = numericVariable('n_attorneys', { measure: 'scale', label: 'Attorneys (FTE)', missing: ALL_MISSING });
  const coded = numericVariable('court_type', {
    valueLabels: [
      { code: 1, label: 'General' },
      { code: 2, label: 'Municipal' },
    ],
    missing: ALL_MISSING,
  });
  let dir = '';
  let path = '';
  /** The count beside a coded variable (for haven); the count alone is `path`, for pandas' convert_missing. */
  let bothPath = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dta-counts-'));
    path = await written(
      exportTable(
        [count],
        counts.map((c) => [c]),
      ),
      dir,
      'counts.dta',
    );
    bothPath = await written(
      exportTable(
        [count, coded],
        counts.map((c, i) => [c, i % 2 === 0 ? 1 : -9]),
      ),
      dir,
      'both.dta',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pandas reads the count as float64 whose mean is that of the valid values, and convert_missing shows .n .d .s .r', () => {
    const read = readAsAnalyst(path);
    expect(read.columns.n_attorneys?.dtype).toBe('float64');
    expect(read.columns.n_attorneys?.mean).toBe((3 + 5 + 10 + 6) / 4);
    expect(read.convertMissingError).toBeNull();
    expect(read.convertMissing?.n_attorneys).toEqual([
      3,
      { missing: '.n' },
      5,
      { missing: '.d' },
      10,
      { missing: '.s' },
      { missing: '.r' },
      6,
    ]);
  });

  it('pandas keeps the coded variable categorical, its label set holding the codes and the missing kinds', () => {
    const read = readAsAnalyst(bothPath);
    expect(read.columns.court_type?.dtype).toBe('category');
    expect(read.columns.n_attorneys?.dtype).toBe('float64');
    const labels = readDtaWithPandas(bothPath).valueLabels;
    expect(Object.keys(labels)).toEqual(['court_type']);
    expect(Object.values(labels.court_type ?? {})).toEqual([
      'General',
      'Municipal',
      MISSING.dontKnow.label,
      MISSING.notAnswered.label,
      MISSING.preferNot.label,
      MISSING.skipped.label,
    ]);
  });

  it('R haven reads the count as a plain double with tagged NAs, the coded variable as labelled', {
    timeout: 60_000,
  }, () => {
    const read = readWithR('dta', bothPath, dir);
    expect(read.classes.get('n_attorneys')).toBe('numeric');
    expect(read.cells.get('n_attorneys')).toEqual(['3', '.n', '5', '.d', '10', '.s', '.r', '6']);
    expect(read.valueLabels.get('n_attorneys')).toBeUndefined();
    expect(read.classes.get('court_type')).toMatch(/haven_labelled/);
    expect(read.valueLabels.get('court_type')?.map((l) => l.code)).toEqual(['1', '2', '.d', '.n', '.r', '.s']);
  });
});

describe('a date-time', () => {
  const instants = [Date.UTC(2026, 2, 2, 14, 5, 9, 250), Date.UTC(1965, 6, 1, 8, 0, 0), Date.UTC(2025, 11, 31, 23, 59)];
  const cells: Cell[] = [instants[0] ?? 0, MISSING.notAnswered.code, instants[1] ?? 0, instants[2] ?? 0];
  const table = exportTable(
    [
      numericVariable('submitted_at', {
        label: 'Submitted (UTC)',
        measure: 'scale',
        format: 'datetime',
        missing: [{ code: MISSING.notAnswered.code, label: 'Not submitted (a partial)' }],
      }),
    ],
    cells.map((cell) => [cell]),
  );
  let dir = '';
  let path = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dta-datetime-'));
    path = await written(table, dir, 'datetime.dta');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pandas reads it as datetime64 equal to the instant, to the millisecond, and its missing code as NaT', () => {
    const column = readAsAnalyst(path).columns.submitted_at;
    expect(column?.dtype).toBe('datetime64[ns]');
    expect(column?.cells).toEqual(cells.map((cell) => (cell === -9 ? null : new Date(Number(cell)).toISOString())));
  });

  it('R haven reads it as POSIXct at the same instant, its missing code as the tagged NA .n', {
    timeout: 60_000,
  }, () => {
    const read = readWithR('dta', path, dir);
    expect(read.classes.get('submitted_at')).toBe('POSIXct POSIXt');
    // readBack.R writes a POSIXct as data.csv does: ISO 8601 in UTC, to the second.
    const toSecond = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    expect(read.cells.get('submitted_at')).toEqual(cells.map((cell) => (cell === -9 ? '.n' : toSecond(Number(cell)))));
  });
});
