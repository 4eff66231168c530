import type { Locator, Page } from 'playwright-core';
import type {
  ItemValue,
  Question,
  QuestionMatrixDropdownModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionSelectBase,
} from 'survey-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyModel } from '../../server/instruments/answers.js';
import { DONT_KNOW } from '../../server/instruments/extensions.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, shippedInstruments, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

/*
 * The whole Phase I survey in Chromium, page by page, as a respondent answers it. Titles and labels
 * come from the instrument file, so the walk follows the instrument rather than restating it.
 */

const instrument = shippedInstruments().resolve('tip-prosecutor-survey');
if (!instrument) throw new Error('tip-prosecutor-survey is not shipped');
const survey = createSurveyModel(instrument);

function question<T extends Question = Question>(name: string): T {
  const found = survey.getQuestionByName(name);
  if (!found) throw new Error(`tip-prosecutor-survey has no question ${name}`);
  return found as T;
}
const titleOf = (name: string) => question(name).title;
function textOf(items: ItemValue[], code: number | string, where: string): string {
  const item = items.find((candidate) => String(candidate.value) === String(code));
  if (!item) throw new Error(`${where} has no code ${code}`);
  return item.text;
}
const choiceText = (name: string, code: number) => textOf(question<QuestionSelectBase>(name).choices, code, name);
function pageTitle(name: string): string {
  const found = survey.getPageByName(name);
  if (!found) throw new Error(`tip-prosecutor-survey has no page ${name}`);
  return found.title;
}

// ---- what a respondent does --------------------------------------------------------------------

const WAIT = { timeout: 10_000 };
const heading = (page: Page, title: string) => page.getByRole('heading', { name: title, exact: true });

async function questionShown(page: Page, name: string): Promise<void> {
  await heading(page, titleOf(name)).waitFor({ state: 'visible', ...WAIT });
}

/** Hidden questions leave no heading in the accessibility tree (only a hidden <legend>, if anything). */
async function questionHidden(page: Page, name: string): Promise<boolean> {
  return (await heading(page, titleOf(name)).count()) === 0;
}

/** SurveyJS draws its own radios and checkboxes over the native input, so a person clicks the label. */
async function clickLabel(control: Locator): Promise<void> {
  await control.locator('xpath=ancestor::label[1]').click(WAIT);
  await expect.poll(() => control.isChecked(), WAIT).toBe(true);
}

async function choose(page: Page, name: string, code: number): Promise<void> {
  const group = page.getByRole('radiogroup', { name: titleOf(name), exact: true });
  await clickLabel(group.getByRole('radio', { name: choiceText(name, code), exact: true }));
}

async function tick(page: Page, name: string, ...codes: number[]): Promise<void> {
  const group = page.getByRole('group', { name: titleOf(name), exact: true });
  for (const code of codes)
    await clickLabel(group.getByRole('checkbox', { name: choiceText(name, code), exact: true }));
}

/** One answer per row of a single-choice matrix: `answers` maps row code -> column code. */
async function rateRows(page: Page, name: string, answers: Record<string, number>): Promise<void> {
  const matrix = question<QuestionMatrixModel>(name);
  const group = page.getByRole('radiogroup', { name: titleOf(name), exact: true });
  for (const [row, column] of Object.entries(answers)) {
    const label = `row ${textOf(matrix.rows, row, name)}, column ${textOf(matrix.columns, column, name)}`;
    await clickLabel(group.getByRole('radio', { name: label, exact: true }));
  }
}

async function typeNumber(page: Page, name: string, value: number): Promise<void> {
  await page.getByRole('spinbutton', { name: titleOf(name), exact: true }).fill(String(value), WAIT);
}

async function typeText(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('textbox', { name: titleOf(name), exact: true }).fill(value, WAIT);
}

/** The chosen value's text lies over the combobox input, so a person's click lands on the box around both. */
const dropdownBox = (page: Page, name: string) =>
  page
    .getByRole('combobox', { name: titleOf(name), exact: true })
    .locator('xpath=ancestor::div[contains(@class, "sd-dropdown")][1]');

/** The text a person sees in the box; a hidden copy of the value also sits there, so not textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: only the rendered text says what the person sees
const shownChoice = (page: Page, name: string) => dropdownBox(page, name).innerText();

/**
 * SurveyJS closes an open dropdown list when the page scrolls. A person scrolls first and clicks
 * later; Playwright scrolls and clicks at once, and the late scroll event would close the list again.
 */
async function openDropdown(page: Page, name: string): Promise<void> {
  const box = dropdownBox(page, name);
  await box.scrollIntoViewIfNeeded(WAIT);
  await page.evaluate(() => new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled))));
  await box.click(WAIT);
  await page.getByRole('listbox').waitFor({ state: 'visible', ...WAIT });
}

function gridCellLabel(name: string, row: string, column: string): string {
  const grid = question<QuestionMatrixDropdownModel>(name);
  const found = grid.getColumnByName(column);
  if (!found) throw new Error(`${name} has no column ${column}`);
  return `row ${textOf(grid.rows, row, name)}, column ${found.title}`;
}

async function fillGrid(page: Page, name: string, cells: Record<string, Record<string, number | 'dk'>>) {
  for (const [row, columns] of Object.entries(cells)) {
    for (const [column, value] of Object.entries(columns)) {
      const label = gridCellLabel(name, row, column);
      if (value === 'dk') await pressDontKnow(page, label);
      else await page.getByRole('spinbutton', { name: label, exact: true }).fill(String(value), WAIT);
    }
  }
}

/** The toggle CountDontKnow.tsx renders beside a count, named after the count it belongs to. */
async function pressDontKnow(page: Page, countLabel: string): Promise<void> {
  const toggle = page.getByRole('button', { name: `Don’t know: ${countLabel}`, exact: true });
  await toggle.click(WAIT);
  await expect.poll(() => toggle.getAttribute('aria-pressed'), WAIT).toBe('true');
  await expect(page.getByRole('spinbutton', { name: countLabel, exact: true }).isDisabled()).resolves.toBe(true);
}

async function fillItems(page: Page, name: string, values: Record<string, number>): Promise<void> {
  const group = page.getByRole('group', { name: titleOf(name), exact: true });
  const items = question<QuestionMultipleTextModel>(name).items;
  for (const [item, value] of Object.entries(values)) {
    const title = items.find((candidate) => candidate.name === item)?.title;
    if (!title) throw new Error(`${name} has no item ${item}`);
    await group.getByRole('spinbutton', { name: title, exact: true }).fill(String(value), WAIT);
  }
}

/** The page is on screen, the progress bar marks it as the current step, and axe finds nothing. */
async function checkPage(page: Page, name: string): Promise<void> {
  const title = pageTitle(name);
  await heading(page, title).waitFor({ state: 'visible', ...WAIT });
  const progress = page.getByRole('tablist', { name: 'Progress bar' });
  await progress.waitFor({ state: 'visible', ...WAIT });
  await expect(progress.getByRole('tab', { selected: true, name: title, exact: true }).count()).resolves.toBe(1);
  await expectNoAxeViolations(page, `page ${name}`);
}

async function next(page: Page, to: string): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
  await heading(page, pageTitle(to)).waitFor({ state: 'visible', ...WAIT });
}

// ---- the two paths -------------------------------------------------------------------------------

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

type Stored = { status: string; answers: Record<string, unknown> };
function storedFor(fielding: string): Stored {
  const row = h.env.db
    .prepare(
      `SELECT r.status, r.answers FROM responses r
       JOIN cases c ON c.id = r.case_id JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?`,
    )
    .get(fielding) as { status: string; answers: string } | undefined;
  if (!row) throw new Error(`no response stored for ${fielding}`);
  return { status: row.status, answers: JSON.parse(row.answers) as Record<string, unknown> };
}

/** Every question the logic shows under these answers has one, and none it hides has one. */
function unansweredShownAndAnsweredHidden(answers: Record<string, unknown>) {
  const model = createSurveyModel(instrument as NonNullable<typeof instrument>);
  model.data = answers;
  const questions = model.getAllQuestions(false, false, false);
  return {
    unansweredShown: questions.filter((q) => q.isVisibleInSurvey && q.isEmpty()).map((q) => q.name),
    answeredHidden: questions.filter((q) => !q.isVisibleInSurvey && !q.isEmpty()).map((q) => q.name),
  };
}

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

async function complete(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
  await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor(WAIT);
  await expectNoAxeViolations(page, 'the completion page');
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
