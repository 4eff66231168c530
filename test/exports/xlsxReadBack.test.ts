import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODEBOOK_COLUMNS } from '../../server/exports/xlsxCodebook.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { openEnv, postComplete } from '../responses/setup.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { fieldedPilot } from './pilot.js';

/**
 * data.xlsx of a real pilot export read back by openpyxl (Debian's python3-openpyxl, installed by
 * scripts/install-test-deps.sh): the codes sheet must equal data.csv and the labels sheet
 * data_labels.csv cell by cell, numbers as numeric cells and text as text, no formula anywhere.
 */

// Debian's interpreter: python3-openpyxl is installed for it, not for any other python3 on PATH.
const PYTHON = '/usr/bin/python3';
const READER = fileURLToPath(new URL('./readXlsx.py', import.meta.url));

/** openpyxl's data type ("n", "s", "f" ...), the Python type of the value, the value. */
type ReadCell = [string, string, number | string | null];
type ReadBack = { openpyxl: string; sheets: { name: string; frozen: string | null; rows: ReadCell[][] }[] };

const records = (text: string) => parseCsv(text).records.map((r) => r.fields);
const MISSING_CODES = new Set(['-9', '-8', '-7', '-6']);

function readXlsx(file: string): ReadBack {
  const run = spawnSync(PYTHON, [READER, file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.error) throw new Error(`${PYTHON} with openpyxl is required: run scripts/install-test-deps.sh`);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ReadBack;
}

type Codebook = {
  variables: { name: string; label: string; type: string; values: { code: number; label: string }[] }[];
};

/** One export for the whole file, read once: the workspace is removed after the first test. */
let exported: Promise<{ book: ReadBack; codes: string[][]; labels: string[][]; codebook: Codebook }> | undefined;
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

function sheet(book: ReadBack, name: string) {
  const found = book.sheets.find((s) => s.name === name);
  if (!found) throw new Error(`no sheet "${name}" in data.xlsx`);
  return found;
}
const isNumber = (cell: ReadCell | undefined) => cell?.[1] === 'int' || cell?.[1] === 'float';

/** The storage (numeric or string) of every variable, as the codebook sheet declares it. */
function storageOf(book: ReadBack): Map<string, string> {
  const [header, ...rows] = sheet(book, 'codebook').rows;
  const at = (column: string) => header?.findIndex((c) => c[2] === column) ?? -1;
  return new Map(rows.map((r) => [String(r[at('variable')]?.[2]), String(r[at('storage')]?.[2])]));
}

/** The cell as openpyxl read it equals the CSV's text: the same number, the same text, or both empty. */
function expectSameCell(read: ReadCell | undefined, csv: string, where: string): void {
  const [, type, value] = read ?? ['n', 'NoneType', null];
  if (csv === '') {
    expect(value, where).toBeNull();
  } else if (type === 'int' || type === 'float') {
    expect(value, where).toBe(Number(csv));
  } else {
    expect(type, where).toBe('str');
    expect(value, where).toBe(csv);
  }
}

describe('data.xlsx read back by openpyxl', () => {
  it('has the sheets codes, labels and codebook, each with its header row frozen and no formula', async () => {
    const { book } = await exportOnce();
    expect(book.sheets.map((s) => s.name)).toEqual(['codes', 'labels', 'codebook', 'frequencies', 'summaries']);
    for (const s of book.sheets) {
      expect(s.frozen, s.name).toBe('A2');
      expect(
        s.rows.flat().filter((c) => c[0] === 'f'),
        s.name,
      ).toEqual([]);
    }
  });

  it('codes sheet: every cell equals data.csv, numeric variables and missing codes as numbers', async () => {
    const { book, codes } = await exportOnce();
    const read = sheet(book, 'codes').rows;
    const storage = storageOf(book);
    const [header = []] = codes;
    expect(read.length).toBe(codes.length);
    expect(read[0]?.map((c) => c[2])).toEqual(header);
    let numbers = 0;
    codes.slice(1).forEach((row, r) => {
      expect(read[r + 1]?.length ?? 0, `row ${r + 2}`).toBeLessThanOrEqual(header.length);
      row.forEach((csv, c) => {
        const cell = read[r + 1]?.[c];
        const where = `codes ${header[c]} row ${r + 2}: ${JSON.stringify(cell)} vs ${csv}`;
        expectSameCell(cell, csv, where);
        if (csv === '') return;
        const numeric = storage.get(header[c] ?? '') === 'numeric' || MISSING_CODES.has(csv);
        expect(isNumber(cell), where).toBe(numeric);
        if (numeric) numbers += 1;
      });
    });
    // Most of a coded file is numbers: a sheet of text cells would fail above, and here.
    expect(numbers).toBeGreaterThan(header.length);
  });

  it('labels sheet: every cell equals data_labels.csv, a label as text where data.csv has its code', async () => {
    const { book, codes, labels } = await exportOnce();
    const read = sheet(book, 'labels').rows;
    const codesRead = sheet(book, 'codes').rows;
    const [header = []] = labels;
    expect(read.length).toBe(labels.length);
    expect(read[0]?.map((c) => c[2])).toEqual(header);
    let labelled = 0;
    labels.slice(1).forEach((row, r) => {
      row.forEach((csv, c) => {
        const cell = read[r + 1]?.[c];
        const where = `labels ${header[c]} row ${r + 2}: ${JSON.stringify(cell)} vs ${csv}`;
        expectSameCell(cell, csv, where);
        if (csv !== codes[r + 1]?.[c]) {
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
    expect(sheet(book, 'codes').rows[injected + 1]?.[at]).toEqual(['s', 'str', `'=HYPERLINK("http://x.example")`]);
  });

  it('codebook sheet: one row per variable of the file, with the codebook label, type and value labels', async () => {
    const { book, codes, codebook } = await exportOnce();
    const [header, ...rows] = sheet(book, 'codebook').rows;
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
    }
  });

  it('a second table (the defendants of a case file) gets its own data_<table>.xlsx, as it gets its own .csv', async () => {
    const env = openEnv();
    const [link] = seedFielding(env, { instrument: 'cs-case-file-abstraction' });
    const { answers } = generateAnswers(env.instruments.resolve('cs-case-file-abstraction')?.survey ?? {});
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
      const read = sheet(book, name).rows;
      expect(read.length, name).toBe(csv.length);
      expect(read[0]?.map((c) => c[2])).toEqual(csv[0]);
      csv.slice(1).forEach((row, r) => {
        row.forEach((text, c) => {
          expectSameCell(read[r + 1]?.[c], text, `${name} ${csv[0]?.[c]} row ${r + 2}`);
        });
      });
    }
    expect(
      sheet(book, 'codebook')
        .rows.slice(1)
        .map((r) => r[0]?.[2]),
    ).toEqual(sheet(book, 'codes').rows[0]?.map((c) => c[2]));
  });
});
