import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedLink } from '../../server/contracts/cases.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';
import { choose, pageTitle, pressDontKnow, titleOf, WAIT } from './phase1Driver.js';

/*
 * WCAG 1.4.10 (reflow): at 320 CSS px nothing on a respondent page may need sideways scrolling,
 * except a table inside its own scroll box. Every page a respondent can meet is checked: the
 * Phase I survey walked with every page's questions shown (b3/b4 too) up to its thank-you, the
 * consent page's error, the question before a refusal is sent, the refusal, the pages of an office that submitted or declined, the
 * notices of a refused or failed submission, a link that does not work, the survey service out
 * of reach, and the access-code page.
 */

const NARROW = { width: 320, height: 640 };
const B4_ITEMS = [
  'Convicted of a trafficking charge',
  'Convicted of other charges only',
  'Acquitted, or all charges dismissed',
  'Case still pending',
];
const PAGES = ['intro', 'sec_a', 'sec_b1', 'sec_b2', 'sec_c1', 'sec_c2', 'sec_d', 'sec_e', 'sec_f'];

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

/**
 * Elements reaching past the viewport's right or left edge that no sideways scroll box of their
 * own holds, by tag and class, so a failure names what is too wide.
 */
async function overflowing(page: Page): Promise<{ scrollWidth: number; offenders: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // Only a table may run wider, and only inside a sideways scroll box of its own, within its
    // question: the survey's root is a scroll box too, and content cut off there is the failure.
    const tableInScrollBox = (element: Element) => {
      const table = element.closest('table');
      for (let at = table?.parentElement; at && at !== document.body; at = at.parentElement) {
        const overflowX = getComputedStyle(at).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll') return at.closest('.sd-question') !== null;
      }
      return false;
    };
    const offenders: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if ((box.right > width + 0.5 || box.left < -0.5) && !tableInScrollBox(element)) {
        offenders.push(
          `${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.left)}–${Math.round(box.right)}`,
        );
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 8) };
  });
}

function issued(link: IssuedLink | undefined): IssuedLink {
  if (!link) throw new Error('no link issued');
  return link;
}

/** A new office's link, with answers saved as the draft the page loads, open on page `page`. */
async function linkWithDraft(
  fielding: string,
  office: number,
  answers: Record<string, unknown>,
  page: number,
): Promise<string> {
  const [link] = seedFielding(h.env, { name: fielding, rows: [frameRow(office)] });
  const token = tokenOf(issued(link));
  const saved = await fetch(`${h.baseUrl}/api/respond/${token}/draft`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ answers, page, revision: 0 }),
  });
  expect(saved.status).toBe(200);
  return token;
}

/** One of the views of client/respond/views.tsx, by its <h1>. */
const viewShown = (page: Page, title: string) =>
  page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor(WAIT);

async function expectReflows(page: Page, where: string): Promise<void> {
  const found = await overflowing(page);
  expect(found.offenders, `elements wider than 320 px on ${where}`).toEqual([]);
  expect(found.scrollWidth, `scroll width of ${where}`).toBeLessThanOrEqual(NARROW.width);
}

/** Every "Don't know" toggle shows its words on screen, whole and inside the viewport. */
async function expectDontKnowLabelsShown(page: Page): Promise<number> {
  const toggles = page.getByRole('button', { name: /^Don’t know: / });
  const count = await toggles.count();
  for (let i = 0; i < count; i += 1) {
    const toggle = toggles.nth(i);
    // biome-ignore lint/performance/useDomNodeTextContent: only the rendered text says what the person sees
    expect(await toggle.innerText()).toContain('Don’t know');
    // Not scrolled into view first: that would scroll a clipping box sideways and hide the fault.
    const shown = await toggle.evaluate((button) => {
      const box = button.getBoundingClientRect();
      // The words fit the button (not cut off by it), and the button fits the viewport.
      return {
        clipped: button.scrollWidth > button.clientWidth + 1,
        inside: box.left >= 0 && box.right <= document.documentElement.clientWidth,
        width: box.width,
      };
    });
    expect(shown, `Don’t know toggle ${i + 1}`).toMatchObject({ clipped: false, inside: true });
  }
  return count;
}

describe('respondent pages at 320 px', { timeout: 60_000 }, () => {
  it('walks every page of the Phase I survey to its thank-you without sideways scrolling, Don’t know toggles labelled', async () => {
    // Answers that show b3/b4, saved as the draft the page loads, so every page can move on; b4 is
    // left empty, as a respondent first sees it, and answered on the page with its Don't know toggles.
    const token = await linkWithDraft('reflow-320', 320, chargedOfficeAnswers({ b4_outcome: undefined }), 0);
    const context = await h.browser.newContext({ viewport: NARROW });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${token}`);
    let dontKnowToggles = 0;
    for (const [index, name] of PAGES.entries()) {
      if (index > 0) await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
      const firstQuestion = page.getByRole('heading', { name: titleOf(firstQuestionOf(name)), exact: true });
      await firstQuestion.waitFor({ state: 'visible', ...WAIT });
      await expectReflows(page, `page ${name}`);
      dontKnowToggles += await expectDontKnowLabelsShown(page);
      if (name === 'sec_b1') {
        for (const item of B4_ITEMS) await pressDontKnow(page, item);
        await expectReflows(page, 'page sec_b1 with b4 answered Don’t know');
        await expectDontKnowLabelsShown(page);
      }
    }
    // b3_cases has 20 cells with a toggle and b4_outcome four, besides the single counts.
    expect(dontKnowToggles).toBeGreaterThanOrEqual(24);

    await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
    await viewShown(page, 'Thank you – your survey has been submitted');
    await expectReflows(page, 'the thank-you page');
    await page.reload();
    await viewShown(page, 'This survey has already been submitted');
    await expectReflows(page, 'the page of a survey already submitted');
    await context.close();
  });

  it('fits the consent page’s error, the refusal, and the page of an office that declined', async () => {
    const [link] = seedFielding(h.env, { name: 'reflow-320-decline', rows: [frameRow(321)] });
    const context = await h.browser.newContext({ viewport: NARROW });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${tokenOf(issued(link))}`);
    await page.getByRole('heading', { name: pageTitle('intro'), exact: true }).waitFor(WAIT);
    // Moving on without an answer: SurveyJS's own message on the question.
    await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
    await page.getByText('Response required.').first().waitFor(WAIT);
    await expectReflows(page, 'the consent page with its error');

    await choose(page, 'consent', 2);
    await page.getByRole('button', { name: 'Decline the survey', exact: true }).click(WAIT);
    const confirmation = page.getByRole('alertdialog', { name: 'You chose not to take part — send this?' });
    await confirmation.waitFor(WAIT);
    await expectReflows(page, 'the question before a refusal is sent');
    await confirmation.getByRole('button', { name: 'Send', exact: true }).click(WAIT);
    await viewShown(page, 'Thank you for considering the study');
    await expectReflows(page, 'the refusal’s thank-you page');
    await page.reload();
    await viewShown(page, 'This office has declined the survey');
    await expectReflows(page, 'the page of an office that declined');
    await context.close();
  });

  it('fits the notices of a submission the server refuses, or that does not get through', async () => {
    // On the last page, ready to submit.
    const token = await linkWithDraft('reflow-320-refused', 322, chargedOfficeAnswers(), PAGES.length - 1);
    const context = await h.browser.newContext({ viewport: NARROW });
    const page = await context.newPage();
    // The server's refusal as it words one, with messages for questions on two pages: the layout of
    // the summary and of the messages on the questions is what is checked here.
    await page.route('**/api/respond/*/complete', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'invalid_answers',
            message: 'Some answers are not valid.',
            details: {
              questions: {
                a2_years: ['Enter a whole number of years from 0 to 60; 600 is more than a career.'],
                f3_practice: ['This answer is longer than the 4,000 characters the study can keep.'],
              },
            },
          },
        }),
      }),
    );
    await page.goto(`${h.baseUrl}/s/${token}`);
    await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
    await page.getByRole('heading', { name: 'Some answers need attention before you can submit' }).waitFor(WAIT);
    await expectReflows(page, 'the summary of answers the server refused');

    await page.unroute('**/api/respond/*/complete');
    await page.route('**/api/respond/*/complete', (route) => route.abort('connectionrefused'));
    // The summary opened section A, where the first refused answer is; on to the last page again.
    for (const name of PAGES.slice(PAGES.indexOf('sec_a') + 1)) {
      await page.getByRole('button', { name: 'Next', exact: true }).click(WAIT);
      await page.getByRole('heading', { name: pageTitle(name), exact: true }).waitFor(WAIT);
    }
    await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
    await page.getByText(/We could not submit your answers just now/).waitFor(WAIT);
    await expectReflows(page, 'the notice of a submission that did not get through');
    await context.close();
  });

  it('fits the pages of a link that does not work and of a service out of reach', async () => {
    const context = await h.browser.newContext({ viewport: NARROW });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/s/${'x'.repeat(32)}`);
    await viewShown(page, 'We could not open this survey link');
    await expectReflows(page, 'the page of a link that does not work');

    const [link] = seedFielding(h.env, { name: 'reflow-320-down', rows: [frameRow(323)] });
    await page.route('**/api/respond/**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'Down for maintenance.' } }),
      }),
    );
    await page.goto(`${h.baseUrl}/s/${tokenOf(issued(link))}`);
    await viewShown(page, 'The survey is not available right now');
    await expectReflows(page, 'the page of a survey service out of reach');
    await context.close();
  });

  it('fits the access-code page, with its errors shown', async () => {
    const context = await h.browser.newContext({ viewport: NARROW });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/code`);
    await page.getByRole('heading', { name: 'Enter your access code' }).waitFor(WAIT);
    await expectReflows(page, 'the access-code page');
    await page.getByRole('button', { name: 'Open the survey' }).click(WAIT);
    await page.getByText('Enter the access code from your letter.').waitFor(WAIT);
    await expectReflows(page, 'the access-code page with an error');
    await page.getByRole('textbox', { name: 'Access code' }).fill('ABCD-EFGH-JKLM');
    await page.getByRole('button', { name: 'Open the survey' }).click(WAIT);
    await page.getByText(/We could not find that access code/).waitFor(WAIT);
    await expectReflows(page, 'the access-code page with a code it does not know');
    await context.close();
  });
});

const FIRST_QUESTION: Record<string, string> = {
  intro: 'consent',
  sec_a: 'a1_role',
  sec_b1: 'b1_law',
  sec_b2: 'b6_altchg',
  sec_c1: 'c1_source',
  sec_c2: 'c4_evidence',
  sec_d: 'd1_protocol',
  sec_e: 'e1_buyers',
  sec_f: 'f1_training',
};
function firstQuestionOf(page: string): string {
  const name = FIRST_QUESTION[page];
  if (!name) throw new Error(`no first question for ${page}`);
  return name;
}
