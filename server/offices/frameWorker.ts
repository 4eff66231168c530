import { parentPort, workerData } from 'node:worker_threads';
import { parseFrame } from './frame.js';

/**
 * Checks one uploaded frame in a thread of its own (frameThread.ts): a 10 MB file takes ~0.5 s
 * to check, which would otherwise hold every respondent's request for as long.
 */
const port = parentPort;
if (!port) throw new Error('frameWorker.ts runs only as a worker thread');
port.postMessage(parseFrame(workerData as Uint8Array));
