import {
  type ButtonHTMLAttributes,
  createContext,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';

/** The console's one polite live region: pages announce what an action did through it. */
export const AnnounceContext = createContext<(message: string) => void>(() => {});
export const useAnnounce = () => useContext(AnnounceContext);

/** Times as the server stores them (UTC), shortened and labelled so nobody guesses the zone. */
export const formatTime = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

type FieldProps = {
  label: string;
  /** A short hint under the label, read with the field. */
  hint?: string;
  error?: string | undefined;
  ref?: Ref<HTMLInputElement>;
} & InputHTMLAttributes<HTMLInputElement>;

/** A labelled input whose hint and error are tied to it (aria-describedby), as screen readers need. */
export function Field({ label, hint, error, id, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="fk-field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? (
        <p className="fk-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
    </div>
  );
}

/**
 * A field's error, tied to it by `id` (the field's aria-describedby names it while there is an error).
 * The alert region is always in the page, so an error that appears is heard even when focus does not
 * move (Enter pressed in the field that is wrong).
 */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return (
    <div role="alert">
      {message ? (
        <p className="fk-field-error" id={id}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A button whose action takes a while. It is never `disabled` while busy: a disabled button loses
 * focus (Chromium moves it to <body>), so a keyboard user would start again from the top. Presses
 * while busy are ignored instead, and aria-disabled says so.
 */
export function BusyButton({
  busy,
  onClick,
  type = 'button',
  ref,
  ...rest
}: { busy: boolean; ref?: Ref<HTMLButtonElement> } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type={type}
      ref={ref}
      aria-disabled={busy || undefined}
      onClick={(event) => {
        if (busy) event.preventDefault();
        else onClick?.(event);
      }}
      {...rest}
    />
  );
}

/** A message about the whole form (e.g. a refused sign-in), announced at once. */
export function FormError({ message }: { message: string | undefined }) {
  return (
    <div role="alert" className={message ? 'fk-alert' : undefined}>
      {message}
    </div>
  );
}

/**
 * A secret shown once (a set-password link, an API token), in a read-only field to select, with a
 * copy button. Where the clipboard is refused the text is selected, so Ctrl+C copies it.
 */
export function ShownOnce({ label, value, children }: { label: string; value: string; children: ReactNode }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('Copying was not allowed here: the text is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  };
  return (
    <section className="fk-shown-once" aria-labelledby={`${id}-label`}>
      <div className="fk-field">
        <label id={`${id}-label`} htmlFor={id}>
          {label}
        </label>
        <p className="fk-hint" id={`${id}-hint`}>
          {children}
        </p>
        <div className="fk-copy-row">
          <input id={id} ref={input} readOnly value={value} aria-describedby={`${id}-hint`} spellCheck={false} />
          <button type="button" onClick={copy}>
            Copy
          </button>
        </div>
        <p role="status" className="fk-hint">
          {copied}
        </p>
      </div>
    </section>
  );
}

/**
 * A table with its caption; on a narrow screen it scrolls inside this region, which takes keyboard
 * focus so the hidden columns can be reached without a mouse.
 */
export function DataTable({
  caption,
  ref,
  children,
}: {
  caption: string;
  ref?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  const id = useId();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard (WCAG 2.1.1)
    <section className="fk-table-scroll" aria-labelledby={id} tabIndex={0} ref={ref}>
      <table>
        <caption id={id}>{caption}</caption>
        {children}
      </table>
    </section>
  );
}

/** Text for screen readers only, e.g. which row a "Disable" button acts on. */
export const Hidden = ({ children }: { children: ReactNode }) => <span className="fk-visually-hidden">{children}</span>;

/**
 * A button for an action that cannot be undone: the first press asks, the second does it. No
 * window.confirm, so it reads and works the same with every assistive technology; focus moves to
 * the question's button and back, never to the page's top.
 */
export function ConfirmButton({
  label,
  subject,
  question,
  onConfirm,
}: {
  label: string;
  /** What the action is done to (a row's email or name), read with the button's label. */
  subject: string;
  question: string;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    (asking ? confirm : first).current?.focus();
  }, [asking]);
  const ask = (value: boolean) => {
    moved.current = true;
    setAsking(value);
  };
  if (!asking) {
    return (
      <button type="button" ref={first} onClick={() => ask(true)}>
        {label}
        <Hidden> {subject}</Hidden>
      </button>
    );
  }
  return (
    <span className="fk-confirm">
      <span>{question}</span>{' '}
      <BusyButton
        ref={confirm}
        className="fk-danger"
        busy={busy}
        onClick={async () => {
          setBusy(true);
          await onConfirm();
          setBusy(false);
          // Back to the first button, unless the action put focus somewhere of its own choosing.
          const focus = document.activeElement;
          moved.current = focus === null || focus === document.body || focus === confirm.current;
          setAsking(false);
        }}
      >
        Yes, {label.toLowerCase()}
        <Hidden> {subject}</Hidden>
      </BusyButton>{' '}
      <button type="button" onClick={() => ask(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Previous / next page buttons and "Page n of m", labelled for the list they page. */
export function Pager({
  label,
  page,
  pages,
  setPage,
}: {
  label: string;
  page: number;
  pages: number;
  setPage: (page: number) => void;
}) {
  return (
    <nav aria-label={label} className="fk-pager">
      <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
        Previous page
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}
