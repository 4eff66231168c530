import { type FormEvent, useRef, useState } from 'react';
import { api, type TokenSettings } from './api.js';
import { failureMessage, useSession } from './session.js';
import { Field, FormError, formatTime, useAnnounce } from './ui.js';

const MAX_DAYS = 3650;

/** A whole number of days from 1 to `max`, or the words for what is wrong with it. */
export function daysProblem(value: string, max: number): string | undefined {
  if (!/^\d+$/.test(value.trim())) return 'Give a whole number of days.';
  const days = Number(value);
  if (days < 1) return 'Give at least 1 day.';
  if (days > max) return `Give at most ${max} days.`;
  return undefined;
}

/** Admins set how long new API tokens live by default and at most; a lower maximum shortens live tokens. */
export function TokenLifetimesForm({ settings, onSaved }: { settings: TokenSettings; onSaved: () => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const [errors, setErrors] = useState<{ defaultDays?: string; maxDays?: string; form?: string }>({});
  const defaultInput = useRef<HTMLInputElement>(null);
  const maxInput = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const defaultText = String(data.get('defaultDays') ?? '');
    const maxText = String(data.get('maxDays') ?? '');
    const maxProblem = daysProblem(maxText, MAX_DAYS);
    const defaultProblem = daysProblem(defaultText, maxProblem ? MAX_DAYS : Number(maxText));
    if (defaultProblem || maxProblem) {
      setErrors({ defaultDays: defaultProblem, maxDays: maxProblem });
      return (defaultProblem ? defaultInput : maxInput).current?.focus();
    }
    const result = await api.saveTokenSettings(Number(defaultText), Number(maxText));
    if (!result.ok) {
      const { failure } = result;
      if (failure.kind === 'refused' && (failure.fields.defaultDays || failure.fields.maxDays)) {
        return setErrors({ defaultDays: failure.fields.defaultDays, maxDays: failure.fields.maxDays });
      }
      return setErrors({ form: failureMessage(failure, session) });
    }
    setErrors({});
    const shortened = result.value.tokensShortened;
    announce(
      `Token lifetimes saved.${shortened > 0 ? ` ${shortened} live token(s) now expire at the new maximum.` : ''}`,
    );
    onSaved();
  };

  return (
    <form className="fk-form" onSubmit={submit} noValidate aria-labelledby="token-lifetimes">
      <h2 id="token-lifetimes">Token lifetimes (admin)</h2>
      <p>
        Applies to every account’s new tokens. A lower maximum also shortens live tokens that would outlive it.
        {settings.updatedBy ? ` Last set by ${settings.updatedBy}, ${formatTime(settings.updatedAt)}.` : ''}
      </p>
      <FormError message={errors.form} />
      <Field
        ref={defaultInput}
        label="Default lifetime (days)"
        name="defaultDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_DAYS}
        defaultValue={settings.defaultDays}
        required
        error={errors.defaultDays}
      />
      <Field
        ref={maxInput}
        label="Longest lifetime (days)"
        name="maxDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_DAYS}
        defaultValue={settings.maxDays}
        required
        error={errors.maxDays}
      />
      <button type="submit">Save token lifetimes</button>
    </form>
  );
}
