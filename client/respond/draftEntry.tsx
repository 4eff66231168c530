import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import type { SurveyModel } from 'survey-core';
import { Survey } from 'survey-react-ui';
import type { OpenRespondState } from './api.js';
import { attachAutosave } from './autosave.js';
import { restoreDraft, sessionBackupStore } from './draftBackup.js';
import { type CompleteOutcome, DraftSync, type SaveStatus, type StopReason, type SyncTransport } from './draftSync.js';
import type { Answers } from './merge.js';
import { type ConflictItem, ConflictNotice, ErrorSummary, ProblemNotice, SaveIndicator } from './notices.js';
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
  type SurveySource,
  showServerErrors,
  titleForKey,
} from './surveyModel.js';

/** A draft being answered: a respondent's open link, or a staff member's Phase II record. */
export type EntrySource = SurveySource & {
  revision: number;
  instrument: { consent: OpenRespondState['instrument']['consent'] };
};

/** How a refusal sent on its own route (not by completing) ended. */
export type DeclineOutcome<Finished> =
  | { kind: 'finished'; state: Finished }
  | { kind: 'stopped'; reason: StopReason }
  | { kind: 'failed' };

export interface DraftEntryOptions<Source extends EntrySource, Finished> {
  source: Source;
  /** This tab's copy of unsaved answers, per person and draft. */
  backupKey: string;
  transport: SyncTransport<Finished>;
  messages: { completeFailed: string; completeConflict: string; declineFailed?: string };
  /** Adjusts the new model before the consent labels are read (e.g. the Complete button's name). */
  prepareModel?: (model: SurveyModel) => void;
  /** The forward buttons' name after No at consent. */
  declineButtonText?: string;
  /** Sends a confirmed refusal on its own route; without it, the refusal is sent by completing. */
  decline?: () => Promise<DeclineOutcome<Finished>>;
  onFinished: (state: Finished) => void;
  /** Saving can no longer succeed (closed elsewhere, or no longer reachable with this link/account). */
  onStopped: (reason: StopReason) => void;
}

/**
 * The entry protocol the respondent app and the console's record entry share: one SurveyJS model
 * per load, draft sync (one save in flight, debounce, backoff, 409 merge), tab backup, autosave,
 * server validation on completion, and a confirmation before No at consent ends the draft.
 */
export function useDraftEntry<Source extends EntrySource, Finished>({
  source,
  backupKey,
  transport,
  messages,
  prepareModel,
  declineButtonText,
  decline,
  onFinished,
  onStopped,
}: DraftEntryOptions<Source, Finished>) {
  const [backup] = useState(() => sessionBackupStore(backupKey));
  // Answers this tab had not got onto the server before a reload come back over the server's draft.
  const [restored] = useState(() => restoreDraft(source, backup.read()));
  const [model] = useState<SurveyModel>(() => {
    const built = buildSurveyModel({ ...source, answers: restored.answers, page: restored.page });
    prepareModel?.(built);
    return built;
  });
  // SurveyJS re-renders itself from the model; status and notice changes here must not re-render it.
  const survey = useMemo(() => <Survey model={model} />, [model]);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [submitting, setSubmitting] = useState(false);
  const [conflicts, setConflicts] = useState<ConflictItem[]>([]);
  const [errorItems, setErrorItems] = useState<ServerErrorItem[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  // How often the forward button was pressed after No at consent since the answer last changed,
  // the person went back or sent: 0 = not asking. Each press brings the question back into focus.
  const [declineAsked, setDeclineAsked] = useState(0);
  // The refusal is sent from the confirmation, outside the effect that owns the sync.
  const sendDecline = useRef<() => void>(() => {});
  const handlers = useRef({ onFinished, onStopped, decline, messages });
  handlers.current = { onFinished, onStopped, decline, messages };

  useEffect(() => {
    const consent = source.instrument.consent;
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
    const sync = new DraftSync<Finished>(
      transport,
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
      { onStatus: setStatus, onConflicts, onStopped: (reason) => handlers.current.onStopped(reason) },
      { answers: source.answers, page: source.page, revision: source.revision, unconfirmed: restored.unconfirmed },
    );
    if (restored.conflicts.length > 0) onConflicts(restored.conflicts, source.answers);
    // Restored answers the server does not hold yet go out at once.
    sync.saveNow();

    const handleOutcome = (outcome: CompleteOutcome<Finished>) => {
      switch (outcome.kind) {
        case 'finished':
          handlers.current.onFinished(outcome.state);
          return;
        case 'stopped':
          handlers.current.onStopped(outcome.reason);
          return;
        case 'conflicts':
          setProblem(handlers.current.messages.completeConflict);
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
          setProblem(outcome.message ?? handlers.current.messages.completeFailed);
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
    const submit = () => run(async () => handleOutcome(await sync.complete()));
    const sendRefusal = () =>
      run(async () => {
        const declineOnItsOwn = handlers.current.decline;
        if (!declineOnItsOwn) {
          // The server keeps only what a refusal may keep.
          handleOutcome(await sync.complete());
          return;
        }
        const outcome = await declineOnItsOwn();
        if (outcome.kind === 'failed') {
          setProblem(handlers.current.messages.declineFailed ?? handlers.current.messages.completeFailed);
          return;
        }
        sync.dispose();
        if (outcome.kind === 'finished') handlers.current.onFinished(outcome.state);
        else handlers.current.onStopped(outcome.reason);
      });
    sendDecline.current = () => {
      setDeclineAsked(0);
      void sendRefusal();
    };

    const labelButtons = consentButtonLabeller(model, consent, declineButtonText);
    labelButtons();
    const onValueChanged = () => {
      labelButtons();
      // Changing the consent answer withdraws the question about sending a refusal.
      if (!isConsentDeclined(model, consent)) setDeclineAsked(0);
    };
    const onCurrentPageChanging = (_: SurveyModel, options: { isGoingForward: boolean; allow: boolean }) => {
      // Answering "No" to consent ends the draft as a refusal once the person moves on and confirms.
      if (options.isGoingForward && isConsentDeclined(model, consent)) {
        options.allow = false;
        setDeclineAsked((asked) => asked + 1);
      }
    };
    const onCompleting = (_: SurveyModel, options: { allow: boolean }) => {
      // SurveyJS must not finish on its own: the server decides whether the draft is complete.
      options.allow = false;
      if (isConsentDeclined(model, consent)) setDeclineAsked((asked) => asked + 1);
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
  }, [model, source, transport, backup, restored, declineButtonText]);

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
    const consent = source.instrument.consent && model.getQuestionByName(source.instrument.consent.question);
    if (!consent) return;
    // Back to the answer the person chose, where they would change it.
    const chosen = document.getElementById(consent.id)?.querySelector<HTMLInputElement>('input:checked');
    if (chosen) chosen.focus();
    else consent.focus();
  };

  return {
    model,
    survey,
    status,
    submitting,
    conflicts,
    errorItems,
    problem,
    declineAsked,
    sendDecline: () => sendDecline.current(),
    dismissConflicts,
    openError,
    goBackFromDecline,
  };
}

export type DraftEntry = ReturnType<typeof useDraftEntry>;

/** Save status, notices, progress and the survey, in the order both entry pages show them. */
export function DraftEntryBody({
  entry,
  conflictIntro,
  errorHeading,
}: {
  entry: DraftEntry;
  conflictIntro?: string;
  errorHeading?: string;
}): ReactNode {
  return (
    <>
      <SaveIndicator status={entry.status} submitting={entry.submitting} />
      <div aria-live="polite">
        {entry.conflicts.length > 0 ? (
          <ConflictNotice items={entry.conflicts} onDismiss={entry.dismissConflicts} intro={conflictIntro} />
        ) : null}
      </div>
      {entry.errorItems.length > 0 ? (
        <ErrorSummary items={entry.errorItems} onOpen={entry.openError} heading={errorHeading} />
      ) : null}
      {entry.problem ? <ProblemNotice message={entry.problem} /> : null}
      <SurveyProgress model={entry.model} />
      {entry.survey}
    </>
  );
}
