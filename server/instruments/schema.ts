import { z } from 'zod';
import { containsMarkup } from './sanitize.js';

/**
 * An instrument file is `{ "meta": {...}, "survey": {...} }`: Fieldkit's metadata beside a plain
 * SurveyJS JSON definition. Keeping them apart means `survey` loads in any SurveyJS tool as is.
 */
export const QUESTION_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export const PrefillSchema = z.object({
  /** Frame column the value comes from (`state`, `population`, or any extra column). */
  column: z.string().min(1),
  /** How the frame's text becomes the question's value. */
  transform: z.enum(['text', 'integer', 'state_fips']).default('text'),
});

export const InstrumentMetaSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'id must be lowercase letters, digits and dashes'),
  version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'version must look like 1, 1.2 or 1.2.3'),
  title: z.string().min(1),
  mode: z.enum(['self', 'interviewer']),
  referencePeriod: z.string().min(1),
  estimatedMinutes: z.number().int().positive(),
  /** The consent question and the value that means "no": answering it ends the survey as a refusal. */
  consent: z.object({ question: z.string().regex(QUESTION_NAME), declineValue: z.number().int() }),
  /** Question name -> frame column whose value prefills it (shown for confirmation, editable). */
  prefill: z.record(z.string().regex(QUESTION_NAME), PrefillSchema).default({}),
  /** Who runs the study, shown on every respondent page; without it the survey's title names it. */
  study: z
    .object({
      name: z.string().min(1),
      contactEmail: z.email().optional(),
      header: z.string().min(1).optional(),
      footer: z.string().min(1).optional(),
    })
    // Shown as text, never as markup: a tag here would appear literally on every page.
    .refine((study) => !Object.values(study).some((text) => containsMarkup(text)), 'study texts must be plain text')
    .optional(),
});

export const InstrumentFileSchema = z.object({
  meta: InstrumentMetaSchema,
  survey: z.record(z.string(), z.unknown()),
});

export type InstrumentMeta = z.infer<typeof InstrumentMetaSchema>;
export type InstrumentFile = z.infer<typeof InstrumentFileSchema>;
