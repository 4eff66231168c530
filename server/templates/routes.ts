import {
  MailSettingsAnswerSchema,
  OneTemplateSchema,
  TemplatePreviewSchema,
  TemplatesSchema,
} from '../contracts/mailings.js';
import { FIELDWORK_STAFF, STUDY_STAFF } from '../contracts/roles.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { presentMailSettings, presentTemplate } from './present.js';
import { MailSettingsBodySchema, PreviewBodySchema, TemplateBodySchema, TemplateParamsSchema } from './schema.js';
import type { TemplateContext } from './service.js';
import { changeMailSettings, previewTemplate, saveTemplate, templatesOfFielding } from './service.js';

export type TemplateRouteContext = TemplateContext;

/** A fielding's email: templates with their merge fields, a preview for a real case, mail settings (docs/staff-api.md). */
export function templateRoutes(ctx: TemplateRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/templates',
      roles: FIELDWORK_STAFF,
      summary: 'The invitation, reminder and thank-you templates (saved or default) and the merge fields they may use.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      answer: TemplatesSchema,
      handler({ params }) {
        const { templates, fields } = templatesOfFielding(ctx.repos, params.name);
        return { templates: templates.map(presentTemplate), fields };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/fieldings/:name/templates/:kind',
      roles: FIELDWORK_STAFF,
      summary:
        'Save a template; an unknown or malformed merge field is 422 template_invalid (line, column) and nothing is saved.',
      params: TemplateParamsSchema,
      body: TemplateBodySchema,
      answer: OneTemplateSchema,
      handler({ auth, params, body }) {
        const saved = saveTemplate(ctx, {
          fielding: params.name,
          kind: params.kind,
          template: body,
          actor: auth.staff.email,
        });
        return { template: presentTemplate(saved) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/templates/:kind/preview',
      roles: FIELDWORK_STAFF,
      summary: 'A template rendered for a real case (text and HTML); links and codes are placeholders, none is issued.',
      params: TemplateParamsSchema,
      body: PreviewBodySchema,
      answer: TemplatePreviewSchema,
      handler({ params, body }) {
        const { officeId, ...template } = body;
        return previewTemplate(ctx, { fielding: params.name, kind: params.kind, template, officeId });
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/mail-settings',
      roles: STUDY_STAFF,
      summary: 'Reminder days, reminders and thank-you on or off, messages per minute, deadline wording, e override.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      answer: MailSettingsAnswerSchema,
      handler({ params }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        return { settings: presentMailSettings(ctx.repos.fieldings.mailSettingsOf(fielding.id)) };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/fieldings/:name/mail-settings',
      roles: FIELDWORK_STAFF,
      summary: 'Replace the mail settings; the audit log records what changed.',
      params: FieldingParamsSchema,
      body: MailSettingsBodySchema,
      answer: MailSettingsAnswerSchema,
      handler({ auth, params, body }) {
        const settings = changeMailSettings(ctx, {
          fielding: params.name,
          settings: body,
          actor: auth.staff.email,
        });
        return { settings: presentMailSettings(settings) };
      },
    }),
  ];
}
