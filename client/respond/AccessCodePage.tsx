import { type FormEvent, useCallback, useRef, useState } from 'react';
import { exchangeAccessCode, type Failure } from './api.js';
import { Contact, Layout } from './Layout.js';
import { RespondPage } from './RespondPage.js';

/** Kept for the browser tab only, so reloading /code resumes without typing the code again. */
const STORAGE_KEY = 'fieldkit.respond.credential';

function readStoredCredential(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeCredential(credential: string | null): void {
  try {
    if (credential === null) window.sessionStorage.removeItem(STORAGE_KEY);
    else window.sessionStorage.setItem(STORAGE_KEY, credential);
  } catch {
    // Storage can be disabled; the code then has to be typed again after a reload.
  }
}

function messageFor(failure: Failure): string {
  switch (failure.kind) {
    case 'invalid_input':
      return failure.message;
    case 'link_not_valid':
      return 'We could not find that access code. Please check it against your letter; letters and digits that look alike (O and 0, I and 1) are easy to mix up.';
    case 'too_many_requests': {
      const minutes = Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60));
      return `Too many attempts. Please wait about ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
    }
    default:
      return 'We could not reach the survey service. Please try again in a moment.';
  }
}

export function AccessCodePage() {
  const [credential, setCredential] = useState<string | null>(readStoredCredential);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Counts refusals, so the same message shown again is a new node that the alert region reads out.
  const [attempt, setAttempt] = useState(0);
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const forget = useCallback(() => {
    storeCredential(null);
  }, []);

  if (credential !== null) return <RespondPage credential={credential} onLinkNotValid={forget} />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typed = code.trim();
    // Pressing Enter leaves focus on the field, so moving focus there says nothing: the alert region,
    // on the page before any error, reads the message out. Focus returns to the field for the correction.
    const showError = (message: string) => {
      setError(message);
      setAttempt((count) => count + 1);
      input.current?.focus();
    };
    if (typed === '') {
      showError('Enter the access code from your letter.');
      return;
    }
    setSending(true);
    const result = await exchangeAccessCode(typed);
    setSending(false);
    if (result.ok) {
      storeCredential(result.value);
      setCredential(result.value);
    } else {
      showError(messageFor(result.failure));
    }
  };

  const describedBy = error ? 'access-code-hint access-code-error' : 'access-code-hint';
  return (
    <Layout title="Enter your access code">
      <p>If you received a letter about the survey, you can open your office’s survey with the code printed on it.</p>
      <form className="fk-form" noValidate onSubmit={(event) => void submit(event)}>
        <div className={error ? 'fk-field fk-field--error' : 'fk-field'}>
          <label htmlFor="access-code" className="fk-field__label">
            Access code
          </label>
          <p id="access-code-hint" className="fk-field__hint">
            It is printed on your letter, e.g. KQ7M-4T9X-WP2H
          </p>
          <div role="alert">
            {error ? (
              <p key={attempt} id="access-code-error" className="fk-field__error">
                <span className="fk-visually-hidden">Error: </span>
                {error}
              </p>
            ) : null}
          </div>
          <input
            id="access-code"
            ref={input}
            name="code"
            type="text"
            className="fk-input"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            aria-describedby={describedBy}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <button type="submit" className="fk-button" disabled={sending}>
          {sending ? 'Checking…' : 'Open the survey'}
        </button>
      </form>
      <p>
        No letter or code? <Contact capital />.
      </p>
    </Layout>
  );
}
