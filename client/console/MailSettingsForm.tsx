import { type FormEvent, useId, useState } from 'react';
import { type MailSettings, mailApi } from './mailApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, Field, FormError, useAnnounce } from './ui.js';

type Errors = Partial<Record<keyof MailSettings, string>>;

/** "7, 14, 21" as days; undefined when any piece is not a whole number. */
function parseDays(text: string): number[] | undefined {
  const pieces = text.split(/[\s,;]+/).filter(Boolean);
  if (pieces.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
  return pieces.map(Number);
}

/**
 * A fielding's mail settings as one form. The form checks only what it must to build the request
 * (numbers are numbers); the rules (increasing days, limits) are the server's, shown beside each field.
 */
export function MailSettingsForm({
  fielding,
  settings,
  onSaved,
}: {
  fielding: string;
  settings: MailSettings;
  onSaved: (settings: MailSettings) => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const found: Errors = {};
    const reminderDays = parseDays(text('reminderDays'));
    if (!reminderDays) found.reminderDays = 'Enter whole days separated by commas, e.g. 7, 14, 21.';
    const perMinute = Number(text('perMinute'));
    if (!Number.isInteger(perMinute)) found.perMinute = 'Enter a whole number of messages, e.g. 120.';
    const estimate = text('eligibilityEstimate');
    const eligibilityEstimate = estimate === '' ? null : Number(estimate);
    if (eligibilityEstimate !== null && Number.isNaN(eligibilityEstimate)) {
      found.eligibilityEstimate = 'Enter a share between 0 and 1, e.g. 0.92, or leave it empty.';
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || !reminderDays) {
      setFormError('Correct the settings marked below.');
      return;
    }
    setBusy(true);
    const result = await mailApi.saveMailSettings(fielding, {
      reminderDays,
      remindersEnabled: data.get('remindersEnabled') === 'on',
      thankYouEnabled: data.get('thankYouEnabled') === 'on',
      thankYouTo: data.get('thankYouTo') === 'all' ? 'all' : 'submitter',
      perMinute,
      deadline: text('deadline') || null,
      eligibilityEstimate,
    });
    setBusy(false);
    if (result.ok) {
      setFormError(undefined);
      announce('Mail settings saved.');
      onSaved(result.value.settings);
    } else {
      const failure = result.failure;
      const fields = failure.kind === 'refused' ? (failure.fields as Errors) : {};
      setErrors(fields);
      // The server's words go beside the settings they name; the top says only that there are some.
      setFormError(
        Object.keys(fields).length > 0 ? 'Correct the settings marked below.' : failureMessage(failure, session),
      );
    }
  };

  return (
    <form className="fk-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>Mail settings</h2>
      <FormError message={formError} />
      <Field
        label="Reminder days"
        name="reminderDays"
        hint="Days after a case’s invitation, increasing, at most 10 (e.g. 7, 14, 21)."
        defaultValue={settings.reminderDays.join(', ')}
        error={errors.reminderDays}
        autoComplete="off"
      />
      <div className="fk-field fk-check">
        <input
          id={`${id}-reminders`}
          type="checkbox"
          name="remindersEnabled"
          defaultChecked={settings.remindersEnabled}
          aria-describedby={errors.remindersEnabled ? `${id}-reminders-error` : undefined}
        />{' '}
        <label htmlFor={`${id}-reminders`}>Send reminders</label>
        {errors.remindersEnabled ? (
          <p className="fk-field-error" id={`${id}-reminders-error`}>
            {errors.remindersEnabled}
          </p>
        ) : null}
      </div>
      <div className="fk-field fk-check">
        <input id={`${id}-thanks`} type="checkbox" name="thankYouEnabled" defaultChecked={settings.thankYouEnabled} />{' '}
        <label htmlFor={`${id}-thanks`}>Send a thank-you on completion</label>
      </div>
      <fieldset className="fk-radios">
        <legend>Thank-you goes to</legend>
        <label>
          <input
            type="radio"
            name="thankYouTo"
            value="submitter"
            defaultChecked={settings.thankYouTo === 'submitter'}
          />{' '}
          The contact who submitted
        </label>
        <label>
          <input type="radio" name="thankYouTo" value="all" defaultChecked={settings.thankYouTo === 'all'} /> Every
          contact of the office
        </label>
      </fieldset>
      <Field
        label="Messages per minute"
        name="perMinute"
        type="number"
        min={1}
        max={100000}
        step={1}
        hint="At most this many mails a minute (1–100,000), whatever the mail server could take."
        defaultValue={String(settings.perMinute)}
        error={errors.perMinute}
      />
      <Field
        label="Deadline as mails say it"
        name="deadline"
        maxLength={100}
        hint="Replaces {{deadline}}, e.g. June 30, 2027. Empty: the closing date, or “as soon as you can”."
        defaultValue={settings.deadline ?? ''}
        error={errors.deadline}
        autoComplete="off"
      />
      <Field
        label="Eligibility estimate (e)"
        name="eligibilityEstimate"
        inputMode="decimal"
        hint="AAPOR’s e for RR3, RR4, REF2 and CON2, between 0 and 1. Empty: estimated from the resolved cases."
        defaultValue={settings.eligibilityEstimate === null ? '' : String(settings.eligibilityEstimate)}
        error={errors.eligibilityEstimate}
        autoComplete="off"
      />
      <BusyButton type="submit" busy={busy}>
        Save mail settings
      </BusyButton>
    </form>
  );
}
