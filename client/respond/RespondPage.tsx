import { useCallback, useEffect, useState } from 'react';
import { type FieldingClosed, type FinishState, loadRespondState, type OpenRespondState, type Study } from './api.js';
import { sessionBackupStore } from './draftBackup.js';
import type { StopReason } from './draftSync.js';
import { SurveyView } from './SurveyView.js';
import { NEUTRAL_STUDY, StudyContext } from './study.js';
import {
  AlreadySubmittedView,
  FieldingClosedView,
  LinkNotValidView,
  LoadFailedView,
  LoadingView,
  OfficeDeclinedView,
  ThanksCompletedView,
  ThanksDeclinedView,
} from './views.js';

type View =
  | { kind: 'loading' }
  | { kind: 'open'; state: OpenRespondState }
  | { kind: 'already_completed'; submittedAt: string | null }
  | { kind: 'already_declined' }
  | { kind: 'thanks_completed'; submittedAt: string | null }
  | { kind: 'thanks_declined' }
  | { kind: 'link_not_valid' }
  | { kind: 'fielding_closed'; closed: FieldingClosed }
  | { kind: 'load_failed'; retryAfterSeconds: number | undefined };

interface RespondPageProps {
  credential: string;
  /** Called when the server no longer knows the credential (so a stored access code can be forgotten). */
  onLinkNotValid?: () => void;
}

export function RespondPage({ credential, onLinkNotValid }: RespondPageProps) {
  const [view, setView] = useState<View>({ kind: 'loading' });
  // Kept while the state is loaded again, so the banner does not flicker back to no study.
  const [study, setStudy] = useState<Study>(NEUTRAL_STUDY);

  const load = useCallback(async () => {
    setView({ kind: 'loading' });
    const result = await loadRespondState(credential);
    if (result.ok) {
      const state = result.value;
      setStudy(state.study);
      // A closed response takes no more answers: a copy kept for a reload has nothing left to restore.
      if (state.status !== 'open') sessionBackupStore(credential).write(undefined);
      if (state.status === 'open') setView({ kind: 'open', state });
      else if (state.status === 'completed') setView({ kind: 'already_completed', submittedAt: state.submittedAt });
      else setView({ kind: 'already_declined' });
      return;
    }
    const { failure } = result;
    if (failure.kind === 'link_not_valid') {
      onLinkNotValid?.();
      setView({ kind: 'link_not_valid' });
    } else if (failure.kind === 'fielding_closed') {
      setStudy(failure.study);
      sessionBackupStore(credential).write(undefined);
      setView({ kind: 'fielding_closed', closed: failure });
    } else {
      const retryAfterSeconds = failure.kind === 'too_many_requests' ? failure.retryAfterSeconds : undefined;
      setView({ kind: 'load_failed', retryAfterSeconds });
    }
  }, [credential, onLinkNotValid]);

  useEffect(() => {
    void load();
  }, [load]);

  const onFinished = useCallback((state: FinishState) => {
    setView(
      state.status === 'completed'
        ? { kind: 'thanks_completed', submittedAt: state.submittedAt }
        : { kind: 'thanks_declined' },
    );
  }, []);

  const onStopped = useCallback(
    (reason: StopReason) => {
      if (reason === 'link_not_valid') {
        onLinkNotValid?.();
        setView({ kind: 'link_not_valid' });
      } else if (typeof reason === 'object') {
        // Said at once, not after a reload: the answers the person was typing are not saved.
        setView({ kind: 'fielding_closed', closed: reason });
      } else {
        // A colleague submitted or declined meanwhile: show what the server now says.
        void load();
      }
    },
    [load, onLinkNotValid],
  );

  return (
    <StudyContext value={study}>
      <CurrentView view={view} credential={credential} onFinished={onFinished} onStopped={onStopped} onRetry={load} />
    </StudyContext>
  );
}

interface CurrentViewProps {
  view: View;
  credential: string;
  onFinished: (state: FinishState) => void;
  onStopped: (reason: StopReason) => void;
  onRetry: () => Promise<void>;
}

function CurrentView({ view, credential, onFinished, onStopped, onRetry }: CurrentViewProps) {
  switch (view.kind) {
    case 'loading':
      return <LoadingView />;
    case 'open': {
      const { instrument } = view.state;
      return (
        <SurveyView
          key={`${instrument.id}@${instrument.version}`}
          credential={credential}
          state={view.state}
          onFinished={onFinished}
          onStopped={onStopped}
        />
      );
    }
    case 'already_completed':
      return <AlreadySubmittedView submittedAt={view.submittedAt} />;
    case 'already_declined':
      return <OfficeDeclinedView />;
    case 'thanks_completed':
      return <ThanksCompletedView submittedAt={view.submittedAt} />;
    case 'thanks_declined':
      return <ThanksDeclinedView />;
    case 'link_not_valid':
      return <LinkNotValidView />;
    case 'fielding_closed':
      return <FieldingClosedView closedAt={view.closed.closedAt} savedAt={view.closed.savedAt} />;
    case 'load_failed':
      return <LoadFailedView retryAfterSeconds={view.retryAfterSeconds} onRetry={() => void onRetry()} />;
  }
}
