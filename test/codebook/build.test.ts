import { Model } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { buildCodebook, type Codebook, type Variable } from '../../server/codebook/build.js';
import { codebookHtml, codebookMarkdown } from '../../server/codebook/render.js';
import { EXPORT_COLUMNS } from '../../server/instruments/checkColumns.js';
import { definedQuestions } from '../../server/instruments/checker.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { deriveVariableMap } from '../../server/instruments/variableMap.js';
import { shippedInstruments } from '../support/app.js';

const codebookOf = (ref: string): Codebook => buildCodebook(shippedInstruments().resolve(ref) as Instrument);
const variable = (cb: Codebook, name: string): Variable => {
  const found = cb.variables.find((v) => v.name === name);
  if (!found) throw new Error(`no variable ${name}`);
  return found;
};
const codesOf = (list: { code: number }[]) => list.map((v) => v.code);

/** Every variable name the content specification gives for the Phase I survey, in its order. */
const SPEC_PHASE1 = [
  'consent',
  'a1_role',
  'a2_years',
  'a3_state',
  'a4_jurtype',
  'a5_pop',
  'a6_staff',
  'a7_unit',
  'a8_vertical',
  'b1_law',
  'b2_anycase',
  'b3_cases',
  'b4_outcome',
  'b5_nocase',
  'b6_altchg',
  'b7_altwhy',
  'b8_federal',
  'c1_source',
  'c2_screen',
  'c3_taskforce',
  'c4_evidence',
  'c5_barriers',
  'd1_protocol',
  'd2_trauma',
  'd3_services',
  'd4_beds',
  'd5_practice',
  'e1_buyers',
  'e2_buyercount',
  'e3_strategy',
  'e4_change',
  'f1_training',
  'f2_needs',
  'f3_practice',
  'f4_followup',
];

describe('the codebook of tip-prosecutor-survey', () => {
  const cb = codebookOf('tip-prosecutor-survey');

  it('lists every variable the specification names, in its order', () => {
    const questions = [...new Set(cb.variables.map((v) => v.question))].filter((q) => !q.endsWith('_oth'));
    expect(questions).toEqual(SPEC_PHASE1);
  });

  it('expands multi-selects, matrices, year grids and multiple counts into one column each', () => {
    const names = cb.variables.map((v) => v.name);
    expect(names.filter((n) => n.startsWith('a7_unit_'))).toEqual(['a7_unit_1', 'a7_unit_2', 'a7_unit_3', 'a7_unit_4']);
    expect(names.filter((n) => n.startsWith('b1_law_'))).toHaveLength(7);
    const grid = names.filter((n) => n.startsWith('b3_cases_'));
    expect(grid).toHaveLength(20);
    expect(grid.slice(0, 2)).toEqual(['b3_cases_2009_sex', 'b3_cases_2009_labor']);
    expect(grid.at(-1)).toBe('b3_cases_2018_labor');
    expect(names.filter((n) => n.startsWith('a6_staff_'))).toEqual([
      'a6_staff_attorneys',
      'a6_staff_investigators',
      'a6_staff_advocates',
      'a6_staff_other',
    ]);
    expect(names.filter((n) => n.startsWith('b4_outcome_'))).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(['a1_role_oth', 'a4_jurtype_oth', 'b5_nocase_oth', 'b6_altchg_oth']));
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => /^[a-z][a-z0-9_]{0,31}$/.test(n))).toBe(true);
  });

  it('gives each variable its codes, labels and typed missing codes', () => {
    const role = variable(cb, 'a1_role');
    expect(role.type).toBe('single');
    expect(role.values[0]).toEqual({ code: 1, label: 'Chief or elected prosecutor' });
    expect(codesOf(role.missing)).toEqual([-8, -9]);
    expect(codesOf(variable(cb, 'b2_anycase').missing)).toEqual([-7, -8, -9]);
    expect(codesOf(variable(cb, 'b2_anycase').values)).toEqual([1, 2]);
    expect(codesOf(variable(cb, 'consent').missing)).toEqual([-9]);
    expect(variable(cb, 'a7_unit_4').values).toEqual([
      { code: 0, label: 'Not selected' },
      { code: 1, label: 'Selected' },
    ]);
    expect(variable(cb, 'a2_years')).toMatchObject({ type: 'integer', measure: 'scale', range: { min: 0, max: 60 } });
    expect(codesOf(variable(cb, 'b3_cases_2013_labor').missing)).toEqual([-7, -8, -9]);
    expect(codesOf(variable(cb, 'a3_state').values)).toContain(42);
    expect(variable(cb, 'f3_practice').type).toBe('text');
  });

  it('states in words the condition that shows each variable', () => {
    expect(variable(cb, 'consent').condition).toBeNull();
    expect(variable(cb, 'b3_cases_2009_sex').condition).toBe(
      'consent = 1 ("Yes, I agree to take part") and b2_anycase = 1 ("Yes")',
    );
    expect(variable(cb, 'b5_nocase_1').condition).toContain('b2_anycase = 2 ("No")');
    expect(variable(cb, 'b7_altwhy_1').condition).toContain('b6_altchg does not include 10 ("None of these")');
    expect(variable(cb, 'd4_beds').condition).toContain('d3_services.2 = 1');
    expect(variable(cb, 'e2_buyercount').condition).toContain('e1_buyers = 1 ("Yes")');
  });

  it('estimates the time from the text and agrees with the instrument’s stated minutes', () => {
    const { reading, instrument } = cb;
    expect(reading.words).toBeGreaterThan(1000);
    expect(reading.totalMinutes).toBe(Math.round(reading.readingMinutes + reading.answeringMinutes));
    // Agreement: within a quarter of the stated time, or five minutes, whichever is larger.
    const tolerance = Math.max(5, instrument.estimatedMinutes / 4);
    expect(Math.abs(reading.totalMinutes - instrument.estimatedMinutes)).toBeLessThanOrEqual(tolerance);
    expect(reading.method).toMatch(/200 words a minute/);
  });

  it('renders as Markdown and HTML with every variable and the estimate method', () => {
    const md = codebookMarkdown(cb);
    const html = codebookHtml(cb);
    for (const v of cb.variables) {
      expect(md).toContain(`\`${v.name}\``);
      expect(html).toContain(`<code>${v.name}</code>`);
    }
    expect(md).toContain('How the estimate is made');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<script');
    expect(html).toContain('&quot;Yes&quot;');
  });
});

describe('the codebooks of the Phase II instruments', () => {
  it.each([
    'cs-prosecutor-interview',
    'cs-law-enforcement-interview',
    'cs-victim-services-interview',
    'cs-case-file-abstraction',
  ])(
    '%s has a header, valid unique column names, and conditions on everything behind the consent or authorization',
    (id) => {
      const cb = codebookOf(id);
      const names = cb.variables.map((v) => `${v.table}.${v.name}`);
      expect(new Set(names).size).toBe(names.length);
      expect(cb.variables.every((v) => /^[a-z][a-z0-9_]{0,31}$/.test(v.name))).toBe(true);
      expect(cb.variables.map((v) => v.question)).toEqual(expect.arrayContaining(['h_site', 'h_date']));
      const gate = (shippedInstruments().resolve(id) as Instrument).meta.consent?.question;
      const afterHeader = cb.variables.filter((v) => !v.name.startsWith('h_'));
      expect(afterHeader.length).toBeGreaterThan(5);
      expect(afterHeader.every((v) => v.conditions.some((c) => c.includes(`{${gate}}`)))).toBe(true);
      expect(cb.instrument.mode).toBe('interviewer');
    },
  );

  it('puts the defendants of a case file (version 1) in a second table keyed by case and entry', () => {
    const cb = codebookOf('cs-case-file-abstraction@1.0.0');
    expect(cb.tables.map((t) => t.name)).toEqual(['main', 'cf_defs']);
    expect(cb.tables[1]?.key).toEqual(['case_id', 'cf_defs_n']);
    const defendants = cb.variables.filter((v) => v.table === 'cf_defs').map((v) => v.name);
    expect(defendants).toEqual(
      expect.arrayContaining(['d_role', 'd_disp', 'd_convtip', 'd_days', 'd_sentmo', 'd_restit']),
    );
    expect(variable(cb, 'd_sentmo').condition).toContain('panel.d_disp = 1');
  });
});

describe('the case-file abstraction form, version 2', () => {
  it('keeps every variable and code of version 1 and adds victims, and charges inside each defendant, keyed by stable entry keys', () => {
    const v1 = codebookOf('cs-case-file-abstraction@1.0.0');
    const v2 = codebookOf('cs-case-file-abstraction@2.0.0');
    expect(v2.instrument.version).toBe('2.0.0');
    for (const old of v1.variables) {
      const same = variable(v2, old.name);
      expect({ table: same.table, values: same.values }, old.name).toEqual({ table: old.table, values: old.values });
    }
    expect(v2.tables.map((t) => [t.name, t.key, t.parent ?? null])).toEqual([
      ['main', ['case_id'], null],
      ['cf_victims', ['case_id', 'victim_no'], null],
      ['cf_defs', ['case_id', 'defendant_no'], null],
      ['d_charges', ['case_id', 'defendant_no', 'charge_no'], 'cf_defs'],
    ]);
    expect(variable(v2, 'c_statute').values).toEqual([
      { code: 1, label: 'State trafficking statute — sex trafficking' },
      { code: 2, label: 'State trafficking statute — labor trafficking' },
      { code: 3, label: 'Another state statute' },
      { code: 4, label: 'A federal statute' },
    ]);
    expect(variable(v2, 'c_sentmo').condition).toContain('panel.c_outcome = 1');
    expect(v2.variables.filter((v) => v.table === 'd_charges').map((v) => v.name)).toEqual([
      'c_statute',
      'c_counts',
      'c_outcome',
      'c_sentmo',
    ]);
    expect(v2.variables.filter((v) => v.table === 'cf_victims').map((v) => v.name)).toEqual([
      'v_minor',
      'v_sex',
      'v_nation',
      'v_exploit',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((code) => `v_serv_${code}`),
    ]);
    // The entry keys are the tables' key columns, not variables of their own.
    expect(v2.variables.map((v) => v.name)).not.toEqual(expect.arrayContaining(['defendant_no']));
    expect(v2.variables.map((v) => v.name)).not.toEqual(expect.arrayContaining(['charge_no']));
  });
});

describe('the codebook of an imported survey (names and codes from its variable map)', () => {
  /** A survey as SurveyJS Creator writes it, with the map `fieldkit instruments import` derives. */
  function imported(elements: unknown[]): Instrument {
    const survey = { pages: [{ name: 'p1', elements }] };
    const variables = deriveVariableMap(definedQuestions(new Model(survey)), {}, EXPORT_COLUMNS);
    return {
      key: 'imported@1',
      meta: { id: 'imported', version: '1', title: 'Imported', mode: 'self', prefill: {}, variables },
      survey,
      contentHash: 'x',
      file: 'imported.json',
    };
  }
  const byName = (cb: ReturnType<typeof buildCodebook>) => Object.fromEntries(cb.variables.map((v) => [v.name, v]));

  it('names variables by the map and codes text choice values in order, with -6 and -7 for refuse and don’t know', () => {
    const cb = buildCodebook(
      imported([
        {
          type: 'radiogroup',
          name: 'Office Type',
          choices: ['item1', 'item2'],
          showRefuseItem: true,
          showDontKnowItem: true,
        },
        { type: 'tagbox', name: 'Skills', choices: ['a', 'b'] },
      ]),
    );
    const v = byName(cb);

    expect(v.office_type?.values).toEqual([
      { code: 1, label: 'item1' },
      { code: 2, label: 'item2' },
    ]);
    expect(v.office_type?.missing.map((m) => m.code)).toEqual(expect.arrayContaining([-6, -7]));
    expect(Object.keys(v)).toEqual(expect.arrayContaining(['skills_1', 'skills_2']));
  });

  it("labels variables and codes in the survey's default locale, whatever languages it has", () => {
    const cb = buildCodebook(
      imported([
        {
          type: 'radiogroup',
          name: 'lang',
          title: { default: 'Language', de: 'Sprache' },
          choices: [{ value: 'en', text: { default: 'English', de: 'Englisch' } }],
        },
      ]),
    );

    expect(byName(cb).lang).toMatchObject({ label: 'Language', values: [{ code: 1, label: 'English' }] });
  });

  it('adds the "Other (specify)" text kept under <name>-Comment as <variable>_oth', () => {
    const cb = buildCodebook(imported([{ type: 'checkbox', name: 'Sources', choices: ['a'], showOtherItem: true }]));

    expect(byName(cb).sources_oth).toMatchObject({
      type: 'text',
      source: { kind: 'value', question: 'Sources-Comment' },
    });
    expect(byName(cb).sources_2).toMatchObject({ type: 'dummy', label: expect.stringMatching(/Other/) });
  });

  it('gives ratings their values, rankings a rank per item, sliders a number (two for a range), and expressions a variable', () => {
    const cb = buildCodebook(
      imported([
        { type: 'rating', name: 'stars', rateMin: 1, rateMax: 5 },
        { type: 'ranking', name: 'order', choices: ['x', 'y', 'z'] },
        { type: 'slider', name: 'temp', min: 10, max: 30 },
        { type: 'slider', name: 'span', sliderType: 'range' },
        { type: 'text', name: 'a', inputType: 'number' },
        { type: 'expression', name: 'double', expression: '{a} * 2' },
      ]),
    );
    const v = byName(cb);

    expect(v.stars?.values.map((x) => x.code)).toEqual([1, 2, 3, 4, 5]);
    expect(['order_1', 'order_2', 'order_3'].map((n) => v[n]?.range)).toEqual([
      { min: 1, max: 3 },
      { min: 1, max: 3 },
      { min: 1, max: 3 },
    ]);
    expect(v.temp).toMatchObject({ type: 'integer', range: { min: 10, max: 30 } });
    expect(Object.keys(v)).toEqual(expect.arrayContaining(['span_from', 'span_to', 'double']));
  });

  it('puts a dynamic matrix in a second table keyed by case and row, a column per variable', () => {
    const cb = buildCodebook(
      imported([
        {
          type: 'matrixdynamic',
          name: 'Teachers Rate',
          choices: ['good', 'bad'],
          columns: [{ name: 'teacher', cellType: 'text' }, { name: 'rate' }],
        },
      ]),
    );

    expect(cb.tables).toContainEqual(
      expect.objectContaining({ name: 'teachers_rate', key: ['case_id', 'teachers_rate_n'] }),
    );
    const rate = cb.variables.find((v) => v.name === 'teachers_rate_rate');
    expect(rate).toMatchObject({ table: 'teachers_rate', type: 'single' });
    expect(rate?.values).toEqual([
      { code: 1, label: 'good' },
      { code: 2, label: 'bad' },
    ]);
  });
});
