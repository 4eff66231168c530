import type { Deps } from '../deps.js';
import { mailingContextOf } from '../deps.js';
import { type DispatchProgress, dispatchQueued, emailOff } from '../mailings/dispatch.js';
import { dueReminders, planReminders, planThankYous, type ReminderPlan, remindingKinds } from '../reminders/plan.js';
import type { Repos } from '../repos.js';
import { runOnFielding, untilStopped } from './fieldingRun.js';
import type { CliIo, Command } from './io.js';
import { progressBar } from './progress.js';

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `reminder 1: 12, reminder 2: 3` from counts by number; `none` when empty. */
function byNumber(counts: Record<number, number>): string {
  const parts = Object.entries(counts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([n, c]) => `reminder ${n}: ${c}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** What the fielding's reminders and thank-yous came to so far, one line per reminder number. */
function tallyLines(repos: Repos, fieldingId: number): string[] {
  const lines = new Map<string, string[]>();
  for (const row of repos.mailings.statusCounts(fieldingId)) {
    if (row.kind === 'invitation') continue;
    const key = row.kind === 'reminder' ? `  reminder ${row.number}` : '  thank-you';
    lines.set(key, [...(lines.get(key) ?? []), `${row.count} ${row.status}`]);
  }
  return [...lines].map(([key, parts]) => `${key}: ${parts.join(', ')}`);
}

function printDue(io: CliIo, repos: Repos, fielding: { id: number; name: string }, now: Date, thankYous: boolean) {
  const due = dueReminders(repos, fielding.id, now);
  const counts: Record<number, number> = {};
  let skipped = 0;
  for (const d of due) {
    counts[d.number] = (counts[d.number] ?? 0) + 1;
    skipped += d.skipped.length;
  }
  io.out(`${fielding.name}: due at ${now.toISOString()}: ${byNumber(counts)}.`);
  if (skipped > 0)
    io.out(`${count(skipped, 'overdue lower reminder')} would be skipped (only the highest due is sent).`);
  if (thankYous) {
    const everyContact = repos.fieldings.mailSettingsOf(fielding.id).thankYouTo === 'all';
    io.out(`Thank-yous due: ${repos.reminders.thankYouCandidates(fielding.id, everyContact).length}.`);
  }
  io.out('Dry run: nothing was queued or sent.');
}

function printPlanned(io: CliIo, fieldingName: string, plan: ReminderPlan, thankYous: number) {
  const skipped = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
  io.out(`${fieldingName}: queued ${byNumber(plan.queued)}; thank-yous: ${thankYous}.`);
  if (skipped > 0) io.out(`Skipped as overdue (only the highest due is sent): ${byNumber(plan.skipped)}.`);
}

function printSent(io: CliIo, p: DispatchProgress) {
  io.out(
    `Sent ${p.sent}, rejected ${p.rejected}, failed ${p.failed}, cancelled ${p.cancelled} (no longer due)${p.interrupted > 0 ? `, interrupted ${p.interrupted}` : ''}.`,
  );
}

export const reminderCommands: Record<string, Command> = {
  /** Plans and sends the reminders and thank-yous due now; for cron, beside the server's scheduler. */
  remind: (args, io, runtime) =>
    runOnFielding(args, runtime, async ({ deps, repos, fielding, dryRun }) => {
      const now = deps.clock();
      if (deps.config.clockStartsAt !== undefined) {
        io.err(`fieldkit: acting as if it were ${deps.config.clockStartsAt} (FIELDKIT_NOW)`);
      }
      const settings = repos.fieldings.mailSettingsOf(fielding.id);
      if (!settings.remindersEnabled && !settings.thankYouEnabled) {
        io.out(`${fielding.name}: reminders and thank-yous are off in its mail settings; nothing to do.`);
        return;
      }
      if (dryRun) {
        printDue(io, repos, fielding, now, settings.thankYouEnabled);
        return;
      }
      await sendDue(io, deps, repos, fielding, settings);
    }),
};

async function sendDue(
  io: CliIo,
  deps: Deps,
  repos: Repos,
  fielding: { id: number; name: string },
  settings: { remindersEnabled: boolean; thankYouEnabled: boolean },
) {
  if (!deps.mailer) throw emailOff('no reminder can be sent');
  const mailing = { ...mailingContextOf(deps, deps.mailer), repos };
  const now = deps.clock();
  const plan = planReminders(repos, fielding.id, now);
  const thankYous = planThankYous(repos, fielding.id, now);
  printPlanned(io, fielding.name, plan, thankYous);
  const kinds = remindingKinds(settings);
  const bar = io.progress ? progressBar(io.progress) : undefined;
  let run: { result: DispatchProgress; stopped: boolean };
  try {
    run = await untilStopped((signal) =>
      dispatchQueued(mailing, {
        fieldingId: fielding.id,
        kinds,
        signal,
        onProgress: (p) => bar?.update({ done: p.done, total: p.total, label: 'messages' }),
      }),
    );
  } finally {
    bar?.end();
  }
  if (run.stopped) io.out('Stopped: the rest stays queued for the next run.');
  printSent(io, run.result);
  io.out(`${fielding.name} so far:`);
  for (const line of tallyLines(repos, fielding.id)) io.out(line);
}
