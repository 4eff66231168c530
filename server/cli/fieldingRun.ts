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
