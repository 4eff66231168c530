import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDta } from '../../server/exports/dta.js';
import { type Cell, type ExportTable, MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';
import { mulberry32 } from '../factories/random.js';
import { type PandasReadBack, readDtaWithPandas, readWithR, stataMissingLabelKey } from '../support/readBack.js';

/**
 * The .dta read back by pandas (Debian's python3-pandas, installed by scripts/install-test-deps.sh):
 * a reader nobody here wrote must see the table's values, missing kinds and labels.
 */

/** exports.md: the study's missing codes as Stata's extended missing values. */
const STATA_KIND = new Map([
  [MISSING.notAnswered.code, '.n'],
  [MISSING.skipped.code, '.s'],
  [MISSING.dontKnow.code, '.d'],
  [MISSING.preferNot.code, '.r'],
]);

const ALL_MISSING = [MISSING.notAnswered, MISSING.skipped, MISSING.dontKnow, MISSING.preferNot];
const LONG_QUESTION =
  'In the last full fiscal year, about how many felony cases did your office’s attorneys handle on average — include cases closed by plea, dismissal and trial?';

function surveyTable(): ExportTable {
  const random = mulberry32(8);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const variables = [
    numericVariable('case_id', { measure: 'scale', label: 'Case id' }),
    numericVariable('court_type', {
      label: 'Type of court',
      valueLabels: [
        { code: 1, label: 'Général (state)' },
        { code: 2, label: 'Municipal' },
        { code: 3, label: 'Tribal — Ñuu Savi' },
      ],
      missing: ALL_MISSING,
    }),
    numericVariable('staffing_satisfaction_rating_q12', {
      measure: 'ordinal',
      label: 'How satisfied are you with staffing?',
      valueLabels: [1, 2, 3, 4, 5].map((code) => ({ code, label: `${code} — ${'★'.repeat(code)}` })),
      missing: [MISSING.notAnswered, MISSING.skipped, MISSING.preferNot],
    }),
    numericVariable('avg_felony_caseload_per_attorney', {
      measure: 'scale',
      decimals: 2,
      label: LONG_QUESTION,
      missing: [MISSING.notAnswered, MISSING.dontKnow],
    }),
    stringVariable('staffing_comment', { label: 'Comments on staffing (über-long answers welcome) 🙂' }),
  ];
  const comments = ['', 'Café staff ü', 'Need more 🚀 attorneys', 'ÉÜ — naïve façade', 'ok'];
  const rows: Cell[][] = Array.from({ length: 50 }, (_, i) => [
    i + 1,
    i < 4 ? ([-9, -8, -7, -6][i] as number) : pick([1, 2, 3, -9, -8]),
    i < 3 ? ([-9, -8, -6][i] as number) : pick([1, 2, 3, 4, 5, -6]),
    i === 0 ? -7 : i === 1 ? -9 : i === 2 ? null : Math.round(random() * 40_000) / 100,
    i === 3 ? null : pick(comments),
  ]);
  return exportTable(variables, rows);
}

/** What pandas should report for a cell: extended missing kinds by their Stata name. */
function expectedCell(table: ExportTable, column: number, cell: Cell) {
  const variable = table.variables[column];
  if (variable?.kind === 'string') return cell ?? '';
  if (cell === null) return { missing: '.' };
  const kind = variable?.missing.some((m) => m.code === cell) ? STATA_KIND.get(Number(cell)) : undefined;
  return kind ? { missing: kind } : cell;
}

describe('Stata .dta read back by pandas', () => {
  const table = surveyTable();
  let dir = '';
  let readBack: PandasReadBack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dta-readback-'));
    const path = join(dir, 'data.dta');
    await writeDta(table, path, { datasetLabel: 'Prosecutors’ offices — read-back test' });
    readBack = readDtaWithPandas(path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every variable under its name, 32-character names included', () => {
    expect(readBack.columns).toEqual(table.variables.map((v) => v.name));
    expect(readBack.columns).toContain('avg_felony_caseload_per_attorney');
  });

  it('reads every cell back: codes, decimals, UTF-8 text, and .n .s .d .r where the missing codes were', () => {
    const rows = [...table.rows()];
    expect(readBack.rows).toHaveLength(rows.length);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        expect(readBack.rows[r]?.[c], `row ${r + 1}, ${table.variables[c]?.name}`).toEqual(
          expectedCell(table, c, cell),
        );
      });
    });
    const kinds = new Set(
      readBack.rows.flat().flatMap((cell) => (typeof cell === 'object' && 'missing' in cell ? [cell.missing] : [])),
    );
    expect([...kinds].sort()).toEqual(['.', '.d', '.n', '.r', '.s']);
  });

  it('reads the variable labels, long ones cut to Stata’s 80 characters', () => {
    expect(readBack.variableLabels).toEqual(
      Object.fromEntries(table.variables.map((v) => [v.name, Array.from(v.label).slice(0, 80).join('')])),
    );
    expect(readBack.variableLabels.avg_felony_caseload_per_attorney).toHaveLength(80);
    expect(readBack.dataLabel).toBe('Prosecutors’ offices — read-back test');
  });

  it('reads the value labels of codes and of the missing kinds each variable declares', () => {
    const expected = Object.fromEntries(
      table.variables
        // Only coded variables carry a label set; a count's missing kinds stay in its data (issue 28).
        .filter((v) => v.kind === 'numeric' && v.valueLabels.length > 0)
        .map((v) => [
          v.name,
          Object.fromEntries([
            ...v.valueLabels.map(({ code, label }) => [String(code), label]),
            ...v.missing.map(({ code, label }) => [String(stataMissingLabelKey(STATA_KIND.get(code) ?? '')), label]),
          ]),
        ]),
    );
    expect(readBack.valueLabels).toEqual(expected);
    expect(readBack.valueLabels.court_type?.['2147483635']).toBe(MISSING.notAnswered.label);
    expect(readBack.valueLabels.avg_felony_caseload_per_attorney).toBeUndefined();
  });
});

describe('Stata strL read back by pandas and R haven', () => {
  it('reads texts of 2,000 and 40,000 characters whole beside short, empty and null ones', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dta-strl-'));
    try {
      const texts = [
        'Zeugenschutz — 東京地方検察庁 ✓ '.repeat(80).slice(0, 2_000).trim(),
        'Ĳssel €€ 東京 é '.repeat(2_858).trim(),
        'short',
        '',
        null,
        '-9',
      ];
      const table = exportTable(
        [numericVariable('case_id'), stringVariable('practice'), stringVariable('office')],
        texts.map((text, i) => [i + 1, text, `office ${i + 1}`]),
      );
      const path = join(dir, 'strl.dta');
      await writeDta(table, path);

      const pandas = readDtaWithPandas(path);
      const haven = readWithR('dta', path, dir);

      expect(pandas.rows.map((r) => r[1])).toEqual(texts.map((t) => t ?? ''));
      expect(haven.cells.get('practice')).toEqual(texts.map((t) => t ?? ''));
      expect(haven.cells.get('office')).toEqual(texts.map((_, i) => `office ${i + 1}`));
      // Both over a str#'s 2,045 bytes, so the variable is a strL.
      expect(Buffer.byteLength(texts[0] ?? '')).toBeGreaterThan(2_045);
      expect(Array.from(texts[1] ?? '').length).toBeGreaterThan(39_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
