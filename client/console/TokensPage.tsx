import { type FormEvent, useRef, useState } from 'react';
import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { failureMessage, useSession } from './session.js';
import { daysProblem, TokenLifetimesForm } from './TokenLifetimesForm.js';
import { ConfirmButton, DataTable, Field, FormError, formatTime, ShownOnce, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

/** Personal API tokens for scripts: each acts with its owner's role and is shown once. */
export function TokensPage() {
  const session = useSession();
  const announce = useAnnounce();
  const { value, error, reload } = useLoad(api.tokens);
  const lifetimes = useLoad(api.tokenSettings);
  const maxDays = lifetimes.value?.settings.maxDays;
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [errors, setErrors] = useState<{ name?: string; days?: string; form?: string }>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const daysInput = useRef<HTMLInputElement>(null);
  // A revoked token's row goes away; focus moves to the list's heading instead of the page's top.
  const listHeading = useRef<HTMLHeadingElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    if (!name) {
      setErrors({ name: 'Name the token after the script that will use it.' });
      return nameInput.current?.focus();
    }
    const days = String(data.get('days') ?? '');
    const problem = maxDays === undefined ? 'The longest lifetime is not loaded yet.' : daysProblem(days, maxDays);
    if (problem) {
      setErrors({ days: problem });
      return daysInput.current?.focus();
    }
    const result = await api.createToken(name, Number(days));
    if (!result.ok) {
      const { failure } = result;
      if (failure.kind === 'refused' && failure.fields.name) {
        setErrors({ name: failure.fields.name });
        return nameInput.current?.focus();
      }
      // The maximum may have been lowered since the page loaded.
      if (failure.kind === 'refused' && (failure.fields.expiresInDays || failure.code === 'token_lifetime_too_long')) {
        setErrors({ days: failure.fields.expiresInDays ?? failure.message });
        lifetimes.reload();
        return daysInput.current?.focus();
      }
      return setErrors({ form: failureMessage(failure, session) });
    }
    setErrors({});
    form.reset();
    setCreated({ name: result.value.apiToken.name, token: result.value.token });
    announce(`Token ${result.value.apiToken.name} created. It is shown below, only this once.`);
    reload();
  };

  return (
    <>
      <PageTitle title="API tokens" />
      <p>
        A personal API token lets a script use the staff API as you, with your role, sent as{' '}
        <code>Authorization: Bearer …</code>, until it expires. Revoke a token you no longer use.
      </p>
      <form className="fk-form" onSubmit={submit} noValidate aria-labelledby="new-token">
        <h2 id="new-token">Create a token</h2>
        <FormError message={errors.form} />
        <Field
          ref={nameInput}
          label="Name"
          hint="What the token is for, e.g. nightly export."
          name="name"
          type="text"
          maxLength={80}
          autoComplete="off"
          required
          error={errors.name}
        />
        <Field
          key={lifetimes.value?.settings.defaultDays}
          ref={daysInput}
          label="Expires after (days)"
          hint={maxDays === undefined ? undefined : `At most ${maxDays} days (set by an admin).`}
          name="days"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxDays}
          defaultValue={lifetimes.value?.settings.defaultDays}
          required
          error={errors.days}
        />
        <button type="submit">Create token</button>
      </form>
      {lifetimes.error ? <p className="fk-alert">{lifetimes.error}</p> : null}
      {created ? (
        <ShownOnce label={`API token “${created.name}”`} value={created.token}>
          Copy it now: it is shown only this once and cannot be recovered.
        </ShownOnce>
      ) : null}
      <h2 ref={listHeading} tabIndex={-1}>
        Your tokens
      </h2>
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value && value.tokens.length === 0 ? <p>You have no API tokens.</p> : null}
      {value && value.tokens.length > 0 ? (
        <DataTable caption={`Your API tokens (${value.tokens.length})`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {value.tokens.map((token) => (
              <tr key={token.id}>
                <th scope="row">{token.name}</th>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{formatTime(token.createdAt)}</td>
                <td>{token.lastUsedAt ? formatTime(token.lastUsedAt) : 'Never'}</td>
                <td>{formatTime(token.expiresAt)}</td>
                <td>
                  <ConfirmButton
                    label="Revoke"
                    subject={token.name}
                    question="Scripts using it stop working."
                    onConfirm={async () => {
                      const result = await api.revokeToken(token.id);
                      announce(result.ok ? `Token ${token.name} revoked.` : failureMessage(result.failure, session));
                      listHeading.current?.focus();
                      reload();
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
      {session.staff.role === 'admin' && lifetimes.value ? (
        <TokenLifetimesForm
          key={lifetimes.value.settings.updatedAt ?? 'defaults'}
          settings={lifetimes.value.settings}
          onSaved={() => {
            lifetimes.reload();
            reload();
          }}
        />
      ) : null}
    </>
  );
}
