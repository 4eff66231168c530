import {
  type LetterSender,
  LetterSettingsPageSchema,
  SavedLetterSettingsSchema,
} from '../../server/contracts/letters.js';
import {
  MailingPlanSchema,
  MailingsSchema,
  type MailKind,
  type MailSettingsAnswer as MailSettings,
  MailSettingsAnswerSchema,
  OneTemplateSchema,
  ResendAnswerSchema,
  TemplatePreviewSchema,
  TemplatesSchema,
} from '../../server/contracts/mailings.js';
import { enc, request } from './api.js';

export type {
  LetterSender,
  LetterSettingsAnswer as LetterSettings,
} from '../../server/contracts/letters.js';
export {
  type EmailTemplate,
  type Interrupted,
  MAIL_KINDS,
  type MailingPlan,
  type Mailings,
  type MailKind,
  type MailSettingsAnswer as MailSettings,
  type MergeField,
  SEND_STATUSES,
  type TemplatePreview,
  type TemplateProblem,
  TemplateProblemsSchema,
} from '../../server/contracts/mailings.js';

/**
 * The Email page's calls: templates, their previews, mail settings and sending (docs/staff-api.md),
 * parsed with the server's contract schemas.
 */

export const mailApi = {
  letterSettings: (fielding: string) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/letter-settings`, LetterSettingsPageSchema),
  saveLetterSettings: (fielding: string, settings: LetterSender & { body: string | null }) =>
    request('PUT', `/api/staff/fieldings/${enc(fielding)}/letter-settings`, SavedLetterSettingsSchema, settings),
  templates: (fielding: string) => request('GET', `/api/staff/fieldings/${enc(fielding)}/templates`, TemplatesSchema),
  saveTemplate: (fielding: string, kind: MailKind, template: { subject: string; body: string }) =>
    request('PUT', `/api/staff/fieldings/${enc(fielding)}/templates/${kind}`, OneTemplateSchema, template),
  previewTemplate: (fielding: string, kind: MailKind, input: { subject: string; body: string; officeId?: string }) =>
    request('POST', `/api/staff/fieldings/${enc(fielding)}/templates/${kind}/preview`, TemplatePreviewSchema, input),
  mailSettings: (fielding: string) =>
    request('GET', `/api/staff/fieldings/${enc(fielding)}/mail-settings`, MailSettingsAnswerSchema),
  saveMailSettings: (fielding: string, settings: MailSettings) =>
    request('PUT', `/api/staff/fieldings/${enc(fielding)}/mail-settings`, MailSettingsAnswerSchema, settings),
  mailings: (fielding: string) => request('GET', `/api/staff/fieldings/${enc(fielding)}/mailings`, MailingsSchema),
  /** Plans (or with dryRun only counts) the invitations; the server sends them in the background. */
  startMailing: (fielding: string, dryRun: boolean) =>
    request('POST', `/api/staff/fieldings/${enc(fielding)}/mailings`, MailingPlanSchema, {
      kind: 'invitation',
      dryRun,
    }),
  /** Queues interrupted messages again, once each; staff confirmed they checked the mailbox. */
  resendInterrupted: (fielding: string, sends: 'all' | number[]) =>
    request('POST', `/api/staff/fieldings/${enc(fielding)}/mailings/interrupted`, ResendAnswerSchema, {
      sends,
      checkedMailbox: true,
    }),
};
