import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { AuditEntry } from '../audit/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { Clock } from '../platform/clock.js';
import { AppError, unprocessable } from '../platform/errors.js';
import type { SiteRepo, SiteRow } from '../sites/repo.js';
import { siteNotFound } from '../sites/service.js';
import { initialsOf } from '../staff/names.js';
import { buildQdaProject, type QdaInterview, type QdaPerson, type QdaProject, qdpxStream } from './qdpx.js';
import { isInterviewInstrument } from './qdpxNotes.js';
import type { QdpxRecordRow, QdpxRepo } from './qdpxRepo.js';

export type NotesExportContext = {
  repos: { qdpx: QdpxRepo; sites: SiteRepo };
  instruments: InstrumentRegistry;
  clock: Clock;
};

export type NotesExportRequest = {
  /** The site, by name (the CLI) or id (the console). */
  site: { name: string } | { id: number };
  /** Interviews still being entered too; by default only final ones, the notes as they were checked. */
  includeInProgress: boolean;
  /** Who asked, for the audit log (the OS user for the CLI). */
  actor: string;
};

export type NotesExport = {
  site: SiteRow;
  project: QdaProject;
  fileName: string;
  interviews: number;
  at: Date;
  /** What to write to the audit log once the file is out (never a word of the notes). */
  audit: AuditEntry;
};

/** The site asked for, by name (any case) or id; 404 naming it when there is none. */
function siteOr404(sites: SiteRepo, ref: NotesExportRequest['site']): SiteRow {
  if (!('name' in ref)) {
    const site = sites.findSite(ref.id);
    if (!site) throw siteNotFound();
    return site;
  }
  const site = sites.findSiteByName(ref.name.trim());
  if (!site) throw new AppError(404, 'site_not_found', `No site named "${ref.name}".`);
  return site;
}

/** How a staff member appears in the project: the full name if an admin set one, else the initials. */
function personOf(id: number, email: string, fullName: string): QdaPerson {
  return { id, name: fullName.trim() || initialsOf({ full_name: fullName, email }) };
}

/** A site's name as part of a file name: letters, digits, dot, dash and underscore. */
export const fileNamePart = (name: string) => name.replace(/[^\w.-]+/g, '_');

/**
 * The REFI-QDA project of a site's interview notes (issue 20, point 5): each interview record (of an
 * interviewer-mode instrument with note fields) a text source, each interviewee a case, each
 * interviewer a user. Refused records hold no interview and are never in it. Notes only ever leave
 * in this identified project; the caller records the export in the audit log once it is written.
 */
export function exportInterviewNotes(ctx: NotesExportContext, request: NotesExportRequest): NotesExport {
  const site = siteOr404(ctx.repos.sites, request.site);
  const interviews: QdaInterview[] = [];
  let leftInProgress = 0;
  for (const row of ctx.repos.qdpx.recordsOf(site.id)) {
    const instrument = instrumentOf(ctx.instruments, row);
    if (!isInterviewInstrument(instrument) || row.status === 'refused') continue;
    if (row.status === 'in_progress' && !request.includeInProgress) {
      leftInProgress++;
      continue;
    }
    interviews.push({
      recordId: row.id,
      instrument,
      answers: JSON.parse(row.answers) as Record<string, unknown>,
      site: site.name,
      startedBy: personOf(row.started_by_id, row.started_by_email, row.started_by_name),
      lastSavedBy: personOf(row.saved_by_id, row.saved_by_email, row.saved_by_name),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
  if (interviews.length === 0) {
    throw unprocessable(
      'no_interviews',
      leftInProgress > 0
        ? `${site.name} has no final interview records yet (${leftInProgress} still in progress): finalize them, or include interviews in progress.`
        : `${site.name} has no interview records to export: its notes come from the interview instruments' records, and none has been entered at this site.`,
      { site: site.name, inProgress: leftInProgress },
    );
  }
  const at = ctx.clock();
  const project = buildQdaProject({
    name: `Interview notes: ${site.name}`,
    guidKey: ctx.repos.qdpx.guidKey(),
    createdAt: at.toISOString(),
    interviews,
  });
  const fileName = `${fileNamePart(site.name)}-interview-notes-${at.toISOString().slice(0, 10)}.qdpx`;
  const audit: AuditEntry = {
    at: at.toISOString(),
    actor: request.actor,
    action: 'export_notes',
    fielding: null,
    detail: {
      site: site.name,
      format: 'qdpx',
      fileName,
      interviews: interviews.length,
      records: interviews.map((i) => i.recordId),
      includeInProgress: request.includeInProgress,
    },
  };
  return { site, project, fileName, interviews: interviews.length, at, audit };
}

function instrumentOf(instruments: InstrumentRegistry, row: QdpxRecordRow) {
  const instrument = instruments.get(row.instrument_id, row.instrument_version);
  if (!instrument) {
    throw unprocessable(
      'instrument_not_loaded',
      `Record ${row.id} was entered on ${row.instrument_id}@${row.instrument_version}, which this server has not loaded: add that version's file to the instruments folder.`,
    );
  }
  return instrument;
}

/** Writes the `.qdpx` to a new file, readable by the owner only (the notes identify people's work). */
export async function writeQdpxFile(project: QdaProject, file: string, mtime: Date): Promise<void> {
  await pipeline(qdpxStream(project, mtime), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}
