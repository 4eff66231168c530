import { dispatchQueued, type MailingContext } from '../mailings/dispatch.js';
import { planReminders, planThankYous, type ReminderPlan, remindingKinds } from './plan.js';
import type { ReminderRepo } from './repo.js';

/** Once a minute: a reminder falls due on its day, so a minute late is on time. */
/** The sending engine's context, with the reminders' own repository. */
export type ReminderMailingContext = MailingContext & { repos: { reminders: ReminderRepo } };

export const DEFAULT_INTERVAL_MS = 60_000;

export type ReminderSchedulerDeps = {
  /** The sending engine's context: repos, mailer, clock, logger ... (server/mailings/dispatch.ts). */
  mailing: ReminderMailingContext;
  /** The pause between the end of one tick and the start of the next. */
  intervalMs?: number;
};

export type ReminderScheduler = {
  /** Runs one tick now, or joins the one already running: ticks never overlap. */
  tick(): Promise<void>;
  /** No further tick starts; a running one stops sending after its current message. */
  stop(): Promise<void>;
};

/**
 * Error text as the log may keep it: SMTP replies and driver messages can quote an address or a
 * link, and logs carry neither addresses nor tokens.
 */
export function loggableError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>')
    .replace(/\/s\/[A-Za-z0-9_-]+/g, '/s/<token>')
    .replace(/[A-Za-z0-9_-]{20,}/g, '<redacted>')
    .slice(0, 500);
}

function describePlan(plan: ReminderPlan, thankYous: number): string {
  const parts = Object.entries(plan.queued).map(([n, count]) => `reminder ${n}: ${count}`);
  const skipped = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
  if (skipped > 0) parts.push(`${skipped} overdue lower reminder(s) skipped`);
  if (thankYous > 0) parts.push(`thank-you: ${thankYous}`);
  return parts.join(', ');
}

/**
 * The server's reminder scheduler: every `intervalMs`, for each fielding whose settings turn
 * reminders or thank-yous on, plans what is due (plan.ts) and sends the queued reminders and
 * thank-yous. Planning and claiming are safe against a `fieldkit remind` running at the same time
 * (UNIQUE rows, atomic claims), so a cron job and the server may both run.
 *
 * The next tick is timed from the end of the previous one, so a long send (a large fielding at a
 * slow per-minute rate) never overlaps the next. A failing fielding is logged and the others, and
 * the next tick, go on. Started by server/index.ts, never by createApp: the app has no timers.
 */
export function startReminderScheduler(deps: ReminderSchedulerDeps): ReminderScheduler {
  const { mailing } = deps;
  const intervalMs = deps.intervalMs ?? DEFAULT_INTERVAL_MS;
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function remindFielding(fieldingId: number): Promise<void> {
    const settings = mailing.repos.fieldings.mailSettingsOf(fieldingId);
    const now = mailing.clock();
    const plan = planReminders(mailing.repos, fieldingId, now);
    const thankYous = planThankYous(mailing.repos, fieldingId, now);
    const planned = describePlan(plan, thankYous);
    if (planned !== '') mailing.logger.info(`reminders: fielding ${fieldingId}: queued ${planned}`);
    const kinds = remindingKinds(settings);
    // Most minutes nothing is due: no dispatch, no log line.
    if (mailing.repos.mailings.countDue(fieldingId, kinds, mailing.clock().toISOString()) === 0) return;
    await dispatchQueued(mailing, { fieldingId, kinds, signal: abort.signal });
  }

  async function runTick(): Promise<void> {
    for (const fieldingId of mailing.repos.reminders.scheduledFieldingIds()) {
      if (abort.signal.aborted) return;
      try {
        await remindFielding(fieldingId);
      } catch (err) {
        mailing.logger.error(`reminders: fielding ${fieldingId}: ${loggableError(err)}`);
      }
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, intervalMs);
    // The HTTP server keeps the process alive; the scheduler alone must not.
    timer.unref();
  }

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    running ??= runTick()
      .catch((err: unknown) => mailing.logger.error(`reminders: ${loggableError(err)}`))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  // A first tick at once: after a restart, whatever fell due while the server was down goes out now.
  void tick().finally(schedule);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}
