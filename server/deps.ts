import type { InstrumentRegistry } from './instruments/registry.js';
import type { ValidationPool } from './instruments/validationPool.js';
import type { MailingContext } from './mailings/dispatch.js';
import type { Mailer } from './mailings/mailer.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { Db } from './platform/db.js';
import type { Logger } from './platform/logger.js';
import type { RandomBytes } from './platform/secrets.js';
import { createRepos, type Repos } from './repos.js';

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

/** The sending engine's context from the runtime's dependencies, for the scheduler and the CLI. */
export function mailingContextOf(deps: Deps, mailer: Mailer): MailingContext & { repos: Repos } {
  return {
    repos: createRepos(deps.db),
    mailer,
    clock: deps.clock,
    random: deps.random,
    publicUrl: deps.config.publicUrl,
    mailFrom: deps.config.mailFrom,
    sleep: deps.sleep,
    logger: deps.logger,
    instruments: deps.instruments,
  };
}
