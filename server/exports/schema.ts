import { z } from 'zod';
import { EXPORT_FORMATS } from './bundle.js';
import { MAX_K, MIN_K } from './publicUse.js';

/** The options every export takes: its formats, and those of the public-use file. */
const exportOptions = {
  formats: z
    .array(z.enum(EXPORT_FORMATS))
    .min(1)
    .max(EXPORT_FORMATS.length)
    .default([...EXPORT_FORMATS]),
  /** The de-identified public-use file. */
  public: z.boolean().default(false),
  /** With `public`: keep free-text answers. */
  includeFreeText: z.boolean().default(false),
  /** With `public`: the k of the k-anonymity check (default 3). */
  kAnonymity: z.number().int().min(MIN_K).max(MAX_K).optional(),
};

/** The public-use options refused without `public`. */
function publicOnly<
  T extends z.ZodType<{ public: boolean; includeFreeText: boolean; kAnonymity?: number | undefined }>,
>(schema: T) {
  return schema
    .refine((b) => !b.includeFreeText || b.public, {
      message: 'includeFreeText is for the public-use file (public: true); the identified export has all text',
      path: ['includeFreeText'],
    })
    .refine((b) => b.kAnonymity === undefined || b.public, {
      message: 'kAnonymity is for the public-use file (public: true)',
      path: ['kAnonymity'],
    });
}

/** The options of `fieldkit export --fielding`, as JSON. */
export const ExportBodySchema = publicOnly(
  z.strictObject({ ...exportOptions, completesOnly: z.boolean().default(false) }),
);

/** The options of `fieldkit export --instrument` (Phase II records), as JSON. */
export const RecordExportBodySchema = publicOnly(
  z.strictObject({
    ...exportOptions,
    /** A Phase II (interviewer-mode) instrument's id. */
    instrument: z.string().trim().min(1).max(64),
    /** A site's name; absent: every site. */
    site: z.string().trim().min(1).max(200).optional(),
    /** Records still being entered too. */
    includeDrafts: z.boolean().default(false),
  }),
);
