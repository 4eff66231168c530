import { parseArgs } from 'node:util';
import type { MailSettingsAnswer } from '../contracts/mailings.js';
import { createRepos } from '../repos.js';
import { presentMailSettings } from '../templates/present.js';
import { MailSettingsBodySchema } from '../templates/schema.js';
import { changeMailSettings } from '../templates/service.js';
import { type CliIo, type Command, osUser, required, UsageError } from './io.js';

/** Each setting's flag, for problems the console's rules find (MailSettingsBodySchema). */
const FLAGS: Readonly<Record<keyof MailSettingsAnswer, string>> = {
  reminderDays: '--reminder-days',
  remindersEnabled: '--reminders',
  thankYouEnabled: '--thank-you',
  thankYouTo: '--thank-you-to',
  perMinute: '--per-minute',
  deadline: '--deadline',
  eligibilityEstimate: '--eligibility',
};

const onOff = (flag: string, value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`${flag} must be "on" or "off", not "${value}".`);
};

/** "7,14,21" as numbers; anything else is passed on as it is, for the schema to name. */
const days = (value: string): unknown[] =>
  value.trim() === '' ? [] : value.split(',').map((d) => (/^\s*\d+(\.\d+)?\s*$/.test(d) ? Number(d) : d.trim()));

const numberOr = (value: string): unknown => (/^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);

function printSettings(io: CliIo, fielding: string, s: MailSettingsAnswer, sender: string, emailOn: boolean) {
  io.out(`Mail settings of ${fielding}:`);
  io.out(`  sender:           ${sender} (MAIL_FROM)${emailOn ? '' : '; email is off: SMTP_URL is not set'}`);
  io.out(`  messages/minute:  ${s.perMinute}`);
  io.out(`  reminders:        ${s.remindersEnabled ? 'on' : 'off'}, on days ${s.reminderDays.join(', ') || '—'}`);
  io.out(
    `  thank-yous:       ${s.thankYouEnabled ? 'on' : 'off'}, to ${s.thankYouTo === 'all' ? 'every contact of the office' : 'the contact who submitted'}`,
  );
  io.out(`  deadline:         ${s.deadline ?? '(the closing date, or "as soon as you can")'}`);
  io.out(`  eligibility (e):  ${s.eligibilityEstimate ?? '(estimated from the resolved cases)'}`);
}

export const mailSettingsCommands: Record<string, Command> = {
  /**
   * Shows a fielding's mail settings and sender, and changes those named by flags, with the rules
   * of the console's Email page (the same schema and service, audited the same way).
   */
  'mail settings'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        'reminder-days': { type: 'string' },
        reminders: { type: 'string' },
        'thank-you': { type: 'string' },
        'thank-you-to': { type: 'string' },
        'per-minute': { type: 'string' },
        deadline: { type: 'string' },
        eligibility: { type: 'string' },
      },
    });
    const v = required({ fielding: values.fielding }, ['fielding']);
    const remindersEnabled = onOff('--reminders', values.reminders);
    const thankYouEnabled = onOff('--thank-you', values['thank-you']);
    const deps = runtime();
    try {
      const repos = createRepos(deps.db);
      const fielding = repos.fieldings.findFieldingByName(v.fielding as string);
      if (!fielding) throw new UsageError(`No fielding "${v.fielding}".`);
      const before = presentMailSettings(repos.fieldings.mailSettingsOf(fielding.id));
      const changes: Record<string, unknown> = {
        ...(values['reminder-days'] === undefined ? {} : { reminderDays: days(values['reminder-days']) }),
        ...(remindersEnabled === undefined ? {} : { remindersEnabled }),
        ...(thankYouEnabled === undefined ? {} : { thankYouEnabled }),
        ...(values['thank-you-to'] === undefined ? {} : { thankYouTo: values['thank-you-to'] }),
        ...(values['per-minute'] === undefined ? {} : { perMinute: numberOr(values['per-minute']) }),
        ...(values.deadline === undefined ? {} : { deadline: values.deadline }),
        ...(values.eligibility === undefined
          ? {}
          : { eligibilityEstimate: values.eligibility === 'none' ? null : numberOr(values.eligibility) }),
      };
      let shown = before;
      if (Object.keys(changes).length > 0) {
        const parsed = MailSettingsBodySchema.safeParse({ ...before, ...changes });
        if (!parsed.success) {
          const problems = parsed.error.issues.map((issue) => {
            const key = issue.path[0] as keyof MailSettingsAnswer | undefined;
            return `${key ? (FLAGS[key] ?? String(key)) : 'settings'}: ${issue.message}`;
          });
          throw new UsageError(`Nothing changed:\n  ${problems.join('\n  ')}`);
        }
        shown = presentMailSettings(
          changeMailSettings(
            { repos, clock: deps.clock, publicUrl: deps.config.publicUrl, instruments: deps.instruments },
            { fielding: fielding.name, settings: parsed.data, actor: osUser() },
          ),
        );
        io.out(
          `Changed: ${Object.keys(changes)
            .map((k) => FLAGS[k as keyof MailSettingsAnswer])
            .join(', ')}.`,
        );
      }
      printSettings(io, fielding.name, shown, deps.config.mailFrom, deps.config.smtpUrl !== undefined);
    } finally {
      deps.db.close();
    }
  },
};
