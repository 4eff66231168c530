import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { seedFielding } from '../support/app.js';
import { addMember, signIn, staffEnv, tokenOfLink } from './setup.js';

async function asAdmin() {
  const env = staffEnv();
  const admin = await addMember(env, 'admin@study.example.org', 'admin');
  return { env, adminId: admin.id, admin: await signIn(env, admin.email) };
}

describe('staff management (admin)', () => {
  it('adds an account and answers with its one-time set-password link', async () => {
    const { env, admin } = await asAdmin();

    const res = await admin.send('post', '/api/staff/users', { email: 'bo@study.example.org', role: 'fieldwork' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      staff: {
        id: expect.any(Number),
        email: 'bo@study.example.org',
        fullName: '',
        initials: 'BO',
        role: 'fieldwork',
        status: 'password_not_set',
        createdAt: '2027-02-01T09:00:00.000Z',
        disabledAt: null,
      },
      setPasswordLink: expect.stringMatching(/^http:\/\/fieldkit\.test\/staff\/password#[\w-]{32}$/),
      expiresAt: '2027-02-04T09:00:00.000Z',
    });
    await request(env.app)
      .post('/api/staff/password')
      .send({ token: tokenOfLink(res.body.setPasswordLink), password: 'copper field at noon' })
      .expect(200);
    const list = await admin.get('/api/staff/users');
    expect(list.body.staff.map((s: { email: string; status: string }) => [s.email, s.status])).toEqual([
      ['admin@study.example.org', 'active'],
      ['bo@study.example.org', 'active'],
    ]);
  });

  it('refuses a second account for the same email, in any case, with 409', async () => {
    const { admin } = await asAdmin();
    const res = await admin.send('post', '/api/staff/users', { email: 'ADMIN@study.example.org', role: 'analyst' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('staff_exists');
  });

  it.each([
    [{ email: 'not-an-email', role: 'analyst' }],
    [{ email: 'bo@study.example.org', role: 'owner' }],
    [{ email: 'bo@study.example.org', role: 'analyst', extra: true }],
  ])('refuses the body %j with 400 naming the problem', async (body) => {
    const { admin } = await asAdmin();
    const res = await admin.send('post', '/api/staff/users', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', details: { problems: expect.any(Array) } });
  });

  it('answers 404 for an account that does not exist', async () => {
    const { admin } = await asAdmin();
    for (const path of ['/api/staff/users/4242/disable', '/api/staff/users/4242/reset-password']) {
      expect((await admin.send('post', path)).status, path).toBe(404);
    }
    expect((await admin.send('post', '/api/staff/users/4242/role', { role: 'analyst' })).status).toBe(404);
  });

  it('keeps one active admin: the last cannot be demoted or disabled', async () => {
    const { admin, adminId } = await asAdmin();

    const demote = await admin.send('post', `/api/staff/users/${adminId}/role`, { role: 'analyst' });
    const disable = await admin.send('post', `/api/staff/users/${adminId}/disable`);

    expect([demote.status, demote.body.error.code]).toEqual([409, 'last_admin']);
    expect([disable.status, disable.body.error.code]).toEqual([409, 'last_admin']);
  });
});

describe('GET /api/staff/audit', () => {
  it('records logins, failed logins, role changes, disables and resets, newest first', async () => {
    const { env, admin } = await asAdmin();
    const bo = await addMember(env, 'bo@study.example.org', 'fieldwork');
    await request(env.app).post('/api/staff/login').send({ email: bo.email, password: 'wrong guess again' });
    await admin.send('post', `/api/staff/users/${bo.id}/role`, { role: 'analyst' }).expect(200);
    await admin.send('post', `/api/staff/users/${bo.id}/reset-password`).expect(200);
    await admin.send('post', `/api/staff/users/${bo.id}/disable`).expect(200);

    const res = await admin.get('/api/staff/audit');

    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual([
      'admin@study.example.org staff.disable',
      'admin@study.example.org staff.reset_password',
      'admin@study.example.org staff.role_change',
      'bo@study.example.org staff.login_failed',
      'bo@study.example.org staff.password_set',
      'test staff.add',
      'admin@study.example.org staff.login',
      'admin@study.example.org staff.password_set',
      'test staff.add',
    ]);
    expect(res.body.entries[2].detail).toEqual({
      email: 'bo@study.example.org',
      from: 'fieldwork',
      to: 'analyst',
      sessionsEnded: 0,
    });
    expect(res.body.entries[3].detail).toEqual({ reason: 'wrong_password', client: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('wrong guess again');
  });

  it('filters by actor, action and date range, and pages', async () => {
    const { env } = await asAdmin();
    for (let i = 0; i < 5; i++) {
      await request(env.app)
        .post('/api/staff/login')
        .send({ email: 'x@study.example.org', password: `guess ${i} here` });
      env.clock.advance(24 * 60 * 60 * 1000);
    }
    const admin = await signIn(env, 'admin@study.example.org');

    const byActor = await admin.get('/api/staff/audit?actor=X@study.example.org&action=staff.login_failed');
    const page2 = await admin.get('/api/staff/audit?actor=x@study.example.org&pageSize=2&page=2');
    const range = await admin.get('/api/staff/audit?action=staff.login_failed&from=2027-02-02&to=2027-02-03');
    const beyond = await admin.get('/api/staff/audit?actor=x@study.example.org&page=9');

    expect(byActor.body.total).toBe(5);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page2.body.entries.map((e: { at: string }) => e.at)).toEqual([
      '2027-02-03T09:00:00.000Z',
      '2027-02-02T09:00:00.000Z',
    ]);
    expect(range.body.entries.map((e: { at: string }) => e.at)).toEqual([
      '2027-02-03T09:00:00.000Z',
      '2027-02-02T09:00:00.000Z',
    ]);
    expect(beyond.body).toMatchObject({ entries: [], total: 5 });
  });

  it.each([['pageSize=500'], ['page=0'], ['from=yesterday'], ['sort=at']])('refuses ?%s with 400', async (query) => {
    const { admin } = await asAdmin();
    const res = await admin.get(`/api/staff/audit?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });
});

describe('GET /api/staff/fieldings', () => {
  it('lists every fielding with its instrument version and case count', async () => {
    const { env, admin } = await asAdmin();
    seedFielding(env, { offices: 3 });

    const res = await admin.get('/api/staff/fieldings');

    expect(res.body).toEqual({
      fieldings: [
        {
          name: 'pilot',
          instrument: 'tip-prosecutor-survey',
          instrumentVersion: expect.any(String),
          cases: 3,
          createdAt: expect.any(String),
          closesAt: null,
          thresholds: { complete: 80, partial: 50 },
        },
      ],
    });
  });
});
