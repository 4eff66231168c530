import request from 'supertest';
import { markCase } from '../../server/casework/service.js';
import { DEFAULT_MAIL_SETTINGS, type MailSettings } from '../../server/fieldings/repo.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import type { Repos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { caseOf, type MailEnv, mailEnv } from '../mailings/setup.js';
import { parseMail, type RcptReply, type TestSmtpServer } from '../support/smtp.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Day 0 of the field period: the fake clock's start, when the invitations go out. */
export const DAY_0 = new Date('2027-02-01T09:00:00.000Z').getTime();
/** The instant `ms` after 09:00 UTC on this day of the field period. */
export const dayAt = (day: number, ms = 0) => new Date(DAY_0 + day * DAY_MS + ms).toISOString();

/**
 * A fielding of `offices` offices (OFF-1 ... with contact1@office1.example.org ...), a real SMTP
 * server, and mail settings with reminders on days 7, 14 and 21 and no pacing to speak of.
 */
export async function reminderEnv(
  options: {
    offices?: number;
    settings?: Partial<MailSettings>;
    rcpt?: (address: string, timesBefore: number) => RcptReply | undefined;
  } = {},
): Promise<MailEnv> {
  const m = await mailEnv({ offices: options.offices ?? 2, ...(options.rcpt ? { rcpt: options.rcpt } : {}) });
  m.repos.fieldings.saveMailSettings(
    m.fieldingId,
    {
      ...DEFAULT_MAIL_SETTINGS,
      reminderDays: [7, 14, 21],
      remindersEnabled: true,
      perMinute: 100_000,
      ...options.settings,
    },
    dayAt(0),
  );
  return m;
}

/** OFF-3 -> contact3@office3.example.org, as the test frame names them. */
export const addressOf = (office: string) => {
  const n = office.replace('OFF-', '');
  return `contact${n}@office${n}.example.org`;
};

/** The link token from the invitation the office's contact received, as they would click it. */
export function invitationToken(m: Pick<Mailbox, 'smtp'>, office: string): string {
  for (const r of m.smtp.received) {
    if (!r.envelopeTo.includes(addressOf(office))) continue;
    const mail = parseMail(r.raw);
    if (!mail.headers.subject?.startsWith('Invitation')) continue;
    const token = /\/s\/([A-Za-z0-9_-]{32})/.exec(mail.text ?? '')?.[1];
    if (token) return token;
  }
  throw new Error(`no invitation with a link reached ${office}`);
}

/**
 * Moves the fake clock forward to this day of the field period, at 09:30 UTC unless `ms` says
 * otherwise (ms after 09:00): the invitations of day 0 went out at 09:00 and a little after.
 */
export function goToDay(m: MailEnv, day: number, ms = 30 * 60_000) {
  const target = DAY_0 + day * DAY_MS + ms;
  const now = m.env.clock().getTime();
  if (target < now) throw new Error(`the clock is already past day ${day}`);
  m.env.clock.advance(target - now);
}

/** Plans and sends every invitation now, through the real dispatcher and SMTP server. */
export async function sendInvitations(m: MailEnv) {
  planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
  return dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['invitation'] });
}

/** Submits a whole answer set through the respondent API, as the office would. */
export async function complete(m: MailEnv, office: string) {
  const res = await request(m.env.app)
    .post(`/api/respond/${invitationToken(m, office)}/complete`)
    .send({ answers: chargedOfficeAnswers(), revision: 0 });
  if (res.status !== 200) throw new Error(`completion failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Saves a first page through the respondent API: a partial (started, not submitted). */
export async function startAnswering(m: MailEnv, office: string) {
  const res = await request(m.env.app)
    .put(`/api/respond/${invitationToken(m, office)}/draft`)
    .send({ answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 });
  if (res.status !== 200) throw new Error(`draft failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Declines through the respondent API: a refusal. */
export async function decline(m: MailEnv, office: string) {
  const res = await request(m.env.app)
    .post(`/api/respond/${invitationToken(m, office)}/decline`)
    .send({});
  if (res.status !== 200) throw new Error(`decline failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The office's contact presses the one-click opt-out of its invitation (List-Unsubscribe). */
export async function optOut(m: MailEnv, office: string) {
  const mail = m.smtp.received.find((r) => r.envelopeTo.includes(addressOf(office)));
  const url = /^<([^>]+)>$/.exec(parseMail(mail?.raw ?? '').headers['list-unsubscribe'] ?? '')?.[1];
  if (!url) throw new Error(`no List-Unsubscribe in the mail to ${office}`);
  const res = await request(m.env.app)
    .post(new URL(url).pathname)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send('List-Unsubscribe=One-Click');
  if (res.status !== 200) throw new Error(`opt-out failed: ${res.status}`);
}

/** Waits (really) until `done()` holds, or fails after `ms`. */
export async function waitUntil(done: () => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function markIneligible(m: MailEnv, office: string) {
  markCase(
    { repos: m.repos, clock: m.env.clock },
    { caseId: caseOf(m.repos, office), as: 'ineligible', reason: 'merged', actor: 'test' },
  );
}

/** A received message, matched to its email_sends row by its Message-ID. */
export type Delivery = { to: string; kind: string; number: number; subject: string };

/** Where messages were received and where their sends are recorded: a MailEnv, or a CLI workspace's. */
export type Mailbox = { smtp: TestSmtpServer; repos: Pick<Repos, 'db'> };

/** Every message the SMTP server accepted, in order of arrival. */
export function deliveries(m: Mailbox): Delivery[] {
  const byMessageId = m.repos.db.prepare<[string], { kind: string; number: number }>(
    'SELECT kind, number FROM email_sends WHERE message_id = ?',
  );
  return m.smtp.received.map((r) => {
    const mail = parseMail(r.raw);
    const row = byMessageId.get(mail.headers['message-id'] ?? '');
    if (!row) throw new Error(`a received message matches no send: ${mail.headers['message-id']}`);
    return { to: r.envelopeTo.join(','), kind: row.kind, number: row.number, subject: mail.headers.subject ?? '' };
  });
}

/** `contact3@office3.example.org` -> counts of reminders received per number, e.g. { 1: 1, 2: 1 }. */
export function remindersReceived(m: Mailbox): Record<string, Record<number, number>> {
  const out: Record<string, Record<number, number>> = {};
  for (const d of deliveries(m)) {
    if (d.kind !== 'reminder') continue;
    const mine = out[d.to] ?? {};
    mine[d.number] = (mine[d.number] ?? 0) + 1;
    out[d.to] = mine;
  }
  return out;
}

/** The email_sends rows of reminders and thank-yous: who, which number, status and when. */
export function reminderRows(m: MailEnv) {
  return m.repos.db
    .prepare(
      `SELECT o.office_id AS office, s.kind, s.number, s.status, s.queued_at, s.finished_at
       FROM email_sends s JOIN cases c ON c.id = s.case_id JOIN offices o ON o.id = c.office_id
       WHERE s.kind <> 'invitation' ORDER BY s.kind, o.office_id, s.number`,
    )
    .all() as {
    office: string;
    kind: string;
    number: number;
    status: string;
    queued_at: string;
    finished_at: string | null;
  }[];
}
