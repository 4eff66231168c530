import { parentPort, workerData } from 'node:worker_threads';
import { readBounceFile } from './dsn.js';

/**
 * Reads one uploaded mailbox in a thread of its own (dsnThread.ts): a 25 MB mbox takes seconds to
 * read, which would otherwise hold every respondent's request for as long.
 */
const port = parentPort;
if (!port) throw new Error('dsnWorker.ts runs only as a worker thread');
port.postMessage(readBounceFile(Buffer.from(workerData as Uint8Array).toString('utf8')));
