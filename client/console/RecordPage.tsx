import 'survey-core/survey-core.fontless.min.css';
import '../shared/survey.css';
import './recordEntry.css';
// Registers the instrument's `dk` property with SurveyJS; must run before any Model is created.
import '../../server/instruments/extensions.js';
import { useCallback, useEffect, useState } from 'react';
import { registerCountDontKnowRenderer } from '../respond/CountDontKnow.js';
import { PageTitle } from './Layout.js';
import { RecordEntry, RecordReadOnly } from './RecordEntry.js';
import { RecordHistory } from './RecordHistory.js';
import { ReopenForm } from './ReopenForm.js';
import { RECORD_STATUS_NAMES } from './recordStatus.js';
import { type OpenRecord, recordsApi } from './recordsApi.js';
import { failureMessage, useSession } from './session.js';
import { formatTime, useAnnounce } from './ui.js';

registerCountDontKnowRenderer();

const who = (person: { fullName: string; initials: string } | null) =>
  person ? person.fullName || person.initials : '—';

/**
 * One Phase II record: entered with the respondent app's SurveyJS renderer and draft sync while in
 * progress, shown read-only once final or refused (a lead may reopen it with a reason), and its
 * field-level history. This module is the console's only door to SurveyJS: App loads it lazily, so
 * the console's first load carries none of survey-core or survey-react-ui.
 */
export default function RecordPage({ id }: { id: number }) {
  const session = useSession();
  const announce = useAnnounce();
  const [record, setRecord] = useState<OpenRecord>();
  const [error, setError] = useState<string>();
  // Bumped by every change the page makes, so the history shows it.
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    let live = true;
    void recordsApi.record(id).then((result) => {
      if (!live) return;
      if (result.ok) setRecord(result.value);
      else setError(failureMessage(result.failure, session));
    });
    return () => {
      live = false;
    };
  }, [id, session]);

  const replaced = useCallback(
    (next: OpenRecord, message: string) => {
      setRecord(next);
      setChanges((n) => n + 1);
      announce(message);
    },
    [announce],
  );
  const reloadRecord = useCallback(async () => {
    const result = await recordsApi.record(id);
    if (result.ok)
      replaced(result.value, `The record is now ${RECORD_STATUS_NAMES[result.value.status].toLowerCase()}.`);
    else setError(failureMessage(result.failure, session));
  }, [id, replaced, session]);

  if (error) {
    return (
      <>
        <PageTitle title="Record not available" />
        <p className="fk-alert">{error}</p>
      </>
    );
  }
  if (!record) return <p>Loading…</p>;
  return (
    <>
      <PageTitle title={`${record.label}: ${record.instrument.title}`} />
      <dl className="fk-facts">
        <dt>Site</dt>
        <dd>{record.site.name}</dd>
        <dt>Instrument</dt>
        <dd>
          {record.instrument.id} {record.instrument.version}
        </dd>
        <dt>Status</dt>
        <dd>{RECORD_STATUS_NAMES[record.status]}</dd>
        <dt>Started by</dt>
        <dd>
          {who(record.startedBy)}, {formatTime(record.createdAt)}
        </dd>
        <dt>Last saved by</dt>
        <dd>
          {who(record.updatedBy)}, {formatTime(record.updatedAt)}
        </dd>
        {record.finalizedAt ? (
          <>
            <dt>{record.status === 'refused' ? 'Refused' : 'Finalized'}</dt>
            <dd>
              {who(record.finalizedBy)}, {formatTime(record.finalizedAt)}
            </dd>
          </>
        ) : null}
        {record.reopenReason ? (
          <>
            <dt>Reopened because</dt>
            <dd>{record.reopenReason}</dd>
          </>
        ) : null}
      </dl>
      {record.editable ? (
        <RecordEntry
          key={`${record.id}@${record.revision}`}
          record={record}
          onFinished={(finished) =>
            replaced(
              finished,
              finished.status === 'refused'
                ? 'The record was kept as refused: only its header is stored.'
                : 'The record is final and read-only now.',
            )
          }
          onStopped={() => void reloadRecord()}
        />
      ) : (
        <RecordReadOnly key={`${record.id}@${record.revision}`} record={record} />
      )}
      {record.reopenable ? (
        <ReopenForm
          record={record}
          onReopened={(next) => replaced(next, 'Record reopened: it can be changed again.')}
        />
      ) : null}
      <RecordHistory id={record.id} changes={changes} />
    </>
  );
}
