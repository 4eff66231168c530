import path from 'node:path';
import type { Deps } from '../deps.js';

export type CliIo = {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
};

/** A mistake in how the command was called: exit code 2 and the message, no stack. */
export class UsageError extends Error {}

export type Command = (args: string[], io: CliIo, runtime: () => Deps) => void;

export function required(values: Record<string, string | undefined>, names: string[]): Record<string, string> {
  const missing = names.filter((n) => !values[n]);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}.`);
  return values as Record<string, string>;
}

/** Runs a command body with the real dependencies and always closes the database. */
export function withRuntime<T>(runtime: () => Deps, body: (deps: Deps) => T): T {
  const deps = runtime();
  try {
    return body(deps);
  } finally {
    deps.db.close();
  }
}

export const resolveFrom = (io: CliIo, file: string) => path.resolve(io.cwd, file);
