import type { Worker } from 'node:worker_threads';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { startWorker } from '../platform/workers.js';
import type { Answers } from './answers.js';
import type { CompletionVerdict } from './completion.js';
import type { HostValues } from './hostVariables.js';
import type { Instrument } from './registry.js';
import type { ValidationJob, ValidationReply } from './validationWorker.js';

/**
 * Runs the SurveyJS half of a completion (completion.ts) in a few worker threads, so that building
 * models (~40 ms each for the Phase I survey) never holds the event loop that answers every other
 * respondent. Threads start on first use and are replaced when one fails or overruns its time.
 */
export type ValidationPool = {
  /** `host`: the case's host variables (meta.hostVariables), given to the model before the answers. */
  judgeCompletion(instrument: Instrument, answers: Answers, host?: HostValues): Promise<CompletionVerdict>;
  /** Jobs waiting for a thread and threads running, for tests and benchmarks. */
  load(): { queued: number; running: number; threads: number };
  close(): Promise<void>;
};

export type ValidationPoolOptions = {
  threads: number;
  /**
   * The server's clock: each job carries its time, so the instrument's date checks (today() and
   * kin, see surveyClock.ts) judge by the same day as the rest of the server, not the machine's.
   */
  clock: Clock;
  /** A job running longer is stopped (its thread is replaced) and answered 503. */
  jobTimeoutMs?: number;
  /** Jobs beyond this many waiting are refused with 503 at once rather than queued without end. */
  maxQueued?: number;
};

type Pending = {
  job: ValidationJob;
  instrument: Instrument;
  resolve(v: CompletionVerdict): void;
  reject(e: unknown): void;
};
type Thread = { worker: Worker; ready: boolean; sent: Set<string>; running?: Pending; timer?: NodeJS.Timeout };

const busy = (message: string) =>
  new AppError(503, 'server_busy', message, { retryAfterSeconds: 5 }, { 'Retry-After': '5' });

/** A validation thread (validationWorker.ts), its memory bounded. */
const spawnWorker = () =>
  startWorker(import.meta.url, 'validationWorker', { resourceLimits: { maxOldGenerationSizeMb: 256 } });

export function createValidationPool(options: ValidationPoolOptions): ValidationPool {
  const { threads: size, clock, jobTimeoutMs = 15_000, maxQueued = 200 } = options;
  const threads = new Set<Thread>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  // Threads that died before they were ready, in a row: a broken install, not a busy server.
  let failedStarts = 0;

  function finish(thread: Thread) {
    clearTimeout(thread.timer);
    thread.running = undefined;
    thread.timer = undefined;
  }

  function retire(thread: Thread, failure: unknown) {
    const running = thread.running;
    finish(thread);
    threads.delete(thread);
    void thread.worker.terminate();
    running?.reject(failure);
    dispatch();
  }

  function startThread(): Thread {
    const thread: Thread = { worker: spawnWorker(), ready: false, sent: new Set() };
    threads.add(thread);
    thread.worker.on('message', (message: ValidationReply | { ready: true }) => {
      if ('ready' in message) {
        thread.ready = true;
        failedStarts = 0;
        dispatch();
        return;
      }
      const running = thread.running;
      if (!running || running.job.id !== message.id) return;
      finish(thread);
      if ('verdict' in message) running.resolve(message.verdict);
      else running.reject(new AppError(500, 'validation_failed', 'The answers could not be checked; try again.'));
      dispatch();
    });
    thread.worker.on('error', () =>
      retire(thread, new AppError(500, 'validation_failed', 'The answers could not be checked; try again.')),
    );
    thread.worker.on('exit', () => {
      if (!threads.has(thread)) return;
      if (!thread.ready && ++failedStarts >= 3) {
        threads.delete(thread);
        failedStarts = 0;
        for (const pending of queue.splice(0)) {
          pending.reject(new AppError(500, 'validation_unavailable', 'The answers cannot be checked right now.'));
        }
        return;
      }
      retire(thread, busy('The server restarted a validation thread; try again.'));
    });
    // Idle threads must not keep a CLI process or a test run alive.
    thread.worker.unref();
    return thread;
  }

  function run(thread: Thread, pending: Pending) {
    const { instrument, job } = pending;
    const key = `${instrument.key}#${instrument.contentHash}`;
    const message: ValidationJob = { ...job, key, survey: thread.sent.has(key) ? undefined : instrument.survey };
    thread.sent.add(key);
    thread.running = pending;
    thread.timer = setTimeout(
      () => retire(thread, busy('Checking these answers took too long; try again in a moment.')),
      jobTimeoutMs,
    );
    thread.worker.postMessage(message);
  }

  function dispatch() {
    while (queue.length > 0) {
      const idle = [...threads].find((t) => t.ready && !t.running);
      if (idle) {
        run(idle, queue.shift() as Pending);
        continue;
      }
      const starting = [...threads].filter((t) => !t.ready).length;
      if (threads.size < size && starting < queue.length) startThread();
      return;
    }
  }

  return {
    judgeCompletion(instrument, answers, host = {}) {
      if (closed) return Promise.reject(busy('The server is shutting down; try again shortly.'));
      if (queue.length >= maxQueued) {
        return Promise.reject(busy('The server is checking many surveys at once; try again in a moment.'));
      }
      return new Promise<CompletionVerdict>((resolve, reject) => {
        queue.push({
          job: { id: nextId++, key: '', answers, host, now: clock().getTime() },
          instrument,
          resolve,
          reject,
        });
        dispatch();
      });
    },
    load: () => ({
      queued: queue.length,
      running: [...threads].filter((t) => t.running).length,
      threads: threads.size,
    }),
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(busy('The server is shutting down; try again shortly.'));
      const all = [...threads];
      threads.clear();
      for (const t of all) {
        clearTimeout(t.timer);
        t.running?.reject(busy('The server is shutting down; try again shortly.'));
      }
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}
