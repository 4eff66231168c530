import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { InterruptedMessages } from './InterruptedMessages.js';
import { type MailingPlan, type Mailings, mailApi, SEND_STATUSES } from './mailApi.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, DataTable, FormError, formatTime, useAnnounce } from './ui.js';

/** While a mailing runs, the page asks for its progress this often. */
const POLL_MS = 1000;
/** A send in these states has an outcome; the rest are still to go. */
const FINISHED = new Set(['sent', 'rejected', 'failed', 'interrupted', 'cancelled']);

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Progress of the invitations: how many have an outcome, of all planned, and how many were sent. */
function invitationProgress(m: Mailings) {
  const rows = m.counts.filter((c) => c.kind === 'invitation');
  const total = rows.reduce((sum, c) => sum + c.count, 0);
  const done = rows.filter((c) => FINISHED.has(c.status)).reduce((sum, c) => sum + c.count, 0);
  const sent = rows.filter((c) => c.status === 'sent').reduce((sum, c) => sum + c.count, 0);
  return { total, done, sent };
}

const skippedText = (plan: MailingPlan) =>
  Object.entries(plan.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason.replace(/_/g, ' ')}`)
    .join(', ');

/**
 * Sending the invitations: off with a plain reason when the server has no SMTP_URL; otherwise a
 * dry run first, a confirmation that names the number, then live progress (polled each second
 * while the server sends) and the latest SMTP replies.
 */
export function SendingPanel({ fielding }: { fielding: string }) {
  const session = useSession();
  const announce = useAnnounce();
  const id = useId();
  const [mailings, setMailings] = useState<Mailings>();
  // What the last look at the progress said went wrong (cleared by the next good one), and what the last action did.
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<string>();
  const [plan, setPlan] = useState<MailingPlan>();
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    const result = await mailApi.mailings(fielding);
    if (result.ok) {
      setMailings(result.value);
      setLoadError(undefined);
    } else setLoadError(failureMessage(result.failure, session));
  }, [fielding, session]);
  useEffect(() => {
    void load();
  }, [load]);
  const running = mailings?.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, load]);
  // The moment a mailing ends is worth saying; the counts in between are in the status region.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running && mailings) {
      const p = invitationProgress(mailings);
      announce(`Sending finished: ${plural(p.sent, 'invitation')} sent of ${p.total.toLocaleString('en-US')}.`);
    }
    wasRunning.current = running;
  }, [running, mailings, announce]);
  // The plan's buttons replace "Send invitations" and go when it is sent or cancelled: focus follows.
  const sendRef = useRef<HTMLButtonElement>(null);
  const hadPlan = useRef(false);
  useEffect(() => {
    if (plan) confirmRef.current?.focus();
    else if (hadPlan.current) sendRef.current?.focus();
    hadPlan.current = plan !== undefined;
  }, [plan]);

  const dryRun = async () => {
    setBusy(true);
    const result = await mailApi.startMailing(fielding, true);
    setBusy(false);
    if (result.ok) {
      setError(undefined);
      setPlan(result.value);
    } else setError(failureMessage(result.failure, session));
  };
  const send = async () => {
    setBusy(true);
    const result = await mailApi.startMailing(fielding, false);
    setBusy(false);
    setPlan(undefined);
    if (result.ok) {
      setError(undefined);
      announce(`Sending ${plural(result.value.planned, 'invitation')}.`);
      await load();
    } else setError(failureMessage(result.failure, session));
  };

  const off = mailings !== undefined && !mailings.email.enabled;
  const progress = mailings ? invitationProgress(mailings) : undefined;
  return (
    <section aria-labelledby={`${id}-title`} className="fk-sending">
      <h2 id={`${id}-title`}>Sending</h2>
      <FormError message={error ?? loadError} />
      {!mailings && !loadError ? <p>Loading…</p> : null}
      {off ? (
        <p className="fk-notice">
          Email is off — set <code>SMTP_URL</code> on the server and restart it to send mail.
        </p>
      ) : null}
      {mailings?.email.enabled ? <p>Mail goes out from {mailings.email.from}.</p> : null}
      {mailings && mailings.waiting.invitations > 0 ? <p className="fk-waiting">{waitingText(mailings)}</p> : null}
      {plan ? (
        <div className="fk-confirm">
          <p id={`${id}-plan`}>
            {plan.planned === 0
              ? 'No invitation is due: every office has been invited or cannot be mailed.'
              : `This will send ${plural(plan.planned, 'invitation')}.`}
            {plan.alreadyPlanned > 0 ? ` ${plural(plan.alreadyPlanned, 'office')} already had one planned.` : ''}
            {skippedText(plan) ? ` Skipped: ${skippedText(plan)}.` : ''}
          </p>
          {plan.planned > 0 ? (
            <BusyButton ref={confirmRef} className="fk-danger" busy={busy} onClick={send}>
              Yes, send {plural(plan.planned, 'invitation')}
            </BusyButton>
          ) : null}{' '}
          <button type="button" ref={plan.planned > 0 ? undefined : confirmRef} onClick={() => setPlan(undefined)}>
            Cancel
          </button>
        </div>
      ) : (
        <BusyButton ref={sendRef} busy={busy || running} disabled={off || !mailings} onClick={dryRun}>
          Send invitations
        </BusyButton>
      )}
      <div role="status" aria-live="polite" className="fk-progress">
        {progress && progress.total > 0 ? (
          <>
            <label htmlFor={`${id}-progress`}>
              Invitations: {progress.done.toLocaleString('en-US')} of {progress.total.toLocaleString('en-US')} done,{' '}
              {progress.sent.toLocaleString('en-US')} sent{running ? ' (sending…)' : ''}
            </label>{' '}
            <progress id={`${id}-progress`} max={progress.total} value={progress.done} />
          </>
        ) : null}
      </div>
      {mailings ? <InterruptedMessages fielding={fielding} messages={mailings.interrupted} onResent={load} /> : null}
      {mailings && mailings.counts.length > 0 ? (
        <DataTable caption="Mail by kind and status">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col" className="fk-num">
                Messages
              </th>
            </tr>
          </thead>
          <tbody>
            {[...mailings.counts]
              .sort(
                (a, b) =>
                  a.kind.localeCompare(b.kind) ||
                  a.number - b.number ||
                  SEND_STATUSES.indexOf(a.status) - SEND_STATUSES.indexOf(b.status),
              )
              .map((c) => (
                <tr key={`${c.kind}-${c.number}-${c.status}`}>
                  <th scope="row">
                    {c.kind.replace('_', '-')}
                    {c.number > 0 ? ` ${c.number}` : ''}
                  </th>
                  <td>{c.status}</td>
                  <td className="fk-num">{c.count.toLocaleString('en-US')}</td>
                </tr>
              ))}
          </tbody>
        </DataTable>
      ) : null}
      {mailings && mailings.recent.length > 0 ? (
        <DataTable caption={`Latest attempts (${mailings.recent.length}) with the mail server’s reply`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Office</th>
              <th scope="col">To</th>
              <th scope="col">Mail</th>
              <th scope="col">Status</th>
              <th scope="col">SMTP reply</th>
            </tr>
          </thead>
          <tbody>
            {mailings.recent.map((r) => (
              // One attempt per send at a given instant: the time, address and mail name it.
              <tr key={`${r.at} ${r.email} ${r.kind} ${r.number}`}>
                <td className="fk-nowrap">{formatTime(r.at)}</td>
                <th scope="row">
                  {r.officeName} ({r.officeId})
                </th>
                <td>{r.email}</td>
                <td>
                  {r.kind.replace('_', '-')}
                  {r.number > 0 ? ` ${r.number}` : ''}
                </td>
                <td>{r.status}</td>
                <td>{replyText(r.smtpCode, r.smtpReply)}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
    </section>
  );
}

/**
 * The invitations still queued (a wave going out, or one a stopped server left, which it sends
 * again when it starts) and, at the fielding's pace, when the last should be out.
 */
function waitingText({ waiting, email }: Mailings): string {
  const queued = `${plural(waiting.invitations, 'invitation')} waiting to go out`;
  if (!email.enabled) return `${queued}; email is off, so they wait until the server runs with SMTP_URL.`;
  return `${queued}: at ${waiting.perMinute.toLocaleString('en-US')} a minute, the last should be out by about ${formatTime(waiting.outBy)}.`;
}

/** The server's reply as it gave it: "250 OK …" already starts with its code, so it is not said twice. */
function replyText(code: number | null, reply: string | null): string {
  if (reply === null || reply === '') return code === null ? '—' : String(code);
  return code === null || reply.startsWith(String(code)) ? reply : `${code} ${reply}`;
}
