import type { MailKind } from '../contracts/mailings.js';
import { AppError } from '../platform/errors.js';
import { type DispatchProgress, dispatchQueued, type MailingContext } from './dispatch.js';

/**
 * Sending in the background of the server process, one run per fielding at a time: started by
 * the console, observed through the mailings API. Temporary failures wait in the queue; the
 * runner comes back for them when the earliest one falls due.
 */
export function createMailingRunner(
  ctx: Omit<MailingContext, 'mailer'> & { mailer: MailingContext['mailer'] | undefined },
) {
  const running = new Map<
    number,
    { controller: AbortController; progress: DispatchProgress | null; done: Promise<void> }
  >();
  const retryTimers = new Map<number, NodeJS.Timeout>();
  let stopped = false;

  function scheduleRetry(fieldingId: number, kinds: readonly MailKind[]) {
    const waiting = ctx.repos.mailings.waitingRetry(fieldingId, kinds, ctx.clock().toISOString());
    if (waiting.n === 0 || waiting.next === null || stopped) return;
    const delay = Math.max(1000, new Date(waiting.next).getTime() - ctx.clock().getTime());
    const timer = setTimeout(() => {
      retryTimers.delete(fieldingId);
      if (!running.has(fieldingId)) run(fieldingId, kinds);
    }, delay);
    // Waiting retries never keep the process alive; a restart or the next run picks them up.
    timer.unref();
    retryTimers.set(fieldingId, timer);
  }

  function run(fieldingId: number, kinds: readonly MailKind[]) {
    const mailer = ctx.mailer;
    if (!mailer) return;
    const controller = new AbortController();
    const job = { controller, progress: null as DispatchProgress | null, done: Promise.resolve() };
    running.set(fieldingId, job);
    job.done = dispatchQueued(
      { ...ctx, mailer },
      {
        fieldingId,
        kinds,
        signal: controller.signal,
        onProgress: (p) => {
          job.progress = p;
        },
      },
    )
      .then(
        () => undefined,
        (err: unknown) => {
          ctx.logger.error(`mailings: fielding ${fieldingId}: ${err instanceof Error ? err.message : String(err)}`);
        },
      )
      .then(() => {
        running.delete(fieldingId);
        scheduleRetry(fieldingId, kinds);
      });
  }

  return {
    enabled: ctx.mailer !== undefined,
    from: ctx.mailFrom,
    isRunning: (fieldingId: number) => running.has(fieldingId),
    progressOf: (fieldingId: number) => running.get(fieldingId)?.progress ?? null,
    /** Refuses (before anything is planned) when email is off or a run of this fielding is going. */
    assertCanStart(fieldingId: number) {
      if (!ctx.mailer) {
        throw new AppError(
          503,
          'email_off',
          'Email is off: the server was started without SMTP_URL. Set SMTP_URL (and MAIL_FROM) and restart it.',
        );
      }
      if (running.has(fieldingId)) {
        throw new AppError(409, 'mailing_running', 'Mail of this fielding is being sent now; wait until it finishes.');
      }
    },
    /**
     * At start-up: every fielding's invitations still queued (a wave a stop interrupted, retries
     * waiting) go on, one run per fielding; those in 'sending' follow dispatch.ts's recovery rule.
     * Returns the fieldings resumed; none when email is off.
     */
    resume(): { id: number; name: string }[] {
      if (!ctx.mailer || stopped) return [];
      const waves = ctx.repos.mailings.fieldingsWithQueued(['invitation']);
      for (const wave of waves) if (!running.has(wave.id)) run(wave.id, ['invitation']);
      return waves;
    },
    /** Starts sending the fielding's due mail of these kinds in the background. */
    start(fieldingId: number, kinds: readonly MailKind[]) {
      if (stopped || running.has(fieldingId)) return;
      clearTimeout(retryTimers.get(fieldingId));
      run(fieldingId, kinds);
    },
    /**
     * For shutdown: stops claiming new messages and resolves once those in flight are recorded
     * (answered, or interrupted after STOP_GRACE_MS), so the mailer and the database can close
     * without leaving a message in 'sending'.
     */
    async stop(): Promise<void> {
      stopped = true;
      for (const timer of retryTimers.values()) clearTimeout(timer);
      const jobs = [...running.values()];
      for (const job of jobs) job.controller.abort();
      await Promise.all(jobs.map((j) => j.done));
    },
  };
}

export type MailingRunner = ReturnType<typeof createMailingRunner>;
