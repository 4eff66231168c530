import type { Request } from 'express';
import { type Authenticate, readCookie } from '../http/registry.js';
import { AppError } from '../platform/errors.js';
import { resumeApiToken, resumeSession, type StaffContext } from './service.js';

export const SESSION_COOKIE = 'fieldkit_staff';
/** Over https the cookie gets the __Host- prefix: the browser then refuses it from anything but this exact host. */
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

/** Cookie session, or `Authorization: Bearer <personal API token>`; a bad credential is never ignored. */
export function createAuthenticate(ctx: StaffContext & { secureCookie: boolean }): Authenticate {
  return (req: Request) => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer ([\w-]{1,200})$/.exec(authorization);
      const found = match?.[1] ? resumeApiToken(ctx, match[1]) : undefined;
      if (!found) throw new AppError(401, 'token_not_valid', 'The API token is not valid (unknown or revoked).');
      return { kind: 'token', staff: found.staff, tokenId: found.token.id };
    }
    const sessionId = readCookie(req, sessionCookieName(ctx.secureCookie));
    const found = sessionId ? resumeSession(ctx, sessionId) : undefined;
    return found
      ? { kind: 'session', staff: found.staff, session: found.session, expiresInMs: found.expiresInMs }
      : undefined;
  };
}
