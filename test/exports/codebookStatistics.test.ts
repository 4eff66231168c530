import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { codebookHtml } from '../../server/codebook/render.js';
import { summarizeTable } from '../../server/exports/frequencies.js';
import { withheldCounts } from '../../server/exports/smallCounts.js';
import { type Cell, type ExportVariable, MISSING } from '../../server/exports/table.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';
import { shippedInstruments } from '../support/app.js';

const role = () =>
  numericVariable('role', {
    valueLabels: [
      { code: 1, label: 'Chief' },
      { code: 2, label: 'Deputy' },
      { code: 3, label: 'Other' },
    ],
    missing: [MISSING.notAnswered, MISSING.skipped],
  });
const years = () => numericVariable('years', { measure: 'scale', missing: [MISSING.notAnswered, MISSING.dontKnow] });
const weight = () => numericVariable('wt_nr', { measure: 'scale', decimals: 4 });

/** Eight rows: role, years, weight; the last two are partials (weight 0). */
const ROWS: Cell[][] = [
  [1, 10, 2],
  [1, 20, 2],
  [1, -7, 2],
  [2, 5, 1],
  [2, 7, 1],
  [3, -9, 1],
  [1, 30, 0],
  [-9, 4, 0],
];

describe('summarizeTable', () => {
  it('reads the rows once, however many variables it summarizes', () => {
    let passes = 0;
    const table = {
      ...exportTable([role(), years(), weight()], ROWS),
      rows: () => {
        passes += 1;
        return ROWS;
      },
    };
    summarizeTable(table);
    expect(passes).toBe(1);
  });

  it('counts each code and missing code with %, valid %, and wt_nr-weighted n and % (partials weigh 0)', () => {
    const { statistics } = summarizeTable(exportTable([role(), years(), weight()], ROWS));
    expect(statistics.weight?.total).toBe(9);
    const s = statistics.variables.role;
    if (s?.kind !== 'categorical') throw new Error('role is not coded');
    expect(s.valid).toBe(7);
    expect(s.frequencies).toEqual([
      {
        code: 1,
        label: 'Chief',
        missing: false,
        n: 4,
        percent: 50,
        validPercent: 57.14,
        weightedN: 6,
        weightedPercent: 66.67,
        weightedValidPercent: 66.67,
      },
      {
        code: 2,
        label: 'Deputy',
        missing: false,
        n: 2,
        percent: 25,
        validPercent: 28.57,
        weightedN: 2,
        weightedPercent: 22.22,
        weightedValidPercent: 22.22,
      },
      {
        code: 3,
        label: 'Other',
        missing: false,
        n: 1,
        percent: 12.5,
        validPercent: 14.29,
        weightedN: 1,
        weightedPercent: 11.11,
        weightedValidPercent: 11.11,
      },
      {
        code: -8,
        label: MISSING.skipped.label,
        missing: true,
        n: 0,
        percent: 0,
        validPercent: null,
        weightedN: 0,
        weightedPercent: 0,
        weightedValidPercent: null,
      },
      {
        code: -9,
        label: MISSING.notAnswered.label,
        missing: true,
        n: 1,
        percent: 12.5,
        validPercent: null,
        weightedN: 0,
        weightedPercent: 0,
        weightedValidPercent: null,
      },
    ]);
  });

  it('gives a number n, mean, SD (n - 1), min, max and weighted mean of its valid values, its missing codes counted apart', () => {
    const { statistics } = summarizeTable(exportTable([role(), years(), weight()], ROWS));
    const s = statistics.variables.years;
    if (s?.kind !== 'number') throw new Error('years is not a number');
    const valid = [10, 20, 5, 7, 30, 4];
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    const sd = Math.sqrt(valid.reduce((a, x) => a + (x - mean) ** 2, 0) / (valid.length - 1));
    expect(s).toMatchObject({ n: 6, min: 4, max: 30 });
    expect(s.mean).toBeCloseTo(mean, 4);
    expect(s.sd).toBeCloseTo(sd, 4);
    // (2·10 + 2·20 + 5 + 7) / 6; the -7 row's weight counts for no value.
    expect(s.weightedMean).toBeCloseTo(72 / 6, 4);
    expect(s.missing.map((m) => [m.code, m.n])).toEqual([
      [-7, 1],
      [-9, 1],
    ]);
  });

  it('gives a date-time its first and last moment as ISO text, its missing codes apart', () => {
    const at = numericVariable('at', { format: 'datetime', missing: [MISSING.notAnswered] });
    const rows: Cell[][] = [[Date.UTC(2026, 2, 2, 14, 5, 9)], [-9], [Date.UTC(2026, 0, 31)]];
    const s = summarizeTable(exportTable([at], rows)).statistics.variables.at;
    expect(s).toMatchObject({ kind: 'datetime', n: 2, min: '2026-01-31T00:00:00Z', max: '2026-03-02T14:05:09Z' });
  });

  it("counts a key's values (case_id, an entry's number) and never averages them", () => {
    const table = exportTable(
      [numericVariable('case_id'), numericVariable('defs_n')],
      [
        [4_812_003, 1],
        [9_100_442, 2],
      ],
      'defs',
    );
    const { variables } = summarizeTable(table).statistics;
    expect(variables.case_id).toEqual({ kind: 'key', rows: 2, n: 2, missing: [] });
    expect(variables.defs_n).toEqual({ kind: 'key', rows: 2, n: 2, missing: [] });
  });

  it('with k, shows each count of 1 to k - 1 as "< k" with its percentages withheld, and the next smallest too when one alone could be worked out', () => {
    const { statistics } = summarizeTable(exportTable([role(), years(), weight()], ROWS), { k: 3 });
    const s = statistics.variables.role;
    if (s?.kind !== 'categorical') throw new Error('role is not coded');
    expect(s.frequencies.map((r) => [r.code, r.n, r.percent, r.weightedN])).toEqual([
      [1, 4, 50, 6],
      [2, '< 3', null, null],
      [3, '< 3', null, null],
      [-8, 0, 0, 0],
      [-9, '< 3', null, null],
    ]);
    // -9 alone is under k among the missing codes and the valid total: the valid total (7) goes with it.
    expect(s.valid).toBe('withheld');
    expect(s.frequencies.every((r) => r.validPercent === null)).toBe(true);
    expect(statistics.suppression?.note).toMatch(/"< 3"/);
  });

  it('withholds a second count when a single small one would follow from the total, and says it may be k or more', () => {
    const shown = (counts: number[], k?: number) => Object.fromEntries(withheldCounts(counts, k));
    expect(shown([10, 2, 5, 0], 3)).toEqual({ 1: '< 3', 2: 'withheld' });
    expect(shown([10, 2, 1], 3)).toEqual({ 1: '< 3', 2: '< 3' });
    expect(shown([10, 5], 3)).toEqual({});
    expect(shown([10, 2])).toEqual({});
  });

  it('keeps the mean of a number whose count is withheld only to protect a small missing count', () => {
    const { statistics } = summarizeTable(exportTable([role(), years(), weight()], ROWS), { k: 2 });
    // k = 2: the lone -7 and the lone -9 (1 each) are under k; no second count is needed.
    expect(statistics.variables.years).toMatchObject({ n: 6, min: 4, max: 30 });
    const { statistics: three } = summarizeTable(exportTable([years()], [[1], [2], [3], [4], [-9]]), { k: 3 });
    expect(three.variables.years).toMatchObject({ n: 'withheld', mean: 2.5, min: 1, max: 4 });
    const { statistics: few } = summarizeTable(exportTable([years()], [[1], [2], [-9], [-9], [-9]]), { k: 3 });
    expect(few.variables.years).toMatchObject({ n: '< 3', mean: null, sd: null, min: null, max: null });
  });
});

describe('the design summary', () => {
  const design = (variables: ExportVariable[], rows: Cell[][], k?: number) =>
    summarizeTable(exportTable(variables, rows), k === undefined ? {} : { k }).design;
  const stratumCode = () =>
    numericVariable('stratum_code', {
      valueLabels: [
        { code: 1, label: '1,000,000 or more' },
        { code: 2, label: 'under 100,000' },
      ],
    });
  const variables = () => [
    stringVariable('stratum'),
    stratumCode(),
    numericVariable('stratum_N'),
    stringVariable('disposition'),
    numericVariable('wt_base'),
    weight(),
  ];
  const rows: Cell[][] = [
    ['under 100,000', 2, 40, '1.1', 1, 20],
    ['under 100,000', 2, 40, '1.1', 1, 20],
    ['under 100,000', 2, 40, '1.2', 1, 0],
    ['1,000,000 or more', 1, 5, '1.1', 1, 5],
  ];

  it('lists every stratum by code with its frame N, completes and wt_nr, and explains each design column', () => {
    const d = design(variables(), rows);
    expect(d.strata).toEqual([
      { code: 1, label: '1,000,000 or more', frameN: 5, completes: 1, wt_nr: 5 },
      { code: 2, label: 'under 100,000', frameN: 40, completes: 2, wt_nr: 20 },
    ]);
    expect(d.columns.map((c) => c.name)).toEqual(['wt_base', 'wt_nr', 'stratum_code', 'stratum_N']);
    expect(d.columns.find((c) => c.name === 'stratum_code')?.meaning).toMatch(/largest population is 1/);
    expect(d.columns.find((c) => c.name === 'stratum_N')?.meaning).toMatch(/finite population correction/);
    expect(d.declaration).toMatch(/stratified.*no clustering.*stratum_N.*wt_nr/);
  });

  it('leaves out what a table lacks instead of failing: no stratum_code, no stratum_N', () => {
    const kept = [0, 3, 5];
    const d = design(
      kept.map((i) => variables()[i] as ExportVariable),
      rows.map((r) => kept.map((i) => r[i] as Cell)),
    );
    expect(d.strata).toEqual([
      { label: '1,000,000 or more', completes: 1, wt_nr: 5 },
      { label: 'under 100,000', completes: 2, wt_nr: 20 },
    ]);
    expect(d.columns.map((c) => c.name)).toEqual(['wt_nr']);
    expect(design([numericVariable('x')], [[1]]).strata).toEqual([]);
  });

  it('with k, withholds a stratum’s small completes and the wt_nr they would follow from', () => {
    const d = design(variables(), rows, 3);
    expect(d.strata.map((s) => [s.completes, s.wt_nr])).toEqual([
      ['< 3', null],
      ['< 3', null],
    ]);
  });

  it('renders as the "Weights and design" section with the table of strata', () => {
    const cb = buildCodebook(shippedInstruments().resolve('tip-prosecutor-survey') as Instrument);
    const { statistics, design: d } = summarizeTable(exportTable(variables(), rows));
    const html = codebookHtml(cb, { statistics, design: { ...d, files: ['design.R', 'design.do'] }, variables: [] });
    expect(html).toContain('<h2>Weights and design</h2>');
    expect(html).toContain('<code>design.R</code>, <code>design.do</code> in this bundle declare it');
    expect(html).toMatch(/<td>1<\/td><th scope="row">1,000,000 or more<\/th><td>5<\/td><td>1<\/td><td>5<\/td>/);
  });
});

describe('the codebook variable', () => {
  const cb = buildCodebook(shippedInstruments().resolve('tip-prosecutor-survey') as Instrument);
  const variable = (name: string) => cb.variables.find((v) => v.name === name);

  it("carries the question's instructions and its prefill after every earlier key, so codebook.json's key order holds", () => {
    expect(Object.keys(variable('a2_years') ?? {})).toEqual([
      'name',
      'question',
      'label',
      'source',
      'type',
      'measure',
      'values',
      'missing',
      'range',
      'table',
      'conditions',
      'condition',
      'instructions',
    ]);
    expect(variable('a3_state')).toMatchObject({
      instructions: 'Filled in from our records — please correct it if it is wrong.',
      prefill: { column: 'state', transform: 'state_fips' },
    });
    expect(variable('a5_pop')?.prefill).toEqual({ column: 'population', transform: 'integer' });
    expect(variable('a1_role')).not.toHaveProperty('instructions');
    expect(variable('a1_role')).not.toHaveProperty('prefill');
    // A multi-select's dummies share their question's instructions.
    expect(variable('a7_unit_1')?.instructions).toBe('Select all that apply.');
  });
});
