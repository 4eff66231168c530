import { beforeAll, describe, expect, it } from 'vitest';
import { ExportBodySchema } from '../../server/exports/schema.js';
import { type Cleanup, suiteCleanup, type Workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { completedWave, exportedCsv } from './wave.js';

/** Census state codes (FIPS) as the Phase I survey's a3_state stores them. */
const FIPS: Record<string, number> = { PA: 42, NY: 36, NJ: 34, TX: 48, FL: 12, GA: 13, AK: 2, CA: 6 };

/**
 * Ten offices, each answering its own state and exact population (as the frame prefills them),
 * so that on a3_state and a5_pop every row is unique: four in the Northeast and three in the South
 * share a region and size, a lone large Alaska office and a lone California one do not, and one
 * Pennsylvania respondent corrects the state to California.
 */
const OFFICES = [
  { state: 'PA', population: 12_001, stratum: 'under 100,000' },
  { state: 'NY', population: 23_456, stratum: 'under 100,000' },
  { state: 'NJ', population: 34_567, stratum: 'under 100,000' },
  { state: 'NJ', population: 45_678, stratum: 'under 100,000' },
  { state: 'TX', population: 123_456, stratum: '100,000–249,999' },
  { state: 'FL', population: 134_567, stratum: '100,000–249,999' },
  { state: 'GA', population: 145_678, stratum: '100,000–249,999' },
  { state: 'AK', population: 2_559_903, stratum: '1,000,000+' },
  { state: 'CA', population: 456_789, stratum: '250,000–999,999' },
  { state: 'PA', population: 56_789, stratum: 'under 100,000', answeredState: 'CA' },
];

const fieldedWave = (cleanup: Cleanup) =>
  completedWave(
    cleanup,
    OFFICES.map((o, i) => frameRow(i + 1, { state: o.state, population: String(o.population), stratum: o.stratum })),
    (officeId) => {
      const office = OFFICES[Number(officeId.replace('OFF-', '')) - 1] as (typeof OFFICES)[number];
      return chargedOfficeAnswers({
        a3_state: FIPS[office.answeredState ?? office.state] as number,
        a5_pop: office.population,
      });
    },
  );

async function exported(ws: Workspace, out: string, ...flags: string[]) {
  const { result, header, rows, manifest } = await exportedCsv(ws, out, ...flags);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  const column = (name: string) => {
    const at = header.indexOf(name);
    expect(at, `column ${name}`).toBeGreaterThanOrEqual(0);
    return rows.map((r) => r[at] as string);
  };
  return { header, rows, manifest, column };
}

/** The number of rows of every combination of the named columns, counted from the file as read back. */
function combinationCounts(header: string[], rows: string[][], names: string[]): number[] {
  const at = names.map((n) => header.indexOf(n));
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = JSON.stringify(at.map((i) => row[i]));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

describe('the public-use file: disclosure follows the data', () => {
  // One fielding for the suite: ten completions take a while on a shared machine.
  let ws: Workspace;
  beforeAll(async () => {
    const { cleanup, teardown } = suiteCleanup();
    ws = await fieldedWave(cleanup);
    return teardown;
  }, 180_000);

  it('gives prefilled a3_state and a5_pop their frame columns’ treatment and leaves no quasi-identifier combination under k rows', async () => {
    const { header, rows, manifest, column } = await exported(ws, 'public', '--public');

    // Prefilled from state and population: region and size band, never the state or the exact figure.
    expect(header).not.toEqual(expect.arrayContaining(['a3_state']));
    expect(header).not.toEqual(expect.arrayContaining(['a5_pop']));
    expect(rows.flat()).not.toContain('2559903');
    expect(header).toEqual(expect.arrayContaining(['region', 'stratum', 'a3_state_region', 'a5_pop_band']));
    expect(manifest.publicUse.k).toBe(3);
    expect(manifest.publicUse.quasiIdentifiers).toEqual(
      expect.arrayContaining(['region', 'stratum', 'a3_state_region', 'a5_pop_band']),
    );
    // Every combination of every quasi-identifier holds at least k rows: no office stands out.
    const counts = combinationCounts(header, rows, manifest.publicUse.quasiIdentifiers);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(OFFICES.length);
    // What changed is stated with counts, and the counts agree with the file.
    const suppressed = column('region').filter((v) => v === '-5').length;
    expect(suppressed).toBeGreaterThan(0);
    expect(manifest.publicUse.changes).toEqual(
      expect.arrayContaining([{ variable: 'region', change: 'suppressed to -5', rows: suppressed }]),
    );
    // Exact timestamps become dates.
    for (const name of ['started_at', 'submitted_at']) {
      expect(column(name).every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))).toBe(true);
    }
    // Rows that need no protection keep their detail.
    expect(column('a3_state_region').filter((v) => v === 'Northeast')).toHaveLength(4);
  });

  it('holds a larger k given with --k-anonymity', async () => {
    const { header, rows, manifest } = await exported(ws, 'public-k5', '--public', '--k-anonymity', '5');

    expect(manifest.publicUse.k).toBe(5);
    expect(Math.min(...combinationCounts(header, rows, manifest.publicUse.quasiIdentifiers))).toBeGreaterThanOrEqual(5);
  });

  it('leaves the identified file untouched: exact state, population and times', async () => {
    await exported(ws, 'public-2', '--public');
    const { column } = await exported(ws, 'identified');

    expect(
      column('a3_state')
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(OFFICES.map((o) => FIPS[o.answeredState ?? o.state]).sort((a, b) => (a as number) - (b as number)));
    expect(
      column('a5_pop')
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(OFFICES.map((o) => o.population).sort((a, b) => a - b));
    expect(column('state')).toContain('AK');
    expect(column('submitted_at').every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v))).toBe(true);
  });

  it('refuses --k-anonymity without --public, and a k below 2, naming the option', async () => {
    const alone = await ws.run('export', '--fielding', 'pilot', '--out', 'x', '--k-anonymity', '4');
    const one = await ws.run('export', '--fielding', 'pilot', '--out', 'y', '--public', '--k-anonymity', '1');

    expect(alone.code).not.toBe(0);
    expect(alone.err).toMatch(/--k-anonymity is for the public-use file/);
    expect(one.code).not.toBe(0);
    expect(one.err).toMatch(/--k-anonymity takes a whole number from 2/);
  });

  it('takes kAnonymity in the export API only with public, as a whole number from 2 to 100', () => {
    const refused = (body: unknown) => ExportBodySchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));

    expect(ExportBodySchema.parse({ public: true, kAnonymity: 5 })).toMatchObject({ public: true, kAnonymity: 5 });
    expect(refused({ kAnonymity: 5 })).toEqual(['kAnonymity']);
    expect(refused({ public: true, kAnonymity: 1 })).toEqual(['kAnonymity']);
    expect(refused({ public: true, kAnonymity: 2.5 })).toEqual(['kAnonymity']);
  });
});
