import { AppError } from '../platform/errors.js';
import { runInThread } from '../platform/workers.js';
import type { BounceMessage } from './dsn.js';

/**
 * readBounceFile (what `fieldkit bounces read` runs, the same code) in a worker thread, for files
 * uploaded to the server: the same messages, and the event loop stays free while they are read.
 */
export const readBounceFileInThread = (bytes: Uint8Array): Promise<BounceMessage[]> =>
  runInThread<BounceMessage[]>(import.meta.url, 'dsnWorker', bytes, {
    // A 25 MB mbox is read as one line object per line: several hundred MB at most.
    maxOldGenerationSizeMb: 1024,
    failure: () =>
      new AppError(500, 'bounces_read_failed', 'The file could not be read on the server; nothing was applied.'),
  });
