import { z } from 'zod';
import { MAX_K, MIN_K } from './publicUse.js';
import { EXPORT_FORMATS } from './service.js';

/** The options of `fieldkit export`, as JSON. */
export const ExportBodySchema = z
  .strictObject({
    formats: z
      .array(z.enum(EXPORT_FORMATS))
      .min(1)
      .max(EXPORT_FORMATS.length)
      .default([...EXPORT_FORMATS]),
    completesOnly: z.boolean().default(false),
    /** The de-identified public-use file. */
    public: z.boolean().default(false),
    /** With `public`: keep free-text answers. */
    includeFreeText: z.boolean().default(false),
    /** With `public`: the k of the k-anonymity check (default 3). */
    kAnonymity: z.number().int().min(MIN_K).max(MAX_K).optional(),
  })
  .refine((b) => !b.includeFreeText || b.public, {
    message: 'includeFreeText is for the public-use file (public: true); the identified export has all text',
    path: ['includeFreeText'],
  })
  .refine((b) => b.kAnonymity === undefined || b.public, {
    message: 'kAnonymity is for the public-use file (public: true)',
    path: ['kAnonymity'],
  });
