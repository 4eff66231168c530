import { type FormEvent, useEffect, useState } from 'react';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { api, type ListedCase } from './api.js';
import { PageTitle } from './Layout.js';
import {
  DEFAULT_PAGE_SIZE,
  GoToPage,
  type PageSize,
  PageSizeSelect,
  pageKeepingRow,
  pageSizeOf,
} from './PageControls.js';
import { canOpenCase, canOpenEmail, casePath, dashboardPath, emailPath } from './pages.js';
import { Link } from './router.js';
import { useSession } from './session.js';
import { DataTable, Field, Hidden, Pager } from './ui.js';
import { useLoad } from './useLoad.js';

type Sort = 'office_name' | 'state' | 'jurisdiction' | 'stratum' | 'status' | 'disposition';
type Filter = { q: string; stratum: string; state: string; status: string; disposition: string };
const NO_FILTER: Filter = { q: '', stratum: '', state: '', status: '', disposition: '' };

const STATUS_NAMES: Record<ListedCase['status'], string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
};

const COLUMNS: readonly { sort: Sort; title: string }[] = [
  { sort: 'office_name', title: 'Office' },
  { sort: 'state', title: 'State' },
  { sort: 'jurisdiction', title: 'Jurisdiction' },
  { sort: 'stratum', title: 'Stratum' },
  { sort: 'status', title: 'Status' },
  { sort: 'disposition', title: 'Disposition' },
];

/** Only what is set, as the API's query: paging, sorting and filtering all happen on the server. */
function queryOf(filter: Filter, sort: Sort, order: 'asc' | 'desc', page: number, pageSize: PageSize) {
  const query: Record<string, string> = { page: String(page), pageSize: String(pageSize), sort, order };
  for (const [key, value] of Object.entries(filter)) if (value.trim()) query[key] = value.trim();
  return query;
}

type View = { filter: Filter; sort: Sort; order: 'asc' | 'desc'; page: number; pageSize: PageSize };

const SORTS: readonly string[] = COLUMNS.map((c) => c.sort);

/**
 * Where the list stands, kept in the address (`?q=…&page=2`): the way back from a case, a reload or
 * a shared link opens the same page of the same filter. Anything odd is the server's to refuse.
 */
function viewFromAddress(search: string): View {
  const params = new URLSearchParams(search);
  const text = (key: string) => params.get(key) ?? '';
  const sort = text('sort');
  const page = Number(text('page'));
  return {
    filter: {
      q: text('q'),
      stratum: text('stratum'),
      state: text('state'),
      status: text('status'),
      disposition: text('disposition'),
    },
    sort: SORTS.includes(sort) ? (sort as Sort) : 'office_name',
    order: text('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: pageSizeOf(text('pageSize')),
  };
}

/** One fielding's cases, a page at a time: a national frame has ~2,300 offices, never all fetched. */
export function CasesPage({ fielding }: { fielding: string }) {
  const session = useSession();
  const [initial] = useState(() => viewFromAddress(window.location.search));
  const [filter, setFilter] = useState<Filter>(initial.filter);
  // What the form shows when drawn; a new key redraws it empty after "Clear".
  const [shown, setShown] = useState({ filter: initial.filter, key: 0 });
  // The "Clear" button goes with the old form: keyboard users carry on from the first filter.
  useEffect(() => {
    if (shown.key > 0) document.querySelector<HTMLInputElement>('.fk-filters input[name="q"]')?.focus();
  }, [shown.key]);
  const [sort, setSort] = useState<Sort>(initial.sort);
  const [order, setOrder] = useState<'asc' | 'desc'>(initial.order);
  const [page, setPage] = useState(initial.page);
  const [pageSize, setPageSize] = useState<PageSize>(initial.pageSize);
  useEffect(() => {
    const query = new URLSearchParams(queryOf(filter, sort, order, page, pageSize));
    if (pageSize === DEFAULT_PAGE_SIZE) query.delete('pageSize');
    window.history.replaceState(null, '', `${window.location.pathname}?${query}`);
  }, [filter, sort, order, page, pageSize]);
  const [stateError, setStateError] = useState<string>();
  const { value, error } = useLoad(
    () => api.cases(fielding, queryOf(filter, sort, order, page, pageSize)),
    [fielding, filter, sort, order, page, pageSize],
  );
  const resize = (size: PageSize) => {
    setPage(pageKeepingRow(page, pageSize, size));
    setPageSize(size);
  };
  const opensCases = canOpenCase(session.staff.role);
  // The fielding's strata in frame order, kept while the next page loads.
  const [strata, setStrata] = useState<readonly string[]>(initial.filter.stratum ? [initial.filter.stratum] : []);
  useEffect(() => {
    if (value) setStrata(value.strata);
  }, [value]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: keyof Filter) => String(data.get(key) ?? '');
    const next = {
      q: text('q'),
      stratum: text('stratum'),
      state: text('state'),
      status: text('status'),
      disposition: text('disposition'),
    };
    if (next.state.trim() && !/^[A-Za-z]{2}$/.test(next.state.trim())) {
      setStateError('Enter a two-letter postal code, e.g. OH.');
      return;
    }
    setStateError(undefined);
    setFilter(next);
    setPage(1);
  };
  const sortBy = (column: Sort) => {
    if (column === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(column);
      setOrder('asc');
    }
    setPage(1);
  };

  const sortHeader = (column: (typeof COLUMNS)[number]) => (
    <th
      key={column.sort}
      scope="col"
      aria-sort={column.sort === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      <button type="button" className="fk-sort" onClick={() => sortBy(column.sort)}>
        {column.title}
        <span aria-hidden="true">{column.sort === sort ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
        <Hidden>, sort</Hidden>
      </button>
    </th>
  );

  const pages = value ? Math.max(1, Math.ceil(value.total / value.pageSize)) : 1;
  return (
    <>
      <PageTitle title={`Cases of ${fielding}`} />
      <p className="fk-actions-row">
        <Link to="/fieldings">Back to the fieldings</Link>
        <Link to={dashboardPath(fielding)}>
          Dashboard<Hidden> of {fielding}</Hidden>
        </Link>
        {canOpenEmail(session.staff.role) ? (
          <Link to={emailPath(fielding)}>
            Email<Hidden> of {fielding}</Hidden>
          </Link>
        ) : null}
      </p>
      <form key={shown.key} className="fk-form fk-filters" onSubmit={submit} aria-label="Filter the cases">
        <Field
          label="Office name, ID or jurisdiction contains"
          name="q"
          type="search"
          autoComplete="off"
          defaultValue={shown.filter.q}
        />
        <div className="fk-field">
          <label htmlFor="cases-stratum">Stratum</label>
          {/* Drawn again once the strata are known, so the address's stratum is selected. */}
          <select id="cases-stratum" name="stratum" key={strata.join('\n')} defaultValue={shown.filter.stratum}>
            <option value="">Any</option>
            {strata.map((stratum) => (
              <option key={stratum} value={stratum}>
                {stratum}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="State"
          hint="Postal code, e.g. OH."
          name="state"
          defaultValue={shown.filter.state}
          type="text"
          autoComplete="off"
          error={stateError}
        />
        <div className="fk-field">
          <label htmlFor="cases-status">Status</label>
          <select id="cases-status" name="status" defaultValue={shown.filter.status}>
            <option value="">Any</option>
            {Object.entries(STATUS_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="fk-field">
          <label htmlFor="cases-disposition">Disposition</label>
          <select id="cases-disposition" name="disposition" defaultValue={shown.filter.disposition}>
            <option value="">Any</option>
            {Object.values(DISPOSITIONS).map(({ code, label }) => (
              <option key={code} value={code}>
                {code} {label}
              </option>
            ))}
          </select>
        </div>
        <div className="fk-filter-buttons">
          <button type="submit">Filter</button>{' '}
          <button
            type="button"
            onClick={() => {
              setStateError(undefined);
              setShown({ filter: NO_FILTER, key: shown.key + 1 });
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
            caption={`Cases: ${value.total.toLocaleString('en-US')} ${value.total === 1 ? 'case' : 'cases'}, page ${value.page} of ${pages}`}
          >
            <thead>
              <tr>
                {COLUMNS.slice(0, 1).map(sortHeader)}
                <th scope="col">Office ID</th>
                {COLUMNS.slice(1).map(sortHeader)}
                <th scope="col" className="fk-num">
                  Answered
                </th>
              </tr>
            </thead>
            <tbody>
              {value.cases.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{opensCases ? <Link to={casePath(c.id)}>{c.officeName}</Link> : c.officeName}</th>
                  <td className="fk-nowrap">{c.officeId}</td>
                  <td>{c.state}</td>
                  <td>{c.jurisdiction}</td>
                  <td>{c.stratum}</td>
                  <td>{STATUS_NAMES[c.status]}</td>
                  <td>
                    {c.disposition.code} {c.disposition.label}
                  </td>
                  <td className="fk-num">{c.pctAnswered === null ? '—' : `${c.pctAnswered}%`}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <div className="fk-paging">
            <Pager label="Case pages" page={value.page} pages={pages} setPage={setPage} />
            <PageSizeSelect pageSize={pageSize} setPageSize={resize} label="Cases per page" />
            <GoToPage pages={pages} setPage={setPage} />
          </div>
        </>
      ) : null}
    </>
  );
}
