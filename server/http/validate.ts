import type { z } from 'zod';
import { invalidInput } from '../platform/errors.js';

/** Parses a request part with its schema or fails with one 400 listing each problem and where. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(whole)',
    message: issue.message,
  }));
  throw invalidInput(`The ${what} is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
    problems,
  });
}
