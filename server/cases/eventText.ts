import type { CaseEventType } from './repo.js';

/** What a sentence may say about the people a detail names by id. */
export type EventNames = { contactName(contactId: number): string };

type Detail = Readonly<Record<string, unknown>>;

const text = (d: Detail, key: string): string | undefined => {
  const v = d[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};
const count = (d: Detail, key: string): number | undefined => {
  const v = d[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

const MAIL_NAMES: Readonly<Record<string, string>> = {
  invitation: 'invitation',
  reminder: 'reminder',
  thank_you: 'thank-you',
};
const mailName = (kind: string | undefined, number?: number) => {
  const name = (kind && MAIL_NAMES[kind]) ?? 'email';
  return kind === 'reminder' && number !== undefined && number > 0 ? `${name} ${number}` : name;
};

const contact = (d: Detail, names: EventNames) => {
  const id = count(d, 'contact_id');
  return id === undefined ? 'a contact' : names.contactName(id);
};
/** ": reason" or nothing; the sentence's full stop follows it. */
const because = (reason: string | undefined) => (reason ? `: ${reason}` : '');
const by = (d: Detail) => (text(d, 'by') ? ` by ${text(d, 'by')}` : '');

/** Why a link was revoked, in words: the reasons the services record (tokens/workflows.ts, mailings/dispatch.ts). */
function revokedBecause(reason: string | undefined): string {
  if (reason === undefined) return '';
  if (reason === 'reissued') return ' because a new link was issued in its place';
  const undelivered = /^(\w+) not delivered$/.exec(reason);
  if (undelivered) return ` because its ${mailName(undelivered[1])} could not be delivered`;
  return ` (${reason})`;
}

const ISSUED_FOR: Readonly<Record<string, string>> = {
  invitation: ' for the invitation email',
  reminder: ' for a reminder email',
  thank_you: ' for the thank-you email',
  letter: ' for a postal letter',
};

const BOUNCE_SOURCES: Readonly<Record<string, string>> = { smtp: 'the mail server', dsn: 'a bounce message' };

/**
 * One sentence per kind of case event, for the staff console's event log: the log's internal names
 * (`token_issued`) and its JSON details mean nothing to a fieldwork coordinator. A kind added to
 * CaseEventType without a phrasing here fails the type check.
 */
const PHRASES: Readonly<Record<CaseEventType, (d: Detail, names: EventNames, link: string) => string>> = {
  case_created: (d) => `The case was created${text(d, 'fielding') ? ` in fielding ${text(d, 'fielding')}` : ''}.`,
  token_issued: (d, names, link) =>
    `A new ${link} and access code were issued to ${contact(d, names)}${ISSUED_FOR[text(d, 'purpose') ?? ''] ?? ''}.`,
  token_revoked: (d, _n, link) => `The ${link} stopped working${revokedBecause(text(d, 'reason'))}.`,
  link_opened: (d, _n, link) =>
    text(d, 'via') === 'code'
      ? `The survey was opened by typing the access code of the ${link}.`
      : `The survey was opened from the ${link}.`,
  consented: () => 'The respondent agreed to take part (consent given).',
  page_saved: (d) => {
    const page = count(d, 'page');
    return page === undefined ? 'Answers were saved.' : `Answers were saved on page ${page + 1}.`;
  },
  completed: (d) => {
    const answered = count(d, 'answered');
    return answered === undefined
      ? 'The survey was submitted.'
      : `The survey was submitted with ${answered} ${answered === 1 ? 'answer' : 'answers'}.`;
  },
  declined: (d) => `The respondent declined to take part in the survey${because(text(d, 'reason'))}.`,
  marked_ineligible: (d) => `Recorded as not eligible${by(d)}${because(text(d, 'reason'))}.`,
  marked_refused: (d) => `Recorded as a refusal${by(d)}${because(text(d, 'reason'))}.`,
  marked_invited: (d) =>
    `Recorded${by(d)} as invited: the links were handed out another way${text(d, 'on') ? ` on ${text(d, 'on')}` : ''}.`,
  email_sent: (d, names) => {
    const mail = mailName(text(d, 'kind'), count(d, 'number'));
    return `The ${mail} was accepted by the mail server for ${contact(d, names)}.`;
  },
  email_bounced: (d, names) => {
    const from = BOUNCE_SOURCES[text(d, 'source') ?? ''] ?? 'the mail system';
    const status = text(d, 'status');
    return `Mail to ${contact(d, names)} was refused for good, according to ${from}${status ? ` (status ${status})` : ''}.`;
  },
  contact_undeliverable: (d, names) =>
    `The address of ${contact(d, names)} was marked undeliverable${because(text(d, 'reason'))}.`,
  undeliverable: () => 'No contact of the office can be reached by email any more.',
  contact_added: (d, names) => `${contact(d, names)} was added as a contact, or can be mailed again.`,
  opted_out: (d, names) =>
    `${contact(d, names)} opted out from an email’s link: a refusal, and no more mail goes to this office.`,
};

/** The event as a sentence; a kind this version does not know is still shown, by its name. */
export function describeEvent(
  event: { type: string; tokenId: number | null; detail: unknown },
  names: EventNames,
): string {
  const detail: Detail =
    typeof event.detail === 'object' && event.detail !== null && !Array.isArray(event.detail)
      ? (event.detail as Detail)
      : {};
  const link = event.tokenId === null ? 'link' : `link #${event.tokenId}`;
  const phrase = (PHRASES as Readonly<Record<string, (typeof PHRASES)[CaseEventType]>>)[event.type];
  const sentence = phrase ? phrase(detail, names, link) : `Event “${event.type.replace(/_/g, ' ')}”.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** Every kind of event there is: the phrasing table's keys. */
export const EVENT_KINDS = Object.keys(PHRASES) as CaseEventType[];
