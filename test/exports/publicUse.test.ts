import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/csv.js';
import { censusRegion } from '../../server/exports/publicUse.js';
import { runCreate, tokenOfLink, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameCsv, frameRow } from '../factories/frame.js';

/** Four Pennsylvania offices in one stratum and one lone Alaska office in a stratum of its own, all completed. */
async function exportedPublicFile(...flags: string[]) {
  const ws = workspace();
  const offices = [
    frameRow(1, { state: 'PA' }),
    frameRow(2, { state: 'PA' }),
    frameRow(3, { state: 'NY' }),
    frameRow(4, { state: 'NJ' }),
    frameRow(5, { state: 'AK', stratum: '1,000,000 or more' }),
  ];
  ws.writeFrame('frame.csv', frameCsv(offices));
  await runCreate(ws, 'frame.csv');
  const api = ws.api();
  const answers = chargedOfficeAnswers({ b6_altchg_oth: 'Our office in Juneau' });
  for (const link of ws.readLinks('links.csv')) {
    await api
      .post(`/api/respond/${tokenOfLink(link.link)}/complete`)
      .send({ answers, revision: 0 })
      .expect(200);
  }
  const result = await ws.run(
    'export',
    '--fielding',
    'pilot',
    '--out',
    'public',
    '--formats',
    'csv',
    '--public',
    ...flags,
  );
  const text = readFileSync(ws.file('public/data.csv'), 'utf8');
  const [header, ...rows] = parseCsv(text).records.map((r) => r.fields);
  const manifest = JSON.parse(readFileSync(ws.file('public/manifest.json'), 'utf8'));
  return { result, text, header: header ?? [], rows, manifest };
}

describe('the public-use file (--public)', () => {
  it('drops names, ids and free text, gives the Census region for the state, and lists what was removed', async () => {
    const { result, text, header, manifest } = await exportedPublicFile();

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

  it('protects a lone office: a region × stratum cell under 3 is suppressed, never exported, and reported', async () => {
    const { header, rows, manifest } = await exportedPublicFile();
    const region = header.indexOf('region');
    const stratum = header.indexOf('stratum');

    expect(rows.map((r) => `${r[region]} / ${r[stratum]}`).sort()).toEqual([
      '(suppressed) / (suppressed)',
      'Northeast / under 100,000',
      'Northeast / under 100,000',
      'Northeast / under 100,000',
      'Northeast / under 100,000',
    ]);
    expect(manifest.publicUse.suppressed).toEqual({ region: 0, regionAndStratum: 1 });
  });

  it('keeps free text only when asked', async () => {
    const { header } = await exportedPublicFile('--include-free-text');

    expect(header).toContain('b6_altchg_oth');
  });

  it.each([
    ['PA', 'Northeast'],
    ['DC', 'South'],
    ['ak', 'West'],
    ['IA', 'Midwest'],
  ])('maps %s to the %s region', (state, region) => {
    expect(censusRegion(state)).toBe(region);
  });
});
