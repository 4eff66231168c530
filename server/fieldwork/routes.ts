import { FieldingStatusSchema } from '../contracts/fieldwork.js';
import { STUDY_STAFF } from '../contracts/roles.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { caseListCsv, caseListFileName } from './present.js';
import type { StatusContext } from './status.js';
import { fieldingCases, fieldingStatus } from './status.js';

export type FieldworkRouteContext = StatusContext;

/** Fieldwork monitoring: the dashboard's status and the case list download (docs/staff-api.md). */
export function fieldworkRoutes(ctx: FieldworkRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/status',
      roles: STUDY_STAFF,
      summary:
        'Counts by final disposition and stratum, AAPOR rates (RR1–6, COOP1–4, REF1–3, CON1–3) overall and by stratum with e, completes by day, mailings.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      answer: FieldingStatusSchema,
      handler({ params }) {
        return fieldingStatus(ctx, params.name);
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/cases.csv',
      roles: STUDY_STAFF,
      summary: 'Every case with its disposition, share answered, invitation and mail, as a CSV download.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      async handler({ params, res }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        const cases = await fieldingCases(ctx, fielding.id);
        const csv = caseListCsv(cases, ctx.repos.fieldwork.caseMail(fielding.id));
        res.attachment(caseListFileName(fielding.name, ctx.clock())).type('text/csv; charset=utf-8').send(csv);
        return undefined;
      },
    }),
  ];
}
