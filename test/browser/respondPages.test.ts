import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFielding, shippedInstruments, tokenOf } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

const phaseOne = shippedInstruments().get('tip-prosecutor-survey', '1.0.0');
const sectionTitles = ((phaseOne?.survey.pages ?? []) as { title: string }[]).map((page) => page.title);
/** The address the study's own intro text gives for questions. */
const STUDY_CONTACT = 'tip-study@example.org';

/** SurveyJS hides the native input behind its own drawing, so a person clicks the label. */
const choose = (page: Page, name: string) =>
  page.getByRole('radio', { name, exact: true }).locator('xpath=ancestor::label[1]').click();
const shownButtons = (page: Page, name: string) =>
  page.getByRole('button', { name, exact: true }).filter({ visible: true });
const sectionHeading = (page: Page, title: string) =>
  page.locator('.sd-page__title').getByText(title, { exact: true }).waitFor({ timeout: 10_000 });

async function openSurvey(width: number, name: string): Promise<Page> {
  const [link] = seedFielding(h.env, { name, offices: 1 });
  const context = await h.browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link as NonNullable<typeof link>)}`);
  await sectionHeading(page, 'About this survey');
  return page;
}

/** The progress steps as a person and a screen reader get them: state and name of each. */
async function progressSteps(page: Page) {
  const steps = page.getByRole('list', { name: 'Survey sections' }).getByRole('listitem');
  return steps.evaluateAll((items) =>
    items.map((item) => ({ current: item.getAttribute('aria-current'), text: item.textContent ?? '' })),
  );
}

// biome-ignore lint/performance/useDomNodeTextContent: only the rendered text counts (SurveyJS repeats titles in hidden legends)
const shownText = (page: Page) => page.locator('body').innerText();

async function expectNoHorizontalScroll(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe.each([1280, 360])('respondent pages at %i px wide', { timeout: 120_000 }, (width) => {
  it('opens on the consent page with no empty band, says "saved as you go" once, offers no Complete, and gives the study’s address', async () => {
    const page = await openSurvey(width, `pages-first-${width}`);

    // Nothing is drawn above the page's first heading inside the survey (an empty band, a lone icon).
    const heading = page.locator('.sd-page__title').first();
    const headingTop = (await heading.boundingBox())?.y ?? 0;
    const drawnAbove = await page.locator('.sd-root-modern svg, .sd-root-modern img').evaluateAll(
      (shapes, top) =>
        shapes.filter((shape) => {
          const box = shape.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && box.bottom <= top;
        }).length,
      headingTop,
    );
    expect(drawnAbove).toBe(0);
    expect(await page.locator('.sd-progress-buttons, .sd-progress').count()).toBe(0);

    const text = await shownText(page);
    expect(text.match(/saved (automatically )?as you go/gi)).toHaveLength(1);

    const footerLink = page.getByRole('contentinfo').getByRole('link', { name: STUDY_CONTACT });
    expect(await footerLink.getAttribute('href')).toBe(`mailto:${STUDY_CONTACT}`);

    // Before a choice the only way on is Next; Complete would promise an end that is not there.
    expect(await shownButtons(page, 'Complete').count()).toBe(0);
    await shownButtons(page, 'Next').click();
    await page.getByText('Response required.').first().waitFor({ timeout: 10_000 });
    await sectionHeading(page, 'About this survey');

    await choose(page, 'No, I do not wish to take part');
    expect(await shownButtons(page, 'Complete').count()).toBe(0);
    expect(await shownButtons(page, 'Decline the survey').count()).toBe(1);

    await choose(page, 'Yes, I agree to take part');
    expect(await shownButtons(page, 'Complete').count()).toBe(0);
    expect(await shownButtons(page, 'Next').count()).toBe(1);
    await expectNoHorizontalScroll(page, width);
    await expectNoAxeViolations(page, `the consent page at ${width} px`);
    await page.context().close();
  });

  it('shows true progress: "Page 3 of N", the current section, the sections done and those not visited yet', async () => {
    const page = await openSurvey(width, `pages-progress-${width}`);
    const total = sectionTitles.length;
    await choose(page, 'Yes, I agree to take part');
    await page.getByText(`Page 1 of ${total}`, { exact: true }).waitFor({ timeout: 10_000 });

    await shownButtons(page, 'Next').click();
    await sectionHeading(page, sectionTitles[1] ?? '');
    await shownButtons(page, 'Next').click();
    await sectionHeading(page, sectionTitles[2] ?? '');

    const count = page.getByText(`Page 3 of ${total}`, { exact: true });
    expect(await count.isVisible()).toBe(true);
    const steps = await progressSteps(page);
    expect(steps).toHaveLength(total);
    expect(steps.map((s) => s.current)).toEqual(sectionTitles.map((_, i) => (i === 2 ? 'step' : null)));
    expect(steps.map((s) => s.text)).toEqual(
      sectionTitles.map((title, i) => `${title} (${i < 2 ? 'done' : i === 2 ? 'current page' : 'not visited yet'})`),
    );
    // Every step is on screen, also at phone width: no step is cut off or scrolled away.
    const boxes = await page
      .getByRole('list', { name: 'Survey sections' })
      .getByRole('listitem')
      .evaluateAll((items) => items.map((item) => item.getBoundingClientRect().toJSON() as DOMRect));
    for (const box of boxes) {
      expect(box.width).toBeGreaterThan(0);
      expect(box.right).toBeLessThanOrEqual(width);
    }
    await expectNoHorizontalScroll(page, width);
    await expectNoAxeViolations(page, `section B with its progress at ${width} px`);

    // Going back keeps the visited section done.
    await shownButtons(page, 'Previous').click();
    await page.getByText(`Page 2 of ${total}`, { exact: true }).waitFor({ timeout: 10_000 });
    const back = await progressSteps(page);
    expect(back[1]?.current).toBe('step');
    expect(back[2]?.text).toBe(`${sectionTitles[2]} (done)`);
    expect(back[3]?.text).toBe(`${sectionTitles[3]} (not visited yet)`);
    await page.context().close();
  });
});

describe('the last page and the completion page', { timeout: 180_000 }, () => {
  it('shows Complete only on the last page, and the completion page names the contact once, in the footer', async () => {
    const page = await openSurvey(360, 'pages-complete');
    await choose(page, 'Yes, I agree to take part');
    for (let i = 1; i < sectionTitles.length; i++) {
      expect(await shownButtons(page, 'Complete').count()).toBe(0);
      await shownButtons(page, 'Next').click();
      await sectionHeading(page, sectionTitles[i] ?? '');
    }
    expect(await shownButtons(page, 'Next').count()).toBe(0);
    await shownButtons(page, 'Complete').click();
    await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });

    const text = await shownText(page);
    expect(text.match(/questions about the study/gi)).toHaveLength(1);
    expect(text.match(new RegExp(STUDY_CONTACT.replaceAll('.', '\\.'), 'g'))).toHaveLength(1);
    expect(await page.getByRole('contentinfo').getByRole('link', { name: STUDY_CONTACT }).count()).toBe(1);
    await expectNoAxeViolations(page, 'the completion page at 360 px');
    await page.context().close();
  });
});
