import type { FieldingRepo } from '../fieldings/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { estimatedMinutesOf } from '../responses/present.js';

/** The values of the merge fields a template may use that are not columns of the frame. */

export const optOutUrl = (publicUrl: string, token: string) => `${publicUrl}/u/${token}`;

const LONG_DATE = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** {{deadline}}: the mail settings' text, else the fielding's closing day, else a gentle default. */
export function deadlineText(repos: { fieldings: FieldingRepo }, fieldingId: number, closesAt: string | null): string {
  const set = repos.fieldings.mailSettingsOf(fieldingId).deadline;
  if (set !== null && set.trim() !== '') return set;
  if (closesAt !== null) return LONG_DATE.format(new Date(closesAt));
  return 'as soon as you can';
}

/**
 * {{survey_minutes}}: what the respondent app will say, from the fielding's instrument version, so
 * a mail never promises 30 minutes for a 25-minute survey. 0 when the version is not loaded.
 */
export function surveyMinutesOf(
  instruments: InstrumentRegistry,
  fielding: { instrument_id: string; instrument_version: string },
): number {
  const instrument = instruments.get(fielding.instrument_id, fielding.instrument_version);
  return instrument ? estimatedMinutesOf(instrument) : 0;
}

/** The recipient with the contact's name, as the preview shows it ("Dana Reyes <dana@…>"). */
export const recipientOf = (contact: { name: string; email: string }) => ({
  name: contact.name,
  address: contact.email,
});
export const recipientText = (contact: { name: string; email: string }) => `${contact.name} <${contact.email}>`;
