import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

/**
 * Issue 27, point 14 (staff side). The session's 30 idle minutes pass in seconds: the server's
 * fake clock and the browser's (Playwright's clock) are moved by hand, together.
 */
let h: BrowserHarness;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
const MINUTE = 60_000;

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'wave1', rows: [frameRow(1)] });
});
afterAll(async () => {
  await h?.close();
});

/** Signed in with a clock the test moves, on the email page of wave1 (a template editor). */
async function onEmailPage() {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.clock.install();
  await signInToConsole(page, h.baseUrl, fieldwork);
  await page.getByRole('link', { name: 'Email of wave1' }).click();
  await page.getByRole('heading', { level: 1, name: 'Email for wave1' }).waitFor();
  // No request may still be on its way when the clocks move: the server would answer it 27 minutes
  // later and renew the session, so the warning would not come when the test expects it.
  await page.waitForLoadState('networkidle');
  return { context, page };
}

/** Idle time passes for both the server and the browser. */
async function idle(page: Page, ms: number) {
  h.env.clock.advance(ms);
  await page.clock.fastForward(ms);
}

const warning = (page: Page) => page.getByRole('alertdialog', { name: 'Your session is about to end' });
const invitationBody = (page: Page) =>
  page.getByRole('region', { name: 'Invitation', exact: true }).getByRole('textbox', { name: 'Body' });

describe('a staff session that is about to time out', { timeout: 120_000 }, () => {
  it('warns two minutes before, with focus on "Stay signed in", which keeps the session on the server', async () => {
    const { context, page } = await onEmailPage();

    await idle(page, 27 * MINUTE);
    expect(await warning(page).isVisible()).toBe(false);
    await idle(page, 90_000);
    await warning(page).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stay signed in');
    expect(await warning(page).textContent()).toMatch(/you will be signed out at .+ Text you have typed and not saved/);
    await expectNoAxeViolations(page, 'the session warning');

    await page.keyboard.press('Enter');
    await warning(page).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');

    // 28.5 + 20 minutes since signing in, but only 20 since "Stay signed in": still signed in.
    await idle(page, 20 * MINUTE);
    expect(await warning(page).isVisible()).toBe(false);
    await page.getByRole('link', { name: 'Fieldings', exact: true }).click();
    // Drawn only from the server's answer: the session is alive there too.
    await page.getByRole('link', { name: 'Email of wave1' }).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Sign in' }).count()).toBe(0);
    await context.close();
  });

  it('signs out when the time is up, and the template text typed but not saved comes back after signing in again', async () => {
    const { context, page } = await onEmailPage();
    const typed = 'Dear {{contact_name}},\n\nA draft nobody saved yet.\n\n{{link}}';
    await invitationBody(page).fill(typed);

    await idle(page, 31 * MINUTE);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again. Text you had not saved comes back.').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: 'You are signed out. Text you had not saved comes back after you sign in again.' })
      .waitFor();
    await page.getByLabel('Email').fill(fieldwork.email);
    await page.getByLabel('Password').fill(fieldwork.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { level: 1, name: 'Email for wave1' }).waitFor();
    expect(await invitationBody(page).inputValue()).toBe(typed);
    await page.getByText('Your unsaved text from before you signed in again is back.').waitFor();

    await page.getByRole('button', { name: 'Save the invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invitation saved.' }).waitFor();
    expect(
      await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('fieldkit-draft:'))),
    ).toEqual([]);
    await context.close();
  });

  it('brings back a refusal reason typed on a case page before the session ended', async () => {
    const { context, page } = await onEmailPage();
    const caseId = h.env.db.prepare('SELECT id FROM cases LIMIT 1').pluck().get() as number;
    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await page.getByRole('textbox', { name: 'Reason' }).fill('Declined by phone, call back in May');

    await idle(page, 31 * MINUTE);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(fieldwork.email);
    await page.getByLabel('Password').fill(fieldwork.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { level: 1, name: /^Case: / }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Reason' }).inputValue()).toBe(
      'Declined by phone, call back in May',
    );
    await context.close();
  });

  it('keeps no draft after signing out on purpose', async () => {
    const { context, page } = await onEmailPage();
    await invitationBody(page).fill('Something private');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    expect(
      await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('fieldkit-draft:'))),
    ).toEqual([]);
    await context.close();
  });
});
