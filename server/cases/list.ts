import type { Repos } from '../repos.js';
import type { CaseDispositions, CaseOutcome } from './dispositionCache.js';
import type { CaseStateRow } from './repo.js';
import type { CaseListQuery, CaseStatus } from './schema.js';

export type ListedCase = CaseStateRow & { status: CaseStatus; outcome: CaseOutcome };

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const sortValue: Record<CaseListQuery['sort'], (c: ListedCase) => string> = {
  office_name: (c) => c.office_name,
  state: (c) => c.state,
  stratum: (c) => c.stratum,
  status: (c) => c.status,
  disposition: (c) => c.outcome.disposition.code,
};

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
  query: CaseListQuery,
): Promise<{ cases: ListedCase[]; total: number }> {
  const rows = repos.cases.caseStatesOf(fieldingId);
  const outcomes = await dispositions.outcomes(repos, rows, repos.fieldings.dispositionThresholdsOf(fieldingId));
  const needle = query.q?.toLocaleLowerCase('en');
  const matching: ListedCase[] = [];
  for (const row of rows) {
    const status: CaseStatus = row.response_status ?? 'not_started';
    const outcome = outcomes.get(row.id) as CaseOutcome;
    if (query.stratum !== undefined && row.stratum !== query.stratum) continue;
    if (query.state !== undefined && row.state !== query.state) continue;
    if (query.status !== undefined && status !== query.status) continue;
    if (query.disposition !== undefined && outcome.disposition.code !== query.disposition) continue;
    if (needle !== undefined && !row.office_name.toLocaleLowerCase('en').includes(needle)) continue;
    matching.push({ ...row, status, outcome });
  }
  const key = sortValue[query.sort];
  const sign = query.order === 'desc' ? -1 : 1;
  // Ties fall back to the office's name and then the case id, so pages never shuffle between requests.
  matching.sort(
    (a, b) => sign * collator.compare(key(a), key(b)) || collator.compare(a.office_name, b.office_name) || a.id - b.id,
  );
  const start = (query.page - 1) * query.pageSize;
  return { cases: matching.slice(start, start + query.pageSize), total: matching.length };
}
