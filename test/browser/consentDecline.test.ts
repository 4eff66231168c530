import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseDispositions } from '../../server/casework/dispositionCache.js';
import { createRepos } from '../../server/repos.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';
import { choiceText, choose, openDropdown, questionShown, shownChoice, titleOf, WAIT } from './phase1Driver.js';

/*
 * Issue 27, points 9 and 15: a consent "No" is sent only after one confirmation, and becomes a
 * refusal (2.11) whether autosave stored the "No" before Decline was pressed or not; the state
 * dropdown replaces the shown state when the person types another.
 */

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

let officeNumber = 700;
/** A fresh one-office fielding opened in a new page; its case id for the checks. */
async function openOffice(name: string): Promise<{ page: Page; caseId: number; close: () => Promise<void> }> {
  officeNumber += 1;
  const [link] = seedFielding(h.env, { name, rows: [frameRow(officeNumber)] });
  if (!link) throw new Error('no link issued');
  const caseId = h.env.db
    .prepare('SELECT c.id FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?')
    .pluck()
    .get(name) as number;
  const context = await h.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
  await questionShown(page, 'consent');
  return { page, caseId, close: () => context.close() };
}

const dispositionOf = (caseId: number) =>
  createCaseDispositions(h.env.instruments).outcomeOf(createRepos(h.env.db), caseId).disposition;
const declinedEvents = (caseId: number) =>
  h.env.db
    .prepare("SELECT detail FROM case_events WHERE case_id = ? AND type = 'declined'")
    .pluck()
    .all(caseId) as string[];
const storedStatus = (caseId: number) =>
  h.env.db.prepare('SELECT status FROM responses WHERE case_id = ?').pluck().get(caseId) as string | undefined;

const declineButton = (page: Page) => page.getByRole('button', { name: 'Decline the survey', exact: true });
const confirmation = (page: Page) => page.getByRole('alertdialog', { name: 'You chose not to take part — send this?' });

/** The person presses Decline, is asked once, and sends. */
async function declineAndSend(page: Page): Promise<void> {
  await declineButton(page).click(WAIT);
  await confirmation(page).waitFor(WAIT);
  await confirmation(page).getByRole('button', { name: 'Send', exact: true }).click(WAIT);
  await page.getByRole('heading', { name: 'Thank you for considering the study', level: 1 }).waitFor(WAIT);
}

describe('declining at consent in Chromium', { timeout: 60_000 }, () => {
  it('asks once before sending a refusal; Go back records nothing and returns to the question', async () => {
    const { page, caseId, close } = await openOffice('decline-confirm');
    await choose(page, 'consent', 2);
    await declineButton(page).click(WAIT);
    const asked = confirmation(page);
    await asked.waitFor(WAIT);
    // The question takes focus, so a screen reader reads it and the next Tab reaches its buttons.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('role')), WAIT)
      .toBe('alertdialog');
    await expectNoAxeViolations(page, 'the consent page asking to confirm a refusal');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), WAIT).toBe('Send');
    // Pressing Decline again asks the same question once more, not a second time beside it.
    await declineButton(page).click(WAIT);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('role')), WAIT)
      .toBe('alertdialog');
    expect(await page.getByRole('alertdialog').count()).toBe(1);

    await asked.getByRole('button', { name: 'Go back', exact: true }).click(WAIT);
    await asked.waitFor({ state: 'detached', ...WAIT });
    const no = page.getByRole('radio', { name: choiceText('consent', 2), exact: true });
    await expect.poll(() => no.evaluate((input) => input === document.activeElement), WAIT).toBe(true);
    expect(declinedEvents(caseId)).toEqual([]);
    expect(storedStatus(caseId)).not.toBe('declined');

    // Choosing Yes withdraws the refusal altogether: the button moves on again.
    await choose(page, 'consent', 1);
    await expect(declineButton(page).count()).resolves.toBe(0);
    await choose(page, 'consent', 2);
    await declineAndSend(page);
    expect(storedStatus(caseId)).toBe('declined');
    expect(declinedEvents(caseId).map((detail) => JSON.parse(detail))).toEqual([{ reason: 'consent_declined' }]);
    await close();
  });

  it('is a refusal (2.11) when autosave stored the "No" before Decline was pressed', async () => {
    const { page, caseId, close } = await openOffice('decline-after-autosave');
    const autosaved = page.waitForResponse(
      (response) => response.request().method() === 'PUT' && response.url().endsWith('/draft') && response.ok(),
      WAIT,
    );
    await choose(page, 'consent', 2);
    await autosaved;
    const draft = h.env.db.prepare('SELECT answers FROM responses WHERE case_id = ?').pluck().get(caseId) as string;
    expect(JSON.parse(draft)).toMatchObject({ consent: 2 });

    await declineAndSend(page);
    // Every question shown (consent alone) is answered: still a refusal, not a 100 % partial.
    expect(dispositionOf(caseId)).toMatchObject({ code: '2.11', reason: 'consent_declined' });
    await close();
  });

  it('is a refusal (2.11) when Decline is pressed before any autosave', async () => {
    const { page, caseId, close } = await openOffice('decline-at-once');
    const drafts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().endsWith('/draft')) drafts.push(request.url());
    });
    await choose(page, 'consent', 2);
    await declineAndSend(page);
    expect(drafts).toEqual([]);
    expect(dispositionOf(caseId)).toMatchObject({ code: '2.11', reason: 'consent_declined' });
    await close();
  });
});

describe('the state dropdown in Chromium', { timeout: 60_000 }, () => {
  it('replaces the shown state with what the person types instead of appending to it', async () => {
    const { page, caseId, close } = await openOffice('state-typing');
    await choose(page, 'consent', 1);
    await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
    await questionShown(page, 'a3_state');
    // Prefilled from the frame's state (PA).
    expect(await shownChoice(page, 'a3_state')).toContain('Pennsylvania');

    const combobox = page.getByRole('combobox', { name: titleOf('a3_state'), exact: true });
    await combobox.focus();
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Pennsylvania');
    await page.keyboard.type('Ohi', { delay: 20 });
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Ohi');
    await page.getByRole('option', { name: 'Ohio', exact: true }).waitFor(WAIT);
    await page.keyboard.press('Enter');
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Ohio');

    // Typed again from the keyboard after a choice: the new choice's text is replaced too.
    await combobox.focus();
    await page.keyboard.type('Ore', { delay: 20 });
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Ore');
    await page.keyboard.press('Escape');

    // Clicked open with the mouse and typed into: the same.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await openDropdown(page, 'a3_state');
    await page.keyboard.type('Tex', { delay: 20 });
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Tex');
    await page.getByRole('option', { name: 'Texas', exact: true }).click(WAIT);
    await expect.poll(() => combobox.inputValue(), WAIT).toBe('Texas');
    await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
    await expect
      .poll(
        () =>
          JSON.parse(h.env.db.prepare('SELECT answers FROM responses WHERE case_id = ?').pluck().get(caseId) as string)
            .a3_state,
        WAIT,
      )
      .toBe(48);
    await close();
  });
});
