import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import { MAIL_KINDS, type MailKind } from '../contracts/mailings.js';
import type { FieldingRepo, FieldingRow, MailSettings } from '../fieldings/repo.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError, notFound, unprocessable } from '../platform/errors.js';
import type { TokenRepo } from '../tokens/repo.js';
import { deadlineText, invitedAgoText, optOutUrl, recipientText, surveyMinutesOf } from './mergeValues.js';
import {
  allowedFields,
  checkTemplate,
  type EmailTemplate,
  MissingMergeFieldError,
  mergeValues,
  type RenderedEmail,
  renderEmail,
  STANDARD_FIELDS,
  type TemplateProblem,
} from './render.js';
import type { TemplateRepo, TemplateRow } from './repo.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  offices: OfficeRepo;
  templates: TemplateRepo;
  tokens: TokenRepo;
};

export type TemplateContext = { repos: Repos; clock: Clock; publicUrl: string; instruments: InstrumentRegistry };

export type MergeField = { name: string; description: string; source: 'standard' | 'frame' };

/** The standard fields with what they say, then the frame's extra columns of this fielding. */
export function mergeFieldsOf(repos: Repos, fieldingId: number): MergeField[] {
  const standard = Object.entries(STANDARD_FIELDS).map(([name, description]) => ({
    name,
    description,
    source: 'standard' as const,
  }));
  const frame = repos.templates
    .attributeKeysOf(fieldingId)
    // A frame column named like a standard field is shadowed by it (mergeValues), so it is not offered twice.
    .filter((key) => !(key in STANDARD_FIELDS))
    .map((name) => ({ name, description: 'A column of the frame', source: 'frame' as const }));
  return [...standard, ...frame];
}

/** The three templates of a fielding (saved or default) and the merge fields they may use. */
export function templatesOfFielding(repos: Repos, name: string): { templates: TemplateRow[]; fields: MergeField[] } {
  const fielding = findFieldingOrFail(repos, name);
  return {
    templates: MAIL_KINDS.map((kind) => repos.templates.templateOf(fielding.id, kind)),
    fields: mergeFieldsOf(repos, fielding.id),
  };
}

export const templateInvalid = (problems: TemplateProblem[]) =>
  unprocessable(
    'template_invalid',
    `The template has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ${problems
      .map((p) => `${p.part} line ${p.line}, column ${p.column}: ${p.message}`)
      .join(' ')}`,
    { problems },
  );

function checkOrFail(repos: Repos, fieldingId: number, kind: MailKind, template: EmailTemplate) {
  const problems = checkTemplate(kind, template, allowedFields(repos.templates.attributeKeysOf(fieldingId)));
  if (problems.length > 0) throw templateInvalid(problems);
}

/**
 * Stores a fielding's template of one kind, only if checkTemplate finds nothing wrong: an unknown
 * merge field is refused now, with where it is, rather than left blank in thousands of mails.
 */
export function saveTemplate(
  ctx: TemplateContext,
  input: { fielding: string; kind: MailKind; template: EmailTemplate; actor: string },
): TemplateRow {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  checkOrFail(ctx.repos, fielding.id, input.kind, input.template);
  const at = ctx.clock().toISOString();
  ctx.repos.db.transaction(() => {
    const before = ctx.repos.templates.templateOf(fielding.id, input.kind);
    ctx.repos.templates.saveTemplate(fielding.id, input.kind, input.template, at, input.actor);
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'template.save',
      fielding: fielding.name,
      detail: {
        kind: input.kind,
        subject: input.template.subject,
        subjectChanged: before.subject !== input.template.subject,
        bodyChanged: before.body !== input.template.body,
        bodyChars: input.template.body.length,
      },
    });
  })();
  return ctx.repos.templates.templateOf(fielding.id, input.kind);
}

/**
 * What a preview shows in place of the secrets: no token is issued for a preview, so these say
 * plainly that the real ones are made when the mail is sent.
 */
export const previewSecrets = (publicUrl: string) => ({
  link: `${publicUrl}/s/(personal link issued when sent)`,
  accessCode: '(access code issued when sent)',
  optOutLink: optOutUrl(publicUrl, '(one-click opt-out link issued when sent)'),
});

export type TemplatePreview = RenderedEmail & { to: string; office: { officeId: string; officeName: string } };

/**
 * The template as it would go to a real case: the office staff name (by its study id) or the
 * first case with an active contact, rendered with that office's and contact's values.
 */
export function previewTemplate(
  ctx: TemplateContext,
  input: { fielding: string; kind: MailKind; template: EmailTemplate; officeId?: string | undefined },
): TemplatePreview {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  checkOrFail(ctx.repos, fielding.id, input.kind, input.template);
  const target = previewTarget(ctx.repos, fielding, input.officeId);
  const office = ctx.repos.offices.findOfficeDetail(target.officeId);
  const contact = ctx.repos.offices.findContact(target.contactId);
  if (!office || !contact) throw notFound('The case to preview with was not found.');
  const secrets = previewSecrets(ctx.publicUrl);
  const values = mergeValues({
    office,
    contact,
    ...secrets,
    codeUrl: `${ctx.publicUrl}/code`,
    // What sending will say, from the same function.
    deadline: deadlineText(ctx.repos, fielding.id, fielding.closes_at),
    surveyMinutes: surveyMinutesOf(ctx.instruments, fielding),
    invitedAgo: previewInvitedAgo(ctx, fielding, office.office_id, input.kind),
  });
  let rendered: RenderedEmail;
  try {
    rendered = renderEmail(input.template, values);
  } catch (err) {
    // A frame column the template uses that this office's row does not have (another import).
    if (err instanceof MissingMergeFieldError) {
      throw unprocessable('merge_field_missing', `${office.office_id} (${office.office_name}): ${err.message}`);
    }
    throw err;
  }
  return {
    ...rendered,
    to: recipientText(contact),
    office: { officeId: office.office_id, officeName: office.office_name },
  };
}

/**
 * {{invited_ago}} as a message to this office would say it now; for an office not invited yet, a
 * reminder's words on the fielding's first reminder day (an invitation or thank-you: "Recently").
 */
function previewInvitedAgo(ctx: TemplateContext, fielding: FieldingRow, officeStudyId: string, kind: MailKind) {
  const now = ctx.clock();
  const found = ctx.repos.cases.findCaseByNames(fielding.name, officeStudyId);
  const invitedAt = found ? ctx.repos.cases.invitedAt(found.id) : undefined;
  const firstReminderDay = ctx.repos.fieldings.mailSettingsOf(fielding.id).reminderDays[0];
  const assumed =
    invitedAt ??
    (kind === 'reminder' && firstReminderDay !== undefined
      ? new Date(now.getTime() - firstReminderDay * 24 * 60 * 60 * 1000).toISOString()
      : undefined);
  return invitedAgoText(assumed, now);
}

function previewTarget(repos: Repos, fielding: FieldingRow, officeId: string | undefined) {
  if (officeId === undefined) {
    const first = repos.templates.firstReachableCase(fielding.id);
    if (!first) {
      throw unprocessable(
        'no_contact_to_preview',
        `No case of ${fielding.name} has a contact mail can reach (every address is undeliverable or opted out).`,
      );
    }
    return { officeId: first.office_id, contactId: first.contact_id };
  }
  const found = repos.cases.findCaseByNames(fielding.name, officeId);
  if (!found) throw new AppError(404, 'office_not_found', `${fielding.name} has no case for office "${officeId}".`);
  const contact = repos.offices.contactsOf(found.office_id).find((c) => c.status === 'active');
  if (!contact) {
    throw unprocessable(
      'no_contact_to_preview',
      `Office ${officeId} has no contact mail can reach (every address is undeliverable or opted out).`,
    );
  }
  return { officeId: found.office_id, contactId: contact.id };
}

/** Replaces a fielding's mail settings; the audit entry names each setting that changed, from and to. */
export function changeMailSettings(
  ctx: TemplateContext,
  input: { fielding: string; settings: MailSettings; actor: string },
): MailSettings {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  const at = ctx.clock().toISOString();
  ctx.repos.db.transaction(() => {
    const before = ctx.repos.fieldings.mailSettingsOf(fielding.id);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(input.settings) as (keyof MailSettings)[]) {
      if (JSON.stringify(before[key]) !== JSON.stringify(input.settings[key])) {
        changed[key] = { from: before[key], to: input.settings[key] };
      }
    }
    ctx.repos.fieldings.saveMailSettings(fielding.id, input.settings, at);
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'mail_settings.change',
      fielding: fielding.name,
      detail: { changed },
    });
  })();
  return ctx.repos.fieldings.mailSettingsOf(fielding.id);
}
