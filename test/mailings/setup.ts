import { onTestFinished } from 'vitest';
import { finalDisposition } from '../../server/cases/disposition.js';
import { dispatchQueued, type MailingContext } from '../../server/mailings/dispatch.js';
import { createSmtpMailer } from '../../server/mailings/mailer.js';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos, type Repos } from '../../server/repos.js';
import { createTestEnv, seedFielding, type TestEnv } from '../support/app.js';
import { type RcptReply, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

export type MailEnv = {
  env: TestEnv;
  smtp: TestSmtpServer;
  repos: Repos;
  ctx: MailingContext & { repos: Repos };
  fieldingId: number;
  /** Every wait the dispatcher asked for, in ms. */
  sleeps: number[];
};

/**
 * A fresh app with a fielding of `offices` offices, a real SMTP server on loopback and a mailer
 * over it. Sleeping moves the fake clock instead of waiting, so paced sends run at once.
 */
export async function mailEnv(
  options: {
    offices?: number;
    rows?: Record<string, string>[];
    rcpt?: (address: string, timesBefore: number) => RcptReply | undefined;
    dataDelayMs?: number;
    /** Called when the n-th message's data has arrived, before it is accepted (1-based). */
    onData?: (n: number) => void;
    /** A client build whose pages the server serves (the stand-in page otherwise). */
    clientDir?: string;
  } = {},
): Promise<MailEnv> {
  const smtp = await startSmtpServer({
    ...(options.rcpt ? { rcpt: options.rcpt } : {}),
    ...(options.dataDelayMs ? { dataDelayMs: options.dataDelayMs } : {}),
    ...(options.onData ? { onData: options.onData } : {}),
  });
  const mailer = createSmtpMailer(smtp.url);
  const sleeps: number[] = [];
  const env = createTestEnv({
    mailer,
    sleep: fakeSleep,
    ...(options.clientDir ? { clientDir: options.clientDir } : {}),
  });
  async function fakeSleep(ms: number) {
    sleeps.push(ms);
    env.clock.advance(ms);
  }
  onTestFinished(async () => {
    mailer.close();
    await smtp.close();
    env.close();
  });
  seedFielding(env, { offices: options.offices ?? 2, ...(options.rows ? { rows: options.rows } : {}) });
  const repos = createRepos(env.db);
  const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
  const ctx: MailingContext & { repos: Repos } = {
    repos,
    mailer,
    clock: env.clock,
    random: env.random,
    publicUrl: env.config.publicUrl,
    mailFrom: env.config.mailFrom,
    sleep: fakeSleep,
    logger: env.logger,
    instruments: env.instruments,
  };
  return { env, smtp, repos, ctx, fieldingId, sleeps };
}

export type SendSummary = { email: string; status: string; attempts: number; smtp_code: number | null };

/** Every planned message with its contact's address, in order of id. */
export const sendsOf = (env: TestEnv) =>
  env.db
    .prepare(
      `SELECT s.id, ct.email, s.status, s.attempts, s.smtp_code, s.smtp_reply, s.kind, s.message_id, s.next_attempt_at,
         s.case_id, s.contact_id, s.token_id
       FROM email_sends s JOIN contacts ct ON ct.id = s.contact_id ORDER BY s.id`,
    )
    .all() as (SendSummary & {
    id: number;
    smtp_reply: string | null;
    kind: string;
    message_id: string | null;
    next_attempt_at: string;
    case_id: number;
    contact_id: number;
    token_id: number | null;
  })[];

/** The AAPOR code of a case from its log, as the export derives it. */
export function dispositionCode(repos: Repos, caseId: number): string {
  const events = repos.cases.eventsOf(caseId).map((e) => ({ type: e.type, detail: JSON.parse(e.detail) }));
  return finalDisposition(events).code;
}

/** The case of the office with this study id in fielding pilot. */
export const caseOf = (repos: Repos, officeId: string) => repos.cases.findCaseByNames('pilot', officeId)?.id as number;

/** One office invited, its invitation sent; `base` names its case and contact for the follow-ups. */
export async function invitedOffice(
  options: { sendAfterMs?: number } = {},
): Promise<MailEnv & { base: { fieldingId: number; caseId: number; contactId: number } }> {
  const m = await mailEnv({ offices: 1 });
  planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
  if (options.sendAfterMs) m.env.clock.advance(options.sendAfterMs);
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['invitation'] });
  const [invitation] = sendsOf(m.env);
  const base = {
    fieldingId: m.fieldingId,
    caseId: invitation?.case_id as number,
    contactId: invitation?.contact_id as number,
  };
  return { ...m, base };
}
