import { OpenRecordSchema, RecordHistorySchema, RecordPageSchema, SavedSchema } from '../contracts/records.js';
import { ANY_STAFF, FIELDWORK_STAFF, RECORD_EDITORS } from '../contracts/roles.js';
import { type StaffAuth, type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { presentChanges, presentListedRecord, presentOpenRecord } from './present.js';
import type { RecordView } from './repo.js';
import {
  DraftBodySchema,
  FinalizeBodySchema,
  RecordListQuerySchema,
  RecordParamsSchema,
  ReopenBodySchema,
  StartRecordBodySchema,
} from './schema.js';
import {
  finalizeRecord,
  listRecords,
  type RecordContext,
  reopenRecord,
  saveRecordDraft,
  startRecord,
  visibleRecordOr404,
} from './service.js';

/** Phase II records: list, start, open, save, finalize, reopen, history (docs/staff-api.md). */
export function recordRoutes(ctx: RecordContext): readonly StaffRoute[] {
  const open = (auth: StaffAuth, id: number) =>
    presentOpenRecord(ctx, ctx.repos.records.findRecordView(id) as RecordView, auth.staff.role);
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/records',
      roles: ANY_STAFF,
      summary:
        'Records (an interviewer: those of their sites), last saved first; filter by site, instrument, interviewer, status; paged.',
      query: RecordListQuerySchema,
      answer: RecordPageSchema,
      handler({ auth, query }) {
        const found = listRecords(ctx, auth.staff, query);
        return {
          records: found.records.map((r) => presentListedRecord(ctx, r)),
          page: query.page,
          pageSize: query.pageSize,
          total: found.total,
        };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/records',
      roles: RECORD_EDITORS,
      summary: 'Start a record at a site on an interviewer-mode instrument it uses; the header is prefilled.',
      body: StartRecordBodySchema,
      answer: OpenRecordSchema,
      handler({ auth, body, res }) {
        const row = startRecord(ctx, auth.staff, body);
        res.status(201);
        return open(auth, row.id);
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/records/:recordId',
      roles: ANY_STAFF,
      summary: 'A record with its instrument, answers, page and revision, to enter or read it.',
      params: RecordParamsSchema,
      query: EmptyQuerySchema,
      answer: OpenRecordSchema,
      handler({ auth, params }) {
        return open(auth, visibleRecordOr404(ctx, auth.staff, params.recordId).id);
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/records/:recordId/draft',
      roles: RECORD_EDITORS,
      summary: "Save a record's draft (answers, page, revision); 409 stale_revision carries the server's draft.",
      params: RecordParamsSchema,
      body: DraftBodySchema,
      answer: SavedSchema,
      handler({ auth, params, body }) {
        return saveRecordDraft(ctx, auth.staff, params.recordId, body);
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/records/:recordId/finalize',
      roles: RECORD_EDITORS,
      summary: 'Validate and make the record final (read-only), or refused when consent was declined.',
      params: RecordParamsSchema,
      body: FinalizeBodySchema,
      answer: OpenRecordSchema,
      async handler({ auth, params, body }) {
        const row = await finalizeRecord(ctx, auth.staff, params.recordId, body);
        return open(auth, row.id);
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/records/:recordId/reopen',
      roles: FIELDWORK_STAFF,
      summary: 'Reopen a final or refused record with a reason, carried by every change until it is final again.',
      params: RecordParamsSchema,
      body: ReopenBodySchema,
      answer: OpenRecordSchema,
      handler({ auth, params, body }) {
        const row = reopenRecord(ctx, auth.staff, params.recordId, body.reason);
        return open(auth, row.id);
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/records/:recordId/history',
      roles: ANY_STAFF,
      summary: "The record's field-level changes, oldest first: variable, old and new value, who, when, reason.",
      params: RecordParamsSchema,
      query: EmptyQuerySchema,
      answer: RecordHistorySchema,
      handler({ auth, params }) {
        const row = visibleRecordOr404(ctx, auth.staff, params.recordId);
        const view = ctx.repos.records.findRecordView(row.id) as RecordView;
        return { changes: presentChanges(ctx, view, ctx.repos.records.changesOf(row.id)) };
      },
    }),
  ];
}
