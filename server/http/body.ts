import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { tooDeepJson } from '../instruments/valueScan.js';

/**
 * No request body of the API nests deeper than this (a repeating panel of matrices of multi-selects
 * is 8 levels including the body itself). Deeper JSON is refused before it is parsed: parsing it
 * is slow, and the recursion of JSON.stringify or structuredClone over it throws.
 */
export const MAX_JSON_DEPTH = 32;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A body that is not JSON gets 415 naming what to send, not a confusing "expected object". */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !req.is('application/json')) {
    throw new AppError(
      415,
      'unsupported_media_type',
      `The request body must be JSON sent as Content-Type: application/json (got ${req.headers['content-type'] ? `"${String(req.headers['content-type']).slice(0, 60)}"` : 'no Content-Type'}).`,
    );
  }
  next();
};

/** express.json with the size limit and the nesting check, run on the raw bytes before parsing. */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, buf) => {
      const tooDeep = tooDeepJson(buf, MAX_JSON_DEPTH);
      if (tooDeep) {
        const where = tooDeep.key === undefined ? 'The request body' : `The answer to "${tooDeep.key.slice(0, 80)}"`;
        throw new AppError(
          400,
          'too_deeply_nested',
          `${where} nests deeper than ${MAX_JSON_DEPTH} levels; no question takes answers that deep.`,
          tooDeep.key === undefined ? undefined : { question: tooDeep.key.slice(0, 80) },
        );
      }
    },
  });
}
