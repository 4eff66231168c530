import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { putDraft, setup, storedResponse } from './setup.js';

/** A raw JSON text as the body, for values JSON.stringify cannot produce (1e309, lone surrogates). */
const putRawDraft = (app: ReturnType<typeof setup>['app'], token: string, json: string) =>
  request(app).put(`/api/respond/${token}/draft`).set('Content-Type', 'application/json').send(json);

const nested = (depth: number, inner: unknown): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('odd input on the respondent API', () => {
  it('refuses an answer nested deeper than its question allows with 400 naming the question', async () => {
    const { app, token, env } = setup();
    const res = await putDraft(app, token, { answers: { consent: 1, a7_unit: nested(4, 1) }, page: 0, revision: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_answers');
    expect(res.body.error.details.questions.a7_unit).toEqual([
      'the answer is nested deeper than this question allows (1 level(s))',
    ]);
    expect(storedResponse(env).revision).toBe(0);
  });

  it('refuses JSON nested thousands of levels deep with 400, never a 500', async () => {
    const { app, token, env } = setup();
    const deep = `{"answers":{"a7_unit":${'['.repeat(20_000)}1${']'.repeat(20_000)}},"page":0,"revision":0}`;
    const res = await putRawDraft(app, token, deep);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('too_deeply_nested');
    expect(res.body.error.details).toEqual({ question: 'a7_unit' });
    expect(env.logger.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  });

  it.each([
    ['1e309', 'a2_years'],
    ['-1e400', 'a2_years'],
  ])('refuses the number %s, which JSON cannot carry, with 400 "not a finite number"', async (number, question) => {
    const { app, token } = setup();
    const res = await putRawDraft(
      app,
      token,
      `{"answers":{"consent":1,"${question}":${number}},"page":0,"revision":0}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions[question]).toEqual(['the answer is not a finite number']);
  });

  it('refuses a number out of range inside a grid cell as not finite, naming the question', async () => {
    const { app, token } = setup();
    const res = await putRawDraft(
      app,
      token,
      '{"answers":{"consent":1,"b3_cases":{"2009":{"sex":1e999}}},"page":0,"revision":0}',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions.b3_cases).toEqual(['the answer is not a finite number']);
  });

  it.each([
    ['text/plain', 'consent=1'],
    ['application/x-www-form-urlencoded', 'consent=1'],
  ])('answers a %s body with 415 naming the content type to use', async (type, body) => {
    const { app, token } = setup();
    const res = await request(app).put(`/api/respond/${token}/draft`).set('Content-Type', type).send(body);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect(res.body.error.message).toMatch(/application\/json/);
  });

  it('still accepts a decline with no body at all', async () => {
    const { app, token } = setup();
    const res = await request(app).post(`/api/respond/${token}/decline`);
    expect(res.status).toBe(200);
  });

  it('refuses a NUL character in a text answer with 400 naming the question', async () => {
    const { app, token } = setup();
    const res = await putDraft(app, token, {
      answers: { consent: 1, f3_practice: 'weekly\u0000meeting' },
      page: 0,
      revision: 0,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions.f3_practice).toEqual(['the answer contains a NUL character']);
  });

  it('refuses a lone surrogate in a text answer with 400 naming the question', async () => {
    const { app, token } = setup();
    const res = await putRawDraft(
      app,
      token,
      '{"answers":{"consent":1,"f3_practice":"a\\ud800b"},"page":0,"revision":0}',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions.f3_practice).toEqual([
      'the answer contains an unpaired surrogate (not valid Unicode text)',
    ]);
  });

  // A lone surrogate in a comment box is refused under its question (test/instruments/answerTypes.test.ts);
  // the shipped instrument has no comment boxes, so there a comment key is no part of the survey.
  it('refuses a comment to a question without a comment box as not a question of the survey', async () => {
    const { app, token } = setup();
    const res = await putRawDraft(
      app,
      token,
      '{"answers":{"consent":1,"a7_unit-Comment":"\\udc00"},"page":0,"revision":0}',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.questions).toEqual({
      _answers: ['"a7_unit-Comment" is not a question of this survey'],
    });
  });

  it('counts text length in characters: 2,000 emoji fit a 2,000-character answer, 2,001 do not', async () => {
    const { app, token, env } = setup();
    const fits = await putDraft(app, token, {
      answers: { consent: 1, f3_practice: '🚔'.repeat(2_000) },
      page: 0,
      revision: 0,
    });
    expect(fits.status).toBe(200);
    const over = await putDraft(app, token, {
      answers: { consent: 1, f3_practice: '🚔'.repeat(2_001) },
      page: 0,
      revision: 1,
    });
    expect(over.status).toBe(400);
    expect(over.body.error.details.questions.f3_practice).toEqual(['the text is longer than 2000 characters']);
    expect(JSON.parse(storedResponse(env).answers).f3_practice).toBe('🚔'.repeat(2_000));
  });

  it('refuses a completion with a non-finite number with 422, keeping the draft', async () => {
    const { app, token, env } = setup();
    const body = JSON.stringify({ answers: chargedOfficeAnswers(), revision: 0 }).replace(
      '"a2_years":12',
      '"a2_years":1e309',
    );
    const res = await request(app)
      .post(`/api/respond/${token}/complete`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.questions.a2_years).toEqual(['the answer is not a finite number']);
    expect(storedResponse(env).status).toBe('in_progress');
  });
});
