import * as z from 'zod/mini';

/**
 * The AAPOR final dispositions this platform derives (spec: fieldwork.md, Dispositions). Declared
 * here, with no import but zod, so the console offers the very codes the server derives
 * (server/cases/disposition.ts holds the rule that picks one).
 */
export const DISPOSITIONS = Object.freeze({
  complete: { code: '1.1', label: 'Complete' },
  partial: { code: '1.2', label: 'Partial' },
  refusal: { code: '2.11', label: 'Refusal' },
  breakOff: { code: '2.12', label: 'Break-off' },
  notInvited: { code: '3.11', label: 'Not invited (no invitation sent)' },
  nothingReturned: { code: '3.19', label: 'Nothing returned' },
  undeliverable: { code: '3.30', label: 'Undeliverable (every address bounced)' },
  ineligible: { code: '4.10', label: 'Not eligible' },
});

/**
 * Shares of the items shown that must be answered: each fielding's settings, set before fieldwork
 * (fieldings.complete_pct / partial_pct); these are the defaults (spec: 80% and 50%). Here rather
 * than in cases/ because fieldings/ stores them and cases/ applies them: neither owns the other.
 */
export type DispositionThresholds = Readonly<{ complete: number; partial: number }>;
export const DEFAULT_THRESHOLDS: DispositionThresholds = Object.freeze({ complete: 0.8, partial: 0.5 });

/** A case's disposition as the staff API answers it; `reason` where the log gives one. */
export const DispositionSchema = z.object({ code: z.string(), label: z.string(), reason: z.optional(z.string()) });
export type DispositionAnswer = z.infer<typeof DispositionSchema>;
