import { parseArgs } from 'node:util';
import type { Deps } from '../deps.js';
import type { FieldingRow } from '../fieldings/repo.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { createRepos, type Repos } from '../repos.js';
import { type OpenRuntime, required } from './io.js';

export type FieldingRun = { deps: Deps; repos: Repos; fielding: FieldingRow; dryRun: boolean };

/**
 * The commands that send a fielding's mail (`invite`, `remind`): `--fielding <name> [--dry-run]`,
 * the runtime opened, the fielding found, and the mailer and database closed whatever happens.
 */
export async function runOnFielding(
  args: string[],
  runtime: OpenRuntime,
  run: (r: FieldingRun) => Promise<void> | void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { fielding: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const v = required({ fielding: values.fielding }, ['fielding']);
  const deps = runtime();
  try {
    const repos = createRepos(deps.db);
    await run({ deps, repos, fielding: findFieldingOrFail(repos, v.fielding as string), dryRun: values['dry-run'] });
  } finally {
    deps.mailer?.close();
    deps.db.close();
  }
}

/**
 * Runs a send with Ctrl-C and SIGTERM turned into a stop: no further message is claimed, the ones
 * in flight finish and are recorded (or, unanswered after STOP_GRACE_MS, are marked interrupted),
 * so nothing is left in 'sending' and the rest stays queued.
 */
export async function untilStopped<T>(
  send: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; stopped: boolean }> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await send(controller.signal);
    return { result, stopped: controller.signal.aborted };
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
