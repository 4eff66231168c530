import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLetters } from '../../server/letters/service.js';
import type { MailingContext } from '../../server/mailings/dispatch.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { createSmtpMailer, type Mailer } from '../../server/mailings/mailer.js';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { caseOf } from '../mailings/setup.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { parseMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
let smtp: TestSmtpServer;
let mailer: Mailer & { close(): void };
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };

beforeAll(async () => {
  smtp = await startSmtpServer({});
  mailer = createSmtpMailer(smtp.url);
  h = await startBrowserHarness({ mailer, publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await h?.close();
});

/** One office mailed an invitation and reminder 1, sent a letter, then thanked once it completed. */
async function mailedCase(): Promise<number> {
  seedFielding(h.env, { offices: 1 });
  const repos = createRepos(h.env.db);
  const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
  const ctx: MailingContext = {
    repos,
    mailer,
    clock: h.env.clock,
    random: h.env.random,
    publicUrl: h.env.config.publicUrl,
    mailFrom: h.env.config.mailFrom,
    sleep: async (ms) => h.env.clock.advance(ms),
    logger: h.env.logger,
    instruments: h.env.instruments,
  };
  const at = () => h.env.clock().toISOString();
  const caseId = caseOf(repos, 'OFF-1');
  const contactId = repos.offices.contactsOf(repos.cases.findCase(caseId)?.office_id as number)[0]?.id as number;
  const base = { fieldingId, caseId, contactId };
  planInvitations(repos, fieldingId, at());
  await dispatchQueued(ctx, { fieldingId, kinds: ['invitation'] });
  h.env.clock.advance(3_600_000);
  repos.mailings.enqueue({ ...base, kind: 'reminder', number: 1, at: at() });
  await dispatchQueued(ctx, { fieldingId, kinds: ['reminder'] });
  h.env.clock.advance(3_600_000);
  issueLetters({ ...ctx, repos }, { fielding: 'pilot', actor: 'test', order: 'zip' });
  h.env.clock.advance(3_600_000);
  repos.cases.appendEvent(caseId, 'completed', at());
  repos.mailings.enqueue({ ...base, kind: 'thank_you', number: 0, at: at() });
  await dispatchQueued(ctx, { fieldingId, kinds: ['thank_you'] });
  return caseId;
}

describe('console case page: each contact’s links with the message that carried them', () => {
  it('lists the frame’s, invitation’s, reminder’s and letter’s links, none for the thank-you, and no secret', async () => {
    const caseId = await mailedCase();
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, fieldwork);
    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: 'Case: Office 1' }).waitFor();

    const items = page.locator('.fk-links > li');
    await items.first().waitFor();
    const lines = await items.allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' ').replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'TIME'))).toEqual([
      expect.stringMatching(/^Link \d+ · Issued by staff TIME UTC: works/),
      expect.stringMatching(/^Link \d+ · Invitation email, sent TIME UTC: works/),
      expect.stringMatching(/^Link \d+ · Reminder 1 email, sent TIME UTC: works/),
      expect.stringMatching(/^Link \d+ · Postal letter, issued TIME UTC: works/),
    ]);

    const body = await page.content();
    for (const received of smtp.received) {
      const text = parseMail(received.raw).text ?? '';
      for (const [, secret] of text.matchAll(/\/s\/([A-Za-z0-9_-]{32})/g)) expect(body).not.toContain(secret);
      const code = /access code ([2-9A-Z-]{14})/.exec(text)?.[1];
      if (code) expect(body).not.toContain(code.slice(-4));
    }
    await expectNoAxeViolations(page, 'a case page with mailed links');
    await context.close();
  });
});
