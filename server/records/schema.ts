import { z } from 'zod';
import { RECORD_STATUSES } from '../contracts/sites.js';
import { PagingQuery, PathId } from '../http/schema.js';

/** A record's draft and its finalization take the respondent's very bodies: one protocol. */
export {
  type CompleteBody as FinalizeBody,
  CompleteBodySchema as FinalizeBodySchema,
  type DraftBody,
  DraftBodySchema,
} from '../responses/schema.js';

export const RecordListQuerySchema = z.strictObject({
  ...PagingQuery,
  site: PathId.optional(),
  instrument: z.string().min(1).max(64).optional(),
  interviewer: PathId.optional(),
  status: z.enum(RECORD_STATUSES).optional(),
});
export type RecordListQuery = z.infer<typeof RecordListQuerySchema>;

export const StartRecordBodySchema = z.strictObject({
  siteId: z.number().int().positive(),
  /** The instrument's id; the record starts on its newest loaded version. */
  instrumentId: z.string().min(1).max(64),
});
export type StartRecordBody = z.infer<typeof StartRecordBodySchema>;

export const RecordParamsSchema = z.strictObject({ recordId: PathId });

export const ReopenBodySchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'say why the record is reopened (it is kept with every change until it is final again)')
    .max(500),
});
