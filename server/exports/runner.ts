import type { AuditEntry } from '../audit/repo.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { AppError } from '../platform/errors.js';
import { startWorker } from '../platform/workers.js';
import type { ExportJob, ExportJobRequest, ExportReply } from './exportWorker.js';
import type { RecordExportManifest, RecordExportRequest } from './recordExport.js';
import type { ExportManifest, ExportRequest } from './service.js';

export type ExportRunner = {
  /** Runs exportFielding in a new thread; resolves with the manifest and the audit entry to record. */
  run(request: Omit<ExportRequest, 'onProgress'>, now: Date): Promise<{ manifest: ExportManifest; audit: AuditEntry }>;
  /** Runs exportRecords (Phase II records) in a new thread, likewise. */
  runRecords(
    request: Omit<RecordExportRequest, 'onProgress'>,
    now: Date,
  ): Promise<{ manifest: RecordExportManifest; audit: AuditEntry }>;
  /** Exports running now. */
  running(): number;
};

/**
 * Exports off the event loop, each in its own worker thread with its own read-only connection
 * (exportWorker.ts). A few may run at once; more are refused with 503 rather than queued, since
 * each holds a thread and memory for the length of a large fielding's export.
 */
export function createExportRunner(options: {
  databaseFile: string;
  instruments: InstrumentRegistry;
  maxRunning?: number;
  logError?: (message: string) => void;
}): ExportRunner {
  const { maxRunning = 2 } = options;
  let running = 0;
  function start(request: ExportJobRequest, now: Date) {
    if (running >= maxRunning) {
      return Promise.reject(
        new AppError(
          503,
          'exports_busy',
          `${maxRunning} exports are running; try again in a minute.`,
          { retryAfterSeconds: 60 },
          { 'Retry-After': '60' },
        ),
      );
    }
    running++;
    const job: ExportJob = {
      databaseFile: options.databaseFile,
      instruments: [...options.instruments.all()],
      request,
      now: now.toISOString(),
    };
    return new Promise<{ manifest: ExportManifest | RecordExportManifest; audit: AuditEntry }>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        running--;
        fn();
      };
      const worker = startWorker(import.meta.url, 'exportWorker', {
        workerData: job,
        resourceLimits: { maxOldGenerationSizeMb: 1024 },
      });
      worker.once('message', (reply: ExportReply) => {
        settle(() => {
          if (reply.ok) resolve({ manifest: reply.manifest, audit: reply.audit });
          else if ('internal' in reply.error) {
            options.logError?.(`export failed: ${reply.error.internal}`);
            reject(new AppError(500, 'export_failed', 'The export failed on the server; nothing was recorded.'));
          } else {
            const e = reply.error;
            reject(new AppError(e.status, e.code, e.message, e.details));
          }
        });
        void worker.terminate();
      });
      worker.once('error', (err) =>
        settle(() => {
          options.logError?.(`export thread failed: ${err.name}`);
          reject(new AppError(500, 'export_failed', 'The export failed on the server; nothing was recorded.'));
        }),
      );
      worker.once('exit', (code) =>
        settle(() => reject(new AppError(500, 'export_failed', `The export thread stopped (exit ${code}).`))),
      );
    });
  }
  return {
    running: () => running,
    run: (request, now) =>
      start({ kind: 'fielding', ...request }, now) as Promise<{ manifest: ExportManifest; audit: AuditEntry }>,
    runRecords: (request, now) =>
      start({ kind: 'records', ...request }, now) as Promise<{ manifest: RecordExportManifest; audit: AuditEntry }>,
  };
}
