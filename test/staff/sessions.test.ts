import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { addStaff, disableStaff } from '../../server/staff/service.js';
import { addMember, goodPassword, signIn, staffContext, staffEnv, tokenOfLink } from './setup.js';

const MINUTE = 60_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('POST /api/staff/login', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie holding a random id that is stored only as its SHA-256', async () => {
    const env = staffEnv();
    const { email, password } = await addMember(env, 'ada@study.example.org', 'fieldwork');

    const res = await request(env.app).post('/api/staff/login').send({ email, password });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      staff: expect.objectContaining({ email, role: 'fieldwork', status: 'active' }),
      csrfToken: expect.stringMatching(/^[\w-]{32}$/),
    });
    const cookie = String(res.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/^fieldkit_staff=[\w-]{43}; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const id = /^fieldkit_staff=([\w-]+);/.exec(cookie)?.[1] as string;
    const rows = env.db.prepare('SELECT * FROM staff_sessions').all() as Record<string, unknown>[];
    expect(rows).toEqual([expect.objectContaining({ id_hash: sha256(id) })]);
    expect(JSON.stringify(rows)).not.toContain(id);
  });

  it('marks the cookie Secure, with the __Host- prefix, when PUBLIC_URL is https', async () => {
    const env = staffEnv({ publicUrl: 'https://survey.example.org' });
    const { email, password } = await addMember(env, 'ada@study.example.org', 'admin');

    const res = await request(env.app).post('/api/staff/login').send({ email, password });

    const cookie = String(res.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/^__Host-fieldkit_staff=[\w-]{43}; .*Path=\/; .*HttpOnly; Secure; SameSite=Lax$/);
    const sent = cookie.split(';')[0] as string;
    await request(env.app).get('/api/staff/me').set('Cookie', sent).expect(200);
    await request(env.app).get('/api/staff/me').set('Cookie', sent.replace('__Host-', '')).expect(401);
  });

  it('gives one answer to a wrong password, an unknown email, a disabled account and one without a password', async () => {
    const env = staffEnv();
    const ada = await addMember(env, 'ada@study.example.org', 'admin');
    await addMember(env, 'bo@study.example.org', 'admin');
    const gone = await addMember(env, 'gone@study.example.org', 'analyst');
    const ctx = staffContext(env);
    disableStaff(ctx, { id: gone.id, actor: 'test' });
    addStaff(ctx, { email: 'new@study.example.org', role: 'analyst', actor: 'test' });

    const answers = [];
    for (const [email, password] of [
      [ada.email, 'not the password at all'],
      ['nobody@study.example.org', 'whatever it may be'],
      [gone.email, gone.password],
      ['new@study.example.org', 'anything at all here'],
    ]) {
      const res = await request(env.app).post('/api/staff/login').send({ email, password });
      answers.push([res.status, res.body, res.headers['set-cookie']]);
    }

    const expected = [
      401,
      { error: { code: 'login_failed', message: 'The email or password is not right, or the account is not active.' } },
      undefined,
    ];
    expect(answers).toEqual([expected, expected, expected, expected]);
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const env = staffEnv();
    const { password } = await addMember(env, 'ada@study.example.org', 'admin');
    await request(env.app).post('/api/staff/login').send({ email: ' ADA@Study.example.org ', password }).expect(200);
  });

  it('refuses a body that is not an email and password with 400', async () => {
    const env = staffEnv();
    const res = await request(env.app).post('/api/staff/login').send({ email: 'a@b.org' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });
});

describe('staff sessions', () => {
  it('end after 30 minutes without a request, and live on while used', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    env.clock.advance(29 * MINUTE);
    await session.get('/api/staff/me').expect(200);
    env.clock.advance(29 * MINUTE);
    await session.get('/api/staff/me').expect(200);
    env.clock.advance(30 * MINUTE);
    const res = await session.get('/api/staff/me');

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('not_signed_in');
    expect(env.db.prepare('SELECT count(*) FROM staff_sessions').pluck().get()).toBe(0);
  });

  it('end 12 hours after login however busy they are', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      env.clock.advance(20 * MINUTE);
      await session.get('/api/staff/me').expect(200);
    }
    env.clock.advance(20 * MINUTE);

    await session.get('/api/staff/me').expect(401);
  });

  it('end at logout, and the cookie is cleared', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'interviewer');
    const session = await signIn(env, email);

    const res = await session.send('post', '/api/staff/logout');

    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie']?.[0])).toMatch(/^fieldkit_staff=; Path=\/; Expires=Thu, 01 Jan 1970/);
    await session.get('/api/staff/me').expect(401);
  });

  it('of a user all end when an admin changes their role, and only theirs', async () => {
    const env = staffEnv();
    await addMember(env, 'admin@study.example.org', 'admin');
    const ada = await addMember(env, 'ada@study.example.org', 'fieldwork');
    const admin = await signIn(env, 'admin@study.example.org');
    const laptop = await signIn(env, ada.email);
    const phone = await signIn(env, ada.email);

    const res = await admin.send('post', `/api/staff/users/${ada.id}/role`, { role: 'analyst' });

    expect(res.status).toBe(200);
    expect(res.body.staff).toMatchObject({ email: ada.email, role: 'analyst' });
    await laptop.get('/api/staff/me').expect(401);
    await phone.get('/api/staff/me').expect(401);
    await admin.get('/api/staff/me').expect(200);
    const again = await signIn(env, ada.email);
    expect((await again.get('/api/staff/me')).body.staff.role).toBe('analyst');
  });

  it('of a user all end when they are disabled, and they cannot sign in again', async () => {
    const env = staffEnv();
    await addMember(env, 'admin@study.example.org', 'admin');
    const ada = await addMember(env, 'ada@study.example.org', 'fieldwork');
    const admin = await signIn(env, 'admin@study.example.org');
    const session = await signIn(env, ada.email);

    const res = await admin.send('post', `/api/staff/users/${ada.id}/disable`);

    expect(res.body.staff).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
    await session.get('/api/staff/me').expect(401);
    await request(env.app).post('/api/staff/login').send({ email: ada.email, password: ada.password }).expect(401);
  });

  it('of a user all end when their password is reset or set again', async () => {
    const env = staffEnv();
    await addMember(env, 'admin@study.example.org', 'admin');
    const ada = await addMember(env, 'ada@study.example.org', 'fieldwork');
    const admin = await signIn(env, 'admin@study.example.org');
    const before = await signIn(env, ada.email);

    const reset = await admin.send('post', `/api/staff/users/${ada.id}/reset-password`);

    expect(reset.status).toBe(200);
    await before.get('/api/staff/me').expect(401);
    await request(env.app).post('/api/staff/login').send({ email: ada.email, password: ada.password }).expect(401);
    const newPassword = 'saffron kettle drifts upstream';
    await request(env.app)
      .post('/api/staff/password')
      .send({ token: tokenOfLink(reset.body.setPasswordLink), password: newPassword })
      .expect(200);
    const after = await signIn(env, ada.email, newPassword);
    await after.get('/api/staff/me').expect(200);
    expect(goodPassword(ada.email)).toBe(ada.password);
  });

  it('tell the console its account and CSRF token through GET /api/staff/me', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    const res = await session.get('/api/staff/me');

    expect(res.body).toEqual({
      staff: expect.objectContaining({ email, role: 'analyst' }),
      via: 'session',
      csrfToken: session.csrf,
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('the time a session has left (the console warns before it ends)', () => {
  it('is on every answer to a session request as X-Session-Expires-In, counted from the last recorded request', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    env.clock.advance(10 * MINUTE);
    const me = await session.get('/api/staff/me');
    // The idle clock is written only every 15 s: a request sooner does not restart it.
    env.clock.advance(10_000);
    const tokens = await session.get('/api/staff/tokens');

    expect(me.headers['x-session-expires-in']).toBe(String(30 * 60));
    expect(tokens.headers['x-session-expires-in']).toBe(String(30 * 60 - 10));
  });

  it('is never sent to a personal API token, which has no idle timeout', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);
    const { token } = (await session.send('post', '/api/staff/tokens', { name: 'script' }).expect(201)).body;

    const res = await request(env.app).get('/api/staff/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(200);
    expect(res.headers['x-session-expires-in']).toBeUndefined();
  });

  it('restarts at POST /api/staff/session ("Stay signed in"), which keeps the session past its first 30 minutes', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    env.clock.advance(28 * MINUTE + 5_000);
    const kept = await session.send('post', '/api/staff/session');
    env.clock.advance(28 * MINUTE);
    const later = await session.get('/api/staff/me');

    expect(kept.status).toBe(200);
    expect(kept.body).toEqual({ expiresInSeconds: 30 * 60 });
    expect(kept.headers['x-session-expires-in']).toBe(String(30 * 60));
    expect(later.status).toBe(200);
    expect(later.headers['x-session-expires-in']).toBe(String(30 * 60));
  });

  it('never passes the 12 hours from sign-in, and a session that has ended cannot be kept', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      env.clock.advance(20 * MINUTE);
      await session.send('post', '/api/staff/session').expect(200);
    }

    const last = await session.send('post', '/api/staff/session');
    env.clock.advance(20 * MINUTE);
    const gone = await session.send('post', '/api/staff/session');

    expect(last.body).toEqual({ expiresInSeconds: 20 * 60 });
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('not_signed_in');
  });

  it('refuses "Stay signed in" without the CSRF token', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'ada@study.example.org', 'analyst');
    const session = await signIn(env, email);

    const res = await request(env.app).post('/api/staff/session').set('Cookie', session.cookie);

    expect(res.status).toBe(403);
  });
});
