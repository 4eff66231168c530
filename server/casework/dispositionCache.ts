import { type Disposition, finalDisposition } from '../cases/disposition.js';
import type { CaseRepo, CaseStateRow } from '../cases/repo.js';
import { buildCodebook } from '../codebook/build.js';
import { createCaseValues } from '../codebook/caseValues.js';
import type { DispositionThresholds } from '../contracts/dispositions.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { ResponseRepo } from '../responses/repo.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; fieldings: FieldingRepo; responses: ResponseRepo };

/** How long the list's computation may hold the event loop before letting other requests run. */
const SLICE_MS = 8;

export type CaseOutcome = { disposition: Disposition; pctAnswered: number | undefined };

export type CaseDispositions = ReturnType<typeof createCaseDispositions>;

/**
 * Each case's final disposition, as the export derives it (finalDisposition over the event log and
 * the share answered, which needs the instrument's logic at the case's answers). Computing that
 * for 2,300 cases on every page of the staff case list would cost seconds, so each case's outcome
 * is kept with the stamp it was computed at (its newest event and the response's revision) and
 * recomputed only when either has moved. One per app, passed in; never a module singleton.
 */
export function createCaseDispositions(instruments: InstrumentRegistry) {
  const known = new Map<number, { stamp: string; outcome: CaseOutcome }>();
  const valuesByKey = new Map<string, ReturnType<typeof createCaseValues>>();
  const valuesOf = (instrumentId: string, version: string) => {
    const key = `${instrumentId}@${version}`;
    let values = valuesByKey.get(key);
    if (!values) {
      const instrument = instruments.get(instrumentId, version);
      if (!instrument) return undefined;
      values = createCaseValues(instrument, buildCodebook(instrument));
      valuesByKey.set(key, values);
    }
    return values;
  };

  function compute(repos: Repos, caseId: number, thresholds: DispositionThresholds): CaseOutcome {
    const events = repos.cases.eventsOf(caseId).map((e) => ({ type: e.type, detail: JSON.parse(e.detail) }));
    const response = repos.responses.findResponseByCase(caseId);
    let pctAnswered: number | undefined;
    if (response) {
      const values = valuesOf(response.instrument_id, response.instrument_version);
      pctAnswered = values
        ? values.row(JSON.parse(response.answers), new Date(response.updated_at)).pctAnswered
        : undefined;
    }
    return { disposition: finalDisposition(events, thresholds, pctAnswered), pctAnswered };
  }

  return {
    /**
     * The outcome of each listed case, computing only those whose log, response or fielding's
     * thresholds changed. A cold cache of a national fielding is ~1 ms a submitted case, so the
     * work yields to the event loop every few milliseconds: respondents' requests are answered in
     * between.
     */
    async outcomes(
      repos: Repos,
      rows: readonly CaseStateRow[],
      thresholds: DispositionThresholds,
    ): Promise<Map<number, CaseOutcome>> {
      const result = new Map<number, CaseOutcome>();
      let slice = performance.now();
      for (const row of rows) {
        if (performance.now() - slice > SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        const stamp = `${row.last_event_id ?? 0}:${row.response_revision ?? '-'}:${row.response_version ?? '-'}:${thresholds.complete}:${thresholds.partial}`;
        const cached = known.get(row.id);
        if (cached && cached.stamp === stamp) {
          result.set(row.id, cached.outcome);
          continue;
        }
        const outcome = compute(repos, row.id, thresholds);
        known.set(row.id, { stamp, outcome });
        result.set(row.id, outcome);
      }
      return result;
    },
    /** One case, always computed afresh (the case page), with its fielding's thresholds. */
    outcomeOf(repos: Repos, caseId: number): CaseOutcome {
      const found = repos.cases.findCase(caseId);
      return compute(repos, caseId, repos.fieldings.dispositionThresholdsOf(found?.fielding_id ?? -1));
    },
    /**
     * Builds the instrument logic of the versions fieldings use now, at start: built on a first
     * request instead, it would hold the event loop for up to a second (a SurveyJS model and its
     * codebook) while respondents wait.
     */
    prepare(versions: readonly { instrument_id: string; instrument_version: string }[]) {
      for (const v of versions) valuesOf(v.instrument_id, v.instrument_version);
    },
  };
}
