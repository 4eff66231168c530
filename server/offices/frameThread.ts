import { AppError } from '../errors.js';
import { startWorker } from '../workers.js';
import type { FrameResult } from './frame.js';

/**
 * parseFrame (the CLI's frame check, the same code) run in a worker thread, for frames uploaded to
 * the server: the answer is the same FrameResult, and the event loop stays free while it runs.
 */
export function parseFrameInThread(bytes: Uint8Array): Promise<FrameResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = startWorker(import.meta.url, 'frameWorker', {
      workerData: bytes,
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const fail = () => {
      if (settled) return;
      settled = true;
      reject(
        new AppError(500, 'frame_check_failed', 'The frame could not be checked on the server; nothing was imported.'),
      );
    };
    worker.once('message', (result: FrameResult) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('exit', fail);
  });
}
