import * as z from 'zod/mini';

/**
 * AAPOR Standard Definitions' groups: I complete, P partial, R refusal and break-off, NC
 * non-contact, O other eligible non-interview, UH unknown if household/office (never reached:
 * not invited, nothing returned), UO unknown other (undeliverable), NE not eligible.
 * server/fieldwork/rates.ts says which codes fall in each and computes the rates.
 */
export const GROUPS = ['I', 'P', 'R', 'NC', 'O', 'UH', 'UO', 'NE'] as const;
export type Group = (typeof GROUPS)[number];

export const RATE_NAMES = [
  'RR1',
  'RR2',
  'RR3',
  'RR4',
  'RR5',
  'RR6',
  'COOP1',
  'COOP2',
  'COOP3',
  'COOP4',
  'REF1',
  'REF2',
  'REF3',
  'CON1',
  'CON2',
  'CON3',
] as const;
export type RateName = (typeof RATE_NAMES)[number];

const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const Instant = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/));
const Count = z.int().check(z.refine((n) => n >= 0));
/** A share (0..1); null where its denominator is 0 (no case in it yet). */
const Rate = z.nullable(z.number().check(z.refine((n) => n >= 0 && n <= 1)));

export const GroupSchema = z.enum(GROUPS);
export const GroupCountsSchema = z.strictObject(
  Object.fromEntries(GROUPS.map((g) => [g, Count])) as Record<Group, typeof Count>,
);
export const RatesSchema = z.strictObject(
  Object.fromEntries(RATE_NAMES.map((r) => [r, Rate])) as Record<RateName, typeof Rate>,
);

/**
 * The answer of GET /api/staff/fieldings/:name/status and of `fieldkit status --json`, which the
 * console's dashboard parses. Strict, so a field the server adds and the contract lacks fails the
 * route's tests rather than passing unseen.
 */
export const FieldingStatusSchema = z.strictObject({
  fielding: z.string(),
  asOf: Instant,
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
    value: z.number().check(z.refine((n) => n >= 0 && n <= 1)),
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
