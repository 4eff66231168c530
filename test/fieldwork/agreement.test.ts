import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportManifest } from '../../server/exports/service.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import type { TestEnv } from '../support/app.js';
import { fieldedWave } from './fielded.js';

type Tally = Record<string, Record<string, number>>;

/** Counts by disposition code, then stratum, leaving out zeros (the export lists only what occurs). */
function tally(pairs: Iterable<readonly [string, string]>): Tally {
  const counts: Tally = {};
  for (const [code, stratum] of pairs) {
    const byStratum = counts[code] ?? {};
    byStratum[stratum] = (byStratum[stratum] ?? 0) + 1;
    counts[code] = byStratum;
  }
  return counts;
}

function records(text: string) {
  const [header, ...rows] = parseCsv(text).records.map((r) => r.fields);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

async function exported(env: TestEnv, options: { completesOnly?: boolean; public?: boolean } = {}) {
  const out = path.join(env.dir, `export-${Object.keys(options).join('-')}`);
  await exportInProcess(env, {
    fielding: 'wave1',
    out,
    completesOnly: options.completesOnly ?? false,
    public: options.public ?? false,
  });
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as ExportManifest;
  return { manifest, rows: records(readFileSync(path.join(out, 'data.csv'), 'utf8')) };
}

type StatusDisposition = { code: string; count: number; byStratum: Record<string, number> };

describe('the fieldwork status and the export agree', () => {
  it('on every case’s disposition by stratum: the status route, the export’s manifest, its data file and the case-list CSV', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const staff = await signIn(env, email);

    const status = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    const { manifest, rows } = await exported(env);
    const caseList = records((await staff.get('/api/staff/fieldings/wave1/cases.csv').expect(200)).text);

    const fromStatus: Tally = Object.fromEntries(
      (status.dispositions as StatusDisposition[]).map((d) => [
        d.code,
        Object.fromEntries(Object.entries(d.byStratum).filter(([, n]) => n > 0)),
      ]),
    );
    // Every disposition this fielding produces is there, so the comparison covers each rule.
    expect(Object.keys(fromStatus).sort()).toEqual(['1.1', '1.2', '2.11', '2.12', '3.19', '3.30', '4.10']);
    // The manifest counts every case of the fielding, also those the data file leaves out.
    expect(manifest.dispositions).toEqual(fromStatus);
    expect(tally(caseList.map((c) => [c.disposition as string, c.stratum as string]))).toEqual(fromStatus);
    // The data file holds completes and partials by default: their rows agree case for case.
    const inData = tally(rows.map((r) => [r.disposition as string, r.stratum as string]));
    expect(inData).toEqual({ '1.1': fromStatus['1.1'], '1.2': fromStatus['1.2'] });
    expect(rows).toHaveLength(status.overall.counts.I + status.overall.counts.P);
  });

  it('after staff change a case, also in an export of completes only', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    await staff.get('/api/staff/fieldings/wave1/status').expect(200);
    const hall = env.db
      .prepare("SELECT c.id FROM cases c JOIN offices o ON o.id = c.office_id WHERE o.office_id = 'OFF-8'")
      .pluck()
      .get() as number;
    await staff.send('post', `/api/staff/cases/${hall}/mark`, { as: 'refused', reason: 'By letter' }).expect(200);

    const status = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    const { manifest, rows } = await exported(env, { completesOnly: true });

    for (const d of status.dispositions as StatusDisposition[]) {
      const inManifest = Object.values(manifest.dispositions?.[d.code] ?? {}).reduce((a, b) => a + b, 0);
      expect(inManifest, d.code).toBe(d.count);
    }
    expect(status.overall.counts).toMatchObject({ R: 4, UH: 1 });
    expect(rows.map((r) => r.disposition)).toEqual(['1.1', '1.1']);
  });

  it('except in a public-use file, whose manifest leaves the disposition counts out like its frequencies', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const { manifest } = await exported(env, { public: true });
    expect(manifest.dispositions).toBeUndefined();
  });
});
