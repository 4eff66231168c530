import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../server/repos.js';
import { caseOf } from '../mailings/setup.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
});
afterAll(async () => {
  await h?.close();
});

describe('console case page: links handed out another way', () => {
  it('records the day for a case not invited (3.11), refusing a day after today beside the field', async () => {
    seedFielding(h.env, { offices: 1 });
    const caseId = caseOf(createRepos(h.env.db), 'OFF-1');
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, fieldwork);
    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: 'Case: Office 1' }).waitFor({ timeout: 5000 });
    const office = page.getByRole('region', { name: 'Office' });
    await expect.poll(() => office.textContent(), { timeout: 5000 }).toContain('3.11 Not invited (no invitation sent)');
    const section = page.getByRole('region', { name: 'Invitation' });
    await expectNoAxeViolations(page, 'the case page of a case not invited');

    const day = section.getByLabel('Links handed out on');
    // The test server's clock stands at 2027-02-01.
    await day.fill('2027-02-05');
    await section.getByRole('button', { name: 'Record as invited' }).click();
    await section
      .getByText('The day the links were handed out, 2027-02-05, is after today (2027-02-01).')
      .waitFor({ timeout: 5000 });
    expect(await day.getAttribute('aria-invalid')).toBe('true');

    await day.fill('2027-01-29');
    await section.getByRole('button', { name: 'Record as invited' }).click();
    await expect.poll(() => office.textContent(), { timeout: 5000 }).toContain('3.19 Nothing returned');
    await page
      .getByRole('status')
      .filter({ hasText: 'Recorded as invited on 2027-01-29' })
      .waitFor({ state: 'attached' });
    // The form is gone; focus is on what was recorded, not on <body>.
    expect(await section.getByRole('button', { name: 'Record as invited' }).count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''), { timeout: 5000 })
      .toContain('Recorded as invited on 2027-01-29');
    await page
      .getByRole('cell', { name: /as invited: the links were handed out another way on 2027-01-29/ })
      .waitFor({ timeout: 5000 });
    await context.close();
  });
});
