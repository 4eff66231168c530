import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDateTime, MISSING } from '../../server/exports/table.js';
import { xlsxOfTable } from '../../server/exports/xlsx.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';
import { type ReadBook, readXlsx, sheetOf, valuesOf } from './xlsxReader.js';

/**
 * What an analyst opening data.xlsx gets besides the cells (issue 28 point 10), read back by
 * openpyxl from a workbook written by xlsxOfTable: date-time variables as Excel dates, a width for
 * every column, an AutoFilter and a frozen header, and the short labels under the names on the
 * labels sheet (only there: the codes sheet stays one header row over a rectangle of data).
 */

const PYTHON = '/usr/bin/python3';
const START = Date.UTC(2026, 2, 2, 14, 5, 9);
const LATE = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
const LONG_LABEL = 'Yes, and the office has a written protocol for every kind of case it prosecutes';

const table = exportTable(
  [
    numericVariable('case_id'),
    numericVariable('started_at', {
      label: 'Started (UTC)',
      format: 'datetime',
      missing: [{ code: MISSING.notAnswered.code, label: 'Start not recorded' }],
    }),
    numericVariable('q1', {
      label: 'Does the office have a protocol for trafficking cases — written protocol',
      shortLabel: 'Q1 protocol: written',
      valueLabels: [
        { code: 1, label: LONG_LABEL },
        { code: 2, label: 'No' },
      ],
      missing: [MISSING.notAnswered],
    }),
    stringVariable('q1_notes', { label: 'Notes on the protocol' }),
    numericVariable('wt_nonresponse_adjusted', { label: 'Weight', measure: 'scale', decimals: 4 }),
  ],
  [
    [101, START, 1, 'see file', 1.25],
    [102, MISSING.notAnswered.code, 2, '', 0.5],
    [103, LATE, -9, 'x', 2],
  ],
);

let dir = '';
let book: ReadBook;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'xlsx-analyst-'));
  const file = path.join(dir, 'data.xlsx');
  await pipeline(xlsxOfTable(table, [], { mtime: new Date('2026-01-01T00:00:00Z') }), createWriteStream(file));
  book = readXlsx(file);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const column = (name: string) => table.variables.findIndex((v) => v.name === name);
const LETTERS = ['A', 'B', 'C', 'D', 'E'];

describe('data.xlsx for an analyst, read back by openpyxl', () => {
  it('writes a date-time variable as Excel dates (to the second), its missing code as the code', () => {
    const at = column('started_at');
    const rows = sheetOf(book, 'codes').rows.slice(1);
    const [first, missing, last] = rows.map((r) => r[at]);
    for (const [cell, ms] of [
      [first, START],
      [last, LATE],
    ] as const) {
      expect(cell?.[3], JSON.stringify(cell)).toBe(true);
      expect(cell?.[1]).toBe('datetime');
      expect(cell?.[4]).toBe('yyyy-mm-dd hh:mm:ss');
      expect(`${String(cell?.[2]).slice(0, 19)}Z`).toBe(isoDateTime(ms));
    }
    expect(missing?.slice(0, 4)).toEqual(['n', 'int', MISSING.notAnswered.code, false]);
  });

  it('writes the same dates on the labels sheet, where a missing moment is its label as in data_labels.csv', () => {
    const at = column('started_at');
    const rows = sheetOf(book, 'labels').rows.slice(2);
    expect(rows[0]?.[at]?.[3]).toBe(true);
    expect(`${String(rows[0]?.[at]?.[2]).slice(0, 19)}Z`).toBe(isoDateTime(START));
    expect(rows[1]?.[at]?.[2]).toBe(table.variables[at]?.missing[0]?.label);
    expect(`${String(rows[2]?.[at]?.[2]).slice(0, 19)}Z`).toBe(isoDateTime(LATE));
    // No other cell is a date: a code or a weight formatted as a date would mislead.
    const dates = sheetOf(book, 'codes').rows.flatMap((r) => r.filter((c) => c[3]));
    expect(dates.length).toBe(2);
  });

  it('sets a width for every column: from the name, the kind, a date, and the value labels on the labels sheet', () => {
    const codes = sheetOf(book, 'codes').widths;
    const labels = sheetOf(book, 'labels').widths;
    expect(Object.keys(codes)).toEqual(LETTERS);
    expect(Object.keys(labels)).toEqual(LETTERS);
    table.variables.forEach((v, i) => {
      const letter = LETTERS[i] ?? '';
      // The name and the AutoFilter's drop-down button fit beside each other.
      expect(codes[letter], v.name).toBeGreaterThanOrEqual(v.name.length + 2);
      expect(labels[letter], v.name).toBeLessThanOrEqual(60);
    });
    const width = (widths: Record<string, number>, name: string) => widths[LETTERS[column(name)] ?? ''] ?? 0;
    expect(width(codes, 'started_at')).toBeGreaterThanOrEqual('2026-03-02 14:05:09'.length);
    expect(width(codes, 'q1_notes')).toBeGreaterThan(width(codes, 'q1'));
    // On the labels sheet q1 holds its labels, the longest past the cap; on the codes sheet, codes.
    expect(LONG_LABEL.length).toBeGreaterThan(60);
    expect(width(labels, 'q1')).toBe(60);
    expect(width(codes, 'q1')).toBeLessThan(20);
  });

  it('puts an AutoFilter on the header of each sheet, with the hidden name Excel writes for it, and freezes the header', () => {
    expect(sheetOf(book, 'codes').filter).toBe('A1:E4');
    expect(sheetOf(book, 'codes').frozen).toBe('A2');
    expect(sheetOf(book, 'labels').filter).toBe('A2:E5');
    expect(sheetOf(book, 'labels').frozen).toBe('A3');
    expect(sheetOf(book, 'codebook').filter).toMatch(/^A1:[A-Z]+6$/);
    expect(book.definedNames.slice(0, 2)).toEqual([
      { name: '_xlnm._FilterDatabase', localSheetId: '0', hidden: '1', text: "'codes'!$A$1:$E$4" },
      { name: '_xlnm._FilterDatabase', localSheetId: '1', hidden: '1', text: "'labels'!$A$2:$E$5" },
    ]);
  });

  it('keeps one header row on the codes sheet and puts the short label (or the label) under each name on the labels sheet', () => {
    const codes = sheetOf(book, 'codes').rows;
    const labels = sheetOf(book, 'labels').rows;
    const names = table.variables.map((v) => v.name);
    expect(valuesOf(codes[0])).toEqual(names);
    expect(valuesOf(codes[1])[0]).toBe(101);
    expect(codes.length).toBe(4);
    expect(valuesOf(labels[0])).toEqual(names);
    expect(valuesOf(labels[1])).toEqual([
      'Label of case_id',
      'Started (UTC)',
      'Q1 protocol: written',
      'Notes on the protocol',
      'Weight',
    ]);
    expect(valuesOf(labels[2]).slice(0, 3)[2]).toBe(LONG_LABEL);
    expect(labels.length).toBe(5);
  });

  it('reads the codes sheet with pandas read_excel and no options as one rectangle with numeric columns', () => {
    const script = [
      'import json, sys, pandas',
      "frame = pandas.read_excel(sys.argv[1], sheet_name='codes')",
      'print(json.dumps({"columns": list(frame.columns), "rows": len(frame), "dtypes": {c: str(t) for c, t in frame.dtypes.items()}}))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, path.join(dir, 'data.xlsx')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const read = JSON.parse(run.stdout) as { columns: string[]; rows: number; dtypes: Record<string, string> };
    expect(read.columns).toEqual(table.variables.map((v) => v.name));
    expect(read.rows).toBe(3);
    expect(read.dtypes).toMatchObject({ case_id: 'int64', q1: 'int64', wt_nonresponse_adjusted: 'float64' });
  });
});
