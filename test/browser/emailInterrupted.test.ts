import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { expectNoAxeViolations, signInToConsole, startMailHarness } from './harness.js';

const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
let h: Awaited<ReturnType<typeof startMailHarness>>;

beforeAll(async () => {
  h = await startMailHarness();
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'wave1', offices: 2 });
  // Both invitations were in an SMTP transaction when a run stopped: interrupted.
  const repos = createRepos(h.env.db);
  const fieldingId = repos.fieldings.findFieldingByName('wave1')?.id as number;
  const at = h.env.clock().toISOString();
  planInvitations(repos, fieldingId, at);
  for (let i = 0; i < 2; i++) {
    const claimed = repos.mailings.claimNext(fieldingId, ['invitation'], at);
    if (claimed) repos.mailings.interruptSend(claimed.id, at);
  }
});
afterAll(async () => {
  await h?.close();
});

describe('the Email page with interrupted messages', { timeout: 60_000 }, () => {
  it('lists them, asks staff to confirm they checked, and sends the chosen one again once', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, fieldwork);
    await page.goto(`${h.baseUrl}/staff/fieldings/wave1/email`);
    const list = page.getByRole('region', { name: 'Interrupted messages (2)' });
    await list.waitFor();
    const table = list.getByRole('table', { name: 'Interrupted messages' });
    expect(await table.getByRole('row').count()).toBe(3);
    await table.getByRole('row', { name: /Office 1 \(OFF-1\) contact1@office1\.example\.org invitation/ }).waitFor();
    await expectNoAxeViolations(page, 'the Email page with interrupted messages');

    await list.getByRole('checkbox', { name: 'Choose the invitation to contact1@office1.example.org (OFF-1)' }).check();
    await list.getByRole('button', { name: 'Send again the chosen (1)' }).click();
    await list
      .getByRole('alert')
      .getByText('First check the sent mailbox (or with these offices), then tick the box saying you did.')
      .waitFor();
    expect(h.smtp.received).toHaveLength(0);

    await list.getByLabel('I checked that these did not arrive (sent mailbox or the offices)').check();
    await list.getByRole('button', { name: 'Send again the chosen (1)' }).click();

    // Said on screen (where focus goes, the buttons being replaced) and announced.
    const done = page.getByRole('paragraph').filter({ hasText: /^Sending 1 message again\.$/ });
    await done.waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Sending 1 message again\.$/ })
      .waitFor({ state: 'attached' });
    await page.getByRole('region', { name: 'Interrupted messages (1)' }).waitFor();
    await expect.poll(() => done.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => h.smtp.received.length).toBe(1);
    expect(h.smtp.received[0]?.envelopeTo).toEqual(['contact1@office1.example.org']);
    const statuses = h.env.db
      .prepare('SELECT ct.email, s.status FROM email_sends s JOIN contacts ct ON ct.id = s.contact_id ORDER BY s.id')
      .all();
    expect(statuses).toEqual([
      { email: 'contact1@office1.example.org', status: 'sent' },
      { email: 'contact2@office2.example.org', status: 'interrupted' },
    ]);
    await context.close();
  });
});
