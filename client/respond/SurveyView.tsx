import { useMemo } from 'react';
import { completeResponse, declineResponse, type FinishState, type OpenRespondState, saveDraft } from './api.js';
import { type DeclineOutcome, DraftEntryBody, useDraftEntry } from './draftEntry.js';
import type { StopReason, SyncTransport } from './draftSync.js';
import { Layout } from './Layout.js';
import { DeclineConfirmation } from './notices.js';

export interface SurveyViewProps {
  credential: string;
  state: OpenRespondState;
  /** This person submitted or declined. */
  onFinished: (state: FinishState) => void;
  /** The response was closed elsewhere (colleague submitted or declined) or the link was revoked. */
  onStopped: (reason: StopReason) => void;
}

const SUBMIT_FAILED =
  'We could not submit your answers just now. Everything saved so far is safe. Please select Complete again in a moment.';
const SUBMIT_CONFLICT =
  'Your survey has not been submitted yet, because a colleague saved answers at the same time. Please check the questions listed above, then select Complete again.';
const DECLINE_FAILED = 'We could not record your answer just now. Please try again in a moment.';

export function SurveyView({ credential, state, onFinished, onStopped }: SurveyViewProps) {
  const transport = useMemo<SyncTransport<FinishState>>(
    () => ({
      saveDraft: (body) => saveDraft(credential, body),
      complete: (body) => completeResponse(credential, body),
    }),
    [credential],
  );
  const entry = useDraftEntry({
    source: state,
    backupKey: credential,
    transport,
    messages: { completeFailed: SUBMIT_FAILED, completeConflict: SUBMIT_CONFLICT, declineFailed: DECLINE_FAILED },
    decline: () => declineOnLink(credential),
    onFinished,
    onStopped,
  });

  const minutes = state.instrument.estimatedMinutes;
  return (
    <Layout title={state.instrument.title} context={state.office.name}>
      <p className="fk-lede">
        About {minutes} {minutes === 1 ? 'minute' : 'minutes'}. Your answers are saved as you go, so you can stop and
        come back later with the same link, on any device.
      </p>
      <DraftEntryBody entry={entry} />
      {entry.declineAsked > 0 ? (
        <DeclineConfirmation asked={entry.declineAsked} onSend={entry.sendDecline} onGoBack={entry.goBackFromDecline} />
      ) : null}
    </Layout>
  );
}

/** The refusal goes on the link's own route: it closes the response for the whole office. */
async function declineOnLink(credential: string): Promise<DeclineOutcome<FinishState>> {
  const result = await declineResponse(credential);
  if (result.ok) return { kind: 'finished', state: result.value };
  switch (result.failure.kind) {
    case 'closed':
      return { kind: 'stopped', reason: result.failure.status };
    case 'link_not_valid':
      return { kind: 'stopped', reason: 'link_not_valid' };
    case 'fielding_closed':
      return { kind: 'stopped', reason: result.failure };
    default:
      return { kind: 'failed' };
  }
}
