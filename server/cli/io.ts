import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Deps } from '../deps.js';
import { parseConfig } from '../platform/config.js';
import { createRuntime } from '../runtime.js';

export type CliIo = {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Draws on the terminal without a newline (progress bars); absent when stderr is not a terminal. */
  progress?: (text: string) => void;
};

/** A mistake in how the command was called: exit code 2 and the message, no stack. */
export class UsageError extends Error {}

/** No database where DATA_DIR points: exit code 1 and the message, no stack. */
export class MissingDatabaseError extends Error {}

/** Opens the database (only `fielding create` passes `create: true`) with the real dependencies. */
export type OpenRuntime = (options?: { create?: boolean }) => Deps;

export type Command = (args: string[], io: CliIo, runtime: OpenRuntime) => void | Promise<void>;

/** Every command that opens the database says which file, so a wrong DATA_DIR shows at once. */
export function announceDatabase(io: CliIo, file: string): void {
  io.err(`fieldkit: database ${file}`);
}

/**
 * DATA_DIR is resolved exactly as the server resolves it (parseConfig: relative to the current
 * folder, default ./data). A command run from the wrong folder must not quietly start an empty
 * database there, so only `fielding create` may create one; every other command refuses.
 */
export function openRuntime(io: CliIo, options: { create?: boolean } = {}): Deps {
  const { databaseFile } = parseConfig(io.env, io.cwd);
  if (!options.create && !existsSync(databaseFile)) {
    throw new MissingDatabaseError(
      `No database at ${databaseFile}. DATA_DIR (default ./data) is taken relative to the current folder: run the command from the folder where the server runs, set DATA_DIR to the server's data folder, or create a fielding first with \`fieldkit fielding create\`.`,
    );
  }
  const deps = createRuntime({ ...io.env }, io.cwd);
  announceDatabase(io, deps.config.databaseFile);
  return deps;
}

export function required(values: Record<string, string | undefined>, names: string[]): Record<string, string> {
  const missing = names.filter((n) => !values[n]);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}.`);
  return values as Record<string, string>;
}

export const resolveFrom = (io: CliIo, file: string) => path.resolve(io.cwd, file);

/** Who ran the command, for the case log and the audit log: the operating-system user. */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Who a command acts as in the audit log: the operating-system user, marked as such. */
export const cliActor = () => `cli:${osUser()}`;
