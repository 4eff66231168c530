import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AuditEntry } from '../audit/repo.js';
import { createAuditRepo } from '../audit/repo.js';
import { createCaseRepo } from '../cases/repo.js';
import { createFieldingRepo } from '../fieldings/repo.js';
import { createInstrumentRegistry, type Instrument } from '../instruments/registry.js';
import { createOfficeRepo } from '../offices/repo.js';
import { AppError } from '../platform/errors.js';
import { createTokenRepo } from '../tokens/repo.js';
import { exportRecords, type RecordExportManifest, type RecordExportRequest } from './recordExport.js';
import { type ExportManifest, type ExportRequest, exportFielding } from './service.js';

/**
 * One export, in a thread of its own (runner.ts): exportFielding and exportRecords are CPU-heavy work
 * that would otherwise hold the event loop every respondent's request waits on. The thread reads
 * the database through its own read-only connection; the audit entry the export records is sent
 * back for the main connection to write, since this one may not write.
 */
/** What to export: a fielding's cases, or the Phase II records of an instrument. */
export type ExportJobRequest =
  | ({ kind: 'fielding' } & Omit<ExportRequest, 'onProgress'>)
  | ({ kind: 'records' } & Omit<RecordExportRequest, 'onProgress'>);

export type ExportJob = {
  databaseFile: string;
  instruments: Instrument[];
  request: ExportJobRequest;
  /** The server clock's time when the export was asked for. */
  now: string;
};

export type ExportReply =
  | { ok: true; manifest: ExportManifest | RecordExportManifest; audit: AuditEntry }
  | { ok: false; error: { status: number; code: string; message: string; details?: unknown } | { internal: string } };

async function run(job: ExportJob): Promise<ExportReply> {
  const db = new Database(job.databaseFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const repos = {
      db,
      audit: createAuditRepo(db),
      cases: createCaseRepo(db),
      fieldings: createFieldingRepo(db),
      offices: createOfficeRepo(db),
      tokens: createTokenRepo(db),
    };
    let audit: AuditEntry | undefined;
    const ctx = {
      repos: {
        ...repos,
        audit: {
          ...repos.audit,
          recordAudit: (entry: AuditEntry) => {
            audit = entry;
            return { changes: 1, lastInsertRowid: 0 };
          },
        },
      },
      instruments: createInstrumentRegistry(job.instruments),
      clock: () => new Date(job.now),
    };
    const { kind, ...request } = job.request;
    const manifest =
      kind === 'fielding'
        ? await exportFielding(ctx, request as Omit<ExportRequest, 'onProgress'>)
        : await exportRecords(ctx, request as Omit<RecordExportRequest, 'onProgress'>);
    if (!audit) throw new Error('the export recorded no audit entry');
    return { ok: true, manifest, audit };
  } catch (err) {
    if (err instanceof AppError) {
      return { ok: false, error: { status: err.status, code: err.code, message: err.message, details: err.details } };
    }
    // The class and first frames only: a message could quote answers.
    const where = err instanceof Error ? (err.stack?.split('\n').slice(1, 3).join(' | ') ?? '') : '';
    return { ok: false, error: { internal: `${err instanceof Error ? err.name : typeof err} ${where}` } };
  } finally {
    db.close();
  }
}

const port = parentPort;
if (!port) throw new Error('exportWorker.ts runs only as a worker thread');
void run(workerData as ExportJob).then((reply) => port.postMessage(reply));
