import type { ElementHandle, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DONT_KNOW } from '../../server/instruments/extensions.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';
import {
  checkboxOf,
  gridCellLabel,
  itemBoxOf,
  matrixRadioOf,
  numberBoxOf,
  pageTitle,
  radioOf,
  storedResponse,
  textBoxOf,
  WAIT,
} from './phase1Driver.js';

/*
 * The whole Phase I survey by keyboard alone, as a person who cannot use a mouse answers it: Tab and
 * Shift+Tab to move, arrow keys and Space for radios and checkboxes, typing into boxes, Enter on
 * Next, Previous and Complete. No click anywhere. After every page change focus must be on the new
 * page's heading (so a screen reader reads its title), and the next Tab must reach its first question.
 */

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

/** More than any page's tab stops (section B's case grid has 40 with its Don't know toggles). */
const MAX_PRESSES = 150;

const isFocused = (element: ElementHandle) => element.evaluate((node) => node === document.activeElement);

/** What holds focus, as tag and text, so a failure says where focus went instead. */
const focusedElement = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return active ? `${active.tagName.toLowerCase()}: ${active.textContent?.trim() ?? ''}` : 'nothing';
  });

async function pressUntil(page: Page, key: string, reached: () => Promise<boolean>, what: string): Promise<void> {
  for (let presses = 0; presses < MAX_PRESSES; presses += 1) {
    if (await reached()) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${MAX_PRESSES} presses of ${key} never reached ${what}; focus is on ${await focusedElement(page)}`);
}

async function tabTo(page: Page, target: Locator, what: string, key = 'Tab'): Promise<void> {
  const element = await target.elementHandle(WAIT);
  await pressUntil(page, key, () => isFocused(element), what);
}

/** Tab stops once per radio group; the arrow keys then move to the choice and select it. */
async function chooseByKeys(page: Page, radio: Locator, what: string): Promise<void> {
  const element = await radio.elementHandle(WAIT);
  const group = await element.getAttribute('name');
  await pressUntil(
    page,
    'Tab',
    () =>
      page.evaluate(
        (name) => document.activeElement instanceof HTMLInputElement && document.activeElement.name === name,
        group,
      ),
    `the radio group of ${what}`,
  );
  await pressUntil(page, 'ArrowDown', () => isFocused(element), what);
  // Entering a group without a choice focuses its first radio without selecting it.
  if (!(await radio.isChecked())) await page.keyboard.press('Space');
  await expect.poll(() => radio.isChecked(), WAIT).toBe(true);
}

async function tickByKeys(page: Page, checkbox: Locator, what: string): Promise<void> {
  await tabTo(page, checkbox, what);
  await page.keyboard.press('Space');
  await expect.poll(() => checkbox.isChecked(), WAIT).toBe(true);
}

async function typeInto(page: Page, box: Locator, text: string, what: string): Promise<void> {
  await tabTo(page, box, what);
  await page.keyboard.type(text);
  await expect.poll(() => box.inputValue(), WAIT).toBe(text);
}

async function pressButton(page: Page, name: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, page.getByRole('button', { name, exact: true }), `the ${name} button`);
  await page.keyboard.press(key);
}

/**
 * After a page change the new page's heading holds focus, and one Tab reaches the first question,
 * not the page's footer or the browser's address bar.
 */
async function expectArrivedOn(page: Page, name: string, firstQuestion: string): Promise<void> {
  await expect.poll(() => focusedElement(page), WAIT).toBe(`h2: ${pageTitle(name)}`);
  // Taking focus does not scroll the heading out of sight.
  const headingOnScreen = () =>
    page.evaluate(() => {
      const box = document.activeElement?.getBoundingClientRect();
      return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
    });
  await expect.poll(headingOnScreen, WAIT).toBe(true);
  await page.keyboard.press('Tab');
  const inFirstQuestion = await page.evaluate(
    (question) => document.activeElement?.closest(`[data-name="${question}"]`) !== null,
    firstQuestion,
  );
  expect(inFirstQuestion, `Tab from the heading of ${name} went to ${await focusedElement(page)}`).toBe(true);
}

async function next(page: Page, to: string, firstQuestion: string): Promise<void> {
  await pressButton(page, 'Next');
  await expectArrivedOn(page, to, firstQuestion);
}

const storedFor = (fielding: string) => storedResponse(h.env, fielding);

describe('Phase I survey by keyboard alone', { timeout: 60_000 }, () => {
  it('answers every page with keys only, focus on each new page’s heading, and submits', async () => {
    const [link] = seedFielding(h.env, {
      name: 'keyboard-walk',
      rows: [frameRow(801, { population: '480000' })],
    });
    if (!link) throw new Error('no link issued');
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
    await page.getByRole('heading', { name: pageTitle('intro'), exact: true }).waitFor(WAIT);

    await chooseByKeys(page, radioOf(page, 'consent', 1), 'consent: yes');
    await next(page, 'sec_a', 'a1_role');

    await chooseByKeys(page, radioOf(page, 'a1_role', 1), 'a1_role');
    await typeInto(page, numberBoxOf(page, 'a2_years'), '12', 'a2_years');
    await chooseByKeys(page, radioOf(page, 'a4_jurtype', 1), 'a4_jurtype');
    await typeInto(page, itemBoxOf(page, 'a6_staff', 'attorneys'), '80', 'a6_staff attorneys');
    await tickByKeys(page, checkboxOf(page, 'a7_unit', 1), 'a7_unit 1');
    await tickByKeys(page, checkboxOf(page, 'a7_unit', 3), 'a7_unit 3');
    await chooseByKeys(page, radioOf(page, 'a8_vertical', 1), 'a8_vertical');

    // Back onto the first page, where the Previous button that had focus no longer exists.
    await pressButton(page, 'Previous');
    await expectArrivedOn(page, 'intro', 'consent');
    await next(page, 'sec_a', 'a1_role');
    await next(page, 'sec_b1', 'b1_law');

    await chooseByKeys(page, matrixRadioOf(page, 'b1_law', 1, 1), 'b1_law row 1');
    await chooseByKeys(page, matrixRadioOf(page, 'b1_law', 4, 2), 'b1_law row 4');
    await chooseByKeys(page, radioOf(page, 'b2_anycase', 1), 'b2_anycase: yes');
    const cell = (row: string, column: string) =>
      page.getByRole('spinbutton', { name: gridCellLabel('b3_cases', row, column), exact: true });
    await typeInto(page, cell('2009', 'sex'), '3', 'b3_cases 2009 sex');
    const dontKnow2014 = page.getByRole('button', {
      name: `Don’t know: ${gridCellLabel('b3_cases', '2014', 'labor')}`,
      exact: true,
    });
    await pressButton(page, `Don’t know: ${gridCellLabel('b3_cases', '2014', 'labor')}`, 'Space');
    await expect.poll(() => dontKnow2014.getAttribute('aria-pressed'), WAIT).toBe('true');
    await typeInto(page, itemBoxOf(page, 'b4_outcome', 'conv_tip'), '2', 'b4_outcome conv_tip');
    await next(page, 'sec_b2', 'b6_altchg');

    await tickByKeys(page, checkboxOf(page, 'b6_altchg', 9), 'b6_altchg other');
    await typeInto(page, textBoxOf(page, 'b6_altchg_oth'), 'Witness tampering', 'b6_altchg_oth');
    await chooseByKeys(page, matrixRadioOf(page, 'b7_altwhy', 1, 3), 'b7_altwhy row 1');
    await chooseByKeys(page, radioOf(page, 'b8_federal', 3), 'b8_federal');
    await next(page, 'sec_c1', 'c1_source');

    await chooseByKeys(page, matrixRadioOf(page, 'c1_source', 1, 4), 'c1_source row 1');
    await tickByKeys(page, checkboxOf(page, 'c2_screen', 1), 'c2_screen 1');
    await next(page, 'sec_c2', 'c4_evidence');

    await tickByKeys(page, checkboxOf(page, 'c4_evidence', 2), 'c4_evidence 2');
    await chooseByKeys(page, matrixRadioOf(page, 'c5_barriers', 1, 3), 'c5_barriers row 1');
    await next(page, 'sec_d', 'd1_protocol');

    await chooseByKeys(page, radioOf(page, 'd1_protocol', 1), 'd1_protocol');
    await chooseByKeys(page, matrixRadioOf(page, 'd3_services', 2, 1), 'd3_services row 2');
    await typeInto(page, numberBoxOf(page, 'd4_beds'), '14', 'd4_beds');
    await next(page, 'sec_e', 'e1_buyers');

    await chooseByKeys(page, radioOf(page, 'e1_buyers', 1), 'e1_buyers');
    await typeInto(page, numberBoxOf(page, 'e2_buyercount'), '25', 'e2_buyercount');
    // The last page: Complete takes the place of Next.
    await next(page, 'sec_f', 'f1_training');

    await typeInto(page, textBoxOf(page, 'f3_practice'), 'Weekly joint intake.', 'f3_practice');
    await chooseByKeys(page, radioOf(page, 'f4_followup', 1), 'f4_followup');
    await pressButton(page, 'Complete');
    // Submitting waits for the last autosave, which on a busy machine can take a while.
    const thanks = 'Thank you – your survey has been submitted';
    await page.getByRole('heading', { level: 1, name: thanks, exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => focusedElement(page), WAIT).toBe(`h1: ${thanks}`);

    const stored = storedFor('keyboard-walk');
    expect(stored.status).toBe('completed');
    expect(stored.answers).toMatchObject({
      consent: 1,
      a1_role: 1,
      a2_years: 12,
      a4_jurtype: 1,
      a6_staff: { attorneys: 80 },
      a7_unit: [1, 3],
      a8_vertical: 1,
      b1_law: { '1': 1, '4': 2 },
      b2_anycase: 1,
      b3_cases: { '2009': { sex: 3 }, '2014': { labor: DONT_KNOW } },
      b4_outcome: { conv_tip: 2 },
      b6_altchg: [9],
      b6_altchg_oth: 'Witness tampering',
      b7_altwhy: { '1': 3 },
      b8_federal: 3,
      c1_source: { '1': 4 },
      c2_screen: [1],
      c4_evidence: [2],
      c5_barriers: { '1': 3 },
      d1_protocol: 1,
      d3_services: { '2': 1 },
      d4_beds: 14,
      e1_buyers: 1,
      e2_buyercount: 25,
      f3_practice: 'Weekly joint intake.',
      f4_followup: 1,
    });
    await context.close();
  });

  it('leaves focus on the page’s heading, not <body>, when the colleague notice is dismissed by keyboard', async () => {
    const [link] = seedFielding(h.env, { name: 'keyboard-notice', rows: [frameRow(802)] });
    if (!link) throw new Error('no link issued');
    const token = tokenOf(link);
    // A colleague answered a1_role on the server meanwhile; this tab's copy of its unsaved answers
    // (kept for a reload) holds another answer to it, so the page opens with the colleague notice.
    const saved = await fetch(`${h.baseUrl}/api/respond/${token}/draft`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 }),
    });
    expect(saved.status).toBe(200);
    const context = await h.browser.newContext();
    await context.addInitScript(([key, backup]) => window.sessionStorage.setItem(key, backup), [
      `fieldkit:draft:${token}`,
      JSON.stringify({ base: { consent: 1 }, answers: { consent: 1, a1_role: 2 }, page: 1 }),
    ] as const);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${token}`);
    await page.getByRole('heading', { name: 'A colleague changed some of the same answers' }).waitFor(WAIT);

    await pressButton(page, 'Dismiss this message');
    await page.getByRole('heading', { name: 'A colleague changed some of the same answers' }).waitFor({
      state: 'detached',
      ...WAIT,
    });
    await expectArrivedOn(page, 'sec_a', 'a1_role');
    await context.close();
  });
});
