import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Deps } from './deps.js';
import { loadInstruments } from './instruments/registry.js';
import { createValidationPool } from './instruments/validationPool.js';
import { recordInstrumentVersions } from './instruments/versions.js';
import { createSmtpMailer } from './mailings/mailer.js';
import { type Clock, realSleep } from './platform/clock.js';
import { type Config, ConfigError, parseConfig } from './platform/config.js';
import { type Db, migrate, openDatabase } from './platform/db.js';
import { consoleLogger } from './platform/logger.js';
import { createRehearsalRepo } from './rehearsal/repo.js';

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
    refuseClockOnLiveData(db, config);
    refuseRealMailOnRehearsal(db, config);
    recordInstrumentVersions(db, instruments, new Date().toISOString());
  } catch (err) {
    db.close();
    throw err;
  }
  const clock = clockOf(config);
  return {
    config,
    db,
    instruments,
    clock,
    random: randomBytes,
    logger: consoleLogger(config.logLevel),
    // Threads start on first use, so CLI commands that never validate start none.
    validation: createValidationPool({ threads: config.validationThreads, clock }),
    // The pool connects on the first message, so commands that send nothing open no connection.
    mailer: config.smtpUrl ? createSmtpMailer(config.smtpUrl) : undefined,
    sleep: realSleep,
  };
}

/**
 * FIELDKIT_NOW on the live database would act on the study for real at another instant: its mail
 * pace taken days ahead, reminders sent early, events stamped in the future. It is honoured only
 * on a copy that `fieldkit rehearsal copy` made and marked.
 */
function refuseClockOnLiveData(db: Db, config: Config): void {
  if (config.clockStartsAt === undefined) return;
  if (createRehearsalRepo(db).findRehearsalCopy()) return;
  throw new ConfigError(
    `FIELDKIT_NOW is set (${config.clockStartsAt}), but ${config.databaseFile} is not a rehearsal copy: acting as if it were another time would change the live study (its mail pace, reminders and case log). Unset FIELDKIT_NOW, or rehearse on a copy: npx fieldkit rehearsal copy --to <new folder>, then run with DATA_DIR=<new folder>.`,
  );
}

/**
 * A rehearsal copy holds the live study's real contact addresses: run with a real mail server it
 * would send them invitations, reminders and thank-yous for a survey that is only being rehearsed.
 * On a copy, mail may only go to a capture server on this machine (loopback), or nowhere.
 */
function refuseRealMailOnRehearsal(db: Db, config: Config): void {
  if (config.smtpUrl === undefined) return;
  if (!createRehearsalRepo(db).findRehearsalCopy()) return;
  const host = smtpHostOf(config.smtpUrl);
  if (isLoopbackHost(host)) return;
  throw new ConfigError(
    `SMTP_URL points to ${host || 'no host'}, but ${config.databaseFile} is a rehearsal copy: it holds the live study's real contact addresses, and a rehearsal must never email them. Unset SMTP_URL (email off), or point it at a capture server on this machine (e.g. SMTP_URL=smtp://127.0.0.1:1025).`,
  );
}

function smtpHostOf(smtpUrl: string): string {
  try {
    return new URL(smtpUrl).hostname;
  } catch {
    return '';
  }
}

/** localhost, 127.0.0.0/8 or ::1 (URL writes IPv6 hosts in brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
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
