import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import { createApp } from '../../server/app.js';
import { markIssuedInvited } from '../../server/casework/service.js';
import type { IssuedLink } from '../../server/contracts/cases.js';
import type { Deps } from '../../server/deps.js';
import { createFielding } from '../../server/fieldings/service.js';
import type { StaffRoute } from '../../server/http/registry.js';
import { type InstrumentRegistry, loadInstruments } from '../../server/instruments/registry.js';
import { createValidationPool } from '../../server/instruments/validationPool.js';
import type { Mailer } from '../../server/mailings/mailer.js';
import { parseFrame } from '../../server/offices/frame.js';
import { realSleep } from '../../server/platform/clock.js';
import {
  type Config,
  defaultLimits,
  defaultStaffSettings,
  parseConfig,
  type RespondentLimits,
  type StaffSettings,
  type ThrottleLimits,
} from '../../server/platform/config.js';
import { type Db, migrate, openDatabase } from '../../server/platform/db.js';
import type { Logger } from '../../server/platform/logger.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRepos } from '../../server/repos.js';
import { frameCsv, frameRow } from '../factories/frame.js';

let sharedInstruments: InstrumentRegistry | undefined;
/** The shipped instruments; immutable, so one load serves every test in a worker. */
export function shippedInstruments(): InstrumentRegistry {
  sharedInstruments ??= loadInstruments(path.join(projectRoot, 'instruments'));
  return sharedInstruments;
}

/** The staff routes the composition root collected for this app. */
export const staffRoutesOf = (app: ReturnType<typeof createApp>): readonly StaffRoute[] => app.locals.staffRoutes;

/** A clock the test moves by hand. */
export function fakeClock(start = '2027-02-01T09:00:00.000Z') {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

/** Collects log lines so tests can prove what is (not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), error: (m) => lines.push(`ERROR ${m}`) };
}

export type TestEnv = Deps & {
  dir: string;
  logger: ReturnType<typeof memoryLogger>;
  clock: ReturnType<typeof fakeClock>;
  app: ReturnType<typeof createApp>;
  close(): void;
};

/**
 * A fresh database in its own folder, the shipped instruments, a fake clock and a captured log.
 * The client folder holds a stand-in page unless `clientDir` points at a real build.
 */
export function createTestEnv(
  options: {
    limits?: Partial<RespondentLimits>;
    /** Throttle settings over the defaults (free failures, delays). */
    throttle?: Partial<ThrottleLimits>;
    /** TRUST_PROXY as the environment would give it. */
    trustProxy?: string;
    clientDir?: string;
    publicUrl?: string;
    instruments?: InstrumentRegistry;
    /** Staff settings over the defaults (timeouts, login throttle, scrypt cost). */
    staff?: Partial<StaffSettings>;
    /** A mailer (e.g. over test/support/smtp.ts); without one, email is off as without SMTP_URL. */
    mailer?: Mailer;
    /** How paced sends wait; real waiting by default. */
    sleep?: (ms: number) => Promise<void>;
  } = {},
): TestEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-test-'));
  let clientDir = options.clientDir;
  if (!clientDir) {
    clientDir = path.join(dir, 'client');
    mkdirSync(path.join(clientDir, 'respond'), { recursive: true });
    writeFileSync(
      path.join(clientDir, 'respond', 'index.html'),
      '<!doctype html><title>Fieldkit survey</title><div id="root"></div>',
    );
    mkdirSync(path.join(clientDir, 'console'), { recursive: true });
    writeFileSync(
      path.join(clientDir, 'console', 'index.html'),
      '<!doctype html><title>Fieldkit staff</title><div id="root"></div>',
    );
  }
  const base = parseConfig({
    DATA_DIR: dir,
    PUBLIC_URL: options.publicUrl ?? 'http://fieldkit.test',
    LOG_LEVEL: 'silent',
    ...(options.trustProxy === undefined ? {} : { TRUST_PROXY: options.trustProxy }),
  });
  const limits: RespondentLimits = {
    ...defaultLimits,
    ...options.limits,
    throttle: { ...defaultLimits.throttle, ...options.throttle },
  };
  // scrypt at 2^12 keeps a test's dozens of logins fast; test/staff/passwords.test.ts proves the real default.
  const staff: StaffSettings = { ...defaultStaffSettings, scryptLogN: 12, ...options.staff };
  const config: Config = Object.freeze({ ...base, clientDir, limits, staff });
  const db: Db = openDatabase(config.databaseFile);
  migrate(db);
  const logger = memoryLogger();
  const clock = fakeClock();
  const deps: Deps = {
    db,
    config,
    instruments: options.instruments ?? shippedInstruments(),
    clock,
    random: randomBytes,
    logger,
    validation: createValidationPool({ threads: 1, clock }),
    mailer: options.mailer,
    sleep: options.sleep ?? realSleep,
  };
  const app = createApp(deps);
  return {
    ...deps,
    dir,
    logger,
    clock,
    app,
    close() {
      void deps.validation.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fielding of `offices` hand-made offices and returns the clear links. */
export function seedFielding(
  env: Pick<Deps, 'db' | 'instruments' | 'clock' | 'random' | 'config'>,
  options: {
    name?: string;
    offices?: number;
    instrument?: string;
    closesAt?: Date;
    rows?: Record<string, string>[];
  } = {},
): IssuedLink[] {
  const rows = options.rows ?? Array.from({ length: options.offices ?? 1 }, (_, i) => frameRow(i + 1));
  const frame = parseFrame(Buffer.from(frameCsv(rows)));
  if (!frame.ok) throw new Error(`bad test frame: ${JSON.stringify(frame.problems)}`);
  const result = createFielding(
    {
      repos: createRepos(env.db),
      instruments: env.instruments,
      clock: env.clock,
      random: env.random,
      publicUrl: env.config.publicUrl,
    },
    {
      name: options.name ?? 'pilot',
      instrument: options.instrument ?? 'tip-prosecutor-survey',
      offices: frame.offices,
      closesAt: options.closesAt,
    },
  );
  return result.links;
}

/**
 * Records the fielding's links file as handed out on `on` (default: the clock's day), as staff do
 * with `fieldkit case invited --all-issued`: its cases count as invited (3.19 until they answer).
 * Issuing the links alone invites nobody.
 */
export function handOutLinks(
  env: Pick<Deps, 'db' | 'clock'>,
  fielding = 'pilot',
  on = env.clock().toISOString().slice(0, 10),
): number {
  const repos = createRepos(env.db);
  const found = repos.fieldings.findFieldingByName(fielding);
  if (!found) throw new Error(`no fielding ${fielding}`);
  return markIssuedInvited({ repos, clock: env.clock }, { fieldingId: found.id, fielding, on, actor: 'fixture' });
}

/** The token part of a link URL. */
export const tokenOf = (link: IssuedLink) => link.link.split('/s/')[1] as string;

/** A supertest parser that keeps a binary answer (a PDF, a zip) whole as a Buffer: `.buffer(true).parse(binaryBody)`. */
export const binaryBody = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
