import type { LetterCounts } from '../contracts/letters.js';
import { type LetterBatch, lettersSummary } from './service.js';

/** The response header of the letters download that carries its counts (JSON of presentLetterCounts). */
export const LETTERS_HEADER = 'X-Fieldkit-Letters';

/** What a batch printed and skipped, without any access code. */
export function presentLetterCounts(batch: Pick<LetterBatch, 'letters' | 'skipped'>): LetterCounts {
  return { letters: batch.letters.length, skipped: batch.skipped, summary: lettersSummary(batch) };
}
