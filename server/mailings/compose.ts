import type { FieldingRepo } from '../fieldings/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeDetailRow } from '../offices/repo.js';
import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import { estimatedMinutesOf } from '../responses/present.js';
import { mergeValues, type RenderedEmail, renderEmail } from '../templates/render.js';
import type { TemplateRepo } from '../templates/repo.js';
import type { SendRow } from './repo.js';

/** The repositories this module uses. */
type Repos = { fieldings: FieldingRepo; templates: TemplateRepo };

/** 24 bytes = 192 bits from the CSPRNG: an opt-out link cannot be guessed, so it needs no login. */
const OPT_OUT_BYTES = 24;

export const newOptOutToken = (random: RandomBytes) => random(OPT_OUT_BYTES).toString('base64url');
export const optOutUrl = (publicUrl: string, token: string) => `${publicUrl}/u/${token}`;

const LONG_DATE = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** {{deadline}}: the mail settings' text, else the fielding's closing day, else a gentle default. */
export function deadlineText(repos: Repos, fieldingId: number, closesAt: string | null): string {
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

/** The Message-ID's domain: the survey's own host, so bounces can be matched to the send. */
export function messageIdOf(sendId: number, random: RandomBytes, publicUrl: string): string {
  return `<send-${sendId}.${random(9).toString('hex')}@${new URL(publicUrl).hostname}>`;
}

/** The headers every mail carries: RFC 2369 List-Unsubscribe and RFC 8058 one-click. */
export function unsubscribeHeaders(optOutLink: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${optOutLink}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export type ComposeInput = {
  repos: Repos;
  publicUrl: string;
  send: Pick<SendRow, 'fielding_id' | 'kind'>;
  office: OfficeDetailRow;
  contact: { name: string; title: string | null };
  closesAt: string | null;
  link: string;
  accessCode: string;
  optOutLink: string;
  surveyMinutes: number;
};

/** Subject and both parts of one message, from the fielding's template (or the default one). */
export function composeMessage(input: ComposeInput): RenderedEmail {
  const template = input.repos.templates.templateOf(input.send.fielding_id, input.send.kind);
  const values = mergeValues({
    office: input.office,
    contact: input.contact,
    link: input.link,
    accessCode: input.accessCode,
    codeUrl: `${input.publicUrl}/code`,
    optOutLink: input.optOutLink,
    deadline: deadlineText(input.repos, input.send.fielding_id, input.closesAt),
    surveyMinutes: input.surveyMinutes,
  });
  return renderEmail(template, values);
}

export const optOutHash = (token: string) => hashSecret(token);
