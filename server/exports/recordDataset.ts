import { buildCodebook, type Codebook } from '../codebook/build.js';
import { createCaseValues } from '../codebook/caseValues.js';
import { unionCodebook, type VersionedCodebook } from '../codebook/union.js';
import { createSurveyModel } from '../instruments/answers.js';
import { definedQuestions } from '../instruments/checker.js';
import type { Instrument } from '../instruments/registry.js';
import { recordHeaderOf, refusalAnswers } from '../records/header.js';
import { initialsOf } from '../staff/names.js';
import { cleanText, exportVariable, withGroups } from './dataset.js';
import { entryTables, unionTables } from './entryTables.js';
import type { ExportRecordRow, RecordExportRepo, RecordSelection } from './recordRepo.js';
import { withShortLabels } from './shortLabels.js';
import { type Cell, type ExportTable, type ExportVariable, MISSING } from './table.js';

type Answers = Record<string, unknown>;

function metaVariable(name: string, label: string, kind: ExportVariable['kind']): ExportVariable {
  return {
    name,
    label,
    kind,
    measure: kind === 'string' ? 'nominal' : 'scale',
    decimals: 0,
    valueLabels: [],
    missing: [],
  };
}

function momentVariable(name: string, label: string, missingLabel: string): ExportVariable {
  return {
    ...metaVariable(name, label, 'numeric'),
    format: 'datetime',
    missing: [{ code: MISSING.notAnswered.code, label: missingLabel }],
  };
}

/** The key of a records export: the record's id, as the console and the audit trail show it. */
export const RECORD_KEY = 'record_id';

/** The columns every records export starts with (the identified file). */
const RECORD_META: readonly ExportVariable[] = [
  metaVariable(RECORD_KEY, 'Record id (as in the staff console and the audit trail)', 'numeric'),
  metaVariable('site', 'Case-study site', 'string'),
  metaVariable('instrument_version', 'Instrument version entered', 'string'),
  metaVariable('status', 'Record status (final, refused, in_progress)', 'string'),
  metaVariable('started_by', 'Started by (initials of the staff account)', 'string'),
  momentVariable('started_at', 'Started (UTC)', 'Start not recorded'),
  metaVariable('last_saved_by', 'Last saved by (initials of the staff account)', 'string'),
  momentVariable('last_saved_at', 'Last saved (UTC)', 'Not saved'),
  momentVariable('finalized_at', 'Made final (UTC)', 'Not final (a refusal or a draft)'),
];

/** The staff initials columns: who entered a record, never in a public-use file. */
export const STAFF_COLUMNS: ReadonlySet<string> = new Set(['started_by', 'last_saved_by']);

/** The audit trail: one row per field-level change (record_changes), restricted to the identified export. */
const AUDIT_TRAIL_VARIABLES: readonly ExportVariable[] = [
  metaVariable(RECORD_KEY, 'Record id (as in the main table)', 'numeric'),
  metaVariable('change_id', 'Change id (in the order the changes were made)', 'numeric'),
  metaVariable('revision', "The record's revision the change produced", 'numeric'),
  metaVariable(
    'variable',
    "The answer's path: question, or panel[key=n].question; (status) for a status change",
    'string',
  ),
  metaVariable('old_value', 'Value before (text as typed, other values as JSON; empty: no value)', 'string'),
  metaVariable('new_value', 'Value after (text as typed, other values as JSON; empty: no value)', 'string'),
  metaVariable('changed_by', 'Changed by (initials of the staff account)', 'string'),
  metaVariable('staff_id', 'Changed by (staff account id)', 'numeric'),
  momentVariable('changed_at', 'Changed (UTC)', 'Time not recorded'),
  metaVariable('reason', 'Why a final record was reopened (empty: the record was not final)', 'string'),
];

export const AUDIT_TRAIL = 'audit_trail';

/** A stored JSON value as the audit trail shows it: a text as typed, anything else as JSON, no value empty. */
function changeValue(json: string | null): string {
  if (json === null) return '';
  const value: unknown = JSON.parse(json);
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The interview notes of an instrument: its comment questions, by name, panels' included. */
export function noteQuestions(instrument: Instrument): Set<string> {
  const notes = new Set<string>();
  for (const q of definedQuestions(createSurveyModel(instrument))) {
    if (q.getType() === 'comment') notes.add(q.name);
  }
  return notes;
}

export type RecordDataset = {
  table: ExportTable;
  /** One table per repeating panel, keyed by record_id and the entry. */
  entryTables: ExportTable[];
  /** The field-level changes of the exported records. */
  auditTrail: ExportTable;
  codebook: VersionedCodebook;
  /** Variables of the main table that hold interview notes (comment questions). */
  notes: ReadonlySet<string>;
  /** Variables of the main table that hold the header's interviewer initials (meta.recordHeader). */
  initials: ReadonlySet<string>;
  /** Exported records by status. */
  byStatus: Record<ExportRecordRow['status'], number>;
};

/**
 * The tables of a Phase II records export: one row per record (final and refused, drafts if asked)
 * with the record's metadata and every codebook variable; a refused record keeps only its header.
 * Records are few (a case study's interviews and case files, hundreds), so their rows are computed
 * once and held; that also makes every table agree on which records are in it.
 */
export function recordDataset(
  repo: RecordExportRepo,
  selection: RecordSelection,
  /** The versions the records were entered on, the newest first. */
  instruments: readonly Instrument[],
  options: { onRecords?: (done: number, total: number) => void } = {},
): RecordDataset {
  // Every table keyed by the record: the main table, and each panel's with the keys of the entries around it.
  const codebooks = instruments.map((instrument) => buildCodebook(instrument, { mainKey: RECORD_KEY }));
  const unioned = unionCodebook(codebooks);
  const codebook: VersionedCodebook = {
    ...unioned,
    tables: unioned.tables.map((t) =>
      t.question === undefined ? { ...t, description: 'One row per Phase II record (site × instrument).' } : t,
    ),
  };
  const main = codebook.variables.filter((v) => v.table === 'main');
  const variables = withShortLabels([...RECORD_META, ...withGroups(main, main.map(exportVariable))]);
  const byVersion = new Map(
    instruments.map((instrument, i) => {
      const values = createCaseValues(instrument, codebooks[i] as Codebook);
      const index = new Map(values.variables.map((v, j) => [v.name, j]));
      return [
        instrument.meta.version,
        {
          instrument,
          values,
          columns: main.map((v) => index.get(v.name) ?? -1),
          entries: [] as { caseId: number; answers: Answers; savedAt: Date }[],
        },
      ];
    }),
  );
  const notes = new Set<string>();
  const initials = new Set<string>();
  for (const instrument of instruments) {
    const asked = noteQuestions(instrument);
    const header = recordHeaderOf(instrument).initials;
    for (const v of main) {
      if (asked.has(v.question)) notes.add(v.name);
      if (v.question === header) initials.add(v.name);
    }
  }
  const byStatus: RecordDataset['byStatus'] = { final: 0, refused: 0, in_progress: 0 };
  const rows: Cell[][] = [];
  const total = options.onRecords ? repo.countRecords(selection) : 0;
  const moment = (iso: string | null) => (iso ? Date.parse(iso) : MISSING.notAnswered.code);
  for (const r of repo.recordsOf(selection)) {
    const version = byVersion.get(r.instrument_version);
    if (!version) throw new Error(`record ${r.record_id}: version ${r.instrument_version} is not loaded`);
    const stored = JSON.parse(r.answers) as Answers;
    // A refusal keeps only the header and the refusal, whatever else a draft had saved (the records
    // service stores it so; an export must not depend on every earlier save having done it).
    const consent = version.instrument.meta.consent?.question;
    const answers = r.status === 'refused' && consent ? refusalAnswers(version.instrument, consent, stored) : stored;
    const computed = version.values.row(answers, new Date(r.updated_at));
    const meta: Cell[] = [
      r.record_id,
      cleanText(r.site_name),
      r.instrument_version,
      r.status,
      initialsOf({ full_name: r.started_name, email: r.started_email }),
      moment(r.created_at),
      initialsOf({ full_name: r.updated_name, email: r.updated_email }),
      moment(r.updated_at),
      moment(r.finalized_at),
    ];
    const data = version.columns.map((at, i) => {
      const cell = at < 0 ? MISSING.skipped.code : (computed.cells[at] as Cell);
      // Text as every export keeps it (cleanText): spaces evened out, line breaks kept.
      return variables[RECORD_META.length + i]?.kind === 'string'
        ? typeof cell === 'string'
          ? cleanText(cell)
          : String(cell)
        : cell;
    });
    rows.push([...meta, ...data]);
    version.entries.push({ caseId: r.record_id, answers, savedAt: new Date(r.updated_at) });
    byStatus[r.status]++;
    if (options.onRecords && (rows.length % 50 === 0 || rows.length === total)) options.onRecords(rows.length, total);
  }
  const recordIds = new Set(rows.map((row) => row[0] as number));

  const second = unionTables(
    codebook,
    exportVariable,
    instruments.map((instrument, i) => {
      const entries = byVersion.get(instrument.meta.version)?.entries ?? [];
      return entryTables(instrument, codebooks[i] as Codebook, exportVariable, () => entries);
    }),
  ).map((t) => ({ ...t, variables: withShortLabels(t.variables) }));

  // The changes of the records exported, read once: rows written later would disagree with the data.
  const changes: Cell[][] = [];
  for (const c of repo.changesOf(selection)) {
    if (!recordIds.has(c.record_id)) continue;
    changes.push([
      c.record_id,
      c.id,
      c.revision,
      c.variable,
      changeValue(c.old_value),
      changeValue(c.new_value),
      initialsOf({ full_name: c.staff_name, email: c.staff_email }),
      c.staff_id,
      Date.parse(c.at),
      c.reason ?? '',
    ]);
  }

  return {
    table: { name: 'data', key: [RECORD_KEY], variables, rows: () => rows, rowCount: rows.length },
    entryTables: second,
    auditTrail: {
      name: AUDIT_TRAIL,
      key: [RECORD_KEY, 'change_id'],
      variables: withShortLabels([...AUDIT_TRAIL_VARIABLES]),
      rows: () => changes,
      rowCount: changes.length,
    },
    codebook,
    notes,
    initials,
    byStatus,
  };
}

/** How codebook.json describes the audit trail, which no instrument defines. */
export function auditTrailDescription(table: ExportTable) {
  return {
    name: table.name,
    key: table.key ?? [],
    description:
      'Restricted: every field-level change of the exported records, oldest first per record (who, when, old and new value, and the reason when a final record was reopened). Never in a public-use file.',
    variables: table.variables.map(({ name, label, kind }) => ({ name, label, kind })),
  };
}
