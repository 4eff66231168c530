import type { Fielding } from '../contracts/fieldings.js';
import type { FieldingRow } from './repo.js';

export function presentFielding(f: FieldingRow & { cases: number }): Fielding {
  return {
    name: f.name,
    instrument: f.instrument_id,
    instrumentVersion: f.instrument_version,
    cases: f.cases,
    createdAt: f.created_at,
    closesAt: f.closes_at,
    thresholds: { complete: f.complete_pct, partial: f.partial_pct },
  };
}
