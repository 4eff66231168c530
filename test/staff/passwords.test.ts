import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { defaultStaffSettings } from '../../server/platform/config.js';
import { projectRoot } from '../../server/platform/paths.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../server/staff/passwords.js';
import { addStaff } from '../../server/staff/service.js';
import { staffContext, staffEnv, tokenOfLink } from './setup.js';

describe('password hashing', () => {
  it('uses scrypt with N = 2^16 by default, a salt per password and the parameters stored with the hash', async () => {
    expect(defaultStaffSettings.scryptLogN).toBe(16);

    const first = await hashPassword('amber lantern over the quay', defaultStaffSettings.scryptLogN);
    const second = await hashPassword('amber lantern over the quay', defaultStaffSettings.scryptLogN);

    expect(first).toMatch(/^scrypt\$65536\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword('amber lantern over the quay', first)).toBe(true);
    expect(await verifyPassword('amber lantern over the quaY', first)).toBe(false);
    expect(await verifyPassword('amber lantern over the quay', 'bcrypt$whatever')).toBe(false);
  });

  it('hashes off the event loop: timers keep firing while a 2^16 hash is computed', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
    }, 5);
    const started = Date.now();
    await hashPassword('amber lantern over the quay', 16);
    const elapsed = Date.now() - started;
    clearInterval(timer);

    expect(elapsed).toBeGreaterThan(40);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 3));
  });
});

describe('password rules', () => {
  const email = 'ada.lovelace@study.example.org';

  it.each([
    ['short', 'Tr0ub4dor&3', /at least 12 characters/],
    ['a common password', 'qazwsxedcrfv', /most common/],
    ['a common password in capitals', 'PASSWORD1234', /most common/],
    ['a common word with digits and symbols on the ends', '2024!!Football!!', /most common/],
    ['one short piece repeated', 'abcabcabcabc', /most common/],
    ['the email address', 'ada.lovelace@study.example.org', /email/],
    ['the email’s name inside', 'my ada.lovelace pass', /email/],
  ])('refuses %s', (_what, password, message) => {
    expect(passwordProblem(password, email)).toMatch(message);
  });

  it.each([['correct horse battery'], ['Tr0ub4dor&3 plus one'], ['zebra-quarter-mind']])('accepts %s', (password) => {
    expect(passwordProblem(password, email)).toBeUndefined();
  });

  it('checks against a shipped list of the 10,000 most common passwords, with its MIT licence', () => {
    const text = readFileSync(path.join(projectRoot, 'server', 'staff', 'common-passwords.txt'), 'utf8');
    const entries = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(entries).toHaveLength(10_000);
    expect(text).toContain('Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.');
    expect(text).toContain('Permission is hereby granted, free of charge');
  });
});

describe('POST /api/staff/password', () => {
  function invite(env: ReturnType<typeof staffEnv>) {
    const { link } = addStaff(staffContext(env), { email: 'ada@study.example.org', role: 'analyst', actor: 'test' });
    expect(link).toMatch(/^http:\/\/fieldkit\.test\/staff\/password#[\w-]{32}$/);
    return tokenOfLink(link);
  }

  it('refuses a weak password with 422 and leaves the link usable', async () => {
    const env = staffEnv();
    const token = invite(env);

    const weak = await request(env.app).post('/api/staff/password').send({ token, password: 'password12345' });
    const good = await request(env.app).post('/api/staff/password').send({ token, password: 'quiet orchard at dusk' });

    expect(weak.status).toBe(422);
    expect(weak.body.error.code).toBe('weak_password');
    expect(good.status).toBe(200);
    expect(good.body.staff).toMatchObject({ email: 'ada@study.example.org', status: 'active' });
    await request(env.app)
      .post('/api/staff/login')
      .send({ email: 'ada@study.example.org', password: 'quiet orchard at dusk' })
      .expect(200);
  });

  it('works once: a used, unknown or expired link answers 404', async () => {
    const env = staffEnv();
    const token = invite(env);
    await request(env.app).post('/api/staff/password').send({ token, password: 'quiet orchard at dusk' }).expect(200);
    const expiring = addStaff(staffContext(env), { email: 'bo@study.example.org', role: 'analyst', actor: 'test' });
    env.clock.advance(72 * 60 * 60 * 1000);

    for (const t of [token, 'x'.repeat(32), tokenOfLink(expiring.link)]) {
      const res = await request(env.app)
        .post('/api/staff/password')
        .send({ token: t, password: 'another calm evening' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('password_link_not_valid');
    }
  });

  it('stores the link only as a hash', async () => {
    const env = staffEnv();
    const token = invite(env);
    const rows = JSON.stringify(env.db.prepare('SELECT * FROM staff_password_links').all());
    expect(rows).not.toContain(token);
  });
});

describe('GET /staff/password (the page a set-password link opens)', () => {
  it('answers with the staff console page, uncached; the token stays in the fragment, never sent', async () => {
    const env = staffEnv();

    const page = await request(env.app).get('/staff/password');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<title>Fieldkit staff</title>');
  });
});
