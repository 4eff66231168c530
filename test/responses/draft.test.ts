import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { postComplete, putDraft, setup, storedResponse } from './setup.js';

describe('PUT /api/respond/:credential/draft', () => {
  it('saves answers and page, returns the next revision, and resumes there on another device', async () => {
    const { app, token } = setup();
    const save = await putDraft(app, token, { answers: { consent: 1, a1_role: 2, a2_years: 7 }, page: 2, revision: 0 });
    expect(save.status).toBe(200);
    expect(save.body).toEqual({ revision: 1, savedAt: '2027-02-01T09:00:00.000Z' });
    const resume = await request(app).get(`/api/respond/${token}`);
    expect(resume.body).toMatchObject({ answers: { consent: 1, a1_role: 2, a2_years: 7 }, page: 2, revision: 1 });
  });

  it('answers a stale revision with 409 and the current state, and keeps the newer answers', async () => {
    const { app, token, env } = setup();
    await putDraft(app, token, { answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 }).expect(200);
    const stale = await putDraft(app, token, { answers: { consent: 1, a1_role: 4 }, page: 1, revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_revision',
      details: { answers: { consent: 1, a1_role: 1 }, page: 1, revision: 1 },
    });
    expect(JSON.parse(storedResponse(env).answers)).toEqual({ consent: 1, a1_role: 1 });
  });

  it('rejects a key that is not a question with 400 and keeps the saved draft', async () => {
    const { app, token, env } = setup();
    await putDraft(app, token, { answers: { consent: 1 }, page: 0, revision: 0 }).expect(200);
    const res = await putDraft(app, token, { answers: { consent: 1, injected: 'x' }, page: 0, revision: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_answers');
    expect(res.body.error.details.questions._answers[0]).toMatch(/"injected" is not a question/);
    expect(storedResponse(env)).toMatchObject({ answers: '{"consent":1}', revision: 1 });
  });

  it('rejects text in a numeric question with 400', async () => {
    const { app, token } = setup();
    const res = await putDraft(app, token, { answers: { a2_years: 'twelve' }, page: 0, revision: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions.a2_years).toEqual(['"twelve" is not a number']);
  });

  it('rejects malformed JSON with 400 malformed_json', async () => {
    const { app, token } = setup();
    const res = await request(app)
      .put(`/api/respond/${token}/draft`)
      .set('Content-Type', 'application/json')
      .send('{"answers": {');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('rejects wrong field types and unknown fields with 400 naming them', async () => {
    const { app, token } = setup();
    const wrongType = await putDraft(app, token, { answers: {}, page: 0, revision: 'latest' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('invalid_input');
    expect(wrongType.body.error.details.problems[0].path).toBe('revision');
    const extra = await putDraft(app, token, { answers: {}, page: 0, revision: 0, status: 'completed' });
    expect(extra.status).toBe(400);
    const notObject = await putDraft(app, token, { answers: [1, 2], page: 0, revision: 0 });
    expect(notObject.status).toBe(400);
  });

  it('rejects a page beyond the last one', async () => {
    const { app, token } = setup();
    const res = await putDraft(app, token, { answers: {}, page: 40, revision: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Page 40 does not exist/);
  });

  it('rejects a body over the size limit with 413 and stores nothing', async () => {
    const { app, token, env } = setup({ limits: { bodyBytes: 2048 } });
    const res = await putDraft(app, token, { answers: { f3_practice: 'x'.repeat(5000) }, page: 0, revision: 0 });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect(env.db.prepare('SELECT count(*) FROM responses WHERE revision > 0').pluck().get()).toBe(0);
  });

  it('logs consent and each page reached in the case log', async () => {
    const { app, token, env } = setup();
    await putDraft(app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);
    await putDraft(app, token, { answers: { consent: 1, a1_role: 1 }, page: 1, revision: 1 }).expect(200);
    await putDraft(app, token, { answers: { consent: 1, a1_role: 1 }, page: 2, revision: 2 }).expect(200);
    const events = env.db
      .prepare("SELECT type, detail FROM case_events WHERE type IN ('consented','page_saved') ORDER BY id")
      .all();
    expect(events).toEqual([
      { type: 'consented', detail: '{}' },
      { type: 'page_saved', detail: '{"page":1}' },
      { type: 'page_saved', detail: '{"page":2}' },
    ]);
  });

  it('refuses to change a completed response', async () => {
    const { app, token, env } = setup();
    await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    const before = storedResponse(env);
    const res = await putDraft(app, token, { answers: { consent: 1 }, page: 0, revision: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_completed');
    expect(storedResponse(env)).toEqual(before);
  });
});
