import * as z from 'zod/mini';
import { AnswersSchema } from './responses.js';
import { RECORD_STATUSES, StaffRefSchema } from './sites.js';

/**
 * The answers of the record routes (docs/staff-api.md): Phase II records, one filled-in
 * interviewer-mode instrument each, entered by staff at a site.
 */

export { RECORD_STATUSES, type RecordStatus, type StaffRef, StaffRefSchema } from './sites.js';

export const ListedRecordSchema = z.object({
  id: z.number(),
  site: z.object({ id: z.number(), name: z.string() }),
  instrument: z.object({ id: z.string(), version: z.string(), title: z.string() }),
  /** Who started the record. */
  startedBy: StaffRefSchema,
  status: z.enum(RECORD_STATUSES),
  /** A short identifying text: the case code or the interviewee's role once answered, else "Record <id>". */
  label: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Who last saved it. */
  updatedBy: StaffRefSchema,
  revision: z.number(),
});
export type ListedRecord = z.infer<typeof ListedRecordSchema>;

/** GET /api/staff/records: paged like the case list, newest change first. */
export const RecordPageSchema = z.object({
  records: z.array(ListedRecordSchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
export type RecordPage = z.infer<typeof RecordPageSchema>;

/**
 * GET /api/staff/records/:id (and the answer of POST records, finalize, reopen): the record with
 * everything the entry page needs to render and save it.
 */
export const OpenRecordSchema = z.object({
  ...ListedRecordSchema.shape,
  instrument: z.object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    survey: z.record(z.string(), z.unknown()),
    // null: the instrument has no consent question.
    consent: z.nullable(
      z.object({ question: z.string(), declineValue: z.union([z.string(), z.number(), z.boolean()]) }),
    ),
    /** Repeating panel name -> the name of its stable entry key (meta.panelKeys); {} when none. */
    panelKeys: z.record(z.string(), z.string()),
  }),
  answers: AnswersSchema,
  page: z.int(),
  /** Why a lead reopened it; null unless it was reopened and is not final again. */
  reopenReason: z.nullable(z.string()),
  finalizedAt: z.nullable(z.string()),
  finalizedBy: z.nullable(StaffRefSchema),
  /** The caller may save drafts and finalize (in progress, and not an analyst). */
  editable: z.boolean(),
  /** The caller may reopen it (final or refused, and an admin or fieldwork lead). */
  reopenable: z.boolean(),
});
export type OpenRecord = z.infer<typeof OpenRecordSchema>;

/** PUT /api/staff/records/:id/draft: the same answer (and 409 stale_revision details) as a respondent's draft. */
export { type RemoteDraft, RemoteDraftSchema, type Saved, SavedSchema } from './responses.js';

/** One changed variable of one save. A status change has variable '(status)'. */
export const RecordChangeSchema = z.object({
  id: z.number(),
  /** `name`, or inside a repeating panel `panel[key=value].inner` / `panel[n].inner` (1-based). */
  variable: z.string(),
  /** The question's title, when the variable is a question of the record's instrument version. */
  title: z.nullable(z.string()),
  /** JSON values; null: no value. */
  oldValue: z.unknown(),
  newValue: z.unknown(),
  by: StaffRefSchema,
  at: z.string(),
  /** The reopening's reason, for changes made while a reopened record was not yet final again. */
  reason: z.nullable(z.string()),
  revision: z.number(),
});
export type RecordChange = z.infer<typeof RecordChangeSchema>;

/** GET /api/staff/records/:id/history: oldest first. */
export const RecordHistorySchema = z.object({ changes: z.array(RecordChangeSchema) });
export type RecordHistory = z.infer<typeof RecordHistorySchema>;
