import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../server/mailings/mailer.js';
import { createRepos } from '../../server/repos.js';
import { frameRow } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
/** A second server whose mail goes to a real SMTP server on loopback. */
let sending: { h: BrowserHarness; smtp: TestSmtpServer; mailer: Mailer } | undefined;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, {
    name: 'wave1',
    rows: [
      frameRow(1, { office_name: 'Adams County DA', contact_name: 'Ann Adams' }),
      frameRow(2, { office_name: 'Baker County Prosecutor', contact_name: 'Bo Baker' }),
    ],
  });
});
afterAll(async () => {
  await h?.close();
  sending?.mailer.close();
  await sending?.smtp.close();
  await sending?.h.close();
});

async function newPage(harness = h): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage() };
}
const MAIL_FRAME = 'iframe.fk-mail-html';
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

const signIn = (page: Page, harness = h) => signInToConsole(page, harness.baseUrl, fieldwork);

const savedTemplates = () =>
  h.env.db.prepare('SELECT kind, subject, body FROM email_templates ORDER BY kind').all() as {
    kind: string;
    subject: string;
    body: string;
  }[];

/** The text of the elements an element's aria-describedby names: what a screen reader reads with it. */
const description = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

describe('the Email page in Chromium', { timeout: 120_000 }, () => {
  it('fieldwork edits a template (an unknown field is shown by line and column, nothing saved), previews it for a real office, saves settings', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Email of wave1' }).click();
    await heading(page, 'Email for wave1').waitFor();

    // No SMTP_URL in this server: sending is off, and says how to turn it on.
    const sending = page.getByRole('region', { name: 'Sending' });
    await sending.getByText('Email is off — set SMTP_URL').waitFor();
    expect(await sending.getByRole('button', { name: 'Send invitations' }).isDisabled()).toBe(true);

    const invitation = page.getByRole('region', { name: 'Invitation', exact: true });
    const body = invitation.getByRole('textbox', { name: 'Body' });
    await body.fill('Dear {{contact_name}},\n\n{{link}}\nSee you, {{bogus}}.');
    await invitation.getByRole('button', { name: 'Save the invitation' }).click();
    const problem = invitation.getByText(/^line 4, column 10: Unknown merge field \{\{bogus\}\}/);
    await problem.waitFor();
    expect(await body.getAttribute('aria-invalid')).toBe('true');
    expect(await description(page, `#${await body.getAttribute('id')}`)).toContain(
      'line 4, column 10: Unknown merge field {{bogus}}',
    );
    expect(savedTemplates()).toEqual([]);

    // Fixed with the merge-field button, inserted where the cursor is (the end of the body).
    await body.fill('Dear {{contact_name}},\n\n{{link}}\nSee you at ');
    await body.press('Control+End');
    await invitation.getByText(/^Merge fields/).click();
    await invitation.getByRole('button', { name: 'Insert {{office_name}} into the invitation' }).click();
    expect(await body.inputValue()).toBe('Dear {{contact_name}},\n\n{{link}}\nSee you at {{office_name}}');
    await invitation.getByRole('button', { name: 'Save the invitation' }).click();
    await invitation.getByText(/^Saved .* by field\.lead@study\.example\.org\./).waitFor();
    expect(await problem.count()).toBe(0);
    expect(await body.getAttribute('aria-invalid')).toBeNull();
    expect(savedTemplates()).toEqual([
      {
        kind: 'invitation',
        subject: expect.stringContaining('{{office_name}}'),
        body: 'Dear {{contact_name}},\n\n{{link}}\nSee you at {{office_name}}',
      },
    ]);

    // A preview for the office picked: its name and contact, both parts.
    await page.getByLabel('Find an office').fill('baker');
    await page.getByRole('option', { name: 'Baker County Prosecutor (OFF-2)' }).waitFor({ state: 'attached' });
    await page.getByLabel('Preview for').selectOption('OFF-2');
    await invitation.getByRole('button', { name: 'Preview the invitation' }).click();
    const preview = invitation.getByRole('region', { name: 'Preview of the invitation' });
    await preview.getByRole('heading', { name: 'Preview for Baker County Prosecutor (OFF-2)' }).waitFor();
    await preview.getByText('Bo Baker <contact2@office2.example.org>').waitFor();
    const text = await preview.locator('pre').textContent();
    expect(text).toContain('Dear Bo Baker,');
    expect(text).toContain('See you at Baker County Prosecutor');
    expect(text).toContain('/s/(personal link issued when sent)');
    const html = page.frameLocator('iframe[title="HTML part of the invitation preview"]');
    await html.getByText('See you at Baker County Prosecutor').waitFor();
    await html.getByRole('link', { name: 'opt out here' }).waitFor();
    expect(await page.locator('iframe.fk-mail-html').getAttribute('sandbox')).toBe('');
    await expectNoAxeViolations(page, 'the Email page with a preview', { exclude: [MAIL_FRAME] });
    // The mail's HTML part on a page of its own: axe cannot enter a frame that runs no scripts.
    const mail = await context.newPage();
    await mail.setContent(
      await page
        .locator(MAIL_FRAME)
        .getAttribute('srcdoc')
        .then((s) => s ?? ''),
    );
    await expectNoAxeViolations(mail, 'the HTML part of the invitation', { tags: ['wcag2a', 'wcag2aa'] });
    await mail.close();

    // Mail settings: the server's rule shown beside the field, then saved.
    const settings = page.getByRole('form', { name: 'Mail settings' });
    await settings.getByLabel('Reminder days').fill('7, 7');
    await settings.getByRole('button', { name: 'Save mail settings' }).click();
    await settings.getByText('Correct the settings marked below.').waitFor();
    expect(await description(page, 'input[name="reminderDays"]')).toContain('must be strictly increasing');
    expect(await settings.getByLabel('Reminder days').getAttribute('aria-invalid')).toBe('true');
    await settings.getByLabel('Reminder days').fill('5, 12');
    await settings.getByLabel('Send reminders').check();
    await settings.getByLabel('Messages per minute').fill('60');
    await settings.getByLabel('Deadline as mails say it').fill('June 30, 2027');
    expect(await settings.getByRole('radio', { name: 'The contact who submitted' }).isChecked()).toBe(true);
    await settings.getByRole('group', { name: 'Thank-you goes to' }).getByLabel('Every contact of the office').check();
    await settings.getByRole('button', { name: 'Save mail settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Mail settings saved.' }).waitFor();
    const fielding = createRepos(h.env.db).fieldings.findFieldingByName('wave1');
    expect(createRepos(h.env.db).fieldings.mailSettingsOf(fielding?.id ?? 0)).toEqual({
      reminderDays: [5, 12],
      remindersEnabled: true,
      thankYouEnabled: false,
      thankYouTo: 'all',
      perMinute: 60,
      deadline: 'June 30, 2027',
      eligibilityEstimate: null,
    });
    await expectNoAxeViolations(page, 'the Email page after saving', { exclude: [MAIL_FRAME] });
    // On a phone the page scrolls down only: long lines wrap, tables scroll inside their region.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoAxeViolations(page, 'the Email page at 360 px', { exclude: [MAIL_FRAME] });
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(sideways, 'the Email page scrolls sideways at 360 px').toBeLessThanOrEqual(0);
    await context.close();
  });

  it('fieldwork sends the invitations after a dry run and watches the progress reach the total', async () => {
    const smtp = await startSmtpServer({ dataDelayMs: 250 });
    const mailer = createSmtpMailer(smtp.url);
    const harness = await startBrowserHarness({ publicUrlIsServer: true, mailer });
    sending = { h: harness, smtp, mailer };
    await addMember(harness.env, fieldwork.email, 'fieldwork');
    const OFFICES = 6;
    seedFielding(harness.env, { name: 'wave2', offices: OFFICES });
    const { context, page } = await newPage(harness);
    await signIn(page, harness);
    await page.goto(`${harness.baseUrl}/staff/fieldings/wave2/email`);
    await heading(page, 'Email for wave2').waitFor();
    const panel = page.getByRole('region', { name: 'Sending' });
    await panel.getByText(/^Mail goes out from /).waitFor();

    // The first press only counts; nothing is planned or sent until the number is confirmed.
    await panel.getByRole('button', { name: 'Send invitations' }).click();
    await panel.getByText(`This will send ${OFFICES} invitations.`).waitFor();
    expect(harness.env.db.prepare('SELECT count(*) FROM email_sends').pluck().get()).toBe(0);
    await panel.getByRole('button', { name: `Yes, send ${OFFICES} invitations` }).click();

    const progress = panel.getByRole('status');
    await progress.getByText('(sending…)').waitFor();
    await progress
      .getByText(`Invitations: ${OFFICES} of ${OFFICES} done, ${OFFICES} sent`)
      .waitFor({ timeout: 20_000 });
    const bar = panel.locator('progress');
    expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual([
      String(OFFICES),
      String(OFFICES),
    ]);
    expect(smtp.received).toHaveLength(OFFICES);
    const attempts = panel.getByRole('region', { name: /^Latest attempts \(6\)/ });
    expect(await attempts.locator('tbody tr').count()).toBe(OFFICES);
    const reply = await attempts.locator('tbody tr td').last().textContent();
    expect(reply).toMatch(/^250 /);
    // The reply already starts with its code.
    expect(reply).not.toMatch(/^250 250/);
    await panel.getByRole('cell', { name: 'sent' }).first().waitFor();
    await expectNoAxeViolations(page, 'the Email page after sending', { exclude: [MAIL_FRAME] });
    await context.close();
  });
});
