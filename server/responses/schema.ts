import { z } from 'zod';

/**
 * Answers are keyed by question name; keys and values are checked against the instrument, not
 * here: a record schema would visit every key of a hostile body (30,000 keys took ~40 ms), while
 * the instrument check stops at its problem limit.
 */
const AnswersSchema = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'expected an object of answers keyed by question name',
);

export const CredentialSchema = z.string().min(1).max(64);

export const DraftBodySchema = z.strictObject({
  answers: AnswersSchema,
  page: z.number().int().min(0).max(1000),
  revision: z.number().int().min(0),
});

export const CompleteBodySchema = z.strictObject({
  answers: AnswersSchema,
  revision: z.number().int().min(0),
});

export const DeclineBodySchema = z.strictObject({
  reason: z.enum(['consent_declined', 'respondent_declined']).default('respondent_declined'),
});

export const AccessCodeBodySchema = z.strictObject({ code: z.string().max(64) });

export type DraftBody = z.infer<typeof DraftBodySchema>;
export type CompleteBody = z.infer<typeof CompleteBodySchema>;
export type DeclineBody = z.infer<typeof DeclineBodySchema>;
