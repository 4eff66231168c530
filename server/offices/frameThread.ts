import { AppError } from '../platform/errors.js';
import { runInThread } from '../platform/workers.js';
import type { FrameResult } from './frame.js';

/**
 * parseFrame (the CLI's frame check, the same code) run in a worker thread, for frames uploaded to
 * the server: the answer is the same FrameResult, and the event loop stays free while it runs.
 */
export const parseFrameInThread = (bytes: Uint8Array): Promise<FrameResult> =>
  runInThread<FrameResult>(import.meta.url, 'frameWorker', bytes, {
    maxOldGenerationSizeMb: 512,
    failure: () =>
      new AppError(500, 'frame_check_failed', 'The frame could not be checked on the server; nothing was imported.'),
  });
