import type { Attempt, Interrupted, SendCount } from '../contracts/mailings.js';
import type { InterruptedRow, RecentAttemptRow, SendCountRow } from './repo.js';

export const presentSendCount = (r: SendCountRow): SendCount => ({
  kind: r.kind,
  number: r.number,
  status: r.status,
  count: r.count,
});

/** One SMTP attempt for the console: who, what, and the server's words. */
export const presentAttempt = (r: RecentAttemptRow): Attempt => ({
  at: r.at,
  officeId: r.office_id,
  officeName: r.office_name,
  email: r.email,
  kind: r.kind,
  number: r.number,
  status: r.status,
  smtpCode: r.smtp_code,
  smtpReply: r.smtp_reply,
});

/** One interrupted message for the console: who, what, and when its unknown attempt began. */
export const presentInterrupted = (r: InterruptedRow): Interrupted => ({
  id: r.id,
  officeId: r.office_id,
  officeName: r.office_name,
  email: r.email,
  kind: r.kind,
  number: r.number,
  at: r.started_at ?? r.finished_at,
});
