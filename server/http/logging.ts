import type { RequestHandler } from 'express';
import type { Logger } from '../deps.js';

/** Path segments that are secrets (link tokens, access codes) are replaced before anything is logged. */
export function redactPath(path: string): string {
  return path.replace(/^\/s\/[^/?#]+/, '/s/:token').replace(/^\/api\/respond\/[^/?#]+/, '/api/respond/:credential');
}

/** One line per request: method, redacted path, status, time. Never bodies, queries or headers. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(`${req.method} ${redactPath(req.path)} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
