import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { pdfPages } from '../letters/setup.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const fieldwork = { email: 'letters@study.example.org', password: goodPassword('letters@study.example.org') };
const OFFICES = 4;

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'spring', rows: Array.from({ length: OFFICES }, (_, i) => frameRow(i + 1)) });
});
afterAll(async () => {
  await h?.close();
});

const signIn = (page: Page) => signInToConsole(page, h.baseUrl, fieldwork);

describe('letters and the paper copy in the staff console', () => {
  it('makes the letters of a fielding after saying that codes will be issued, and offers the PDF', async () => {
    const context = await h.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page);

    await page.getByRole('button', { name: 'Letters (PDF) for spring' }).click();
    await page.getByText('This issues a new access code for every office of spring').waitFor();
    await expectNoAxeViolations(page, 'Fieldings page, letters asked');
    await page.getByRole('button', { name: 'Issue codes and make letters' }).click();
    await page.locator('p', { hasText: '4 letters; skipped 0 completed, 0 refused, 0 ineligible.' }).waitFor();
    const link = page.getByRole('link', { name: /Save the letters/ });
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);

    expect(saved.suggestedFilename()).toMatch(/^spring-letters-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pages = pdfPages(readFileSync(await saved.path()));
    expect(pages).toHaveLength(OFFICES);
    expect(pages[0]).toContain(`${h.baseUrl}/code`);
    await expectNoAxeViolations(page, 'Fieldings page, letters made');
    await context.close();
  }, 60_000);

  it('opens a printable copy of an instrument version whose styles and Print button pass its policy', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    context.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await signIn(page);
    await page.getByRole('link', { name: 'Instruments', exact: true }).click();

    const [paper] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /Printable copy of tip-prosecutor-survey 1\.0\.0/ }).click(),
    ]);
    await paper.waitForLoadState('load');

    await paper.getByRole('heading', { level: 1 }).waitFor();
    await expectNoAxeViolations(paper, 'paper copy of the Phase I survey');
    await paper.getByText(/^If a1_role = 6 \("Other \(please specify\)"\), answer this question/).waitFor();
    // The nonced style sheet applied (a blocked one would leave the instruction unbordered).
    const border = await paper
      .locator('.skip')
      .first()
      .evaluate((el) => getComputedStyle(el).borderLeftStyle);
    expect(border).toBe('solid');
    // The Print button's script is bound: window.print is called on a click.
    await paper.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await paper.getByRole('button', { name: 'Print' }).click();
    expect(await paper.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await paper.emulateMedia({ media: 'print' });
    await paper.getByRole('button', { name: 'Print' }).waitFor({ state: 'hidden' });
    expect(blocked).toEqual([]);
    await context.close();
  }, 60_000);
});
