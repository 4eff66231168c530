import { type FormEvent, useId, useState } from 'react';
import { api, type Fielding, type Instrument } from './api.js';
import { FrameUpload } from './FrameUpload.js';
import { PageTitle } from './Layout.js';
import { LettersButton } from './LettersButton.js';
import { canChangeFieldings, canOpenEmail, casesPath, dashboardPath, emailPath } from './pages.js';
import { Link } from './router.js';
import { failureMessage, useSession } from './session.js';
import { DataTable, formatTime, Hidden, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

export function FieldingsPage() {
  const session = useSession();
  const { value, error, reload } = useLoad(api.fieldings);
  const instruments = useLoad(api.instruments);
  const changes = canChangeFieldings(session.staff.role);
  const opensEmail = canOpenEmail(session.staff.role);
  const loaded = instruments.value?.instruments ?? [];
  return (
    <>
      <PageTitle title="Fieldings" />
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value && value.fieldings.length === 0 ? <p>No fieldings yet.</p> : null}
      {value && value.fieldings.length > 0 ? (
        <FieldingCards fieldings={value.fieldings} loaded={loaded} onChanged={reload} />
      ) : null}
      {value && value.fieldings.length > 0 ? (
        <div className="fk-wide-only">
          <DataTable caption={`Fieldings (${value.fieldings.length})`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Progress</th>
                <th scope="col">Instrument</th>
                <th scope="col">Version</th>
                <th scope="col" className="fk-num">
                  Cases
                </th>
                <th scope="col">Created</th>
                <th scope="col">Closes</th>
                {opensEmail ? <th scope="col">Email</th> : null}
                {changes ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {value.fieldings.map((f) => (
                <tr key={f.name}>
                  <th scope="row">
                    <Link to={casesPath(f.name)}>
                      {f.name}
                      <Hidden>: cases</Hidden>
                    </Link>
                  </th>
                  <td>
                    <Link to={dashboardPath(f.name)}>
                      Dashboard<Hidden> of {f.name}</Hidden>
                    </Link>
                  </td>
                  <td>{f.instrument}</td>
                  <td>{f.instrumentVersion}</td>
                  <td className="fk-num">{f.cases.toLocaleString('en-US')}</td>
                  <td>{formatTime(f.createdAt)}</td>
                  <td>{formatTime(f.closesAt)}</td>
                  {opensEmail ? (
                    <td>
                      <Link to={emailPath(f.name)}>
                        Email<Hidden> of {f.name}</Hidden>
                      </Link>
                    </td>
                  ) : null}
                  {changes ? (
                    <td>
                      <FieldingChanges
                        fielding={f}
                        instrument={loaded.find((i) => i.id === f.instrument)}
                        onChanged={reload}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </DataTable>
        </div>
      ) : null}
      {changes ? <FrameUpload instruments={loaded.map((i) => i.id)} onCreated={reload} /> : null}
    </>
  );
}

/**
 * The fieldings as cards, for a phone: the table's nine columns would leave all but two off
 * screen. CSS shows either this or the table, never both.
 */
function FieldingCards({
  fieldings,
  loaded,
  onChanged,
}: {
  fieldings: readonly Fielding[];
  loaded: readonly Instrument[];
  onChanged: () => void;
}) {
  const session = useSession();
  const changes = canChangeFieldings(session.staff.role);
  const opensEmail = canOpenEmail(session.staff.role);
  const id = useId();
  return (
    <section className="fk-narrow-only" aria-labelledby={id}>
      {/* Worded apart from the wide table's caption, so a page holds each text once. */}
      <h2 id={id}>
        {fieldings.length} {fieldings.length === 1 ? 'fielding' : 'fieldings'}
      </h2>
      <ul className="fk-cards">
        {fieldings.map((f) => (
          <li key={f.name} className="fk-card">
            <h3>
              <Link to={casesPath(f.name)}>
                {f.name}
                <Hidden>: cases</Hidden>
              </Link>
            </h3>
            <p className="fk-actions-row">
              <Link to={dashboardPath(f.name)}>
                Dashboard<Hidden> of {f.name}</Hidden>
              </Link>
              {opensEmail ? (
                <Link to={emailPath(f.name)}>
                  Email<Hidden> of {f.name}</Hidden>
                </Link>
              ) : null}
            </p>
            <dl className="fk-facts">
              {(
                [
                  ['Instrument', f.instrument],
                  ['Version', f.instrumentVersion],
                  ['Cases', f.cases.toLocaleString('en-US')],
                  ['Created', formatTime(f.createdAt)],
                  ['Closes', formatTime(f.closesAt)],
                ] as const
              ).map(([term, text]) => (
                <div key={term}>
                  <dt>{term}</dt>
                  <dd>{text}</dd>
                </div>
              ))}
            </dl>
            {changes ? (
              <FieldingChanges
                fielding={f}
                instrument={loaded.find((i) => i.id === f.instrument)}
                onChanged={onChanged}
              />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The closing date, the instrument version and the disposition thresholds of one fielding, each a
 * small form of its own.
 */
function FieldingChanges({
  fielding,
  instrument,
  onChanged,
}: {
  fielding: Fielding;
  instrument: Instrument | undefined;
  onChanged: () => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<string>();
  const versions = instrument?.versions.map((v) => v.version) ?? [fielding.instrumentVersion];

  const run = async (work: Promise<{ ok: boolean; failure?: Parameters<typeof failureMessage>[0] }>, done: string) => {
    const result = await work;
    if (result.ok) {
      setError(undefined);
      announce(done);
      onChanged();
    } else if (result.failure) {
      const message = failureMessage(result.failure, session);
      setError(message);
      announce(message);
    }
  };
  const setCloses = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const closes = String(new FormData(event.currentTarget).get('closes') ?? '');
    void run(
      api.setCloses(fielding.name, closes || null),
      closes ? `${fielding.name} now closes at the end of ${closes} (UTC).` : `${fielding.name} has no closing date.`,
    );
  };
  const setVersion = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const version = String(new FormData(event.currentTarget).get('version') ?? '');
    void run(api.setVersion(fielding.name, version), `${fielding.name} now uses version ${version}.`);
  };
  const setThresholds = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const complete = Number(data.get('complete'));
    const partial = Number(data.get('partial'));
    void run(
      api.setThresholds(fielding.name, { complete, partial }),
      `${fielding.name}: complete from ${complete}%, partial from ${partial}% of the questions shown.`,
    );
  };
  const id = useId();
  const closesId = `${id}-closes`;
  const versionId = `${id}-version`;
  const completeId = `${id}-complete`;
  const partialId = `${id}-partial`;
  return (
    <div className="fk-row-forms">
      <form onSubmit={setCloses} className="fk-inline-form">
        <label htmlFor={closesId}>
          Close date<Hidden> of {fielding.name}</Hidden>
        </label>
        <input id={closesId} name="closes" type="date" defaultValue={fielding.closesAt?.slice(0, 10) ?? ''} />
        <button type="submit">
          Set<Hidden> close date of {fielding.name}</Hidden>
        </button>
      </form>
      <form onSubmit={setVersion} className="fk-inline-form">
        <label htmlFor={versionId}>
          Version<Hidden> of {fielding.name}</Hidden>
        </label>
        <select id={versionId} name="version" defaultValue={fielding.instrumentVersion}>
          {versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <button type="submit">
          Change<Hidden> version of {fielding.name}</Hidden>
        </button>
      </form>
      <form onSubmit={setThresholds} className="fk-inline-form">
        <label htmlFor={completeId}>
          Complete from %<Hidden> of the questions shown, {fielding.name}</Hidden>
        </label>
        <input
          id={completeId}
          name="complete"
          type="number"
          step="any"
          required
          defaultValue={fielding.thresholds.complete}
        />
        <label htmlFor={partialId}>
          Partial from %<Hidden> of the questions shown, {fielding.name}</Hidden>
        </label>
        <input
          id={partialId}
          name="partial"
          type="number"
          step="any"
          required
          defaultValue={fielding.thresholds.partial}
        />
        <button type="submit">
          Set<Hidden> disposition thresholds of {fielding.name}</Hidden>
        </button>
      </form>
      {error ? <p className="fk-field-error">{error}</p> : null}
      <LettersButton fielding={fielding.name} />
    </div>
  );
}
