import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../server/platform/secrets.js';
import { createRepos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { exportInProcess } from '../factories/export.js';
import { frameRow } from '../factories/frame.js';
import { postComplete, putDraft } from '../responses/setup.js';
import { seedFielding, type TestEnv, tokenOf } from '../support/app.js';
import { addMember, type Session, signIn, staffEnv } from './setup.js';

const VERSION = '1.0.0';
const PREVIEW_PATH = `/api/staff/instruments/tip-prosecutor-survey/${VERSION}/preview`;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

async function analyst(env: TestEnv) {
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return signIn(env, email);
}

/** Starts a preview as the session and returns its clear token. */
async function startPreview(staff: Session): Promise<string> {
  const res = await staff.send('post', PREVIEW_PATH);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return String(res.body.url).split('/s/')[1] as string;
}

/** A fielding of two offices, one of them completed through its real link; the other's link. */
async function fieldingWithOneComplete(env: TestEnv) {
  const links = seedFielding(env, { name: 'wave1', rows: [frameRow(1), frameRow(2)] });
  const [first, second] = links.map(tokenOf) as [string, string];
  await postComplete(env.app, first, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
  return { openToken: second };
}

/** Everything a study could count or take away: the export's data, the case list, the stored rows. */
async function studySnapshot(env: TestEnv, staff: Session, name: string) {
  const out = path.join(env.dir, `export-${name}`);
  await exportInProcess(env, { fielding: 'wave1', out, includeFreeText: true });
  const count = (table: string) => env.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  return {
    // case_id is drawn anew in every export (dataset.ts), so rows are compared without it.
    data: readFileSync(path.join(out, 'data.csv'), 'utf8')
      .split('\n')
      .map((line) => line.replace(/^[^,]*,/, '')),
    cases: (await staff.get('/api/staff/fieldings/wave1/cases').expect(200)).body,
    fieldings: (await staff.get('/api/staff/fieldings').expect(200)).body,
    responses: env.db.prepare('SELECT * FROM responses ORDER BY id').all(),
    rows: { cases: count('cases'), tokens: count('tokens'), case_events: count('case_events') },
  };
}

describe('POST /api/staff/instruments/:id/:version/preview', () => {
  it('answers a two-hour link of the respondent app, keeps only its hash and audits the preview', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    const res = await staff.send('post', PREVIEW_PATH);
    expect(res.status).toBe(201);
    expect(res.body.url).toMatch(new RegExp(`^${env.config.publicUrl.replace(/\/$/, '')}/s/test-[A-Za-z0-9_-]{32}$`));
    expect(res.body.expiresAt).toBe(new Date(env.clock().getTime() + TWO_HOURS_MS).toISOString());
    const token = String(res.body.url).split('/s/')[1] as string;
    const stored = env.db
      .prepare('SELECT token_hash, actor, instrument_id, instrument_version FROM preview_sessions')
      .all();
    expect(stored).toEqual([
      {
        token_hash: hashSecret(token),
        actor: 'analyst@study.example.org',
        instrument_id: 'tip-prosecutor-survey',
        instrument_version: VERSION,
      },
    ]);
    const audit = createRepos(env.db)
      .audit.auditEntries()
      .filter((e) => e.action === 'preview');
    expect(audit).toEqual([
      {
        at: env.clock().toISOString(),
        actor: 'analyst@study.example.org',
        action: 'preview',
        fielding: null,
        detail: JSON.stringify({
          instrument: 'tip-prosecutor-survey',
          version: VERSION,
          expiresAt: res.body.expiresAt,
        }),
      },
    ]);
  });

  it('answers 404 for an instrument version that is not loaded', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    const res = await staff.send('post', '/api/staff/instruments/tip-prosecutor-survey/9.9.9/preview');
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    expect(env.db.prepare('SELECT count(*) FROM preview_sessions').pluck().get()).toBe(0);
  });
});

describe('the respondent API with a preview token', () => {
  it('opens the instrument version in test mode, for no office', async () => {
    const env = staffEnv();
    const token = await startPreview(await analyst(env));
    const res = await request(env.app).get(`/api/respond/${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'open',
      study: { testMode: true },
      instrument: { id: 'tip-prosecutor-survey', version: VERSION },
      answers: {},
      page: 0,
      revision: 0,
    });
  });

  it('saves and completes into the preview only: the export, the case list and dispositions are unchanged', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    await fieldingWithOneComplete(env);
    const before = await studySnapshot(env, staff, 'before');
    const token = await startPreview(staff);

    await putDraft(env.app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);
    const done = await postComplete(env.app, token, { answers: chargedOfficeAnswers(), revision: 1 });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ status: 'completed', submittedAt: env.clock().toISOString() });

    const after = await studySnapshot(env, staff, 'after');
    expect(after).toEqual(before);
    const preview = env.db.prepare('SELECT status, answers FROM preview_sessions').get() as {
      status: string;
      answers: string;
    };
    expect(preview.status).toBe('completed');
    expect(JSON.parse(preview.answers)).toMatchObject({ a1_role: chargedOfficeAnswers().a1_role });
    const reopened = await request(env.app).get(`/api/respond/${token}`).expect(200);
    expect(reopened.body).toMatchObject({ status: 'completed', study: { testMode: true } });
  });

  it('refuses an answer outside the choices exactly as a real link does, keeping the test draft', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    const { openToken } = await fieldingWithOneComplete(env);
    const token = await startPreview(staff);
    const bad = chargedOfficeAnswers({ a1_role: 9 });

    const real = await postComplete(env.app, openToken, { answers: bad, revision: 0 });
    const test = await postComplete(env.app, token, { answers: bad, revision: 0 });
    expect(real.status).toBe(422);
    expect([test.status, test.body]).toEqual([real.status, real.body]);

    const realDraft = await putDraft(env.app, openToken, { answers: { a1_role: 'x' }, page: 0, revision: 0 });
    const testDraft = await putDraft(env.app, token, { answers: { a1_role: 'x' }, page: 0, revision: 0 });
    expect(realDraft.status).toBe(400);
    expect([testDraft.status, testDraft.body]).toEqual([realDraft.status, realDraft.body]);
    expect(env.db.prepare('SELECT status, revision FROM preview_sessions').get()).toEqual({
      status: 'in_progress',
      revision: 0,
    });
  });

  it('answers an expired preview with the generic invalid-link response', async () => {
    const env = staffEnv();
    const token = await startPreview(await analyst(env));
    env.clock.advance(TWO_HOURS_MS);
    const expired = await request(env.app).get(`/api/respond/${token}`);
    const unknown = await request(env.app).get(`/api/respond/${'A'.repeat(32)}`);
    expect(expired.status).toBe(404);
    expect(expired.body).toEqual(unknown.body);
    expect(expired.body.error.code).toBe('link_not_valid');
    await postComplete(env.app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(404);
  });

  it('cannot reach a real case: its random part is no link, and a real link with the prefix is no preview', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    const links = seedFielding(env, { name: 'wave1', rows: [frameRow(1)] });
    const real = tokenOf(links[0] as (typeof links)[number]);
    const token = await startPreview(staff);
    const events = () => env.db.prepare('SELECT * FROM case_events ORDER BY id').all();
    const before = events();
    const bare = token.slice('test-'.length);
    await request(env.app).get(`/api/respond/${bare}`).expect(404);
    await postComplete(env.app, bare, { answers: chargedOfficeAnswers(), revision: 0 }).expect(404);
    await request(env.app).get(`/api/respond/test-${real}`).expect(404);
    await postComplete(env.app, `test-${real}`, { answers: chargedOfficeAnswers(), revision: 0 }).expect(404);
    await postComplete(env.app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    expect(env.db.prepare('SELECT count(*) FROM responses').pluck().get()).toBe(0);
    expect(events()).toEqual(before);
  });
});
