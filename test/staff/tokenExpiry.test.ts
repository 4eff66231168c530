import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, openDatabase, readMigrations } from '../../server/platform/db.js';
import { addMember, signIn, staffEnv } from './setup.js';

const DAY = 24 * 60 * 60 * 1000;
const bearer = (token: string) => `Bearer ${token}`;

async function setup() {
  const env = staffEnv();
  await addMember(env, 'admin@study.example.org', 'admin');
  await addMember(env, 'ada@study.example.org', 'analyst');
  const admin = await signIn(env, 'admin@study.example.org');
  const ada = await signIn(env, 'ada@study.example.org');
  const inDays = (days: number) => new Date(env.clock().getTime() + days * DAY).toISOString();
  return { env, admin, ada, inDays };
}

describe('personal API tokens: expiry and last use', () => {
  it('expire after the default lifetime, and the list shows when each expires and was last used', async () => {
    const { env, ada, inDays } = await setup();
    const created = await ada.send('post', '/api/staff/tokens', { name: 'nightly R script' }).expect(201);
    const { token } = created.body as { token: string };
    const expiresAt = inDays(90);
    expect(created.body.apiToken).toMatchObject({ expiresAt, lastUsedAt: null });

    env.clock.advance(2 * DAY);
    await request(env.app).get('/api/staff/me').set('Authorization', bearer(token)).expect(200);
    // Two days on, the console session has long ended: sign in again to see the list.
    const listed = await (await signIn(env, 'ada@study.example.org')).get('/api/staff/tokens').expect(200);
    expect(listed.body.tokens).toEqual([
      expect.objectContaining({ name: 'nightly R script', expiresAt, lastUsedAt: env.clock().toISOString() }),
    ]);

    env.clock.advance(88 * DAY);
    const expired = await request(env.app).get('/api/staff/me').set('Authorization', bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({
      code: 'token_expired',
      message: `This API token expired at ${expiresAt}; create a new one in the console (API tokens).`,
    });
    const relisted = await signIn(env, 'ada@study.example.org');
    expect((await relisted.get('/api/staff/tokens')).body.tokens).toEqual([]);
  });

  it('take the lifetime asked for up to the maximum an admin set, and refuse a longer one naming the maximum', async () => {
    const { ada, admin, inDays } = await setup();
    expect((await ada.get('/api/staff/token-settings').expect(200)).body).toEqual({
      settings: { defaultDays: 90, maxDays: 365, updatedAt: null, updatedBy: null },
    });

    const saved = await admin.send('put', '/api/staff/token-settings', { defaultDays: 30, maxDays: 60 }).expect(200);
    expect(saved.body.settings).toMatchObject({ defaultDays: 30, maxDays: 60, updatedBy: 'admin@study.example.org' });

    const byDefault = await ada.send('post', '/api/staff/tokens', { name: 'default' }).expect(201);
    const longest = await ada.send('post', '/api/staff/tokens', { name: 'longest', expiresInDays: 60 }).expect(201);
    const tooLong = await ada.send('post', '/api/staff/tokens', { name: 'too long', expiresInDays: 61 });
    const notWhole = await ada.send('post', '/api/staff/tokens', { name: 'half', expiresInDays: 1.5 });

    expect(byDefault.body.apiToken.expiresAt).toBe(inDays(30));
    expect(longest.body.apiToken.expiresAt).toBe(inDays(60));
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error).toMatchObject({
      code: 'token_lifetime_too_long',
      message: 'An API token may live at most 60 days (set by an admin); ask for 60 or fewer.',
    });
    expect(notWhole.status).toBe(400);
    expect(notWhole.body.error.details.problems).toEqual([
      { path: 'expiresInDays', message: 'must be a whole number of days' },
    ]);
  });

  it('let only an admin set the default and maximum, and refuse a default above the maximum', async () => {
    const { ada, admin } = await setup();

    const notAdmin = await ada.send('put', '/api/staff/token-settings', { defaultDays: 30, maxDays: 60 });
    const above = await admin.send('put', '/api/staff/token-settings', { defaultDays: 90, maxDays: 60 });
    const tooLong = await admin.send('put', '/api/staff/token-settings', { defaultDays: 30, maxDays: 5000 });

    expect(notAdmin.status).toBe(403);
    expect(above.status).toBe(400);
    expect(above.body.error.details.problems).toEqual([
      { path: 'defaultDays', message: 'must not be more than the maximum (60 days)' },
    ]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.problems).toEqual([
      { path: 'maxDays', message: 'must be at most 3650 days (10 years)' },
    ]);
  });

  it('shorten live tokens to a lowered maximum, and record the change in the audit log', async () => {
    const { env, ada, admin, inDays } = await setup();
    const long = await ada.send('post', '/api/staff/tokens', { name: 'long', expiresInDays: 300 }).expect(201);
    await ada.send('post', '/api/staff/tokens', { name: 'short', expiresInDays: 10 }).expect(201);

    const saved = await admin.send('put', '/api/staff/token-settings', { defaultDays: 14, maxDays: 30 }).expect(200);

    expect(saved.body.tokensShortened).toBe(1);
    const tokens = (await ada.get('/api/staff/tokens')).body.tokens as { name: string; expiresAt: string }[];
    expect(tokens.map((t) => [t.name, t.expiresAt])).toEqual([
      ['long', inDays(30)],
      ['short', inDays(10)],
    ]);
    env.clock.advance(31 * DAY);
    await request(env.app).get('/api/staff/me').set('Authorization', bearer(long.body.token)).expect(401);
    const audit = await signIn(env, 'admin@study.example.org');
    const entries = (await audit.get('/api/staff/audit?action=staff.token_settings')).body.entries;
    expect(entries.map((e: { detail: unknown }) => e.detail)).toEqual([
      { from: { defaultDays: 90, maxDays: 365 }, to: { defaultDays: 14, maxDays: 30 }, tokensShortened: 1 },
    ]);
  });

  it('give tokens made before tokens expired the default lifetime from the upgrade on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-tokens-'));
    const db = openDatabase(path.join(dir, 'fieldkit.db'));
    onTestFinished(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const all = readMigrations();
    const expiry = all.findIndex((m) => m.name === 'api_token_expiry');
    migrate(db, all.slice(0, expiry));
    db.prepare(
      "INSERT INTO staff (email, role, created_at) VALUES ('old@study.example.org', 'analyst', '2026-01-01T00:00:00.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO staff_api_tokens (staff_id, name, token_hash, prefix, created_at) VALUES (1, 'old script', 'h', 'fkp_ab', '2026-01-01T00:00:00.000Z')",
    ).run();

    const before = Date.now();
    migrate(db, all);

    const expiresAt = Date.parse(db.prepare('SELECT expires_at FROM staff_api_tokens').pluck().get() as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 90 * DAY - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 90 * DAY + 1000);
  });
});
