import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.js';

/**
 * The only place that reads the environment. Everything else receives a frozen Config, so tests
 * build their own and nothing changes behind their back.
 */
const EnvSchema = z.object({
  // Digits only: z.coerce would turn an empty `PORT=` into 0, "any free port".
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number'))
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((u) => !/[?#]/.test(u), 'must not have a query or fragment (links are built by appending /s/<token>)')
    .optional(),
  // The sender of invitations and reminders, as written in a From header.
  MAIL_FROM: z
    .string()
    .trim()
    .regex(
      /^(?:[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'must be an address like survey@example.org or "Survey team" <survey@example.org>',
    )
    .optional(),
  INSTRUMENTS_DIR: z.string().min(1).optional(),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  LOG_LEVEL: z.enum(['silent', 'error', 'info']).default('info'),
  // Chromium prints the blank instrument to PDF (`fieldkit instruments print`).
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  // Threads that run SurveyJS validation of completions off the event loop (see validationPool.ts).
  VALIDATION_THREADS: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number of threads from 1 to 16')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(16, 'must be at most 16'))
    .optional(),
  // "Act as if it were this instant": for tests and for rehearsing a reminder schedule on a copy of
  // the data (FIELDKIT_NOW=2027-03-01T09:00:00Z fieldkit remind --fielding pilot --dry-run). The
  // clock starts there and runs on. Never set it on a server that fields a live survey.
  FIELDKIT_NOW: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant with a time zone, e.g. 2027-03-01T09:00:00Z' })
    .optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  smtpUrl: string | undefined;
  /** The From of every mail; default "Fieldkit survey" <survey@the PUBLIC_URL's host>. */
  mailFrom: string;
  publicUrl: string;
  instrumentsDir: string;
  clientDir: string;
  /** Express's `trust proxy`: false, a hop count, or the proxies' addresses and subnets. */
  trustProxy: TrustProxy;
  logLevel: 'silent' | 'error' | 'info';
  validationThreads: number;
  /** FIELDKIT_NOW as an ISO instant: the clock starts there instead of at the real time. */
  clockStartsAt: string | undefined;
  /** The Chromium (or Chrome) executable that prints HTML to PDF. */
  chromiumPath: string;
  limits: RespondentLimits;
  staff: StaffSettings;
}>;

/** Staff accounts: password hashing cost, session timeouts and the login throttle (server/staff). */
export type StaffSettings = Readonly<{
  /** scrypt's N is 2^this; 16 costs ~64 MiB and a few hundred ms per hash on this project's servers. */
  scryptLogN: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** How long a set-password link printed by `fieldkit staff add` or a reset works. */
  passwordLinkMs: number;
  /** Failed logins before each further one must wait: per account (any client) and per client (any account). */
  loginFreeFailures: Readonly<{ account: number; client: number }>;
  loginBaseDelayMs: number;
  loginMaxDelayMs: number;
  loginForgetAfterMs: number;
}>;

export const defaultStaffSettings: StaffSettings = Object.freeze({
  scryptLogN: 16,
  sessionIdleMs: 30 * 60 * 1000,
  sessionAbsoluteMs: 12 * 60 * 60 * 1000,
  passwordLinkMs: 72 * 60 * 60 * 1000,
  // A person mistypes a few times; a guesser needs millions. An office NAT may hold several staff.
  loginFreeFailures: Object.freeze({ account: 5, client: 30 }),
  loginBaseDelayMs: 1000,
  loginMaxDelayMs: 15 * 60 * 1000,
  loginForgetAfterMs: 60 * 60 * 1000,
});

export type RespondentLimits = Readonly<{
  /** Largest JSON body accepted on any route (bytes). */
  bodyBytes: number;
  /** How failed look-ups of links and codes are slowed, per client address (server/access). */
  throttle: ThrottleLimits;
}>;

/** How a respondent looks a survey up: by the link's token or by the typed access code. */
export type AccessKind = 'link' | 'code';

/** The access throttle's limits, beside their defaults. */
export type ThrottleLimits = Readonly<{
  /** Failed look-ups a client may make before each further one must wait (links, codes). */
  freeFailures: Readonly<Record<AccessKind, number>>;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** A client with no failure for this long starts again from nothing. */
  forgetAfterMs: number;
}>;

export const defaultLimits: RespondentLimits = Object.freeze({
  bodyBytes: 512 * 1024,
  // Codes are typed, so a respondent may mistype a few; links are pasted or clicked.
  throttle: Object.freeze({
    freeFailures: Object.freeze({ link: 20, code: 10 }),
    baseDelayMs: 1000,
    maxDelayMs: 15 * 60 * 1000,
    forgetAfterMs: 60 * 60 * 1000,
  }),
});

export type TrustProxy = false | number | string[];

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY in Express's `trust proxy` terms, or a message saying what is wrong. `true` is
 * refused: it makes `req.ip` the leftmost X-Forwarded-For, which any client writes, so a guesser
 * could rotate it past the throttle or name someone else's address to get them slowed.
 */
export function parseTrustProxy(value: string): TrustProxy | string {
  const v = value.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') {
    return 'true would trust any X-Forwarded-For a client sends; give the number of proxies in front of Fieldkit (1 for one reverse proxy) or their addresses (e.g. loopback or 10.0.0.5)';
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : 'a hop count must be from 0 to 10';
  }
  const entries = v.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !TRUST_PROXY_NAMES.has(e) && !isAddressOrSubnet(e));
  if (bad.length > 0) {
    return `must be false, a number of proxies, or a comma-separated list of proxy addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal; not understood: ${bad.map((b) => JSON.stringify(b)).join(', ')}`;
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'fieldkit.db'),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `"Fieldkit survey" <survey@${new URL(publicUrl).hostname}>`,
    publicUrl,
    instrumentsDir: e.INSTRUMENTS_DIR ? path.resolve(cwd, e.INSTRUMENTS_DIR) : path.join(projectRoot, 'instruments'),
    clientDir: path.join(projectRoot, 'dist', 'client'),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    // One core stays free for the event loop; more than 4 threads buy nothing for one server.
    validationThreads: e.VALIDATION_THREADS ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    clockStartsAt: e.FIELDKIT_NOW === undefined ? undefined : new Date(e.FIELDKIT_NOW).toISOString(),
    chromiumPath: path.resolve(cwd, e.CHROMIUM_PATH),
    limits: defaultLimits,
    staff: defaultStaffSettings,
  });
}
