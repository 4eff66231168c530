import * as z from 'zod/mini';
import { enc, request } from './api.js';

/** The Email page's calls: templates, their previews, mail settings and sending (docs/staff-api.md). */

export const MAIL_KINDS = ['invitation', 'reminder', 'thank_you'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
const TemplateSchema = z.object({
  kind: z.enum(MAIL_KINDS),
  subject: z.string(),
  body: z.string(),
  isDefault: z.boolean(),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type EmailTemplate = z.infer<typeof TemplateSchema>;
const MergeFieldSchema = z.object({
  name: z.string(),
  description: z.string(),
  source: z.enum(['standard', 'frame']),
});
export type MergeField = z.infer<typeof MergeFieldSchema>;
/** The details of a 422 template_invalid: where each problem is, 1-based. */
export const TemplateProblemsSchema = z.object({
  problems: z.array(
    z.object({ part: z.enum(['subject', 'body']), line: z.number(), column: z.number(), message: z.string() }),
  ),
});
export type TemplateProblem = z.infer<typeof TemplateProblemsSchema>['problems'][number];
const TemplatePreviewSchema = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  office: z.object({ officeId: z.string(), officeName: z.string() }),
});
export type TemplatePreview = z.infer<typeof TemplatePreviewSchema>;
const MailSettingsSchema = z.object({
  reminderDays: z.array(z.number()),
  remindersEnabled: z.boolean(),
  thankYouEnabled: z.boolean(),
  perMinute: z.number(),
  deadline: z.nullable(z.string()),
  eligibilityEstimate: z.nullable(z.number()),
});
export type MailSettings = z.infer<typeof MailSettingsSchema>;
export const SEND_STATUSES = ['queued', 'sending', 'sent', 'rejected', 'failed', 'interrupted', 'cancelled'] as const;
const MailingsSchema = z.object({
  email: z.object({ enabled: z.boolean(), from: z.string() }),
  running: z.boolean(),
  counts: z.array(z.object({ kind: z.string(), number: z.number(), status: z.enum(SEND_STATUSES), count: z.number() })),
  recent: z.array(
    z.object({
      at: z.string(),
      officeId: z.string(),
      officeName: z.string(),
      email: z.string(),
      kind: z.string(),
      number: z.number(),
      status: z.string(),
      smtpCode: z.nullable(z.number()),
      smtpReply: z.nullable(z.string()),
    }),
  ),
});
export type Mailings = z.infer<typeof MailingsSchema>;
const MailingPlanSchema = z.object({
  planned: z.number(),
  alreadyPlanned: z.number(),
  skipped: z.record(z.string(), z.number()),
});
export type MailingPlan = z.infer<typeof MailingPlanSchema>;

const LetterSenderSchema = z.object({
  senderName: z.string(),
  senderTitle: z.string(),
  institution: z.string(),
  returnAddress: z.string(),
  phone: z.string(),
  signature: z.string(),
});
export type LetterSender = z.infer<typeof LetterSenderSchema>;
const LetterSettingsSchema = z.object({
  ...LetterSenderSchema.shape,
  body: z.nullable(z.string()),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});
export type LetterSettings = z.infer<typeof LetterSettingsSchema>;

export const mailApi = {
  letterSettings: (fielding: string) =>
    request(
      'GET',
      `/api/staff/fieldings/${enc(fielding)}/letter-settings`,
      z.object({ settings: LetterSettingsSchema, defaultBody: z.string(), fields: z.array(z.string()) }),
    ),
  saveLetterSettings: (fielding: string, settings: LetterSender & { body: string | null }) =>
    request(
      'PUT',
      `/api/staff/fieldings/${enc(fielding)}/letter-settings`,
      z.object({ settings: LetterSettingsSchema }),
      settings,
    ),
  templates: (fielding: string) =>
    request(
      'GET',
      `/api/staff/fieldings/${enc(fielding)}/templates`,
      z.object({ templates: z.array(TemplateSchema), fields: z.array(MergeFieldSchema) }),
    ),
  saveTemplate: (fielding: string, kind: MailKind, template: { subject: string; body: string }) =>
    request(
      'PUT',
      `/api/staff/fieldings/${enc(fielding)}/templates/${kind}`,
      z.object({ template: TemplateSchema }),
      template,
    ),
  previewTemplate: (fielding: string, kind: MailKind, input: { subject: string; body: string; officeId?: string }) =>
    request('POST', `/api/staff/fieldings/${enc(fielding)}/templates/${kind}/preview`, TemplatePreviewSchema, input),
  mailSettings: (fielding: string) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/mail-settings`, z.object({ settings: MailSettingsSchema })),
  saveMailSettings: (fielding: string, settings: MailSettings) =>
    request(
      'PUT',
      `/api/staff/fieldings/${enc(fielding)}/mail-settings`,
      z.object({ settings: MailSettingsSchema }),
      settings,
    ),
  mailings: (fielding: string) => request('GET', `/api/staff/fieldings/${enc(fielding)}/mailings`, MailingsSchema),
  /** Plans (or with dryRun only counts) the invitations; the server sends them in the background. */
  startMailing: (fielding: string, dryRun: boolean) =>
    request('POST', `/api/staff/fieldings/${enc(fielding)}/mailings`, MailingPlanSchema, {
      kind: 'invitation',
      dryRun,
    }),
};
