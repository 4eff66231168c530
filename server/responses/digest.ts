import { createHash } from 'node:crypto';
import type { CompleteBody } from './schema.js';

/** JSON with object keys sorted at every level, so equal requests give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What identifies a completion request: its revision and answers as sent. Only a request with the
 * same digest as the accepted one is a repeat; the raw request is not kept. Request bodies nest at
 * most MAX_JSON_DEPTH levels (http/body.ts refuses deeper ones before parsing), so recursion is shallow.
 */
export function completionDigest(body: CompleteBody): string {
  return createHash('sha256')
    .update(canonicalJson({ revision: body.revision, answers: body.answers }))
    .digest('hex');
}
