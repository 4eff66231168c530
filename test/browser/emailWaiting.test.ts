import { afterAll, beforeAll, describe, it } from 'vitest';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { signInToConsole, startMailHarness } from './harness.js';

const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
let h: Awaited<ReturnType<typeof startMailHarness>>;

beforeAll(async () => {
  h = await startMailHarness();
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'wave1', offices: 3 });
  // A wave a stopped server left queued: planned, nothing sent.
  const repos = createRepos(h.env.db);
  planInvitations(repos, repos.fieldings.findFieldingByName('wave1')?.id as number, h.env.clock().toISOString());
});
afterAll(async () => {
  await h?.close();
});

describe('the Email page with a wave still queued', { timeout: 60_000 }, () => {
  it('says how many invitations wait and when, at the fielding’s pace, the last should be out', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, fieldwork);
    await page.goto(`${h.baseUrl}/staff/fieldings/wave1/email`);
    const panel = page.getByRole('region', { name: 'Sending' });
    // The fake clock stands at 2027-02-01 09:00 UTC; at 120 a minute three take a second.
    await panel
      .getByText(
        '3 invitations waiting to go out: at 120 a minute, the last should be out by about 2027-02-01 09:00 UTC.',
      )
      .waitFor();
    await context.close();
  });
});
