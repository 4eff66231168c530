import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { savChunks, writeSav } from '../../server/exports/sav.js';
import { shortNames } from '../../server/exports/savColumns.js';
import { missingDeclaration } from '../../server/exports/savDictionary.js';
import { type Cell, type ExportTable, type ExportVariable, MISSING } from '../../server/exports/table.js';

const ALL_MISSING = Object.values(MISSING);
const SYSMIS_BYTES = 'ffffffffffffefff'; // -DBL_MAX, little-endian

function variable(overrides: Partial<ExportVariable> & Pick<ExportVariable, 'name'>): ExportVariable {
  return {
    label: '',
    kind: 'numeric',
    measure: 'nominal',
    decimals: 0,
    valueLabels: [],
    missing: [],
    ...overrides,
  };
}

function table(variables: ExportVariable[], rows: Cell[][]): ExportTable {
  return { name: 'cases', variables, rows: () => rows, rowCount: rows.length };
}

/** q1: coded with all four missing codes (a range); age: scale with three (discrete); comment: a 12-byte string. */
function smallTable(): ExportTable {
  return table(
    [
      variable({
        name: 'q1',
        label: 'Satisfied?',
        valueLabels: [
          { code: 1, label: 'Yes' },
          { code: 2, label: 'No' },
        ],
        missing: ALL_MISSING,
      }),
      variable({ name: 'age', measure: 'scale', decimals: 1, missing: ALL_MISSING.slice(0, 3) }),
      variable({ name: 'comment', label: 'Comment', kind: 'string' }),
    ],
    [
      [1, 34.5, 'hello world!'],
      [null, -9, 'é'],
    ],
  );
}

function fileOf(t: ExportTable, fileLabel = 'Small file'): Buffer {
  return Buffer.concat([...savChunks(t, { created: new Date('2026-03-05T07:08:09Z'), fileLabel })]);
}

/** Reads the file front to back the way a system-file reader does. */
class Cursor {
  constructor(
    private readonly buf: Buffer,
    public offset = 0,
  ) {}
  int32(): number {
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  float64(): number {
    const v = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }
  text(length: number): string {
    const v = this.buf.subarray(this.offset, this.offset + length).toString('utf8');
    this.offset += length;
    return v;
  }
  hex(length: number): string {
    const v = this.buf.subarray(this.offset, this.offset + length).toString('hex');
    this.offset += length;
    return v;
  }
}

const HEADER_BYTES = 176;
/** Q1's record: 32 bytes, label (4 + 12), missing range (16). */
const AFTER_Q1 = HEADER_BYTES + 32 + 16 + 16;
/** AGE: 32 bytes plus three missing values. */
const AFTER_AGE = AFTER_Q1 + 32 + 24;
/** COMMENT: 32 bytes, label (4 + 8), one continuation record. */
const AFTER_COMMENT = AFTER_AGE + 32 + 12 + 32;

describe('savChunks: file header', () => {
  it('writes $FL2, layout 2, case size, no compression, no weight, ncases, bias, date, time and label at their offsets', () => {
    const file = fileOf(smallTable());
    const c = new Cursor(file);
    expect(c.text(4)).toBe('$FL2');
    expect(c.text(60)).toBe('@(#) SPSS DATA FILE Fieldkit'.padEnd(60));
    expect(file.readInt32LE(64)).toBe(2);
    expect(file.readInt32LE(68)).toBe(4); // q1 + age + two 8-byte segments of comment
    expect(file.readInt32LE(72)).toBe(0);
    expect(file.readInt32LE(76)).toBe(0);
    expect(file.readInt32LE(80)).toBe(2);
    expect(file.readDoubleLE(84)).toBe(100);
    expect(file.toString('latin1', 92, 101)).toBe('05 Mar 26');
    expect(file.toString('latin1', 101, 109)).toBe('07:08:09');
    expect(file.toString('latin1', 109, 173)).toBe('Small file'.padEnd(64));
    expect(file.subarray(173, 176)).toEqual(Buffer.alloc(3));
  });

  it('cuts a long file label at a UTF-8 character boundary within 64 bytes', () => {
    const file = fileOf(smallTable(), `${'a'.repeat(63)}é`);
    expect(file.toString('utf8', 109, 173)).toBe(`${'a'.repeat(63)} `);
  });
});

describe('savChunks: variable records', () => {
  it('writes a numeric variable with its label, F format and the -9..-6 range as n_missing_values -2', () => {
    const c = new Cursor(fileOf(smallTable()), HEADER_BYTES);
    expect([c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, 0, 1, -2]);
    expect([c.int32(), c.int32()]).toEqual([0x050800, 0x050800]); // F8.0 print and write
    expect(c.text(8)).toBe('Q1      ');
    expect(c.int32()).toBe(10);
    expect(c.text(12)).toBe('Satisfied?  ');
    expect([c.float64(), c.float64()]).toEqual([-9, -6]);
    expect(c.offset).toBe(AFTER_Q1);
  });

  it('writes three discrete missing values with n_missing_values 3 and no label', () => {
    const c = new Cursor(fileOf(smallTable()), AFTER_Q1);
    expect([c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, 0, 0, 3]);
    expect([c.int32(), c.int32()]).toEqual([0x050801, 0x050801]); // F8.1
    expect(c.text(8)).toBe('AGE     ');
    expect([c.float64(), c.float64(), c.float64()]).toEqual([-9, -8, -7]);
  });

  it('writes a 12-byte string as A12 followed by one continuation record', () => {
    const c = new Cursor(fileOf(smallTable()), AFTER_AGE);
    expect([c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, 12, 1, 0]);
    expect([c.int32(), c.int32()]).toEqual([0x010c00, 0x010c00]);
    expect(c.text(8)).toBe('COMMENT ');
    expect(c.int32()).toBe(7);
    expect(c.text(8)).toBe('Comment ');
    expect([c.int32(), c.int32(), c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, -1, 0, 0, 0, 0]);
    expect(c.text(8)).toBe('        ');
    expect(c.offset).toBe(AFTER_COMMENT);
  });

  it('cuts a variable label at a UTF-8 boundary within 255 bytes', () => {
    const label = `${'x'.repeat(254)}ü and more`;
    const c = new Cursor(fileOf(table([variable({ name: 'v', label })], [[1]])), HEADER_BYTES + 32);
    expect(c.int32()).toBe(254);
    expect(c.text(254)).toBe('x'.repeat(254));
  });

  it('derives unique upper-case short names from the long names, avoiding SPSS keywords', () => {
    expect(shortNames(['q10_reason_a', 'q10_reason_b', 'q10_reason_c', 'to', 'age'])).toEqual([
      'Q10_REAS',
      'Q10_RE_1',
      'Q10_RE_2',
      'TO_1',
      'AGE',
    ]);
  });
});

describe('missingDeclaration', () => {
  it('declares up to three codes as discrete values', () => {
    expect(missingDeclaration(variable({ name: 'v', missing: ALL_MISSING.slice(1) }))).toEqual({
      count: 3,
      values: [-8, -7, -6],
    });
  });

  it('declares four codes as a range (-2) when no valid code falls inside it', () => {
    expect(missingDeclaration(variable({ name: 'v', missing: ALL_MISSING }))).toEqual({ count: -2, values: [-9, -6] });
  });

  it('declares a range plus one discrete value (-3) when a valid code lies between the codes', () => {
    const missing = [...ALL_MISSING.slice(1), { code: -99, label: 'Refused' }];
    const v = variable({ name: 'v', missing, valueLabels: [{ code: -50, label: 'Minus fifty' }] });
    expect(missingDeclaration(v)).toEqual({ count: -3, values: [-8, -6, -99] });
  });
});

describe('savChunks: value labels', () => {
  it('writes a type 3 record with the choice and missing labels and a type 4 record naming the variable', () => {
    const c = new Cursor(fileOf(smallTable()), AFTER_COMMENT);
    expect([c.int32(), c.int32()]).toEqual([3, 6]);
    const labels: [number, string][] = [];
    for (let i = 0; i < 6; i++) {
      const value = c.float64();
      const length = c.hex(1);
      const text = c.text(Math.ceil((Number.parseInt(length, 16) + 1) / 8) * 8 - 1);
      labels.push([value, text.slice(0, Number.parseInt(length, 16))]);
      expect(text.slice(Number.parseInt(length, 16)).trim()).toBe('');
    }
    expect(labels).toEqual([[1, 'Yes'], [2, 'No'], ...ALL_MISSING.map((m): [number, string] => [m.code, m.label])]);
    expect([c.int32(), c.int32(), c.int32()]).toEqual([4, 1, 1]);
    expect([c.int32(), c.int32()]).toEqual([3, 3]); // age: the labels of its three missing codes
  });

  it('names the variable by its dictionary position, counting string continuation records', () => {
    const t = table(
      [variable({ name: 's', kind: 'string' }), variable({ name: 'n', valueLabels: [{ code: 1, label: 'One' }] })],
      [['0123456789abcdefXYZ', 1]],
    );
    const file = fileOf(t);
    const type4 = file.indexOf(Buffer.from([4, 0, 0, 0, 1, 0, 0, 0]), HEADER_BYTES);
    expect(file.readInt32LE(type4 + 8)).toBe(4); // s takes positions 1..3
  });
});

describe('savChunks: extension records, termination and data', () => {
  function extensions(file: Buffer): Map<number, { size: number; count: number; data: Buffer }> {
    const found = new Map<number, { size: number; count: number; data: Buffer }>();
    const c = new Cursor(file, file.indexOf(Buffer.from([7, 0, 0, 0, 3, 0, 0, 0]), HEADER_BYTES));
    while (c.int32() === 7) {
      const [subtype, size, count] = [c.int32(), c.int32(), c.int32()];
      const data = file.subarray(c.offset, c.offset + size * count);
      c.offset += size * count;
      found.set(subtype, { size, count, data });
    }
    return found;
  }

  it('writes machine integer info (subtype 3) with IEEE floats, little-endian and code page 65001', () => {
    const info = extensions(fileOf(smallTable())).get(3);
    expect(info && [info.size, info.count]).toEqual([4, 8]);
    const fields = Array.from({ length: 8 }, (_, i) => info?.data.readInt32LE(i * 4));
    expect(fields.slice(3)).toEqual([-1, 1, 1, 2, 65001]);
  });

  it('writes machine floating point info (subtype 4): sysmis, highest, lowest', () => {
    const info = extensions(fileOf(smallTable())).get(4);
    expect(info && [info.size, info.count]).toEqual([8, 3]);
    expect(info?.data.toString('hex')).toBe(`${SYSMIS_BYTES}ffffffffffffef7ffeffffffffffefff`);
  });

  it('writes variable display (subtype 11): measure, width and alignment per variable', () => {
    const info = extensions(fileOf(smallTable())).get(11);
    expect(info && [info.size, info.count]).toEqual([4, 9]);
    const fields = Array.from({ length: 9 }, (_, i) => info?.data.readInt32LE(i * 4));
    expect(fields).toEqual([1, 8, 1, 3, 8, 1, 1, 12, 0]);
  });

  it('writes long variable names (subtype 13) and the character encoding (subtype 20)', () => {
    const t = table([variable({ name: 'satisfaction_overall' }), variable({ name: 'age' })], [[1, 2]]);
    const found = extensions(fileOf(t));
    const names = found.get(13);
    expect(names && [names.size, names.count]).toEqual([1, names?.data.length]);
    expect(names?.data.toString('utf8')).toBe('SATISFAC=satisfaction_overall\tAGE=age');
    expect(found.get(20)?.data.toString('ascii')).toBe('UTF-8');
    expect([...found.keys()]).toEqual([3, 4, 11, 13, 20]);
  });

  it('declares a short string’s missing codes in its variable record and labels them in a type 3 record', () => {
    const notAnswered = MISSING.notAnswered;
    const skipped = MISSING.skipped;
    const t = table(
      [variable({ name: 'st', label: '', kind: 'string', missing: [notAnswered, skipped] })],
      [['PA'], ['-9']],
    );
    const file = fileOf(t);
    const c = new Cursor(file, HEADER_BYTES);
    // width 2, no label, two missing values, A2, short name, then each value in 8 bytes.
    expect([c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, 2, 0, 2]);
    expect([c.int32(), c.int32()]).toEqual([0x010200, 0x010200]);
    expect(c.text(8)).toBe('ST      ');
    expect([c.text(8), c.text(8)]).toEqual(['-9      ', '-8      ']);
    expect(c.int32()).toBe(3);
    expect(c.int32()).toBe(2);
    expect(c.text(8)).toBe('-9      ');
    const length = file.readUInt8(c.offset);
    expect(file.subarray(c.offset + 1, c.offset + 1 + length).toString('utf8')).toBe(notAnswered.label);
  });

  it('labels a long string’s missing codes in subtype 21 (value padded to the width) and declares none', () => {
    const t = table(
      [variable({ name: 'comment_text', kind: 'string', missing: [MISSING.notAnswered, MISSING.skipped] })],
      [['a comment of some length'], ['-8']],
    );
    const file = fileOf(t);
    const c = new Cursor(file, HEADER_BYTES);
    expect([c.int32(), c.int32(), c.int32(), c.int32()]).toEqual([2, 24, 0, 0]);
    const found = extensions(file);
    expect([...found.keys()]).toEqual([3, 4, 11, 13, 20, 21]);
    const labels = new Cursor(found.get(21)?.data as Buffer);
    expect(labels.text(labels.int32())).toBe('comment_text');
    expect([labels.int32(), labels.int32()]).toEqual([24, 2]);
    expect(labels.text(labels.int32())).toBe('-9'.padEnd(24));
    expect(labels.text(labels.int32())).toBe(MISSING.notAnswered.label);
    expect(labels.text(labels.int32())).toBe('-8'.padEnd(24));
    expect(labels.text(labels.int32())).toBe(MISSING.skipped.label);
    expect(labels.offset).toBe(found.get(21)?.data.length);
  });

  it('ends the dictionary with 999, 0 and writes each case as float64s and space-padded strings', () => {
    const file = fileOf(smallTable());
    const caseBytes = 4 * 8;
    const data = file.length - 2 * caseBytes;
    expect([file.readInt32LE(data - 8), file.readInt32LE(data - 4)]).toEqual([999, 0]);
    const c = new Cursor(file, data);
    expect([c.float64(), c.float64(), c.text(16)]).toEqual([1, 34.5, 'hello world!    ']);
    expect([c.hex(8), c.float64(), c.text(16)]).toEqual([SYSMIS_BYTES, -9, `é${' '.repeat(14)}`]);
  });

  it('writes a 600-byte string as a very long string: pieces of 255, 255 and 96 bytes, named in subtype 14', () => {
    const long = `${'a'.repeat(254)}😀${'b'.repeat(342)}`;
    expect(Buffer.byteLength(long)).toBe(600);
    const file = fileOf(table([variable({ name: 'comment', kind: 'string' })], [[long], [null]]));
    const c = new Cursor(file, HEADER_BYTES);
    const pieces: [number, number, string][] = [];
    while (file.readInt32LE(c.offset) === 2) {
      const [, width, , , format] = [c.int32(), c.int32(), c.int32(), c.int32(), c.int32(), c.int32()];
      const name = c.text(8);
      if (width !== -1) pieces.push([width, format, name]);
    }
    // 600 bytes need ceil(600 / 252) = 3 pieces; the last is 600 - 2 * 252 = 96 bytes wide.
    expect(pieces).toEqual([
      [255, 0x01ff00, 'COMMENT '],
      [255, 0x01ff00, 'COMMENT0'],
      [96, 0x016000, 'COMMENT1'],
    ]);
    expect(file.readInt32LE(68)).toBe(32 + 32 + 12);
    const found = extensions(file);
    expect(found.get(14)?.data.toString('latin1')).toBe('COMMENT=00600\0\t');
    expect(found.get(11)?.count).toBe(3 * 3);
    // Each piece holds 255 bytes of the text in its 256; the emoji straddles the first two pieces.
    const rows = file.subarray(file.length - 2 * 76 * 8);
    const text = Buffer.concat([rows.subarray(0, 255), rows.subarray(256, 511), rows.subarray(512, 512 + 96)]);
    expect(text.toString('utf8')).toBe(`${long}${' '.repeat(6)}`);
    expect(rows.subarray(76 * 8).toString('latin1')).toBe(' '.repeat(76 * 8));
  });

  it('cuts a text over 32,767 bytes at a character and reports the variable, the row and the bytes kept', () => {
    const long = `${'a'.repeat(32_766)}é and more`;
    const cuts: unknown[] = [];
    const t = table(
      [variable({ name: 'n' }), variable({ name: 'comment', kind: 'string' })],
      [
        [1, 'short'],
        [2, long],
      ],
    );
    const file = Buffer.concat([...savChunks(t, { onCut: (cut) => cuts.push(cut) })]);
    expect(cuts).toEqual([
      {
        variable: 'comment',
        row: 2,
        cells: [2, long],
        bytes: Buffer.byteLength(long),
        keptBytes: 32_766,
        maxBytes: 32_767,
      },
    ]);
    expect(extensions(file).get(14)?.data.toString('latin1')).toBe('COMMENT=32767\0\t');
  });

  it('writes a string column of only empty cells with width 1', () => {
    const file = fileOf(table([variable({ name: 's', kind: 'string' })], [[''], [null]]));
    expect(file.readInt32LE(HEADER_BYTES + 4)).toBe(1);
  });
});

describe('savChunks: streaming and checks', () => {
  it('streams 10,000 cases in chunks of at most 64 KiB after the dictionary', () => {
    const rows = Array.from({ length: 10_000 }, (_, i): Cell[] => [i % 2 ? 1 : 2, i / 10, `row ${i}`]);
    const t = { ...smallTable(), rows: () => rows, rowCount: rows.length };
    const [dictionary, ...data] = [...savChunks(t)];
    const caseBytes = (dictionary?.readInt32LE(68) ?? 0) * 8;
    expect(caseBytes).toBe(24); // 'row 9999' fits one segment
    expect(data.length).toBeGreaterThan(1);
    for (const chunk of data) expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
    expect(data.reduce((n, chunk) => n + chunk.length, 0)).toBe(10_000 * caseBytes);
  });

  it('refuses a table whose rowCount disagrees with its rows', () => {
    expect(() => [...savChunks({ ...smallTable(), rowCount: 3 })]).toThrow(/rowCount 3 but its rows yield 2/);
  });

  it('refuses a table without variables, which SPSS cannot open', () => {
    expect(() => [...savChunks(table([], []))]).toThrow(/has no variables/);
  });

  it('refuses a text cell in a numeric variable', () => {
    expect(() => [...savChunks(table([variable({ name: 'n' })], [['1']]))]).toThrow(/n row 1 holds a non-numeric/);
  });
});

describe('writeSav', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the file under its final name only when complete, leaving no .part behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sav-'));
    dirs.push(dir);
    const path = join(dir, 'data.sav');
    await writeSav(smallTable(), path, { created: new Date('2026-03-05T07:08:09Z'), fileLabel: 'Small file' });
    expect(readdirSync(dir)).toEqual(['data.sav']);
    expect(readFileSync(path)).toEqual(fileOf(smallTable()));
  });

  it('removes the .part file and writes nothing when the table is inconsistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sav-'));
    dirs.push(dir);
    const path = join(dir, 'data.sav');
    await expect(writeSav({ ...smallTable(), rowCount: 5 }, path)).rejects.toThrow(/rowCount/);
    expect(existsSync(path) || existsSync(`${path}.part`)).toBe(false);
  });
});
