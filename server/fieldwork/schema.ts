import { z } from 'zod';
import { GROUPS, RATE_NAMES } from './rates.js';

/**
 * The answer of GET /api/staff/fieldings/:name/status and of `fieldkit status --json`: the contract
 * the console's dashboard codes against (docs/staff-api.md). Types come from here, so the server,
 * the CLI and the dashboard cannot drift; the route's tests parse its answers with it.
 */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Count = z.number().int().min(0);
const Rate = z.number().min(0).max(1).nullable();

export const GroupSchema = z.enum(GROUPS);
export const GroupCountsSchema = z.strictObject(
  Object.fromEntries(GROUPS.map((g) => [g, Count])) as Record<(typeof GROUPS)[number], typeof Count>,
);
export const RatesSchema = z.strictObject(
  Object.fromEntries(RATE_NAMES.map((r) => [r, Rate])) as Record<(typeof RATE_NAMES)[number], typeof Rate>,
);

export const FieldingStatusSchema = z.strictObject({
  fielding: z.string(),
  asOf: z.iso.datetime(),
  cases: Count,
  /** Every final disposition that occurs, ordered by code; byStratum names every stratum (0 included). */
  dispositions: z.array(
    z.strictObject({
      code: z.string(),
      label: z.string(),
      group: GroupSchema,
      count: Count,
      byStratum: z.record(z.string(), Count),
    }),
  ),
  overall: z.strictObject({ counts: GroupCountsSchema, rates: RatesSchema }),
  /** Sorted by stratum name; every stratum's rates use the fielding's one e. */
  strata: z.array(z.strictObject({ stratum: z.string(), cases: Count, counts: GroupCountsSchema, rates: RatesSchema })),
  e: z.strictObject({
    value: z.number().min(0).max(1),
    method: z.enum(['default', 'setting']),
    explanation: z.string(),
  }),
  /** One entry per UTC day from the first invitation to today (at most the last 400 days). */
  byDay: z.array(z.strictObject({ date: Day, completes: Count, rr1: Rate })),
  mailings: z.array(
    z.strictObject({ date: Day, kind: z.enum(['invitation', 'reminder']), number: Count, sent: Count }),
  ),
});
export type FieldingStatus = z.infer<typeof FieldingStatusSchema>;
