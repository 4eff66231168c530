import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { revokeTokens } from '../../server/cases/links.js';
import { createRepos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { eventTypes, openEnv, postComplete, putDraft } from './setup.js';

/*
 * Issue 27, point 14: a fielding that closes while a respondent is answering. Its links are real,
 * so they are not "not valid": every respondent route says the survey closed, when, and until when
 * the office's answers were saved, and changes nothing.
 */

const CLOSES = '2027-03-01T00:00:00.000Z';
const DAY = 24 * 3600 * 1000;

function closingFielding() {
  const env = openEnv();
  // The fake clock starts on 2027-02-01 09:00 UTC.
  const links = seedFielding(env, { offices: 2, closesAt: new Date(CLOSES) });
  const [first, second] = links;
  if (!first || !second) throw new Error('two links expected');
  return { env, app: env.app, token: tokenOf(first), other: tokenOf(second), code: first.access_code };
}

const closedBody = (savedAt: string | null) => ({
  error: {
    code: 'fielding_closed',
    message: expect.stringMatching(/^This survey closed on 2027-03-01 00:00 UTC; /),
    details: { closedAt: CLOSES, savedAt, study: expect.objectContaining({ name: expect.any(String) }) },
  },
});

describe('respondent routes of a fielding that has closed', () => {
  it('answers 410 fielding_closed on every route of an open response, with the last save time, and changes nothing', async () => {
    const { env, app, token } = closingFielding();
    await putDraft(app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);
    const savedAt = env.clock().toISOString();
    env.clock.advance(30 * DAY);
    const events = eventTypes(env);

    const opened = await request(app).get(`/api/respond/${token}`);
    expect(opened.status).toBe(410);
    expect(opened.body).toEqual(closedBody(savedAt));
    expect(opened.body.error.message).toBe(
      `This survey closed on 2027-03-01 00:00 UTC; your answers until ${savedAt.slice(0, 16).replace('T', ' ')} UTC were saved. Nothing was changed.`,
    );

    const draft = await putDraft(app, token, { answers: { consent: 1, a1_role: 2 }, page: 1, revision: 1 });
    expect([draft.status, draft.body]).toEqual([410, closedBody(savedAt)]);
    const complete = await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 1 });
    expect([complete.status, complete.body]).toEqual([410, closedBody(savedAt)]);
    const decline = await request(app).post(`/api/respond/${token}/decline`).send({ reason: 'consent_declined' });
    expect([decline.status, decline.body]).toEqual([410, closedBody(savedAt)]);

    const stored = env.db.prepare('SELECT status, answers, revision FROM responses').get();
    expect(stored).toEqual({ status: 'in_progress', answers: JSON.stringify({ consent: 1 }), revision: 1 });
    expect(eventTypes(env)).toEqual(events);
  });

  it('says nothing was saved when the office never saved an answer (the frame’s prefill is not theirs)', async () => {
    const { env, app, token } = closingFielding();
    expect((await request(app).get(`/api/respond/${token}`)).status).toBe(200);
    env.clock.advance(30 * DAY);
    const res = await request(app).get(`/api/respond/${token}`);
    expect([res.status, res.body]).toEqual([410, closedBody(null)]);
    expect(res.body.error.message).toMatch(/; no answers had been saved\. Nothing was changed\.$/);
  });

  it('still shows a submitted office that it submitted, and lets a typed access code through to say it closed', async () => {
    const { env, app, token, other, code } = closingFielding();
    await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    env.clock.advance(30 * DAY);
    const submitted = await request(app).get(`/api/respond/${token}`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('completed');

    const exchanged = await request(app).post('/api/access-code').send({ code });
    expect(exchanged.status).toBe(200);
    const viaCode = await request(app).get(`/api/respond/${exchanged.body.credential}`);
    expect(viaCode.status).toBe(200);
    expect(viaCode.body.status).toBe('completed');
    expect((await request(app).get(`/api/respond/${other}`)).body.error.code).toBe('fielding_closed');
  });

  it('keeps a revoked link of a closed fielding a plain 404, like any unknown link', async () => {
    const { env, app, token } = closingFielding();
    revokeTokens(
      { repos: createRepos(env.db), random: env.random, clock: env.clock, publicUrl: env.config.publicUrl },
      { kind: 'secret', value: token },
    );
    env.clock.advance(30 * DAY);
    const res = await request(app).get(`/api/respond/${token}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('link_not_valid');
  });
});
