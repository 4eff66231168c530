import { randomBytes } from 'node:crypto';
import type { Deps } from './deps.js';
import { loadInstruments } from './instruments/registry.js';
import { createValidationPool } from './instruments/validationPool.js';
import { recordInstrumentVersions } from './instruments/versions.js';
import { createSmtpMailer } from './mailings/mailer.js';
import { type Clock, realSleep } from './platform/clock.js';
import { type Config, parseConfig } from './platform/config.js';
import { type Db, migrate, openDatabase } from './platform/db.js';
import { consoleLogger } from './platform/logger.js';

/**
 * Builds the real dependencies from the environment: config, database (migrated), instruments.
 * Shared by the server and the CLI so both see the same data the same way.
 */
export function createRuntime(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Deps {
  const config: Config = parseConfig(env, cwd);
  const instruments = loadInstruments(config.instrumentsDir);
  const db: Db = openDatabase(config.databaseFile);
  try {
    migrate(db);
    recordInstrumentVersions(db, instruments, new Date().toISOString());
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    config,
    db,
    instruments,
    clock: clockOf(config),
    random: randomBytes,
    logger: consoleLogger(config.logLevel),
    // Threads start on first use, so CLI commands that never validate start none.
    validation: createValidationPool({ threads: config.validationThreads }),
    // The pool connects on the first message, so commands that send nothing open no connection.
    mailer: config.smtpUrl ? createSmtpMailer(config.smtpUrl) : undefined,
    sleep: realSleep,
  };
}

/**
 * The real clock, or with FIELDKIT_NOW one that starts at that instant and runs on at the real
 * pace, so that waits and rate limits behave as they would on that day.
 */
export function clockOf(config: Pick<Config, 'clockStartsAt'>, realNow: () => number = Date.now): Clock {
  if (config.clockStartsAt === undefined) return () => new Date(realNow());
  const offset = new Date(config.clockStartsAt).getTime() - realNow();
  return () => new Date(realNow() + offset);
}
