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
