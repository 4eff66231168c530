import type { EmailTemplate, MailSettingsAnswer } from '../contracts/mailings.js';
import type { MailSettings } from '../fieldings/repo.js';
import type { TemplateRow } from './repo.js';

export function presentTemplate(t: TemplateRow): EmailTemplate {
  return {
    kind: t.kind,
    subject: t.subject,
    body: t.body,
    // Never saved: the default text the fielding starts with.
    isDefault: t.updated_at === null,
    updatedAt: t.updated_at,
    updatedBy: t.updated_by,
  };
}

export const presentMailSettings = (s: MailSettings): MailSettingsAnswer => ({
  reminderDays: [...s.reminderDays],
  remindersEnabled: s.remindersEnabled,
  thankYouEnabled: s.thankYouEnabled,
  thankYouTo: s.thankYouTo,
  perMinute: s.perMinute,
  deadline: s.deadline,
  eligibilityEstimate: s.eligibilityEstimate,
});
