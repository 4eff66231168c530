import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { TestEnv } from '../support/app.js';
import { seedFielding, tokenOf } from '../support/app.js';
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
    // The account under attack waits too, wherever its owner is; the wait is bounded and says how long.
    const owner = await login(env, target.email, target.password, OFFICE);
    expect(owner.status).toBe(429);
    expect(Number(owner.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(owner.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    env.clock.advance(15 * 60 * 1000);
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
