import type { MailKind } from '../contracts/mailings.js';
import type { FieldingRepo, MailSettings } from '../fieldings/repo.js';
import type { MailingRepo } from '../mailings/repo.js';
import type { Db } from '../platform/db.js';
import type { ReminderRepo } from './repo.js';

/** The repositories this module uses. */
type Repos = { db: Db; fieldings: FieldingRepo; mailings: MailingRepo; reminders: ReminderRepo };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Reminder `number` for one contact of one case is due now; `skipped` are lower numbers never decided. */
export type DueReminder = {
  caseId: number;
  contactId: number;
  number: number;
  /** When it fell due: the case's invitation plus the reminder's days. */
  dueAt: string;
  skipped: number[];
};

/** What one planning run decided, per reminder number. */
export type ReminderPlan = {
  /** Reminders queued for sending, by number. */
  queued: Record<number, number>;
  /** Overdue lower reminders recorded as cancelled, by number. */
  skipped: Record<number, number>;
};

type PlanRepos = Pick<Repos, 'db' | 'fieldings' | 'reminders' | 'mailings'>;

/**
 * When each case of the fielding was invited: its first invitation accepted by the SMTP server (the
 * send's finish), or its first `email_sent` event where no send row says so. Cases never invited by
 * email get no reminder, whatever the letters said.
 */
function invitedAt(row: { invited_by_send: string | null; invited_by_event: string | null }): number | undefined {
  const times = [row.invited_by_send, row.invited_by_event]
    .filter((t): t is string => t !== null)
    .map((t) => new Date(t).getTime());
  return times.length > 0 ? Math.min(...times) : undefined;
}

/**
 * The reminders due now and not yet decided, without changing anything (`fieldkit remind --dry-run`
 * prints these); none while the fielding's settings turn reminders off. Only cases not complete
 * (not started, or partial), not refused, not ineligible and not undeliverable, and only their
 * active contacts, are candidates (reminders/repo.ts).
 */
export function dueReminders(
  repos: Pick<Repos, 'fieldings' | 'reminders'>,
  fieldingId: number,
  now: Date,
): DueReminder[] {
  const { reminderDays, remindersEnabled } = repos.fieldings.mailSettingsOf(fieldingId);
  if (!remindersEnabled) return [];
  const due: DueReminder[] = [];
  for (const row of repos.reminders.reminderCandidates(fieldingId, now.toISOString())) {
    const invited = invitedAt(row);
    if (invited === undefined) continue;
    let highest = 0;
    reminderDays.forEach((days, i) => {
      if (invited + days * DAY_MS <= now.getTime()) highest = Math.max(highest, i + 1);
    });
    // A number at or above the highest due one is decided already: this contact is up to date.
    if (highest === 0 || (row.last_decided ?? 0) >= highest) continue;
    const skipped: number[] = [];
    for (let n = (row.last_decided ?? 0) + 1; n < highest; n++) skipped.push(n);
    due.push({
      caseId: row.case_id,
      contactId: row.contact_id,
      number: highest,
      dueAt: new Date(invited + (reminderDays[highest - 1] as number) * DAY_MS).toISOString(),
      skipped,
    });
  }
  return due;
}

/**
 * Queues the reminders due now. When several are due at once (the server was down for two weeks,
 * or the schedule was shortened) only the highest number is queued: an office that missed reminders
 * 1 and 2 should get one message, the one meant for this point in the field period, not three on
 * one morning. The lower numbers are recorded as 'cancelled' so that every number is decided exactly
 * once and a later run does not send them after all; a lower one still waiting in the queue (while
 * reminders were turned off, or SMTP was down) is cancelled for the same reason.
 *
 * Exactly once per case, contact and number, whichever process plans: UNIQUE (case_id, contact_id,
 * kind, number) in email_sends makes a second insert a no-op, and the IMMEDIATE transaction takes
 * the write lock before reading, so two planners (the server's scheduler and `fieldkit remind`)
 * take turns instead of deciding on the same stale snapshot.
 */
export function planReminders(repos: PlanRepos, fieldingId: number, now: Date): ReminderPlan {
  const at = now.toISOString();
  const plan: ReminderPlan = { queued: {}, skipped: {} };
  repos.db
    .transaction(() => {
      for (const d of dueReminders(repos, fieldingId, now)) {
        for (const number of d.skipped) {
          if (repos.reminders.cancelReminder({ fieldingId, caseId: d.caseId, contactId: d.contactId, number, at })) {
            plan.skipped[number] = (plan.skipped[number] ?? 0) + 1;
          }
        }
        const key = { fieldingId, caseId: d.caseId, contactId: d.contactId, kind: 'reminder' as const };
        if (repos.mailings.enqueue({ ...key, number: d.number, at })) {
          plan.queued[d.number] = (plan.queued[d.number] ?? 0) + 1;
          for (const stale of repos.reminders.cancelQueuedRemindersBelow({ ...key, number: d.number, at })) {
            plan.skipped[stale] = (plan.skipped[stale] ?? 0) + 1;
          }
        }
      }
    })
    .immediate();
  return plan;
}

/**
 * Queues one thank-you (number 0) for the contact whose link submitted each completed case (or,
 * as the fielding's settings say, every active contact of its office) that has none yet, when the
 * settings turn thank-yous on. Returns how many were queued.
 */
export function planThankYous(repos: PlanRepos, fieldingId: number, now: Date): number {
  const settings = repos.fieldings.mailSettingsOf(fieldingId);
  if (!settings.thankYouEnabled) return 0;
  const at = now.toISOString();
  let queued = 0;
  repos.db
    .transaction(() => {
      for (const c of repos.reminders.thankYouCandidates(fieldingId, settings.thankYouTo === 'all')) {
        const thankYou = { fieldingId, caseId: c.case_id, contactId: c.contact_id, kind: 'thank_you' as const };
        if (repos.mailings.enqueue({ ...thankYou, number: 0, at })) queued++;
      }
    })
    .immediate();
  return queued;
}

/**
 * The kinds of queued mail to send for a fielding: only those its settings turn on, so that
 * turning reminders off also holds back the ones already queued (planning cancels them once a
 * later number falls due).
 */
export function remindingKinds(settings: Pick<MailSettings, 'remindersEnabled' | 'thankYouEnabled'>): MailKind[] {
  return [
    ...(settings.remindersEnabled ? (['reminder'] as const) : []),
    ...(settings.thankYouEnabled ? (['thank_you'] as const) : []),
  ];
}
