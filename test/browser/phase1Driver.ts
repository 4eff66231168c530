import type { Locator, Page } from 'playwright-core';
import type {
  ItemValue,
  Question,
  QuestionMatrixDropdownModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionSelectBase,
} from 'survey-core';
import { expect } from 'vitest';
import { createSurveyModel } from '../../server/instruments/answers.js';
import { shippedInstruments, type TestEnv } from '../support/app.js';
import { expectNoAxeViolations } from './harness.js';

/*
 * Drives the Phase I survey page as a respondent would, for test/browser/phase1.test.ts. Titles and
 * labels come from the instrument file, so the walk follows the instrument rather than restating it.
 */

const instrument = shippedInstruments().resolve('tip-prosecutor-survey');
if (!instrument) throw new Error('tip-prosecutor-survey is not shipped');
const survey = createSurveyModel(instrument);

function question<T extends Question = Question>(name: string): T {
  const found = survey.getQuestionByName(name);
  if (!found) throw new Error(`tip-prosecutor-survey has no question ${name}`);
  return found as T;
}
export const titleOf = (name: string) => question(name).title;
function textOf(items: ItemValue[], code: number | string, where: string): string {
  const item = items.find((candidate) => String(candidate.value) === String(code));
  if (!item) throw new Error(`${where} has no code ${code}`);
  return item.text;
}
export const choiceText = (name: string, code: number) =>
  textOf(question<QuestionSelectBase>(name).choices, code, name);
export function pageTitle(name: string): string {
  const found = survey.getPageByName(name);
  if (!found) throw new Error(`tip-prosecutor-survey has no page ${name}`);
  return found.title;
}

// ---- what a respondent does --------------------------------------------------------------------

export const WAIT = { timeout: 10_000 };
const heading = (page: Page, title: string) => page.getByRole('heading', { name: title, exact: true });

export async function questionShown(page: Page, name: string): Promise<void> {
  await heading(page, titleOf(name)).waitFor({ state: 'visible', ...WAIT });
}

/** Hidden questions leave no heading in the accessibility tree (only a hidden <legend>, if anything). */
export async function questionHidden(page: Page, name: string): Promise<boolean> {
  return (await heading(page, titleOf(name)).count()) === 0;
}

/** SurveyJS draws its own radios and checkboxes over the native input, so a person clicks the label. */
async function clickLabel(control: Locator): Promise<void> {
  await control.locator('xpath=ancestor::label[1]').click(WAIT);
  await expect.poll(() => control.isChecked(), WAIT).toBe(true);
}

/** The radio button for one choice of a single-choice question. */
export const radioOf = (page: Page, name: string, code: number) =>
  page
    .getByRole('radiogroup', { name: titleOf(name), exact: true })
    .getByRole('radio', { name: choiceText(name, code), exact: true });

export const checkboxOf = (page: Page, name: string, code: number) =>
  page
    .getByRole('group', { name: titleOf(name), exact: true })
    .getByRole('checkbox', { name: choiceText(name, code), exact: true });

/** The radio button of one row and column of a single-choice matrix. */
export function matrixRadioOf(page: Page, name: string, row: string | number, column: number): Locator {
  const matrix = question<QuestionMatrixModel>(name);
  const label = `row ${textOf(matrix.rows, row, name)}, column ${textOf(matrix.columns, column, name)}`;
  return page
    .getByRole('radiogroup', { name: titleOf(name), exact: true })
    .getByRole('radio', { name: label, exact: true });
}

export const numberBoxOf = (page: Page, name: string) =>
  page.getByRole('spinbutton', { name: titleOf(name), exact: true });

export const textBoxOf = (page: Page, name: string) => page.getByRole('textbox', { name: titleOf(name), exact: true });

export async function choose(page: Page, name: string, code: number): Promise<void> {
  await clickLabel(radioOf(page, name, code));
}

export async function tick(page: Page, name: string, ...codes: number[]): Promise<void> {
  for (const code of codes) await clickLabel(checkboxOf(page, name, code));
}

/** One answer per row of a single-choice matrix: `answers` maps row code -> column code. */
export async function rateRows(page: Page, name: string, answers: Record<string, number>): Promise<void> {
  for (const [row, column] of Object.entries(answers)) await clickLabel(matrixRadioOf(page, name, row, column));
}

export async function typeNumber(page: Page, name: string, value: number): Promise<void> {
  await numberBoxOf(page, name).fill(String(value), WAIT);
}

export async function typeText(page: Page, name: string, value: string): Promise<void> {
  await textBoxOf(page, name).fill(value, WAIT);
}

/** The chosen value's text lies over the combobox input, so a person's click lands on the box around both. */
const dropdownBox = (page: Page, name: string) =>
  page
    .getByRole('combobox', { name: titleOf(name), exact: true })
    .locator('xpath=ancestor::div[contains(@class, "sd-dropdown")][1]');

/** The text a person sees in the box; a hidden copy of the value also sits there, so not textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: only the rendered text says what the person sees
export const shownChoice = (page: Page, name: string) => dropdownBox(page, name).innerText();

/**
 * SurveyJS closes an open dropdown list when the page scrolls. A person scrolls first and clicks
 * later; Playwright scrolls and clicks at once, and the late scroll event would close the list again.
 */
export async function openDropdown(page: Page, name: string): Promise<void> {
  const box = dropdownBox(page, name);
  await box.scrollIntoViewIfNeeded(WAIT);
  await page.evaluate(() => new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled))));
  await box.click(WAIT);
  await page.getByRole('listbox').waitFor({ state: 'visible', ...WAIT });
}

export function gridCellLabel(name: string, row: string, column: string): string {
  const grid = question<QuestionMatrixDropdownModel>(name);
  const found = grid.getColumnByName(column);
  if (!found) throw new Error(`${name} has no column ${column}`);
  return `row ${textOf(grid.rows, row, name)}, column ${found.title}`;
}

export async function fillGrid(page: Page, name: string, cells: Record<string, Record<string, number | 'dk'>>) {
  for (const [row, columns] of Object.entries(cells)) {
    for (const [column, value] of Object.entries(columns)) {
      const label = gridCellLabel(name, row, column);
      if (value === 'dk') await pressDontKnow(page, label);
      else await page.getByRole('spinbutton', { name: label, exact: true }).fill(String(value), WAIT);
    }
  }
}

/** The toggle CountDontKnow.tsx renders beside a count, named after the count it belongs to. */
export async function pressDontKnow(page: Page, countLabel: string): Promise<void> {
  const toggle = page.getByRole('button', { name: `Don’t know: ${countLabel}`, exact: true });
  await toggle.click(WAIT);
  await expect.poll(() => toggle.getAttribute('aria-pressed'), WAIT).toBe('true');
  await expect(page.getByRole('spinbutton', { name: countLabel, exact: true }).isDisabled()).resolves.toBe(true);
}

/** The number box of one item of a multiple-text question. */
export function itemBoxOf(page: Page, name: string, item: string): Locator {
  const title = question<QuestionMultipleTextModel>(name).items.find((candidate) => candidate.name === item)?.title;
  if (!title) throw new Error(`${name} has no item ${item}`);
  return page
    .getByRole('group', { name: titleOf(name), exact: true })
    .getByRole('spinbutton', { name: title, exact: true });
}

export async function fillItems(page: Page, name: string, values: Record<string, number>): Promise<void> {
  for (const [item, value] of Object.entries(values)) await itemBoxOf(page, name, item).fill(String(value), WAIT);
}

/**
 * The page is on screen, the progress marks it as the current step, and axe finds nothing. Before
 * consent the survey has one page, which needs no progress.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const title = pageTitle(name);
  await heading(page, title).waitFor({ state: 'visible', ...WAIT });
  const steps = page.getByRole('list', { name: 'Survey sections' });
  if (name !== 'intro' || (await steps.count()) > 0) {
    await expect.poll(() => steps.locator('[aria-current="step"]').textContent(), WAIT).toBe(`${title} (current page)`);
  }
  await expectNoAxeViolations(page, `page ${name}`);
}

export async function next(page: Page, to: string): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
  await heading(page, pageTitle(to)).waitFor({ state: 'visible', ...WAIT });
}

/** Every question the logic shows under these answers has one, and none it hides has one. */
export function unansweredShownAndAnsweredHidden(answers: Record<string, unknown>) {
  const model = createSurveyModel(instrument as NonNullable<typeof instrument>);
  model.data = answers;
  const questions = model.getAllQuestions(false, false, false);
  return {
    unansweredShown: questions.filter((q) => q.isVisibleInSurvey && q.isEmpty()).map((q) => q.name),
    answeredHidden: questions.filter((q) => !q.isVisibleInSurvey && !q.isEmpty()).map((q) => q.name),
  };
}

export async function complete(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
  await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor(WAIT);
  await expectNoAxeViolations(page, 'the completion page');
}

/** The one response of a fielding seeded with a single office, answers parsed. */
export function storedResponse(env: TestEnv, fielding: string): { status: string; answers: Record<string, unknown> } {
  const row = env.db
    .prepare(
      `SELECT r.status, r.answers FROM responses r
       JOIN cases c ON c.id = r.case_id JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?`,
    )
    .get(fielding) as { status: string; answers: string } | undefined;
  if (!row) throw new Error(`no response stored for ${fielding}`);
  return { status: row.status, answers: JSON.parse(row.answers) as Record<string, unknown> };
}
