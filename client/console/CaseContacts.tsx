import { type FormEvent, useId, useState } from 'react';
import { type ApiResult, api, type CaseDetail, type Contact, type IssuedLink } from './api.js';
import { linkOrigin } from './linkOrigin.js';
import { failureMessage, useSession } from './session.js';
import { ConfirmButton, Field, FormError, formatTime, useAnnounce } from './ui.js';

const CONTACT_STATUS: Record<Contact['status'], string> = {
  active: 'Active',
  undeliverable: 'Undeliverable',
  opted_out: 'Opted out',
};

/** A case's contacts, each with its links and what can be done to them, and a form to add one. */
export function ContactsSection({
  detail,
  onChanged,
  onIssued,
}: {
  detail: CaseDetail;
  onChanged: () => void;
  onIssued: (link: IssuedLink) => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<string>();
  const caseId = detail.case.id;

  /** Runs one action; its outcome is announced, a refusal shown above the contacts. */
  const act = async <T,>(work: Promise<ApiResult<T>>, done: (value: T) => string) => {
    const result = await work;
    if (result.ok) {
      setError(undefined);
      announce(done(result.value));
      onChanged();
      return result.value;
    }
    setError(failureMessage(result.failure, session));
    return undefined;
  };

  return (
    <section aria-labelledby="case-contacts">
      <h2 id="case-contacts">Contacts</h2>
      <FormError message={error} />
      {detail.contacts.length === 0 ? <p>No contacts.</p> : null}
      <ul className="fk-cards">
        {detail.contacts.map((contact) => (
          <li key={contact.id} className="fk-card">
            <h3 id={`contact-${contact.id}`} tabIndex={-1}>
              {contact.name}
            </h3>
            <p>
              {contact.email}
              {contact.title ? ` · ${contact.title}` : ''} · <strong>{CONTACT_STATUS[contact.status]}</strong>
            </p>
            <ul className="fk-links">
              {contact.links.map((link) => (
                <li key={link.id} id={`link-${link.id}`} tabIndex={-1}>
                  Link {link.id} · {linkOrigin(link)}:{' '}
                  {link.live ? (
                    <>
                      <strong>works</strong>{' '}
                      <ConfirmButton
                        label="Revoke link"
                        subject={`${link.id} of ${contact.email}`}
                        question="The link and its access code stop working at once."
                        onConfirm={async () => {
                          const revoked = await act(api.revokeLink(caseId, link.id), () => `Link ${link.id} revoked.`);
                          // Its button goes once the case reloads: focus moves to the link's line, which stays.
                          if (revoked) focusById(`link-${link.id}`);
                        }}
                      />
                    </>
                  ) : (
                    `revoked ${formatTime(link.revokedAt)}`
                  )}
                </li>
              ))}
            </ul>
            <div className="fk-actions-row">
              <ConfirmButton
                label="Reissue link"
                subject={`for ${contact.email}`}
                question="A new link replaces this contact’s links."
                onConfirm={async () => {
                  const issued = await act(
                    api.reissueLink(caseId, contact.id),
                    () => `A new link for ${contact.email} is shown above, once.`,
                  );
                  if (issued) onIssued(issued.link);
                }}
              />{' '}
              {contact.status === 'active' ? (
                <ConfirmButton
                  label="Mark undeliverable"
                  subject={contact.email}
                  question="Mail to this address bounces?"
                  onConfirm={async () => {
                    const marked = await act(
                      api.markUndeliverable(caseId, contact.id),
                      () => `${contact.email} is marked undeliverable.`,
                    );
                    if (marked) focusById(`contact-${contact.id}`);
                  }}
                />
              ) : null}
            </div>
            <EditEmail
              contact={contact}
              onSave={(email) =>
                act(api.editContact(caseId, contact.id, { email }), (v) => `The email is now ${v.contact.email}.`)
              }
            />
          </li>
        ))}
      </ul>
      <AddContact
        onAdd={async (contact) => {
          const result = await api.addContact(caseId, contact);
          if (result.ok) {
            setError(undefined);
            announce(`${result.value.contact.email} was added.`);
            onChanged();
          }
          return result;
        }}
      />
    </section>
  );
}

function EditEmail({ contact, onSave }: { contact: Contact; onSave: (email: string) => Promise<unknown> }) {
  const id = useId();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    if (email && email !== contact.email) await onSave(email);
  };
  return (
    <form className="fk-inline-form" onSubmit={submit}>
      <label htmlFor={id}>Email of {contact.name}</label>
      <input id={id} name="email" type="email" defaultValue={contact.email} autoComplete="off" />
      <button type="submit">Save email</button>
    </form>
  );
}

type NewContact = { name: string; email: string; title?: string };

/** The contact's field a 400 or 409 names (a malformed or repeated email), else the form as a whole. */
const FIELD_OF_CODE: Record<string, keyof NewContact> = { contact_exists: 'email' };

function AddContact({ onAdd }: { onAdd: (c: NewContact) => Promise<ApiResult<unknown>> }) {
  const session = useSession();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const email = String(data.get('email') ?? '').trim();
    const title = String(data.get('title') ?? '').trim();
    const missing: Record<string, string> = {};
    if (!name) missing.name = 'Enter the contact’s name.';
    if (!email) missing.email = 'Enter the contact’s email address.';
    setErrors(missing);
    const first = Object.keys(missing)[0];
    if (first) return focusField(form, first);
    const added = await onAdd({ name, email, ...(title ? { title } : {}) });
    if (added.ok) return form.reset();
    const { failure } = added;
    const fields = failure.kind === 'refused' ? { ...failure.fields } : {};
    if (failure.kind === 'refused' && FIELD_OF_CODE[failure.code])
      fields[FIELD_OF_CODE[failure.code] as string] = failure.message;
    const named = Object.keys(fields).filter((f) => f === 'name' || f === 'email' || f === 'title');
    if (named.length > 0) {
      setErrors(Object.fromEntries(named.map((f) => [f, fields[f] as string])));
      return focusField(form, named[0] as string);
    }
    setErrors({ form: failureMessage(failure, session) });
  };
  return (
    <form className="fk-form" onSubmit={submit} noValidate aria-labelledby="add-contact">
      <h3 id="add-contact">Add a contact</h3>
      <FormError message={errors.form} />
      <Field label="Name" name="name" autoComplete="off" error={errors.name} />
      <Field label="Email" name="email" type="email" autoComplete="off" error={errors.email} />
      <Field label="Title (optional)" name="title" autoComplete="off" error={errors.title} />
      <button type="submit">Add contact</button>
      <p className="fk-hint">A new contact gets a link with “Reissue link”.</p>
    </form>
  );
}

const focusById = (id: string) => document.getElementById(id)?.focus();

function focusField(form: HTMLFormElement, name: string) {
  const field = form.elements.namedItem(name);
  if (field instanceof HTMLInputElement) field.focus();
}
