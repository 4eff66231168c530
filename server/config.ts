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
  INSTRUMENTS_DIR: z.string().min(1).optional(),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  LOG_LEVEL: z.enum(['silent', 'error', 'info']).default('info'),
  // Threads that run SurveyJS validation of completions off the event loop (see validationPool.ts).
  VALIDATION_THREADS: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number of threads from 1 to 16')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(16, 'must be at most 16'))
    .optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  smtpUrl: string | undefined;
  publicUrl: string;
  instrumentsDir: string;
  clientDir: string;
  trustProxy: boolean;
  logLevel: 'silent' | 'error' | 'info';
  validationThreads: number;
  limits: RespondentLimits;
}>;

export type RespondentLimits = Readonly<{
  /** Largest JSON body accepted on any route (bytes). */
  bodyBytes: number;
  /** Failed link look-ups allowed per client address per window before 429. */
  failedLinkLookupsPerClient: number;
  /** Failed access-code look-ups per client address per window (codes are shorter than links). */
  failedCodeLookupsPerClient: number;
  /** Failed access-code look-ups from all clients together per window: stops distributed guessing. */
  failedCodeLookupsGlobal: number;
  windowMs: number;
}>;

export const defaultLimits: RespondentLimits = Object.freeze({
  bodyBytes: 512 * 1024,
  failedLinkLookupsPerClient: 20,
  failedCodeLookupsPerClient: 10,
  failedCodeLookupsGlobal: 500,
  windowMs: 15 * 60 * 1000,
});

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
    publicUrl,
    instrumentsDir: e.INSTRUMENTS_DIR ? path.resolve(cwd, e.INSTRUMENTS_DIR) : path.join(projectRoot, 'instruments'),
    clientDir: path.join(projectRoot, 'dist', 'client'),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    // One core stays free for the event loop; more than 4 threads buy nothing for one server.
    validationThreads: e.VALIDATION_THREADS ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    limits: defaultLimits,
  });
}
