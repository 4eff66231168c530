import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tokenOf } from '../support/app.js';
import { setup } from './setup.js';

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
