import { z } from 'zod';
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
  })
  .refine((b) => !b.includeFreeText || b.public, {
    message: 'includeFreeText is for the public-use file (public: true); the identified export has all text',
    path: ['includeFreeText'],
  });
