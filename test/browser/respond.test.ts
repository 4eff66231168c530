import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

type Stored = { status: string; answers: string; current_page: number; revision: number };
const stored = (caseIndex: number) =>
  h.env.db.prepare('SELECT status, answers, current_page, revision FROM responses WHERE case_id = ?').get(caseIndex) as
    | Stored
    | undefined;

/** SurveyJS hides the native input behind its own drawing, so a person clicks the label. */
const choose = (page: Page, name: string, nth = 0) =>
  page.getByRole('radio', { name, exact: true }).nth(nth).locator('xpath=ancestor::label[1]').click();
const isChosen = (page: Page, name: string, nth = 0) =>
  page.getByRole('radio', { name, exact: true }).nth(nth).isChecked();
const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();

async function waitForSaved(page: Page) {
  await page
    .getByRole('status')
    .filter({ hasText: /All changes saved/ })
    .waitFor({ timeout: 10_000 });
}

/** Waits for a question by its title (the visible one: SurveyJS repeats titles in a hidden legend). */
async function visible(page: Page, title: string) {
  await page
    .locator('.sd-question__title')
    .getByText(title, { exact: true })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
}

describe('respondent in Chromium', { timeout: 120_000 }, () => {
  it('opens a link, consents, answers two pages, resumes after a reload, completes, and the answers are stored', async () => {
    const [link] = seedFielding(h.env, { name: 'browser-main', offices: 1 });
    const token = tokenOf(link as NonNullable<typeof link>);
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${token}`);

    await visible(page, 'Do you agree to take part in this survey?');
    await expectNoAxeViolations(page, 'the consent page');
    await choose(page, 'Yes, I agree to take part');
    await next(page);

    await visible(page, 'What is your position in the office?');
    await choose(page, 'Deputy or first assistant prosecutor');
    await page.getByRole('spinbutton', { name: /How many years have you worked/ }).fill('12');
    await expectNoAxeViolations(page, 'section A');
    await next(page);

    await visible(
      page,
      "Between 2009 and 2018, did your office charge any defendant under your state's human trafficking statute?",
    );
    await choose(page, 'No');
    await waitForSaved(page);
    await expectNoAxeViolations(page, 'section B');

    // Reload = the same person on another device: the saved page and answers come back.
    await page.reload();
    await visible(
      page,
      "Between 2009 and 2018, did your office charge any defendant under your state's human trafficking statute?",
    );
    expect(await isChosen(page, 'No')).toBe(true);
    const draft = stored(1) as Stored;
    expect(draft.status).toBe('in_progress');
    expect(draft.current_page).toBe(2);
    expect(JSON.parse(draft.answers)).toMatchObject({
      consent: 1,
      a1_role: 2,
      a2_years: 12,
      b2_anycase: 2,
      a3_state: 42,
    });

    // The rest is optional: walk to the end and submit.
    for (let i = 0; i < 12; i++) {
      const complete = page.getByRole('button', { name: 'Complete' });
      if (await complete.isVisible()) {
        await complete.click();
        break;
      }
      await next(page);
    }
    await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
    await expectNoAxeViolations(page, 'the completion page');

    const final = stored(1) as Stored;
    expect(final.status).toBe('completed');
    expect(JSON.parse(final.answers)).toMatchObject({
      consent: 1,
      a1_role: 2,
      a2_years: 12,
      b2_anycase: 2,
      a3_state: 42,
      a5_pop: 10_000,
    });

    // Opening the link again says so and changes nothing.
    await page.goto(`${h.baseUrl}/s/${token}`);
    await page.getByRole('heading', { name: 'This survey has already been submitted' }).waitFor();
    await expectNoAxeViolations(page, 'the already-submitted page');
    expect(stored(1)).toEqual(final);
    await context.close();
  });

  it('lets a person type the access code, ends politely on "No" to consent, and records the refusal', async () => {
    const [link] = seedFielding(h.env, { name: 'browser-code', offices: 1, rows: [{ ...rowFor(900) }] });
    const caseId = h.env.db
      .prepare("SELECT c.id FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = 'browser-code'")
      .pluck()
      .get() as number;
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/code`);
    await expectNoAxeViolations(page, 'the access-code page');
    await page.getByRole('textbox', { name: 'Access code' }).fill('ABCD-EFGH-JKLM');
    await page.getByRole('button', { name: /continue|open|start/i }).click();
    await page.getByText(/could not find that access code/).waitFor();
    await expectNoAxeViolations(page, 'the access-code page with an error');
    await page.getByRole('textbox', { name: 'Access code' }).fill(link?.access_code.toLowerCase() ?? '');
    await page.getByRole('button', { name: /continue|open|start/i }).click();

    await visible(page, 'Do you agree to take part in this survey?');
    await choose(page, 'No, I do not wish to take part');
    await page.getByRole('button', { name: 'Decline the survey' }).click();
    // Asked once before the refusal is sent.
    await page.getByRole('alertdialog').getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Thank you for considering the study' }).waitFor({ timeout: 10_000 });
    await expectNoAxeViolations(page, 'the refusal page');
    expect(stored(caseId)?.status).toBe('declined');
    await context.close();
  });

  it('shows an invalid link calmly, with the way to the access-code page', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${'x'.repeat(32)}`);
    await page.getByRole('heading', { name: 'We could not open this survey link' }).waitFor();
    await expect(page.getByRole('link', { name: 'enter your access code' }).getAttribute('href')).resolves.toBe(
      '/code',
    );
    await expectNoAxeViolations(page, 'the invalid-link page');
    await context.close();
  });

  it('keeps both colleagues’ answers when two people edit the same office link at once', async () => {
    const [link] = seedFielding(h.env, { name: 'browser-two', offices: 1, rows: [{ ...rowFor(901) }] });
    const caseId = h.env.db
      .prepare("SELECT c.id FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = 'browser-two'")
      .pluck()
      .get() as number;
    const url = link?.link.replace('http://fieldkit.test', h.baseUrl) ?? '';
    const alice = await (await h.browser.newContext()).newPage();
    const bob = await (await h.browser.newContext()).newPage();
    for (const page of [alice, bob]) {
      await page.goto(url);
      await visible(page, 'Do you agree to take part in this survey?');
    }
    // Both start from revision 0; Alice saves first, so Bob's first save is stale.
    await choose(alice, 'Yes, I agree to take part');
    await next(alice);
    await choose(alice, 'Chief or elected prosecutor');
    await waitForSaved(alice);

    await choose(bob, 'Yes, I agree to take part');
    await next(bob);
    await bob.getByRole('spinbutton', { name: /How many years have you worked/ }).fill('30');

    // Bob's save is based on revision 0: the server answers 409, his app merges and saves again.
    await expect
      .poll(() => JSON.parse((stored(caseId) as Stored).answers), { timeout: 15_000 })
      .toMatchObject({ consent: 1, a1_role: 1, a2_years: 30 });
    // Bob's screen now shows Alice's answer too.
    await expect.poll(() => isChosen(bob, 'Chief or elected prosecutor'), { timeout: 10_000 }).toBe(true);
    await alice.context().close();
    await bob.context().close();
  });
});

function rowFor(n: number): Record<string, string> {
  return {
    office_id: `BR-${n}`,
    office_name: `Browser Test Office ${n}`,
    state: 'MN',
    jurisdiction: 'Ramsey County',
    population: '550000',
    stratum: '250,000–999,999',
    contact_name: `Contact ${n}`,
    contact_email: `contact${n}@office${n}.example.org`,
  };
}
