import { useEffect, useId, useRef, useState } from 'react';
import { api } from './api.js';
import { failureMessage, useSession } from './session.js';
import { onSessionEndChange, sessionEndsAt } from './sessionClock.js';
import { BusyButton, FormError } from './ui.js';

/** Warned this long before an idle session ends (WCAG 2.2.1: time to ask for more). */
const WARN_BEFORE_MS = 2 * 60 * 1000;

/**
 * Two minutes before the session times out, a dialog says so and offers "Stay signed in" (which
 * restarts the server's idle clock). When the time is up the console signs out by itself, with
 * the unsaved text kept for after the next sign-in (drafts.ts).
 */
export function SessionWarning({ onSignOut }: { onSignOut: () => void }) {
  const session = useSession();
  const id = useId();
  const [endsAt, setEndsAt] = useState(sessionEndsAt);
  const [warning, setWarning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const dialog = useRef<HTMLDialogElement>(null);
  const stay = useRef<HTMLButtonElement>(null);
  const focusBefore = useRef<Element | null>(null);

  useEffect(() => onSessionEndChange(() => setEndsAt(sessionEndsAt())), []);
  useEffect(() => {
    if (endsAt === undefined) return;
    const left = endsAt - Date.now();
    setWarning(left <= WARN_BEFORE_MS);
    const warn = setTimeout(() => setWarning(true), Math.max(0, left - WARN_BEFORE_MS));
    const end = setTimeout(() => session.expired(), Math.max(0, left));
    return () => {
      clearTimeout(warn);
      clearTimeout(end);
    };
  }, [endsAt, session]);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (warning && !element.open) {
      focusBefore.current = document.activeElement;
      element.showModal();
      stay.current?.focus();
    } else if (!warning && element.open) {
      element.close();
      const before = focusBefore.current;
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    }
  }, [warning]);

  const keep = async () => {
    setBusy(true);
    const result = await api.keepSession();
    setBusy(false);
    // Success moves the session's end (sessionClock), which closes the dialog, unless the session
    // has reached its absolute limit, which no request extends.
    if (!result.ok) setError(failureMessage(result.failure, session));
    else if (result.value.expiresInSeconds * 1000 <= WARN_BEFORE_MS) {
      setError(
        'This session has reached the longest it may last after signing in. Save your work, then sign in again.',
      );
    } else setError(undefined);
  };

  const endsAtText = endsAt === undefined ? '' : new Date(endsAt).toLocaleTimeString([], { timeStyle: 'short' });
  return (
    <dialog
      ref={dialog}
      className="fk-session-warning"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      // Escape would close the dialog without an answer: it means "stay", as the default button does.
      onCancel={(event) => {
        event.preventDefault();
        void keep();
      }}
    >
      <h2 id={`${id}-title`}>Your session is about to end</h2>
      <p id={`${id}-text`}>
        Nothing has been sent to the server for a while, so you will be signed out at {endsAtText}. Text you have typed
        and not saved is kept in this tab and comes back when you sign in again.
      </p>
      <FormError message={error} />
      <div className="fk-actions-row">
        <BusyButton ref={stay} busy={busy} onClick={keep}>
          Stay signed in
        </BusyButton>{' '}
        <button type="button" onClick={onSignOut}>
          Sign out now
        </button>
      </div>
    </dialog>
  );
}
