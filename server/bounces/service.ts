import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import { recordUndeliverable } from '../casework/undeliverable.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { BounceMessage, DsnProblem, DsnRecipient } from './dsn.js';
import type { BounceRepo, SendRow } from './repo.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; bounces: BounceRepo; cases: CaseRepo; db: Db; offices: OfficeRepo };

export type BounceContext = { repos: Repos; clock: Clock };

/** One file's messages as dsn.ts read them; `name` is how problems and the report name the file. */
export type BounceFile = { name: string; messages: BounceMessage[] };

/** The contact of the send a permanent failure answered. */
export type BouncedContact = { email: string; status: string; contactId: number; officeId: string; sendId: number };
export type ReportedRecipient = { line: number; email: string; action: string; status: string };

/**
 * Why a permanent failure was not applied: no Message-ID came back, it is none of our sends', or
 * the send with it went to another address. Anyone can mail a DSN to the study's mailbox, so only
 * a bounce that names one of our sends and that send's own recipient may mark a contact.
 */
export type UnmatchedReason = 'no_message_id' | 'unknown_message_id' | 'other_recipient';
export type UnmatchedRecipient = ReportedRecipient & { reason: UnmatchedReason; messageId?: string };

export type BounceFileReport = {
  name: string;
  messages: number;
  dsns: number;
  markedUndeliverable: BouncedContact[];
  alreadyUndeliverable: BouncedContact[];
  /** Delayed, or failed with a 4.x.x status: the MTA may still deliver; nothing changes. */
  temporary: ReportedRecipient[];
  /** Permanent failures not applied, since they name no send of ours to that recipient. */
  unmatched: UnmatchedRecipient[];
  /** Delivered, relayed or expanded: good news, nothing to do. */
  ignored: number;
  skipped: { line: number; reason: string }[];
  /** email_attempts rows appended for matched sends. */
  attempts: number;
};

export type FileProblem = DsnProblem & { file: string };

/** `file:line:column: message`, as compilers and the frame import print them. */
export const formatBounceProblem = (p: FileProblem) =>
  `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}: ${p.message}`;

export function problemsOf(files: readonly BounceFile[]): FileProblem[] {
  return files.flatMap((f) =>
    f.messages.flatMap((m) => (m.kind === 'invalid' ? m.problems.map((p) => ({ ...p, file: f.name })) : [])),
  );
}

/** 422 with every problem: the file is refused as a whole (the route's and the CLI's answer). */
export const bouncesInvalid = (problems: FileProblem[]) =>
  new AppError(422, 'bounces_invalid', `${problems.length} problem(s); nothing was applied.`, {
    problems: problems.map((p) => ({ ...p, text: formatBounceProblem(p) })),
  });

/** Thrown inside the transaction of a dry run so that SQLite rolls every change back. */
class DryRun extends Error {
  constructor(readonly reports: BounceFileReport[]) {
    super('dry run');
  }
}

/**
 * Applies the delivery-status notifications of these files in one transaction: a permanent failure
 * (Action failed, Status 5.x.x) marks a contact undeliverable only when the Message-ID that came
 * back is one of our sends' and the failed recipient is that send's address; it is appended to the
 * send's SMTP attempts. Any other permanent failure is reported as unmatched and changes nothing.
 * All or nothing: a file with a message that could not be read changes nothing. Reading the same file again changes nothing (recordUndeliverable and the attempt check are
 * idempotent). A dry run does all of it and rolls it back, so its report is exactly what would happen.
 */
export function applyBounces(
  ctx: BounceContext,
  input: { files: BounceFile[]; actor: string; dryRun?: boolean },
): BounceFileReport[] {
  const problems = problemsOf(input.files);
  if (problems.length > 0) throw bouncesInvalid(problems);
  const at = ctx.clock().toISOString();
  const apply = ctx.repos.db.transaction(() => {
    const reports = input.files.map((file) => applyFile(ctx.repos, file, at));
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'bounces.read',
      fielding: null,
      // Counts only: which addresses bounced is in the case logs, where staff look for it.
      detail: { files: reports.map(countsOf) },
    });
    if (input.dryRun) throw new DryRun(reports);
    return reports;
  });
  try {
    return apply();
  } catch (err) {
    if (err instanceof DryRun) return err.reports;
    throw err;
  }
}

const countsOf = (r: BounceFileReport) => ({
  file: r.name,
  messages: r.messages,
  dsns: r.dsns,
  markedUndeliverable: r.markedUndeliverable.length,
  alreadyUndeliverable: r.alreadyUndeliverable.length,
  temporary: r.temporary.length,
  unmatched: r.unmatched.length,
  ignored: r.ignored,
  skipped: r.skipped.length,
  attempts: r.attempts,
});

function applyFile(repos: Repos, file: BounceFile, at: string): BounceFileReport {
  const report: BounceFileReport = {
    name: file.name,
    messages: file.messages.length,
    dsns: 0,
    markedUndeliverable: [],
    alreadyUndeliverable: [],
    temporary: [],
    unmatched: [],
    ignored: 0,
    skipped: [],
    attempts: 0,
  };
  for (const message of file.messages) {
    if (message.kind === 'skipped') report.skipped.push({ line: message.line, reason: message.reason });
    if (message.kind !== 'dsn') continue;
    report.dsns++;
    for (const recipient of message.recipients) {
      applyRecipient(repos, report, { line: message.line, messageId: message.originalMessageId, recipient, at });
    }
  }
  return report;
}

/** RFC 3464: only `failed` with a class-5 status is permanent; `delayed` and 4.x.x may still arrive. */
function classify(r: DsnRecipient): 'permanent' | 'temporary' | 'ignored' {
  if (r.action === 'failed' && r.status.startsWith('5.')) return 'permanent';
  return r.action === 'failed' || r.action === 'delayed' ? 'temporary' : 'ignored';
}

function applyRecipient(
  repos: Repos,
  report: BounceFileReport,
  input: { line: number; messageId: string | undefined; recipient: DsnRecipient; at: string },
): void {
  const { recipient, line, at } = input;
  const reported = { line, email: recipient.email, action: recipient.action, status: recipient.status };
  const kind = classify(recipient);
  if (kind === 'ignored') {
    report.ignored++;
    return;
  }
  if (kind === 'temporary') {
    report.temporary.push(reported);
    return;
  }
  const match = matchSend(repos, input.messageId, recipient.email);
  if ('reason' in match) {
    report.unmatched.push({ ...reported, ...match });
    return;
  }
  const { send } = match;
  const reply = `DSN ${recipient.status}${recipient.diagnostic ? ` ${recipient.diagnostic}` : ''}`.slice(0, 1000);
  const changed = recordUndeliverable(repos, {
    contactId: send.contact_id,
    at,
    reason: reply.slice(0, 500),
    source: { kind: 'dsn', status: recipient.status, sendId: send.send_id },
  });
  const bounced: BouncedContact = {
    email: send.email,
    status: recipient.status,
    contactId: send.contact_id,
    officeId: send.office_study_id,
    sendId: send.send_id,
  };
  (changed ? report.markedUndeliverable : report.alreadyUndeliverable).push(bounced);
  if (!repos.bounces.hasPermanentAttempt(send.send_id, reply)) {
    repos.bounces.appendPermanentAttempt(send.send_id, at, reply);
    report.attempts++;
  }
}

/** The send a bounce answers, or why there is none it may be applied to. */
function matchSend(
  repos: Repos,
  messageId: string | undefined,
  email: string,
): { send: SendRow } | { reason: UnmatchedReason; messageId?: string } {
  if (!messageId) return { reason: 'no_message_id' };
  const send = findSend(repos, messageId);
  if (!send) return { reason: 'unknown_message_id', messageId };
  // Both lower-case (addressOf and contacts.email); a corrected address no longer matches its old bounces.
  if (send.email !== email) return { reason: 'other_recipient', messageId };
  return { send };
}

/** The parser gives `<id>`; a send may have stored the header value with or without the brackets. */
const findSend = (repos: Repos, messageId: string) =>
  repos.bounces.findSendByMessageId(messageId) ?? repos.bounces.findSendByMessageId(messageId.replace(/^<|>$/g, ''));
