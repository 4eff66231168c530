import { useEffect, useRef } from 'react';
import type { SaveStatus } from './draftSync.js';
import { formatTime } from './format.js';
import type { ServerErrorItem } from './surveyModel.js';

function saveStatusText(status: SaveStatus, submitting: boolean): string {
  if (submitting) return 'Submitting…';
  switch (status.kind) {
    // The page's introduction already says that answers are saved as the person goes.
    case 'idle':
      return '';
    case 'saving':
      return 'Saving…';
    case 'saved': {
      const time = formatTime(status.savedAt);
      return time ? `All changes saved ${time}` : 'All changes saved';
    }
    case 'retrying':
      return 'Not saved — retrying. Please keep this page open; answers saved earlier are safe.';
    case 'failed':
      return `Not saved — ${status.message}`;
  }
}

export function SaveIndicator({ status, submitting }: { status: SaveStatus; submitting: boolean }) {
  const trouble = status.kind === 'retrying' || status.kind === 'failed';
  return (
    <p className={trouble ? 'fk-save fk-save--trouble' : 'fk-save'} role="status" aria-live="polite">
      {saveStatusText(status, submitting)}
    </p>
  );
}

export interface ConflictItem {
  key: string;
  title: string;
  /** The colleague's replaced answer, in words, when it has a short form. */
  theirs: string | null;
}

const OFFICE_CONFLICT =
  'Someone else using your office’s link saved different answers to the questions below while you were working. Your answers were kept and theirs were replaced:';

/** `intro` says who the someone else is (a colleague on the office's link, by default). */
export function ConflictNotice({
  items,
  onDismiss,
  intro = OFFICE_CONFLICT,
}: {
  items: ConflictItem[];
  onDismiss: () => void;
  intro?: string;
}) {
  return (
    <section className="fk-notice" aria-labelledby="fk-conflict-heading">
      <h2 id="fk-conflict-heading" className="fk-notice__heading">
        A colleague changed some of the same answers
      </h2>
      <p>{intro}</p>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            {item.title}
            {item.theirs === null ? null : <span className="fk-notice__theirs"> (their answer: {item.theirs})</span>}
          </li>
        ))}
      </ul>
      <p>
        If their answer was the right one, change it back before you submit. Their other answers were added to yours.
      </p>
      <button type="button" className="fk-button fk-button--secondary" onClick={onDismiss}>
        Dismiss this message
      </button>
    </section>
  );
}

interface ErrorSummaryProps {
  items: ServerErrorItem[];
  onOpen: (item: ServerErrorItem) => void;
  heading?: string;
}

/** Shown when the server refuses a submission; takes focus so the person hears why. */
export function ErrorSummary({
  items,
  onOpen,
  heading = 'Some answers need attention before you can submit',
}: ErrorSummaryProps) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (items.length > 0) box.current?.focus();
  }, [items]);
  return (
    <section className="fk-error-summary" aria-labelledby="fk-error-summary-heading" tabIndex={-1} ref={box}>
      <h2 id="fk-error-summary-heading" className="fk-notice__heading">
        {heading}
      </h2>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            {item.question?.isVisibleInSurvey ? (
              <button type="button" className="fk-link-button" onClick={() => onOpen(item)}>
                {item.title}
              </button>
            ) : (
              <span>{item.title}</span>
            )}
            : {item.messages.join(' ')}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The person may be at the bottom of a long page when this appears, so it scrolls into view. */
export function ProblemNotice({ message }: { message: string }) {
  const box = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) box.current?.scrollIntoView({ block: 'center' });
  }, [message]);
  return (
    <p className="fk-problem" role="alert" ref={box}>
      {message}
    </p>
  );
}

interface RefusalConfirmationProps {
  /** Changes with every press of the forward button, which brings the question back into view and focus. */
  asked: number;
  onSend: () => void;
  onGoBack: () => void;
}

/** The wording of a refusal's confirmation; `id` keeps its heading and text ids unique on the page. */
export interface RefusalWording {
  id: string;
  heading: string;
  text: string;
  send: string;
  sendClassName: string;
  goBackClassName: string | undefined;
}

/**
 * Asked once when the person has chosen No at consent and pressed on, so that a slip of the finger
 * does not record a refusal. It takes focus, so a screen reader reads the question and a keyboard
 * user lands on its buttons.
 */
export function RefusalConfirmation({
  asked,
  onSend,
  onGoBack,
  wording,
}: RefusalConfirmationProps & { wording: RefusalWording }) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (asked < 1) return;
    box.current?.scrollIntoView({ block: 'center' });
    box.current?.focus({ preventScroll: true });
  }, [asked]);
  return (
    <section
      className="fk-notice fk-confirm"
      role="alertdialog"
      aria-labelledby={`${wording.id}-heading`}
      aria-describedby={`${wording.id}-text`}
      tabIndex={-1}
      ref={box}
    >
      <h2 id={`${wording.id}-heading`} className="fk-notice__heading">
        {wording.heading}
      </h2>
      <p id={`${wording.id}-text`}>{wording.text}</p>
      <div className="fk-confirm__actions">
        <button type="button" className={wording.sendClassName} onClick={onSend}>
          {wording.send}
        </button>
        <button type="button" className={wording.goBackClassName} onClick={onGoBack}>
          Go back
        </button>
      </div>
    </section>
  );
}

// A respondent's refusal ends the survey for the whole office.
const OFFICE_DECLINE: RefusalWording = {
  id: 'fk-confirm',
  heading: 'You chose not to take part — send this?',
  text: 'We will record that your office will not take part, and we will not send reminders about this survey.',
  send: 'Send',
  sendClassName: 'fk-button',
  goBackClassName: 'fk-button fk-button--secondary',
};

/** The respondent's confirmation of a refusal. */
export function DeclineConfirmation(props: RefusalConfirmationProps) {
  return <RefusalConfirmation {...props} wording={OFFICE_DECLINE} />;
}
