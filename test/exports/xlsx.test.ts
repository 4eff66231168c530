import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { VersionedVariable } from '../../server/codebook/union.js';
import {
  cellXml,
  columnLetters,
  EXCEL_LIMITS,
  excelSerial,
  type Sheet,
  type SheetCell,
  SheetLimitError,
  workbookXml,
  worksheetXml,
  xlsxStream,
  xmlText,
} from '../../server/exports/spreadsheetml.js';
import { MISSING } from '../../server/exports/table.js';
import { tableSheets, xlsxOfTable } from '../../server/exports/xlsx.js';
import { CODEBOOK_COLUMNS } from '../../server/exports/xlsxCodebook.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';

const mtime = new Date('2026-01-01T00:00:00Z');

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sheetOf = (rows: SheetCell[][], header = ['a', 'b']): Sheet => ({
  name: 'codes',
  header,
  rows: () => rows,
  rowCount: rows.length,
});

function rowsOf(sheet: Sheet): unknown[][] {
  return [...sheet.rows()];
}

describe('cellXml', () => {
  it('writes numbers as numeric cells, missing codes included', () => {
    expect(cellXml(3)).toBe('<c><v>3</v></c>');
    expect(cellXml(-9)).toBe('<c><v>-9</v></c>');
    expect(cellXml(0.25)).toBe('<c><v>0.25</v></c>');
  });

  it('writes text as an inline string, never as a formula', () => {
    expect(cellXml('Yes')).toBe('<c t="inlineStr"><is><t>Yes</t></is></c>');
    expect(cellXml('=SUM(A1:A2)')).not.toContain('<f>');
  });

  it('neutralizes text a spreadsheet would run as a formula, as the CSV does', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\uFF1D'])
      expect(cellXml(`${start}1+1`)).toContain(`<t>'${start}1+1`);
    expect(cellXml('\r1+1')).toContain("<t>'&#13;1+1");
    expect(cellXml('=HYPERLINK("http://x.example")')).toBe(
      '<c t="inlineStr"><is><t>\'=HYPERLINK("http://x.example")</t></is></c>',
    );
    expect(cellXml('a=b')).toBe('<c t="inlineStr"><is><t>a=b</t></is></c>');
  });

  it('escapes XML and writes characters XML cannot carry as _xHHHH_', () => {
    expect(cellXml('a < b & c > d')).toBe('<c t="inlineStr"><is><t>a &lt; b &amp; c &gt; d</t></is></c>');
    expect(xmlText('bell\u0007')).toBe('bell_x0007_');
    expect(xmlText('literal _x0041_')).toBe('literal _x005F_x0041_');
    expect(xmlText('line\nbreak\ttab')).toBe('line\nbreak\ttab');
    expect(xmlText('carriage\r\nreturn')).toBe('carriage&#13;\nreturn');
  });

  it('keeps leading and trailing spaces', () => {
    expect(cellXml(' x')).toBe('<c t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>');
  });

  it('writes empty cells as empty elements so the next cells keep their columns', () => {
    expect(cellXml(null)).toBe('<c/>');
    expect(cellXml('')).toBe('<c/>');
  });
});

describe('worksheetXml', () => {
  it('freezes a bold header row and numbers the rows from 2', () => {
    const xml = [...worksheetXml(sheetOf([[1, 'x']]))].join('');
    expect(xml).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(xml).toContain('<row r="1"><c s="1" t="inlineStr"><is><t>a</t></is></c><c s="1" t="inlineStr">');
    expect(xml).toContain('<row r="2"><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row>');
    expect(xml).toContain('<dimension ref="A1:B2"/>');
  });

  it('fails on a cell longer than Excel holds, naming the sheet, row and variable', () => {
    const sheet = { ...sheetOf([[7, 'x'.repeat(EXCEL_LIMITS.cellCharacters + 1)]]), describeRow: () => 'case 7' };
    expect(() => [...worksheetXml(sheet)]).toThrow(SheetLimitError);
    expect(() => [...worksheetXml(sheet)]).toThrow(/Sheet "codes", case 7, variable b: 32,768 characters/);
  });

  it('counts the leading quote of a neutralized cell against the limit', () => {
    const fits = sheetOf([[1, `=${'x'.repeat(EXCEL_LIMITS.cellCharacters - 1)}`]]);
    expect(() => [...worksheetXml(fits)]).toThrow(/32,768 characters/);
    expect(() => [...worksheetXml(sheetOf([[1, 'x'.repeat(EXCEL_LIMITS.cellCharacters)]]))]).not.toThrow();
  });

  it('refuses a number Excel cannot store', () => {
    expect(() => [...worksheetXml(sheetOf([[Number.NaN, 'x']]))]).toThrow(/row 1, variable a: NaN/);
  });
});

describe('columnLetters', () => {
  it('names columns as Excel does', () => {
    expect([0, 25, 26, 51, 701, 702, EXCEL_LIMITS.columns - 1].map(columnLetters)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });
});

describe('xlsxStream', () => {
  it('refuses more columns than an Excel sheet has, before writing anything', () => {
    const header = Array.from({ length: EXCEL_LIMITS.columns + 1 }, (_, i) => `v${i}`);
    expect(() => xlsxStream([sheetOf([], header)], { mtime })).toThrow(/16,385 variables.*v16384/);
  });

  it('refuses more rows than an Excel sheet has (the header counts)', () => {
    const sheet = { ...sheetOf([]), rowCount: EXCEL_LIMITS.rows };
    expect(() => xlsxStream([sheet], { mtime })).toThrow(/1,048,576 rows and a header/);
    expect(() => xlsxStream([{ ...sheet, rowCount: EXCEL_LIMITS.rows - 1 }], { mtime })).not.toThrow();
  });

  it('refuses sheet names Excel refuses', () => {
    for (const name of ['', 'a/b', 'x'.repeat(32), 'what?']) {
      expect(() => xlsxStream([{ ...sheetOf([]), name }], { mtime })).toThrow(/not a valid Excel sheet name/);
    }
  });

  it('ends the stream with the error of a cell past the limits', async () => {
    const stream = xlsxStream([sheetOf([[1, 'x'.repeat(EXCEL_LIMITS.cellCharacters + 1)]])], { mtime });
    await expect(drain(stream)).rejects.toThrow(/variable b/);
  });

  it('writes a zip whose workbook names its sheets in order', async () => {
    const zip = await drain(xlsxStream([sheetOf([[1, 'x']]), { ...sheetOf([]), name: 'labels' }], { mtime }));
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(zip.toString('latin1')).toContain('xl/worksheets/sheet2.xml');
    expect(workbookXml([sheetOf([]), { ...sheetOf([]), name: 'labels' }])).toContain(
      '<sheets><sheet name="codes" sheetId="1" r:id="rId1"/><sheet name="labels" sheetId="2" r:id="rId2"/></sheets>',
    );
  });

  it('refuses a second header row or widths that do not fit the columns', () => {
    expect(() => xlsxStream([{ ...sheetOf([]), subheader: ['only one'] }], { mtime })).toThrow(/second header row/);
    expect(() => xlsxStream([{ ...sheetOf([]), widths: [10] }], { mtime })).toThrow(/one per column/);
    expect(() => xlsxStream([{ ...sheetOf([]), widths: [10, 256] }], { mtime })).toThrow(/at most 255/);
  });

  it('counts a second header row against the rows of an Excel sheet', () => {
    const sheet = { ...sheetOf([]), subheader: ['A', 'B'], rowCount: EXCEL_LIMITS.rows - 1 };
    expect(() => xlsxStream([sheet], { mtime })).toThrow(/1,048,575 rows and 2 header rows/);
    expect(() => xlsxStream([{ ...sheet, rowCount: EXCEL_LIMITS.rows - 2 }], { mtime })).not.toThrow();
  });
});

describe('date cells', () => {
  it("writes a Date as Excel's serial day number in the date-time style", () => {
    expect(excelSerial(new Date('1970-01-01T00:00:00Z'))).toBe(25_569);
    expect(excelSerial(new Date('2026-03-02T18:00:00Z'))).toBe(46_083.75);
    expect(excelSerial(new Date('1900-03-01T00:00:00Z'))).toBe(61);
    expect(cellXml(new Date('2026-03-02T18:00:00Z'))).toBe('<c s="2"><v>46083.75</v></c>');
  });

  it('refuses a date Excel cannot show, naming the row and variable', () => {
    expect(() => [...worksheetXml(sheetOf([[new Date('1899-12-31T00:00:00Z'), 'x']]))]).toThrow(
      /row 1, variable a: 1899-12-31T00:00:00.000Z is outside the dates Excel shows/,
    );
    expect(() => [...worksheetXml(sheetOf([[new Date(Number.NaN), 'x']]))]).toThrow(/an invalid date/);
  });
});

describe('worksheet layout', () => {
  const laidOut = (sheet: Partial<Sheet>) =>
    [
      ...worksheetXml({
        ...sheetOf([
          [1, 'x'],
          [2, 'y'],
        ]),
        ...sheet,
      }),
    ].join('');

  it('writes one width per column before the rows', () => {
    const xml = laidOut({ widths: [12, 30.5] });
    expect(xml).toContain(
      '<cols><col min="1" max="1" width="12" customWidth="1"/><col min="2" max="2" width="30.5" customWidth="1"/></cols><sheetData>',
    );
    expect(laidOut({})).not.toContain('<cols>');
  });

  it('puts an AutoFilter over the header and every declared row, after the rows', () => {
    expect(laidOut({ filter: true })).toMatch(/<\/sheetData><autoFilter ref="A1:B3"\/><\/worksheet>$/);
    expect(laidOut({})).not.toContain('autoFilter');
  });

  it('writes a second header row, freezes both and filters on the second', () => {
    const xml = laidOut({ subheader: ['Label of a', '=b'], filter: true });
    expect(xml).toContain('<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>');
    expect(xml).toContain(
      '<row r="2"><c s="3" t="inlineStr"><is><t>Label of a</t></is></c><c s="3" t="inlineStr"><is><t>\'=b</t></is></c></row>',
    );
    expect(xml).toContain('<row r="3"><c><v>1</v></c>');
    expect(xml).toContain('<row r="4"><c><v>2</v></c>');
    expect(xml).toContain('<dimension ref="A1:B4"/>');
    expect(xml).toContain('<autoFilter ref="A2:B4"/>');
  });

  it('names each filtered range in the workbook as Excel does, hidden and local to its sheet', () => {
    const xml = workbookXml([
      { ...sheetOf([[1, 'x']]), filter: true },
      { ...sheetOf([]), name: 'no filter' },
      { ...sheetOf([[1, 'x']]), name: "o'clock & more", subheader: ['a', 'b'], filter: true },
    ]);
    expect(xml).toContain(
      '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\'codes\'!$A$1:$B$2</definedName>' +
        '<definedName name="_xlnm._FilterDatabase" localSheetId="2" hidden="1">\'o\'\'clock &amp; more\'!$A$2:$B$3</definedName></definedNames>',
    );
    expect(workbookXml([sheetOf([])])).not.toContain('definedNames');
  });
});

describe('tableSheets', () => {
  const table = exportTable(
    [
      numericVariable('case_id'),
      numericVariable('q1', {
        valueLabels: [
          { code: 1, label: 'Yes' },
          { code: 2, label: 'No' },
        ],
        missing: [MISSING.notAnswered, MISSING.skipped],
      }),
      stringVariable('q1_oth', { missing: [MISSING.skipped] }),
    ],
    [
      [101, 1, '@home'],
      [102, -8, '-8'],
    ],
  );
  const codebook = [
    {
      name: 'q1',
      table: 'main',
      question: 'q1',
      label: 'Label of q1',
      type: 'single',
      measure: 'nominal',
      values: [],
      missing: [],
      conditions: [],
      condition: 'shown when consent = 1',
      source: { kind: 'value', question: 'q1' },
      versions: ['1.0.0', '1.1.0'],
    },
  ] as VersionedVariable[];

  it('names the sheets codes, labels and codebook', () => {
    expect(tableSheets(table, codebook).map((s) => s.name)).toEqual(['codes', 'labels', 'codebook']);
  });

  it('holds codes and labels as the CSV files do, a text missing code as its number', () => {
    const [codes, labels] = tableSheets(table, codebook) as [Sheet, Sheet];
    expect(codes.header).toEqual(['case_id', 'q1', 'q1_oth']);
    expect(rowsOf(codes)).toEqual([
      [101, 1, '@home'],
      [102, -8, -8],
    ]);
    expect(rowsOf(labels)).toEqual([
      [101, 'Yes', '@home'],
      [102, MISSING.skipped.label, MISSING.skipped.label],
    ]);
  });

  it('describes every variable in the codebook sheet, from the codebook where it has one', () => {
    const sheet = tableSheets(table, codebook)[2] as Sheet;
    expect(sheet.header).toEqual([...CODEBOOK_COLUMNS]);
    const rows = rowsOf(sheet);
    expect(rows.map((r) => r[0])).toEqual(['case_id', 'q1', 'q1_oth']);
    expect(rows[1]).toEqual([
      'q1',
      'Label of q1',
      null, // no short label
      null, // nor group and item
      null,
      'q1',
      'single',
      'numeric',
      'nominal',
      0,
      '[1] Yes; [2] No',
      `[-9] ${MISSING.notAnswered.label}; [-8] ${MISSING.skipped.label}`,
      null,
      null,
      'shown when consent = 1',
      '1.0.0, 1.1.0',
      null, // no instructions
      null, // not prefilled
    ]);
    expect(rows[2]?.slice(6, 10)).toEqual(['text', 'string', 'nominal', null]);
  });

  it('makes each moment of a date-time variable a Date on both data sheets, its missing code as in the CSV files', () => {
    const started = Date.UTC(2026, 2, 2, 14, 5, 9);
    const timed = exportTable(
      [
        numericVariable('case_id'),
        numericVariable('started_at', { format: 'datetime', missing: [MISSING.notAnswered] }),
        numericVariable('n_sessions'),
      ],
      [
        [1, started, 2],
        [2, MISSING.notAnswered.code, 1],
      ],
    );
    const [codes, labels] = tableSheets(timed, []) as [Sheet, Sheet];
    expect(rowsOf(codes)).toEqual([
      [1, new Date(started), 2],
      [2, MISSING.notAnswered.code, 1],
    ]);
    // As in data_labels.csv: a date-time's missing code is its label.
    expect(rowsOf(labels)).toEqual([
      [1, new Date(started), 2],
      [2, MISSING.notAnswered.label, 1],
    ]);
  });

  it('gives the labels sheet, not the codes sheet, a second header row of short labels (or labels)', () => {
    const short = exportTable([numericVariable('q1', { shortLabel: 'Q1 consent' }), stringVariable('q1_oth')], []);
    const [codes, labels] = tableSheets(short, []) as [Sheet, Sheet];
    expect(codes.subheader).toBeUndefined();
    expect(labels.subheader).toEqual(['Q1 consent', 'Label of q1_oth']);
  });

  it('filters and sizes every sheet: wider for text, dates and labels, never past 60', () => {
    const sized = exportTable(
      [
        numericVariable('q1', {
          valueLabels: [
            { code: 1, label: 'y'.repeat(80) },
            { code: 2, label: 'No' },
          ],
        }),
        numericVariable('at', { format: 'datetime' }),
        stringVariable('notes'),
        numericVariable('a_rather_long_variable_name'),
      ],
      [],
    );
    const sheets = tableSheets(sized, []);
    expect(sheets.map((s) => s.filter)).toEqual([true, true, true]);
    const [codes, labels, book] = sheets as [Sheet, Sheet, Sheet];
    expect(codes.widths).toEqual([11, 20, 25, 31]);
    expect(labels.widths).toEqual([60, 20, 25, 31]);
    expect(book.widths?.length).toBe(CODEBOOK_COLUMNS.length);
    expect(book.widths?.every((w) => w <= 60)).toBe(true);
  });

  it('names the case of a cell past the limits', async () => {
    const long = exportTable(
      [numericVariable('case_id'), stringVariable('notes')],
      [[555, 'x'.repeat(EXCEL_LIMITS.cellCharacters + 1)]],
    );
    await expect(drain(xlsxOfTable(long, [], { mtime }))).rejects.toThrow(
      /Sheet "codes", row 1 \(case_id 555\), variable notes/,
    );
  });
});
