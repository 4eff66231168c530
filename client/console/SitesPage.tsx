import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { canManageSites } from './pages.js';
import { recordsApi, type Site, type SiteFields } from './recordsApi.js';
import { failureMessage, useSession } from './session.js';
import { Field, FormError, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

type Candidate = { id: number; label: string };
type InstrumentChoice = { id: string; label: string };

/**
 * The Phase II case-study sites: who interviews there and which interviewer-mode instruments they
 * use. Admin and fieldwork staff create and change them; everyone else reads (an interviewer sees
 * only their own sites, as the server answers).
 */
export function SitesPage() {
  const session = useSession();
  const manage = canManageSites(session.staff.role);
  const sites = useLoad(recordsApi.sites);
  const instruments = useLoad(() =>
    manage ? api.instruments() : Promise.resolve({ ok: true as const, value: { instruments: [] } }),
  );
  const interviewers = useLoad(() =>
    manage ? recordsApi.interviewers() : Promise.resolve({ ok: true as const, value: { interviewers: [] } }),
  );

  // The assignable accounts, and anyone still assigned whose account has since been disabled.
  const interviewerChoices: Candidate[] = (() => {
    const found = new Map<number, string>();
    for (const member of interviewers.value?.interviewers ?? []) found.set(member.id, personLabel(member));
    for (const site of sites.value?.sites ?? []) {
      for (const member of site.interviewers) if (!found.has(member.id)) found.set(member.id, personLabel(member));
    }
    return [...found].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label));
  })();
  const instrumentChoices: InstrumentChoice[] = (instruments.value?.instruments ?? [])
    .filter((instrument) => instrument.versions[0]?.mode === 'interviewer')
    .map((instrument) => ({ id: instrument.id, label: `${instrument.title} (${instrument.id})` }));

  return (
    <>
      <PageTitle title="Sites" />
      <p>
        The case-study sites of Phase II. A site’s records are open to the interviewers assigned to it and to admin,
        fieldwork and analyst staff; an interviewer never sees another site’s records.
      </p>
      {manage ? <NewSiteForm onCreated={sites.reload} /> : null}
      {sites.error ? <p className="fk-alert">{sites.error}</p> : null}
      {!sites.value && !sites.error ? <p>Loading…</p> : null}
      {sites.value && sites.value.sites.length === 0 ? (
        <p>{manage ? 'There are no sites yet.' : 'You are not assigned to any site yet.'}</p>
      ) : null}
      {sites.value?.sites.map((site) => (
        <SiteSection
          key={site.id}
          site={site}
          manage={manage}
          interviewers={interviewerChoices}
          instruments={instrumentChoices}
          onChanged={sites.reload}
        />
      ))}
    </>
  );
}

const personLabel = (person: { email: string; fullName: string }) =>
  person.fullName ? `${person.fullName} (${person.email})` : person.email;

/** The problem with a site's fields, named, or undefined. */
function siteFieldsProblem(fields: SiteFields): { name?: string; jurisdiction?: string } | undefined {
  if (!fields.name) return { name: 'Enter the site’s name, e.g. San Diego.' };
  if (!fields.jurisdiction) return { jurisdiction: 'Enter the jurisdiction, e.g. San Diego County, California.' };
  return undefined;
}

const fieldsOf = (form: HTMLFormElement): SiteFields => {
  const data = new FormData(form);
  return {
    name: String(data.get('name') ?? '').trim(),
    jurisdiction: String(data.get('jurisdiction') ?? '').trim(),
    notes: String(data.get('notes') ?? '').trim(),
  };
};

function SiteFieldsInputs({ site, errors }: { site?: Site; errors: { name?: string; jurisdiction?: string } }) {
  const id = useId();
  return (
    <>
      <Field label="Name" name="name" type="text" maxLength={100} defaultValue={site?.name} error={errors.name} />
      <Field
        label="Jurisdiction"
        name="jurisdiction"
        type="text"
        maxLength={200}
        defaultValue={site?.jurisdiction}
        error={errors.jurisdiction}
      />
      <div className="fk-field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea id={`${id}-notes`} name="notes" rows={3} maxLength={2000} defaultValue={site?.notes} />
      </div>
    </>
  );
}

function NewSiteForm({ onCreated }: { onCreated: () => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const [errors, setErrors] = useState<{ name?: string; jurisdiction?: string; form?: string }>({});
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = fieldsOf(form);
    const problem = siteFieldsProblem(fields);
    if (problem) {
      setErrors(problem);
      return form.querySelector<HTMLInputElement>(`[name=${problem.name ? 'name' : 'jurisdiction'}]`)?.focus();
    }
    const result = await recordsApi.createSite(fields);
    if (!result.ok) {
      const { failure } = result;
      if (failure.kind === 'refused' && (failure.fields.name || failure.status === 409)) {
        setErrors({ name: failure.fields.name ?? failure.message });
        return form.querySelector<HTMLInputElement>('[name=name]')?.focus();
      }
      return setErrors({ form: failureMessage(failure, session) });
    }
    setErrors({});
    form.reset();
    announce(`Site ${result.value.site.name} created. Assign its interviewers and instruments below.`);
    onCreated();
  };
  return (
    <form className="fk-form" onSubmit={submit} noValidate aria-labelledby="new-site">
      <h2 id="new-site">Add a site</h2>
      <FormError message={errors.form} />
      <SiteFieldsInputs errors={errors} />
      <button type="submit">Add site</button>
    </form>
  );
}

function SiteSection({
  site,
  manage,
  interviewers,
  instruments,
  onChanged,
}: {
  site: Site;
  manage: boolean;
  interviewers: Candidate[];
  instruments: InstrumentChoice[];
  onChanged: () => void;
}) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const counts = site.records;
  return (
    <section className="fk-site" aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`}>{site.name}</h2>
      <dl className="fk-facts">
        <dt>Jurisdiction</dt>
        <dd>{site.jurisdiction}</dd>
        <dt>Notes</dt>
        <dd>{site.notes || '—'}</dd>
        <dt>Interviewers</dt>
        <dd>{site.interviewers.length ? site.interviewers.map(personLabel).join('; ') : 'None assigned'}</dd>
        <dt>Instruments</dt>
        <dd>
          {site.instruments.length
            ? site.instruments.map((i) => `${i.title} (${i.id} ${i.version})`).join('; ')
            : 'None chosen'}
        </dd>
        <dt>Records</dt>
        <dd>
          {counts.in_progress} in progress, {counts.final} final, {counts.refused} refused
        </dd>
      </dl>
      {manage && !editing ? (
        <button type="button" ref={editButton} onClick={() => setEditing(true)}>
          Edit<span className="fk-visually-hidden"> {site.name}</span>
        </button>
      ) : null}
      {manage && editing ? (
        <SiteEditor
          site={site}
          interviewers={interviewers}
          instruments={instruments}
          onChanged={onChanged}
          onClose={() => {
            setEditing(false);
            requestAnimationFrame(() => editButton.current?.focus());
          }}
        />
      ) : null}
    </section>
  );
}

/** A site's three forms: its details, its interviewers, its instruments; each saved on its own. */
function SiteEditor({
  site,
  interviewers,
  instruments,
  onChanged,
  onClose,
}: {
  site: Site;
  interviewers: Candidate[];
  instruments: InstrumentChoice[];
  onChanged: () => void;
  onClose: () => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const [errors, setErrors] = useState<{ name?: string; jurisdiction?: string; form?: string }>({});
  const [assignError, setAssignError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus goes into the editor as it opens, on its heading.
  useEffect(() => heading.current?.focus(), []);

  const saveFields = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = fieldsOf(form);
    const problem = siteFieldsProblem(fields);
    if (problem) return setErrors(problem);
    const result = await recordsApi.editSite(site.id, fields);
    if (!result.ok) {
      const { failure } = result;
      if (failure.kind === 'refused' && (failure.fields.name || failure.status === 409))
        return setErrors({ name: failure.fields.name ?? failure.message });
      return setErrors({ form: failureMessage(failure, session) });
    }
    setErrors({});
    announce(`Site ${result.value.site.name} saved.`);
    onChanged();
  };

  const saveChecked = async (
    event: FormEvent<HTMLFormElement>,
    what: 'interviewers' | 'instruments',
  ): Promise<void> => {
    event.preventDefault();
    const chosen = new FormData(event.currentTarget).getAll(what).map(String);
    const result =
      what === 'interviewers'
        ? await recordsApi.setInterviewers(site.id, chosen.map(Number))
        : await recordsApi.setInstruments(site.id, chosen);
    if (!result.ok) return setAssignError(failureMessage(result.failure, session));
    setAssignError(undefined);
    announce(`${what === 'interviewers' ? 'Interviewers' : 'Instruments'} of ${site.name} saved.`);
    onChanged();
  };

  const assigned = new Set(site.interviewers.map((i) => i.id));
  const used = new Set(site.instruments.map((i) => i.id));
  return (
    <div className="fk-site-editor">
      <h3 id={`${id}-edit`} ref={heading} tabIndex={-1}>
        Edit {site.name}
      </h3>
      <form className="fk-form" onSubmit={saveFields} noValidate aria-label={`Details of ${site.name}`}>
        <FormError message={errors.form} />
        <SiteFieldsInputs site={site} errors={errors} />
        <button type="submit">Save details</button>
      </form>
      <FormError message={assignError} />
      <form className="fk-form" onSubmit={(event) => saveChecked(event, 'interviewers')}>
        <fieldset className="fk-radios">
          <legend>Interviewers at {site.name}</legend>
          {interviewers.length === 0 ? <p>No interviewer accounts to choose from.</p> : null}
          {interviewers.map((person) => (
            <label key={person.id}>
              <input type="checkbox" name="interviewers" value={person.id} defaultChecked={assigned.has(person.id)} />{' '}
              {person.label}
            </label>
          ))}
        </fieldset>
        <button type="submit">Save interviewers</button>
      </form>
      <form className="fk-form" onSubmit={(event) => saveChecked(event, 'instruments')}>
        <fieldset className="fk-radios">
          <legend>Instruments used at {site.name}</legend>
          {instruments.map((instrument) => (
            <label key={instrument.id}>
              <input
                type="checkbox"
                name="instruments"
                value={instrument.id}
                defaultChecked={used.has(instrument.id)}
              />{' '}
              {instrument.label}
            </label>
          ))}
        </fieldset>
        <button type="submit">Save instruments</button>
      </form>
      <button type="button" onClick={onClose}>
        Done editing<span className="fk-visually-hidden"> {site.name}</span>
      </button>
    </div>
  );
}
