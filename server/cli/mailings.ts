import type { Deps } from '../deps.js';
import { mailingContextOf } from '../deps.js';
import type { FieldingRow } from '../fieldings/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { composeMessage } from '../mailings/compose.js';
import { type DispatchProgress, dispatchQueued, emailOff, SENDING_LEASE_MS } from '../mailings/dispatch.js';
import { durationText } from '../mailings/estimate.js';
import { type InvitationPlan, planInvitations } from '../mailings/service.js';
import type { Repos } from '../repos.js';
import { recipientText, surveyMinutesOf } from '../templates/mergeValues.js';
import { runOnFielding, untilStopped } from './fieldingRun.js';
import type { CliIo, Command } from './io.js';
import { progressBar, progressLog } from './progress.js';

const SKIP_WORDS: Record<string, string> = {
  completed: 'completed',
  refused: 'refused or opted out',
  ineligible: 'not eligible',
  opted_out: 'contact opted out',
  undeliverable: 'contact undeliverable',
  no_contact: 'office without a contact (cases)',
};

function skippedLines(plan: InvitationPlan): string[] {
  return Object.entries(plan.skipped).map(([reason, n]) => `  skipped, ${SKIP_WORDS[reason] ?? reason}: ${n}`);
}

/** The first invitation the run would send, rendered with placeholders where the secrets go. */
function previewLines(
  repos: Repos,
  instruments: InstrumentRegistry,
  fielding: FieldingRow,
  publicUrl: string,
  now: Date,
): string[] {
  const row = repos.mailings
    .invitationCandidates(fielding.id)
    .find((r) => r.contact_id !== null && r.planned === 0 && r.closed === null && r.contact_status === 'active');
  const found = row ? repos.cases.findCase(row.case_id) : undefined;
  const office = found ? repos.offices.findOfficeDetail(found.office_id) : undefined;
  const contact = row?.contact_id ? repos.offices.findContact(row.contact_id) : undefined;
  if (!found || !office || !contact) return [];
  const mail = composeMessage({
    repos,
    publicUrl,
    send: { fielding_id: fielding.id, kind: 'invitation' },
    office,
    contact,
    closesAt: fielding.closes_at,
    surveyMinutes: surveyMinutesOf(instruments, fielding),
    link: `${publicUrl}/s/<personal link, issued when sent>`,
    accessCode: '<access code, issued when sent>',
    optOutLink: `${publicUrl}/u/<opt-out link, issued when sent>`,
    // An invitation is the first message: {{invited_ago}} counts from the office's other invitations, if any.
    invitedAt: repos.cases.invitedAt(found.id),
    at: now.toISOString(),
  });
  return [
    '',
    `The first message (${office.office_id}):`,
    `To: ${recipientText(contact)}`,
    `Subject: ${mail.subject}`,
    '',
    mail.text.trimEnd(),
  ];
}

function summaryLines(repos: Repos, fielding: FieldingRow, p: DispatchProgress, since: string, now: Date): string[] {
  const fieldingId = fielding.id;
  const lines = [`Sent: ${p.sent}`];
  const rejected = repos.mailings.settledSince(fieldingId, 'rejected', since);
  lines.push(`Rejected by the mail server (contact now undeliverable): ${p.rejected}`);
  for (const r of rejected) lines.push(`  ${r.office_id} ${r.email}: ${r.smtp_reply ?? ''}`);
  lines.push(`Failed (gave up after 4 temporary failures, or the template no longer renders): ${p.failed}`);
  lines.push(`Cancelled (completed, refused, opted out or undeliverable before their turn): ${p.cancelled}`);
  if (p.interrupted > 0) {
    lines.push(
      `Interrupted: ${p.interrupted} message(s) were being sent when a run stopped; the mail server may have accepted them, so they are not sent again by themselves. Check the sent mailbox or with these offices:`,
    );
    for (const r of repos.mailings.settledSince(fieldingId, 'interrupted', since)) {
      lines.push(`  ${r.office_id} ${r.email}`);
    }
    lines.push(
      `Then send those that did not arrive again: fieldkit mail interrupted --fielding ${fielding.name} --resend all|<id>,<id> --checked-mailbox (the ids: fieldkit mail interrupted --fielding ${fielding.name}).`,
    );
  }
  const inFlight = repos.mailings.countInFlight(fieldingId);
  if (inFlight > 0) {
    lines.push(
      `Still marked as being sent: ${inFlight} (another run is sending them, or one stopped less than ${SENDING_LEASE_MS / 60_000} minutes ago; a later run reports those as interrupted).`,
    );
  }
  const waiting = repos.mailings.waitingRetry(fieldingId, ['invitation'], now.toISOString());
  if (waiting.n > 0) {
    lines.push(
      `Waiting to retry after a temporary failure: ${waiting.n} (the next at ${waiting.next}); run this command again then.`,
    );
  }
  return lines;
}

async function send(io: CliIo, deps: Deps, repos: Repos, fielding: FieldingRow) {
  const mailer = deps.mailer;
  if (!mailer) throw emailOff('no invitation can be sent');
  const start = deps.clock();
  const plan = planInvitations(repos, fielding.id, start.toISOString());
  io.out(`Planned ${plan.planned} new invitation(s) for ${fielding.name} (${plan.alreadyPlanned} planned before).`);
  for (const line of skippedLines(plan)) io.out(line);
  // A terminal gets a bar; a pipe or a log (cron, nohup) a line at least every minute.
  const bar = io.progress ? progressBar(io.progress) : progressLog(io.err);
  let run: { result: DispatchProgress; stopped: boolean };
  try {
    run = await untilStopped((signal) =>
      dispatchQueued(
        { ...mailingContextOf(deps, mailer), repos },
        {
          fieldingId: fielding.id,
          kinds: ['invitation'],
          signal,
          onProgress: (p) => bar.update({ done: p.done, total: p.total, label: 'invitations' }),
        },
      ),
    );
  } finally {
    bar.end();
  }
  const progress = run.result;
  if (run.stopped) io.out('Stopped: the rest stays queued for the next run.');
  for (const line of summaryLines(repos, fielding, progress, start.toISOString(), deps.clock())) io.out(line);
}

/** How long the wave takes at the fielding's pace: the new invitations and those still queued. */
function waveLengthLine(repos: Repos, fieldingId: number, planned: number): string {
  const { perMinute } = repos.fieldings.mailSettingsOf(fieldingId);
  const queued = repos.mailings.queuedOf(fieldingId, ['invitation']).n;
  const wave = planned + queued;
  const earlier = queued > 0 ? ` (with ${queued} still queued from an earlier run)` : '';
  return `At the fielding's pace of ${perMinute} a minute, the ${wave} invitation(s)${earlier} take ${durationText((wave * 60_000) / perMinute)} to send.`;
}

export const mailingCommands: Record<string, Command> = {
  /** Plans and sends a fielding's invitations (server/mailings), or shows what would go out. */
  invite: (args, io, runtime) =>
    runOnFielding(args, runtime, async ({ deps, repos, fielding, dryRun }) => {
      if (!dryRun) {
        await send(io, deps, repos, fielding);
        return;
      }
      const plan = planInvitations(repos, fielding.id, deps.clock().toISOString(), { dryRun: true });
      io.out(
        `Dry run, nothing changed: ${plan.planned} invitation(s) would be sent for ${fielding.name} (${plan.alreadyPlanned} planned before).`,
      );
      for (const line of skippedLines(plan)) io.out(line);
      io.out(waveLengthLine(repos, fielding.id, plan.planned));
      if (!deps.mailer) io.out('Email is off (SMTP_URL is not set): set it before sending.');
      for (const line of previewLines(repos, deps.instruments, fielding, deps.config.publicUrl, deps.clock()))
        io.out(line);
    }),
};
