import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODEBOOK_COLUMNS } from '../../server/exports/xlsxCodebook.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { SELF_CASE_FILE, withSelfCaseFile } from '../factories/instrument.js';
import { openEnv, postComplete } from '../responses/setup.js';
import { seedFielding, shippedInstruments, tokenOf } from '../support/app.js';
import { fieldedPilot } from './pilot.js';
import { type ReadBook, type ReadCell, readXlsx, sheetOf } from './xlsxReader.js';

/**
 * data.xlsx of a real pilot export read back by openpyxl: the codes sheet must equal data.csv and
 * the labels sheet data_labels.csv cell by cell (under its second header row of short labels),
 * numbers as numeric cells, moments as date cells, text as text, no formula anywhere.
 */

const records = (text: string) => parseCsv(text).records.map((r) => r.fields);
const MISSING_CODES = new Set(['-9', '-8', '-7', '-6']);
/** A moment as data.csv writes it (table.ts isoDateTime). */
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

type Codebook = {
  variables: {
    name: string;
    label: string;
    shortLabel: string;
    instructions?: string;
    type: string;
    values: { code: number; label: string }[];
  }[];
};

/** One export for the whole file, read once: the workspace is removed after the first test. */
let exported: Promise<{ book: ReadBook; codes: string[][]; labels: string[][]; codebook: Codebook }> | undefined;
function exportOnce() {
  exported ??= (async () => {
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,labels,xlsx,codebook');
    const dir = ws.file('export');
    return {
      book: readXlsx(path.join(dir, 'data.xlsx')),
      codes: records(readFileSync(path.join(dir, 'data.csv'), 'utf8')),
      labels: records(readFileSync(path.join(dir, 'data_labels.csv'), 'utf8')),
      codebook: JSON.parse(readFileSync(path.join(dir, 'codebook.json'), 'utf8')) as Codebook,
    };
  })();
  return exported;
}

const isNumber = (cell: ReadCell | undefined) => cell?.[1] === 'int' || cell?.[1] === 'float';

/** The storage (numeric or string) of every variable, as the codebook sheet declares it. */
function storageOf(book: ReadBook): Map<string, string> {
  const [header, ...rows] = sheetOf(book, 'codebook').rows;
  const at = (column: string) => header?.findIndex((c) => c[2] === column) ?? -1;
  return new Map(rows.map((r) => [String(r[at('variable')]?.[2]), String(r[at('storage')]?.[2])]));
}

/**
 * The cell as openpyxl read it equals the CSV's text: the same number, the same text, the same
 * moment (a date cell to the second), or both empty.
 */
function expectSameCell(read: ReadCell | undefined, csv: string, where: string): void {
  const [, type, value, isDate] = read ?? ['n', 'NoneType', null, false];
  if (csv === '') {
    expect(value, where).toBeNull();
  } else if (isDate) {
    expect(`${String(value).slice(0, 19)}Z`, where).toBe(csv);
  } else if (type === 'int' || type === 'float') {
    expect(value, where).toBe(Number(csv));
  } else {
    expect(type, where).toBe('str');
    expect(value, where).toBe(csv);
  }
}

/** Excel's letter of a 1-based column. */
function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * Row 2 of the labels sheet: for each variable a short label of at most 80 characters (Stata's
 * limit), or its label as the codebook sheet gives it; never empty.
 */
function expectShortLabels(book: ReadBook, row: ReadCell[] | undefined): void {
  const [header, ...described] = sheetOf(book, 'codebook').rows;
  const at = (column: string) => header?.findIndex((c) => c[2] === column) ?? -1;
  const labelOf = new Map(described.map((r) => [String(r[at('variable')]?.[2]), r[at('label')]?.[2]]));
  const names = sheetOf(book, 'labels').rows[0] ?? [];
  expect(row?.length).toBe(names.length);
  names.forEach((name, i) => {
    const cell = row?.[i];
    const label = labelOf.get(String(name[2]));
    expect(cell?.[1], String(name[2])).toBe('str');
    if (cell?.[2] !== label) expect(String(cell?.[2]).length, String(name[2])).toBeLessThanOrEqual(80);
  });
}

describe('data.xlsx read back by openpyxl', () => {
  it('has the sheets codes, labels, codebook, frequencies and summaries, each with its header rows frozen and no formula', async () => {
    const { book } = await exportOnce();
    expect(book.sheets.map((s) => s.name)).toEqual(['codes', 'labels', 'codebook', 'frequencies', 'summaries']);
    expect(book.sheets.map((s) => s.frozen)).toEqual(['A2', 'A3', 'A2', 'A2', 'A2']);
    for (const s of book.sheets) {
      expect(
        s.rows.flat().filter((c) => c[0] === 'f'),
        s.name,
      ).toEqual([]);
    }
  });

  it('filters each sheet from its last header row to its last cell, under the hidden names Excel writes', async () => {
    const { book, codes } = await exportOnce();
    const last = (s: string) => {
      const rows = sheetOf(book, s).rows;
      return `${columnLetter(rows[0]?.length ?? 0)}${rows.length}`;
    };
    const ranges = [
      `A1:${last('codes')}`,
      `A2:${last('labels')}`,
      `A1:${last('codebook')}`,
      `A1:${last('frequencies')}`,
      `A1:${last('summaries')}`,
    ];
    expect(book.sheets.map((s) => s.filter)).toEqual(ranges);
    expect(last('codes')).toBe(`${columnLetter(codes[0]?.length ?? 0)}${codes.length}`);
    const absolute = (range: string) => range.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2');
    expect(book.definedNames).toEqual(
      book.sheets.map((s, i) => ({
        name: '_xlnm._FilterDatabase',
        localSheetId: String(i),
        hidden: '1',
        text: `'${s.name}'!${absolute(ranges[i] ?? '')}`,
      })),
    );
  });

  it('sets a width on every column of every sheet, at most 60, dates wide enough for their format', async () => {
    const { book } = await exportOnce();
    for (const s of book.sheets) {
      const columns = s.rows[0]?.length ?? 0;
      expect(Object.keys(s.widths).length, s.name).toBe(columns);
      for (const width of Object.values(s.widths)) expect(width, s.name).toBeGreaterThan(0);
      for (const width of Object.values(s.widths)) expect(width, s.name).toBeLessThanOrEqual(60);
    }
    const codes = sheetOf(book, 'codes');
    const started = codes.rows[0]?.findIndex((c) => c[2] === 'started_at') ?? -1;
    expect(started).toBeGreaterThanOrEqual(0);
    expect(codes.widths[columnLetter(started + 1)]).toBeGreaterThanOrEqual('2026-03-02 14:05:09'.length);
  });

  it('codes sheet: every cell equals data.csv, numeric variables and missing codes as numbers', async () => {
    const { book, codes } = await exportOnce();
    const read = sheetOf(book, 'codes').rows;
    const storage = storageOf(book);
    const [header = []] = codes;
    expect(read.length).toBe(codes.length);
    expect(read[0]?.map((c) => c[2])).toEqual(header);
    let numbers = 0;
    let moments = 0;
    codes.slice(1).forEach((row, r) => {
      expect(read[r + 1]?.length ?? 0, `row ${r + 2}`).toBeLessThanOrEqual(header.length);
      row.forEach((csv, c) => {
        const cell = read[r + 1]?.[c];
        const where = `codes ${header[c]} row ${r + 2}: ${JSON.stringify(cell)} vs ${csv}`;
        expectSameCell(cell, csv, where);
        if (csv === '') return;
        const numeric = storage.get(header[c] ?? '') === 'numeric';
        // A numeric variable written as ISO text in data.csv is a date-time: an Excel date here.
        const moment = numeric && ISO_MOMENT.test(csv);
        expect(cell?.[3], where).toBe(moment);
        if (moment) {
          expect(cell?.[4], where).toBe('yyyy-mm-dd hh:mm:ss');
          moments += 1;
          return;
        }
        expect(isNumber(cell), where).toBe(numeric || MISSING_CODES.has(csv));
        if (numeric) numbers += 1;
      });
    });
    // Most of a coded file is numbers: a sheet of text cells would fail above, and here.
    expect(numbers).toBeGreaterThan(header.length);
    // started_at of every case that opened its link, submitted_at of the submitted one.
    expect(moments).toBeGreaterThanOrEqual(3);
  });

  it('labels sheet: the names, then the short labels, then every cell of data_labels.csv, a label as text where data.csv has its code', async () => {
    const { book, codes, labels } = await exportOnce();
    const [names, shortLabels, ...read] = sheetOf(book, 'labels').rows;
    const codesRead = sheetOf(book, 'codes').rows;
    const [header = []] = labels;
    expect(read.length).toBe(labels.length - 1);
    expect(names?.map((c) => c[2])).toEqual(header);
    expectShortLabels(book, shortLabels);
    let labelled = 0;
    labels.slice(1).forEach((row, r) => {
      row.forEach((csv, c) => {
        const cell = read[r]?.[c];
        const where = `labels ${header[c]} row ${r + 3}: ${JSON.stringify(cell)} vs ${csv}`;
        expectSameCell(cell, csv, where);
        if (csv !== codes[r + 1]?.[c]) {
          // A label, or a blank for the missing code of a number without value labels (table.ts).
          if (csv === '') return;
          expect(cell?.[1], where).toBe('str');
          labelled += 1;
        } else {
          expect(cell?.[1], where).toBe(codesRead[r + 1]?.[c]?.[1] ?? 'NoneType');
        }
      });
    });
    expect(labelled).toBeGreaterThan(header.length);
  });

  it('neutralizes a formula typed as an answer exactly as data.csv does', async () => {
    const { book, codes } = await exportOnce();
    const [header = [], ...rows] = codes;
    const at = header.indexOf('b6_altchg_oth');
    const injected = rows.findIndex((r) => r[at]?.includes('HYPERLINK'));
    expect(injected).toBeGreaterThanOrEqual(0);
    expect(sheetOf(book, 'codes').rows[injected + 1]?.[at]?.slice(0, 3)).toEqual([
      's',
      'str',
      `'=HYPERLINK("http://x.example")`,
    ]);
  });

  it('codebook sheet: one row per variable of the file, with the codebook label, type and value labels', async () => {
    const { book, codes, codebook } = await exportOnce();
    const [header, ...rows] = sheetOf(book, 'codebook').rows;
    expect(header?.map((c) => c[2])).toEqual([...CODEBOOK_COLUMNS]);
    expect(rows.map((r) => r[0]?.[2])).toEqual(codes[0]);
    const column = (name: string) => CODEBOOK_COLUMNS.indexOf(name as (typeof CODEBOOK_COLUMNS)[number]);
    const byName = new Map(rows.map((r) => [String(r[0]?.[2]), r]));
    expect(codebook.variables.length).toBeGreaterThan(100);
    for (const v of codebook.variables) {
      const row = byName.get(v.name);
      expect(row, v.name).toBeDefined();
      expect(row?.[column('label')]?.[2], v.name).toBe(v.label);
      expect(row?.[column('type')]?.[2], v.name).toBe(v.type);
      expect(row?.[column('storage')]?.[2], v.name).toBe(v.type === 'text' || v.type === 'date' ? 'string' : 'numeric');
      const values = v.values.map((c) => `[${c.code}] ${c.label}`).join('; ');
      expect(row?.[column('values')]?.[2] ?? '', v.name).toBe(values);
      expect(String(row?.[column('missing_codes')]?.[2]), v.name).toMatch(/^\[-\d\] /);
      const cell = (name: string) => row?.[column(name)]?.[2] ?? null;
      expect(cell('short_label'), v.name).toBe(v.shortLabel);
      expect(cell('instructions'), v.name).toBe(v.instructions ?? null);
    }
    // A grid's rows and a multi-select's choices name their question and item; a prefill its source.
    const row = (name: string) => byName.get(name);
    expect(row('a7_unit_1')?.[column('group')]?.[2]).toBe('a7_unit');
    expect(row('a7_unit_1')?.[column('item')]?.[2]).toBe('A dedicated trafficking unit');
    expect(row('b3_cases_2010_sex')?.[column('group')]?.[2]).toBe('b3_cases');
    expect(row('consent')?.[column('group')]?.[2]).toBeNull();
    expect(String(row('a3_state')?.[column('prefilled_from')]?.[2])).toMatch(/frame column `state`.*FIPS/);
  });

  it('a second table (the defendants of a case file) gets its own data_<table>.xlsx, as it gets its own .csv', async () => {
    const env = openEnv({ instruments: withSelfCaseFile(shippedInstruments(), 'cs-case-file-abstraction@1.0.0') });
    const [link] = seedFielding(env, { instrument: SELF_CASE_FILE });
    const { answers } = generateAnswers(env.instruments.resolve(SELF_CASE_FILE)?.survey ?? {});
    answers.cf_defs = [...(answers.cf_defs as unknown[]), (answers.cf_defs as unknown[])[0]];
    await postComplete(env.app, tokenOf(link as NonNullable<typeof link>), { answers, revision: 0 }).expect(200);
    const out = path.join(env.dir, 'export');
    const manifest = await exportInProcess(env, { fielding: 'pilot', out, formats: ['csv', 'labels', 'xlsx'] });
    expect(manifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['data.xlsx', 'data_cf_defs.xlsx']));

    const book = readXlsx(path.join(out, 'data_cf_defs.xlsx'));
    expect(book.sheets.map((s) => s.name)).toEqual(['codes', 'labels', 'codebook', 'frequencies', 'summaries']);
    for (const [name, file] of [
      ['codes', 'data_cf_defs.csv'],
      ['labels', 'data_cf_defs_labels.csv'],
    ] as const) {
      const csv = records(readFileSync(path.join(out, file), 'utf8'));
      const [names, ...rest] = sheetOf(book, name).rows;
      // The labels sheet has the short labels as a second header row.
      const read = name === 'labels' ? rest.slice(1) : rest;
      if (name === 'labels') expectShortLabels(book, rest[0]);
      expect(read.length, name).toBe(csv.length - 1);
      expect(names?.map((c) => c[2])).toEqual(csv[0]);
      csv.slice(1).forEach((row, r) => {
        row.forEach((text, c) => {
          expectSameCell(read[r]?.[c], text, `${name} ${csv[0]?.[c]} row ${r + 2}`);
        });
      });
    }
    expect(
      sheetOf(book, 'codebook')
        .rows.slice(1)
        .map((r) => r[0]?.[2]),
    ).toEqual(sheetOf(book, 'codes').rows[0]?.map((c) => c[2]));
  });
});
