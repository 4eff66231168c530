import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { shippedInstruments } from '../support/app.js';

/*
 * Drives the console's record entry page (SurveyJS) as an interviewer would, for the Phase II
 * browser tests. Titles and choice texts come from the instrument file, panels' inner questions
 * included, so the walk follows the instrument rather than restating it.
 */

export const WAIT = { timeout: 10_000 };

type Element = {
  name?: string;
  title?: unknown;
  choices?: { value: unknown; text: string }[];
  elements?: Element[];
  templateElements?: Element[];
};

/** The questions of an instrument's newest version by name, inner questions of repeating panels too. */
export function questionsOf(instrumentId: string): Map<string, Element> {
  const instrument = shippedInstruments().resolve(instrumentId);
  if (!instrument) throw new Error(`${instrumentId} is not shipped`);
  const found = new Map<string, Element>();
  const walk = (elements: Element[] | undefined) => {
    for (const element of elements ?? []) {
      if (element.name) found.set(element.name, element);
      walk(element.elements);
      walk(element.templateElements);
    }
  };
  walk((instrument.survey as { pages: Element[] }).pages);
  return found;
}

export function instrumentDriver(instrumentId: string) {
  const questions = questionsOf(instrumentId);
  const question = (name: string) => {
    const found = questions.get(name);
    if (!found) throw new Error(`${instrumentId} has no question ${name}`);
    return found;
  };
  const titleOf = (name: string) => {
    const title = question(name).title;
    if (typeof title !== 'string') throw new Error(`${name} has no plain title`);
    return title;
  };
  const choiceText = (name: string, code: number) => {
    const choice = question(name).choices?.find((c) => c.value === code);
    if (!choice) throw new Error(`${name} has no code ${code}`);
    return choice.text;
  };
  return {
    titleOf,
    textbox: (within: Page | Locator, name: string) =>
      within.getByRole('textbox', { name: titleOf(name), exact: true }),
    numberBox: (within: Page | Locator, name: string) =>
      within.getByRole('spinbutton', { name: titleOf(name), exact: true }),
    /** SurveyJS draws its own radios over the native input, so a person clicks the label. */
    async choose(within: Page | Locator, name: string, code: number) {
      const radio = within
        .getByRole('radiogroup', { name: titleOf(name), exact: true })
        .getByRole('radio', { name: choiceText(name, code), exact: true });
      await radio.locator('xpath=ancestor::label[1]').click(WAIT);
      await expect.poll(() => radio.isChecked(), WAIT).toBe(true);
    },
    async questionShown(page: Page, name: string) {
      await page.getByRole('heading', { name: titleOf(name), exact: true }).waitFor({ state: 'visible', ...WAIT });
    },
  };
}

/** Next page of the survey, once the question expected there is shown. */
export async function nextPage(page: Page) {
  await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
}

/** The save status reads "All changes saved" (the server holds what is on screen). */
export async function allSaved(page: Page) {
  await page
    .getByRole('status')
    .filter({ hasText: /^All changes saved/ })
    .waitFor(WAIT);
}

/** The record entry page of a record, as the console shows it once it has loaded. */
export const recordHeading = (page: Page, instrumentTitle: string) =>
  page.getByRole('heading', { level: 1, name: new RegExp(`: ${escapeRegExp(instrumentTitle)}$`) });

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
