import { type FormEvent, useState } from 'react';
import { api, EXPORT_FORMATS, type ExportOptions, type RecordExportOptions } from './api.js';
import { DownloadLink } from './download.js';
import { PageTitle } from './Layout.js';
import { NotesExport } from './NotesExport.js';
import { recordsApi } from './recordsApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, FormError, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

const FORMAT_NAMES: Record<ExportOptions['formats'][number], string> = {
  csv: 'CSV (codes)',
  labels: 'CSV (labels)',
  xlsx: 'Excel (xlsx)',
  sav: 'SPSS (sav)',
  dta: 'Stata (dta)',
  r: 'R script',
  codebook: 'Codebook',
};

/** The export of `fieldkit export` as a zip; each download is written to the audit log by the server. */
export function ExportsPage() {
  const session = useSession();
  const announce = useAnnounce();
  const fieldings = useLoad(api.fieldings);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [isPublic, setIsPublic] = useState(false);
  const [zip, setZip] = useState<{ blob: Blob; filename: string }>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const fielding = String(data.get('fielding') ?? '');
    const formats = EXPORT_FORMATS.filter((f) => data.get(`format-${f}`) === 'on');
    if (formats.length === 0) {
      setError('Choose at least one format.');
      return;
    }
    const options: ExportOptions = {
      formats,
      completesOnly: data.get('completesOnly') === 'on',
      public: data.get('public') === 'on',
      includeFreeText: data.get('public') === 'on' && data.get('includeFreeText') === 'on',
    };
    setBusy(true);
    setError(undefined);
    setZip(undefined);
    announce(`Exporting ${fielding}…`);
    const result = await api.exportZip(fielding, options);
    setBusy(false);
    if (result.ok) {
      setZip(result.value);
      announce(`The export of ${fielding} is ready to download.`);
    } else {
      const message = failureMessage(result.failure, session);
      setError(message);
    }
  };

  const list = fieldings.value?.fieldings ?? [];
  return (
    <>
      <PageTitle title="Exports" />
      {fieldings.error ? <p className="fk-alert">{fieldings.error}</p> : null}
      {fieldings.value && list.length === 0 ? <p>No fieldings to export yet.</p> : null}
      {list.length > 0 ? (
        <form className="fk-form" onSubmit={submit} aria-busy={busy}>
          <FormError message={error} />
          <div className="fk-field">
            <label htmlFor="export-fielding">Fielding</label>
            <select id="export-fielding" name="fielding">
              {list.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="fk-radios">
            <legend>Formats</legend>
            {EXPORT_FORMATS.map((f) => (
              <label key={f}>
                <input type="checkbox" name={`format-${f}`} defaultChecked /> {FORMAT_NAMES[f]}
              </label>
            ))}
          </fieldset>
          <fieldset className="fk-radios">
            <legend>Options</legend>
            <label>
              <input type="checkbox" name="completesOnly" /> Completed responses only
            </label>
            <label>
              <input type="checkbox" name="public" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />{' '}
              Public-use file (identifiers removed)
            </label>
            <label>
              <input type="checkbox" name="includeFreeText" disabled={!isPublic} aria-describedby="free-text-hint" />{' '}
              Include free text
            </label>
            <p className="fk-hint" id="free-text-hint">
              Only with a public-use file.
            </p>
          </fieldset>
          <BusyButton type="submit" busy={busy}>
            {busy ? 'Exporting…' : 'Export'}
          </BusyButton>
        </form>
      ) : null}
      {zip ? (
        <p className="fk-notice">
          <DownloadLink blob={zip.blob} filename={zip.filename} label="Download the export" />
        </p>
      ) : null}
      <RecordsExport />
      <NotesExport />
    </>
  );
}

/**
 * The Phase II records of one interviewer instrument, at one site or all, as `fieldkit export
 * --instrument` writes them. Folded until asked for, so the fielding form above stays the page's
 * one form for those who export fieldings.
 */
function RecordsExport() {
  const session = useSession();
  const announce = useAnnounce();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [isPublic, setIsPublic] = useState(false);
  const [zip, setZip] = useState<{ blob: Blob; filename: string }>();
  const instruments = useLoad(
    () => (open ? api.instruments() : Promise.resolve({ ok: true as const, value: { instruments: [] } })),
    [open],
  );
  const sites = useLoad(
    () => (open ? recordsApi.sites() : Promise.resolve({ ok: true as const, value: { sites: [] } })),
    [open],
  );
  // Phase II instruments: those whose newest version is entered by interviewers.
  const phaseTwo = (instruments.value?.instruments ?? []).filter((i) => i.versions[0]?.mode === 'interviewer');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const formats = EXPORT_FORMATS.filter((f) => data.get(`records-format-${f}`) === 'on');
    if (formats.length === 0) {
      setError('Choose at least one format.');
      return;
    }
    const site = String(data.get('site') ?? '');
    const options: RecordExportOptions = {
      instrument: String(data.get('instrument') ?? ''),
      ...(site ? { site } : {}),
      formats,
      includeDrafts: data.get('includeDrafts') === 'on',
      public: data.get('public') === 'on',
      includeFreeText: data.get('public') === 'on' && data.get('includeFreeText') === 'on',
    };
    setBusy(true);
    setError(undefined);
    setZip(undefined);
    announce('Exporting the records…');
    const result = await api.exportRecordsZip(options);
    setBusy(false);
    if (result.ok) {
      setZip(result.value);
      announce('The records are ready to download.');
    } else {
      setError(failureMessage(result.failure, session));
    }
  };

  return (
    <section aria-labelledby="records-export-heading">
      <h2 id="records-export-heading">Phase II records</h2>
      <p>
        Interviews and case files entered at the case-study sites: one row per final or refused record, a table per
        repeating panel, and the audit trail of every change (restricted; never in a public-use file).
      </p>
      {open ? null : (
        <button type="button" onClick={() => setOpen(true)}>
          Choose records to download
        </button>
      )}
      {instruments.error || sites.error ? <p className="fk-alert">{instruments.error ?? sites.error}</p> : null}
      {open && instruments.value && phaseTwo.length === 0 ? <p>No Phase II instrument is loaded.</p> : null}
      {open && phaseTwo.length > 0 ? (
        <form className="fk-form" onSubmit={submit} aria-busy={busy}>
          <FormError message={error} />
          <div className="fk-field">
            <label htmlFor="records-instrument">Instrument</label>
            <select id="records-instrument" name="instrument">
              {phaseTwo.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.title}
                </option>
              ))}
            </select>
          </div>
          <div className="fk-field">
            <label htmlFor="records-site">Site</label>
            <select id="records-site" name="site">
              <option value="">Every site</option>
              {(sites.value?.sites ?? []).map((s) => (
                <option key={s.id} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="fk-radios">
            <legend>Formats of the records</legend>
            {EXPORT_FORMATS.map((f) => (
              <label key={f}>
                <input type="checkbox" name={`records-format-${f}`} defaultChecked /> {FORMAT_NAMES[f]}
              </label>
            ))}
          </fieldset>
          <fieldset className="fk-radios">
            <legend>Records options</legend>
            <label>
              <input type="checkbox" name="includeDrafts" /> Records still being entered too
            </label>
            <label>
              <input type="checkbox" name="public" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />{' '}
              Public-use file (no notes, initials, case codes or audit trail)
            </label>
            <label>
              <input
                type="checkbox"
                name="includeFreeText"
                disabled={!isPublic}
                aria-describedby="records-free-text-hint"
              />{' '}
              Keep other free text
            </label>
            <p className="fk-hint" id="records-free-text-hint">
              Only with a public-use file; interview notes are never kept in one.
            </p>
          </fieldset>
          <BusyButton type="submit" busy={busy}>
            {busy ? 'Preparing the records…' : 'Download records'}
          </BusyButton>
        </form>
      ) : null}
      {zip ? (
        <p className="fk-notice">
          <DownloadLink blob={zip.blob} filename={zip.filename} label="Download the records zip" />
        </p>
      ) : null}
    </section>
  );
}
