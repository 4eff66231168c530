import { issueLink } from '../cases/links.js';
import type { CaseRepo, ClosedReason } from '../cases/repo.js';
import { recordUndeliverable } from '../casework/undeliverable.js';
import type { MailKind } from '../contracts/mailings.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock, Sleep } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { RandomBytes } from '../platform/secrets.js';
import { optOutUrl, recipientOf, surveyMinutesOf } from '../templates/mergeValues.js';
import { MissingMergeFieldError } from '../templates/render.js';
import type { TemplateRepo } from '../templates/repo.js';
import type { TokenRepo } from '../tokens/repo.js';
import {
  composeMessage,
  messageIdOf,
  needsCredential,
  newOptOutToken,
  optOutHash,
  unsubscribeHeaders,
} from './compose.js';
import type { Mailer, MailOutcome, OutgoingMail } from './mailer.js';
import type { MailingRepo, SendRow } from './repo.js';

/** The repositories this module uses. */
type Repos = {
  db: Db;
  cases: CaseRepo;
  fieldings: FieldingRepo;
  mailings: MailingRepo;
  offices: OfficeRepo;
  templates: TemplateRepo;
  tokens: TokenRepo;
};

export type MailingContext = {
  repos: Repos;
  mailer: Mailer;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
  mailFrom: string;
  sleep: Sleep;
  logger: Logger;
  instruments: InstrumentRegistry;
};

/** What a command that must send says when the runtime has no mailer. */
export function emailOff(what: string): AppError {
  return new AppError(
    503,
    'email_off',
    `Email is off: SMTP_URL is not set, so ${what}. Set SMTP_URL (e.g. smtp://user:password@mail.example.org:587) and MAIL_FROM as for the server, or use --dry-run to see what would go out.`,
  );
}

export type DispatchProgress = {
  total: number;
  done: number;
  sent: number;
  rejected: number;
  failed: number;
  cancelled: number;
  interrupted: number;
};

const MINUTE = 60_000;
/**
 * A row still in 'sending' after this long belongs to a process that died mid-transaction: a live
 * one finishes an SMTP transaction within nodemailer's timeouts (a minute or two at most).
 */
export const SENDING_LEASE_MS = 10 * MINUTE;
/** Waits before the 2nd, 3rd and 4th try after a temporary failure; after the 4th, the send failed. */
export const RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Messages in flight at once: the SMTP pool's connections. */
export const CONCURRENCY = 3;
/**
 * After a stop (SIGTERM, Ctrl-C), how long a message already in the SMTP server's hands may take
 * to be answered before the run gives up on it and records it as interrupted, so that a stop ends
 * within seconds even when the mail server hangs (its own timeouts run to a minute).
 */
export const STOP_GRACE_MS = 5_000;
/**
 * A pace slot further ahead than this many intervals (and at least a minute) was not taken by a
 * sender waiting its turn (those are at most a few intervals ahead) but by a clock set ahead.
 */
export const PACE_SLOT_TOLERANCE_INTERVALS = 10;

/** A settled case gets no more invitations or reminders; a thank-you is for a completed one. */
function stillDue(send: SendRow, closed: ClosedReason | null): boolean {
  return send.kind === 'thank_you' ? closed === 'completed' : closed === null;
}

type Claimed =
  | { kind: 'none' }
  | { kind: 'cancelled'; send: SendRow }
  | { kind: 'unsendable'; send: SendRow }
  | { kind: 'ready'; send: SendRow; mail: OutgoingMail; tokenId: number | null; email: string };

/**
 * Claims the next due row and, in the same transaction, checks it is still wanted and records
 * everything the message carries (its link token, opt-out hash, Message-ID) before any SMTP
 * happens: after a crash, the database knows what may have gone out.
 */
function claimNext(ctx: MailingContext, fieldingId: number, kinds: readonly MailKind[]): Claimed {
  const { repos } = ctx;
  const at = ctx.clock().toISOString();
  return repos.db.transaction((): Claimed => {
    const send = repos.mailings.claimNext(fieldingId, kinds, at);
    if (!send) return { kind: 'none' };
    const contact = repos.offices.findContact(send.contact_id);
    const found = repos.cases.findCase(send.case_id);
    const office = found ? repos.offices.findOfficeDetail(found.office_id) : undefined;
    if (
      !contact ||
      !found ||
      !office ||
      contact.status !== 'active' ||
      !stillDue(send, repos.mailings.closedReasonOf(send.case_id))
    ) {
      repos.mailings.cancelSend(send.id, at);
      return { kind: 'cancelled', send };
    }
    const closesAt = repos.fieldings.findFieldingByName(found.fielding_name)?.closes_at ?? null;
    const compose = (secrets: { link: string; accessCode: string; optOutLink: string }) =>
      composeMessage({
        repos,
        publicUrl: ctx.publicUrl,
        send,
        office,
        contact,
        closesAt,
        surveyMinutes: surveyMinutesOf(ctx.instruments, found),
        invitedAt:
          repos.mailings.invitationSentTo(send.case_id, send.contact_id) ?? repos.cases.invitedAt(send.case_id),
        at,
        ...secrets,
      });
    // A template that no longer renders (a frame column it names is gone) fails the same whatever
    // the secrets: find out before issuing any, and mark this row so it is not claimed again.
    const problem = renderProblem(() => compose({ link: '', accessCode: '', optOutLink: '' }));
    if (problem !== undefined) {
      repos.mailings.finishSend(send.id, 'failed', { code: null, reply: `template: ${problem}`, at });
      repos.mailings.appendAttempt({ sendId: send.id, at, outcome: 'error', code: null, reply: problem });
      return { kind: 'unsendable', send };
    }
    // A link is minted only for a message whose text gives it: a thank-you without one leaves the
    // contact no extra live way into the survey.
    const minted = needsCredential(repos, send)
      ? issueLink(ctx, {
          caseId: send.case_id,
          contactId: contact.id,
          at,
          office,
          contact,
          purpose: send.kind,
          ...(send.kind === 'reminder' ? { number: send.number } : {}),
        })
      : undefined;
    const tokenId = minted?.tokenId ?? null;
    const optOutToken = newOptOutToken(ctx.random);
    const messageId = messageIdOf(send.id, ctx.random, ctx.publicUrl);
    repos.mailings.setSecrets(send.id, { tokenId, optOutHash: optOutHash(optOutToken), messageId });
    const optOutLink = optOutUrl(ctx.publicUrl, optOutToken);
    const rendered = compose({
      link: minted?.issued.link ?? '',
      accessCode: minted?.issued.access_code ?? '',
      optOutLink,
    });
    const mail: OutgoingMail = {
      from: ctx.mailFrom,
      to: recipientOf(contact),
      ...rendered,
      messageId,
      headers: unsubscribeHeaders(optOutLink),
    };
    return { kind: 'ready', send, mail, tokenId, email: contact.email };
  })();
}

function renderProblem(render: () => unknown): string | undefined {
  try {
    render();
    return undefined;
  } catch (err) {
    if (err instanceof MissingMergeFieldError) return err.message;
    throw err;
  }
}

type Result = 'sent' | 'rejected' | 'retry' | 'failed';
type Finished = Result | 'cancelled' | 'interrupted';

/** Records what the SMTP server said, in one transaction with its consequences. */
function recordOutcome(ctx: MailingContext, claimed: Extract<Claimed, { kind: 'ready' }>, result: MailOutcome): Result {
  const { repos } = ctx;
  const { send, tokenId } = claimed;
  const at = ctx.clock().toISOString();
  return repos.db.transaction((): Result => {
    repos.mailings.appendAttempt({
      sendId: send.id,
      at,
      outcome: result.outcome,
      code: result.code,
      reply: result.reply,
    });
    if (result.outcome === 'accepted') {
      repos.mailings.finishSend(send.id, 'sent', { code: result.code, reply: result.reply, at });
      repos.cases.appendEvent(send.case_id, 'email_sent', at, tokenId, {
        send_id: send.id,
        contact_id: send.contact_id,
        kind: send.kind,
        number: send.number,
      });
      return 'sent';
    }
    // The link of a message that never arrived must not work: a retry issues its own.
    if (tokenId !== null && repos.tokens.revokeToken(tokenId, at, null)) {
      repos.cases.appendEvent(send.case_id, 'token_revoked', at, tokenId, { reason: `${send.kind} not delivered` });
    }
    if (result.outcome === 'permanent') {
      repos.mailings.finishSend(send.id, 'rejected', { code: result.code, reply: result.reply, at });
      recordUndeliverable(repos, {
        contactId: send.contact_id,
        at,
        reason: `SMTP ${result.reply}`.slice(0, 500),
        source: { kind: 'smtp', sendId: send.id, status: String(result.code ?? '5xx') },
      });
      return 'rejected';
    }
    const delay = RETRY_DELAYS_MS[send.attempts - 1];
    if (delay === undefined) {
      repos.mailings.finishSend(send.id, 'failed', { code: result.code, reply: result.reply, at });
      return 'failed';
    }
    const nextAttemptAt = new Date(ctx.clock().getTime() + delay).toISOString();
    repos.mailings.requeue(send.id, { code: result.code, reply: result.reply, nextAttemptAt });
    return 'retry';
  })();
}

async function deliver(ctx: MailingContext, mail: OutgoingMail): Promise<MailOutcome> {
  try {
    return await ctx.mailer.send(mail);
  } catch (err) {
    // The mailer reports SMTP answers itself; anything thrown is a local failure, worth a retry.
    return { outcome: 'temporary', code: null, reply: `ERROR ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Delivers, but once the run is told to stop, waits at most `graceMs` more for the SMTP server's
 * answer: 'abandoned' then means the message may or may not have been accepted.
 */
function deliverUntilAbandoned(
  ctx: MailingContext,
  mail: OutgoingMail,
  signal: AbortSignal | undefined,
  graceMs: number,
): Promise<MailOutcome | 'abandoned'> {
  const sending = deliver(ctx, mail);
  if (!signal) return sending;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const startGrace = () => {
      timer = setTimeout(() => resolve('abandoned'), graceMs);
    };
    if (signal.aborted) startGrace();
    else signal.addEventListener('abort', startGrace, { once: true });
    void sending.then((outcome) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', startGrace);
      resolve(outcome);
    });
  });
}

/**
 * Waits for the fielding's next send slot. The slots live in the database (mail_pacing), so the
 * server's sends and a cron's `fieldkit remind` running at the same time keep to the per-minute
 * setting together, not each on its own. Resolves true when the slot has come, false when the run
 * stopped or nothing is left to send (then no slot is taken, so the next run is not held back).
 */
function pacer(
  ctx: MailingContext,
  run: { fieldingId: number; kinds: readonly MailKind[]; perMinute: number; signal: AbortSignal | undefined },
) {
  const interval = MINUTE / run.perMinute;
  // This process's workers take their turns one after another, each waiting out its slot before
  // the next asks: a worker never holds a slot minutes ahead while the others wait too.
  let queue: Promise<unknown> = Promise.resolve();
  const tolerance = Math.max(MINUTE, PACE_SLOT_TOLERANCE_INTERVALS * interval);
  return (): Promise<boolean> => {
    const turn = queue.then(async () => {
      if (run.signal?.aborted) return false;
      const now = ctx.clock().getTime();
      if (ctx.repos.mailings.countDue(run.fieldingId, run.kinds, new Date(now).toISOString()) === 0) return false;
      const clamped = ctx.repos.mailings.clampPaceSlot(run.fieldingId, now, now + tolerance);
      if (clamped !== undefined) {
        ctx.logger.error(
          `mailings: fielding ${run.fieldingId}: the next send slot was ${new Date(clamped).toISOString()}, ${Math.round((clamped - now) / MINUTE)} minute(s) ahead (written by a clock set ahead); moved back to now`,
        );
      }
      const slot = ctx.repos.mailings.takeSendSlot(run.fieldingId, now, interval);
      if (slot > now) await ctx.sleep(slot - now, run.signal);
      return !run.signal?.aborted;
    });
    queue = turn;
    return turn;
  };
}

/**
 * Sends the fielding's due messages of these kinds: a few in flight at once, paced to the
 * fielding's per-minute setting, each row claimed by one statement so that two dispatchers (the
 * scheduler and the CLI) never send the same one.
 *
 * The recovery rule (README, "Stopping and resuming a wave"): a 'queued' row is sent by whichever
 * run comes next, however the last one ended. A 'sending' row is in an SMTP transaction whose
 * answer may have been lost, so it is never sent again by itself: a stopped run waits up to
 * `stopGraceMs` for the answer and otherwise marks it 'interrupted' at once; rows a killed process
 * left in 'sending' (or that a clock set ahead claimed) are marked 'interrupted' by the first run
 * after their lease. Interrupted rows are listed for staff, who check before sending by hand.
 */
export async function dispatchQueued(
  ctx: MailingContext,
  options: {
    fieldingId: number;
    kinds: readonly MailKind[];
    onProgress?: (p: DispatchProgress) => void;
    signal?: AbortSignal;
    /** How long a message in flight may still take after the signal (STOP_GRACE_MS). */
    stopGraceMs?: number;
  },
): Promise<DispatchProgress> {
  const { repos } = ctx;
  const { fieldingId, kinds } = options;
  const start = ctx.clock();
  const interrupted = repos.mailings.interruptStale(
    fieldingId,
    start.toISOString(),
    new Date(start.getTime() - SENDING_LEASE_MS).toISOString(),
    new Date(start.getTime() + SENDING_LEASE_MS).toISOString(),
  );
  if (interrupted > 0) {
    ctx.logger.error(
      `mailings: ${interrupted} message(s) of fielding ${fieldingId} were interrupted mid-send; not resent automatically`,
    );
  }
  const progress: DispatchProgress = {
    total: repos.mailings.countDue(fieldingId, kinds, start.toISOString()),
    done: 0,
    sent: 0,
    rejected: 0,
    failed: 0,
    cancelled: 0,
    interrupted,
  };
  options.onProgress?.({ ...progress });
  const paced = pacer(ctx, {
    fieldingId,
    kinds,
    perMinute: repos.fieldings.mailSettingsOf(fieldingId).perMinute,
    signal: options.signal,
  });
  const graceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  const seen = new Set<number>();
  const finished = (send: SendRow, result: Finished) => {
    // A row retried within this run (its wait was shorter than the run) counts once more.
    if (seen.has(send.id)) progress.total++;
    seen.add(send.id);
    progress.done++;
    if (progress.done > progress.total) progress.total = progress.done;
    if (result !== 'retry') progress[result]++;
    options.onProgress?.({ ...progress });
  };
  /** The next message ready to go, recording on the way those no longer due or no longer renderable. */
  const claimReady = () => {
    for (;;) {
      const claimed = claimNext(ctx, fieldingId, kinds);
      if (claimed.kind === 'ready' || claimed.kind === 'none') return claimed;
      finished(claimed.send, claimed.kind === 'cancelled' ? 'cancelled' : 'failed');
    }
  };
  const worker = async () => {
    // Paced first, then claimed: a row turns 'sending' only as its SMTP transaction starts. A
    // process killed while waiting for its slot leaves its messages queued, to be sent by the next
    // run, and a stop (SIGTERM) ends the wait at once instead of sending what was claimed.
    while (await paced()) {
      const claimed = claimReady();
      if (claimed.kind === 'none') return;
      const outcome = await deliverUntilAbandoned(ctx, claimed.mail, options.signal, graceMs);
      if (outcome === 'abandoned') {
        // Known now, not ten minutes later: the next run neither resends it nor waits for its lease.
        repos.mailings.interruptSend(claimed.send.id, ctx.clock().toISOString());
        finished(claimed.send, 'interrupted');
        return;
      }
      finished(claimed.send, recordOutcome(ctx, claimed, outcome));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  ctx.logger.info(
    `mailings: fielding ${fieldingId} ${kinds.join(',')}: ${progress.sent} sent, ${progress.rejected} rejected, ${progress.failed} failed, ${progress.cancelled} cancelled`,
  );
  return progress;
}
