import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlNumbers, MAILING_OFFICES, MAILING_ORDERS, pdfPages } from '../letters/setup.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const fieldwork = { email: 'mailroom@study.example.org', password: goodPassword('mailroom@study.example.org') };

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'spring', rows: MAILING_OFFICES });
});
afterAll(async () => {
  await h?.close();
});

describe('letters in the staff console, for the mail room', () => {
  it('offers the printing order, by ZIP unless changed, and prints the letters in the order chosen', async () => {
    const context = await h.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, fieldwork);

    await page.getByRole('button', { name: 'Letters (PDF) for spring' }).click();
    const order = page.getByLabel('Print in order of');
    await expect.poll(() => order.inputValue()).toBe('zip');
    await expectNoAxeViolations(page, 'Fieldings page, letters asked with an order');
    await order.selectOption({ label: 'State' });
    await page.getByRole('button', { name: 'Issue codes and make letters' }).click();
    const link = page.getByRole('link', { name: /Save the letters/ });
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);

    expect(controlNumbers(pdfPages(readFileSync(await saved.path())))).toEqual(MAILING_ORDERS.state);
    await context.close();
  }, 60_000);
});
