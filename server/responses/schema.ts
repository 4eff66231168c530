import { z } from 'zod';

/** Answers are keyed by question name; their values are checked against the instrument, not here. */
const AnswersSchema = z.record(z.string().min(1).max(80), z.unknown());

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
