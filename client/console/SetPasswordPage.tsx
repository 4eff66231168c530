import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { failureMessage } from './session.js';
import { BusyButton, Field, FormError, useAnnounce } from './ui.js';

/**
 * The page a set-password link opens. The token is in the fragment, which no request carries, so
 * it reaches no server log; it is read once and wiped from the address bar and history.
 */
const tokenInLink = () => window.location.hash.slice(1);

type Errors = { password?: string; confirm?: string; form?: string };

export function SetPasswordPage() {
  const [token] = useState(tokenInLink);
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);
  const announce = useAnnounce();
  const [errors, setErrors] = useState<Errors>({});
  const [doneFor, setDoneFor] = useState<string>();
  const [busy, setBusy] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);
  const confirmInput = useRef<HTMLInputElement>(null);
  // The form, its button with it, gives way to the result: focus goes there, not to <body>.
  const done = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (doneFor) done.current?.focus();
  }, [doneFor]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get('password') ?? '');
    const found: Errors = {};
    if (password.length < 12) found.password = 'Use at least 12 characters.';
    else if (password !== data.get('confirm')) found.confirm = 'The two passwords differ.';
    setErrors(found);
    if (found.password) return passwordInput.current?.focus();
    if (found.confirm) return confirmInput.current?.focus();
    setBusy(true);
    const result = await api.setPassword(token, password);
    setBusy(false);
    if (result.ok) {
      setDoneFor(result.value.staff.email);
      return announce('Your password is set.');
    }
    const { failure } = result;
    if (failure.kind === 'refused' && failure.code === 'weak_password') {
      setErrors({ password: failure.message });
      passwordInput.current?.focus();
    } else {
      setErrors({ form: failureMessage(failure, undefined) });
    }
  };

  if (!token && !doneFor) {
    return (
      <>
        <PageTitle title="Set your password" />
        <p>
          This page needs the whole link you were sent, including the part after “#”. Open the link again, or ask an
          admin for a new one.
        </p>
      </>
    );
  }
  return (
    <>
      <PageTitle title="Set your password" />
      {doneFor ? (
        <p ref={done} tabIndex={-1}>
          Your password is set. You can now <a href="/staff/login">sign in</a> as {doneFor}.
        </p>
      ) : (
        <form className="fk-form" onSubmit={submit} noValidate aria-label="Set your password">
          <FormError message={errors.form} />
          <Field
            ref={passwordInput}
            label="New password"
            hint="At least 12 characters; a few unrelated words work well."
            name="password"
            type="password"
            autoComplete="new-password"
            required
            error={errors.password}
          />
          <Field
            ref={confirmInput}
            label="The same password again"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            error={errors.confirm}
          />
          <BusyButton type="submit" busy={busy}>
            Set password
          </BusyButton>
        </form>
      )}
    </>
  );
}
