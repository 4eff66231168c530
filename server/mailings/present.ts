import type { Attempt, SendCount } from '../contracts/mailings.js';
import type { RecentAttemptRow, SendCountRow } from './repo.js';

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
