import type { FieldingRepo } from '../fieldings/repo.js';
import type { OfficeDetailRow } from '../offices/repo.js';
import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import { deadlineText, invitedAgoText } from '../templates/mergeValues.js';
import { carriesCredential, mergeValues, type RenderedEmail, renderEmail } from '../templates/render.js';
import type { TemplateRepo } from '../templates/repo.js';
import type { SendRow } from './repo.js';

/** 24 bytes = 192 bits from the CSPRNG: an opt-out link cannot be guessed, so it needs no login. */
const OPT_OUT_BYTES = 24;

export const newOptOutToken = (random: RandomBytes) => random(OPT_OUT_BYTES).toString('base64url');

/** The Message-ID's domain: the survey's own host, so bounces can be matched to the send. */
export function messageIdOf(sendId: number, random: RandomBytes, publicUrl: string): string {
  return `<send-${sendId}.${random(9).toString('hex')}@${new URL(publicUrl).hostname}>`;
}

/** The headers every mail carries: RFC 2369 List-Unsubscribe and RFC 8058 one-click. */
export function unsubscribeHeaders(optOutLink: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${optOutLink}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export type ComposeInput = {
  repos: { fieldings: FieldingRepo; templates: TemplateRepo };
  publicUrl: string;
  send: Pick<SendRow, 'fielding_id' | 'kind'>;
  office: OfficeDetailRow;
  contact: { name: string; title: string | null };
  closesAt: string | null;
  link: string;
  accessCode: string;
  optOutLink: string;
  surveyMinutes: number;
  /** When this contact (else the office) was first invited, if ever, and when this message goes. */
  invitedAt: string | undefined;
  at: string;
};

/** Whether this message's template gives a link or access code, so one must be minted for it. */
export function needsCredential(
  repos: { templates: TemplateRepo },
  send: Pick<SendRow, 'fielding_id' | 'kind'>,
): boolean {
  return carriesCredential(repos.templates.templateOf(send.fielding_id, send.kind));
}

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
    invitedAgo: invitedAgoText(input.invitedAt, new Date(input.at)),
  });
  return renderEmail(template, values);
}

export const optOutHash = (token: string) => hashSecret(token);
