import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';
import { choose, questionShown, typeNumber, WAIT } from './phase1Driver.js';

/*
 * Issue 27, point 14 (the respondent's part): a fielding that closes while someone is answering.
 * The next save says the survey closed and until when the answers were saved, not that the link
 * cannot be opened; opening the link again says the same.
 */

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3600 * 1000;
const CLOSED_SENTENCE = /^This survey closed on .*2027.*; your answers until .*2027.* were saved\.$/;

describe('a fielding that closes while a respondent answers, in Chromium', { timeout: 60_000 }, () => {
  it('says so at the next save, with the closing date and the last save, and again when the link is opened', async () => {
    // The server's fake clock stands at 2027-02-01 09:00 UTC.
    const closesAt = new Date(h.env.clock().getTime() + HOUR);
    const [link] = seedFielding(h.env, { name: 'closing-soon', rows: [frameRow(810)], closesAt });
    if (!link) throw new Error('no link issued');
    const context = await h.browser.newContext({ timezoneId: 'UTC', locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
    await questionShown(page, 'consent');
    await choose(page, 'consent', 1);
    // Moving on saves at once: this is the last save before the fielding closes.
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.ok(), WAIT);
    await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
    await saved;
    await questionShown(page, 'a2_years');

    h.env.clock.advance(2 * HOUR);
    const refused = page.waitForResponse((r) => r.request().method() === 'PUT' && r.status() === 410, WAIT);
    await typeNumber(page, 'a2_years', 12);
    await refused;

    const heading = page.getByRole('heading', { name: 'This survey has closed', level: 1 });
    await heading.waitFor(WAIT);
    const sentence = page.getByText(/^This survey closed on /);
    expect(await sentence.textContent()).toMatch(CLOSED_SENTENCE);
    expect(await sentence.textContent()).toContain(
      'February 1, 2027 at 10:00 AM; your answers until February 1, 2027 at 9:',
    );
    expect(await page.getByText('We could not open this survey link').count()).toBe(0);
    // The page names the study's contact, from the server's answer.
    await page.getByRole('contentinfo').getByRole('link').first().waitFor(WAIT);
    await expectNoAxeViolations(page, 'the survey-closed page');

    await page.reload();
    await heading.waitFor(WAIT);
    expect(await page.getByText(/^This survey closed on /).textContent()).toMatch(CLOSED_SENTENCE);
    expect(await page.getByText('We could not open this survey link').count()).toBe(0);
    await context.close();
  });
});
