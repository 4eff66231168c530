import type { CaseRepo, CaseStateRow } from '../cases/repo.js';
import type { CaseStatus } from '../contracts/cases.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { invalidInput } from '../platform/errors.js';
import type { ResponseRepo } from '../responses/repo.js';
import type { CaseDispositions, CaseOutcome } from './dispositionCache.js';
import type { CaseListQuery } from './schema.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; fieldings: FieldingRepo; responses: ResponseRepo };

export type ListedCase = CaseStateRow & { status: CaseStatus; outcome: CaseOutcome };

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** How one sort key orders two cases; strata by their rank in the frame (`strataOf`). */
type Compare = (a: ListedCase, b: ListedCase, stratumRank: ReadonlyMap<string, number>) => number;
const byText =
  (value: (c: ListedCase) => string): Compare =>
  (a, b) =>
    collator.compare(value(a), value(b));

const SORTS: Record<CaseListQuery['sort'], Compare> = {
  office_name: byText((c) => c.office_name),
  state: byText((c) => c.state),
  jurisdiction: byText((c) => c.jurisdiction),
  // "1,000,000+" sorts before "under 100,000" as text; the frame lists strata in their own order.
  stratum: (a, b, rank) => (rank.get(a.stratum) ?? 0) - (rank.get(b.stratum) ?? 0),
  status: byText((c) => c.status),
  disposition: byText((c) => c.outcome.disposition.code),
};

/** Lower case without accents: "Doña Ana" is found by "dona ana", as staff type it. */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');

/**
 * Whether the office's name, office ID or jurisdiction contains the folded search text: staff look
 * an office up by what a letter or a call gives them ("AZ-014", "Maricopa"), not only by its name.
 * Matched in memory with the rest of the filters, so "%" and "_" are plain characters.
 */
function matchesSearch(row: CaseStateRow, needle: string): boolean {
  return [row.office_name, row.office_study_id, row.jurisdiction].some((text) => folded(text).includes(needle));
}

/**
 * The fielding's strata in the order the frame first lists them (cases are created in frame order),
 * which is the order a frame's author gave them, unlike their text.
 */
export function strataOf(rows: readonly Pick<CaseStateRow, 'stratum'>[]): string[] {
  return [...new Set(rows.map((r) => r.stratum))];
}

/**
 * One page of a fielding's cases, filtered and sorted on the server. The cases of a fielding
 * (~2,300 offices) are read in one statement and their dispositions come from the cache, so a
 * page costs one scan in memory; sorting by disposition or filtering on it needs every case's
 * disposition, which SQL alone cannot derive.
 */
export async function listCases(
  repos: Repos,
  dispositions: CaseDispositions,
  fieldingId: number,
  fieldingName: string,
  query: CaseListQuery,
): Promise<{ cases: ListedCase[]; total: number; strata: string[] }> {
  const rows = repos.cases.caseStatesOf(fieldingId);
  const strata = strataOf(rows);
  // A stratum typed with a hyphen for the frame's en dash would quietly find nothing.
  if (query.stratum !== undefined && !strata.includes(query.stratum)) {
    throw invalidInput(
      `Fielding ${fieldingName} has no stratum "${query.stratum}". Its strata: ${strata.join('; ')}.`,
      { strata },
    );
  }
  const outcomes = await dispositions.outcomes(repos, rows, repos.fieldings.dispositionThresholdsOf(fieldingId));
  const needle = query.q === undefined ? undefined : folded(query.q);
  const matching: ListedCase[] = [];
  for (const row of rows) {
    const status: CaseStatus = row.response_status ?? 'not_started';
    const outcome = outcomes.get(row.id) as CaseOutcome;
    if (query.stratum !== undefined && row.stratum !== query.stratum) continue;
    if (query.state !== undefined && row.state !== query.state) continue;
    if (query.status !== undefined && status !== query.status) continue;
    if (query.disposition !== undefined && outcome.disposition.code !== query.disposition) continue;
    if (needle !== undefined && !matchesSearch(row, needle)) continue;
    matching.push({ ...row, status, outcome });
  }
  const compare = SORTS[query.sort];
  const rank = new Map(strata.map((s, i) => [s, i]));
  const sign = query.order === 'desc' ? -1 : 1;
  // Ties fall back to the office's name and then the case id, so pages never shuffle between requests.
  matching.sort((a, b) => sign * compare(a, b, rank) || collator.compare(a.office_name, b.office_name) || a.id - b.id);
  const start = (query.page - 1) * query.pageSize;
  return { cases: matching.slice(start, start + query.pageSize), total: matching.length, strata };
}
