import { z } from 'zod';
import { fieldingNameProblem } from './name.js';
import { closingInstant } from './service.js';

/** A frame upload larger than this is refused (413) before it is read: ~2,300 offices are ~0.5 MB. */
export const MAX_FRAME_BYTES = 10 * 1024 * 1024;
/** An answer lists at most this many frame problems, with the count of the rest. */
export const SHOWN_FRAME_PROBLEMS = 200;

const ClosingDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-03-31')
  .refine((day) => closingInstant(day) !== undefined, 'is not a real date')
  .transform((day) => closingInstant(day) as Date);

/** A fielding's name, trimmed; what it may not hold is in name.ts. */
export const FieldingName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = fieldingNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const FieldingParamsSchema = z.strictObject({ name: z.string().min(1).max(100) });

/** The frame is the request body (text/csv); what the CLI takes as options comes in the query. */
export const CreateFieldingQuerySchema = z.strictObject({
  name: FieldingName,
  /** `id` (its highest version) or `id@version`. */
  instrument: z.string().min(1).max(200),
  closes: ClosingDate.optional(),
  /** The uploaded file's name, to prefix problems as the CLI does (`offices.csv:14:8 ...`). */
  file: z.string().min(1).max(200).optional(),
});

export const PatchFieldingBodySchema = z.strictObject({
  /** A date (links work through that whole UTC day), or null for no closing date. */
  closes: ClosingDate.nullable(),
});

export const FieldingVersionBodySchema = z.strictObject({ version: z.string().min(1).max(50) });

const Percent = (what: string) =>
  z
    .number()
    .gt(0, `must be greater than 0 (a percentage of the questions shown that were answered)`)
    .max(100, `must be at most 100 (percent); ${what}`);

/**
 * A fielding's disposition thresholds, in percent of the questions shown that were answered:
 * 0 < partial < complete ≤ 100 (fieldwork.md, Dispositions; by default 80 and 50).
 */
export const DispositionThresholdsBodySchema = z
  .strictObject({
    complete: Percent('a submitted case answering at least this much is complete (1.1)'),
    partial: Percent('a case answering at least this much is a partial (1.2)'),
  })
  .refine((t) => t.partial < t.complete, {
    path: ['partial'],
    message: 'must be below the complete threshold: 0 < partial < complete ≤ 100',
  });
export type DispositionThresholdsBody = z.infer<typeof DispositionThresholdsBodySchema>;
