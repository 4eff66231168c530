import { useMemo, useRef, useState } from 'react';
import type { SurveyModel } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { DraftEntryBody, useDraftEntry } from '../respond/draftEntry.js';
import type { StopReason } from '../respond/draftSync.js';
import { RefusalConfirmation, type RefusalWording } from '../respond/notices.js';
import { buildSurveyModel } from '../respond/surveyModel.js';
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

/** A refusal keeps only the header, so a slip must not record one. */
const RECORD_REFUSAL: RefusalWording = {
  id: 'fk-refusal',
  heading: 'Record this as refused?',
  text: 'Only the header is kept; every other answer of this record is dropped.',
  send: 'Yes, record as refused',
  sendClassName: 'fk-danger',
  goBackClassName: undefined,
};

/** The key of this tab's copy of unsaved answers: per account and record, forgotten at sign-out. */
const backupKey = (staffId: number, recordId: number) => `record:${staffId}:${recordId}`;

/**
 * A record being entered: the respondent app's entry protocol (SurveyJS model, draft sync with one
 * save in flight, debounce, backoff and 409 merge, tab backup and autosave) against the record's own
 * routes. The survey's Complete button finalizes; after No at the consent question it asks to record
 * a refusal, which is sent by finalizing (the server keeps only the header).
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
  const signedOut = useRef(session.expired);
  signedOut.current = session.expired;
  const [key] = useState(() => backupKey(session.staff.id, record.id));
  const transport = useMemo(() => recordTransport(record.id, () => signedOut.current()), [record.id]);
  const entry = useDraftEntry({
    source: record,
    backupKey: key,
    transport,
    messages: { completeFailed: FINALIZE_FAILED, completeConflict: FINALIZE_CONFLICT },
    prepareModel: (model) => {
      model.completeText = FINALIZE_TEXT;
    },
    declineButtonText: REFUSE_TEXT,
    onFinished,
    onStopped,
  });

  return (
    <section aria-label="Answers" className="fk-entry">
      <p className="fk-hint">Answers are saved as you type. Finalize the record on its last page.</p>
      <DraftEntryBody
        entry={entry}
        conflictIntro={COLLEAGUE_CONFLICT}
        errorHeading="Some answers need attention before finalizing"
      />
      {entry.declineAsked > 0 ? (
        <RefusalConfirmation
          asked={entry.declineAsked}
          onSend={entry.sendDecline}
          onGoBack={entry.goBackFromDecline}
          wording={RECORD_REFUSAL}
        />
      ) : null}
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
