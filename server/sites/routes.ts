import { ANY_STAFF, FIELDWORK_STAFF } from '../contracts/roles.js';
import { InterviewerListSchema, OneSiteSchema, SiteListSchema } from '../contracts/sites.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { presentInterviewer, presentSite } from './present.js';
import {
  AddSiteBodySchema,
  PatchSiteBodySchema,
  SiteInstrumentsBodySchema,
  SiteInterviewersBodySchema,
  SiteParamsSchema,
} from './schema.js';
import {
  addSite,
  assignableInterviewers,
  changeSite,
  listSites,
  type SiteContext,
  setSiteInstruments,
  setSiteInterviewers,
} from './service.js';

/** Phase II case-study sites: list, add, change, their interviewers and instruments (docs/staff-api.md). */
export function siteRoutes(ctx: SiteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/sites',
      roles: ANY_STAFF,
      summary:
        'Every site (an interviewer: the sites assigned to them), with interviewers, instruments, record counts.',
      query: EmptyQuerySchema,
      answer: SiteListSchema,
      handler({ auth }) {
        return { sites: listSites(ctx, auth.staff).map((s) => presentSite(ctx, s)) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/sites',
      roles: FIELDWORK_STAFF,
      summary: 'Add a site (name unique in any case, jurisdiction, notes).',
      body: AddSiteBodySchema,
      answer: OneSiteSchema,
      handler({ auth, body, res }) {
        const site = addSite(ctx, body, auth.staff.email);
        res.status(201);
        return { site: presentSite(ctx, site) };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/interviewers',
      roles: FIELDWORK_STAFF,
      summary: 'The active interviewer accounts that sites can be given.',
      query: EmptyQuerySchema,
      answer: InterviewerListSchema,
      handler() {
        return { interviewers: assignableInterviewers(ctx).map(presentInterviewer) };
      },
    }),
    staffRoute({
      method: 'patch',
      path: '/api/staff/sites/:siteId',
      roles: FIELDWORK_STAFF,
      summary: "Change a site's name, jurisdiction or notes.",
      params: SiteParamsSchema,
      body: PatchSiteBodySchema,
      answer: OneSiteSchema,
      handler({ auth, params, body }) {
        return { site: presentSite(ctx, changeSite(ctx, params.siteId, body, auth.staff.email)) };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/sites/:siteId/interviewers',
      roles: FIELDWORK_STAFF,
      summary: "Set the site's interviewers (active interviewer accounts only).",
      params: SiteParamsSchema,
      body: SiteInterviewersBodySchema,
      answer: OneSiteSchema,
      handler({ auth, params, body }) {
        return { site: presentSite(ctx, setSiteInterviewers(ctx, params.siteId, body.staffIds, auth.staff.email)) };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/sites/:siteId/instruments',
      roles: FIELDWORK_STAFF,
      summary: "Set the site's instruments (loaded interviewer-mode instruments, by id).",
      params: SiteParamsSchema,
      body: SiteInstrumentsBodySchema,
      answer: OneSiteSchema,
      handler({ auth, params, body }) {
        return {
          site: presentSite(ctx, setSiteInstruments(ctx, params.siteId, body.instrumentIds, auth.staff.email)),
        };
      },
    }),
  ];
}
