import { type FormEvent, useRef, useState } from 'react';
import { api, type Staff } from './api.js';
import { PageTitle } from './Layout.js';
import { failureMessage, waitInWords } from './session.js';
import { BusyButton, Field, FormError } from './ui.js';

type Errors = { email?: string; password?: string; form?: string };

export function LoginPage({
  notice,
  onSignedIn,
}: {
  notice: string | undefined;
  onSignedIn: (staff: Staff, csrfToken: string) => void;
}) {
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const found: Errors = {};
    if (!email) found.email = 'Enter your email address.';
    if (!password) found.password = 'Enter your password.';
    setErrors(found);
    if (found.email) return emailInput.current?.focus();
    if (found.password) return passwordInput.current?.focus();
    setBusy(true);
    const result = await api.login(email, password);
    setBusy(false);
    if (result.ok) return onSignedIn(result.value.staff, result.value.csrfToken);
    const { failure } = result;
    setErrors({
      form:
        failure.kind === 'too_many_requests'
          ? `Too many sign-in attempts. Wait ${waitInWords(failure.retryAfterSeconds)}, then try again.`
          : failureMessage(failure, undefined),
    });
  };

  return (
    <>
      <PageTitle title="Sign in" />
      {notice ? <p className="fk-notice">{notice}</p> : null}
      <form className="fk-form" onSubmit={submit} noValidate aria-label="Sign in">
        <FormError message={errors.form} />
        <Field
          ref={emailInput}
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          error={errors.email}
        />
        <Field
          ref={passwordInput}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <BusyButton type="submit" busy={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </BusyButton>
      </form>
    </>
  );
}
