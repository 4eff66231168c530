import { type ExportRequest, exportFielding } from '../../server/exports/service.js';
import { createRepos } from '../../server/repos.js';
import type { TestEnv } from '../support/app.js';

/**
 * The export service run in process over a test environment: CSV of every case, identified, free
 * text left out, unless the request says otherwise.
 */
export function exportInProcess(
  env: Pick<TestEnv, 'db' | 'instruments' | 'clock'>,
  request: Pick<ExportRequest, 'fielding' | 'out'> & Partial<ExportRequest>,
) {
  return exportFielding(
    { repos: createRepos(env.db), instruments: env.instruments, clock: env.clock },
    { formats: ['csv'], completesOnly: false, public: false, includeFreeText: false, actor: 'test', ...request },
  );
}
