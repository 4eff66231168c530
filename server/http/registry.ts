import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import type * as zm from 'zod/mini';
import type { Role } from '../contracts/roles.js';
import { AppError } from '../platform/errors.js';
import { hashSecret } from '../platform/secrets.js';
import { clientKey } from './client.js';
import { parse } from './validate.js';

/**
 * Authorization as data: every staff route is one declaration of method, path, the roles allowed
 * (or 'public'), its schemas and its handler. The router is built only from these declarations,
 * and test/staff/authorization.test.ts walks them and the app's router to prove each answers 401
 * without a session, 403 to every other role, and 403 to a cookie request without the CSRF token.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type StaffAccess = readonly Role[] | 'public';

/** A staff account as stored: who is signed in. */
export type StaffAccount = {
  id: number;
  email: string;
  /** '' until an admin sets it (schema 17). */
  full_name: string;
  role: Role;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
};

/** A signed-in browser session; only the hash of its id is stored. */
export type StaffSession = {
  id_hash: string;
  staff_id: number;
  csrf_token: string;
  created_ms: number;
  last_seen_ms: number;
};

export type StaffAuth =
  | {
      kind: 'session';
      staff: StaffAccount;
      session: StaffSession;
      /** How long the session lives on without another request (idle limit, or the absolute one if sooner). */
      expiresInMs: number;
    }
  | { kind: 'token'; staff: StaffAccount; tokenId: number };

/**
 * Who sends a request: a cookie session or `Authorization: Bearer <personal API token>`, or
 * undefined when neither is sent. A credential that is sent but not valid throws: it is never ignored.
 * The staff feature supplies it; the framework only calls it.
 */
export type Authenticate = (req: Request) => StaffAuth | undefined;

/** Seconds until a cookie session ends unless another request comes first, on every answer to one. */
export const SESSION_EXPIRES_HEADER = 'X-Session-Expires-In';

/** What the router needs to guard every route. */
export type StaffRouterOptions = {
  authenticate: Authenticate;
  /** The origin (scheme, host, port) the staff console is served from. */
  origin: string;
};

/**
 * A route that takes a file as its body (a frame, bounces): the raw bytes, of this media type, up to this
 * size. The body is read only after the caller is authenticated and authorized, so strangers
 * cannot make the server buffer megabytes.
 */
export type RawUpload = { mediaType: string | readonly string[]; limitBytes: number; tooLarge: string };

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type HandlerInput<A extends StaffAccess, B, Q, P> = {
  auth: A extends 'public' ? undefined : StaffAuth;
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
  /** The body of a declared upload (empty for other routes). */
  file: Buffer;
  req: Request;
  res: Response;
};

/**
 * What a handler may return: with an `answer` contract, exactly the shape that contract's schema
 * (server/contracts/) accepts, so the server and the client that parses with it cannot drift apart.
 */
type Answer<R> = R extends zm.ZodMiniType ? zm.input<R> | Promise<zm.input<R>> : unknown;

export type StaffRouteSpec<A extends StaffAccess, B, Q, P, R> = {
  method: Method;
  /** The full path, always under /api/staff/. */
  path: `/api/staff/${string}`;
  roles: A;
  /** Routes that manage the session itself refuse a personal API token. */
  sessionOnly?: boolean;
  summary: string;
  /** The body is a file of this type (given to the handler as a Buffer), not JSON. */
  upload?: RawUpload;
  body?: B;
  query?: Q;
  params?: P;
  /** The contract of the JSON answer (server/contracts/); routes that answer a file declare none. */
  answer?: R;
  /** The JSON to send (200), or undefined when the handler answered itself. */
  handler(input: HandlerInput<A, B, Q, P>): Answer<R>;
};

export type StaffRoute = {
  method: Method;
  path: string;
  roles: StaffAccess;
  sessionOnly: boolean;
  summary: string;
  /** True when the route changes state, so a cookie request must carry the CSRF token. */
  changesState: boolean;
  upload?: RawUpload;
  run(auth: StaffAuth | undefined, req: Request, res: Response): unknown;
};

/** Declares one staff route; types of the handler's input come from the schemas. */
export function staffRoute<
  const A extends StaffAccess,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends zm.ZodMiniType | undefined = undefined,
>(spec: StaffRouteSpec<A, B, Q, P, R>): StaffRoute {
  return {
    method: spec.method,
    path: spec.path,
    roles: spec.roles,
    sessionOnly: spec.sessionOnly ?? false,
    summary: spec.summary,
    changesState: spec.method !== 'get',
    ...(spec.upload ? { upload: spec.upload } : {}),
    run(auth, req, res) {
      const params = (spec.params ? parse(spec.params, req.params, 'path') : undefined) as Parsed<P>;
      const query = (spec.query ? parse(spec.query, req.query, 'query') : undefined) as Parsed<Q>;
      const body = (spec.body ? parse(spec.body, req.body ?? {}) : undefined) as Parsed<B>;
      return spec.handler({
        auth: auth as A extends 'public' ? undefined : StaffAuth,
        body,
        query,
        params,
        file: spec.upload && Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req,
        res,
      });
    },
  };
}

export const notSignedIn = () =>
  new AppError(401, 'not_signed_in', 'Sign in first (or send a personal API token as Authorization: Bearer).');
export const forbidden = () => new AppError(403, 'forbidden', 'Your role does not allow this.');
export const csrfFailed = () =>
  new AppError(
    403,
    'csrf_failed',
    'This change must come from the staff console: send the X-CSRF-Token the login or /api/staff/me returned.',
  );

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(hashSecret(a));
  const y = Buffer.from(hashSecret(b));
  return timingSafeEqual(x, y);
};

/**
 * A browser names the page that sent a request; a change to staff data may only come from our own
 * origin. Scripts send no Origin and pass (they hold a token or the per-session CSRF token).
 */
function checkOrigin(origin: string, req: Request) {
  const sent = req.headers.origin;
  if ((sent !== undefined && sent !== origin) || req.headers['sec-fetch-site'] === 'cross-site') {
    throw new AppError(403, 'cross_origin', 'Staff changes are accepted only from the staff console.');
  }
}

/** The client address the login throttle and the audit log use (honours TRUST_PROXY like the respondent throttle). */
export const clientOf = (req: Request) => clientKey(req.ip);

/** Reads a declared upload's bytes into req.body, refusing another media type, charset or size. */
function rawBody(upload: RawUpload) {
  const read: RequestHandler = express.raw({ type: () => true, limit: upload.limitBytes });
  return (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      const charset = /;\s*charset="?([^";\s]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
      const accepted = typeof upload.mediaType === 'string' ? [upload.mediaType] : [...upload.mediaType];
      if (!req.is(accepted)) {
        reject(
          new AppError(
            415,
            'unsupported_media_type',
            `Send the file as the request body with Content-Type: ${accepted.join(' or ')}.`,
          ),
        );
        return;
      }
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
        reject(
          new AppError(
            415,
            'unsupported_encoding',
            `The file must be UTF-8 (sent as charset=${charset.slice(0, 40)}); save it as "CSV UTF-8" and send it again.`,
          ),
        );
        return;
      }
      read(req, res, (err?: unknown) => {
        const tooLarge =
          typeof err === 'object' && err !== null && (err as { type?: string }).type === 'entity.too.large';
        if (tooLarge) reject(new AppError(413, 'file_too_large', upload.tooLarge));
        else if (err) reject(err);
        else {
          if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
          resolve();
        }
      });
    });
}

/** The declared uploads' method and path, so the API's JSON-only rule lets their bodies through. */
export function acceptsUpload(routes: readonly StaffRoute[]) {
  const uploads = new Set(routes.filter((r) => r.upload).map((r) => `${r.method.toUpperCase()} ${r.path}`));
  return (req: Request) => uploads.has(`${req.method} ${req.originalUrl.split('?')[0]}`);
}

/** Guards and runs one declared route: authenticate, CSRF, roles, then schemas and handler. */
function guarded(options: StaffRouterOptions, route: StaffRoute) {
  const readUpload = route.upload ? rawBody(route.upload) : undefined;
  return async (req: Request, res: Response) => {
    let auth: StaffAuth | undefined;
    if (route.changesState) checkOrigin(options.origin, req);
    if (route.roles !== 'public') {
      auth = options.authenticate(req);
      if (!auth) throw notSignedIn();
      if (route.sessionOnly && auth.kind !== 'session') {
        throw new AppError(403, 'session_required', 'This needs a signed-in session, not an API token.');
      }
      if (route.changesState && auth.kind === 'session') {
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameSecret(sent, auth.session.csrf_token)) throw csrfFailed();
      }
      if (!route.roles.includes(auth.staff.role)) throw forbidden();
      // The console warns before the session times out; it learns when from every answer.
      if (auth.kind === 'session') res.setHeader(SESSION_EXPIRES_HEADER, String(Math.floor(auth.expiresInMs / 1000)));
    }
    if (readUpload) await readUpload(req, res);
    const result = await route.run(auth, req, res);
    if (result !== undefined) res.json(result);
  };
}

/** One router holding every declared route at its full path (mounted without a prefix). */
export function staffRouter(options: StaffRouterOptions, routes: readonly StaffRoute[]): Router {
  const router = Router();
  for (const route of routes) router[route.method](route.path, guarded(options, route));
  return router;
}
