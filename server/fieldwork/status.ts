import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import type { CaseDispositions, CaseOutcome } from '../casework/dispositionCache.js';
import type { ListedCase } from '../casework/list.js';
import type { CaseStatus } from '../contracts/cases.js';
import type { FieldingStatus } from '../contracts/fieldwork.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { ResponseRepo } from '../responses/repo.js';
import type { TokenRepo } from '../tokens/repo.js';
import { computeRates, emptyCounts, estimateEligibility, type GroupCounts, groupOf } from './rates.js';
import type { FieldworkRepo } from './repo.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  fieldwork: FieldworkRepo;
  offices: OfficeRepo;
  responses: ResponseRepo;
  tokens: TokenRepo;
};

export type StatusContext = { repos: Repos; dispositions: CaseDispositions; clock: Clock };

const DAY_MS = 24 * 60 * 60 * 1000;
/** A fielding open for years would otherwise make a series of thousands of points; the last 400 days show. */
export const MAX_DAYS = 400;

/**
 * Every case of the fielding with its final disposition, from the very cache the staff case list
 * uses (the export's rule: the event log and the share answered), so the three never disagree. It
 * yields to the event loop while computing.
 */
export async function fieldingCases(
  ctx: Pick<StatusContext, 'repos' | 'dispositions'>,
  fieldingId: number,
): Promise<ListedCase[]> {
  const rows = ctx.repos.cases.caseStatesOf(fieldingId);
  const outcomes = await ctx.dispositions.outcomes(
    ctx.repos,
    rows,
    ctx.repos.fieldings.dispositionThresholdsOf(fieldingId),
  );
  return rows.map((row) => ({
    ...row,
    status: (row.response_status ?? 'not_started') as CaseStatus,
    outcome: outcomes.get(row.id) as CaseOutcome,
  }));
}

const dayOf = (iso: string) => iso.slice(0, 10);
const startOfDay = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
const byName = (a: string, b: string) => a.localeCompare(b, 'en');

/**
 * A fielding's fieldwork status: counts by final disposition and stratum, the AAPOR rates overall
 * and by stratum with e, cumulative completes by day, and the days mail went out.
 */
export async function fieldingStatus(ctx: StatusContext, name: string): Promise<FieldingStatus> {
  const fielding = findFieldingOrFail(ctx.repos, name);
  const cases = await fieldingCases(ctx, fielding.id);
  const now = ctx.clock();

  const strata = [...new Set(cases.map((c) => c.stratum))].sort(byName);
  const codes = new Map<string, { label: string; byStratum: Map<string, number> }>();
  const overall = emptyCounts();
  const perStratum = new Map<string, { cases: number; counts: GroupCounts }>(
    strata.map((s) => [s, { cases: 0, counts: emptyCounts() }]),
  );
  for (const c of cases) {
    const { code, label } = c.outcome.disposition;
    const group = groupOf(code);
    const tally = codes.get(code) ?? { label, byStratum: new Map(strata.map((s) => [s, 0])) };
    tally.byStratum.set(c.stratum, (tally.byStratum.get(c.stratum) ?? 0) + 1);
    codes.set(code, tally);
    overall[group]++;
    const stratum = perStratum.get(c.stratum) as { cases: number; counts: GroupCounts };
    stratum.cases++;
    stratum.counts[group]++;
  }

  // The counts took one pass over every case; let waiting requests in before the next statements.
  await new Promise((resolve) => setImmediate(resolve));
  // One e for the fielding: a stratum's few resolved cases would give an unstable e of its own.
  const e = estimateEligibility(overall, ctx.repos.fieldings.mailSettingsOf(fielding.id).eligibilityEstimate);
  const dispositions = [...codes]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, tally]) => ({
      code,
      label: tally.label,
      group: groupOf(code),
      count: [...tally.byStratum.values()].reduce((sum, n) => sum + n, 0),
      byStratum: Object.fromEntries(tally.byStratum),
    }));

  return {
    fielding: fielding.name,
    asOf: now.toISOString(),
    cases: cases.length,
    dispositions,
    overall: { counts: overall, rates: computeRates(overall, e.value) },
    strata: strata.map((stratum) => {
      const s = perStratum.get(stratum) as { cases: number; counts: GroupCounts };
      return { stratum, cases: s.cases, counts: s.counts, rates: computeRates(s.counts, e.value) };
    }),
    e,
    byDay: completesByDay(ctx, fielding.id, cases, overall, now),
    mailings: ctx.repos.fieldwork.mailings(fielding.id),
  };
}

/**
 * Cumulative completes (final disposition 1.1, by the day of their `completed` event) for each UTC
 * day from the first invitation to today. rr1 divides them by today's RR1 denominator, not by the
 * denominator as it stood on that day: RR1's denominator is every case not known to be ineligible,
 * which moves only when staff mark an office ineligible, so the curve is the share of today's
 * sample that had completed by then and ends at today's RR1.
 */
function completesByDay(
  ctx: Pick<StatusContext, 'repos'>,
  fieldingId: number,
  cases: readonly ListedCase[],
  overall: GroupCounts,
  now: Date,
): FieldingStatus['byDay'] {
  const first = ctx.repos.fieldwork.firstInvitationAt(fieldingId);
  if (first === undefined) return [];
  const today = dayOf(now.toISOString());
  const complete = new Set(cases.filter((c) => c.outcome.disposition.code === '1.1').map((c) => c.id));
  const perDay = new Map<string, number>();
  let before = 0;
  const todayMs = startOfDay(today);
  const firstMs = Math.min(startOfDay(dayOf(first)), todayMs);
  const count = Math.min(Math.round((todayMs - firstMs) / DAY_MS) + 1, MAX_DAYS);
  const shown = Array.from({ length: count }, (_, i) =>
    dayOf(new Date(todayMs - (count - 1 - i) * DAY_MS).toISOString()),
  );
  const start = shown[0] as string;
  for (const { case_id, at } of ctx.repos.fieldwork.completedAt(fieldingId)) {
    if (!complete.has(case_id)) continue;
    const day = dayOf(at);
    if (day < start) before++;
    else perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const denominator = overall.I + overall.P + overall.R + overall.NC + overall.O + overall.UH + overall.UO;
  let completes = before;
  return shown.map((date) => {
    completes += perDay.get(date) ?? 0;
    return { date, completes, rr1: denominator > 0 ? completes / denominator : null };
  });
}
