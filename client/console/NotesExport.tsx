import { type FormEvent, useState } from 'react';
import { SiteListSchema } from '../../server/contracts/sites.js';
import { enc, fileRequest, request } from './api.js';
import { DownloadLink } from './download.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, FormError, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

/** The calls of the interview-notes export (docs/staff-api.md), parsed with the server's contracts. */
export const notesApi = {
  sites: () => request('GET', '/api/staff/sites', SiteListSchema),
  interviewNotes: (siteId: number, options: { includeInProgress: boolean }) =>
    fileRequest(`/api/staff/sites/${enc(String(siteId))}/interview-notes`, {
      body: JSON.stringify(options),
      contentType: 'application/json',
      accept: 'application/zip',
    }),
};

/**
 * A site's interview notes as a REFI-QDA project (`.qdpx`) for NVivo, ATLAS.ti, MAXQDA or
 * QualCoder, as `fieldkit export --site … --format qdpx` writes it; the server audits each download.
 */
export function NotesExport() {
  const session = useSession();
  const announce = useAnnounce();
  const sites = useLoad(notesApi.sites);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [file, setFile] = useState<{ blob: Blob; filename: string }>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const siteId = Number(data.get('site'));
    const site = sites.value?.sites.find((s) => s.id === siteId);
    if (!site) {
      setError('Choose a site.');
      return;
    }
    setBusy(true);
    setError(undefined);
    setFile(undefined);
    announce(`Exporting the interview notes of ${site.name}…`);
    const result = await notesApi.interviewNotes(site.id, {
      includeInProgress: data.get('includeInProgress') === 'on',
    });
    setBusy(false);
    if (result.ok) {
      setFile(result.value);
      announce(`The interview notes of ${site.name} are ready to download.`);
    } else {
      setError(failureMessage(result.failure, session));
    }
  };

  const list = sites.value?.sites ?? [];
  return (
    <section aria-labelledby="notes-export">
      <h2 id="notes-export">Interview notes (.qdpx)</h2>
      <p className="fk-hint" id="notes-export-hint">
        The notes of a site's interviews as a REFI-QDA project: import it in NVivo, ATLAS.ti, MAXQDA or QualCoder. Never
        part of a public-use file.
      </p>
      {sites.error ? <p className="fk-alert">{sites.error}</p> : null}
      {sites.value && list.length === 0 ? <p>No sites yet.</p> : null}
      {list.length > 0 ? (
        <form className="fk-form" onSubmit={submit} aria-busy={busy} aria-describedby="notes-export-hint">
          <FormError message={error} />
          <div className="fk-field">
            <label htmlFor="notes-site">Site</label>
            <select id="notes-site" name="site">
              {list.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="fk-field">
            <label>
              <input type="checkbox" name="includeInProgress" /> Include interviews still in progress
            </label>
          </div>
          <BusyButton type="submit" busy={busy}>
            {busy ? 'Exporting…' : 'Export notes'}
          </BusyButton>
        </form>
      ) : null}
      {file ? (
        <p className="fk-notice">
          <DownloadLink blob={file.blob} filename={file.filename} label="Download the interview notes" />
        </p>
      ) : null}
    </section>
  );
}
