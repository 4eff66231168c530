import type { RequestHandler } from 'express';
import type { Logger } from '../platform/logger.js';

/**
 * The fixed words of every route the app defines (server/app.ts, server/responses/routes.ts).
 * Any other segment may be a secret, so it is never logged.
 */
const ROUTE_WORDS = new Set([
  's',
  'code',
  'api',
  'health',
  'access-code',
  'respond',
  'draft',
  'complete',
  'decline',
  'assets',
  'favicon.ico',
  // The staff API (server/staff/routes.ts); its ids are row numbers, but they are redacted all the same.
  'staff',
  'login',
  'logout',
  'password',
  'me',
  'users',
  'role',
  'disable',
  'reset-password',
  'audit',
  'tokens',
  'fieldings',
  // Opt-out links from emails (server/mailings/optOutRoutes.ts) and the staff mailings API.
  'u',
  'mailings',
]);

/** What a redacted segment stands for, named by the word before it so the log stays readable. */
const PLACEHOLDER_AFTER: Record<string, string> = { s: ':token', u: ':token', respond: ':credential' };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The shape of a request path with every possible secret (link token, access code) removed.
 *
 * Redaction is by allow-list, not by recognising secrets: Express routes case-insensitively and
 * accepts percent-encoding, doubled slashes and `.` segments, so a pattern for "/s/<token>" misses
 * "/S/<token>" or "/%73/<token>". Instead each segment is percent-decoded and lower-cased; only the
 * fixed route words above are printed (normalised), empty and `.`/`..` segments keep their place,
 * and every other segment, whatever its length or shape, becomes a placeholder. The query string is
 * dropped whole. Asset file names are hashed, not secret, but are redacted too (keeping a short
 * extension) so that no path under any prefix can carry a credential into the log.
 */
export function redactPath(rawPath: string): string {
  const pathOnly = rawPath.split(/[?#]/, 1)[0] ?? '';
  const segments = pathOnly.split('/');
  const shown = segments.map((segment, i) => {
    const word = decodeSegment(segment).toLowerCase();
    if (word === '' || word === '.' || word === '..' || ROUTE_WORDS.has(word)) return word;
    const previous = decodeSegment(segments[i - 1] ?? '').toLowerCase();
    const extension = previous === 'assets' ? /\.(js|css|map|svg|png|woff2?)$/.exec(word)?.[0] : undefined;
    return (PLACEHOLDER_AFTER[previous] ?? ':redacted') + (extension ?? '');
  });
  return shown.join('/');
}

/** One line per request: method, redacted path shape, status, time. Never bodies, queries or headers. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Taken now: routers rewrite req.url while they run, originalUrl is what the client sent.
    const path = redactPath(req.originalUrl);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
