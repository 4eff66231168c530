import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { listenOnLoopback } from '../support/loopback.js';
import { openEnv } from './setup.js';

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * `GET /api/health` while `busy` is in flight, started once the busy request has reached the server.
 * How long it takes is measured in bench/healthUnderLoad.bench.ts, against the idle server in the
 * same run: a wall-clock bound here failed whenever the machine was busy with something else.
 */
async function healthDuring(base: string, busy: Promise<unknown>) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const health = await timed(() => fetch(`${base}/api/health`));
  await busy;
  return health;
}

const bigBody = (keys: number) =>
  JSON.stringify({
    answers: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, 1])),
    page: 0,
    revision: 0,
  });

describe('bounded work per request', () => {
  /** PUT draft of `keys` unknown keys on a real port, with a health check while it is in flight. */
  async function bigSave(keys: number) {
    const env = openEnv();
    const [link] = seedFielding(env);
    const token = tokenOf(link as NonNullable<typeof link>);
    const server = await listenOnLoopback(env.app);
    const body = bigBody(keys);
    expect(body.length).toBeLessThan(env.config.limits.bodyBytes);
    const save = timed(() =>
      fetch(`${server.base}/api/respond/${token}/draft`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    const health = await healthDuring(server.base, save);
    const { ms, value: res } = await save;
    return { ms, health, status: res.status, payload: await res.json() };
  }

  it('answers a 30,000-key draft (~380 KB) with 400 while /api/health answers', async () => {
    const { health, status, payload } = await bigSave(30_000);

    expect(status).toBe(400);
    expect(payload.error.code).toBe('too_many_keys');
    expect(payload.error.message).toMatch(/more than 10,000 keys/);
    expect(health.value.status).toBe(200);
  });

  it('checks a draft of 10,000 unknown keys, the most accepted, only up to the first 200 problems', async () => {
    const { health, status, payload } = await bigSave(10_000);

    expect(status).toBe(400);
    expect(payload.error.code).toBe('invalid_answers');
    // The problems are listed up to a limit and marked as cut short, not 10,000 of them.
    expect(payload.error.details.questions._answers.length).toBeLessThanOrEqual(201);
    expect(payload.error.details.truncated).toBe(true);
    expect(health.value.status).toBe(200);
  });

  it('keeps /api/health answering while four invalid completions are validated', async () => {
    const env = openEnv();
    const links = seedFielding(env, { offices: 4 });
    const server = await listenOnLoopback(env.app);
    // Valid in shape, so the instrument's own validation (a SurveyJS model) has to run: a required
    // answer ("Other" text) is missing.
    const answers = chargedOfficeAnswers({ b6_altchg_oth: undefined });
    const completions = Promise.all(
      links.map((link) =>
        fetch(`${server.base}/api/respond/${tokenOf(link)}/complete`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ answers, revision: 0 }),
        }),
      ),
    );
    const samples: number[] = [];
    const sampling = (async () => {
      for (let i = 0; i < 8; i++) {
        samples.push((await fetch(`${server.base}/api/health`)).status);
      }
    })();
    const results = await completions;
    await sampling;

    expect(results.map((r) => r.status)).toEqual([422, 422, 422, 422]);
    expect(samples).toEqual(Array(8).fill(200));
  });
});
