import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { addMember, signIn, staffEnv } from './setup.js';

const bearer = (token: string) => `Bearer ${token}`;

async function setup(role: 'admin' | 'analyst' = 'analyst') {
  const env = staffEnv();
  await addMember(env, 'admin@study.example.org', 'admin');
  const owner = await addMember(env, 'ada@study.example.org', role);
  const session = await signIn(env, owner.email);
  const created = await session.send('post', '/api/staff/tokens', { name: 'nightly R script' });
  expect(created.status).toBe(201);
  return { env, owner, session, token: created.body.token as string, created };
}

describe('personal API tokens', () => {
  it('are shown once at creation, listed by name and first characters only, and stored hashed', async () => {
    const { env, session, token, created } = await setup();

    const list = await session.get('/api/staff/tokens');

    expect(token).toMatch(/^fkp_[\w-]{43}$/);
    expect(created.body.apiToken).toEqual({
      id: expect.any(Number),
      name: 'nightly R script',
      prefix: token.slice(0, 10),
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: expect.any(String),
    });
    expect(list.body).toEqual({ tokens: [created.body.apiToken] });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(env.db.prepare('SELECT * FROM staff_api_tokens').all())).not.toContain(token);
  });

  it('sign requests in as their owner, with the owner’s role, and need no CSRF token', async () => {
    const { env, token } = await setup('analyst');

    const me = await request(env.app).get('/api/staff/me').set('Authorization', bearer(token));
    const users = await request(env.app).get('/api/staff/users').set('Authorization', bearer(token));
    const fieldings = await request(env.app).get('/api/staff/fieldings').set('Authorization', bearer(token));

    expect(me.status).toBe(200);
    expect(me.body).toEqual({ staff: expect.objectContaining({ email: 'ada@study.example.org' }), via: 'token' });
    expect(users.status).toBe(403);
    expect(fieldings.status).toBe(200);
  });

  it('of an admin change staff data without a CSRF token', async () => {
    const { env, token } = await setup('admin');

    const res = await request(env.app)
      .post('/api/staff/users')
      .set('Authorization', bearer(token))
      .send({ email: 'script-made@study.example.org', role: 'interviewer' });

    expect(res.status).toBe(201);
  });

  it('follow their owner’s role when it changes', async () => {
    const { env, owner, token } = await setup('analyst');
    const admin = await signIn(env, 'admin@study.example.org');

    await admin.send('post', `/api/staff/users/${owner.id}/role`, { role: 'admin' }).expect(200);

    await request(env.app).get('/api/staff/users').set('Authorization', bearer(token)).expect(200);
  });

  it('stop working when revoked, or when their owner is disabled', async () => {
    const { env, owner, session, token, created } = await setup();
    const second = (await session.send('post', '/api/staff/tokens', { name: 'second' })).body.token as string;

    await session.send('delete', `/api/staff/tokens/${created.body.apiToken.id}`).expect(200);
    const revoked = await request(env.app).get('/api/staff/me').set('Authorization', bearer(token));
    await request(env.app).get('/api/staff/me').set('Authorization', bearer(second)).expect(200);
    const admin = await signIn(env, 'admin@study.example.org');
    await admin.send('post', `/api/staff/users/${owner.id}/disable`).expect(200);
    const disabled = await request(env.app).get('/api/staff/me').set('Authorization', bearer(second));

    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('token_not_valid');
    expect(disabled.status).toBe(401);
  });

  it('cannot revoke another user’s token (404), nor an unknown one', async () => {
    const { env, created } = await setup();
    const admin = await signIn(env, 'admin@study.example.org');

    const other = await admin.send('delete', `/api/staff/tokens/${created.body.apiToken.id}`);
    const unknown = await admin.send('delete', '/api/staff/tokens/424242');
    const malformed = await admin.send('delete', '/api/staff/tokens/abc');

    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
  });

  it('cannot create more tokens or log out: those need a signed-in session', async () => {
    const { env, token } = await setup();

    for (const path of ['/api/staff/tokens', '/api/staff/logout']) {
      const res = await request(env.app).post(path).set('Authorization', bearer(token)).send({ name: 'more' });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('session_required');
    }
  });

  it('refuse a malformed or unknown bearer token with 401 rather than falling back to the cookie', async () => {
    const { env, session } = await setup();

    for (const header of ['Bearer fkp_unknown', 'Basic abc', 'Bearer ']) {
      const res = await request(env.app)
        .get('/api/staff/me')
        .set('Cookie', session.cookie)
        .set('Authorization', header);
      expect(res.status, header).toBe(401);
    }
  });
});
