import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAccessRepo } from '../../server/access/repo.js';
import { createApp } from '../../server/app.js';
import { openDatabase } from '../../server/platform/db.js';
import { tokenOf } from '../support/app.js';
import { listenOnLoopback, requestFrom } from '../support/loopback.js';
import { setup } from './setup.js';

const MINUTE = 60_000;

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

/** Wrong codes, all of the valid shape (ABCD-EFGH-JK + two more letters), distinct per call. */
let wrong = 0;
const wrongCode = () => {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  wrong += 1;
  return `ABCD-EFGH-JK${letters[Math.floor(wrong / letters.length) % letters.length]}${letters[wrong % letters.length]}`;
};
const wrongLink = () => `${'B'.repeat(30)}${String(++wrong).padStart(2, '0')}`.slice(-32);

/** A fielding served on loopback, with helpers that send requests from a chosen source address. */
async function served(options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  const { base } = await listenOnLoopback(ctx.app);
  const code = ctx.links[0]?.access_code as string;
  const from = (address: string, headers: Record<string, string> = {}) => ({
    tryCode: (c: string) =>
      requestFrom(address, `${base}/api/access-code`, { method: 'POST', json: { code: c }, headers }),
    open: (credential: string) => requestFrom(address, `${base}/api/respond/${credential}`, { headers }),
    saveDraft: (credential: string, revision: number) =>
      requestFrom(address, `${base}/api/respond/${credential}/draft`, {
        method: 'PUT',
        json: { answers: {}, page: 0, revision },
        headers,
      }),
  });
  return { ...ctx, base, code, from };
}

describe('throttling of failed link and code look-ups, per client address', () => {
  it('slows a guesser with growing delays: 429 with Retry-After once its free failures are spent, doubling after each further one', async () => {
    const { from, env } = await served({ throttle: { freeFailures: { link: 20, code: 3 }, baseDelayMs: MINUTE } });
    const guesser = from('127.0.0.2');

    const free = [];
    for (let i = 0; i < 3; i++) free.push((await guesser.tryCode(wrongCode())).status);
    const blocked = await guesser.tryCode(wrongCode());
    env.clock.advance(MINUTE);
    const fourth = (await guesser.tryCode(wrongCode())).status;
    const blockedAgain = await guesser.tryCode(wrongCode());
    env.clock.advance(2 * MINUTE);
    const fifth = (await guesser.tryCode(wrongCode())).status;
    const blockedLonger = await guesser.tryCode(wrongCode());

    expect(free).toEqual([404, 404, 404]);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect((blocked.body as { error: { code: string } }).error.code).toBe('too_many_requests');
    expect(fourth).toBe(404);
    expect(blockedAgain.headers['retry-after']).toBe('120');
    expect(fifth).toBe(404);
    expect(blockedLonger.headers['retry-after']).toBe('240');
  });

  it('caps the delay and forgets a client an hour after its last failure', async () => {
    const { from, env } = await served({
      throttle: { freeFailures: { link: 1, code: 1 }, baseDelayMs: MINUTE, maxDelayMs: 3 * MINUTE },
    });
    const guesser = from('127.0.0.2');
    for (let i = 0; i < 4; i++) {
      await guesser.open(wrongLink());
      env.clock.advance(3 * MINUTE);
    }
    await guesser.open(wrongLink());
    const capped = await guesser.open(wrongLink());
    env.clock.advance(60 * MINUTE);
    const forgotten = await guesser.open(wrongLink());

    expect(capped.headers['retry-after']).toBe('180');
    expect(forgotten.status).toBe(404);
  });

  it('never refuses a valid code or link from an address that is being slowed: a colleague behind the same NAT keeps working', async () => {
    const { from, code, token } = await served({
      throttle: { freeFailures: { link: 2, code: 2 }, baseDelayMs: 15 * MINUTE },
    });
    const office = from('127.0.0.2');
    for (let i = 0; i < 5; i++) await office.tryCode(wrongCode());
    for (let i = 0; i < 5; i++) await office.open(wrongLink());
    const credential = code.replaceAll('-', '');

    expect((await office.tryCode(wrongCode())).status).toBe(429);
    expect((await office.open(wrongLink())).status).toBe(429);
    expect((await office.tryCode(code)).status).toBe(200);
    expect((await office.open(credential)).status).toBe(200);
    expect((await office.saveDraft(credential, 0)).status).toBe(200);
    expect((await office.open(token)).status).toBe(200);
    expect((await office.saveDraft(token, 1)).status).toBe(200);
  });

  it('keeps client addresses apart: a guesser at 127.0.0.2 does not slow 127.0.0.3', async () => {
    const { from } = await served({ throttle: { freeFailures: { link: 2, code: 2 } } });
    for (let i = 0; i < 5; i++) await from('127.0.0.2').tryCode(wrongCode());

    expect((await from('127.0.0.2').tryCode(wrongCode())).status).toBe(429);
    expect((await from('127.0.0.3').tryCode(wrongCode())).status).toBe(404);
  });

  it('has no global lockout: 500 wrong codes from 50 addresses leave a fresh address free, and are counted and logged', async () => {
    const { from, code, env } = await served();
    for (let a = 0; a < 50; a++) {
      for (let i = 0; i < 10; i++) await from(`127.0.1.${a + 1}`).tryCode(wrongCode());
    }
    const fresh = from('127.0.2.1');

    expect((await fresh.tryCode(code)).status).toBe(200);
    expect((await fresh.tryCode(wrongCode())).status).toBe(404);
    const today = env.clock().toISOString().slice(0, 10);
    expect(createAccessRepo(env.db).dayTotal(today, 'code')).toMatchObject({ failures: 501, clients: 51 });
    const slowed = env.logger.lines.filter((l) => l.startsWith('access: code look-ups from 127.0.1.'));
    expect(slowed).toHaveLength(50);
    expect(slowed.at(-1)).toMatch(/today 500 failed code look-ups from 50 clients$/);
  });

  it('keeps the delays across a restart: the state is in SQLite', async () => {
    const { from, env } = await served({ throttle: { freeFailures: { link: 2, code: 2 }, baseDelayMs: 15 * MINUTE } });
    for (let i = 0; i < 3; i++) await from('127.0.0.2').tryCode(wrongCode());

    // A second app over a new connection to the same file, as after `kill -9` and a new start.
    const db = openDatabase(env.config.databaseFile);
    const restarted = createApp({ ...env, db });
    const { base } = await listenOnLoopback(restarted);
    const afterRestart = await requestFrom('127.0.0.2', `${base}/api/access-code`, {
      method: 'POST',
      json: { code: wrongCode() },
    });
    db.close();

    expect(afterRestart.status).toBe(429);
    expect(Number(afterRestart.headers['retry-after'])).toBe(15 * 60);
  });

  it('does not count successful look-ups: a respondent autosaving all day is never slowed', async () => {
    const { from, links } = await served({ throttle: { freeFailures: { link: 2, code: 2 } } });
    const token = tokenOf(links[1] as (typeof links)[number]);
    const office = from('127.0.0.2');
    for (let revision = 0; revision < 30; revision++) {
      expect((await office.saveDraft(token, revision)).status).toBe(200);
    }

    expect((await office.open(wrongLink())).status).toBe(404);
  });
});

describe('TRUST_PROXY', () => {
  it('with a hop count, counts the address the proxy saw: rotating the leftmost X-Forwarded-For changes nothing', async () => {
    const { from } = await served({ trustProxy: '1', throttle: { freeFailures: { link: 2, code: 2 } } });
    // 127.0.0.2 is the reverse proxy; it appends the address it saw (198.51.100.7) to whatever the client sent.
    const viaProxy = (forwarded: string) => from('127.0.0.2', { 'x-forwarded-for': forwarded });
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await viaProxy(`10.0.0.${i}, 198.51.100.7`).tryCode(wrongCode())).status);

    expect(statuses).toEqual([404, 404, 429, 429, 429]);
    expect((await viaProxy('198.51.100.8').tryCode(wrongCode())).status).toBe(404);
  });

  it('ignores X-Forwarded-For from a client that is not a listed proxy, so nobody can have another address slowed', async () => {
    const { from } = await served({ trustProxy: '127.0.0.9', throttle: { freeFailures: { link: 2, code: 2 } } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await from('127.0.0.2', { 'x-forwarded-for': '127.0.0.3' }).tryCode(wrongCode())).status);
    }

    expect(statuses).toEqual([404, 404, 429, 429]);
    expect((await from('127.0.0.3').tryCode(wrongCode())).status).toBe(404);
  });

  it('honours X-Forwarded-For from a listed proxy address', async () => {
    const { from } = await served({ trustProxy: '127.0.0.9', throttle: { freeFailures: { link: 2, code: 2 } } });
    for (let i = 0; i < 3; i++) await from('127.0.0.9', { 'x-forwarded-for': '203.0.113.5' }).tryCode(wrongCode());

    expect((await from('127.0.0.9', { 'x-forwarded-for': '203.0.113.5' }).tryCode(wrongCode())).status).toBe(429);
    expect((await from('127.0.0.9', { 'x-forwarded-for': '203.0.113.6' }).tryCode(wrongCode())).status).toBe(404);
  });
});
