import { type FormEvent, useId, useState } from 'react';
import { type LetterSender, mailApi } from './mailApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, Field, FormError, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

const SENDER_FIELDS: readonly { name: keyof LetterSender; label: string; hint: string }[] = [
  { name: 'senderName', label: 'Sender’s name', hint: 'Who signs the letters, e.g. Dana Reyes.' },
  { name: 'senderTitle', label: 'Sender’s title', hint: 'e.g. Principal Investigator.' },
  { name: 'institution', label: 'Institution', hint: 'Printed at the top and under the signature.' },
  { name: 'phone', label: 'Phone', hint: 'For questions; printed at the top and at the foot.' },
  { name: 'signature', label: 'Signature line', hint: 'Printed above the name, e.g. Dana Reyes, PhD.' },
];

/**
 * The fielding's postal letter: its text, with the emails' merge fields (checked by the server,
 * which names the line and column of a wrong one), and the sender block every letter prints.
 */
export function LetterSettingsForm({ fielding }: { fielding: string }) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const loaded = useLoad(() => mailApi.letterSettings(fielding), [fielding]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? '');
    const body = text('body');
    setBusy(true);
    const result = await mailApi.saveLetterSettings(fielding, {
      // The default text unchanged stays the default, so a later default reaches this fielding too.
      body: body.trim() === '' || body === loaded.value?.defaultBody ? null : body,
      senderName: text('senderName').trim(),
      senderTitle: text('senderTitle').trim(),
      institution: text('institution').trim(),
      returnAddress: text('returnAddress').trim(),
      phone: text('phone').trim(),
      signature: text('signature').trim(),
    });
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setFormError(undefined);
      announce('Letter saved.');
    } else {
      const fields = result.failure.kind === 'refused' ? result.failure.fields : {};
      setErrors(fields);
      setFormError(failureMessage(result.failure, session));
    }
  };

  const value = loaded.value;
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Letters</h2>
      {loaded.error ? <p className="fk-alert">{loaded.error}</p> : null}
      {value ? (
        <form className="fk-form" onSubmit={submit} noValidate>
          <p>
            What <em>Letters (PDF)</em> prints for each office: the sender block, then this text with its merge fields
            filled ({value.fields.map((f) => `{{${f}}}`).join(', ')}), then the address and access code to type, then
            the signature.
          </p>
          <FormError message={formError} />
          {SENDER_FIELDS.map((f) => (
            <Field
              key={f.name}
              label={f.label}
              name={f.name}
              hint={f.hint}
              defaultValue={value.settings[f.name]}
              error={errors[f.name]}
              autoComplete="off"
            />
          ))}
          <div className="fk-field">
            <label htmlFor={`${id}-return`}>Return address</label>
            <p className="fk-hint" id={`${id}-return-hint`}>
              One line of the address per line, at most 6.
            </p>
            <textarea
              id={`${id}-return`}
              name="returnAddress"
              rows={3}
              defaultValue={value.settings.returnAddress}
              aria-describedby={`${id}-return-hint`}
            />
          </div>
          <div className="fk-field">
            <label htmlFor={`${id}-body`}>Letter text</label>
            <p className="fk-hint" id={`${id}-body-hint`}>
              Plain text; a blank line starts a paragraph. Empty: the default letter.
            </p>
            <textarea
              id={`${id}-body`}
              name="body"
              rows={12}
              defaultValue={value.settings.body ?? value.defaultBody}
              aria-describedby={`${id}-body-hint`}
            />
          </div>
          <BusyButton type="submit" busy={busy}>
            Save letter
          </BusyButton>
        </form>
      ) : null}
    </section>
  );
}
