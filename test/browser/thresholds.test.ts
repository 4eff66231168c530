import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'wave1', offices: 2 });
});
afterAll(async () => {
  await h?.close();
});

const signIn = (page: Page) => signInToConsole(page, h.baseUrl, fieldwork);

const stored = () =>
  h.env.db.prepare("SELECT complete_pct, partial_pct FROM fieldings WHERE name = 'wave1'").get() as {
    complete_pct: number;
    partial_pct: number;
  };

describe('the disposition thresholds on the Fieldings page in Chromium', { timeout: 120_000 }, () => {
  it('shows 80 and 50, refuses a partial above the complete threshold with the reason, and sets a valid pair', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await signIn(page);
    const complete = page.getByRole('spinbutton', { name: 'Complete from % of the questions shown, wave1' });
    const partial = page.getByRole('spinbutton', { name: 'Partial from % of the questions shown, wave1' });
    expect([await complete.inputValue(), await partial.inputValue()]).toEqual(['80', '50']);
    const set = page.getByRole('button', { name: 'Set disposition thresholds of wave1' });

    await complete.fill('60');
    await partial.fill('70');
    await set.click();
    await page.locator('p.fk-field-error', { hasText: /partial: must be below the complete threshold/ }).waitFor();
    expect(stored()).toEqual({ complete_pct: 80, partial_pct: 50 });

    await complete.fill('90');
    await partial.fill('40');
    await set.click();
    await expect.poll(stored).toEqual({ complete_pct: 90, partial_pct: 40 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Fieldings', exact: true }).waitFor();
    expect(await page.getByRole('spinbutton', { name: /^Complete from %.*wave1$/ }).inputValue()).toBe('90');
  });
});
