import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { scanJson } from '../instruments/valueScan.js';
import { AppError } from '../platform/errors.js';

/**
 * No request body of the API nests deeper than this (a repeating panel of matrices of multi-selects
 * is 8 levels including the body itself). Deeper JSON is refused before it is parsed: parsing it
 * is slow, and the recursion of JSON.stringify or structuredClone over it throws.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * No object in a request body has more keys than this: far above the answers of any survey (a
 * 500-question instrument with comments has ~1,000), far below what makes parsing slow. A body of
 * 30,000 unknown keys is refused in well under a millisecond instead of being parsed and checked.
 */
export const MAX_JSON_KEYS = 10_000;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body that is not JSON gets 415 naming what to send, not a confusing "expected object". Routes
 * that take a file (`isUpload`) read and check their own body.
 */
export const requireJsonBody =
  (isUpload: (req: Request) => boolean = () => false): RequestHandler =>
  (req, _res, next) => {
    if (hasBody(req) && !req.is('application/json') && !isUpload(req)) {
      throw new AppError(
        415,
        'unsupported_media_type',
        `The request body must be JSON sent as Content-Type: application/json (got ${req.headers['content-type'] ? `"${String(req.headers['content-type']).slice(0, 60)}"` : 'no Content-Type'}).`,
      );
    }
    next();
  };

/** express.json with the size limit and the nesting and key-count checks, run on the raw bytes before parsing. */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, buf) => {
      const found = scanJson(buf, { maxDepth: MAX_JSON_DEPTH, maxKeys: MAX_JSON_KEYS });
      if (found?.problem === 'keys') {
        throw new AppError(
          400,
          'too_many_keys',
          `An object in the request body has more than ${MAX_JSON_KEYS.toLocaleString('en-US')} keys; no survey has that many answers.`,
        );
      }
      if (found) {
        const where = found.key === undefined ? 'The request body' : `The answer to "${found.key.slice(0, 80)}"`;
        throw new AppError(
          400,
          'too_deeply_nested',
          `${where} nests deeper than ${MAX_JSON_DEPTH} levels; no question takes answers that deep.`,
          found.key === undefined ? undefined : { question: found.key.slice(0, 80) },
        );
      }
    },
  });
}
