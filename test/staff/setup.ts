import request from 'supertest';
import { afterEach, expect } from 'vitest';
import type { StaffSettings } from '../../server/platform/config.js';
import { createRepos } from '../../server/repos.js';
import type { Role } from '../../server/staff/schema.js';
import { addStaff, type StaffContext, setPasswordFromLink } from '../../server/staff/service.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { createTestEnv, seedFielding, type TestEnv } from '../support/app.js';

const envs: TestEnv[] = [];
afterEach(() => {
  for (const env of envs.splice(0)) env.close();
});

/** A fresh app and database, closed after the test. */
export function staffEnv(options: Parameters<typeof createTestEnv>[0] & { staff?: Partial<StaffSettings> } = {}) {
  const env = createTestEnv(options);
  envs.push(env);
  return env;
}

export function staffContext(env: TestEnv): StaffContext {
  return {
    repos: createRepos(env.db),
    settings: env.config.staff,
    clock: env.clock,
    random: env.random,
    publicUrl: env.config.publicUrl,
  };
}

export const goodPassword = (email: string) => `violet tram ${email.length} quietly hums`;

/** An account with its password set, as the set-password link would do it. */
export async function addMember(env: TestEnv, email: string, role: Role, password = goodPassword(email)) {
  const ctx = staffContext(env);
  const { link, staff } = addStaff(ctx, { email, role, actor: 'test' });
  await setPasswordFromLink(ctx, { token: tokenOfLink(link), password });
  return { id: staff.id, email, role, password };
}

export const tokenOfLink = (link: string) => link.split('#')[1] as string;

export type Session = {
  cookie: string;
  csrf: string;
  get(path: string): request.Test;
  /** A state-changing request with the cookie and the CSRF token. */
  send(method: 'post' | 'put' | 'patch' | 'delete', path: string, body?: object): request.Test;
};

/** Signs in over HTTP and returns requests that carry the session cookie (and the CSRF token on changes). */
export async function signIn(env: TestEnv, email: string, password = goodPassword(email)): Promise<Session> {
  const res = await request(env.app).post('/api/staff/login').send({ email, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
  const csrf = res.body.csrfToken as string;
  return {
    cookie,
    csrf,
    get: (path) => request(env.app).get(path).set('Cookie', cookie),
    send: (method, path, body) => {
      const req = request(env.app)[method](path).set('Cookie', cookie).set('X-CSRF-Token', csrf);
      return body === undefined ? req : req.send(body);
    },
  };
}

/** An account of each role, signed in. */
export async function everyRole(env: TestEnv): Promise<Record<Role, Session>> {
  const roles: Role[] = ['admin', 'fieldwork', 'analyst', 'interviewer'];
  const sessions = {} as Record<Role, Session>;
  for (const role of roles) {
    const { email } = await addMember(env, `${role}@study.example.org`, role);
    sessions[role] = await signIn(env, email);
  }
  return sessions;
}

/** A fielding named wave1 of `cases` offices, every one submitted with a full Phase I response. */
export function completedFielding(env: TestEnv, cases: number) {
  seedFielding(env, { name: 'wave1', rows: Array.from({ length: cases }, (_, i) => frameRow(i + 1)) });
  const at = env.clock().toISOString();
  const insert = env.db.prepare(
    `INSERT INTO responses (case_id, instrument_id, instrument_version, status, answers, started_at, updated_at, submitted_at)
     SELECT id, 'tip-prosecutor-survey', '1.0.0', 'completed', ?, ?, ?, ? FROM cases WHERE id = ?`,
  );
  const event = env.db.prepare("INSERT INTO case_events (case_id, type, at) VALUES (?, 'completed', ?)");
  env.db.transaction(() => {
    for (let id = 1; id <= cases; id++) {
      insert.run(JSON.stringify(chargedOfficeAnswers({ a2_years: id % 40, a5_pop: 1000 + id })), at, at, at, id);
      event.run(id, at);
    }
  })();
}
