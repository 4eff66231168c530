/**
 * Proof by a reader nobody here wrote (spec: exports.md "Proof"): GNU PSPP opens the .sav and reports
 * its dictionary and cases, which must equal the table cell by cell. PSPP is a required test
 * dependency (scripts/install-test-deps.sh): without it these tests fail, they never skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSav } from '../../server/exports/sav.js';
import {
  type Cell,
  type CodeLabel,
  type ExportTable,
  type ExportVariable,
  MISSING,
} from '../../server/exports/table.js';
import { type PsppReport, psppValueLabels, readSavWithPspp, utf8Prefix } from '../support/readBack.js';

const ALL_MISSING = Object.values(MISSING);
const LONG_LABEL = `${'Over the last twelve months, how satisfied were you with the café and the Übergang '.repeat(4)}…`;

const VARIABLES: ExportVariable[] = [
  {
    name: 'q1_satisfaction',
    label: 'How satisfied are you with the service? (très important)',
    kind: 'numeric',
    measure: 'ordinal',
    decimals: 0,
    valueLabels: [
      { code: 1, label: 'Très satisfait' },
      { code: 2, label: 'Satisfied' },
      { code: 3, label: 'Über-unhappy 😀' },
    ],
    missing: ALL_MISSING,
  },
  {
    name: 'q1_satisfaction_reason',
    label: LONG_LABEL,
    kind: 'numeric',
    measure: 'nominal',
    decimals: 0,
    valueLabels: [
      { code: 0, label: 'No' },
      { code: 1, label: 'Yes' },
    ],
    missing: [MISSING.notAnswered, MISSING.skipped],
  },
  {
    name: 'respondent_office_region_code_xx',
    label: 'Census region of the office',
    kind: 'numeric',
    measure: 'nominal',
    decimals: 0,
    valueLabels: [
      { code: 1, label: 'Northeast' },
      { code: 2, label: 'Midwest' },
      { code: 3, label: 'South' },
      { code: 4, label: 'West' },
    ],
    missing: [],
  },
  {
    name: 'duration_min',
    label: 'Minutes to complete',
    kind: 'numeric',
    measure: 'scale',
    decimals: 2,
    valueLabels: [],
    missing: ALL_MISSING,
  },
  {
    name: 'comment',
    label: 'Anything else?',
    kind: 'string',
    measure: 'nominal',
    decimals: 0,
    valueLabels: [],
    missing: [],
  },
];

const COMMENTS = ['Très bien, merci', 'Über gut 😀👍', 'ok', '', null, 'naïve café — “quoted”, with a comma'];

function rowAt(i: number): Cell[] {
  const missing = ALL_MISSING[i % 4]?.code ?? -9;
  return [
    i % 7 === 0 ? missing : (i % 3) + 1,
    i % 5 === 0 ? MISSING.skipped.code : i % 2,
    (i % 4) + 1,
    i % 9 === 0 ? missing : i % 11 === 0 ? null : (i * 37) / 4,
    COMMENTS[i % COMMENTS.length] ?? null,
  ];
}

const ROWS: Cell[][] = Array.from({ length: 50 }, (_, i) => rowAt(i));
const TABLE: ExportTable = { name: 'cases', variables: VARIABLES, rows: () => ROWS, rowCount: ROWS.length };

/** How PSPP prints a declaration: up to three values "a; b; c", more as the range "low THRU high". */
function expectedMissing(codes: CodeLabel[]): string {
  const sorted = codes.map((c) => c.code).sort((a, b) => a - b);
  if (sorted.length <= 3) return sorted.join('; ');
  return `${sorted[0]} THRU ${sorted[sorted.length - 1]}`;
}

/** A variable coded 0/1 (No/Yes) is printed with two decimals, so that its mean reads as a share. */
function zeroOne(v: ExportVariable): boolean {
  return v.valueLabels.map((c) => c.code).join() === '0,1';
}

function maxBytes(column: number): number {
  return Math.max(1, ...ROWS.map((row) => Buffer.byteLength(String(row[column] ?? ''), 'utf8')));
}

describe('writeSav read back by GNU PSPP', () => {
  let dir = '';
  let outcome: PsppReport | Error = new Error('beforeAll did not run');
  // Each test fails with the reason (e.g. PSPP missing) rather than being reported as skipped.
  const psppReport = (): PsppReport => {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sav-pspp-'));
    const savPath = join(dir, 'cases.sav');
    await writeSav(TABLE, savPath, { created: new Date('2026-03-05T07:08:09Z'), fileLabel: 'Fieldkit cases — été' });
    try {
      outcome = readSavWithPspp(savPath, dir);
    } catch (error) {
      outcome = error instanceof Error ? error : new Error(String(error));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the file without a warning and reports its label, case count, encoding and no compression', () => {
    const report = psppReport();
    expect(report.log).not.toMatch(/warning|error/i);
    const info = Object.fromEntries(report.tables.get('File Information')?.rows ?? []);
    expect(info).toMatchObject({
      Label: 'Fieldkit cases — été',
      Variables: String(VARIABLES.length),
      Cases: String(ROWS.length),
      Encoding: 'UTF-8',
      Compression: 'None',
      'Integer Format': 'Little Endian',
    });
    expect(info.Created).toMatch(/^05 Mar 26 07:08:09/);
  });

  it('reads back every variable name, label, measurement level, format and user-missing declaration', () => {
    const variables = psppReport().tables.get('Variables');
    expect(variables?.header).toEqual([
      'Name',
      'Position',
      'Label',
      'Measurement Level',
      'Role',
      'Width',
      'Alignment',
      'Print Format',
      'Write Format',
      'Missing Values',
    ]);
    const read = variables?.rows.map(([name, , label, measure, , , , format, , missing]) => ({
      name,
      label,
      measure,
      format,
      missing,
    }));
    expect(read).toEqual(
      VARIABLES.map((v, i) => ({
        name: v.name,
        label: utf8Prefix(v.label, 255),
        measure: v.measure[0]?.toUpperCase() + v.measure.slice(1),
        format: v.kind === 'string' ? `A${maxBytes(i)}` : `F8.${zeroOne(v) ? 2 : v.decimals}`,
        missing: expectedMissing(v.missing),
      })),
    );
  });

  it('keeps a label longer than 255 bytes as its first 255 bytes, cut at a character', () => {
    const label = psppReport().tables.get('Variables')?.rows[1]?.[2] ?? '';
    expect(Buffer.byteLength(LONG_LABEL)).toBeGreaterThan(255);
    expect(LONG_LABEL.startsWith(label)).toBe(true);
    expect(Buffer.byteLength(label)).toBeGreaterThan(250);
  });

  it('reads back each numeric variable value labels, choices and missing codes, with the codes marked user-missing', () => {
    const read = psppValueLabels(psppReport());
    const expected = VARIABLES.flatMap((v) => [
      ...v.missing.map((m) => ({ name: v.name, code: m.code, label: m.label, userMissing: true })),
      ...v.valueLabels.map((c) => ({ name: v.name, code: c.code, label: c.label, userMissing: false })),
    ]);
    expect(read).toEqual(expected);
  });

  it('reads back all 50 cases cell by cell: codes, missing codes, system-missing, decimals and UTF-8 text', () => {
    const [header, ...cases] = psppReport().data;
    expect(header).toEqual(VARIABLES.map((v) => v.name));
    expect(cases).toHaveLength(ROWS.length);
    ROWS.forEach((row, r) => {
      VARIABLES.forEach((variable, c) => {
        const read = cases[r]?.[c] ?? '<absent>';
        const cell = row[c] ?? null;
        const where = `row ${r + 1}, ${variable.name}`;
        if (variable.kind === 'string') expect(read, where).toBe(cell ?? '');
        else if (cell === null) expect(read.trim(), where).toBe('');
        else expect(Number(read), where).toBe(cell);
      });
    });
  });
});

describe('writeSav edge cases read back by GNU PSPP', () => {
  it('reads a 266-byte string whole (a very long string) and a range plus a discrete code around a labelled valid code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sav-pspp-'));
    try {
      const long = `${'é'.repeat(127)}xyz and more`;
      const refused = { code: -99, label: 'Refused' };
      const table: ExportTable = {
        name: 'edge',
        rowCount: 2,
        rows: () => [
          [long, -99],
          ['short', -50],
        ],
        variables: [
          {
            name: 'long_text',
            label: '',
            kind: 'string',
            measure: 'nominal',
            decimals: 0,
            valueLabels: [],
            missing: [],
          },
          {
            name: 'balance',
            label: 'Balance',
            kind: 'numeric',
            measure: 'scale',
            decimals: 0,
            valueLabels: [{ code: -50, label: 'Minus fifty' }],
            missing: [...ALL_MISSING, refused],
          },
        ],
      };
      const savPath = join(dir, 'edge.sav');
      await writeSav(table, savPath);
      const report = readSavWithPspp(savPath, dir);
      expect(report.log).not.toMatch(/warning|error/i);
      const variables = report.tables.get('Variables')?.rows ?? [];
      expect(variables.map((row) => [row[0], row[7], row[9]])).toEqual([
        ['long_text', 'A266', ''],
        ['balance', 'F8.0', '-9 THRU -6; -99'],
      ]);
      expect(report.data.slice(1)).toEqual([
        [long, '-99'],
        ['short', '-50'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
