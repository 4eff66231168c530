import { DONT_KNOW, PREFER_NOT } from './extensions.js';

/**
 * The study-wide missing-value codes (spec: Conventions), below both the instrument checker and
 * the codebook, so that neither imports the other for them.
 */
export const MISSING_CODES = Object.freeze({
  preferNot: { code: PREFER_NOT, label: 'Prefer not to answer' },
  dontKnow: { code: DONT_KNOW, label: "Don't know" },
  skipped: { code: -8, label: 'Legitimately skipped (hidden by logic)' },
  notAnswered: { code: -9, label: 'Not answered (shown, left blank)' },
});
