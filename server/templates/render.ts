import type { MailKind } from '../contracts/mailings.js';
import type { ContactRow, OfficeDetailRow } from '../offices/repo.js';
import { escapeHtml } from '../platform/html.js';

/**
 * Email templates: plain text with `{{merge_field}}`s. Only named substitution from an allow-list
 * (no expressions, no code: template engines like Handlebars run what a template says), checked
 * when staff save a template so that an unknown field is an error then, never a blank in a sent mail.
 */

export type EmailTemplate = { subject: string; body: string };
export type RenderedEmail = { subject: string; text: string; html: string };

/** Fields every mail can use (fieldwork.md); a frame's extra columns join them per fielding. */
export const STANDARD_FIELDS = Object.freeze({
  office_name: 'The office’s name from the frame',
  office_id: 'The study’s id of the office',
  jurisdiction: 'The jurisdiction the office serves',
  state: 'USPS state code',
  city: 'City from the frame (may be empty)',
  contact_name: 'The contact’s name',
  contact_title: 'The contact’s title (may be empty)',
  link: 'The personal survey link issued for this message',
  access_code: 'The typed access code of that link, e.g. KQ7M-4T9X-WP2H',
  code_url: 'Where an access code is typed (the short URL)',
  deadline: 'The fielding’s deadline as set in its mail settings',
  survey_minutes: 'About how many minutes the survey takes, from the fielding’s instrument',
  invited_ago:
    'When the office was first invited, counted to this message and written to start a sentence: “Last week”, “Two weeks ago”, “A few weeks ago”…',
  opt_out_link: 'One click to stop all mail about this survey (also added at the foot of every mail)',
});
export type StandardField = keyof typeof STANDARD_FIELDS;

/** Invitations and reminders must carry a way in; a thank-you need not. */
const REQUIRED_ONE_OF: Record<MailKind, readonly StandardField[]> = {
  invitation: ['link', 'access_code'],
  reminder: ['link', 'access_code'],
  thank_you: [],
};

export type TemplateProblem = { part: 'subject' | 'body'; line: number; column: number; message: string };
type FieldUse = { name: string; line: number; column: number };

const OPEN = '{{';
const CLOSE = '}}';
const FIELD_NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Each `{{ … }}` of a text with its 1-based line and column, or the problem with a malformed one. */
function scan(text: string): { uses: FieldUse[]; problems: Omit<TemplateProblem, 'part'>[] } {
  const uses: FieldUse[] = [];
  const problems: Omit<TemplateProblem, 'part'>[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const where = (offset: number) => {
    let line = lineStarts.length - 1;
    while ((lineStarts[line] ?? 0) > offset) line--;
    return { line: line + 1, column: offset - (lineStarts[line] ?? 0) + 1 };
  };
  let at = text.indexOf(OPEN);
  while (at !== -1) {
    const end = text.indexOf(CLOSE, at + OPEN.length);
    const nextOpen = text.indexOf(OPEN, at + OPEN.length);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      problems.push({ ...where(at), message: '"{{" is not closed by "}}"' });
      at = nextOpen;
      continue;
    }
    const inner = text.slice(at + OPEN.length, end);
    const name = FIELD_NAME.exec(inner)?.[1];
    if (name === undefined) {
      problems.push({
        ...where(at),
        message: `"{{${inner}}}" is not a merge field: write a field name like {{office_name}}`,
      });
    } else {
      uses.push({ name, ...where(at) });
    }
    at = text.indexOf(OPEN, end + CLOSE.length);
  }
  return { uses, problems };
}

/**
 * The problems of one text's merge fields (malformed, or not in `fields`), with line and column;
 * the check emails and letters share.
 */
export function checkText(
  text: string,
  fields: ReadonlySet<string>,
): { problems: Omit<TemplateProblem, 'part'>[]; used: Set<string> } {
  const found = scan(text);
  const problems = [...found.problems];
  const used = new Set<string>();
  for (const use of found.uses) {
    used.add(use.name);
    if (!fields.has(use.name))
      problems.push({ line: use.line, column: use.column, message: unknownFieldMessage(use.name, fields) });
  }
  return { problems, used };
}

/**
 * Every problem of a template, with where it is: a malformed or unknown merge field, an empty
 * subject or body, a subject on several lines, an invitation or reminder without a link or code.
 * `fields` are the names allowed for this fielding (standard ones and the frame's extra columns).
 */
export function checkTemplate(kind: MailKind, template: EmailTemplate, fields: ReadonlySet<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const used = new Set<string>();
  for (const part of ['subject', 'body'] as const) {
    const text = template[part];
    if (text.trim() === '') problems.push({ part, line: 1, column: 1, message: `The ${part} is empty.` });
    const found = checkText(text, fields);
    for (const p of found.problems) problems.push({ part, ...p });
    for (const name of found.used) used.add(name);
  }
  const newline = template.subject.indexOf('\n');
  if (newline !== -1) {
    problems.push({ part: 'subject', line: 2, column: 1, message: 'A subject is one line.' });
  }
  const required = REQUIRED_ONE_OF[kind];
  if (required.length > 0 && !required.some((f) => used.has(f))) {
    problems.push({
      part: 'body',
      line: 1,
      column: 1,
      message: `A${kind === 'invitation' ? 'n' : ''} ${kind} must give the way in: use {{link}} or {{access_code}} in the body.`,
    });
  }
  return problems;
}

function unknownFieldMessage(name: string, fields: ReadonlySet<string>): string {
  const lower = name.toLowerCase();
  const near = [...fields].find((f) => f.toLowerCase() === lower || f.replace(/_/g, '') === lower.replace(/_/g, ''));
  return `Unknown merge field {{${name}}}${near ? ` (did you mean {{${near}}}?)` : ''}. Known fields: ${[...fields].sort().join(', ')}.`;
}

/** The values of one mail's merge fields. Every allowed field has a value (possibly empty). */
export type MergeValues = Readonly<Record<string, string>>;

/** A field in the text that has no value: a template saved before a frame lost a column. */
export class MissingMergeFieldError extends Error {}

const FIELD_PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The text with each merge field replaced: the text between fields through `asText`, values through `value`. */
function substitute(
  text: string,
  values: MergeValues,
  asText: (s: string) => string,
  value: (name: string, v: string) => string = (_n, v) => asText(v),
): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(FIELD_PATTERN)) {
    const name = match[1] as string;
    const v = values[name];
    if (v === undefined) throw new MissingMergeFieldError(`The template uses {{${name}}}, which has no value.`);
    out += asText(text.slice(last, match.index)) + value(name, v);
    last = match.index + match[0].length;
  }
  return out + asText(text.slice(last));
}

/**
 * The merge fields whose value is a survey credential (the link and its access code are one token).
 * The opt-out link is not among them: it only stops mail and every message carries its own.
 */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set<StandardField>(['link', 'access_code']);

/**
 * Whether a template's subject or body uses a credential field: only then is a live link minted
 * for the message, so a thank-you that gives none leaves the contact no extra way in.
 */
export function carriesCredential(template: EmailTemplate): boolean {
  return [template.subject, template.body].some((text) =>
    [...text.matchAll(FIELD_PATTERN)].some((match) => CREDENTIAL_FIELDS.has(match[1] as string)),
  );
}

/** A text with its merge fields filled, as plain text (a letter's body). */
export const renderPlain = (text: string, values: MergeValues) => substitute(text, values, (s) => s);

/** Links become anchors in the HTML part; every other value is text. */
const LINK_FIELDS = new Set(['link', 'opt_out_link', 'code_url']);
const htmlValue = (name: string, v: string) =>
  LINK_FIELDS.has(name) && /^https?:\/\//.test(v) ? `<a href="${escapeHtml(v)}">${escapeHtml(v)}</a>` : escapeHtml(v);

/**
 * The subject, plain-text and HTML parts of one mail. The HTML part is made from the same text
 * (paragraphs at blank lines, links as anchors, everything else escaped), so the two parts never
 * say different things and a template cannot inject markup. Every mail ends with the opt-out line.
 */
export function renderEmail(template: EmailTemplate, values: MergeValues): RenderedEmail {
  const optOut = values.opt_out_link;
  if (optOut === undefined) throw new MissingMergeFieldError('Every mail needs its opt-out link.');
  const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');
  const plain = (s: string) => s;
  const subject = oneLine(substitute(template.subject, values, plain));
  const footer = `To stop all email about this survey, open: ${optOut}`;
  const text = `${substitute(template.body, values, plain).trimEnd()}\n\n--\n${footer}\n`;
  const htmlBody = substitute(template.body.trimEnd(), values, escapeHtml, htmlValue);
  const paragraphs = htmlBody
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${p.trim().replace(/\r?\n/g, '<br>\n')}</p>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Georgia, serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 40em">
${paragraphs}
<hr>
<p style="font-size: 13px; color: #555">To stop all email about this survey, <a href="${escapeHtml(optOut)}">opt out here</a>.</p>
</body></html>
`;
  return { subject, text, html };
}

/** The names a fielding's templates may use: the standard fields and its frame's extra columns. */
export function allowedFields(attributeKeys: Iterable<string>): Set<string> {
  return new Set([...Object.keys(STANDARD_FIELDS), ...attributeKeys]);
}

/** What one message says about its office and contact; the secrets are issued for this message. */
export function mergeValues(input: {
  office: Pick<OfficeDetailRow, 'office_name' | 'office_id' | 'jurisdiction' | 'state' | 'city' | 'attributes'>;
  contact: Pick<ContactRow, 'name' | 'title'>;
  link: string;
  accessCode: string;
  codeUrl: string;
  optOutLink: string;
  deadline: string;
  surveyMinutes: number;
  /** {{invited_ago}} as invitedAgoText words it. */
  invitedAgo: string;
}): MergeValues {
  const attributes = JSON.parse(input.office.attributes) as Record<string, unknown>;
  const extra = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v == null ? '' : String(v)]));
  const standard: Record<StandardField, string> = {
    office_name: input.office.office_name,
    office_id: input.office.office_id,
    jurisdiction: input.office.jurisdiction,
    state: input.office.state,
    city: input.office.city ?? '',
    contact_name: input.contact.name,
    contact_title: input.contact.title ?? '',
    link: input.link,
    access_code: input.accessCode,
    code_url: input.codeUrl,
    deadline: input.deadline,
    survey_minutes: String(input.surveyMinutes),
    invited_ago: input.invitedAgo,
    opt_out_link: input.optOutLink,
  };
  // A frame column named like a standard field never overrides it: the link must be the link.
  return Object.freeze({ ...extra, ...standard });
}
