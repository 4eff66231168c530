import { type FormEvent, useState } from 'react';
import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { DataTable, Field, formatTime, Pager } from './ui.js';
import { useLoad } from './useLoad.js';

const PAGE_SIZE = 50;

type Filter = { actor: string; action: string; from: string; to: string };
const NO_FILTER: Filter = { actor: '', action: '', from: '', to: '' };

/** Only the filters that are set, as the API's query (empty ones would be refused as too short). */
const queryOf = (filter: Filter, page: number) => {
  const query: Record<string, string> = { page: String(page), pageSize: String(PAGE_SIZE) };
  for (const [key, value] of Object.entries(filter)) if (value.trim()) query[key] = value.trim();
  return query;
};

export function AuditPage() {
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [page, setPage] = useState(1);
  const [rangeError, setRangeError] = useState<string>();
  const { value, error } = useLoad(() => api.audit(queryOf(filter, page)), [filter, page]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = {
      actor: String(data.get('actor') ?? ''),
      action: String(data.get('action') ?? ''),
      from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''),
    };
    if (next.from && next.to && next.from > next.to) {
      setRangeError('The “to” date is before the “from” date.');
      return;
    }
    setRangeError(undefined);
    setFilter(next);
    setPage(1);
  };

  const pages = value ? Math.max(1, Math.ceil(value.total / value.pageSize)) : 1;
  return (
    <>
      <PageTitle title="Audit log" />
      <form className="fk-form fk-filters" onSubmit={submit} aria-label="Filter the audit log">
        <Field label="Actor" hint="The email of who acted." name="actor" type="text" autoComplete="off" />
        <Field
          label="Action"
          hint="Exactly, e.g. staff.login or export."
          name="action"
          type="text"
          autoComplete="off"
        />
        <Field label="From (UTC date)" name="from" type="date" />
        <Field label="To (UTC date, inclusive)" name="to" type="date" error={rangeError} />
        <div className="fk-filter-buttons">
          <button type="submit">Filter</button>{' '}
          <button
            type="reset"
            onClick={() => {
              setRangeError(undefined);
              setFilter(NO_FILTER);
              setPage(1);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value ? (
        <>
          <DataTable
            caption={`Audit log: ${value.total} ${value.total === 1 ? 'entry' : 'entries'}, newest first, page ${value.page} of ${pages}`}
          >
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Fielding</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {value.entries.map((entry) => (
                <tr key={entry.id}>
                  <td className="fk-nowrap">{formatTime(entry.at)}</td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.fielding ?? '—'}</td>
                  <td>
                    <code className="fk-detail">{JSON.stringify(entry.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <Pager label="Audit log pages" page={value.page} pages={pages} setPage={setPage} />
        </>
      ) : null}
    </>
  );
}
