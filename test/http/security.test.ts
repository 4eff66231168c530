import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { redactPath } from '../../server/http/logging.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { createTestEnv, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

const envs: TestEnv[] = [];
function setup() {
  const env = createTestEnv();
  envs.push(env);
  const links = seedFielding(env, { offices: 1 });
  const link = links[0] as (typeof links)[number];
  return { env, app: env.app, link, token: tokenOf(link) };
}
afterEach(() => {
  for (const env of envs.splice(0)) env.close();
});

describe('security headers', () => {
  it('sends a CSP that allows inline styles but no inline scripts or other hosts', async () => {
    const { app, token } = setup();
    const res = await request(app).get(`/s/${token}`);
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("font-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https:|http:/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never sends x-powered-by', async () => {
    const { app, token } = setup();
    for (const path of [`/s/${token}`, `/api/respond/${token}`, '/api/nope', '/code']) {
      const res = await request(app).get(path);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('marks API answers and respondent pages no-store', async () => {
    const { app, token } = setup();
    for (const path of [`/s/${token}`, '/code', `/api/respond/${token}`, `/api/respond/${'Z'.repeat(32)}`]) {
      const res = await request(app).get(path);
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
  });
});

describe('pages', () => {
  it('serves the respondent app for any link and for /code, without looking the link up', async () => {
    const { app } = setup();
    const res = await request(app).get(`/s/${'Q'.repeat(32)}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect((await request(app).get('/code')).status).toBe(200);
  });

  it('sends people at the bare address to the access-code page', async () => {
    const { app } = setup();
    const res = await request(app).get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/code');
  });

  it('answers unknown routes in the one error shape', async () => {
    const { app } = setup();
    const res = await request(app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('reports the health of the database', async () => {
    const { app } = setup();
    const res = await request(app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});

describe('logging', () => {
  it('redacts tokens and codes from logged paths', () => {
    expect(redactPath('/s/abcDEF123')).toBe('/s/:token');
    expect(redactPath('/api/respond/KQ7M4T9XWP2H/draft')).toBe('/api/respond/:credential/draft');
  });

  it('never logs a token, an access code or an answer across a whole respondent path', async () => {
    const { app, env, link, token } = setup();
    const secretText = 'Confidential practice text 7f3a';
    await request(app).get(`/s/${token}`);
    await request(app).get(`/api/respond/${token}`);
    await request(app).post('/api/access-code').send({ code: link.access_code });
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, f3_practice: secretText }, page: 1, revision: 0 });
    await request(app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 'bad' }, page: 1, revision: 1 });
    await request(app)
      .post(`/api/respond/${token}/complete`)
      .send({ answers: chargedOfficeAnswers({ f3_practice: secretText }), revision: 1 });
    const log = env.logger.lines.join('\n');
    expect(env.logger.lines.length).toBeGreaterThanOrEqual(6);
    expect(log).toContain('PUT /api/respond/:credential/draft 200');
    expect(log).not.toContain(token);
    expect(log).not.toContain(link.access_code.replaceAll('-', ''));
    expect(log).not.toContain(link.access_code);
    expect(log).not.toContain(secretText);
    expect(log).not.toContain('Witness tampering');
  });
});
