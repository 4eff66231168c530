import {
  contentTypeOf,
  decodedBody,
  type Entity,
  field,
  type HeaderField,
  HeaderTooLarge,
  type Line,
  MAX_HEADER_CHARS,
  MAX_HEADER_LINES,
  type MimeProblem,
  multipartParts,
  readEntity,
  readHeaderBlock,
  startsWithHeader,
  toLines,
} from './mime.js';

/**
 * Delivery-status notifications (RFC 3464, and RFC 6533's internationalized variant) read from one
 * message (.eml) or an mbox file. Pure, no I/O: the caller reads the file and applies the result.
 */

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export type DsnRecipient = { email: string; action: DsnAction; status: string; diagnostic?: string };

export type DsnProblem = MimeProblem;

export type BounceMessage =
  | { kind: 'dsn'; line: number; originalMessageId?: string; recipients: DsnRecipient[] }
  /** An ordinary mail (or another kind of report): not an error, but the reader is told about it. */
  | { kind: 'skipped'; line: number; reason: string }
  | { kind: 'invalid'; line: number; problems: DsnProblem[] };

const ACTIONS: readonly string[] = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'];
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;
const REPORT_TYPES = ['delivery-status', 'global-delivery-status'];
const STATUS_PARTS = ['message/delivery-status', 'message/global-delivery-status'];
const RETURNED_MESSAGES = ['message/rfc822', 'message/global'];
const RETURNED_HEADERS = ['text/rfc822-headers', 'message/global-headers'];
// Deeper nesting than this is no bounce any MTA writes; the limit keeps a hostile file cheap.
const MAX_DEPTH = 12;

/** Reads every message of the file: an mbox when it starts with a "From " line, else one message. */
export function readBounceFile(text: string): BounceMessage[] {
  const lines = toLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (lines.every((l) => l.text.trim() === '')) {
    return [{ kind: 'invalid', line: 1, problems: [{ line: 1, message: 'the file is empty' }] }];
  }
  return splitMbox(lines).map(readMessage);
}

/** One message of the file; `fromLine` is its mbox "From " line, absent for a lone message. */
export type MboxMessage = { fromLine?: number; lines: Line[] };

/**
 * mboxo and mboxrd both start a message at every line beginning "From "; mboxrd escapes body lines
 * ">From ", ">>From " ... with one more ">", which is undone here (for mboxo it undoes the only one).
 */
export function splitMbox(lines: readonly Line[]): MboxMessage[] {
  const firstText = lines.find((l) => l.text.trim() !== '')?.text ?? '';
  if (!firstText.startsWith('From ')) return [{ lines: [...lines] }];
  const messages: MboxMessage[] = [];
  let current: Line[] = [];
  for (const l of lines) {
    if (l.text.startsWith('From ')) {
      current = [];
      messages.push({ fromLine: l.line, lines: current });
      continue;
    }
    current.push(/^>+From /.test(l.text) ? { text: l.text.slice(1), line: l.line } : l);
  }
  return messages;
}

/** `line` is the message's first header line: the line after its "From " line in an mbox. */
function readMessage({ fromLine, lines }: MboxMessage): BounceMessage {
  const start = lines.findIndex((l) => l.text.trim() !== '');
  const content = start < 0 ? [] : lines.slice(start);
  const line = content[0]?.line ?? fromLine ?? 1;
  const invalid = (problems: DsnProblem[]): BounceMessage => ({ kind: 'invalid', line, problems });
  if (content.length === 0) return invalid([{ line, message: 'empty message after the "From " line' }]);
  if (!startsWithHeader(content)) return invalid([{ line, message: 'not a mail message: no header block' }]);
  try {
    return readContent(content, line, invalid);
  } catch (err) {
    if (!(err instanceof HeaderTooLarge)) throw err;
    const limit = err.limit === 'lines' ? MAX_HEADER_LINES : MAX_HEADER_CHARS;
    return invalid([
      {
        ...err.at,
        message:
          `the header block that starts at line ${err.blockStart} has more than ${limit.toLocaleString('en-US')} ${err.limit}; ` +
          `no mail system writes such a header, so the message that starts at line ${line} is refused`,
      },
    ]);
  }
}

/** A message that starts with a header; any header block it reads may throw HeaderTooLarge. */
function readContent(content: Line[], line: number, invalid: (problems: DsnProblem[]) => BounceMessage): BounceMessage {
  const message = readEntity(content, line);
  const report = findReport(message, 0);
  if (!report) return { kind: 'skipped', line, reason: skipReason(message) };
  if ('message' in report) return invalid([report]);
  const status = findPart(report.parts, STATUS_PARTS, 0);
  if (!status) {
    return invalid([{ line: report.at, message: 'multipart/report without a message/delivery-status part' }]);
  }
  const recipients = readStatusPart(status);
  if (!Array.isArray(recipients)) return invalid(recipients.problems);
  const returned = findPart(report.parts, [...RETURNED_MESSAGES, ...RETURNED_HEADERS], 0);
  const originalMessageId = returned ? messageIdOf(returned) : undefined;
  return { kind: 'dsn', line, ...(originalMessageId ? { originalMessageId } : {}), recipients };
}

function skipReason(message: Entity): string {
  const { type, params } = contentTypeOf(message);
  if (type === 'multipart/report') {
    return `a multipart/report of type ${params['report-type'] ?? '(none)'}, not a delivery-status notification`;
  }
  const subject = field(message.headers, 'subject')?.value;
  return `not a delivery-status notification (${type}${subject ? `, subject "${subject.slice(0, 80)}"` : ''})`;
}

/** The first multipart/report of type delivery-status, looked for through nested multiparts. */
function findReport(entity: Entity, depth: number): { at: number; parts: Entity[] } | DsnProblem | undefined {
  const { type, params, line } = contentTypeOf(entity);
  if (!type.startsWith('multipart/') || depth > MAX_DEPTH) return undefined;
  const isReport = type === 'multipart/report' && REPORT_TYPES.includes((params['report-type'] ?? '').toLowerCase());
  const boundary = params.boundary;
  if (!boundary) {
    return isReport ? { line, message: `${type} without a boundary parameter` } : undefined;
  }
  const parts = multipartParts(entity, boundary);
  if (!parts) {
    return isReport ? { line, message: `${type}: its boundary "${boundary}" never appears in the body` } : undefined;
  }
  if (isReport) return { at: line, parts };
  for (const part of parts) {
    const found = findReport(part, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The first part of one of these types among the report's parts and their nested multiparts. */
function findPart(parts: readonly Entity[], types: readonly string[], depth: number): Entity | undefined {
  for (const part of parts) {
    const { type, params } = contentTypeOf(part);
    if (types.includes(type)) return part;
    if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
      const found = findPart(multipartParts(part, params.boundary) ?? [], types, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The returned message's (or returned headers') Message-ID, always in angle brackets. */
function messageIdOf(part: Entity): string | undefined {
  const decoded = decodedBody(part);
  if (!('lines' in decoded)) return undefined;
  const { fields } = readHeaderBlock(decoded.lines);
  const value = field(fields, 'message-id')?.value.trim();
  if (!value) return undefined;
  const bare = value.replace(/^<|>$/g, '').trim();
  return bare === '' ? undefined : `<${bare}>`;
}

/**
 * The status part: one group of per-message fields, then one group per recipient, groups separated
 * by blank lines (RFC 3464 2.1). Read strictly: a bounce we misread would mark the wrong contact.
 */
function readStatusPart(part: Entity): DsnRecipient[] | { problems: DsnProblem[] } {
  const decoded = decodedBody(part);
  if (!('lines' in decoded)) return { problems: [decoded] };
  const where = decoded.exact ? '' : 'in the base64-encoded status part: ';
  const problems: DsnProblem[] = [];
  const problem = (at: { line: number; column?: number | undefined }, message: string) =>
    problems.push({
      line: at.line,
      ...(decoded.exact && at.column !== undefined ? { column: at.column } : {}),
      message: `${where}${message}`,
    });
  const groups = groupsOf(decoded.lines);
  for (const group of groups) {
    const { invalid } = readHeaderBlock(group);
    for (const bad of invalid) problem(bad, `"${bad.text.trim().slice(0, 60)}" is not a field (Name: value)`);
  }
  const [, ...recipientGroups] = groups.map((g) => readHeaderBlock(g).fields);
  if (recipientGroups.length === 0) {
    problem(part.body[0] ?? part, 'message/delivery-status part without a per-recipient group');
  }
  const recipients: DsnRecipient[] = [];
  for (const fields of recipientGroups) {
    const recipient = readRecipient(fields, problem);
    if (recipient) recipients.push(recipient);
  }
  return problems.length > 0 ? { problems } : recipients;
}

function groupsOf(lines: readonly Line[]): Line[][] {
  const groups: Line[][] = [];
  let current: Line[] = [];
  for (const l of lines) {
    if (l.text.trim() === '') {
      if (current.length > 0) groups.push(current);
      current = [];
    } else {
      current.push(l);
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

type Report = (at: { line: number; column?: number | undefined }, message: string) => void;

function readRecipient(fields: HeaderField[], report: Report): DsnRecipient | undefined {
  let failed = false;
  const problem: Report = (at, message) => {
    failed = true;
    report(at, message);
  };
  // A missing field is the group's fault, not a value's: the group's first line, no column.
  const first = { line: (fields[0] as HeaderField).line };
  const recipientField = field(fields, 'final-recipient') ?? field(fields, 'original-recipient');
  const action = field(fields, 'action');
  const status = field(fields, 'status');
  if (!recipientField) problem(first, 'recipient group without Final-Recipient');
  if (!action) problem(first, 'recipient group without Action');
  if (!status) problem(first, 'recipient group without Status');
  const email = recipientField ? addressOf(recipientField.value) : '';
  if (recipientField && !email.includes('@')) {
    problem(recipientField, `Final-Recipient "${quoted(recipientField.value)}" is not an email address`);
  }
  const actionValue = withoutComment((action?.value ?? '').toLowerCase());
  if (action && !ACTIONS.includes(actionValue)) {
    problem(action, `Action "${quoted(action.value)}" is not one of ${ACTIONS.join(', ')}`);
  }
  const statusValue = withoutComment(status?.value ?? '').trim();
  if (status && !STATUS.test(statusValue)) {
    problem(status, `Status "${quoted(statusValue)}" is not a DSN status code x.y.z`);
  }
  if (failed) return undefined;
  const diagnostic = field(fields, 'diagnostic-code')
    ?.value.replace(/^[\w-]+\s*;\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { email, action: actionValue as DsnAction, status: statusValue, ...(diagnostic ? { diagnostic } : {}) };
}

/**
 * `failed (mailbox gone)` -> `failed`. Not /\s*\(.*$/: tried at every blank of a long run without a
 * parenthesis after it, that regex is quadratic (100,000 blanks took over a minute).
 */
function withoutComment(value: string): string {
  const paren = value.indexOf('(');
  return paren < 0 ? value : value.slice(0, paren).trimEnd();
}

/** A value as problems quote it: the start of it, since a hostile one may be 100 KB long. */
const quoted = (value: string) => (value.length > 80 ? `${value.slice(0, 80)}…` : value);

/** `rfc822; <User@Example.org>` -> `user@example.org`: address type and angle brackets removed. */
export function addressOf(value: string): string {
  const semicolon = value.indexOf(';');
  const address = semicolon < 0 ? value : value.slice(semicolon + 1);
  return address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
}
