import { type FormEvent, useId, useState } from 'react';
import { api, type FrameProblem, FrameProblemsSchema } from './api.js';
import { DownloadLink } from './download.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, Field, FormError, useAnnounce } from './ui.js';

type Problems = { file: string; problems: FrameProblem[]; total: number; more: number };
type Created = { name: string; blob: Blob; filename: string };

/**
 * Creates a fielding from a frame file, as `fieldkit fielding create` does. The frame's problems are
 * listed beside the form with their line numbers; the links exist in clear only in the answer, so
 * the links file is offered at once, once.
 */
export function FrameUpload({ instruments, onCreated }: { instruments: string[]; onCreated: () => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Problems>();
  const [created, setCreated] = useState<Created>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const instrument = String(data.get('instrument') ?? '');
    const closes = String(data.get('closes') ?? '');
    const file = data.get('frame');
    const missing: Record<string, string> = {};
    if (!name) missing.name = 'Enter a name for the fielding.';
    if (!instrument) missing.instrument = 'Choose the instrument the offices will answer.';
    if (!(file instanceof File) || file.size === 0) missing.frame = 'Choose the frame file (CSV).';
    setFields(missing);
    setError(undefined);
    setProblems(undefined);
    if (Object.keys(missing).length > 0 || !(file instanceof File)) {
      form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    setCreated(undefined);
    announce('Uploading and checking the frame…');
    const result = await api.createFielding({ name, instrument, file: file.name, ...(closes ? { closes } : {}) }, file);
    setBusy(false);
    if (result.ok) {
      setCreated({ name, blob: result.value.blob, filename: result.value.filename });
      announce(`Fielding ${name} created. Download its links file now: it is shown only once.`);
      form.reset();
      onCreated();
      return;
    }
    const failure = result.failure;
    if (failure.kind === 'refused' && failure.code === 'frame_invalid') {
      const parsed = FrameProblemsSchema.safeParse(failure.details);
      if (parsed.success) {
        setProblems({ file: file.name, ...parsed.data });
        announce(`The frame has ${parsed.data.total} problems; nothing was imported.`);
        return;
      }
    }
    if (failure.kind === 'refused') setFields(failure.fields);
    setError(failureMessage(failure, session));
  };

  return (
    <section aria-labelledby={`${id}-h`} className="fk-upload">
      <h2 id={`${id}-h`}>Create a fielding from a frame</h2>
      {created ? (
        <section className="fk-shown-once" aria-label={`Links of ${created.name}`}>
          <p>
            <strong>Fielding {created.name} was created.</strong> Its links and access codes are shown only once:
            download the file now and keep it safe. A lost link can be reissued from its case page.
          </p>
          <DownloadLink
            blob={created.blob}
            filename={created.filename}
            label={`Download the links of ${created.name}`}
          />
        </section>
      ) : null}
      <div className="fk-upload-grid">
        <form className="fk-form" onSubmit={submit} noValidate aria-describedby={`${id}-h`}>
          <FormError message={error} />
          <Field
            label="Name"
            hint="Used in links and file names, e.g. wave1."
            name="name"
            error={fields.name}
            autoComplete="off"
          />
          <div className="fk-field">
            <label htmlFor={`${id}-instrument`}>Instrument</label>
            {fields.instrument ? (
              <p className="fk-field-error" id={`${id}-instrument-error`}>
                {fields.instrument}
              </p>
            ) : null}
            {/* No instrument is preselected: a fielding on the wrong one would have to be made again. */}
            <select
              id={`${id}-instrument`}
              name="instrument"
              defaultValue=""
              aria-invalid={fields.instrument ? true : undefined}
              aria-describedby={fields.instrument ? `${id}-instrument-error` : undefined}
            >
              <option value="">Choose…</option>
              {instruments.map((instrument) => (
                <option key={instrument} value={instrument}>
                  {instrument}
                </option>
              ))}
            </select>
          </div>
          <Field
            label="Closes (optional)"
            hint="Links work through this whole UTC day."
            name="closes"
            type="date"
            error={fields.closes}
          />
          <Field
            label="Frame file"
            hint="CSV in UTF-8, as for fieldkit fielding create."
            name="frame"
            type="file"
            accept=".csv,text/csv"
            error={fields.frame}
          />
          <BusyButton type="submit" busy={busy}>
            {busy ? 'Checking the frame…' : 'Create fielding'}
          </BusyButton>
        </form>
        {problems ? (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls on its own, so it must take focus to scroll by keyboard (WCAG 2.1.1)
          <section className="fk-problems" aria-labelledby={`${id}-p`} tabIndex={0}>
            <h3 id={`${id}-p`}>
              {problems.file}: {problems.total} {problems.total === 1 ? 'problem' : 'problems'}, nothing imported
            </h3>
            <ol>
              {problems.problems.map((p) => (
                <li key={`${p.line}:${p.column ?? ''}:${p.field ?? ''}:${p.message}`}>
                  <strong>Line {p.line}</strong>
                  {p.column ? `, column ${p.column}` : ''}
                  {p.field ? ` (${p.field})` : ''}: {p.message}
                </li>
              ))}
            </ol>
            {problems.more > 0 ? <p>and {problems.more.toLocaleString('en-US')} more.</p> : null}
          </section>
        ) : null}
      </div>
    </section>
  );
}
