import { parseArgs } from 'node:util';
import { mailingContextOf } from '../deps.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { dispatchQueued } from '../mailings/dispatch.js';
import { resendInterrupted } from '../mailings/service.js';
import { AppError } from '../platform/errors.js';
import { createRepos } from '../repos.js';
import { recipientText } from '../templates/mergeValues.js';
import { untilStopped } from './fieldingRun.js';
import { type Command, osUser, required, UsageError } from './io.js';

const KIND_WORDS = { invitation: 'invitation', reminder: 'reminder', thank_you: 'thank-you' } as const;

/** `--resend all` or `--resend 12,15`: the message ids `mail interrupted` lists. */
function parseResend(value: string): 'all' | number[] {
  if (value === 'all') return 'all';
  const parts = value.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => !/^[1-9]\d{0,15}$/.test(p));
  if (bad.length > 0 || parts.length === 0) {
    throw new UsageError(
      `--resend takes "all" or message ids separated by commas (as \`fieldkit mail interrupted\` lists them); not understood: ${bad.map((b) => JSON.stringify(b)).join(', ')}.`,
    );
  }
  return parts.map(Number);
}

export const interruptedCommands: Record<string, Command> = {
  /**
   * Lists a fielding's interrupted messages (their SMTP transaction's outcome unknown) or, once
   * staff have checked they did not arrive, sends chosen ones or all again (server/mailings/service.ts).
   */
  async 'mail interrupted'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        resend: { type: 'string' },
        'checked-mailbox': { type: 'boolean', default: false },
      },
    });
    const v = required({ fielding: values.fielding }, ['fielding']);
    const which = values.resend === undefined ? undefined : parseResend(values.resend);
    if (which && !values['checked-mailbox']) {
      throw new UsageError(
        '--resend needs --checked-mailbox: first check the sent mailbox (or with the offices) that these messages did not arrive, then confirm with --checked-mailbox.',
      );
    }
    const deps = runtime();
    try {
      const repos = createRepos(deps.db);
      const fielding = findFieldingOrFail(repos, v.fielding as string);
      if (!which) {
        const rows = repos.mailings.interruptedOf(fielding.id);
        io.out(`${fielding.name}: ${rows.length} interrupted message(s) (the mail server may have accepted them).`);
        for (const r of rows) {
          const kind = r.kind === 'reminder' ? `reminder ${r.number}` : KIND_WORDS[r.kind];
          io.out(`  ${r.id}  ${r.office_id}  ${r.email}  ${kind}  ${r.started_at ?? r.finished_at ?? ''}`);
        }
        if (rows.length > 0)
          io.out(
            `Check the sent mailbox (or with the offices), then: fieldkit mail interrupted --fielding ${fielding.name} --resend all|<id>,<id> --checked-mailbox`,
          );
        return;
      }
      const mailer = deps.mailer;
      if (!mailer) {
        throw new AppError(
          503,
          'email_off',
          'Email is off: SMTP_URL is not set, so no interrupted message can be sent again. Set SMTP_URL (and MAIL_FROM) as for the server.',
        );
      }
      const { resent, notInterrupted } = resendInterrupted(
        repos,
        fielding,
        which,
        deps.clock().toISOString(),
        osUser(),
      );
      io.out(`Queued again: ${resent.length} interrupted message(s) of ${fielding.name}.`);
      if (notInterrupted.length > 0)
        io.out(
          `Not interrupted (sent again already, or not of this fielding), left alone: ${notInterrupted.join(', ')}`,
        );
      if (resent.length === 0) return;
      const run = await untilStopped((signal) =>
        dispatchQueued(
          { ...mailingContextOf(deps, mailer), repos },
          { fieldingId: fielding.id, kinds: [...new Set(resent.map((r) => r.kind))], signal },
        ),
      );
      const p = run.result;
      if (run.stopped) io.out('Stopped: the rest stays queued for the next run.');
      io.out(
        `Sent: ${p.sent}; rejected: ${p.rejected}; failed: ${p.failed}; cancelled: ${p.cancelled}; interrupted: ${p.interrupted}`,
      );
      for (const r of resent) {
        const send = repos.mailings.findSend(r.id);
        const contact = send ? repos.offices.findContact(send.contact_id) : undefined;
        if (send && contact) io.out(`  ${r.id}  ${recipientText(contact)}: ${send.status}`);
      }
    } finally {
      deps.mailer?.close();
      deps.db.close();
    }
  },
};
