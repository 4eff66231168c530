import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentRegistry } from '../../server/instruments/registry.js';
import { frameRow } from '../factories/frame.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';

const postcodeSurvey = madeUpInstrument('postcode-survey', [
  { name: 'p1', elements: [CONSENT_QUESTION] },
  {
    name: 'p2',
    elements: [
      { type: 'text', name: 'postcode', title: 'Postcode' },
      {
        type: 'text',
        name: 'postcode_masked',
        title: 'Postcode, masked',
        maskType: 'pattern',
        maskSettings: { pattern: 'aa99 9aa' },
      },
      {
        type: 'text',
        name: 'postcode_shown',
        title: 'Postcode, masked and saved as shown',
        maskType: 'pattern',
        maskSettings: { pattern: 'aa99 9aa', saveMaskedValue: true },
      },
    ],
  },
]);

/** A made-up study with its own name and contact, and German strings beside the default ones. */
const courtsSurvey = (() => {
  const base = madeUpInstrument('courts-survey', [
    {
      name: 'p1',
      elements: [{ ...CONSENT_QUESTION, title: { default: 'Do you agree to take part?', de: 'Nehmen Sie teil?' } }],
    },
  ]);
  return {
    ...base,
    meta: {
      ...base.meta,
      study: { name: 'Made-Up Courts Study', contactEmail: 'courts-study@example.org', footer: 'Made-Up Institute' },
    },
  };
})();

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness({ instruments: createInstrumentRegistry([postcodeSurvey, courtsSurvey]) });
});
afterAll(async () => {
  await h?.close();
});

const storedAnswers = (caseId: number) =>
  JSON.parse(h.env.db.prepare('SELECT answers FROM responses WHERE case_id = ?').pluck().get(caseId) as string);

async function open(
  fielding: string,
  instrument: string,
  row: Record<string, string> = {},
): Promise<{ page: Page; caseId: number }> {
  const [link] = seedFielding(h.env, { name: fielding, instrument, rows: [frameRow(1, row)] });
  const caseId = h.env.db
    .prepare('SELECT c.id FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?')
    .pluck()
    .get(fielding) as number;
  const page = await (await h.browser.newContext()).newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link as NonNullable<typeof link>)}`);
  return { page, caseId };
}

describe('any SurveyJS instrument in Chromium', { timeout: 120_000 }, () => {
  it('stores typed text exactly as typed, and a pattern-masked answer unmasked unless saveMaskedValue is set', async () => {
    const { page, caseId } = await open('postcode', 'postcode-survey');
    await page.getByRole('radio', { name: '1', exact: true }).locator('xpath=ancestor::label[1]').click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('textbox', { name: 'Postcode', exact: true }).pressSequentially('SW11 4AB');
    await page.getByRole('textbox', { name: 'Postcode, masked', exact: true }).pressSequentially('SW11 4AB');
    await page.getByRole('textbox', { name: 'Postcode, masked and saved as shown' }).pressSequentially('SW11 4AB');
    await page.keyboard.press('Tab');
    const typed = { consent: 1, postcode: 'SW11 4AB', postcode_masked: 'SW114AB', postcode_shown: 'SW11 4AB' };
    await expect.poll(() => storedAnswers(caseId), { timeout: 10_000 }).toEqual(typed);
    await page.reload();
    for (const name of ['Postcode', 'Postcode, masked', 'Postcode, masked and saved as shown']) {
      await expect.poll(() => page.getByRole('textbox', { name, exact: true }).inputValue()).toBe('SW11 4AB');
    }
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
    expect(storedAnswers(caseId)).toEqual(typed);
    await page.context().close();
  });

  it('names the instrument’s own study in the banner and footer, and no other study', async () => {
    const { page } = await open('courts', 'courts-survey');
    await page.getByRole('heading', { name: 'Do you agree to take part?' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('banner').textContent()).toContain('Made-Up Courts Study');
    const footer = page.getByRole('contentinfo');
    expect(await footer.textContent()).toContain('Made-Up Institute');
    expect(await footer.getByRole('link').getAttribute('href')).toBe('mailto:courts-study@example.org');
    expect(await page.locator('body').textContent()).not.toMatch(/Prosecutors|tip-study/);
    expect(await page.title()).toContain('Made-Up Courts Study');
    await page.context().close();
  });

  it('shows an office whose frame language is "de" the German strings', async () => {
    const { page } = await open('courts-de', 'courts-survey', { language: 'de' });
    await page.getByRole('heading', { name: 'Nehmen Sie teil?' }).waitFor({ timeout: 10_000 });
    await page.context().close();
  });

  it('names no study on the access-code page', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await page.goto(`${h.baseUrl}/code`);
    await page.getByRole('heading', { name: 'Enter your access code' }).waitFor();
    expect(await page.getByRole('banner').textContent()).toBe('Fieldkit survey');
    expect(await page.locator('body').textContent()).not.toMatch(/Prosecutors|tip-study|Courts Study/);
    await page.context().close();
  });

  it('saves text typed into a masked field when the page is hidden while the field still has focus', async () => {
    const { page, caseId } = await open('postcode-focus', 'postcode-survey');
    await page.getByRole('radio', { name: '1', exact: true }).locator('xpath=ancestor::label[1]').click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('textbox', { name: 'Postcode, masked and saved as shown' }).pressSequentially('SW11 4AB');
    // What a browser sends as the tab closes or goes to the background.
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    await expect
      .poll(() => storedAnswers(caseId), { timeout: 10_000 })
      .toEqual({ consent: 1, postcode_shown: 'SW11 4AB' });
    await page.context().close();
  });
});
