import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { revokeTokens } from '../../server/cases/links.js';
import { loadInstruments } from '../../server/instruments/registry.js';
import { createRepos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { eventTypes, openEnv, postComplete, putDraft, setup, storedResponse } from './setup.js';

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

  it('opens a link to an imported instrument, whose metadata has no prefill, consent or minutes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-imported-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const survey = { pages: [{ name: 'page1', elements: [{ type: 'text', name: 'question1' }] }] };
    writeFileSync(
      path.join(dir, 'imported.json'),
      JSON.stringify({ meta: { id: 'imported', version: '1', title: 'Imported', mode: 'self' }, survey }),
    );
    const env = openEnv({ instruments: loadInstruments(dir) });
    const [link] = seedFielding(env, { instrument: 'imported' });

    const res = await request(env.app).get(`/api/respond/${tokenOf(link as NonNullable<typeof link>)}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answers: {}, instrument: { id: 'imported', consent: null } });
    // One short question rounds to 0 minutes; a respondent is told at least 1.
    expect(res.body.instrument.estimatedMinutes).toBe(1);
  });

  it('records that the link was opened in the case log', async () => {
    const { app, token, env } = setup();
    await request(app).get(`/api/respond/${token}`).expect(200);
    expect(eventTypes(env)).toContain('link_opened');
  });

  it('records one visit per credential per 30 minutes, not every page load', async () => {
    const { app, token, links, env } = setup();
    const code = String(links[0]?.access_code).replaceAll('-', '');
    const opened = () => eventTypes(env).filter((t) => t === 'link_opened').length;

    for (let i = 0; i < 300; i++) await request(app).get(`/api/respond/${token}`).expect(200);
    const afterReloads = opened();
    await request(app).get(`/api/respond/${code}`).expect(200);
    const afterCode = opened();
    env.clock.advance(29 * 60_000);
    await request(app).get(`/api/respond/${token}`).expect(200);
    const within30Minutes = opened();
    env.clock.advance(60_000);
    await request(app).get(`/api/respond/${token}`).expect(200);

    expect(afterReloads).toBe(1);
    // The access code is another credential of the same case: its own visit.
    expect(afterCode).toBe(2);
    expect(within30Minutes).toBe(2);
    expect(opened()).toBe(3);
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

  it('opens the same response with the typed access code as with the link', async () => {
    const { app, links, token } = setup();
    await putDraft(app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);
    const code = await request(app).post('/api/access-code').send({ code: links[0]?.access_code.toLowerCase() });
    expect(code.status).toBe(200);
    const res = await request(app).get(`/api/respond/${code.body.credential}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answers: { consent: 1 }, page: 1, revision: 1 });
  });

  it('says a completed link was submitted, without answers, and changes nothing', async () => {
    const { app, token, env } = setup();
    await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    const before = storedResponse(env);
    const res = await request(app).get(`/api/respond/${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'completed',
      submittedAt: '2027-02-01T09:00:00.000Z',
      study: expect.objectContaining({ name: expect.any(String) }),
    });
    expect(storedResponse(env)).toEqual(before);
  });
});
