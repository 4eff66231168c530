import { useId } from 'react';
import { type RecordChange, recordsApi } from './recordsApi.js';
import { DataTable, formatTime } from './ui.js';
import { useLoad } from './useLoad.js';

/** A JSON value as the history shows it: text as typed, anything else as JSON, no value as a dash. */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const variableOf = (change: RecordChange) => (change.variable === '(status)' ? 'Status' : change.variable);

/**
 * Every change to the record, field by field and oldest first: variable, old and new value, who,
 * when, and the reason of the reopening it was made under. Loaded again when `changes` moves.
 */
export function RecordHistory({ id, changes }: { id: number; changes: number }) {
  const history = useLoad(() => recordsApi.history(id), [id, changes]);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>History</h2>
      <button type="button" onClick={history.reload}>
        Show the latest changes
      </button>
      {history.error ? <p className="fk-alert">{history.error}</p> : null}
      {!history.value && !history.error ? <p>Loading…</p> : null}
      {history.value && history.value.changes.length === 0 ? <p>Nothing has been saved yet.</p> : null}
      {history.value && history.value.changes.length > 0 ? (
        <DataTable caption={`Changes to this record (${history.value.changes.length})`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Variable</th>
              <th scope="col">Old value</th>
              <th scope="col">New value</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.value.changes.map((change) => (
              <tr key={change.id}>
                <td>{formatTime(change.at)}</td>
                <td>{change.by.fullName || change.by.initials}</td>
                <th scope="row">
                  <code>{variableOf(change)}</code>
                  {change.title ? <span className="fk-history-title"> {change.title}</span> : null}
                </th>
                <td className="fk-history-value">{shownValue(change.oldValue)}</td>
                <td className="fk-history-value">{shownValue(change.newValue)}</td>
                <td>{change.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
    </section>
  );
}
