import * as z from 'zod/mini';

/** The answers of the fielding routes (docs/staff-api.md). */

export const FieldingSchema = z.object({
  name: z.string(),
  instrument: z.string(),
  instrumentVersion: z.string(),
  cases: z.number(),
  createdAt: z.string(),
  closesAt: z.nullable(z.string()),
  /** Disposition thresholds in percent of the questions shown answered (1.1 from complete, 1.2 from partial). */
  thresholds: z.object({ complete: z.number(), partial: z.number() }),
});
export type Fielding = z.infer<typeof FieldingSchema>;
export const FieldingListSchema = z.object({ fieldings: z.array(FieldingSchema) });
export const OneFieldingSchema = z.object({ fielding: FieldingSchema });
/** POST /api/staff/fieldings/:name/version: the responses already started stay on their version. */
export const FieldingVersionSchema = z.object({
  fielding: FieldingSchema,
  from: z.string(),
  to: z.string(),
  started: z.array(z.object({ version: z.string(), responses: z.number() })),
});

export const FrameProblemSchema = z.object({
  line: z.number(),
  column: z.optional(z.number()),
  field: z.optional(z.string()),
  message: z.string(),
  text: z.string(),
});
export type FrameProblem = z.infer<typeof FrameProblemSchema>;
/** The details of a 422 frame_invalid: the first problems in file order, and how many in all. */
export const FrameProblemsSchema = z.object({
  problems: z.array(FrameProblemSchema),
  total: z.number(),
  more: z.number(),
});
