import { formatDateTime } from './format.js';
import { Contact, Layout } from './Layout.js';

export function LoadingView() {
  return (
    <Layout title="Opening your survey">
      <p role="status">Loading…</p>
    </Layout>
  );
}

export function ThanksCompletedView({ submittedAt }: { submittedAt: string | null }) {
  const when = formatDateTime(submittedAt);
  return (
    <Layout title="Thank you – your survey has been submitted">
      <p>Your office’s answers were received{when ? ` on ${when}` : ''}.</p>
      {/* The footer gives the study's contact; a second line here would only repeat it. */}
      <p>There is nothing more to do. You can close this window.</p>
    </Layout>
  );
}

export function ThanksDeclinedView() {
  return (
    <Layout title="Thank you for considering the study">
      <p>We have recorded that your office will not take part. We will not send further reminders about this survey.</p>
      <p>
        If you change your mind, or if this was a mistake, <Contact /> and we will reopen the survey for your office.
      </p>
    </Layout>
  );
}

export function AlreadySubmittedView({ submittedAt }: { submittedAt: string | null }) {
  const when = formatDateTime(submittedAt);
  return (
    <Layout title="This survey has already been submitted">
      <p>
        The survey for this office was submitted{when ? ` on ${when}` : ''}. Submitted answers can no longer be changed.
      </p>
      <p>
        If something needs correcting, <Contact />.
      </p>
    </Layout>
  );
}

export function OfficeDeclinedView() {
  return (
    <Layout title="This office has declined the survey">
      <p>Someone from this office told us that the office will not take part in the survey.</p>
      <p>
        If you would like to take part after all, <Contact /> and we will reopen the survey for your office.
      </p>
    </Layout>
  );
}

/** The link was real, but its fielding closed before this office finished (410 fielding_closed). */
export function FieldingClosedView({ closedAt, savedAt }: { closedAt: string; savedAt: string | null }) {
  const closed = formatDateTime(closedAt);
  const saved = formatDateTime(savedAt);
  return (
    <Layout title="This survey has closed">
      <p>
        This survey closed on {closed};{' '}
        {saved ? `your answers until ${saved} were saved.` : 'no answers had been saved for your office.'}
      </p>
      <p>Answers can no longer be added or changed.</p>
      <p>
        If you have questions about this, <Contact />.
      </p>
    </Layout>
  );
}

export function LinkNotValidView() {
  return (
    <Layout title="We could not open this survey link">
      <p>The link may have been mistyped or shortened when it was copied, or it may no longer be active.</p>
      <p>
        You can also open the survey with the access code printed on your letter:{' '}
        <a href="/code">enter your access code</a>.
      </p>
      <p>
        If that does not work, <Contact /> and we will help.
      </p>
    </Layout>
  );
}

export function LoadFailedView({
  retryAfterSeconds,
  onRetry,
}: {
  retryAfterSeconds?: number | undefined;
  onRetry: () => void;
}) {
  const wait = retryAfterSeconds ? Math.max(1, Math.ceil(retryAfterSeconds / 60)) : 0;
  return (
    <Layout title="The survey is not available right now">
      <p>
        {wait
          ? `There have been too many requests. Please wait about ${wait} minute${wait === 1 ? '' : 's'} and try again.`
          : 'We could not reach the survey service. This is usually temporary.'}
      </p>
      <p>Any answers you already saved are safe.</p>
      <p>
        <button type="button" className="fk-button" onClick={onRetry}>
          Try again
        </button>
      </p>
      <p>
        If the problem continues, <Contact />.
      </p>
    </Layout>
  );
}
