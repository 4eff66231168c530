import type { ListedRecord, OpenRecord, RecordChange } from '../contracts/records.js';
import type { Role } from '../contracts/roles.js';
import type { Answers } from '../instruments/answers.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { presentStaffRef } from '../sites/present.js';
import { questionOfPath, questionTitles } from './changes.js';
import { recordLabel } from './header.js';
import type { RecordChangeRow, RecordView } from './repo.js';

type Registry = { instruments: InstrumentRegistry };

/** A record as the list shows it: never its answers, only the label drawn from them. */
export function presentListedRecord(ctx: Registry, view: RecordView): ListedRecord {
  const instrument = ctx.instruments.get(view.instrument_id, view.instrument_version);
  return {
    id: view.id,
    site: { id: view.site_id, name: view.site_name },
    instrument: {
      id: view.instrument_id,
      version: view.instrument_version,
      title: instrument?.meta.title ?? view.instrument_id,
    },
    startedBy: presentStaffRef({ id: view.interviewer_id, email: view.starter_email, full_name: view.starter_name }),
    status: view.status,
    label: recordLabel(instrument, JSON.parse(view.answers) as Answers, view.id),
    createdAt: view.created_at,
    updatedAt: view.updated_at,
    updatedBy: presentStaffRef({ id: view.updated_by, email: view.updater_email, full_name: view.updater_name }),
    revision: view.revision,
  };
}

/** Leads reopen; interviewers and leads edit what is in progress; analysts only read. */
const EDITORS: readonly Role[] = ['admin', 'fieldwork', 'interviewer'];
const REOPENERS: readonly Role[] = ['admin', 'fieldwork'];

/** Everything the entry page needs to render and save the record, and what the caller may do with it. */
export function presentOpenRecord(ctx: Registry, view: RecordView, viewerRole: Role): OpenRecord {
  const listed = presentListedRecord(ctx, view);
  const instrument = ctx.instruments.get(view.instrument_id, view.instrument_version);
  const consent = instrument?.meta.consent;
  return {
    ...listed,
    instrument: {
      ...listed.instrument,
      survey: instrument?.survey ?? {},
      consent: consent ? { question: consent.question, declineValue: consent.declineValue } : null,
      panelKeys: instrument?.meta.panelKeys ?? {},
    },
    answers: JSON.parse(view.answers) as Answers,
    page: view.current_page,
    reopenReason: view.reopen_reason,
    finalizedAt: view.finalized_at,
    finalizedBy:
      view.finalized_by === null
        ? null
        : presentStaffRef({
            id: view.finalized_by,
            email: view.finalizer_email ?? '',
            full_name: view.finalizer_name ?? '',
          }),
    editable: view.status === 'in_progress' && EDITORS.includes(viewerRole),
    reopenable: view.status !== 'in_progress' && REOPENERS.includes(viewerRole),
  };
}

const parseValue = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** The trail of a record, each change with its question's title where the record's version has one. */
export function presentChanges(ctx: Registry, view: RecordView, rows: readonly RecordChangeRow[]): RecordChange[] {
  const instrument = ctx.instruments.get(view.instrument_id, view.instrument_version);
  const titles = instrument ? questionTitles(instrument.survey) : new Map<string, string>();
  return rows.map((row) => ({
    id: row.id,
    variable: row.variable,
    title: titles.get(questionOfPath(row.variable)) ?? null,
    oldValue: parseValue(row.old_value),
    newValue: parseValue(row.new_value),
    by: presentStaffRef({ id: row.staff_id, email: row.staff_email, full_name: row.staff_name }),
    at: row.at,
    reason: row.reason,
    revision: row.revision,
  }));
}
