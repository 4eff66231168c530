import { type FormEvent, useEffect, useRef, useState } from 'react';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { api, type CaseDetail, type IssuedLink } from './api.js';
import { ContactsSection } from './CaseContacts.js';
import { useDraft } from './drafts.js';
import { InvitedSection } from './InvitedSection.js';
import { PageTitle } from './Layout.js';
import { casesPath } from './pages.js';
import { Link } from './router.js';
import { failureMessage, useSession } from './session.js';
import { DataTable, FieldError, FormError, formatTime, ShownOnce, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

/** One case: its office, contacts and links, the event log, the response's progress and the actions. */
export function CasePage({ id }: { id: number }) {
  const { value, error, reload } = useLoad(() => api.case(id), [id]);
  const [issued, setIssued] = useState<IssuedLink>();
  return (
    <>
      <PageTitle title={value ? `Case: ${value.office.officeName}` : 'Case'} />
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value ? (
        <>
          <p>
            <Link to={casesPath(value.case.fielding)}>Back to the cases of {value.case.fielding}</Link>
          </p>
          <OfficeSection detail={value} />
          {issued ? (
            <ShownOnce label={`New link for ${issued.contact_email}`} value={issued.link}>
              Shown only once: copy it now. The contact’s earlier links no longer work; the new link continues the same
              response.
            </ShownOnce>
          ) : null}
          {issued ? (
            <ShownOnce label={`Access code for ${issued.contact_email}`} value={issued.access_code}>
              Shown only once, for letters and phone calls.
            </ShownOnce>
          ) : null}
          <ContactsSection
            detail={value}
            onChanged={reload}
            onIssued={(link) => {
              setIssued(link);
              reload();
            }}
          />
          <ProgressSection detail={value} />
          <InvitedSection detail={value} onChanged={reload} />
          <MarkSection detail={value} onChanged={reload} />
          <EventsSection detail={value} />
        </>
      ) : null}
    </>
  );
}

function OfficeSection({ detail }: { detail: CaseDetail }) {
  const { office } = detail;
  const address = [
    office.addressLine1,
    office.addressLine2,
    [office.city, office.state, office.zip].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  const rows: [string, string][] = [
    ['Office ID', office.officeId],
    ['Fielding', detail.case.fielding],
    ['Disposition', `${detail.case.disposition.code} ${detail.case.disposition.label}`],
    ['Jurisdiction', office.jurisdiction ?? '—'],
    ['State', office.state],
    ['Stratum', office.stratum],
    ['Population', office.population === null ? '—' : office.population.toLocaleString('en-US')],
    ['Address', address || '—'],
    ['Phone', office.phone ?? '—'],
  ];
  return (
    <section aria-labelledby="case-office">
      <h2 id="case-office">Office</h2>
      <dl className="fk-facts">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ProgressSection({ detail }: { detail: CaseDetail }) {
  const r = detail.response;
  return (
    <section aria-labelledby="case-progress">
      <h2 id="case-progress">Response</h2>
      {r ? (
        <dl className="fk-facts">
          <div>
            <dt>Status</dt>
            <dd>{r.status}</dd>
          </div>
          <div>
            <dt>Answered</dt>
            <dd>{r.pctAnswered === null ? '—' : `${r.pctAnswered}% of the items shown`}</dd>
          </div>
          <div>
            <dt>Instrument version</dt>
            <dd>{r.instrumentVersion}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatTime(r.startedAt)}</dd>
          </div>
          <div>
            <dt>Last saved</dt>
            <dd>{formatTime(r.updatedAt)}</dd>
          </div>
          <div>
            <dt>Submitted</dt>
            <dd>{formatTime(r.submittedAt)}</dd>
          </div>
        </dl>
      ) : (
        <p>No response has been started.</p>
      )}
    </section>
  );
}

/**
 * Whether the office has submitted the survey: a refusal can then no longer be recorded (the server
 * refuses it, `already_submitted`), though the office may still turn out not to be eligible.
 */
const hasSubmitted = (detail: CaseDetail) =>
  detail.response?.status === 'completed' || detail.case.disposition.code === DISPOSITIONS.complete.code;

/** Refused or not eligible, with a reason; the form asks once more before recording it. */
function MarkSection({ detail, onChanged }: { detail: CaseDetail; onChanged: () => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const [pending, setPending] = useState<{ as: 'refused' | 'ineligible'; reason: string }>();
  const [error, setError] = useState<string>();
  const [reasonError, setReasonError] = useState<string>();
  // Kept while typed, so a session that times out does not lose it (drafts.ts).
  const [reason, setReason] = useDraft('mark-reason', '');
  // "Record…" and the question's buttons replace each other: focus goes to the one now shown.
  const recordButton = useRef<HTMLButtonElement>(null);
  const yesButton = useRef<HTMLButtonElement>(null);
  const wasPending = useRef(false);
  useEffect(() => {
    if (pending) yesButton.current?.focus();
    else if (wasPending.current) recordButton.current?.focus();
    wasPending.current = pending !== undefined;
  }, [pending]);
  const ask = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const reason = String(data.get('reason') ?? '').trim();
    if (!reason) {
      setReasonError('Give the reason, e.g. “declined by phone”.');
      event.currentTarget.querySelector('textarea')?.focus();
      return;
    }
    setReasonError(undefined);
    setPending({ as: data.get('as') === 'ineligible' ? 'ineligible' : 'refused', reason });
  };
  const confirm = async () => {
    if (!pending) return;
    const result = await api.markCase(detail.case.id, pending.as, pending.reason);
    if (result.ok) {
      setPending(undefined);
      setError(undefined);
      setReason('');
      announce(`Recorded: ${result.value.disposition.code} ${result.value.disposition.label}.`);
      onChanged();
    } else {
      setPending(undefined);
      setError(failureMessage(result.failure, session));
    }
  };
  const word = pending?.as === 'ineligible' ? 'not eligible' : 'refused';
  const submitted = hasSubmitted(detail);
  return (
    <section aria-labelledby="case-mark">
      <h2 id="case-mark">{submitted ? 'Record an ineligibility' : 'Record a refusal or ineligibility'}</h2>
      <FormError message={error} />
      {submitted ? <p>The office has submitted the survey, so a refusal can no longer be recorded.</p> : null}
      <form className="fk-form" onSubmit={ask} noValidate>
        {submitted ? (
          <input type="hidden" name="as" value="ineligible" />
        ) : (
          <fieldset className="fk-radios">
            <legend>Mark the office as</legend>
            <label>
              <input type="radio" name="as" value="refused" defaultChecked /> Refused
            </label>
            <label>
              <input type="radio" name="as" value="ineligible" /> Not eligible
            </label>
          </fieldset>
        )}
        <div className="fk-field">
          <label htmlFor="mark-reason">Reason</label>
          <FieldError id="mark-reason-error" message={reasonError} />
          <textarea
            id="mark-reason"
            name="reason"
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'mark-reason-error' : undefined}
          />
        </div>
        <div role="status" className={pending ? 'fk-confirm' : undefined}>
          {pending ? (
            <p>
              Record {detail.office.officeName} as {word}: “{pending.reason}”?
            </p>
          ) : null}
        </div>
        {pending ? (
          <div className="fk-confirm-buttons">
            <button type="button" ref={yesButton} className="fk-danger" onClick={confirm}>
              Yes, record as {word}
            </button>{' '}
            <button type="button" onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="submit" ref={recordButton}>
            {submitted ? 'Record as not eligible…' : 'Record…'}
          </button>
        )}
      </form>
    </section>
  );
}

function EventsSection({ detail }: { detail: CaseDetail }) {
  return (
    <section aria-labelledby="case-events">
      <h2 id="case-events">Event log</h2>
      {detail.events.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <DataTable caption={`Events (${detail.events.length}), oldest first`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">What happened</th>
            </tr>
          </thead>
          <tbody>
            {detail.events.map((e) => (
              <tr key={e.id}>
                <td className="fk-nowrap">{formatTime(e.at)}</td>
                <td>{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
