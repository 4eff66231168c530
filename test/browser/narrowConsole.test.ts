import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const admin = { email: 'admin.with.a.long.address@study.example.org', password: '' };
admin.password = goodPassword(admin.email);

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, admin.email, 'admin');
  seedFielding(h.env, {
    name: 'spring-wave',
    closesAt: new Date('2027-06-30T23:59:59.999Z'),
    rows: [
      frameRow(1, { office_id: 'NM-007', office_name: 'Doña Ana County District Attorney', stratum: 'under 100,000' }),
      frameRow(2, { office_id: 'PA-001', office_name: 'Adams County DA', stratum: '100,000–249,999' }),
      frameRow(3, { office_id: 'PA-002', office_name: 'Allegheny County DA', stratum: '1,000,000+' }),
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

const NARROW = { width: 360, height: 740 };
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

async function signedIn(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/staff/`);
  await heading(page, 'Sign in').waitFor();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Fieldings').waitFor();
  return { context, page };
}

/** Whether the element is on screen, whole, without scrolling anything sideways. */
const fullyInView = async (target: Locator) => {
  const box = await target.filter({ visible: true }).first().boundingBox({ timeout: 5000 });
  return box !== null && box.x >= 0 && box.x + box.width <= NARROW.width;
};

describe('the staff console at 360 px', { timeout: 120_000 }, () => {
  it('keeps the header to one short row, with the pages and the account behind a menu button', async () => {
    const { context, page } = await signedIn(NARROW);
    const header = page.getByRole('banner');
    const height = (await header.boundingBox())?.height ?? Number.POSITIVE_INFINITY;
    // At most an eighth of the screen, where the whole menu and account took a third.
    expect(height).toBeLessThanOrEqual(NARROW.height / 8);

    const menu = header.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await header.getByText(`Signed in as ${admin.email}`).waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Instruments' }).click();
    await heading(page, 'Instruments').waitFor();
    // Going to a page closes the menu again.
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect((await header.boundingBox())?.height).toBeLessThanOrEqual(NARROW.height / 8);
    await expectNoAxeViolations(page, 'the Instruments page at 360 px');
    await context.close();
  });

  it('shows every fact of a fielding without sideways scrolling', async () => {
    const { context, page } = await signedIn(NARROW);
    await page.getByRole('heading', { name: '1 fielding', exact: true }).waitFor();
    for (const text of ['tip-prosecutor-survey', '1.0.0']) {
      expect(await fullyInView(page.getByText(text, { exact: true })), `${text} is on screen`).toBe(true);
    }
    for (const name of ['Dashboard of spring-wave', 'Email of spring-wave']) {
      expect(await fullyInView(page.getByRole('link', { name })), `${name} is on screen`).toBe(true);
    }
    const fielding = page.getByRole('region', { name: '1 fielding' });
    await expect.poll(() => fielding.textContent()).toMatch(/Cases\s*3/);
    await expect.poll(() => fielding.textContent()).toMatch(/Closes\s*.*2027/);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, 'the Fieldings page at 360 px');
    await context.close();
  });

  it('edits the letter’s sender block and text on the Email page, and shows a wrong merge field', async () => {
    const { context, page } = await signedIn({ width: 1280, height: 800 });
    await page.goto(`${h.baseUrl}/staff/fieldings/spring-wave/email`);
    const letters = page.getByRole('region', { name: 'Letters' });
    await letters.getByLabel('Sender’s name').fill('Dana Reyes');
    await letters.getByLabel('Institution').fill('State University');
    await letters.getByLabel('Return address').fill('210 University Avenue\nCollege Town, PA 16801');
    await letters.getByRole('button', { name: 'Save letter' }).click();
    await expect
      .poll(() => h.env.db.prepare('SELECT sender_name, institution, body FROM letter_settings').all())
      .toEqual([{ sender_name: 'Dana Reyes', institution: 'State University', body: null }]);

    await letters.getByLabel('Letter text').fill('Dear {{contact_nme}},');
    await letters.getByRole('button', { name: 'Save letter' }).click();
    await letters.getByText(/line 1, column 6: Unknown merge field \{\{contact_nme\}\}/).waitFor();
    expect(h.env.db.prepare('SELECT body FROM letter_settings').pluck().get()).toBeNull();
    await expectNoAxeViolations(page, 'the Email page with its Letters section', { exclude: ['iframe.fk-mail-html'] });
    await context.close();
  });

  it('offers the fielding’s strata as a list in frame order and shows each office’s ID', async () => {
    const { context, page } = await signedIn({ width: 1280, height: 800 });
    await page.goto(`${h.baseUrl}/staff/fieldings/spring-wave/cases`);
    await page.getByText(/^Cases: 3 cases/).waitFor();
    const stratum = page.getByLabel('Stratum');
    await expect
      .poll(() => stratum.locator('option').allTextContents())
      .toEqual(['Any', 'under 100,000', '100,000–249,999', '1,000,000+']);
    await stratum.selectOption('100,000–249,999');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText(/^Cases: 1 case,/).waitFor();
    expect(
      await page
        .getByRole('row', { name: /Adams County DA/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('PA-001');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Office name, ID or jurisdiction contains').fill('dona ana');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText(/^Cases: 1 case,/).waitFor();
    await page.getByRole('link', { name: 'Doña Ana County District Attorney' }).click();
    await heading(page, 'Case: Doña Ana County District Attorney').waitFor();
    const log = page.getByRole('region', { name: /^Events/ });
    await log.getByText('The case was created in fielding spring-wave.').waitFor();
    expect(await log.textContent()).not.toMatch(/token_issued|contact_id|\{/);
    await context.close();
  });
});
