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

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * {{invited_ago}}: when the office was first invited, from that instant to the message's, in words
 * that start a sentence ("Last week we invited …"), so a reminder on day 7 does not say "a few
 * weeks ago". "Recently" when no invitation is known.
 */
export function invitedAgoText(invitedAt: string | undefined, now: Date): string {
  if (invitedAt === undefined) return 'Recently';
  const days = Math.floor((now.getTime() - new Date(invitedAt).getTime()) / DAY_MS);
  if (days < 1) return 'Earlier today';
  if (days < 2) return 'Yesterday';
  if (days < 7) return 'A few days ago';
  if (days < 14) return 'Last week';
  if (days < 21) return 'Two weeks ago';
  if (days < 28) return 'Three weeks ago';
  if (days < 45) return 'About a month ago';
  if (days < 75) return 'About two months ago';
  return 'A few months ago';
}

/** The recipient with the contact's name, as the preview shows it ("Dana Reyes <dana@…>"). */
export const recipientOf = (contact: { name: string; email: string }) => ({
  name: contact.name,
  address: contact.email,
});
export const recipientText = (contact: { name: string; email: string }) => `${contact.name} <${contact.email}>`;
