import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DONT_KNOW } from '../../server/instruments/extensions.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';
import {
  checkPage,
  choiceText,
  choose,
  complete,
  fillGrid,
  fillItems,
  next,
  openDropdown,
  pressDontKnow,
  questionHidden,
  questionShown,
  rateRows,
  shownChoice,
  storedResponse,
  tick,
  titleOf,
  typeNumber,
  typeText,
  unansweredShownAndAnsweredHidden,
  WAIT,
} from './phase1Driver.js';

/*
 * The whole Phase I survey in Chromium, page by page, as a respondent answers it; phase1Driver.ts
 * does the clicking and typing.
 */

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

const storedFor = (fielding: string) => storedResponse(h.env, fielding);

async function openSurvey(fielding: string, officeNumber: number): Promise<Page> {
  const [link] = seedFielding(h.env, { name: fielding, rows: [frameRow(officeNumber, { population: '480000' })] });
  if (!link) throw new Error('no link issued');
  const page = await (await h.browser.newContext()).newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
  await checkPage(page, 'intro');
  await choose(page, 'consent', 1);
  await next(page, 'sec_a');
  return page;
}

const YEARS = ['2009', '2010', '2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018'];

describe('Phase I survey in Chromium, start to finish', { timeout: 180_000 }, () => {
  it('path A: an office that charged TIP cases answers the case grid (with a Don’t know), outcomes and buyer count', async () => {
    const page = await openSurvey('phase1-path-a', 701);

    await choose(page, 'a1_role', 1);
    await typeNumber(page, 'a2_years', 12);
    // State and population come prefilled from the frame; the respondent confirms them.
    await expect(shownChoice(page, 'a3_state')).resolves.toBe(choiceText('a3_state', 42));
    await choose(page, 'a4_jurtype', 1);
    await expect(page.getByRole('spinbutton', { name: titleOf('a5_pop'), exact: true }).inputValue()).resolves.toBe(
      '480000',
    );
    await fillItems(page, 'a6_staff', { attorneys: 80, investigators: 12, advocates: 9, other: 40 });
    await tick(page, 'a7_unit', 1, 3);
    await choose(page, 'a8_vertical', 1);
    expect(await questionHidden(page, 'a1_role_oth')).toBe(true);
    expect(await questionHidden(page, 'a4_jurtype_oth')).toBe(true);
    await checkPage(page, 'sec_a');
    await next(page, 'sec_b1');

    await rateRows(page, 'b1_law', { 1: 1, 2: 1, 3: 1, 4: 2, 5: -7, 6: 2, 7: 1 });
    expect(await questionHidden(page, 'b3_cases')).toBe(true);
    await choose(page, 'b2_anycase', 1);
    await questionShown(page, 'b3_cases');
    await questionShown(page, 'b4_outcome');
    expect(await questionHidden(page, 'b5_nocase')).toBe(true);
    // 2009..2018: sex 0..9 (45 in all), labor 0 except a year nobody can reconstruct.
    await fillGrid(
      page,
      'b3_cases',
      Object.fromEntries(YEARS.map((year, i) => [year, { sex: i, labor: year === '2014' ? 'dk' : 0 }])),
    );
    await fillItems(page, 'b4_outcome', { conv_tip: 20, conv_other: 8, acq_dism: 5 });
    await pressDontKnow(page, 'Case still pending');
    await checkPage(page, 'sec_b1');
    await next(page, 'sec_b2');

    await tick(page, 'b6_altchg', 1, 3, 9);
    await questionShown(page, 'b6_altchg_oth');
    await typeText(page, 'b6_altchg_oth', 'Witness tampering');
    await questionShown(page, 'b7_altwhy');
    await rateRows(page, 'b7_altwhy', { 1: 3, 2: 3, 3: 2, 4: 1, 5: 1, 6: -7 });
    await choose(page, 'b8_federal', 3);
    await checkPage(page, 'sec_b2');
    await next(page, 'sec_c1');

    await rateRows(page, 'c1_source', { 1: 4, 2: 2, 3: 3, 4: 4, 5: 3, 6: 2, 7: 2, 8: 1 });
    await tick(page, 'c2_screen', 1, 2);
    await tick(page, 'c3_taskforce', 1, 3);
    await checkPage(page, 'sec_c1');
    await next(page, 'sec_c2');

    await tick(page, 'c4_evidence', 1, 2, 3, 7);
    await rateRows(page, 'c5_barriers', { 1: 3, 2: 3, 3: 2, 4: 2, 5: 2, 6: 2, 7: 1, 8: 3 });
    await checkPage(page, 'sec_c2');
    await next(page, 'sec_d');

    await choose(page, 'd1_protocol', 1);
    await tick(page, 'd2_trauma', 1, 3);
    expect(await questionHidden(page, 'd4_beds')).toBe(true);
    await rateRows(page, 'd3_services', { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 2 });
    await questionShown(page, 'd4_beds');
    await typeNumber(page, 'd4_beds', 14);
    await tick(page, 'd5_practice', 1, 2, 6, 7);
    await checkPage(page, 'sec_d');
    await next(page, 'sec_e');

    expect(await questionHidden(page, 'e2_buyercount')).toBe(true);
    await choose(page, 'e1_buyers', 1);
    await questionShown(page, 'e2_buyercount');
    await typeNumber(page, 'e2_buyercount', 25);
    await tick(page, 'e3_strategy', 1, 2, 3);
    await choose(page, 'e4_change', 3);
    await checkPage(page, 'sec_e');
    await next(page, 'sec_f');

    await tick(page, 'f1_training', 1, 3);
    await tick(page, 'f2_needs', 1, 3, 5);
    await typeText(page, 'f3_practice', 'A joint intake meeting with the task force every week.');
    await choose(page, 'f4_followup', 1);
    await checkPage(page, 'sec_f');
    await complete(page);

    const stored = storedFor('phase1-path-a');
    expect(stored.status).toBe('completed');
    expect(stored.answers).toMatchObject({
      consent: 1,
      a1_role: 1,
      a2_years: 12,
      a3_state: 42,
      a5_pop: 480_000,
      a6_staff: { attorneys: 80, investigators: 12, advocates: 9, other: 40 },
      b2_anycase: 1,
      b3_cases: {
        '2009': { sex: 0, labor: 0 },
        '2013': { sex: 4, labor: 0 },
        '2014': { sex: 5, labor: DONT_KNOW },
        '2018': { sex: 9, labor: 0 },
      },
      b4_outcome: { conv_tip: 20, conv_other: 8, acq_dism: 5, pending: DONT_KNOW },
      b6_altchg: [1, 3, 9],
      b6_altchg_oth: 'Witness tampering',
      d3_services: { '2': 1 },
      d4_beds: 14,
      e1_buyers: 1,
      e2_buyercount: 25,
      f2_needs: [1, 3, 5],
      f4_followup: 1,
    });
    expect(stored.answers).not.toHaveProperty('b5_nocase');
    expect(unansweredShownAndAnsweredHidden(stored.answers)).toEqual({ unansweredShown: [], answeredHidden: [] });
    await page.context().close();
  });

  it('path B: an office that never charged one gives its reasons, and the case grid and outcomes never appear', async () => {
    const page = await openSurvey('phase1-path-b', 702);

    await choose(page, 'a1_role', 6);
    await questionShown(page, 'a1_role_oth');
    await typeText(page, 'a1_role_oth', 'Chief of the juvenile division');
    await typeNumber(page, 'a2_years', 3);
    // The frame says Pennsylvania; this respondent corrects it.
    await openDropdown(page, 'a3_state');
    await page.getByRole('option', { name: choiceText('a3_state', 27), exact: true }).click(WAIT);
    await choose(page, 'a4_jurtype', 4);
    // Out of focus, the box shows the chosen state's name again.
    await expect.poll(() => shownChoice(page, 'a3_state'), WAIT).toBe(choiceText('a3_state', 27));
    await questionShown(page, 'a4_jurtype_oth');
    await typeText(page, 'a4_jurtype_oth', 'A tribal and county partnership');
    await typeNumber(page, 'a5_pop', 52_000);
    await fillItems(page, 'a6_staff', { attorneys: 6, investigators: 1, advocates: 1, other: 3 });
    await tick(page, 'a7_unit', 4);
    await choose(page, 'a8_vertical', -7);
    await checkPage(page, 'sec_a');
    await next(page, 'sec_b1');

    await rateRows(page, 'b1_law', { 1: -7, 2: 1, 3: -7, 4: -7, 5: 2, 6: 2, 7: -7 });
    await choose(page, 'b2_anycase', 2);
    await questionShown(page, 'b5_nocase');
    expect(await questionHidden(page, 'b3_cases')).toBe(true);
    expect(await questionHidden(page, 'b4_outcome')).toBe(true);
    expect(await questionHidden(page, 'b5_nocase_oth')).toBe(true);
    await tick(page, 'b5_nocase', 1, 5, 8);
    await questionShown(page, 'b5_nocase_oth');
    await typeText(page, 'b5_nocase_oth', 'The county has no vice unit');
    await checkPage(page, 'sec_b1');
    await next(page, 'sec_b2');

    await tick(page, 'b6_altchg', 10);
    expect(await questionHidden(page, 'b6_altchg_oth')).toBe(true);
    expect(await questionHidden(page, 'b7_altwhy')).toBe(true);
    await choose(page, 'b8_federal', 1);
    await checkPage(page, 'sec_b2');
    await next(page, 'sec_c1');

    await rateRows(page, 'c1_source', { 1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: -7 });
    await tick(page, 'c2_screen', 5);
    await tick(page, 'c3_taskforce', 4);
    await checkPage(page, 'sec_c1');
    await next(page, 'sec_c2');

    await tick(page, 'c4_evidence', 6);
    await rateRows(page, 'c5_barriers', { 1: 3, 2: 2, 3: 2, 4: 3, 5: 3, 6: 2, 7: 1, 8: 3 });
    await checkPage(page, 'sec_c2');
    await next(page, 'sec_d');

    await choose(page, 'd1_protocol', 2);
    await tick(page, 'd2_trauma', 4);
    await rateRows(page, 'd3_services', { 1: 1, 2: 2, 3: 1, 4: 1, 5: 1, 6: -7, 7: 1, 8: 2 });
    expect(await questionHidden(page, 'd4_beds')).toBe(true);
    await tick(page, 'd5_practice', 1);
    await checkPage(page, 'sec_d');
    await next(page, 'sec_e');

    await choose(page, 'e1_buyers', 2);
    expect(await questionHidden(page, 'e2_buyercount')).toBe(true);
    await tick(page, 'e3_strategy', 7);
    await choose(page, 'e4_change', 2);
    await checkPage(page, 'sec_e');
    await next(page, 'sec_f');

    await tick(page, 'f1_training', 5);
    await tick(page, 'f2_needs', 1, 2);
    await typeText(page, 'f3_practice', 'None yet.');
    await choose(page, 'f4_followup', 2);
    await checkPage(page, 'sec_f');
    await complete(page);

    const stored = storedFor('phase1-path-b');
    expect(stored.status).toBe('completed');
    expect(stored.answers).toMatchObject({
      consent: 1,
      a1_role: 6,
      a1_role_oth: 'Chief of the juvenile division',
      a3_state: 27,
      a4_jurtype: 4,
      a5_pop: 52_000,
      a7_unit: [4],
      b2_anycase: 2,
      b5_nocase: [1, 5, 8],
      b5_nocase_oth: 'The county has no vice unit',
      b6_altchg: [10],
      d3_services: { '2': 2 },
      e1_buyers: 2,
    });
    for (const skipped of ['b3_cases', 'b4_outcome', 'b6_altchg_oth', 'b7_altwhy', 'd4_beds', 'e2_buyercount']) {
      expect(stored.answers, `${skipped} should have been skipped`).not.toHaveProperty(skipped);
    }
    expect(unansweredShownAndAnsweredHidden(stored.answers)).toEqual({ unansweredShown: [], answeredHidden: [] });
    await page.context().close();
  });

  it('warns, without blocking, when the outcomes add up to more than the defendants charged', async () => {
    const page = await openSurvey('phase1-warning', 703);
    await next(page, 'sec_b1');
    await choose(page, 'b2_anycase', 1);
    await fillGrid(page, 'b3_cases', Object.fromEntries(YEARS.map((year) => [year, { sex: 1, labor: 1 }])));
    const warning = page.getByText(/These outcomes add up to more than the number of defendants/);

    // 20 defendants charged; outcomes adding up to exactly 20 are fine.
    await fillItems(page, 'b4_outcome', { conv_tip: 10, conv_other: 5, acq_dism: 3, pending: 2 });
    await questionShown(page, 'b4_outcome');
    expect(await warning.isVisible()).toBe(false);

    await fillItems(page, 'b4_outcome', { pending: 3 });
    await warning.waitFor({ state: 'visible', ...WAIT });
    await expectNoAxeViolations(page, 'section B with the outcome warning');
    await fillItems(page, 'b4_outcome', { pending: 2 });
    await warning.waitFor({ state: 'hidden', ...WAIT });
    await fillItems(page, 'b4_outcome', { pending: 3 });
    await warning.waitFor({ state: 'visible', ...WAIT });

    // A warning, not an error: the respondent confirms the numbers by moving on.
    await next(page, 'sec_b2');
    await expect
      .poll(() => storedFor('phase1-warning').answers.b4_outcome, WAIT)
      .toEqual({ conv_tip: 10, conv_other: 5, acq_dism: 3, pending: 3 });
    await page.context().close();
  });
});
