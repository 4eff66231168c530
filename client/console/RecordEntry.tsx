import { useEffect, useMemo, useRef, useState } from 'react';
import type { SurveyModel } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { attachAutosave } from '../respond/autosave.js';
import { restoreDraft, sessionBackupStore } from '../respond/draftBackup.js';
import { type CompleteOutcome, DraftSync, type SaveStatus, type StopReason } from '../respond/draftSync.js';
import type { Answers } from '../respond/merge.js';
import { type ConflictItem, ConflictNotice, ErrorSummary, ProblemNotice, SaveIndicator } from '../respond/notices.js';
import { focusPageHeading } from '../respond/pageFocus.js';
import { SurveyProgress } from '../respond/SurveyProgress.js';
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
} from '../respond/surveyModel.js';
import { type OpenRecord, recordTransport } from './recordsApi.js';
import { useSession } from './session.js';

const FINALIZE_TEXT = 'Finalize record';
const REFUSE_TEXT = 'Record as refused';
const FINALIZE_FAILED =
  'The record could not be finalized just now. Everything saved so far is safe. Select Finalize record again in a moment.';
const FINALIZE_CONFLICT =
  'The record was not finalized, because a colleague saved answers at the same time. Check the questions listed above, then select Finalize record again.';
const COLLEAGUE_CONFLICT =
  'A colleague saved different answers to the questions below in this record while you were working. Your answers were kept and theirs were replaced:';

/** The key of this tab's copy of unsaved answers: per account and record, forgotten at sign-out. */
const backupKey = (staffId: number, recordId: number) => `record:${staffId}:${recordId}`;

/**
 * A record being entered: the respondent app's SurveyJS model, draft sync (one save in flight,
 * debounce, backoff, 409 merge), tab backup and autosave, against the record's own routes. The
 * survey's Complete button finalizes; after No at the consent question it asks to record a refusal.
 */
export function RecordEntry({
  record,
  onFinished,
  onStopped,
}: {
  record: OpenRecord;
  onFinished: (record: OpenRecord) => void;
  /** Saving can no longer succeed (finalized elsewhere, or no longer visible to this account). */
  onStopped: (reason: StopReason) => void;
}) {
  const session = useSession();
  const [backup] = useState(() => sessionBackupStore(backupKey(session.staff.id, record.id)));
  // Answers this tab had not got onto the server before a reload come back over the server's copy.
  const [restored] = useState(() => restoreDraft(record, backup.read()));
  const [model] = useState<SurveyModel>(() => {
    const built = buildSurveyModel({ ...record, answers: restored.answers, page: restored.page });
    built.completeText = FINALIZE_TEXT;
    return built;
  });
  // SurveyJS re-renders itself from the model; status and notice changes here must not re-render it.
  const survey = useMemo(() => <Survey model={model} />, [model]);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [finalizing, setFinalizing] = useState(false);
  const [conflicts, setConflicts] = useState<ConflictItem[]>([]);
  const [errorItems, setErrorItems] = useState<ServerErrorItem[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  // How often the forward button was pressed after No at consent; 0 = not asking.
  const [refusalAsked, setRefusalAsked] = useState(0);
  const finalizeNow = useRef<() => void>(() => {});
  const handlers = useRef({ onFinished, onStopped, expired: session.expired });
  handlers.current = { onFinished, onStopped, expired: session.expired };

  useEffect(() => {
    const consent = record.instrument.consent;
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
    const sync = new DraftSync<OpenRecord>(
      recordTransport(record.id, () => handlers.current.expired()),
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
      { answers: record.answers, page: record.page, revision: record.revision, unconfirmed: restored.unconfirmed },
    );
    if (restored.conflicts.length > 0) onConflicts(restored.conflicts, record.answers);
    // Restored answers the server does not hold yet go out at once.
    sync.saveNow();

    const handleOutcome = (outcome: CompleteOutcome<OpenRecord>) => {
      switch (outcome.kind) {
        case 'finished':
          handlers.current.onFinished(outcome.state);
          return;
        case 'stopped':
          handlers.current.onStopped(outcome.reason);
          return;
        case 'conflicts':
          setProblem(FINALIZE_CONFLICT);
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
          setProblem(outcome.message ?? FINALIZE_FAILED);
          return;
      }
    };
    const finalize = async () => {
      if (busy) return;
      busy = true;
      setFinalizing(true);
      setProblem(null);
      setErrorItems([]);
      try {
        handleOutcome(await sync.complete());
      } finally {
        busy = false;
        setFinalizing(false);
      }
    };
    finalizeNow.current = () => {
      setRefusalAsked(0);
      void finalize();
    };

    const labelButtons = consentButtonLabeller(model, consent, REFUSE_TEXT);
    labelButtons();
    const onValueChanged = () => {
      labelButtons();
      if (!isConsentDeclined(model, consent)) setRefusalAsked(0);
    };
    const onCurrentPageChanging = (_: SurveyModel, options: { isGoingForward: boolean; allow: boolean }) => {
      if (options.isGoingForward && isConsentDeclined(model, consent)) {
        options.allow = false;
        setRefusalAsked((asked) => asked + 1);
      }
    };
    const onCompleting = (_: SurveyModel, options: { allow: boolean }) => {
      // The server decides whether the record is complete (and keeps only the header of a refusal).
      options.allow = false;
      if (isConsentDeclined(model, consent)) setRefusalAsked((asked) => asked + 1);
      else void finalize();
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
  }, [model, record, backup, restored]);

  const dismissConflicts = () => {
    if (model.currentPage) focusPageHeading(model.currentPage, document);
    setConflicts([]);
  };
  const openError = (item: ServerErrorItem) => {
    if (item.question && openQuestionPage(model, item.question)) item.question.focus(true);
  };
  const goBackFromRefusal = () => {
    setRefusalAsked(0);
    const consent = record.instrument.consent && model.getQuestionByName(record.instrument.consent.question);
    if (!consent) return;
    const chosen = document.getElementById(consent.id)?.querySelector<HTMLInputElement>('input:checked');
    if (chosen) chosen.focus();
    else consent.focus();
  };

  return (
    <section aria-label="Answers" className="fk-entry">
      <p className="fk-hint">Answers are saved as you type. Finalize the record on its last page.</p>
      <SaveIndicator status={status} submitting={finalizing} />
      <div aria-live="polite">
        {conflicts.length > 0 ? (
          <ConflictNotice items={conflicts} onDismiss={dismissConflicts} intro={COLLEAGUE_CONFLICT} />
        ) : null}
      </div>
      {errorItems.length > 0 ? (
        <ErrorSummary items={errorItems} onOpen={openError} heading="Some answers need attention before finalizing" />
      ) : null}
      {problem ? <ProblemNotice message={problem} /> : null}
      <SurveyProgress model={model} />
      {survey}
      {refusalAsked > 0 ? (
        <RefusalConfirmation
          asked={refusalAsked}
          onConfirm={() => finalizeNow.current()}
          onGoBack={goBackFromRefusal}
        />
      ) : null}
    </section>
  );
}

/**
 * Asked when the consent answer is No and the interviewer moves on: a refusal keeps only the
 * header, so a slip must not record one. Takes focus, as the respondent's question does.
 */
function RefusalConfirmation({
  asked,
  onConfirm,
  onGoBack,
}: {
  asked: number;
  onConfirm: () => void;
  onGoBack: () => void;
}) {
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
      aria-labelledby="fk-refusal-heading"
      aria-describedby="fk-refusal-text"
      tabIndex={-1}
      ref={box}
    >
      <h2 id="fk-refusal-heading" className="fk-notice__heading">
        Record this as refused?
      </h2>
      <p id="fk-refusal-text">Only the header is kept; every other answer of this record is dropped.</p>
      <div className="fk-confirm__actions">
        <button type="button" className="fk-danger" onClick={onConfirm}>
          Yes, record as refused
        </button>
        <button type="button" onClick={onGoBack}>
          Go back
        </button>
      </div>
    </section>
  );
}

/** A final or refused record (or any record an analyst opens): every answer, on one page, read-only. */
export function RecordReadOnly({ record }: { record: OpenRecord }) {
  const [model] = useState<SurveyModel>(() => {
    const built = buildSurveyModel(record);
    built.mode = 'display';
    built.questionsOnPageMode = 'singlePage';
    built.showNavigationButtons = false;
    return built;
  });
  const survey = useMemo(() => <Survey model={model} />, [model]);
  return (
    <section aria-label="Answers (read-only)" className="fk-entry">
      <p className="fk-hint">
        {record.status === 'in_progress'
          ? 'You may read this record but not change it.'
          : 'This record is read-only. An admin or fieldwork lead can reopen it with a reason.'}
      </p>
      {survey}
    </section>
  );
}
