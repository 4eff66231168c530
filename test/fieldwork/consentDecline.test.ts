import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import type { ExportManifest } from '../../server/exports/service.js';
import { parseCsv } from '../../server/platform/csv.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { exportInProcess } from '../factories/export.js';
import { frameRow } from '../factories/frame.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv, tokenOf } from '../support/app.js';

const STRATUM = 'under 100,000';

function records(text: string) {
  const [header, ...rows] = parseCsv(text).records.map((r) => r.fields);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/**
 * Six offices of one stratum: OFF-1 completes; the others say "No" to consent along every path the
 * respondent app (and a script) can take, with and without autosave having stored the "No" first.
 */
async function declinedWave(env: TestEnv) {
  const rows = Array.from({ length: 6 }, (_, i) => frameRow(i + 1, { stratum: STRATUM }));
  const links = seedFielding(env, { name: 'wave1', rows }).map(tokenOf);
  const [done, button, savedThenButton, savedThenSubmit, submitOnly, withdrawn] = links as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const app = request(env.app);
  const declined = { status: 'declined' };
  await app.post(`/api/respond/${done}/complete`).send({ answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
  // (a) Decline pressed at once: nothing saved before the app's decline request.
  expect((await app.post(`/api/respond/${button}/decline`).send({ reason: 'consent_declined' })).body).toEqual(
    declined,
  );
  // (b) Autosave stored the consent "No" before Decline was pressed, or before the survey was submitted.
  for (const token of [savedThenButton, savedThenSubmit]) {
    await app
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 2 }, page: 0, revision: 0 })
      .expect(200);
  }
  expect((await app.post(`/api/respond/${savedThenButton}/decline`).send({})).body).toEqual(declined);
  expect(
    (await app.post(`/api/respond/${savedThenSubmit}/complete`).send({ answers: { consent: 2 }, revision: 1 })).body,
  ).toEqual(declined);
  // (c) Completed with nothing but consent = 2.
  expect(
    (await app.post(`/api/respond/${submitOnly}/complete`).send({ answers: { consent: 2 }, revision: 0 })).body,
  ).toEqual(declined);
  // Most of the survey saved with consent given, then consent withdrawn before autosave stored the "No".
  await app
    .put(`/api/respond/${withdrawn}/draft`)
    .send({ answers: chargedOfficeAnswers(), page: 3, revision: 0 })
    .expect(200);
  expect(
    (
      await app
        .post(`/api/respond/${withdrawn}/complete`)
        .send({ answers: chargedOfficeAnswers({ consent: 2 }), revision: 1 })
    ).body,
  ).toEqual(declined);
}

const REFUSED = ['OFF-2', 'OFF-3', 'OFF-4', 'OFF-5', 'OFF-6'];

describe('a declined consent is a refusal (2.11) whenever the "No" was saved', { timeout: 90_000 }, () => {
  it('in the case list, its CSV, the dashboard, fieldkit status and the export, which leaves it out', async () => {
    const env = staffEnv();
    await declinedWave(env);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const staff = await signIn(env, email);

    const list = (await staff.get('/api/staff/fieldings/wave1/cases?sort=office_name').expect(200)).body.cases as {
      officeId: string;
      status: string;
      disposition: { code: string };
      pctAnswered: number | null;
    }[];
    const byOffice = Object.fromEntries(list.map((c) => [c.officeId, c]));
    expect(byOffice['OFF-1']?.disposition.code).toBe('1.1');
    for (const office of REFUSED) {
      expect(byOffice[office], office).toMatchObject({ status: 'declined', disposition: { code: '2.11' } });
    }

    const csv = records((await staff.get('/api/staff/fieldings/wave1/cases.csv').expect(200)).text);
    expect(csv.filter((c) => c.disposition === '2.11').map((c) => c.office_id)).toEqual(REFUSED);

    const status = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    expect(status.dispositions.map((d: { code: string; count: number }) => [d.code, d.count])).toEqual([
      ['1.1', 1],
      ['2.11', 5],
    ]);
    expect(status.overall.counts).toMatchObject({ I: 1, P: 0, R: 5 });

    const out: string[] = [];
    const code = await main(['status', '--fielding', 'wave1', '--json'], {
      env: { DATA_DIR: env.dir, PUBLIC_URL: env.config.publicUrl, LOG_LEVEL: 'silent' },
      cwd: env.dir,
      out: (t) => out.push(t),
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n')).dispositions).toEqual(status.dispositions);

    const dir = path.join(env.dir, 'export');
    await exportInProcess(env, { fielding: 'wave1', out: dir });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
    expect(manifest.dispositions).toEqual({ '1.1': { [STRATUM]: 1 }, '2.11': { [STRATUM]: 5 } });
    const rows = records(readFileSync(path.join(dir, 'data.csv'), 'utf8'));
    expect(rows.map((r) => [r.office_id, r.status, r.disposition])).toEqual([['OFF-1', 'submitted', '1.1']]);
  });

  it('and the share answered of a case whose consent is "No" counts no question, not the consent gate', async () => {
    const env = staffEnv();
    await declinedWave(env);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const staff = await signIn(env, email);
    const list = (await staff.get('/api/staff/fieldings/wave1/cases?disposition=2.11').expect(200)).body.cases as {
      officeId: string;
      pctAnswered: number | null;
    }[];
    const saved = Object.fromEntries(list.map((c) => [c.officeId, c.pctAnswered]));
    // Autosave stored the "No": the consent question is the only one shown, and it is no survey item.
    expect(saved['OFF-3']).toBe(0);
    expect(saved['OFF-4']).toBe(0);
  });
});
