import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dtaChunks, writeDta } from '../../server/exports/dta.js';
import { type CodeLabel, MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';

const CREATED = new Date(Date.UTC(2025, 2, 2, 14, 5));
const SECTION_TAGS = [
  '<stata_dta>',
  '<map>',
  '<variable_types>',
  '<varnames>',
  '<sortlist>',
  '<formats>',
  '<value_label_names>',
  '<variable_labels>',
  '<characteristics>',
  '<data>',
  '<strls>',
  '<value_labels>',
  '</stata_dta>',
];

function smallTable() {
  return exportTable(
    [
      numericVariable('court_type', {
        label: 'Type of court',
        valueLabels: [
          { code: 2, label: 'Municipal' },
          { code: 1, label: 'Général' },
        ],
        missing: [MISSING.notAnswered, MISSING.skipped, MISSING.dontKnow, MISSING.preferNot],
      }),
      numericVariable('budget', { measure: 'scale', decimals: 2, missing: [MISSING.dontKnow] }),
      stringVariable('comment'),
    ],
    [
      [1, 1234.5, 'héllo 😀'],
      [-9, -7, ''],
      [-8, null, null],
      [-7, 0.25, 'x'],
      [-6, -3, 'ü'],
    ],
  );
}

const fileOf = (table = smallTable(), options = {}) =>
  Buffer.concat([...dtaChunks(table, { created: CREATED, ...options })]);

function mapOf(file: Buffer): number[] {
  const at = file.indexOf('<map>') + '<map>'.length;
  return Array.from({ length: 14 }, (_, i) => Number(file.readBigUInt64LE(at + i * 8)));
}

/** The bytes between <name> and </name>, found through the map. */
function sectionBody(file: Buffer, name: string): Buffer {
  const map = mapOf(file);
  const start = map[SECTION_TAGS.indexOf(`<${name}>`)] ?? -1;
  expect(file.toString('latin1', start, start + name.length + 2)).toBe(`<${name}>`);
  const end = file.indexOf(`</${name}>`, start);
  return file.subarray(start + name.length + 2, end);
}

const field = (body: Buffer, index: number, width: number) => body.subarray(index * width, (index + 1) * width);
const cString = (bytes: Buffer) => {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
};
const hex = (bytes: Buffer) => Buffer.from(bytes).reverse().toString('hex');

describe('dtaChunks (Stata 118)', () => {
  it('writes the header: release 118, LSF, K as 2 bytes, N as 8 bytes, a UTF-8 label and a 17-character timestamp', () => {
    const file = fileOf(smallTable(), { datasetLabel: 'Prosecutors 2025 — cases' });
    const label = Buffer.from('Prosecutors 2025 — cases');
    const expected = Buffer.concat([
      Buffer.from('<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>'),
      Buffer.from([3, 0]),
      Buffer.from('</K><N>'),
      Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from('</N><label>'),
      Buffer.from([label.length, 0]),
      label,
      Buffer.from('</label><timestamp>'),
      Buffer.from([17]),
      Buffer.from('02 Mar 2025 14:05'),
      Buffer.from('</timestamp></header><map>'),
    ]);
    expect(file.subarray(0, expected.length)).toEqual(expected);
  });

  it('fills the map with the offset of each section and the file length', () => {
    const file = fileOf();
    const map = mapOf(file);
    SECTION_TAGS.forEach((tag, i) => {
      expect(file.toString('latin1', map[i], (map[i] ?? 0) + tag.length), tag).toBe(tag);
    });
    expect(map[13]).toBe(file.length);
    expect(file.toString('latin1', file.length - 12)).toBe('</stata_dta>');
  });

  it('types numeric variables as double and strings as str# of their longest UTF-8 value', () => {
    const types = sectionBody(fileOf(), 'variable_types');
    expect([types.readUInt16LE(0), types.readUInt16LE(2), types.readUInt16LE(4)]).toEqual([
      65526,
      65526,
      Buffer.byteLength('héllo 😀'),
    ]);
  });

  it('writes names, formats, value label names and variable labels in their fixed-width fields', () => {
    const file = fileOf();
    const names = sectionBody(file, 'varnames');
    expect(names.length).toBe(3 * 129);
    expect([0, 1, 2].map((i) => cString(field(names, i, 129)))).toEqual(['court_type', 'budget', 'comment']);
    expect(sectionBody(file, 'sortlist')).toEqual(Buffer.alloc(8));
    const formats = sectionBody(file, 'formats');
    expect(formats.length).toBe(3 * 57);
    expect([0, 1, 2].map((i) => cString(field(formats, i, 57)))).toEqual(['%9.0g', '%12.2f', '%-11s']);
    const labelNames = sectionBody(file, 'value_label_names');
    // budget has missing codes but no value labels: a count stays a number, with no label set.
    expect([0, 1, 2].map((i) => cString(field(labelNames, i, 129)))).toEqual(['court_type', '', '']);
    const labels = sectionBody(file, 'variable_labels');
    expect(labels.length).toBe(3 * 321);
    expect([0, 1, 2].map((i) => cString(field(labels, i, 321)))).toEqual([
      'Type of court',
      'Label of budget',
      'Label of comment',
    ]);
    expect(sectionBody(file, 'characteristics').length).toBe(0);
    expect(sectionBody(file, 'strls').length).toBe(0);
  });

  it('keeps names up to 32 characters and cuts labels to 80 characters without splitting UTF-8', () => {
    const longName = 'a'.repeat(32);
    const label = `${'é'.repeat(79)}😀😀`;
    const file = fileOf(exportTable([numericVariable(longName, { label })], [[1]]));
    expect(cString(field(sectionBody(file, 'varnames'), 0, 129))).toBe(longName);
    expect(cString(field(sectionBody(file, 'variable_labels'), 0, 321))).toBe(`${'é'.repeat(79)}😀`);
  });

  it('writes a data row as little-endian doubles and a null-padded UTF-8 string', () => {
    const data = sectionBody(fileOf(), 'data');
    const width = 8 + 8 + 11;
    expect(data.length).toBe(5 * width);
    expect(data.readDoubleLE(0)).toBe(1);
    expect(data.readDoubleLE(8)).toBe(1234.5);
    expect(data.subarray(16, 27)).toEqual(Buffer.from('héllo 😀'));
    expect(data.subarray(3 * width + 16, 4 * width)).toEqual(Buffer.from([0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('encodes -9 -8 -7 -6 as .n .s .d .r and a null as system missing', () => {
    const data = sectionBody(fileOf(), 'data');
    const width = 27;
    const cell = (row: number, offset: number) => hex(data.subarray(row * width + offset, row * width + offset + 8));
    expect(cell(1, 0)).toBe('7fe00e0000000000'); // .n
    expect(cell(2, 0)).toBe('7fe0130000000000'); // .s
    expect(cell(3, 0)).toBe('7fe0040000000000'); // .d
    expect(cell(4, 0)).toBe('7fe0120000000000'); // .r
    expect(cell(1, 8)).toBe('7fe0040000000000'); // .d in budget
    expect(cell(2, 8)).toBe('7fe0000000000000'); // .
    expect(data.subarray(2 * width + 16, 3 * width)).toEqual(Buffer.alloc(11));
  });

  it('keeps a reserved code as a value where the variable does not declare it missing', () => {
    const data = sectionBody(fileOf(), 'data');
    expect(data.readDoubleLE(4 * 27 + 8)).toBe(-3);
    const undeclared = sectionBody(fileOf(exportTable([numericVariable('n_staff')], [[-9]])), 'data');
    expect(undeclared.readDoubleLE(0)).toBe(-9);
  });

  it('writes one value label table per coded variable, keys sorted, missing kinds as .a-.z keys', () => {
    const body = sectionBody(fileOf(), 'value_labels');
    const tables = body.toString('latin1').split('<lbl>').length - 1;
    // budget (missing codes, no value labels) gets none: its .d stays in the data without a label set.
    expect(tables).toBe(1);
    const lbl = body.subarray(5, body.indexOf('</lbl>'));
    const texts = ['Général', 'Municipal', "Don't know", 'Not answered (shown, left blank)'];
    texts.push('Prefer not to answer', 'Legitimately skipped (hidden by logic)');
    const txt = Buffer.concat(texts.map((t) => Buffer.from(`${t}\0`)));
    const n = texts.length;
    expect(lbl.readInt32LE(0)).toBe(8 + 8 * n + txt.length);
    expect(cString(lbl.subarray(4, 133))).toBe('court_type');
    expect(lbl.subarray(133, 136)).toEqual(Buffer.alloc(3));
    expect(lbl.readInt32LE(136)).toBe(n);
    expect(lbl.readInt32LE(140)).toBe(txt.length);
    const ints = (at: number) => Array.from({ length: n }, (_, i) => lbl.readInt32LE(at + 4 * i));
    let offset = 0;
    expect(ints(144)).toEqual(
      texts.map((t) => {
        const at = offset;
        offset += Buffer.byteLength(t) + 1;
        return at;
      }),
    );
    expect(ints(144 + 4 * n)).toEqual([1, 2, 2147483625, 2147483635, 2147483639, 2147483640]);
    expect(lbl.subarray(144 + 8 * n)).toEqual(txt);
  });

  it('writes a text over 2,045 bytes as a strL: (v, o) references in the data, the whole texts as GSOs in <strls>', () => {
    const long = `a${'€'.repeat(700)}`; // 2,101 bytes: more than a str# holds
    const file = fileOf(
      exportTable(
        [numericVariable('id'), stringVariable('note')],
        [
          [1, long],
          [2, ''],
          [3, 'ok'],
        ],
      ),
    );
    expect(sectionBody(file, 'variable_types').readUInt16LE(2)).toBe(32768);
    expect(cString(field(sectionBody(file, 'formats'), 1, 57))).toBe('%9s');
    const data = sectionBody(file, 'data');
    // Each row: the id (8 bytes), then v = 2 (2 bytes) and o = the row (6 bytes); "" is (0, 0).
    expect([16, 32, 48].map((at) => data.subarray(at - 8, at).toString('hex'))).toEqual([
      '0200010000000000',
      '0000000000000000',
      '0200030000000000',
    ]);
    const strls = sectionBody(file, 'strls');
    const gso = (text: string, o: number) => {
      const head = Buffer.alloc(20);
      head.write('GSO', 0, 'latin1');
      head.writeUInt32LE(2, 3);
      head.writeBigUInt64LE(BigInt(o), 7);
      head.writeUInt8(130, 15);
      head.writeUInt32LE(Buffer.byteLength(text) + 1, 16);
      return Buffer.concat([head, Buffer.from(`${text}\0`)]);
    };
    expect(strls).toEqual(Buffer.concat([gso(long, 1), gso('ok', 3)]));
    expect(mapOf(file)[13]).toBe(file.length);
  });

  it('streams the rows in bounded chunks', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, i / 4]);
    const table = exportTable([numericVariable('id'), numericVariable('share', { decimals: 2 })], rows);
    const chunks = [...dtaChunks(table, { created: CREATED })];
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(65_536);
    const data = sectionBody(Buffer.concat(chunks), 'data');
    expect(data.readDoubleLE(19_999 * 16 + 8)).toBe(19_999 / 4);
  });

  it('refuses a table whose rows disagree with rowCount, and invalid names', () => {
    const table = { ...exportTable([numericVariable('q1')], [[1], [2]]), rowCount: 3 };
    expect(() => fileOf(table)).toThrow(/2 rows, rowCount says 3/);
    expect(() => fileOf(exportTable([numericVariable('1st')], []))).toThrow(/not a valid Stata variable name/);
    expect(() => fileOf(exportTable([numericVariable('a'.repeat(33))], []))).toThrow(/not a valid Stata/);
  });
});

/** 1960-01-01 to 1970-01-01 in milliseconds: Stata's %tc counts from 1960. */
const STATA_EPOCH_MS = 315_619_200_000;

/**
 * One `<ch>` as Stata's `help dta` (dta_118, section 5.8 "Characteristics") lays it out:
 *   <ch> llll varname charname contents </ch>
 * llll a 4-byte length (here little-endian) of what follows it up to </ch>; varname and charname
 * null-padded fields of 129 bytes; contents null-terminated. Stata's `notes` keep note i of a
 * variable as its characteristic `note<i>` and the number of notes as `note0`.
 */
function ch(varname: string, charname: string, contents: string): Buffer {
  const name = (text: string) => Buffer.concat([Buffer.from(text), Buffer.alloc(129 - Buffer.byteLength(text))]);
  const text = Buffer.from(`${contents}\0`);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(129 + 129 + text.length);
  return Buffer.concat([Buffer.from('<ch>'), length, name(varname), name(charname), text, Buffer.from('</ch>')]);
}

describe('dtaChunks: labels, notes and types an analyst reads', () => {
  const stem = 'In the last full fiscal year, how many staff of each kind did your office employ';
  const variables = () => [
    numericVariable('a6_att', {
      label: `${stem} — Attorneys (FTE)`,
      item: 'Attorneys (FTE)',
      shortLabel: 'A6 staff: Attorneys (FTE)',
      notes: ['Count part-time staff as half.'],
    }),
    numericVariable('q2', { label: 'Type of court', shortLabel: 'Type of court' }),
    numericVariable('q3', { label: `${stem} — Investigators`, item: 'Investigators' }),
    numericVariable('q4', { label: 'Cases filed', notes: ['Prefilled from the 2024 census; é kept.'] }),
  ];

  it('labels each variable with its short label, or its label cut to 80 characters keeping the item', () => {
    const labels = sectionBody(fileOf(exportTable(variables(), [[1, 1, 1, 1]])), 'variable_labels');
    const read = [0, 1, 2, 3].map((i) => cString(field(labels, i, 321)));
    expect(read.slice(0, 2)).toEqual(['A6 staff: Attorneys (FTE)', 'Type of court']);
    expect(Array.from(read[2] ?? '')).toHaveLength(80);
    expect(read[2]).toMatch(/^In the last full fiscal year, .*… — Investigators$/);
    expect(read[3]).toBe('Cases filed');
  });

  it('keeps a replaced or cut label and the variable’s notes as Stata notes in <characteristics>', () => {
    const body = sectionBody(fileOf(exportTable(variables(), [[1, 1, 1, 1]])), 'characteristics');
    expect(body).toEqual(
      Buffer.concat([
        ch('a6_att', 'note1', `${stem} — Attorneys (FTE)`),
        ch('a6_att', 'note2', 'Count part-time staff as half.'),
        ch('a6_att', 'note0', '2'),
        // q2's short label is its label: nothing was lost, so no note.
        ch('q3', 'note1', `${stem} — Investigators`),
        ch('q3', 'note0', '1'),
        ch('q4', 'note1', 'Prefilled from the 2024 census; é kept.'),
        ch('q4', 'note0', '1'),
      ]),
    );
  });

  it('keeps the map right when characteristics come before the data', () => {
    const file = fileOf(exportTable(variables(), [[1, 2, 3, 4]]));
    const map = mapOf(file);
    SECTION_TAGS.forEach((tag, i) => {
      expect(file.toString('latin1', map[i], (map[i] ?? 0) + tag.length), tag).toBe(tag);
    });
    expect(sectionBody(file, 'data').readDoubleLE(24)).toBe(4);
  });

  it('writes a date-time as %tc: milliseconds since 1960 as a double, its missing code as .n', () => {
    const instant = Date.UTC(2026, 2, 2, 14, 5, 9, 250);
    const table = exportTable(
      [numericVariable('submitted_at', { format: 'datetime', measure: 'scale', missing: [MISSING.notAnswered] })],
      [[instant], [MISSING.notAnswered.code]],
    );
    const file = fileOf(table);
    expect(cString(field(sectionBody(file, 'formats'), 0, 57))).toBe('%tcCCYY-NN-DD_HH:MM:SS');
    const data = sectionBody(file, 'data');
    expect(data.readDoubleLE(0)).toBe(instant + STATA_EPOCH_MS);
    expect(hex(data.subarray(8, 16))).toBe('7fe00e0000000000'); // .n
    expect(sectionBody(file, 'value_label_names')).toEqual(Buffer.alloc(129));
  });

  it('shows a 0/1 dummy with two decimals (%9.2f) so that its mean reads as a share; other codes stay %9.0g', () => {
    const dummy = [
      { code: 0, label: 'Not selected' },
      { code: 1, label: 'Selected' },
    ];
    const table = exportTable(
      [
        numericVariable('q5_1', { valueLabels: dummy, missing: [MISSING.skipped] }),
        numericVariable('q6', { valueLabels: [...dummy, { code: 2, label: 'Both' }] }),
        numericVariable('q7', { valueLabels: [dummy[1] as CodeLabel, { code: 2, label: 'No' }] }),
      ],
      [[1, 2, 2]],
    );
    const formats = sectionBody(fileOf(table), 'formats');
    expect([0, 1, 2].map((i) => cString(field(formats, i, 57)))).toEqual(['%9.2f', '%9.0g', '%9.0g']);
  });
});

describe('writeDta', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the file through a .part file that is renamed when complete', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dta-'));
    const path = join(dir, 'data.dta');
    await writeDta(smallTable(), path, { created: CREATED });
    expect(readFileSync(path)).toEqual(fileOf());
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it('leaves neither the file nor the .part behind when writing fails', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dta-'));
    const path = join(dir, 'data.dta');
    const table = { ...exportTable([numericVariable('q1')], [[1]]), rowCount: 2 };
    await expect(writeDta(table, path)).rejects.toThrow(/rowCount/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.part`)).toBe(false);
  });
});
