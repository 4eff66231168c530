import { type FormEvent, useEffect, useRef, useState } from 'react';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { api, type CaseDetail } from './api.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, Field, FormError, useAnnounce } from './ui.js';

/**
 * For a case nothing has invited yet (3.11: no email sent, no letter printed): record the day its
 * links were handed out another way (by hand, by phone), after which it counts as invited.
 */
export function InvitedSection({ detail, onChanged }: { detail: CaseDetail; onChanged: () => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<string>();
  const [dayError, setDayError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Once recorded the form goes (the case is no longer 3.11): focus moves to what was recorded, not <body>.
  const [recorded, setRecorded] = useState<string>();
  const recordedLine = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (recorded) recordedLine.current?.focus();
  }, [recorded]);
  if (recorded) {
    return (
      <section aria-labelledby="case-invited">
        <h2 id="case-invited">Invitation</h2>
        <p ref={recordedLine} tabIndex={-1}>
          {recorded}
        </p>
      </section>
    );
  }
  if (detail.case.disposition.code !== DISPOSITIONS.notInvited.code) return null;
  const today = new Date().toISOString().slice(0, 10);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const on = String(new FormData(form).get('on') ?? '').trim();
    if (!on) {
      setDayError('Give the day the links were handed out.');
      form.querySelector('input')?.focus();
      return;
    }
    setBusy(true);
    const result = await api.markInvited(detail.case.id, on);
    setBusy(false);
    if (result.ok) {
      setError(undefined);
      setDayError(undefined);
      const message = `Recorded as invited on ${on}: ${result.value.disposition.code} ${result.value.disposition.label}.`;
      announce(message);
      setRecorded(message);
      onChanged();
    } else {
      const failure = result.failure;
      // A day that is not one, or lies after today, is said beside the field; anything else above the form.
      const about =
        failure.kind === 'refused'
          ? (failure.fields.on ?? (failure.code === 'date_in_future' ? failure.message : undefined))
          : undefined;
      setDayError(about);
      setError(about ? undefined : failureMessage(failure, session));
      form.querySelector('input')?.focus();
    }
  };
  return (
    <section aria-labelledby="case-invited">
      <h2 id="case-invited">Invitation</h2>
      <p>
        No invitation email has been sent and no letter printed for this office. If its links were handed out another
        way (by hand, by phone), record the day: the case then counts as invited.
      </p>
      <FormError message={error} />
      <form className="fk-form" onSubmit={submit} noValidate>
        <Field label="Links handed out on" name="on" type="date" max={today} defaultValue={today} error={dayError} />
        <BusyButton type="submit" busy={busy}>
          Record as invited
        </BusyButton>
      </form>
    </section>
  );
}
