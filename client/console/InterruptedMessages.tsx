import { useEffect, useId, useRef, useState } from 'react';
import { type Interrupted, mailApi } from './mailApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, DataTable, FormError, formatTime, useAnnounce } from './ui.js';

const mailText = (m: Interrupted) => `${m.kind.replace('_', '-')}${m.number > 0 ? ` ${m.number}` : ''}`;

/**
 * The messages a stop left interrupted: the mail server may have taken them, so they are never
 * resent by themselves. Staff check the sent mailbox (or with the offices), confirm it, and send
 * the chosen ones or all again, each once (POST …/mailings/interrupted).
 */
export function InterruptedMessages({
  fielding,
  messages,
  onResent,
}: {
  fielding: string;
  messages: readonly Interrupted[];
  onResent: () => Promise<void>;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<{ text: string; at: number }>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The buttons go with the list once the messages are queued again: focus goes to what happened.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const resend = async (sends: 'all' | number[]) => {
    if (!checked) {
      setError('First check the sent mailbox (or with these offices), then tick the box saying you did.');
      return;
    }
    setBusy(true);
    const result = await mailApi.resendInterrupted(fielding, sends);
    setBusy(false);
    if (!result.ok) {
      setError(failureMessage(result.failure, session));
      return;
    }
    setError(undefined);
    setChosen(new Set());
    setChecked(false);
    const text = `Sending ${result.value.resent} message${result.value.resent === 1 ? '' : 's'} again.`;
    setDone({ text, at: Date.now() });
    announce(text);
    await onResent();
  };

  const toggle = (sendId: number) =>
    setChosen((before) => {
      const next = new Set(before);
      if (next.has(sendId)) next.delete(sendId);
      else next.add(sendId);
      return next;
    });
  return (
    <div>
      {done ? (
        <p ref={doneRef} tabIndex={-1}>
          {done.text}
        </p>
      ) : null}
      {messages.length > 0 ? (
        <section aria-labelledby={`${id}-title`} className="fk-interrupted">
          <h3 id={`${id}-title`}>Interrupted messages ({messages.length})</h3>
          <p>
            These were being handed to the mail server when sending stopped: it may have accepted them, so they are not
            sent again by themselves. Check the sent mailbox (or with the offices) before sending any again.
          </p>
          <FormError message={error} />
          <DataTable caption="Interrupted messages">
            <thead>
              <tr>
                <th scope="col">Send again</th>
                <th scope="col">Office</th>
                <th scope="col">To</th>
                <th scope="col">Mail</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>
                    <input
                      type="checkbox"
                      checked={chosen.has(m.id)}
                      onChange={() => toggle(m.id)}
                      aria-label={`Choose the ${mailText(m)} to ${m.email} (${m.officeId})`}
                    />
                  </td>
                  <th scope="row">
                    {m.officeName} ({m.officeId})
                  </th>
                  <td>{m.email}</td>
                  <td>{mailText(m)}</td>
                  <td className="fk-nowrap">{formatTime(m.at)}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <p>
            <input
              id={`${id}-checked`}
              type="checkbox"
              checked={checked}
              onChange={(e) => setChecked(e.target.checked)}
            />{' '}
            <label htmlFor={`${id}-checked`}>I checked that these did not arrive (sent mailbox or the offices)</label>
          </p>
          <BusyButton busy={busy} disabled={chosen.size === 0} onClick={() => resend([...chosen])}>
            Send again the chosen ({chosen.size})
          </BusyButton>{' '}
          <BusyButton busy={busy} onClick={() => resend('all')}>
            Send all {messages.length} again
          </BusyButton>
        </section>
      ) : null}
    </div>
  );
}
