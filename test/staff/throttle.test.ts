import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { TestEnv } from '../support/app.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { listenOnLoopback, requestFrom } from '../support/loopback.js';
import { addMember, staffEnv } from './setup.js';

const ATTACKER = '203.0.113.66';
const OFFICE = '198.51.100.7';
const RESPONDENT = '192.0.2.44';

/** A real listener, so ten thousand requests reuse connections instead of starting a server each. */
async function listen(env: TestEnv): Promise<string> {
  const server = createServer(env.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function hammer(base: string, email: string, attempts: number, from: string | ((i: number) => string)) {
  const statuses = new Map<number, number>();
  const concurrency = 16;
  let next = 0;
  const worker = async () => {
    while (next < attempts) {
      const i = next++;
      const res = await fetch(`${base}/api/staff/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': typeof from === 'string' ? from : from(i),
        },
        body: JSON.stringify({ email, password: `guess number ${i} for this` }),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return Object.fromEntries(statuses);
}

const login = (env: TestEnv, email: string, password: string, from: string) =>
  request(env.app).post('/api/staff/login').set('X-Forwarded-For', from).send({ email, password });

describe('staff login throttle', () => {
  it('after 10,000 failed logins for one account, other staff sign in and respondents answer as before', async () => {
    const env = staffEnv({ trustProxy: '1' });
    const target = await addMember(env, 'director@study.example.org', 'admin');
    const colleague = await addMember(env, 'ada@study.example.org', 'fieldwork');
    const [link] = seedFielding(env, { offices: 1 });
    const base = await listen(env);

    const started = Date.now();
    const statuses = await hammer(base, target.email, 10_000, ATTACKER);

    // Five free failures (with scrypt), then waits: every later guess is refused before any hashing.
    expect(statuses).toEqual({ 401: 5, 429: 9_995 });
    expect(Date.now() - started).toBeLessThan(60_000);
    await login(env, colleague.email, colleague.password, OFFICE).expect(200);
    const respondent = await request(env.app)
      .get(`/api/respond/${tokenOf(link as NonNullable<typeof link>)}`)
      .set('X-Forwarded-For', RESPONDENT);
    expect(respondent.status).toBe(200);
    expect(env.db.prepare('SELECT count(*) FROM access_failures').pluck().get()).toBe(0);
    // The attacker's address waits; the owner, at an address that has not failed, signs in at once.
    const attacker = await login(env, target.email, target.password, ATTACKER);
    expect(attacker.status).toBe(429);
    expect(Number(attacker.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    await login(env, target.email, target.password, OFFICE).expect(200);
  }, 120_000);

  it('slows one client guessing many accounts, but not the staff at other addresses', async () => {
    const env = staffEnv({ trustProxy: '1' });
    const ada = await addMember(env, 'ada@study.example.org', 'analyst');

    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push((await login(env, `user${i}@study.example.org`, 'some guess or other', ATTACKER)).status);
    }

    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual([429, 429]);
    await login(env, ada.email, ada.password, ATTACKER).expect(429);
    await login(env, ada.email, ada.password, OFFICE).expect(200);
  });

  it('lets the owner retry after a few typos, and a success clears the account’s count', async () => {
    const env = staffEnv({ trustProxy: '1' });
    const ada = await addMember(env, 'ada@study.example.org', 'analyst');

    for (let i = 0; i < 4; i++) await login(env, ada.email, 'typo in the password', OFFICE).expect(401);
    await login(env, ada.email, ada.password, OFFICE).expect(200);
    for (let i = 0; i < 4; i++) await login(env, ada.email, 'typo in the password', OFFICE).expect(401);

    await login(env, ada.email, ada.password, OFFICE).expect(200);
  });

  it('does not count respondents’ failed look-ups against staff logins, nor the reverse', async () => {
    const env = staffEnv({ trustProxy: '1' });
    const ada = await addMember(env, 'ada@study.example.org', 'analyst');
    const [link] = seedFielding(env, { offices: 1 });

    for (let i = 0; i < 40; i++) {
      await request(env.app)
        .get(`/api/respond/${'Z'.repeat(32)}`)
        .set('X-Forwarded-For', OFFICE);
    }
    for (let i = 0; i < 10; i++) await login(env, 'nobody@study.example.org', 'a guess at it', RESPONDENT);

    await login(env, ada.email, ada.password, OFFICE).expect(200);
    const res = await request(env.app)
      .get(`/api/respond/${link?.link.split('/s/')[1]}`)
      .set('X-Forwarded-For', RESPONDENT);
    expect(res.status).toBe(200);
  });
});

describe('staff login throttle, from real loopback addresses', () => {
  const MINUTE = 60_000;

  async function loopbackLogin(env: TestEnv) {
    const { base } = await listenOnLoopback(env.app);
    return (from: string, email: string, password: string) =>
      requestFrom(from, `${base}/api/staff/login`, { method: 'POST', json: { email, password } });
  }

  it('never refuses the right password from an address with no recent failures, however another address guesses', async () => {
    const env = staffEnv();
    const admin = await addMember(env, 'director@study.example.org', 'admin');
    const loginFrom = await loopbackLogin(env);

    const guesses: number[] = [];
    for (let i = 0; i < 10; i++) {
      guesses.push((await loginFrom('127.0.0.2', admin.email, `wrong guess ${i} at it`)).status);
    }
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    expect((await loginFrom('127.0.0.1', admin.email, admin.password)).status).toBe(200);

    // One guess every 15 minutes, for hours: the owner is never shut out.
    for (let round = 0; round < 6; round++) {
      env.clock.advance(15 * MINUTE);
      expect((await loginFrom('127.0.0.2', admin.email, `patient guess ${round}`)).status).toBe(401);
      expect((await loginFrom('127.0.0.1', admin.email, admin.password)).status).toBe(200);
    }
  }, 60_000);

  it('slows guessing spread over many addresses: after the first guess from each, they wait the account’s delay', async () => {
    const env = staffEnv();
    const admin = await addMember(env, 'director@study.example.org', 'admin');
    const loginFrom = await loopbackLogin(env);
    const attackers = Array.from({ length: 8 }, (_, i) => `127.0.0.${10 + i}`);

    const statuses: number[] = [];
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const from of attackers) {
        const res = await loginFrom(from, admin.email, `guess ${round} from ${from}`);
        statuses.push(res.status);
        if (res.status === 429) waits.push(Number(res.headers['retry-after']));
      }
    }

    // Each new address has its one guess checked; none gets a second while the account is under attack.
    expect(statuses.filter((s) => s === 401)).toHaveLength(attackers.length);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * attackers.length);
    expect(Math.min(...waits)).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(15 * 60);

    // The delay doubles with every failure the account collects, from any address, up to 15 minutes.
    for (let round = 0; round < 4; round++) {
      env.clock.advance(15 * MINUTE);
      for (const from of attackers) await loginFrom(from, admin.email, `later guess ${round}`);
    }
    const waiting = await loginFrom('127.0.0.10', admin.email, 'one more guess');
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers['retry-after'])).toBe(15 * 60);
    env.clock.advance(15 * MINUTE);
    expect((await loginFrom('127.0.0.10', admin.email, 'guess after the wait')).status).toBe(401);
    expect((await loginFrom('127.0.0.10', admin.email, 'and at once again')).status).toBe(429);

    // The owner at a clean address signs in all along; so does a new address with the right password.
    expect((await loginFrom('127.0.0.1', admin.email, admin.password)).status).toBe(200);
  }, 120_000);
});
