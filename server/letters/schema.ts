import { z } from 'zod';
import { DEFAULT_LETTER_ORDER, LETTER_ORDERS } from '../contracts/letters.js';

const Line = (max: number) => z.string().trim().max(max);
const NoLineBreak = (max: number) => Line(max).refine((s) => !/[\r\n]/.test(s), 'must be one line');

/**
 * A fielding's letter (PUT replaces it): the text, checked for merge fields by checkLetter, and the
 * sender block. An empty or null body is the default letter; an empty sender field is left off.
 */
export const LetterSettingsBodySchema = z.strictObject({
  body: z.string().max(20_000).nullable(),
  senderName: NoLineBreak(200),
  senderTitle: NoLineBreak(200),
  institution: NoLineBreak(200),
  returnAddress: Line(500).refine((s) => s.split(/\r?\n/).length <= 6, 'at most 6 lines'),
  phone: NoLineBreak(50),
  signature: NoLineBreak(200),
});
export type LetterSettingsBody = z.infer<typeof LetterSettingsBodySchema>;

/** A letters batch (POST .../letters): the order its pages are printed in; no body is the default, by ZIP. */
export const LettersBodySchema = z.strictObject({
  order: z.enum(LETTER_ORDERS).default(DEFAULT_LETTER_ORDER),
});
