import { createRepos } from '../../server/repos.js';
import { addStaff, createApiToken } from '../../server/staff/service.js';
import type { TestEnv } from '../../test/support/app.js';

/** A fieldwork account's API token on the bench's app, as a script would call the staff API with. */
export function benchApiToken(env: TestEnv): string {
  const ctx = {
    repos: createRepos(env.db),
    settings: env.config.staff,
    clock: env.clock,
    random: env.random,
    publicUrl: env.config.publicUrl,
  };
  const { staff } = addStaff(ctx, { email: 'bench@study.example.org', role: 'fieldwork', actor: 'bench' });
  return createApiToken(ctx, staff, { name: 'bench' }).token;
}
