import { z } from 'zod';

/** A positive whole number in a path (`/cases/12`). */
export const PathId = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number')
  .transform(Number);

export const IdParamsSchema = z.strictObject({ id: PathId });

/** `page` from 1 and `pageSize` 1–200 (default 50), as query strings. */
export const PagingQuery = {
  page: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a page number')
    .transform(Number)
    .pipe(z.number().min(1, 'pages start at 1'))
    .default(1),
  pageSize: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().min(1).max(200))
    .default(50),
};

/** A route that takes no query parameters refuses any, so a typo is not silently ignored. */
export const EmptyQuerySchema = z.strictObject({});
