import request from 'supertest';
import { onTestFinished } from 'vitest';
import { createTestEnv, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

/** A fresh test environment, closed when the test ends. */
export function openEnv(options: Parameters<typeof createTestEnv>[0] = {}): TestEnv {
  const env = createTestEnv(options);
  onTestFinished(() => env.close());
  return env;
}

/** A fresh environment with a two-office fielding; `token` is the first office's link token. */
export function setup(options: Parameters<typeof createTestEnv>[0] = {}) {
  const env = openEnv(options);
  const links = seedFielding(env, { offices: 2 });
  const token = tokenOf(links[0] as (typeof links)[number]);
  return { env, links, token, app: env.app };
}

export const storedResponse = (env: TestEnv) =>
  env.db.prepare('SELECT status, answers, current_page, revision, submitted_at FROM responses').get() as {
    status: string;
    answers: string;
    current_page: number;
    revision: number;
    submitted_at: string | null;
  };
export const eventTypes = (env: TestEnv) =>
  env.db.prepare('SELECT type FROM case_events ORDER BY id').pluck().all() as string[];

/** `PUT /api/respond/<token>/draft` with the body; chain `.expect()` or await it. */
export const putDraft = (app: TestEnv['app'], token: string, body: object) =>
  request(app).put(`/api/respond/${token}/draft`).send(body);

/** `POST /api/respond/<token>/complete` with the body. */
export const postComplete = (app: TestEnv['app'], token: string, body: object) =>
  request(app).post(`/api/respond/${token}/complete`).send(body);
