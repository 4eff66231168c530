import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';
import { WAIT } from './phase1Driver.js';

/*
 * WCAG 4.1.3 (status messages): a person who presses Enter in the access-code field keeps focus
 * there, so only a live region that is on the page before the error appears makes a screen reader
 * read the error out.
 */

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

/**
 * Records the text of every live region on the page now, each time its content changes: what a
 * screen reader would announce. A region added later, together with its message, is not watched,
 * as screen readers do not announce it either.
 */
async function listenToLiveRegions(page: Page): Promise<number> {
  return page.evaluate(() => {
    const heard: string[] = [];
    (window as unknown as { heard: string[] }).heard = heard;
    const regions = Array.from(document.querySelectorAll('[role="alert"], [role="status"], [aria-live]')).filter(
      (region) => region.getAttribute('aria-live') !== 'off',
    );
    const observer = new MutationObserver((changes) => {
      const changed = new Set(changes.map((change) => regions.find((region) => region.contains(change.target))));
      for (const region of changed) {
        const text = region?.isConnected ? region.textContent?.trim() : '';
        if (text) heard.push(text);
      }
    });
    for (const region of regions) observer.observe(region, { childList: true, subtree: true, characterData: true });
    return regions.length;
  });
}

const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: string[] }).heard);

/** The field's invalid state, and the text of what its aria-describedby points at. */
const fieldState = (page: Page) =>
  page.getByRole('textbox', { name: 'Access code' }).evaluate((input) => ({
    invalid: input.getAttribute('aria-invalid'),
    description: (input.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no element #${id})`)
      .join(' | '),
  }));

const EMPTY = 'Enter the access code from your letter.';
const NOT_FOUND = /We could not find that access code/;

describe('the access-code page announces its errors', { timeout: 30_000 }, () => {
  it('reads out the error when Enter is pressed in the field, empty or with a wrong code, every time', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/code`);
    await page.getByRole('heading', { name: 'Enter your access code' }).waitFor(WAIT);
    expect(await listenToLiveRegions(page), 'live regions on the page before any error').toBeGreaterThan(0);
    const field = page.getByRole('textbox', { name: 'Access code' });
    await field.focus();

    await page.keyboard.press('Enter');
    await expect.poll(() => heard(page), WAIT).toEqual([`Error: ${EMPTY}`]);
    await expect(fieldState(page)).resolves.toEqual({
      invalid: 'true',
      description: `It is printed on your letter, e.g. KQ7M-4T9X-WP2H | Error: ${EMPTY}`,
    });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('access-code');

    await page.keyboard.type('ABCD-EFGH-JKLM');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await heard(page)).at(-1) ?? '', WAIT).toMatch(NOT_FOUND);
    await expect(fieldState(page)).resolves.toMatchObject({ invalid: 'true', description: NOT_FOUND });

    // The same refusal again is read out again, so the person knows the second try failed too.
    const before = (await heard(page)).filter((text) => NOT_FOUND.test(text)).length;
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await heard(page)).filter((text) => NOT_FOUND.test(text)).length, WAIT)
      .toBe(before + 1);
    await expectNoAxeViolations(page, 'the access-code page with an error');
    await context.close();
  });
});
