import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepos } from '../../server/repos.js';
import { revokeTokens } from '../../server/tokens/workflows.js';
import { chargedOfficeAnswers, neverChargedOfficeAnswers } from '../factories/answers.js';
import { createTestEnv, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

const envs: TestEnv[] = [];
function setup(options: Parameters<typeof createTestEnv>[0] = {}) {
  const env = createTestEnv(options);
  envs.push(env);
  const links = seedFielding(env, { offices: 2 });
  const token = tokenOf(links[0] as (typeof links)[number]);
  return { env, links, token, app: env.app };
}
afterEach(() => {
  for (const env of envs.splice(0)) env.close();
});

const storedResponse = (env: TestEnv) =>
  env.db.prepare('SELECT status, answers, current_page, revision, submitted_at FROM responses').get() as {
    status: string;
    answers: string;
    current_page: number;
    revision: number;
    submitted_at: string | null;
  };
const eventTypes = (env: TestEnv) =>
  env.db.prepare('SELECT type FROM case_events ORDER BY id').pluck().all() as string[];

describe('GET /api/respond/:credential', () => {
  it('returns the instrument, the office name, frame-prefilled answers, page 0 and revision 0 for a new link', async () => {
    const { app, token } = setup();
    const res = await request(app).get(`/api/respond/${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'open',
      office: { name: 'Office 1' },
      instrument: { id: 'tip-prosecutor-survey', version: '1.0.0', consent: { question: 'consent', declineValue: 2 } },
      page: 0,
      revision: 0,
    });
    // frameRow(1) is in PA (FIPS 42) with population 10,000.
    expect(res.body.answers).toEqual({ a3_state: 42, a5_pop: 10_000 });
    expect(res.body.instrument.survey.pages.length).toBeGreaterThan(5);
  });

  it('records that the link was opened in the case log', async () => {
    const { app, token, env } = setup();
    await request(app).get(`/api/respond/${token}`).expect(200);
    expect(eventTypes(env)).toContain('link_opened');
  });

  it('gives unknown, malformed, revoked and expired links the same 404 answer', async () => {
    const { app, env, links, token } = setup();
    const unknown = await request(app).get(`/api/respond/${'A'.repeat(32)}`);
    const malformed = await request(app).get('/api/respond/not-a-token');
    revokeTokens(
      { repos: createRepos(env.db), random: env.random, clock: env.clock, publicUrl: env.config.publicUrl },
      { kind: 'secret', value: links[1]?.link ?? '' },
    );
    const revoked = await request(app).get(`/api/respond/${tokenOf(links[1] as (typeof links)[number])}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'link_not_valid', message: expect.any(String) } });
    expect(malformed.body).toEqual(unknown.body);
    expect(revoked.body).toEqual(unknown.body);
    expect((await request(app).get(`/api/respond/${token}`)).status).toBe(200);
  });

  it('stops answering once the fielding has closed, with the same 404', async () => {
    const env = createTestEnv();
    envs.push(env);
    const [link] = seedFielding(env, { closesAt: new Date('2027-03-01T00:00:00Z') });
    const token = tokenOf(link as NonNullable<typeof link>);
    expect((await request(env.app).get(`/api/respond/${token}`)).status).toBe(200);
    env.clock.advance(60 * 24 * 3600 * 1000);
    const res = await request(env.app).get(`/api/respond/${token}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('link_not_valid');
  });

  it('opens the same response with the typed access code as with the link', async () => {
    const { app, links, token } = setup();
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1 }, page: 1, revision: 0 })
      .expect(200);
    const code = await request(app).post('/api/access-code').send({ code: links[0]?.access_code.toLowerCase() });
    expect(code.status).toBe(200);
    const res = await request(app).get(`/api/respond/${code.body.credential}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answers: { consent: 1 }, page: 1, revision: 1 });
  });

  it('says a completed link was submitted, without answers, and changes nothing', async () => {
    const { app, token, env } = setup();
    await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const before = storedResponse(env);
    const res = await request(app).get(`/api/respond/${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'completed', submittedAt: '2027-02-01T09:00:00.000Z' });
    expect(storedResponse(env)).toEqual(before);
  });
});

describe('PUT /api/respond/:credential/draft', () => {
  it('saves answers and page, returns the next revision, and resumes there on another device', async () => {
    const { app, token } = setup();
    const save = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 2, a2_years: 7 }, page: 2, revision: 0 });
    expect(save.status).toBe(200);
    expect(save.body).toEqual({ revision: 1, savedAt: '2027-02-01T09:00:00.000Z' });
    const resume = await request(app).get(`/api/respond/${token}`);
    expect(resume.body).toMatchObject({ answers: { consent: 1, a1_role: 2, a2_years: 7 }, page: 2, revision: 1 });
  });

  it('answers a stale revision with 409 and the current state, and keeps the newer answers', async () => {
    const { app, token, env } = setup();
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 })
      .expect(200);
    const stale = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 4 }, page: 1, revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_revision',
      details: { answers: { consent: 1, a1_role: 1 }, page: 1, revision: 1 },
    });
    expect(JSON.parse(storedResponse(env).answers)).toEqual({ consent: 1, a1_role: 1 });
  });

  it('rejects a key that is not a question with 400 and keeps the saved draft', async () => {
    const { app, token, env } = setup();
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1 }, page: 0, revision: 0 })
      .expect(200);
    const res = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, injected: 'x' }, page: 0, revision: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_answers');
    expect(res.body.error.details.questions._answers[0]).toMatch(/"injected" is not a question/);
    expect(storedResponse(env)).toMatchObject({ answers: '{"consent":1}', revision: 1 });
  });

  it('rejects text in a numeric question with 400', async () => {
    const { app, token } = setup();
    const res = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { a2_years: 'twelve' }, page: 0, revision: 0 });
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
    const wrongType = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: {}, page: 0, revision: 'latest' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('invalid_input');
    expect(wrongType.body.error.details.problems[0].path).toBe('revision');
    const extra = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: {}, page: 0, revision: 0, status: 'completed' });
    expect(extra.status).toBe(400);
    const notObject = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: [1, 2], page: 0, revision: 0 });
    expect(notObject.status).toBe(400);
  });

  it('rejects a page beyond the last one', async () => {
    const { app, token } = setup();
    const res = await request(app).put(`/api/respond/${token}/draft`).send({ answers: {}, page: 40, revision: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Page 40 does not exist/);
  });

  it('rejects a body over the size limit with 413 and stores nothing', async () => {
    const { app, token, env } = setup({ limits: { bodyBytes: 2048 } });
    const res = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { f3_practice: 'x'.repeat(5000) }, page: 0, revision: 0 });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect(env.db.prepare('SELECT count(*) FROM responses WHERE revision > 0').pluck().get()).toBe(0);
  });

  it('logs consent and each page reached in the case log', async () => {
    const { app, token, env } = setup();
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1 }, page: 1, revision: 0 })
      .expect(200);
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 1 })
      .expect(200);
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 1 }, page: 2, revision: 2 })
      .expect(200);
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
    await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const before = storedResponse(env);
    const res = await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1 }, page: 0, revision: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_completed');
    expect(storedResponse(env)).toEqual(before);
  });
});

describe('POST /api/respond/:credential/complete', () => {
  it('stores the answers durably as completed and logs the completion', async () => {
    const { app, token, env } = setup();
    const answers = chargedOfficeAnswers();
    const res = await request(app).post(`/api/respond/${token}/complete`).send({ answers, revision: 0 });
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
    await request(app).post(`/api/respond/${token}/complete`).send({ answers, revision: 0 }).expect(200);
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
      await request(app)
        .put(`/api/respond/${token}/draft`)
        .send({ answers: { consent: 1 }, page: 1, revision: 0 })
        .expect(200);
      const res = await request(app)
        .post(`/api/respond/${token}/complete`)
        .send({ answers: chargedOfficeAnswers(override), revision: 1 });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('invalid_answers');
      expect(res.body.error.details.questions[question]?.join(' ')).toMatch(message);
      expect(storedResponse(env)).toMatchObject({ status: 'in_progress', answers: '{"consent":1}', revision: 1 });
    },
  );

  it('rejects an answer to a question that does not exist', async () => {
    const { app, token } = setup();
    const res = await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers({ zz_extra: 1 }), revision: 0 });
    expect(res.status).toBe(422);
    expect(res.body.error.details.questions._answers).toEqual(['"zz_extra" is not a question of this survey']);
  });

  it('accepts "don\'t know" (-7) in counts, grid cells and outcome items that offer it', async () => {
    const { app, token, env } = setup();
    const answers = chargedOfficeAnswers({ d4_beds: -7, e2_buyercount: -7, b4_outcome: { conv_tip: -7, pending: 2 } });
    const res = await request(app).post(`/api/respond/${token}/complete`).send({ answers, revision: 0 });
    expect(res.status).toBe(200);
    const stored = JSON.parse(storedResponse(env).answers);
    expect(stored.d4_beds).toBe(-7);
    expect(stored.b3_cases['2013'].labor).toBe(-7);
    expect(stored.b4_outcome.conv_tip).toBe(-7);
  });

  it('is idempotent: a repeated completion answers the same and changes nothing', async () => {
    const { app, token, env } = setup();
    await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const before = storedResponse(env);
    env.clock.advance(60_000);
    const again = await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: { consent: 1 }, revision: 0 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'completed', submittedAt: '2027-02-01T09:00:00.000Z' });
    expect(storedResponse(env)).toEqual(before);
    expect(eventTypes(env).filter((t) => t === 'completed')).toHaveLength(1);
  });

  it('answers a stale revision with 409 and the current state', async () => {
    const { app, token } = setup();
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 })
      .expect(200);
    const res = await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'stale_revision',
      details: { revision: 1, answers: { consent: 1, a1_role: 2 } },
    });
  });

  it('records a refusal when consent is declined', async () => {
    const { app, token, env } = setup();
    const res = await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: { consent: 2 }, revision: 0 });
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
    await request(app)
      .post(`/api/respond/${second}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const statuses = env.db.prepare('SELECT status FROM responses ORDER BY case_id').pluck().all();
    expect(statuses).toEqual(['completed']);
  });
});

describe('POST /api/respond/:credential/decline', () => {
  it('records the refusal; the link then says the office declined and refuses drafts', async () => {
    const { app, token, env } = setup();
    const res = await request(app).post(`/api/respond/${token}/decline`).send({ reason: 'respondent_declined' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'declined' });
    expect(eventTypes(env)).toContain('declined');
    expect((await request(app).get(`/api/respond/${token}`)).body).toEqual({ status: 'declined' });
    const draft = await request(app).put(`/api/respond/${token}/draft`).send({ answers: {}, page: 0, revision: 1 });
    expect(draft.status).toBe(409);
    expect(draft.body.error.code).toBe('already_declined');
  });

  it('cannot undo a completed survey', async () => {
    const { app, token, env } = setup();
    await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const res = await request(app).post(`/api/respond/${token}/decline`).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_completed');
    expect(storedResponse(env).status).toBe('completed');
  });

  it('rejects an unknown reason', async () => {
    const { app, token } = setup();
    const res = await request(app).post(`/api/respond/${token}/decline`).send({ reason: 'bored' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0].path).toBe('reason');
  });
});

describe('POST /api/access-code', () => {
  it('accepts the code as printed, in any case and spacing, and returns the credential', async () => {
    const { app, links } = setup();
    const printed = links[0]?.access_code as string;
    const res = await request(app)
      .post('/api/access-code')
      .send({ code: ` ${printed.toLowerCase().replaceAll('-', ' ')} ` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ credential: printed.replaceAll('-', '') });
  });

  it('explains a malformed code with 400', async () => {
    const { app } = setup();
    const res = await request(app).post('/api/access-code').send({ code: 'KQ7M-4T9X-WP2O' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/no letter O/);
  });

  it('answers an unknown code with the generic 404', async () => {
    const { app } = setup();
    const res = await request(app).post('/api/access-code').send({ code: 'ABCD-EFGH-JKLM' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('link_not_valid');
  });
});

describe('rate limiting of link and code look-ups', () => {
  it('blocks a client after too many failed code look-ups, with 429 and Retry-After, until the window passes', async () => {
    const { app, env, links } = setup({ limits: { failedCodeLookupsPerClient: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      await request(app)
        .post('/api/access-code')
        .send({ code: `ABCD-EFGH-JKL${'MNP'[i]}` })
        .expect(404);
    }
    const blocked = await request(app).post('/api/access-code').send({ code: links[0]?.access_code });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect(blocked.body.error.code).toBe('too_many_requests');
    // Link holders are not locked out by someone guessing codes from the same address.
    expect((await request(app).get(`/api/respond/${tokenOf(links[0] as (typeof links)[number])}`)).status).toBe(200);
    env.clock.advance(61_000);
    expect((await request(app).post('/api/access-code').send({ code: links[0]?.access_code })).status).toBe(200);
  });

  it('blocks all clients once failed code look-ups pass the global limit', async () => {
    const { app, links } = setup({ limits: { failedCodeLookupsPerClient: 100, failedCodeLookupsGlobal: 4 } });
    for (let i = 0; i < 4; i++) {
      await request(app)
        .post('/api/access-code')
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .send({ code: `ABCD-EFGH-JKL${'MNPQ'[i]}` })
        .expect(404);
    }
    const res = await request(app).post('/api/access-code').send({ code: links[1]?.access_code });
    expect(res.status).toBe(429);
  });

  it('blocks a client after too many failed link look-ups but never counts successful ones', async () => {
    const { app, token } = setup({ limits: { failedLinkLookupsPerClient: 2 } });
    for (let i = 0; i < 10; i++) await request(app).get(`/api/respond/${token}`).expect(200);
    await request(app)
      .get(`/api/respond/${'B'.repeat(32)}`)
      .expect(404);
    await request(app)
      .get(`/api/respond/${'C'.repeat(32)}`)
      .expect(404);
    expect((await request(app).get(`/api/respond/${token}`)).status).toBe(429);
  });
});
