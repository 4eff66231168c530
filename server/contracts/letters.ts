import * as z from 'zod/mini';

/** The answers of the letter routes (docs/staff-api.md). */

/**
 * The orders a letters PDF can be printed in (POST .../letters `{ order }`, `fieldkit letters --order`):
 * by the mailing address's ZIP (the default: presorted bulk mail is priced by it), by office ID, or by state.
 */
export const LETTER_ORDERS = ['zip', 'office', 'state'] as const;
export type LetterOrder = (typeof LETTER_ORDERS)[number];
export const DEFAULT_LETTER_ORDER: LetterOrder = 'zip';

/** What a letters download printed and skipped (its X-Fieldkit-Letters header), without any access code. */
export const LetterCountsSchema = z.object({
  letters: z.number(),
  skipped: z.object({ completed: z.number(), refused: z.number(), ineligible: z.number(), noContact: z.number() }),
  summary: z.string(),
});
export type LetterCounts = z.infer<typeof LetterCountsSchema>;

export const LetterSenderSchema = z.object({
  senderName: z.string(),
  senderTitle: z.string(),
  institution: z.string(),
  returnAddress: z.string(),
  phone: z.string(),
  signature: z.string(),
});
export type LetterSender = z.infer<typeof LetterSenderSchema>;
/** The letter text (null = the default letter) and the sender block. */
export const LetterSettingsSchema = z.object({
  ...LetterSenderSchema.shape,
  body: z.nullable(z.string()),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type LetterSettingsAnswer = z.infer<typeof LetterSettingsSchema>;
/** GET /api/staff/fieldings/:name/letter-settings: with the default text and the merge fields it may use. */
export const LetterSettingsPageSchema = z.object({
  settings: LetterSettingsSchema,
  defaultBody: z.string(),
  fields: z.array(z.string()),
});
export const SavedLetterSettingsSchema = z.object({ settings: LetterSettingsSchema });
