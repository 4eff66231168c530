import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import type { ExportManifest } from '../../server/exports/service.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import type { TestEnv } from '../support/app.js';
import { caseIdOf, fieldedWave, MIDDLE } from './fielded.js';

function records(text: string) {
  const [header, ...rows] = parseCsv(text).records.map((r) => r.fields);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/** `fieldkit` on the test's data folder, its output captured. */
async function fieldkit(env: TestEnv, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    env: { DATA_DIR: env.dir, PUBLIC_URL: env.config.publicUrl, LOG_LEVEL: 'silent' },
    cwd: env.dir,
    out: (t) => out.push(t),
    err: (t) => {
      if (!t.startsWith('fieldkit: database ')) err.push(t);
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const auditOf = (env: TestEnv) =>
  (
    env.db
      .prepare("SELECT actor, fielding, detail FROM audit_log WHERE action = 'fielding.thresholds' ORDER BY id")
      .all() as {
      actor: string;
      fielding: string;
      detail: string;
    }[]
  ).map((r) => ({ ...r, detail: JSON.parse(r.detail) }));

async function exported(env: TestEnv, name: string) {
  const out = path.join(env.dir, name);
  await exportInProcess(env, { fielding: 'wave1', out });
  return {
    manifest: JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as ExportManifest,
    rows: records(readFileSync(path.join(out, 'data.csv'), 'utf8')),
  };
}

describe("the disposition thresholds are the fielding's settings", { timeout: 90_000 }, () => {
  it('default to 80% and 50%; set by PUT …/thresholds they move a case in the case list, the dashboard, fieldkit status and the export alike, and are audited', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    const dade = caseIdOf(env, 'OFF-4');
    const listed = async () =>
      (await staff.get('/api/staff/fieldings/wave1/cases?pageSize=100').expect(200)).body.cases.find(
        (c: { id: number }) => c.id === dade,
      );

    const fieldings = (await staff.get('/api/staff/fieldings').expect(200)).body.fieldings;
    expect(fieldings[0].thresholds).toEqual({ complete: 80, partial: 50 });
    // Dade County saved two answers, about 4% of the questions shown: a break-off by default.
    expect(await listed()).toMatchObject({ disposition: { code: '2.12' }, pctAnswered: 3.6 });

    const set = await staff.send('put', '/api/staff/fieldings/wave1/thresholds', { complete: 90, partial: 3 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.fielding.thresholds).toEqual({ complete: 90, partial: 3 });
    expect(await listed()).toMatchObject({ disposition: { code: '1.2' } });
    const status = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    const partials = status.dispositions.find((d: { code: string }) => d.code === '1.2');
    expect(partials.byStratum[MIDDLE]).toBe(1);
    expect(status.dispositions.some((d: { code: string }) => d.code === '2.12')).toBe(false);
    const cli = await fieldkit(env, 'status', '--fielding', 'wave1', '--json');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out).dispositions).toEqual(status.dispositions);
    const { manifest, rows } = await exported(env, 'export-set');
    expect(manifest.dispositions?.['1.2']?.[MIDDLE]).toBe(1);
    expect(manifest.dispositionThresholds).toEqual({ complete: 90, partial: 3 });
    expect(rows.find((r) => r.office_id === 'OFF-4')).toMatchObject({ disposition: '1.2', pct_answered: '3.6' });

    expect(auditOf(env)).toEqual([
      {
        actor: 'field@study.example.org',
        fielding: 'wave1',
        detail: { from: { complete: 80, partial: 50 }, to: { complete: 90, partial: 3 } },
      },
    ]);
  });

  it('refuses thresholds outside 0 < partial < complete ≤ 100, naming the problem, and changes nothing', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    for (const [body, field, message] of [
      [{ complete: 50, partial: 50 }, 'partial', /below the complete threshold/],
      [{ complete: 40, partial: 60 }, 'partial', /below the complete threshold/],
      [{ complete: 101, partial: 50 }, 'complete', /100/],
      [{ complete: 80, partial: 0 }, 'partial', /greater than 0/],
      [{ complete: '80', partial: 50 }, 'complete', /number/],
      [{ complete: 80 }, 'partial', /.+/],
    ] as const) {
      const res = await staff.send('put', '/api/staff/fieldings/wave1/thresholds', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      const problem = res.body.error.details.problems.find((p: { path: string }) => p.path === field);
      expect(problem?.message, JSON.stringify(res.body)).toMatch(message);
    }
    const missing = await staff.send('put', '/api/staff/fieldings/nope/thresholds', { complete: 80, partial: 50 });
    expect(missing.status).toBe(404);
    expect((await staff.get('/api/staff/fieldings').expect(200)).body.fieldings[0].thresholds).toEqual({
      complete: 80,
      partial: 50,
    });
    expect(auditOf(env)).toEqual([]);
  });

  it('fieldkit fielding thresholds sets them, prints them, and refuses a bad pair with the reason', async () => {
    const env = staffEnv();
    await fieldedWave(env);

    const bad = await fieldkit(env, 'fielding', 'thresholds', '--name', 'wave1', '--complete', '70', '--partial', '75');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/partial.*below the complete threshold/i);
    const notNumber = await fieldkit(env, 'fielding', 'thresholds', '--name', 'wave1', '--complete', 'most');
    expect(notNumber.code).not.toBe(0);
    expect(notNumber.err).toMatch(/--complete.*number/);

    const set = await fieldkit(env, 'fielding', 'thresholds', '--name', 'wave1', '--complete', '85', '--partial', '3');
    expect(set, set.err).toMatchObject({ code: 0, err: '' });
    expect(set.out).toMatch(/wave1.*complete 85%.*partial 3%/);
    const shown = await fieldkit(env, 'fielding', 'thresholds', '--name', 'wave1');
    expect(shown.out).toMatch(/complete 85%.*partial 3%/);
    const status = await fieldkit(env, 'status', '--fielding', 'wave1', '--json');
    expect(JSON.parse(status.out).dispositions.map((d: { code: string }) => d.code)).not.toContain('2.12');
    expect(auditOf(env).map((a) => a.detail.to)).toEqual([{ complete: 85, partial: 3 }]);
  });
});
