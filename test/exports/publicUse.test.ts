import { beforeAll, describe, expect, it } from 'vitest';
import { censusRegion, publicUseTable } from '../../server/exports/publicUse.js';
import { MISSING } from '../../server/exports/table.js';
import { type Cleanup, suiteCleanup, type Workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';
import { frameRow } from '../factories/frame.js';
import { completedWave, exportedCsv } from './wave.js';

/** Four Pennsylvania offices in one stratum and one lone Alaska office in a stratum of its own, all completed. */
const fieldedWave = (cleanup: Cleanup) =>
  completedWave(
    cleanup,
    [
      frameRow(1, { state: 'PA' }),
      frameRow(2, { state: 'PA' }),
      frameRow(3, { state: 'NY' }),
      frameRow(4, { state: 'NJ' }),
      frameRow(5, { state: 'AK', stratum: '1,000,000 or more' }),
    ],
    () => chargedOfficeAnswers({ b6_altchg_oth: 'Our office in Juneau' }),
  );

const exportedPublicFile = (ws: Workspace, out: string, ...flags: string[]) =>
  exportedCsv(ws, out, '--public', ...flags);

describe('the public-use file (--public)', () => {
  // One fielding for the suite: completions are slow on a shared machine.
  let ws: Workspace;
  beforeAll(async () => {
    const { cleanup, teardown } = suiteCleanup();
    ws = await fieldedWave(cleanup);
    return teardown;
  }, 180_000);

  it('drops names, ids and free text, gives the Census region for the state, and lists what was removed', async () => {
    const { result, text, header, manifest } = await exportedPublicFile(ws, 'public-names');

    expect(result.code).toBe(0);
    expect(header).not.toEqual(expect.arrayContaining(['office_id', 'office_name', 'state', 'b6_altchg_oth']));
    expect(header).toEqual(expect.arrayContaining(['case_id', 'region', 'stratum', 'a1_role']));
    expect(text).not.toMatch(/OFF-\d|Office \d|Juneau/);
    expect(manifest.publicUse.removed).toEqual(
      expect.arrayContaining([
        { name: 'office_name', why: 'identifies the office' },
        { name: 'state', why: 'replaced by its Census region' },
        { name: 'b6_altchg_oth', why: 'free text (export with --include-free-text to keep it)' },
      ]),
    );
  });

  it('protects a lone office: it cannot hide among four without leaving two, so all five rows lose their quasi-identifiers, and the manifest says so', async () => {
    const { header, rows, manifest } = await exportedPublicFile(ws, 'public-lone');
    const quasi = ['a3_state_region', 'a5_pop_band', 'region', 'stratum'];

    expect(manifest.publicUse.quasiIdentifiers).toEqual(quasi);
    expect(rows.map((r) => quasi.map((q) => r[header.indexOf(q)]).join(' / '))).toEqual(
      Array(5).fill('-5 / -5 / -5 / -5'),
    );
    expect(manifest.publicUse.changes).toEqual(
      expect.arrayContaining(quasi.map((variable) => ({ variable, change: 'suppressed to -5', rows: 5 }))),
    );
  });

  it('keeps free text only when asked', async () => {
    const { header } = await exportedPublicFile(ws, 'public-text', '--include-free-text');

    expect(header).toContain('b6_altchg_oth');
  });

  it.each([
    ['PA', 'Northeast'],
    ['DC', 'South'],
    ['ak', 'West'],
    ['IA', 'Midwest'],
    ['Pennsylvania', 'Northeast'],
  ])('maps %s to the %s region', (state, region) => {
    expect(censusRegion(state)).toBe(region);
  });
});

describe('a question tagged with the region treatment', () => {
  it('reads a coded answer through its label, so an imported survey’s 1, 2, … are not taken for FIPS codes', () => {
    const state = numericVariable('home_state', {
      valueLabels: [
        { code: 1, label: 'Pennsylvania' },
        { code: 2, label: 'Texas' },
      ],
      missing: [MISSING.notAnswered],
    });
    const table = exportTable(
      [stringVariable('stratum'), state],
      [...Array(3).fill(['s', 1]), ...Array(3).fill(['s', 2])],
    );

    const { table: released } = publicUseTable(table, {
      includeFreeText: false,
      k: 3,
      disclosure: new Map([['home_state', { identifier: 'quasi', treatment: 'region' }]]),
    });

    expect(released.variables.map((v) => v.name)).toEqual(['stratum', 'home_state_region']);
    expect([...released.rows()].map((r) => r[1])).toEqual([
      'Northeast',
      'Northeast',
      'Northeast',
      'South',
      'South',
      'South',
    ]);
  });
});
