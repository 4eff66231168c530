import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodebookStatistics, FrequencyRow, NumberStatistics } from '../../server/codebook/statistics.js';
import { escapeHtml } from '../../server/platform/html.js';
import { runCreate, suiteCleanup, tokenOfLink, type Workspace, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameCsv, frameRow } from '../factories/frame.js';

const PYTHON = '/usr/bin/python3';
const STATS = fileURLToPath(new URL('./codebookStats.py', import.meta.url));
const READ_XLSX = fileURLToPath(new URL('./readXlsx.py', import.meta.url));

/** Ten offices in three strata: seven complete with answers of their own, one partial, two untouched. */
const STRATA = ['large', 'large', 'large', 'large', 'medium', 'medium', 'medium', 'small', 'small', 'small'];
const ANSWERS: Record<string, Record<string, unknown>> = {
  'OFF-1': { a1_role: 1, a2_years: 12, a7_unit: [1, 3], d4_beds: 14 },
  'OFF-2': { a1_role: 1, a2_years: 3, a7_unit: [2], d4_beds: 0 },
  'OFF-3': { a1_role: 2, a2_years: 25, a7_unit: [1, 2, 3], d4_beds: 40 },
  'OFF-5': { a1_role: 1, a2_years: 8, a7_unit: [4], d4_beds: 6 },
  'OFF-6': { a1_role: 3, a2_years: undefined, a7_unit: [1], d4_beds: 3 },
  'OFF-8': { a1_role: 2, a2_years: 31, a7_unit: [2, 3], d4_beds: 9 },
  'OFF-9': { a1_role: 1, a2_years: 1, a7_unit: [1, 2], d4_beds: 21 },
};

type Json = {
  variables: {
    name: string;
    label: string;
    missing: { code: number }[];
    instructions?: string;
    prefill?: unknown;
  }[];
  exportColumns: { name: string; missing: { code: number }[] }[];
  statistics: CodebookStatistics;
  design: {
    columns: { name: string }[];
    strata: { label: string; completes?: number | string; wt_nr?: number | null }[];
    declaration: string;
  };
  frequencies?: unknown;
};

type Pandas = {
  rows: number;
  variables: Record<string, Record<string, unknown>>;
  strata: Record<string, { completes: number; wt_nr: number }>;
};

async function fieldedWave(ws: Workspace) {
  ws.writeFrame('frame.csv', frameCsv(STRATA.map((stratum, i) => frameRow(i + 1, { stratum }))));
  await runCreate(ws, 'frame.csv');
  const api = ws.api();
  const tokenOf = (office: string) =>
    tokenOfLink(ws.readLinks('links.csv').find((l) => l.office_id === office)?.link ?? '');
  for (const [office, own] of Object.entries(ANSWERS)) {
    await api
      .post(`/api/respond/${tokenOf(office)}/complete`)
      .send({ answers: chargedOfficeAnswers(own), revision: 0 })
      .expect(200);
  }
  // A full draft never submitted: a partial, whose wt_nr is 0.
  await api
    .put(`/api/respond/${tokenOf('OFF-4')}/draft`)
    .send({ answers: chargedOfficeAnswers({ a1_role: 3 }), page: 3, revision: 0 })
    .expect(200);
}

function exported(ws: Workspace, out: string, result: Awaited<ReturnType<Workspace['run']>>) {
  expect(result.code, result.err).toBe(0);
  return {
    json: JSON.parse(readFileSync(ws.file(`${out}/codebook.json`), 'utf8')) as Json,
    html: readFileSync(ws.file(`${out}/codebook.html`), 'utf8'),
  };
}

function pandasOf(csv: string, spec: Record<string, { missing: number[]; coded: boolean }>): Pandas {
  const run = spawnSync(PYTHON, [STATS, csv, JSON.stringify(spec)], { encoding: 'utf8' });
  if (run.error) throw new Error(`${PYTHON} with pandas is required: run scripts/install-test-deps.sh`);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Pandas;
}

const missingOf = (json: Json, name: string) =>
  [...json.variables, ...json.exportColumns].find((v) => v.name === name)?.missing.map((m) => m.code) ?? [];

describe("an export's codebook, like an archive's", () => {
  let ws: Workspace;
  let identified: { json: Json; html: string };
  beforeAll(async () => {
    const { cleanup, teardown } = suiteCleanup();
    ws = workspace({}, cleanup);
    await fieldedWave(ws);
    const out = 'identified';
    identified = exported(
      ws,
      out,
      await ws.run('export', '--fielding', 'pilot', '--out', out, '--formats', 'csv,codebook,xlsx'),
    );
    return teardown;
  }, 180_000);

  it('gives every coded variable its labelled frequencies, %, valid %, weighted n and weighted % as pandas computes them from data.csv', () => {
    const { json } = identified;
    const coded = ['a1_role', 'a7_unit_2', 'flag_straightline'];
    const pandas = pandasOf(
      ws.file('identified/data.csv'),
      Object.fromEntries(coded.map((name) => [name, { missing: missingOf(json, name), coded: true }])),
    );
    expect(json.statistics.rows).toBe(pandas.rows);
    expect(pandas.rows).toBe(8);
    expect(json.statistics.weight?.variable).toBe('wt_nr');
    expect(json.statistics.weight?.note).toMatch(/percentages of the completes/);
    for (const name of coded) {
      const s = json.statistics.variables[name];
      if (s?.kind !== 'categorical') throw new Error(`${name} is not summarized as coded`);
      const expected = pandas.variables[name] as Record<string, Record<string, number | null>>;
      const seen = s.frequencies.filter((r) => r.n !== 0);
      expect(seen.map((r) => String(r.code)).sort(), name).toEqual(Object.keys(expected).sort());
      for (const row of seen) {
        const p = expected[String(row.code)] as Record<string, number | null>;
        const where = `${name} = ${row.code}`;
        expect(row.n, where).toBe(p.n);
        expect(row.percent, where).toBeCloseTo(p.percent as number, 2);
        expect(row.weightedN, where).toBeCloseTo(p.weighted_n as number, 4);
        expect(row.weightedPercent, where).toBeCloseTo(p.weighted_percent as number, 2);
        if (p.valid_percent === null) expect(row.validPercent, where).toBeNull();
        else expect(row.validPercent, where).toBeCloseTo(p.valid_percent as number, 2);
        if (p.weighted_valid_percent === null) expect(row.weightedValidPercent, where).toBeNull();
        else expect(row.weightedValidPercent, where).toBeCloseTo(p.weighted_valid_percent as number, 2);
      }
    }
    // Every label and missing code is listed with its label, also those nobody chose.
    const role = json.statistics.variables.a1_role;
    if (role?.kind !== 'categorical') throw new Error('a1_role is not coded');
    expect(role.frequencies.find((r) => r.code === 1)?.label).toBe('Chief or elected prosecutor');
    expect(role.frequencies.filter((r) => r.missing).map((r) => r.code)).toEqual(missingOf(json, 'a1_role'));
    // The first release's counts stay for the identified file.
    expect(json.frequencies).toMatchObject({ a1_role: { '1': 4, '2': 2, '3': 2 } });
  });

  it('gives every number n, mean, SD, min, max and weighted mean of its valid values, and counts each missing code, as pandas does', () => {
    const { json } = identified;
    const numbers = ['a2_years', 'd4_beds', 'a6_staff_attorneys'];
    const pandas = pandasOf(
      ws.file('identified/data.csv'),
      Object.fromEntries(numbers.map((name) => [name, { missing: missingOf(json, name), coded: false }])),
    );
    for (const name of numbers) {
      const s = json.statistics.variables[name] as NumberStatistics;
      const p = pandas.variables[name] as {
        n: number;
        mean: number;
        sd: number;
        min: number;
        max: number;
        weighted_mean: number;
        missing: Record<string, number>;
      };
      expect(s.kind, name).toBe('number');
      expect(s.n, name).toBe(p.n);
      expect(s.mean, name).toBeCloseTo(p.mean, 4);
      expect(s.sd, name).toBeCloseTo(p.sd, 4);
      expect(s.min, name).toBe(p.min);
      expect(s.max, name).toBe(p.max);
      expect(s.weightedMean, name).toBeCloseTo(p.weighted_mean, 4);
      const counted = Object.fromEntries(s.missing.filter((m) => m.n !== 0).map((m) => [String(m.code), m.n]));
      expect(counted, name).toEqual(p.missing);
    }
    // a2_years left unanswered by one office: its -9 is counted, not averaged.
    expect((json.statistics.variables.a2_years as NumberStatistics).missing.find((m) => m.code === -9)?.n).toBe(1);
  });

  it('summarizes a date-time by its first and last moment as ISO text, with no mean', () => {
    const s = identified.json.statistics.variables.submitted_at;
    expect(s).toMatchObject({ kind: 'datetime', n: 7 });
    if (s?.kind !== 'datetime') throw new Error('submitted_at is not a date-time');
    expect(s.min).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(s.missing.find((m) => m.code === -9)?.n).toBe(1);
    expect(s).not.toHaveProperty('mean');
  });

  it('explains the weights and the design, with a table of strata whose completes and wt_nr agree with pandas', () => {
    const { json, html } = identified;
    const pandas = pandasOf(ws.file('identified/data.csv'), {});
    const shown = Object.fromEntries(
      json.design.strata.map((s) => [s.label, { completes: s.completes, wt_nr: s.wt_nr }]),
    );
    for (const [stratum, p] of Object.entries(pandas.strata)) {
      expect(shown[stratum]?.completes, stratum).toBe(p.completes);
      expect(shown[stratum]?.wt_nr, stratum).toBeCloseTo(p.wt_nr, 4);
    }
    // 4 large offices / 3 completes; 3 medium / 2; 3 small / 2.
    expect(pandas.strata).toEqual({
      large: { completes: 3, wt_nr: 4 / 3 },
      medium: { completes: 2, wt_nr: 1.5 },
      small: { completes: 2, wt_nr: 1.5 },
    });
    expect(json.design.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['wt_base', 'wt_nr']));
    expect(json.design.declaration).toMatch(/fpc|finite population correction/);
    expect(html).toContain('<h2>Weights and design</h2>');
    expect(html).toContain('partial rows carry 0, so drop them');
  });

  it('gives the instructions of a question and where a prefilled value came from: a3_state is a state FIPS code', () => {
    const { json, html } = identified;
    const state = json.variables.find((v) => v.name === 'a3_state');
    expect(state?.prefill).toEqual({ column: 'state', transform: 'state_fips' });
    expect(state?.instructions).toBe('Filled in from our records — please correct it if it is wrong.');
    expect(json.variables.find((v) => v.name === 'a2_years')?.instructions).toBe(
      'Enter whole years. Enter 0 if less than one year.',
    );
    expect(html).toContain(escapeHtml("State FIPS code (from the frame's USPS state)"));
    expect(html).toContain(escapeHtml('Prefilled from the frame column `state` (transform state_fips)'));
  });

  it('puts the stem of a grid and of a multi-select once, as a heading over its items', () => {
    const { json, html } = identified;
    for (const prefix of ['b1_law_', 'a7_unit_']) {
      const items = json.variables.filter((v) => v.name.startsWith(prefix));
      const first = items[0]?.label ?? '';
      const stem = first.slice(0, first.lastIndexOf(' — '));
      expect(stem.length, prefix).toBeGreaterThan(10);
      expect(html.split(escapeHtml(stem)).length - 1, prefix).toBe(1);
      for (const v of items) expect(html).toContain(`<td>${escapeHtml(v.label.slice(stem.length + 3))}`);
    }
    expect(html).toContain('<th scope="rowgroup"');
  });

  it('adds to data.xlsx a frequencies sheet (one row per variable and code) and a summaries sheet that openpyxl reads as the codebook says', () => {
    const run = spawnSync(PYTHON, [READ_XLSX, ws.file('identified/data.xlsx')], {
      encoding: 'utf8',
      maxBuffer: 2 ** 26,
    });
    expect(run.status, run.stderr).toBe(0);
    const book = JSON.parse(run.stdout) as { sheets: { name: string; rows: [string, string, unknown][][] }[] };
    const sheet = (name: string) => {
      const found = book.sheets.find((s) => s.name === name);
      if (!found) throw new Error(`no sheet ${name}`);
      const [head, ...rows] = found.rows.map((r) => r.map((c) => c[2]));
      return (head ?? []).length > 0 ? rows.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i]]))) : [];
    };
    const role = json().statistics.variables.a1_role;
    if (role?.kind !== 'categorical') throw new Error('a1_role is not coded');
    const rows = sheet('frequencies').filter((r) => r.variable === 'a1_role');
    expect(rows.map((r) => [r.code, r.code_label, r.missing, r.n, r.percent, r.valid_percent])).toEqual(
      role.frequencies.map((f: FrequencyRow) => [f.code, f.label, f.missing ? 1 : 0, f.n, f.percent, f.validPercent]),
    );
    expect(rows.find((r) => r.code === 1)).toMatchObject({ n: 4, percent: 50, weighted_n: expect.any(Number) });
    const years = sheet('summaries').find((r) => r.variable === 'a2_years');
    const summary = json().statistics.variables.a2_years as NumberStatistics;
    expect(years).toMatchObject({ kind: 'number', n: summary.n, mean: summary.mean, sd: summary.sd, min: 1, max: 31 });
  }, 60_000);

  it('in the public-use file, shows every count under k as "< k" with its percentages withheld', async () => {
    const out = 'public';
    const { json, html } = exported(
      ws,
      out,
      await ws.run('export', '--fielding', 'pilot', '--out', out, '--formats', 'csv,codebook', '--public'),
    );
    expect(json.frequencies).toBeUndefined();
    expect(json.statistics.suppression?.k).toBe(3);
    const role = json.statistics.variables.a1_role;
    if (role?.kind !== 'categorical') throw new Error('a1_role is not coded');
    // Four chose 1; two chose 2 and two 3 (the partial included): both under k.
    expect(role.frequencies.filter((r) => !r.missing && r.n !== 0)).toEqual([
      expect.objectContaining({ code: 1, n: 4, percent: 50 }),
      expect.objectContaining({ code: 2, n: '< 3', percent: null, validPercent: null, weightedN: null }),
      expect.objectContaining({ code: 3, n: '< 3', percent: null, validPercent: null, weightedN: null }),
    ]);
    // No count of 1 or 2 anywhere in the public codebook.
    const counts = Object.values(json.statistics.variables).flatMap((s) => [
      ...(s.kind === 'categorical' ? [s.valid, ...s.frequencies.map((r) => r.n)] : [s.n, ...s.missing.map((r) => r.n)]),
    ]);
    expect(counts.filter((n) => n === 1 || n === 2)).toEqual([]);
    expect(counts).toContain('< 3');
    expect(html).toContain('&lt; 3');
  }, 60_000);

  const json = () => identified.json;
});
