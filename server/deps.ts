import type { Config } from './config.js';
import type { Db } from './db.js';
import type { InstrumentRegistry } from './instruments/registry.js';
import type { ValidationPool } from './instruments/validationPool.js';
import type { Mailer } from './mailings/mailer.js';
import type { RandomBytes } from './tokens/service.js';

export type Clock = () => Date;

/** Logs carry events and counts, never answers, tokens, codes or passwords. */
export type Logger = { info(message: string): void; error(message: string): void };

export type Deps = {
  db: Db;
  config: Config;
  instruments: InstrumentRegistry;
  clock: Clock;
  random: RandomBytes;
  logger: Logger;
  /** Runs SurveyJS validation of completions in worker threads. */
  validation: ValidationPool;
  /** The SMTP mailer, or undefined when SMTP_URL is not set (email is off). */
  mailer: Mailer | undefined;
  /** Waits between paced messages, ending early when the signal aborts; tests pass one that moves their fake clock. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/**
 * Resolves after `ms`, or at once when `signal` aborts: a sender told to stop must not sit out a
 * pace interval (30 s at 2 per minute) with nothing to send, nor keep the process alive with its timer.
 */
export const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export function consoleLogger(level: Config['logLevel']): Logger {
  return {
    info: (m) => {
      if (level === 'info') process.stdout.write(`${new Date().toISOString()} ${m}\n`);
    },
    error: (m) => {
      if (level !== 'silent') process.stderr.write(`${new Date().toISOString()} ERROR ${m}\n`);
    },
  };
}
