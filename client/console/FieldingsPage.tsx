import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { DataTable, formatTime } from './ui.js';
import { useLoad } from './useLoad.js';

export function FieldingsPage() {
  const { value, error } = useLoad(api.fieldings);
  return (
    <>
      <PageTitle title="Fieldings" />
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value && value.fieldings.length === 0 ? (
        <p>
          No fieldings yet. For now they are created on the server with <code>fieldkit fielding create</code>.
        </p>
      ) : null}
      {value && value.fieldings.length > 0 ? (
        <DataTable caption={`Fieldings (${value.fieldings.length})`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Instrument</th>
              <th scope="col">Version</th>
              <th scope="col" className="fk-num">
                Cases
              </th>
              <th scope="col">Created</th>
              <th scope="col">Closes</th>
            </tr>
          </thead>
          <tbody>
            {value.fieldings.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th>
                <td>{f.instrument}</td>
                <td>{f.instrumentVersion}</td>
                <td className="fk-num">{f.cases.toLocaleString('en-US')}</td>
                <td>{formatTime(f.createdAt)}</td>
                <td>{formatTime(f.closesAt)}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
    </>
  );
}
