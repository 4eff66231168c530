import { z } from 'zod';
import { MAIL_KINDS, THANK_YOU_TO } from '../contracts/mailings.js';

export const TemplateParamsSchema = z.strictObject({
  name: z.string().min(1).max(100),
  kind: z.enum(MAIL_KINDS),
});

/** Merge fields are checked by checkTemplate (with line and column); here only size and type. */
const TemplateFields = {
  subject: z.string().max(300),
  body: z.string().max(20_000),
};

export const TemplateBodySchema = z.strictObject(TemplateFields);

export const PreviewBodySchema = z.strictObject({
  ...TemplateFields,
  /** The study's id of the office to render for; without it, the first case with a contact mail can reach. */
  officeId: z.string().trim().min(1).max(100).optional(),
});

const ReminderDays = z
  .array(z.number().int('must be a whole number of days').min(1).max(365))
  .max(10, 'at most 10 reminders')
  .refine(
    (days) => days.every((d, i) => i === 0 || d > (days[i - 1] as number)),
    'must be strictly increasing, e.g. [7, 14, 21]',
  );

/** The whole of a fielding's mail settings (PUT replaces them); see MailSettings in server/fieldings/repo.ts. */
export const MailSettingsBodySchema = z
  .strictObject({
    reminderDays: ReminderDays,
    remindersEnabled: z.boolean(),
    thankYouEnabled: z.boolean(),
    thankYouTo: z.enum(THANK_YOU_TO, { error: 'must be "submitter" (the contact who submitted) or "all"' }),
    perMinute: z.number().int('must be a whole number').min(1).max(100_000),
    // An empty deadline is no deadline: mails then say the closing date, or "as soon as you can".
    deadline: z
      .string()
      .trim()
      .max(100)
      .nullable()
      .transform((s) => (s === '' ? null : s)),
    eligibilityEstimate: z.number().min(0).max(1).nullable(),
  })
  .refine((s) => !s.remindersEnabled || s.reminderDays.length > 0, {
    path: ['reminderDays'],
    message: 'give at least one day when reminders are on',
  });
