import type { RecordStatus } from '../../server/contracts/records.js';

/** A record's status in words, as lists, filters and the record page show it. */
export const RECORD_STATUS_NAMES: Record<RecordStatus, string> = {
  in_progress: 'In progress',
  final: 'Final',
  refused: 'Refused (no consent)',
};
