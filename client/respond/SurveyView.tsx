import { useEffect, useMemo, useRef, useState } from 'react';
import type { SurveyModel } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { completeResponse, declineResponse, type FinishState, type OpenRespondState, saveDraft } from './api.js';
import { attachAutosave } from './autosave.js';
import { restoreDraft, sessionBackupStore } from './draftBackup.js';
import { type CompleteOutcome, DraftSync, type SaveStatus, type StopReason } from './draftSync.js';
import { Layout } from './Layout.js';
import type { Answers } from './merge.js';
import {
  type ConflictItem,
  ConflictNotice,
  DeclineConfirmation,
  ErrorSummary,
  ProblemNotice,
  SaveIndicator,
} from './notices.js';
import { focusPageHeading } from './pageFocus.js';
import { SurveyProgress } from './SurveyProgress.js';
import {
  applyAnswers,
  buildSurveyModel,
  consentButtonLabeller,
  describeAnswer,
  isConsentDeclined,
  openQuestionPage,
  readAnswers,
  type ServerErrorItem,
  showServerErrors,
  titleForKey,
} from './surveyModel.js';

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
  const [backup] = useState(() => sessionBackupStore(credential));
  // Answers this tab had not got onto the server before a reload come back over the server's draft.
  const [restored] = useState(() => restoreDraft(state, backup.read()));
  const [model] = useState<SurveyModel>(() =>
    buildSurveyModel({ ...state, answers: restored.answers, page: restored.page }),
  );
  // SurveyJS re-renders itself from the model; status and notice changes here must not re-render it.
  const survey = useMemo(() => <Survey model={model} />, [model]);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [submitting, setSubmitting] = useState(false);
  const [conflicts, setConflicts] = useState<ConflictItem[]>([]);
  const [errorItems, setErrorItems] = useState<ServerErrorItem[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  // How often Decline was pressed since the person last changed the consent answer, went back or sent:
  // 0 = not asking. Each press brings the (already shown) question back into view and focus.
  const [declineAsked, setDeclineAsked] = useState(0);
  // The refusal is sent from the confirmation, outside the effect that owns the sync.
  const sendDecline = useRef<() => void>(() => {});
  const finishHandlers = useRef({ onFinished, onStopped });
  finishHandlers.current = { onFinished, onStopped };

  useEffect(() => {
    let applyingRemote = false;
    let busy = false;
    const onConflicts = (keys: string[], theirs: Answers) => {
      const found = keys.map((key) => ({
        key,
        title: titleForKey(model, key),
        theirs: describeAnswer(model, key, theirs[key]),
      }));
      setConflicts((shown) => [...shown.filter((item) => !keys.includes(item.key)), ...found]);
    };
    const sync = new DraftSync(
      {
        saveDraft: (body) => saveDraft(credential, body),
        complete: (body) => completeResponse(credential, body),
      },
      {
        readLocal: () => ({ answers: readAnswers(model), page: model.currentPageNo }),
        applyMerged: (answers) => {
          applyingRemote = true;
          try {
            applyAnswers(model, answers);
          } finally {
            applyingRemote = false;
          }
        },
        keepBackup: backup.write,
      },
      {
        onStatus: setStatus,
        onConflicts,
        onStopped: (reason) => finishHandlers.current.onStopped(reason),
      },
      { answers: state.answers, page: state.page, revision: state.revision, unconfirmed: restored.unconfirmed },
    );
    if (restored.conflicts.length > 0) onConflicts(restored.conflicts, state.answers);
    // Restored answers the server does not hold yet go out at once.
    sync.saveNow();

    const handleOutcome = (outcome: CompleteOutcome) => {
      switch (outcome.kind) {
        case 'finished':
          finishHandlers.current.onFinished(outcome.state);
          return;
        case 'stopped':
          finishHandlers.current.onStopped(outcome.reason);
          return;
        case 'conflicts':
          setProblem(SUBMIT_CONFLICT);
          return;
        case 'invalid_answers': {
          const items = showServerErrors(model, outcome.questions);
          const first = items.find((item) => item.question !== null);
          if (first?.question) openQuestionPage(model, first.question);
          setErrorItems(items);
          if (items.length === 0) setProblem(outcome.message);
          return;
        }
        case 'failed':
          setProblem(outcome.message ?? SUBMIT_FAILED);
          return;
      }
    };

    const run = async (work: () => Promise<void>) => {
      if (busy) return;
      busy = true;
      setSubmitting(true);
      setProblem(null);
      setErrorItems([]);
      try {
        await work();
      } finally {
        busy = false;
        setSubmitting(false);
      }
    };

    const decline = () =>
      run(async () => {
        const result = await declineResponse(credential);
        if (result.ok) {
          sync.dispose();
          finishHandlers.current.onFinished(result.value);
        } else if (result.failure.kind === 'closed') {
          sync.dispose();
          finishHandlers.current.onStopped(result.failure.status);
        } else if (result.failure.kind === 'link_not_valid') {
          sync.dispose();
          finishHandlers.current.onStopped('link_not_valid');
        } else if (result.failure.kind === 'fielding_closed') {
          sync.dispose();
          finishHandlers.current.onStopped(result.failure);
        } else {
          setProblem(DECLINE_FAILED);
        }
      });

    const submit = () => run(async () => handleOutcome(await sync.complete()));
    sendDecline.current = () => {
      setDeclineAsked(0);
      void decline();
    };

    const labelButtons = consentButtonLabeller(model, state.instrument.consent);
    labelButtons();
    const onValueChanged = () => {
      labelButtons();
      // Changing the consent answer withdraws the question about sending a refusal.
      if (!isConsentDeclined(model, state.instrument.consent)) setDeclineAsked(0);
    };
    const onCurrentPageChanging = (_: SurveyModel, options: { isGoingForward: boolean; allow: boolean }) => {
      // Answering "No" to consent ends the survey as a refusal once the person moves on and confirms.
      if (options.isGoingForward && isConsentDeclined(model, state.instrument.consent)) {
        options.allow = false;
        setDeclineAsked((asked) => asked + 1);
      }
    };
    const onCompleting = (_: SurveyModel, options: { allow: boolean }) => {
      // SurveyJS must not finish on its own: the server decides whether the response is complete.
      options.allow = false;
      if (isConsentDeclined(model, state.instrument.consent)) setDeclineAsked((asked) => asked + 1);
      else void submit();
    };

    model.onValueChanged.add(onValueChanged);
    model.onCurrentPageChanged.add(labelButtons);
    model.onCurrentPageChanging.add(onCurrentPageChanging);
    model.onCompleting.add(onCompleting);
    const detachAutosave = attachAutosave(model, sync, () => applyingRemote);
    return () => {
      model.onValueChanged.remove(onValueChanged);
      model.onCurrentPageChanged.remove(labelButtons);
      model.onCurrentPageChanging.remove(onCurrentPageChanging);
      model.onCompleting.remove(onCompleting);
      detachAutosave();
      sync.dispose();
    };
  }, [model, credential, state, backup, restored]);

  // The notice's button held focus and goes with it: the person carries on from the page's heading.
  const dismissConflicts = () => {
    if (model.currentPage) focusPageHeading(model.currentPage, document);
    setConflicts([]);
  };

  const openError = (item: ServerErrorItem) => {
    if (item.question && openQuestionPage(model, item.question)) item.question.focus(true);
  };

  const goBackFromDecline = () => {
    setDeclineAsked(0);
    const consent = state.instrument.consent && model.getQuestionByName(state.instrument.consent.question);
    if (!consent) return;
    // Back to the answer the person chose, where they would change it.
    const chosen = document.getElementById(consent.id)?.querySelector<HTMLInputElement>('input:checked');
    if (chosen) chosen.focus();
    else consent.focus();
  };

  const minutes = state.instrument.estimatedMinutes;
  return (
    <Layout title={state.instrument.title} context={state.office.name}>
      <p className="fk-lede">
        About {minutes} {minutes === 1 ? 'minute' : 'minutes'}. Your answers are saved as you go, so you can stop and
        come back later with the same link, on any device.
      </p>
      <SaveIndicator status={status} submitting={submitting} />
      <div aria-live="polite">
        {conflicts.length > 0 ? <ConflictNotice items={conflicts} onDismiss={dismissConflicts} /> : null}
      </div>
      {errorItems.length > 0 ? <ErrorSummary items={errorItems} onOpen={openError} /> : null}
      {problem ? <ProblemNotice message={problem} /> : null}
      <SurveyProgress model={model} />
      {survey}
      {declineAsked > 0 ? (
        <DeclineConfirmation asked={declineAsked} onSend={() => sendDecline.current()} onGoBack={goBackFromDecline} />
      ) : null}
    </Layout>
  );
}
