import {
  CaseDetailSchema,
  CasePageSchema,
  MarkedSchema,
  OneContactSchema,
  ReissuedLinkSchema,
  RevokedLinkSchema,
} from '../contracts/cases.js';
import { FIELDWORK_STAFF, STUDY_STAFF } from '../contracts/roles.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { AppError } from '../platform/errors.js';
import type { ResponseRepo } from '../responses/repo.js';
import { addContact, editContact, markContactUndeliverable } from './contacts.js';
import type { CaseDispositions } from './dispositionCache.js';
import { listCases } from './list.js';
import {
  contactNames,
  presentContact,
  presentDisposition,
  presentEvent,
  presentListedCase,
  presentOffice,
  presentProgress,
  presentToken,
} from './present.js';
import {
  AddContactBodySchema,
  CaseContactParamsSchema,
  CaseListQuerySchema,
  CaseParamsSchema,
  CaseTokenParamsSchema,
  EditContactBodySchema,
  MarkCaseBodySchema,
  MarkInvitedBodySchema,
  UndeliverableBodySchema,
} from './schema.js';
import type { CaseContext, IssueContext } from './service.js';
import { findCaseOrFail, markCase, markInvited, reissueCaseLink, revokeCaseToken } from './service.js';

export type CaseRouteContext = CaseContext &
  IssueContext & { dispositions: CaseDispositions; repos: { responses: ResponseRepo } };

/** Cases: the paged list, the case page and its actions (docs/staff-api.md). */
export function caseRoutes(ctx: CaseRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/cases',
      roles: STUDY_STAFF,
      summary:
        'One page (page, pageSize ≤ 200) of the fielding’s cases with their jurisdictions and dispositions and the fielding’s strata in frame order; sort, order, filters stratum, state, status, disposition, q (office name, ID or jurisdiction, accents ignored).',
      params: FieldingParamsSchema,
      query: CaseListQuerySchema,
      answer: CasePageSchema,
      async handler({ params, query }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        const { cases, total, strata } = await listCases(
          ctx.repos,
          ctx.dispositions,
          fielding.id,
          fielding.name,
          query,
        );
        return { cases: cases.map(presentListedCase), page: query.page, pageSize: query.pageSize, total, strata };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/cases/:id',
      roles: FIELDWORK_STAFF,
      summary: 'A case: its office, contacts and their links, event log in time order, response progress.',
      params: CaseParamsSchema,
      query: EmptyQuerySchema,
      answer: CaseDetailSchema,
      handler({ params }) {
        const found = findCaseOrFail(ctx.repos, params.id);
        const office = ctx.repos.offices.findOfficeDetail(found.office_id);
        // The foreign key keeps a case's office; without it there is no case page to show.
        if (!office) throw new AppError(404, 'not_found', `Case ${found.id} has no office.`);
        const tokens = ctx.repos.tokens.tokensOfCase(found.id);
        const outcome = ctx.dispositions.outcomeOf(ctx.repos, found.id);
        const contacts = ctx.repos.offices.contactsOf(found.office_id);
        const names = contactNames(contacts);
        return {
          case: {
            id: found.id,
            fielding: found.fielding_name,
            instrument: found.instrument_id,
            disposition: presentDisposition(outcome),
          },
          office: presentOffice(office),
          contacts: contacts.map((c) => presentContact(c, tokens)),
          events: ctx.repos.cases.eventsOf(found.id).map((e) => presentEvent(e, names)),
          response: presentProgress(ctx.repos.responses.findResponseByCase(found.id), outcome),
        };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/links/:tokenId/revoke',
      roles: FIELDWORK_STAFF,
      summary: 'Revoke one link (and its access code) of the case; the response is kept.',
      params: CaseTokenParamsSchema,
      answer: RevokedLinkSchema,
      handler({ auth, params }) {
        const token = revokeCaseToken(ctx, { caseId: params.id, tokenId: params.tokenId, actor: auth.staff.email });
        return { link: token ? presentToken(token) : null };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/contacts/:contactId/reissue',
      roles: FIELDWORK_STAFF,
      summary: 'A new link and access code for the contact (shown once); the contact’s old links stop working.',
      params: CaseContactParamsSchema,
      answer: ReissuedLinkSchema,
      handler({ auth, params, res }) {
        const issued = reissueCaseLink(ctx, {
          caseId: params.id,
          contactId: params.contactId,
          actor: auth.staff.email,
        });
        res.status(201);
        return { link: issued };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/mark',
      roles: FIELDWORK_STAFF,
      summary: 'Record the office as refused (by phone, by letter) or not eligible, with a reason.',
      params: CaseParamsSchema,
      body: MarkCaseBodySchema,
      answer: MarkedSchema,
      handler({ auth, params, body }) {
        const marked = markCase(ctx, { caseId: params.id, as: body.as, reason: body.reason, actor: auth.staff.email });
        return { disposition: { code: marked.disposition.code, label: marked.disposition.label } };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/invited',
      roles: FIELDWORK_STAFF,
      summary:
        'Record that the office’s links were handed out another way (by hand, by phone) on a day (on: YYYY-MM-DD, not after today): the case counts as invited from then.',
      params: CaseParamsSchema,
      body: MarkInvitedBodySchema,
      answer: MarkedSchema,
      handler({ auth, params, body }) {
        const marked = markInvited(ctx, { caseId: params.id, on: body.on, actor: auth.staff.email });
        return { disposition: { code: marked.disposition.code, label: marked.disposition.label } };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/contacts',
      roles: FIELDWORK_STAFF,
      summary: 'Add a contact to the case’s office (reissue gives it a link).',
      params: CaseParamsSchema,
      body: AddContactBodySchema,
      answer: OneContactSchema,
      handler({ auth, params, body, res }) {
        const contact = addContact(ctx, { caseId: params.id, ...body, actor: auth.staff.email });
        res.status(201);
        return { contact: presentContact(contact) };
      },
    }),
    staffRoute({
      method: 'patch',
      path: '/api/staff/cases/:id/contacts/:contactId',
      roles: FIELDWORK_STAFF,
      summary: 'Correct a contact’s name, email or title.',
      params: CaseContactParamsSchema,
      body: EditContactBodySchema,
      answer: OneContactSchema,
      handler({ auth, params, body }) {
        const contact = editContact(ctx, {
          caseId: params.id,
          contactId: params.contactId,
          ...body,
          actor: auth.staff.email,
        });
        return { contact: presentContact(contact, ctx.repos.tokens.tokensOfCase(params.id)) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/cases/:id/contacts/:contactId/undeliverable',
      roles: FIELDWORK_STAFF,
      summary: 'Mark a contact’s address undeliverable (a bounce, a wrong address).',
      params: CaseContactParamsSchema,
      body: UndeliverableBodySchema,
      answer: OneContactSchema,
      handler({ auth, params, body }) {
        const contact = markContactUndeliverable(ctx, {
          caseId: params.id,
          contactId: params.contactId,
          reason: body.reason,
          actor: auth.staff.email,
        });
        return { contact: presentContact(contact, ctx.repos.tokens.tokensOfCase(params.id)) };
      },
    }),
  ];
}
