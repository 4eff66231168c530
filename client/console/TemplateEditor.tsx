import { type FormEvent, useId, useRef, useState } from 'react';
import { useDraft } from './drafts.js';
import {
  type EmailTemplate,
  type MailKind,
  type MergeField,
  mailApi,
  type TemplatePreview,
  type TemplateProblem,
  TemplateProblemsSchema,
} from './mailApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, formatTime, Hidden, useAnnounce } from './ui.js';

export const KIND_NAMES: Record<MailKind, string> = {
  invitation: 'Invitation',
  reminder: 'Reminder',
  thank_you: 'Thank-you',
};

type Part = 'subject' | 'body';

/** A problem as staff read it beside the field: "line 3, column 12: Unknown merge field …". */
const problemText = (p: TemplateProblem) => `line ${p.line}, column ${p.column}: ${p.message}`;

/**
 * One kind's template: subject and body, the merge fields (each inserted where the cursor was),
 * Save, and a preview for a real office. Problems the server finds are listed under the field they
 * are in, tied to it with aria-describedby.
 */
export function TemplateEditor({
  fielding,
  template,
  fields,
  office,
  onSaved,
}: {
  fielding: string;
  template: EmailTemplate;
  fields: readonly MergeField[];
  /** The office id previews are for; '' = the first office with a contact. */
  office: string;
  onSaved: (saved: EmailTemplate) => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const name = KIND_NAMES[template.kind];
  const [subject, setSubject, forgetSubject, subjectRestored] = useDraft(`${template.kind}-subject`, template.subject);
  const [body, setBody, forgetBody, bodyRestored] = useDraft(`${template.kind}-body`, template.body);
  const [problems, setProblems] = useState<TemplateProblem[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<TemplatePreview>();
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  // Where a merge field goes: the part last typed in, at its cursor (the body until then).
  const lastPart = useRef<Part>('body');
  const changed = subject !== template.subject || body !== template.body;

  const refused = (failure: Parameters<typeof failureMessage>[0]) => {
    const found = failure.kind === 'refused' ? TemplateProblemsSchema.safeParse(failure.details) : undefined;
    if (found?.success) {
      setProblems(found.data.problems);
      setError(undefined);
      announce(`The ${name.toLowerCase()} has ${found.data.problems.length} problem(s); nothing was saved.`);
    } else {
      const message = failureMessage(failure, session);
      setError(message);
      announce(message);
    }
  };

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    const result = await mailApi.saveTemplate(fielding, template.kind, { subject, body });
    setBusy(false);
    if (result.ok) {
      forgetSubject();
      forgetBody();
      setProblems([]);
      setError(undefined);
      announce(`${name} saved.`);
      onSaved(result.value.template);
    } else {
      refused(result.failure);
    }
  };

  const showPreview = async () => {
    setBusy(true);
    const result = await mailApi.previewTemplate(fielding, template.kind, {
      subject,
      body,
      ...(office ? { officeId: office } : {}),
    });
    setBusy(false);
    if (result.ok) {
      setProblems([]);
      setError(undefined);
      setPreview(result.value);
      announce(`Preview of the ${name.toLowerCase()} for ${result.value.office.officeName} is shown below the form.`);
    } else {
      setPreview(undefined);
      refused(result.failure);
    }
  };

  const insert = (field: string) => {
    const part = lastPart.current;
    const element = part === 'subject' ? subjectRef.current : bodyRef.current;
    const text = part === 'subject' ? subject : body;
    const token = `{{${field}}}`;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + token + text.slice(end);
    (part === 'subject' ? setSubject : setBody)(next);
    // Back to the field, the cursor after what was inserted, once React has drawn the new text.
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const problemsOf = (part: Part) => problems.filter((p) => p.part === part);
  const problemList = (part: Part) => {
    const list = problemsOf(part);
    return list.length > 0 ? (
      <ul className="fk-field-error" id={`${id}-${part}-problems`}>
        {list.map((p) => (
          <li key={`${p.line}:${p.column}:${p.message}`}>{problemText(p)}</li>
        ))}
      </ul>
    ) : null;
  };
  const describedBy = (part: Part, hint?: string) =>
    [hint, problemsOf(part).length > 0 ? `${id}-${part}-problems` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <section className="fk-card fk-template" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{name}</h3>
      <p className="fk-hint">
        {template.isDefault
          ? 'The default text: not saved for this fielding yet.'
          : `Saved ${formatTime(template.updatedAt)} by ${template.updatedBy ?? '—'}.`}
        {changed ? ' You have unsaved changes.' : ''}
      </p>
      {changed && (subjectRestored || bodyRestored) ? (
        <p className="fk-notice">Your unsaved text from before you signed in again is back. Save it to keep it.</p>
      ) : null}
      <form onSubmit={save} className="fk-template-form">
        <div className="fk-field">
          <label htmlFor={`${id}-subject`}>Subject</label>
          {problemList('subject')}
          <input
            id={`${id}-subject`}
            ref={subjectRef}
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            onFocus={() => {
              lastPart.current = 'subject';
            }}
            aria-invalid={problemsOf('subject').length > 0 ? true : undefined}
            aria-describedby={describedBy('subject')}
            spellCheck
          />
        </div>
        <div className="fk-field">
          <label htmlFor={`${id}-body`}>Body</label>
          <p className="fk-hint" id={`${id}-body-hint`}>
            Plain text; a blank line starts a paragraph. The opt-out line is added at the foot of every mail.
          </p>
          {problemList('body')}
          <textarea
            id={`${id}-body`}
            ref={bodyRef}
            rows={14}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onFocus={() => {
              lastPart.current = 'body';
            }}
            aria-invalid={problemsOf('body').length > 0 ? true : undefined}
            aria-describedby={describedBy('body', `${id}-body-hint`)}
          />
        </div>
        <details className="fk-merge-fields">
          <summary>Merge fields ({fields.length})</summary>
          <p className="fk-hint">Inserted where the cursor was in the subject or body.</p>
          <ul>
            {fields.map((f) => (
              <li key={f.name}>
                <button type="button" onClick={() => insert(f.name)}>
                  <Hidden>Insert </Hidden>
                  {`{{${f.name}}}`}
                  <Hidden> into the {name.toLowerCase()}</Hidden>
                </button>{' '}
                <span className="fk-hint">{f.description}</span>
              </li>
            ))}
          </ul>
        </details>
        {error ? <p className="fk-field-error">{error}</p> : null}
        <div className="fk-actions-row">
          <BusyButton type="submit" busy={busy}>
            Save<Hidden> the {name.toLowerCase()}</Hidden>
          </BusyButton>
          <BusyButton busy={busy} onClick={showPreview}>
            Preview<Hidden> the {name.toLowerCase()}</Hidden>
          </BusyButton>
        </div>
      </form>
      {preview ? <PreviewView preview={preview} name={name} /> : null}
    </section>
  );
}

/** To, Subject, the plain-text part as it is, the HTML part in a sandbox (no scripts, no same origin). */
function PreviewView({ preview, name }: { preview: TemplatePreview; name: string }) {
  return (
    <section className="fk-preview" aria-label={`Preview of the ${name.toLowerCase()}`}>
      <h4>
        Preview for {preview.office.officeName} ({preview.office.officeId})
      </h4>
      <dl className="fk-facts">
        <div>
          <dt>To</dt>
          <dd>{preview.to}</dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{preview.subject}</dd>
        </div>
      </dl>
      <h5>Plain-text part</h5>
      <pre className="fk-mail-text">{preview.text}</pre>
      <h5>HTML part</h5>
      <iframe
        className="fk-mail-html"
        sandbox=""
        srcDoc={preview.html}
        title={`HTML part of the ${name.toLowerCase()} preview`}
      />
    </section>
  );
}
