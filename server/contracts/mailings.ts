import * as z from 'zod/mini';

/** The answers of the email routes (docs/staff-api.md): templates, mail settings, mailings. */

export const MAIL_KINDS = ['invitation', 'reminder', 'thank_you'] as const;
/** Who a thank-you goes to: the contact whose link submitted, or every active contact of the office. */
export const THANK_YOU_TO = ['submitter', 'all'] as const;
export type ThankYouTo = (typeof THANK_YOU_TO)[number];
export type MailKind = (typeof MAIL_KINDS)[number];
export const SEND_STATUSES = ['queued', 'sending', 'sent', 'rejected', 'failed', 'interrupted', 'cancelled'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export const TemplateSchema = z.object({
  kind: z.enum(MAIL_KINDS),
  subject: z.string(),
  body: z.string(),
  /** Never saved: the default text the fielding starts with. */
  isDefault: z.boolean(),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type EmailTemplate = z.infer<typeof TemplateSchema>;
export const MergeFieldSchema = z.object({
  name: z.string(),
  description: z.string(),
  source: z.enum(['standard', 'frame']),
});
export type MergeField = z.infer<typeof MergeFieldSchema>;
export const TemplatesSchema = z.object({ templates: z.array(TemplateSchema), fields: z.array(MergeFieldSchema) });
export const OneTemplateSchema = z.object({ template: TemplateSchema });
/** The details of a 422 template_invalid: where each problem is, 1-based. */
export const TemplateProblemsSchema = z.object({
  problems: z.array(
    z.object({ part: z.enum(['subject', 'body']), line: z.number(), column: z.number(), message: z.string() }),
  ),
});
export type TemplateProblem = z.infer<typeof TemplateProblemsSchema>['problems'][number];
export const TemplatePreviewSchema = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  office: z.object({ officeId: z.string(), officeName: z.string() }),
});
export type TemplatePreview = z.infer<typeof TemplatePreviewSchema>;

export const MailSettingsSchema = z.object({
  reminderDays: z.array(z.number()),
  remindersEnabled: z.boolean(),
  thankYouEnabled: z.boolean(),
  thankYouTo: z.enum(THANK_YOU_TO),
  perMinute: z.number(),
  deadline: z.nullable(z.string()),
  eligibilityEstimate: z.nullable(z.number()),
});
export type MailSettingsAnswer = z.infer<typeof MailSettingsSchema>;
export const MailSettingsAnswerSchema = z.object({ settings: MailSettingsSchema });

export const SendCountSchema = z.object({
  kind: z.enum(MAIL_KINDS),
  number: z.number(),
  status: z.enum(SEND_STATUSES),
  count: z.number(),
});
export type SendCount = z.infer<typeof SendCountSchema>;
/** One SMTP attempt: who, what, and the server's words. */
export const AttemptSchema = z.object({
  at: z.string(),
  officeId: z.string(),
  officeName: z.string(),
  email: z.string(),
  kind: z.enum(MAIL_KINDS),
  number: z.number(),
  status: z.enum(SEND_STATUSES),
  smtpCode: z.nullable(z.number()),
  smtpReply: z.nullable(z.string()),
});
export type Attempt = z.infer<typeof AttemptSchema>;
/** Invitations still queued (a wave going out, or one a stop left), and when they will be out at the pace. */
export const WaitingSchema = z.object({
  invitations: z.number(),
  perMinute: z.number(),
  outBy: z.nullable(z.string()),
});
/** An interrupted message: the mail server may or may not have taken it; never resent by itself. */
export const InterruptedSchema = z.object({
  id: z.number(),
  officeId: z.string(),
  officeName: z.string(),
  email: z.string(),
  kind: z.enum(MAIL_KINDS),
  number: z.number(),
  /** When the attempt whose outcome is unknown began. */
  at: z.nullable(z.string()),
});
export type Interrupted = z.infer<typeof InterruptedSchema>;
/** GET /api/staff/fieldings/:name/mailings. */
export const MailingsSchema = z.object({
  email: z.object({ enabled: z.boolean(), from: z.string() }),
  running: z.boolean(),
  waiting: WaitingSchema,
  counts: z.array(SendCountSchema),
  recent: z.array(AttemptSchema),
  interrupted: z.array(InterruptedSchema),
});
/** POST /api/staff/fieldings/:name/mailings/interrupted: queued again, and chosen ones no longer interrupted. */
export const ResendAnswerSchema = z.object({
  resent: z.number(),
  notInterrupted: z.array(z.number()),
});
export type ResendAnswer = z.infer<typeof ResendAnswerSchema>;
export type Mailings = z.infer<typeof MailingsSchema>;
/** POST /api/staff/fieldings/:name/mailings: skipped contacts (or cases) by reason. */
export const MailingPlanSchema = z.object({
  planned: z.number(),
  alreadyPlanned: z.number(),
  skipped: z.record(z.string(), z.number()),
});
export type MailingPlan = z.infer<typeof MailingPlanSchema>;
