import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import { createInstrumentRegistry, type Instrument, loadInstrumentFile } from '../../server/instruments/registry.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

/**
 * A made-up survey as SurveyJS Creator writes it: pages named page1.., names with spaces, text
 * choice values "item1".., no consent question and no Fieldkit metadata of its own.
 */
const creatorSurvey = {
  title: 'Office practices',
  pages: [
    {
      name: 'page1',
      elements: [
        { type: 'rating', name: 'Workload Rating', title: 'How heavy is your workload?', rateMin: 1, rateMax: 7 },
        {
          type: 'ranking',
          name: 'Priority Order',
          title: 'Rank these priorities, most important first',
          choices: [
            { value: 'item1', text: 'Speed' },
            { value: 'item2', text: 'Accuracy' },
            { value: 'item3', text: 'Cost' },
            { value: 'item4', text: 'Fairness' },
          ],
        },
        {
          type: 'tagbox',
          name: 'Languages Spoken',
          title: 'Which languages do staff speak?',
          choices: [
            { value: 'item1', text: 'English' },
            { value: 'item2', text: 'Spanish' },
            { value: 'item3', text: 'Vietnamese' },
            { value: 'item4', text: 'Tagalog' },
          ],
        },
      ],
    },
    {
      name: 'page2',
      elements: [
        {
          type: 'matrixdynamic',
          name: 'Staff Roster',
          title: 'List your investigators',
          rowCount: 0,
          addRowText: 'Add investigator',
          columns: [
            {
              name: 'Role',
              cellType: 'dropdown',
              choices: [
                { value: 'item1', text: 'Detective' },
                { value: 'item2', text: 'Analyst' },
              ],
            },
            { name: 'Full Name', cellType: 'text' },
          ],
        },
        { type: 'text', name: 'Case Count', title: 'How many cases did you open last year?', inputType: 'number' },
        { type: 'expression', name: 'Doubled Count', title: 'Twice that number', expression: '{Case Count} * 2' },
      ],
    },
    {
      name: 'page3',
      elements: [
        {
          type: 'radiogroup',
          name: 'Office Type',
          title: 'What kind of office is this?',
          showOtherItem: true,
          choices: [
            { value: 'item1', text: 'County' },
            { value: 'item2', text: 'District' },
          ],
        },
        {
          type: 'checkbox',
          name: 'Special Units',
          title: 'Which special units does the office have?',
          showNoneItem: true,
          choices: [
            { value: 'item1', text: 'Trafficking' },
            { value: 'item2', text: 'Cybercrime' },
          ],
        },
        {
          type: 'dropdown',
          name: 'Annual Budget',
          title: 'What is the annual budget?',
          showRefuseItem: true,
          showDontKnowItem: true,
          choices: [
            { value: 'item1', text: 'Under $1 million' },
            { value: 'item2', text: '$1 million or more' },
          ],
        },
      ],
    },
  ],
};

/** `fieldkit instruments import`, in process, into a folder of its own; the file it writes, loaded. */
async function importCreatorSurvey(): Promise<Instrument> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-types-'));
  try {
    writeFileSync(path.join(dir, 'survey.json'), JSON.stringify(creatorSurvey));
    const said: string[] = [];
    const io = { env: { DATA_DIR: dir }, cwd: dir, out: (t: string) => said.push(t), err: (t: string) => said.push(t) };
    const code = await main(
      ['instruments', 'import', 'survey.json', '--id', 'office-practices', '--out', 'instrument.json'],
      io,
    );
    expect(code, said.join('\n')).toBe(0);
    return loadInstrumentFile(path.join(dir, 'instrument.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness({ instruments: createInstrumentRegistry([await importCreatorSurvey()]) });
});
afterAll(async () => {
  await h?.close();
});

type Stored = { status: string; answers: string };
const stored = (caseId: number) =>
  h.env.db.prepare('SELECT status, answers FROM responses WHERE case_id = ?').get(caseId) as Stored | undefined;

async function open(fielding: string): Promise<{ page: Page; caseId: number }> {
  const [link] = seedFielding(h.env, { name: fielding, instrument: 'office-practices', rows: [frameRow(1)] });
  const caseId = h.env.db
    .prepare('SELECT c.id FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?')
    .pluck()
    .get(fielding) as number;
  // Tall enough for a whole page of the survey: SurveyJS closes an open list when the page scrolls.
  const page = await (await h.browser.newContext({ viewport: { width: 1280, height: 2000 } })).newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link as NonNullable<typeof link>)}`);
  return { page, caseId };
}

/** The ranking's items, top first, as the person sees them. */
const rankedTexts = (page: Page) =>
  page
    .locator('.sv-ranking-item .sv-ranking-item__text')
    .evaluateAll((items) => items.map((i) => i.textContent?.trim()));

/**
 * Moves a ranking item up by keyboard, one step at a time as a person would: focus it, press the
 * arrow, and see it move before pressing again. A press that lands before SurveyJS has re-rendered
 * is lost (seen on a loaded machine); as a person would, press again, but only while the item has
 * not moved, so it never moves two places for one step.
 */
async function moveUp(page: Page, text: string, steps: number) {
  for (let step = 0; step < steps; step++) {
    const before = (await rankedTexts(page)).indexOf(text);
    for (let attempt = 0; attempt < 5; attempt++) {
      await page.locator('.sv-ranking-item', { hasText: text }).focus();
      await page.keyboard.press('ArrowUp');
      const moved = await expect
        .poll(async () => (await rankedTexts(page)).indexOf(text), { timeout: 1_000 })
        .toBe(before - 1)
        .then(
          () => true,
          () => false,
        );
      if (moved || (await rankedTexts(page)).indexOf(text) !== before) break;
    }
    expect((await rankedTexts(page)).indexOf(text)).toBe(before - 1);
  }
}

/** Radio and check inputs are drawn by SurveyJS over a hidden native input: a person clicks the label. */
const clickLabelOf = (page: Page, role: 'radio' | 'checkbox', name: string) =>
  page.getByRole(role, { name, exact: true }).locator('xpath=ancestor::label[1]').click();

/**
 * Opens a SurveyJS dropdown or tagbox from the keyboard and clicks the options. SurveyJS closes an
 * open list whenever the page scrolls, and a mouse click on the box (with the scrolling Playwright
 * does before clicking) closed it again before an option could be clicked.
 */
async function pickFromList(page: Page, combobox: string, options: string[]) {
  const box = page.getByRole('combobox', { name: combobox, exact: true });
  await box.focus();
  await page.keyboard.press('ArrowDown');
  const list = page.locator(`[id="${await box.getAttribute('aria-controls')}"]`);
  for (const option of options) {
    await list.getByRole('option', { name: option, exact: true }).click();
  }
  await expectNoAxeViolations(page, `the open list of "${combobox}"`);
  await page.keyboard.press('Escape');
  await expect.poll(() => box.getAttribute('aria-expanded')).toBe('false');
}

async function visible(page: Page, title: string) {
  await page.getByRole('heading', { name: title, exact: true }).waitFor({ timeout: 10_000 });
}

const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();

describe('SurveyJS question types in Chromium', { timeout: 120_000 }, () => {
  it('completes an imported Creator survey of rating, ranking, tagbox, matrixdynamic, expression, other, none and refuse, and stores what was entered', async () => {
    const { page, caseId } = await open('question-types');

    await visible(page, 'How heavy is your workload?');
    await expect.poll(() => page.locator('.fk-lede').textContent()).toMatch(/^About \d+ minutes?\./);
    await expectNoAxeViolations(page, 'page 1');
    await clickLabelOf(page, 'radio', '5');
    await moveUp(page, 'Fairness', 3);
    await moveUp(page, 'Cost', 1);
    expect(await rankedTexts(page)).toEqual(['Fairness', 'Speed', 'Cost', 'Accuracy']);
    await pickFromList(page, 'Which languages do staff speak?', ['Spanish', 'Tagalog']);
    await expectNoAxeViolations(page, 'page 1 answered');
    await next(page);

    await visible(page, 'List your investigators');
    await page.getByRole('button', { name: 'Add investigator' }).click();
    await pickFromList(page, 'row 1, column Role', ['Analyst']);
    await page.getByRole('textbox', { name: 'row 1, column Full Name' }).fill('Dana Reyes');
    await page.getByRole('spinbutton', { name: 'How many cases did you open last year?' }).fill('21');
    // The expression is shown as the person types, computed in the browser.
    await page.locator('.sd-expression').getByText('42', { exact: true }).waitFor();
    // A draft keeps what was typed and never the browser's computation of the expression.
    await expect
      .poll(() => JSON.parse((stored(caseId) as Stored).answers), { timeout: 10_000 })
      .toMatchObject({ 'Staff Roster': [{ Role: 'item2', 'Full Name': 'Dana Reyes' }], 'Case Count': 21 });
    expect(JSON.parse((stored(caseId) as Stored).answers)).not.toHaveProperty('Doubled Count');
    await expectNoAxeViolations(page, 'page 2');
    await next(page);

    await visible(page, 'What kind of office is this?');
    await clickLabelOf(page, 'radio', 'Other (describe)');
    await page.getByRole('textbox', { name: 'Other (describe)' }).fill('Regional task force');
    await clickLabelOf(page, 'checkbox', 'None');
    await expectNoAxeViolations(page, 'page 3');
    await pickFromList(page, 'What is the annual budget?', ['Refuse to answer']);
    await expectNoAxeViolations(page, 'page 3 answered');
    await page.getByRole('button', { name: 'Complete' }).click();

    await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
    await expectNoAxeViolations(page, 'the completion page');
    const final = stored(caseId) as Stored;
    expect(final.status).toBe('completed');
    expect(
      h.env.db.prepare("SELECT count(*) FROM case_events WHERE case_id = ? AND type = 'completed'").pluck().get(caseId),
    ).toBe(1);
    expect(JSON.parse(final.answers)).toEqual({
      'Workload Rating': 5,
      'Priority Order': ['item4', 'item1', 'item3', 'item2'],
      'Languages Spoken': ['item2', 'item4'],
      'Staff Roster': [{ Role: 'item2', 'Full Name': 'Dana Reyes' }],
      'Case Count': 21,
      // Computed by the server at completion: a client's value for an expression is never kept.
      'Doubled Count': 42,
      'Office Type': 'other',
      'Office Type-Comment': 'Regional task force',
      'Special Units': ['none'],
      'Annual Budget': 'refused',
    });
    await page.context().close();
  });
});
