import { type FormEvent, useId, useRef, useState } from 'react';
import { PageTitle } from './Layout.js';
import { canStartRecords, recordPath } from './pages.js';
import { RECORD_STATUS_NAMES } from './recordStatus.js';
import { type RecordFilter, recordsApi, type Site } from './recordsApi.js';
import { Link, navigate } from './router.js';
import { failureMessage, useSession } from './session.js';
import { DataTable, FormError, formatTime, Pager } from './ui.js';
import { useLoad } from './useLoad.js';

type Filter = Required<Omit<RecordFilter, 'page'>>;
const NO_FILTER: Filter = { site: '', instrument: '', interviewer: '', status: '' };

/** The filter's choices come from the sites the caller sees: their instruments and interviewers. */
function choicesOf(sites: readonly Site[]) {
  const instruments = new Map<string, string>();
  const interviewers = new Map<number, string>();
  for (const site of sites) {
    for (const instrument of site.instruments) instruments.set(instrument.id, instrument.title);
    for (const person of site.interviewers) interviewers.set(person.id, person.fullName || person.email);
  }
  return { instruments: [...instruments], interviewers: [...interviewers] };
}

/** Phase II records, a page at a time, filtered on the server; staff who enter records start one here. */
export function RecordsPage() {
  const session = useSession();
  const sites = useLoad(recordsApi.sites);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [page, setPage] = useState(1);
  const list = useLoad(() => recordsApi.records({ ...filter, page: String(page) }), [filter, page]);
  const choices = choicesOf(sites.value?.sites ?? []);
  const id = useId();

  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (key: keyof Filter) => String(data.get(key) ?? '');
    setFilter({
      site: value('site'),
      instrument: value('instrument'),
      interviewer: value('interviewer'),
      status: value('status'),
    });
    setPage(1);
  };

  const pages = list.value ? Math.max(1, Math.ceil(list.value.total / list.value.pageSize)) : 1;
  return (
    <>
      <PageTitle title="Records" />
      <p>Phase II records: interviews and case-file abstractions entered at the case-study sites.</p>
      {canStartRecords(session.staff.role) && sites.value ? <StartRecordForm sites={sites.value.sites} /> : null}
      {sites.error ? <p className="fk-alert">{sites.error}</p> : null}
      <form className="fk-filters" onSubmit={applyFilter} aria-labelledby={`${id}-filter`}>
        <h2 id={`${id}-filter`}>Filter the records</h2>
        <div className="fk-filter-row">
          <Select label="Site" name="site" options={(sites.value?.sites ?? []).map((s) => [String(s.id), s.name])} />
          <Select label="Instrument" name="instrument" options={choices.instruments} />
          <Select
            label="Interviewer"
            name="interviewer"
            options={choices.interviewers.map(([key, name]) => [String(key), name])}
          />
          <Select label="Status" name="status" options={Object.entries(RECORD_STATUS_NAMES)} />
        </div>
        <button type="submit">Show records</button>
      </form>
      {list.error ? <p className="fk-alert">{list.error}</p> : null}
      {!list.value && !list.error ? <p>Loading…</p> : null}
      {list.value && list.value.total === 0 ? <p>No records match.</p> : null}
      {list.value && list.value.records.length > 0 ? (
        <>
          <DataTable caption={`Records (${list.value.total})`}>
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Site</th>
                <th scope="col">Instrument</th>
                <th scope="col">Status</th>
                <th scope="col">Started by</th>
                <th scope="col">Last saved</th>
              </tr>
            </thead>
            <tbody>
              {list.value.records.map((record) => (
                <tr key={record.id}>
                  <th scope="row">
                    <Link to={recordPath(record.id)}>{record.label}</Link>
                  </th>
                  <td>{record.site.name}</td>
                  <td>
                    {record.instrument.title} <span className="fk-muted">({record.instrument.version})</span>
                  </td>
                  <td>{RECORD_STATUS_NAMES[record.status]}</td>
                  <td>{record.startedBy.fullName || record.startedBy.initials}</td>
                  <td>
                    {record.updatedBy.fullName || record.updatedBy.initials}, {formatTime(record.updatedAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <Pager label="Pages of records" page={page} pages={pages} setPage={setPage} />
        </>
      ) : null}
    </>
  );
}

function Select({
  label,
  name,
  options,
}: {
  label: string;
  name: string;
  options: readonly (readonly [string, string])[];
}) {
  const id = useId();
  return (
    <div className="fk-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue="">
        <option value="">Any</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Starts a record for a site and one of its instruments, and opens it for entry. */
function StartRecordForm({ sites }: { sites: readonly Site[] }) {
  const session = useSession();
  const id = useId();
  const [siteId, setSiteId] = useState(sites[0]?.id);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const instrumentSelect = useRef<HTMLSelectElement>(null);
  const site = sites.find((s) => s.id === siteId);
  if (sites.length === 0) return null;

  const start = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const instrumentId = String(new FormData(event.currentTarget).get('instrument') ?? '');
    if (!site || !instrumentId) {
      setError('Choose a site that uses an instrument, and the instrument.');
      return instrumentSelect.current?.focus();
    }
    setBusy(true);
    const result = await recordsApi.startRecord(site.id, instrumentId);
    setBusy(false);
    if (!result.ok) return setError(failureMessage(result.failure, session));
    navigate(recordPath(result.value.id));
  };

  return (
    <form className="fk-form" onSubmit={start} noValidate aria-labelledby={`${id}-start`}>
      <h2 id={`${id}-start`}>Start a record</h2>
      <FormError message={error} />
      <div className="fk-field">
        <label htmlFor={`${id}-site`}>Site</label>
        <select id={`${id}-site`} value={siteId} onChange={(event) => setSiteId(Number(event.target.value))}>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="fk-field">
        <label htmlFor={`${id}-instrument`}>Instrument</label>
        <select id={`${id}-instrument`} name="instrument" ref={instrumentSelect} key={siteId}>
          {site?.instruments.map((instrument) => (
            <option key={instrument.id} value={instrument.id}>
              {instrument.title}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" aria-disabled={busy || undefined}>
        Start record
      </button>
    </form>
  );
}
