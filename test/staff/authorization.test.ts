import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../server/contracts/roles.js';
import type { StaffRoute } from '../../server/http/registry.js';
import { createTestEnv, staffRoutesOf, type TestEnv } from '../support/app.js';
import { addMember, everyRole, signIn, staffEnv } from './setup.js';

type Layer = {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
};

/** Every method and path the app's router answers, nested routers included, with their mount prefixes. */
function registeredRoutes(app: TestEnv['app']): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) for (const m of Object.keys(layer.route.methods)) found.push(`${m} ${prefix}${p}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath ?? '').replace(/\/$/, ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

const listing = createTestEnv();
afterAll(() => listing.close());
const STAFF_ROUTES = staffRoutesOf(listing.app);

const declared = (r: StaffRoute) => `${r.method} ${r.path}`;
/** A path to request: ids and names that exist nowhere, so allowed roles reach a 404 and change nothing. */
const concrete = (path: string) => path.replace(/:\w+/g, '999999');
/** Logout ends the session it is sent with, so it goes last. */
const protectedRoutes = STAFF_ROUTES.filter((r) => r.roles !== 'public').sort(
  (a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')),
);

function call(env: TestEnv, route: StaffRoute) {
  return request(env.app)[route.method](concrete(route.path));
}

describe('staff routes are declared with their roles', () => {
  it('registers exactly the declared routes under /api/staff, each once', () => {
    const env = staffEnv();
    const underStaff = registeredRoutes(env.app).filter((r) => r.split(' ')[1]?.toLowerCase().startsWith('/api/staff'));
    expect(underStaff.sort()).toEqual(STAFF_ROUTES.map(declared).sort());
    expect(new Set(underStaff).size).toBe(underStaff.length);
    // The walk must see the respondent routes too, or it proves nothing about what it missed.
    expect(registeredRoutes(env.app)).toContain('post /api/access-code');
  });

  it('declares every route under /api/staff/ with roles that exist', () => {
    for (const route of STAFF_ROUTES) {
      expect(route.path).toMatch(/^\/api\/staff\//);
      if (route.roles !== 'public') {
        expect(route.roles.length, declared(route)).toBeGreaterThan(0);
        for (const role of route.roles) expect(ROLES).toContain(role);
      }
    }
    // Only signing in and setting a password from a link are open to the public.
    expect(STAFF_ROUTES.filter((r) => r.roles === 'public').map(declared)).toEqual([
      'post /api/staff/login',
      'post /api/staff/password',
    ]);
  });

  it('gives each route the roles the documentation lists (docs/staff-api.md)', () => {
    const table = Object.fromEntries(
      STAFF_ROUTES.map((r) => [declared(r), r.roles === 'public' ? 'public' : r.roles.join(',')]),
    );
    const everyone = 'admin,fieldwork,analyst,interviewer';
    expect(table).toEqual({
      'post /api/staff/login': 'public',
      'post /api/staff/password': 'public',
      'post /api/staff/logout': everyone,
      'post /api/staff/session': everyone,
      'get /api/staff/me': everyone,
      'get /api/staff/tokens': everyone,
      'post /api/staff/tokens': everyone,
      'delete /api/staff/tokens/:id': everyone,
      'get /api/staff/token-settings': everyone,
      'put /api/staff/token-settings': 'admin',
      'get /api/staff/users': 'admin',
      'post /api/staff/users': 'admin',
      'post /api/staff/users/:id/role': 'admin',
      'patch /api/staff/users/:id': 'admin',
      'post /api/staff/users/:id/disable': 'admin',
      'post /api/staff/users/:id/reset-password': 'admin',
      'get /api/staff/audit': 'admin',
      'get /api/staff/fieldings': 'admin,fieldwork,analyst',
      'post /api/staff/fieldings': 'admin,fieldwork',
      'patch /api/staff/fieldings/:name': 'admin,fieldwork',
      'post /api/staff/fieldings/:name/version': 'admin,fieldwork',
      'put /api/staff/fieldings/:name/thresholds': 'admin,fieldwork',
      'get /api/staff/fieldings/:name/cases': 'admin,fieldwork,analyst',
      'get /api/staff/fieldings/:name/status': 'admin,fieldwork,analyst',
      'get /api/staff/fieldings/:name/cases.csv': 'admin,fieldwork,analyst',
      'get /api/staff/cases/:id': 'admin,fieldwork',
      'post /api/staff/cases/:id/links/:tokenId/revoke': 'admin,fieldwork',
      'post /api/staff/cases/:id/contacts/:contactId/reissue': 'admin,fieldwork',
      'post /api/staff/cases/:id/mark': 'admin,fieldwork',
      'post /api/staff/cases/:id/invited': 'admin,fieldwork',
      'post /api/staff/cases/:id/contacts': 'admin,fieldwork',
      'patch /api/staff/cases/:id/contacts/:contactId': 'admin,fieldwork',
      'post /api/staff/cases/:id/contacts/:contactId/undeliverable': 'admin,fieldwork',
      'get /api/staff/instruments': 'admin,fieldwork,analyst',
      'get /api/staff/instruments/:id/:version/codebook': 'admin,fieldwork,analyst',
      'post /api/staff/instruments/:id/:version/preview': 'admin,fieldwork,analyst',
      'post /api/staff/fieldings/:name/exports': 'admin,analyst',
      'get /api/staff/fieldings/:name/templates': 'admin,fieldwork',
      'put /api/staff/fieldings/:name/templates/:kind': 'admin,fieldwork',
      'post /api/staff/fieldings/:name/templates/:kind/preview': 'admin,fieldwork',
      'get /api/staff/fieldings/:name/mail-settings': 'admin,fieldwork,analyst',
      'put /api/staff/fieldings/:name/mail-settings': 'admin,fieldwork',
      'post /api/staff/fieldings/:name/mailings': 'admin,fieldwork',
      'post /api/staff/fieldings/:name/mailings/interrupted': 'admin,fieldwork',
      'get /api/staff/fieldings/:name/mailings': 'admin,fieldwork',
      'post /api/staff/bounces': 'admin,fieldwork',
      'post /api/staff/fieldings/:name/letters': 'admin,fieldwork',
      'get /api/staff/fieldings/:name/letter-settings': 'admin,fieldwork',
      'put /api/staff/fieldings/:name/letter-settings': 'admin,fieldwork',
      'get /api/staff/instruments/:id/:version/paper': 'admin,fieldwork,analyst',
      'get /api/staff/sites': everyone,
      'get /api/staff/interviewers': 'admin,fieldwork',
      'post /api/staff/sites': 'admin,fieldwork',
      'patch /api/staff/sites/:siteId': 'admin,fieldwork',
      'put /api/staff/sites/:siteId/interviewers': 'admin,fieldwork',
      'put /api/staff/sites/:siteId/instruments': 'admin,fieldwork',
      'get /api/staff/records': everyone,
      'post /api/staff/records': 'admin,fieldwork,interviewer',
      'get /api/staff/records/:recordId': everyone,
      'put /api/staff/records/:recordId/draft': 'admin,fieldwork,interviewer',
      'post /api/staff/records/:recordId/finalize': 'admin,fieldwork,interviewer',
      'post /api/staff/records/:recordId/reopen': 'admin,fieldwork',
      'get /api/staff/records/:recordId/history': everyone,
    });
  });

  it('answers 401 on every protected route without a session, and with an unknown or ended one', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'gone@study.example.org', 'admin');
    const ended = await signIn(env, email);
    await ended.send('post', '/api/staff/logout').expect(200);
    for (const route of protectedRoutes) {
      for (const cookie of [undefined, 'fieldkit_staff=not-a-session', ended.cookie]) {
        const req = call(env, route);
        const res = await (cookie ? req.set('Cookie', cookie) : req).set('X-CSRF-Token', ended.csrf);
        expect(res.status, `${declared(route)} with ${cookie ?? 'no cookie'}`).toBe(401);
        expect(res.body.error.code).toBe('not_signed_in');
      }
    }
  });

  it('answers 403 to every role a route does not allow, and lets every allowed role past the check', async () => {
    const env = staffEnv();
    const sessions = await everyRole(env);
    for (const route of protectedRoutes) {
      if (route.roles === 'public') continue;
      for (const role of ROLES) {
        const session = route.path.endsWith('/logout')
          ? await signIn(env, `${role}@study.example.org`)
          : sessions[role];
        const req = call(env, route).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf);
        const res = await req;
        const where = `${declared(route)} as ${role}`;
        if (route.roles.includes(role)) {
          expect([401, 403], where).not.toContain(res.status);
        } else {
          expect(res.status, where).toBe(403);
          expect(res.body.error.code, where).toBe('forbidden');
        }
      }
    }
  });

  it('applies the same roles to personal API tokens, which need no CSRF token but cannot manage sessions', async () => {
    const env = staffEnv();
    const sessions = await everyRole(env);
    const tokens = {} as Record<(typeof ROLES)[number], string>;
    for (const role of ROLES) {
      tokens[role] = (await sessions[role].send('post', '/api/staff/tokens', { name: 'sweep' })).body.token;
    }
    for (const route of protectedRoutes) {
      if (route.roles === 'public') continue;
      for (const role of ROLES) {
        const res = await call(env, route).set('Authorization', `Bearer ${tokens[role]}`);
        const where = `${declared(route)} by ${role}'s token`;
        if (!route.roles.includes(role)) {
          expect([res.status, res.body.error?.code], where).toEqual([403, 'forbidden']);
        } else if (route.sessionOnly) {
          expect([res.status, res.body.error?.code], where).toEqual([403, 'session_required']);
        } else {
          expect([401, 403], where).not.toContain(res.status);
        }
      }
      const unknown = await call(env, route).set('Authorization', 'Bearer fkp_not-a-real-token');
      expect([unknown.status, unknown.body.error.code], declared(route)).toEqual([401, 'token_not_valid']);
    }
  });

  it('refuses every change by cookie without the CSRF token, or with another session’s token', async () => {
    const env = staffEnv();
    const sessions = await everyRole(env);
    const changes = protectedRoutes.filter((r) => r.changesState);
    expect(changes.length).toBeGreaterThan(5);
    for (const route of changes) {
      if (route.roles === 'public') continue;
      const role = route.roles[0] as (typeof ROLES)[number];
      const other = ROLES.find((r) => r !== role) as (typeof ROLES)[number];
      for (const token of [undefined, sessions[other].csrf, '']) {
        const req = call(env, route).set('Cookie', sessions[role].cookie);
        const res = await (token === undefined ? req : req.set('X-CSRF-Token', token));
        expect(res.status, `${declared(route)} with ${token === undefined ? 'no' : 'a wrong'} token`).toBe(403);
        expect(res.body.error.code).toBe('csrf_failed');
      }
    }
    // Nothing was changed: every session still works.
    for (const role of ROLES) await sessions[role].get('/api/staff/me').expect(200);
  });

  it('refuses every change sent from another site’s page, even with a valid session and token', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    for (const route of STAFF_ROUTES.filter((r) => r.changesState)) {
      const res = await call(env, route)
        .set('Cookie', admin.cookie)
        .set('X-CSRF-Token', admin.csrf)
        .set('Origin', 'https://evil.example.com');
      expect(res.status, declared(route)).toBe(403);
      expect(res.body.error.code).toBe('cross_origin');
    }
    // The console's own origin passes.
    const own = await admin.send('post', '/api/staff/tokens', { name: 'ok' }).set('Origin', 'http://fieldkit.test');
    expect(own.status).toBe(201);
  });
});
