import { type FormEvent, useId, useRef, useState } from 'react';
import { type OpenRecord, recordsApi } from './recordsApi.js';
import { failureMessage, useSession } from './session.js';
import { FieldError, FormError } from './ui.js';

/** The longest reason the server takes. */
const REASON_MAX = 500;

/** An admin or fieldwork lead reopens a final (or refused) record; the reason travels with every change after. */
export function ReopenForm({ record, onReopened }: { record: OpenRecord; onReopened: (record: OpenRecord) => void }) {
  const session = useSession();
  const id = useId();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = reason.trim();
    if (!trimmed) {
      setReasonError(
        'Say why the record is reopened; the reason is kept with every change made until it is final again.',
      );
      return input.current?.focus();
    }
    setBusy(true);
    const result = await recordsApi.reopen(record.id, trimmed);
    setBusy(false);
    if (!result.ok) {
      const { failure } = result;
      if (failure.kind === 'refused' && failure.fields.reason) {
        setReasonError(failure.fields.reason);
        return input.current?.focus();
      }
      return setError(failureMessage(failure, session));
    }
    onReopened(result.value);
  };

  return (
    <form className="fk-form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Reopen this record</h2>
      <FormError message={error} />
      <div className="fk-field">
        <label htmlFor={`${id}-reason`}>Reason for reopening</label>
        <p className="fk-hint" id={`${id}-hint`}>
          Kept in the record’s history with every change made until it is final again.
        </p>
        <FieldError id={`${id}-error`} message={reasonError} />
        <textarea
          id={`${id}-reason`}
          ref={input}
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={`${id}-hint${reasonError ? ` ${id}-error` : ''}`}
        />
      </div>
      <button type="submit" aria-disabled={busy || undefined}>
        Reopen record
      </button>
    </form>
  );
}
