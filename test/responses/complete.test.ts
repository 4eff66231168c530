import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers, neverChargedOfficeAnswers } from '../factories/answers.js';
import { type TestEnv, tokenOf } from '../support/app.js';
import { eventTypes, postComplete, putDraft, setup, storedResponse } from './setup.js';

type App = TestEnv['app'];

describe('POST /api/respond/:credential/complete', () => {
  it('stores the answers durably as completed and logs the completion', async () => {
    const { app, token, env } = setup();
    const answers = chargedOfficeAnswers();
    const res = await postComplete(app, token, { answers, revision: 0 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'completed', submittedAt: '2027-02-01T09:00:00.000Z' });
    const stored = storedResponse(env);
    expect(stored.status).toBe('completed');
    expect(JSON.parse(stored.answers)).toEqual(answers);
    expect(eventTypes(env)).toContain('completed');
  });

  it('clears answers to questions that logic hides', async () => {
    const { app, token, env } = setup();
    const charged = chargedOfficeAnswers();
    // Switched to "never charged" after filling in the charged-cases grid: b3/b4 are now hidden.
    const answers = neverChargedOfficeAnswers({
      b3_cases: charged.b3_cases,
      b4_outcome: charged.b4_outcome,
      e1_buyers: 2,
    });
    await postComplete(app, token, { answers, revision: 0 }).expect(200);
    const stored = JSON.parse(storedResponse(env).answers);
    expect(stored.b3_cases).toBeUndefined();
    expect(stored.b4_outcome).toBeUndefined();
    expect(stored.e2_buyercount).toBeUndefined();
    expect(stored.b5_nocase).toEqual([1, 5]);
  });

  it.each([
    ['a choice outside the choices', { a1_role: 9 }, 'a1_role', /9 is not one of the choices/],
    ['a choice given as text', { a1_role: '1' }, 'a1_role', /"1" is not one of the choices/],
    ['text in a count', { a2_years: '12' }, 'a2_years', /is not a number/],
    ['a count above its maximum', { a2_years: 99 }, 'a2_years', /above the maximum of 60/],
    ['a fractional count', { a2_years: 2.5 }, 'a2_years', /not a whole number/],
    ['"don\'t know" where it is not offered', { a2_years: -7 }, 'a2_years', /below the minimum/],
    [
      'an exclusive "none" together with other choices',
      { c2_screen: [1, 5] },
      'c2_screen',
      /cannot be chosen together/,
    ],
    ['more choices than allowed', { f2_needs: [1, 2, 3, 4] }, 'f2_needs', /at most 3 choices/],
    ['a duplicated choice', { c4_evidence: [1, 1] }, 'c4_evidence', /chosen twice/],
    ['a matrix row that does not exist', { b1_law: { '9': 1 } }, 'b1_law', /row "9" does not exist/],
    ['a matrix answer outside the scale', { c1_source: { '1': 5 } }, 'c1_source', /not one of the choices/],
    [
      'a grid cell with text',
      { b3_cases: { '2010': { sex: 'many' } } },
      'b3_cases',
      /column "[^"]+": "many" is not a number/,
    ],
    [
      'a grid column that does not exist',
      { b3_cases: { '2010': { fraud: 1 } } },
      'b3_cases',
      /column "fraud" does not exist/,
    ],
    ['a negative staff count', { a6_staff: { attorneys: -1 } }, 'a6_staff', /below the minimum of 0/],
    ['a missing required "other" text', { a1_role: 6 }, 'a1_role_oth', /.+/],
    [
      'an answer longer than the question allows',
      { f3_practice: 'x'.repeat(2001) },
      'f3_practice',
      /longer than 2000 characters/,
    ],
  ])(
    'rejects %s with 422, an error on that question, and keeps the draft',
    async (_label, override, question, message) => {
      const { app, token, env } = setup();
      await putDraft(app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);
      const res = await postComplete(app, token, { answers: chargedOfficeAnswers(override), revision: 1 });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('invalid_answers');
      expect(res.body.error.details.questions[question]?.join(' ')).toMatch(message);
      expect(storedResponse(env)).toMatchObject({ status: 'in_progress', answers: '{"consent":1}', revision: 1 });
    },
  );

  it('rejects an answer to a question that does not exist', async () => {
    const { app, token } = setup();
    const res = await postComplete(app, token, { answers: chargedOfficeAnswers({ zz_extra: 1 }), revision: 0 });
    expect(res.status).toBe(422);
    expect(res.body.error.details.questions._answers).toEqual(['"zz_extra" is not a question of this survey']);
  });

  it('accepts "don\'t know" (-7) in counts, grid cells and outcome items that offer it', async () => {
    const { app, token, env } = setup();
    const answers = chargedOfficeAnswers({ d4_beds: -7, e2_buyercount: -7, b4_outcome: { conv_tip: -7, pending: 2 } });
    const res = await postComplete(app, token, { answers, revision: 0 });
    expect(res.status).toBe(200);
    const stored = JSON.parse(storedResponse(env).answers);
    expect(stored.d4_beds).toBe(-7);
    expect(stored.b3_cases['2013'].labor).toBe(-7);
    expect(stored.b4_outcome.conv_tip).toBe(-7);
  });

  it('answers an identical repeat of the accepted completion as the first one, and changes nothing', async () => {
    const { app, token, env } = setup();
    const body = { answers: chargedOfficeAnswers(), revision: 0 };
    await postComplete(app, token, body).expect(200);
    const before = storedResponse(env);
    env.clock.advance(60_000);
    // The same answers in another key order are the same request.
    const reordered = Object.fromEntries(Object.entries(body.answers).reverse());
    const again = await postComplete(app, token, { revision: 0, answers: reordered });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'completed', submittedAt: '2027-02-01T09:00:00.000Z' });
    expect(storedResponse(env)).toEqual(before);
    expect(eventTypes(env).filter((t) => t === 'completed')).toHaveLength(1);
  });

  it.each([
    [
      'a completion with other answers',
      (app: App, token: string) => postComplete(app, token, { answers: { consent: 1 }, revision: 0 }),
    ],
    [
      'a completion at the new revision',
      (app: App, token: string) => postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 1 }),
    ],
    ['a draft', (app: App, token: string) => putDraft(app, token, { answers: { consent: 1 }, page: 0, revision: 1 })],
    ['a decline', (app: App, token: string) => request(app).post(`/api/respond/${token}/decline`).send({})],
  ])('refuses %s after the completion with 409 already_completed and changes nothing', async (_, send) => {
    const { app, token, env } = setup();
    await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    const before = storedResponse(env);
    const events = eventTypes(env);

    const res = await send(app, token);

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_completed');
    expect(storedResponse(env)).toEqual(before);
    expect(eventTypes(env)).toEqual(events);
  });

  it('answers a stale revision with 409 and the current state', async () => {
    const { app, token } = setup();
    await putDraft(app, token, { answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 }).expect(200);
    const res = await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'stale_revision',
      details: { revision: 1, answers: { consent: 1, a1_role: 2 } },
    });
  });

  it('records a refusal when consent is declined', async () => {
    const { app, token, env } = setup();
    const res = await postComplete(app, token, { answers: { consent: 2 }, revision: 0 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'declined' });
    expect(storedResponse(env).status).toBe('declined');
    expect(env.db.prepare("SELECT detail FROM case_events WHERE type = 'declined'").pluck().get()).toBe(
      '{"reason":"consent_declined"}',
    );
  });

  it('completes through a second contact of another office independently', async () => {
    const { app, links, env } = setup();
    const second = tokenOf(links[1] as (typeof links)[number]);
    await postComplete(app, second, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    const statuses = env.db.prepare('SELECT status FROM responses ORDER BY case_id').pluck().all();
    expect(statuses).toEqual(['completed']);
  });
});
