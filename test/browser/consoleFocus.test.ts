import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, signInToConsole, startBrowserHarness } from './harness.js';

/**
 * Issue 27, points 10 and 12 (console): after an action that replaces the button pressed, focus
 * goes to the result or the next control, never to <body>; every error is announced by a live
 * region that was in the page before the error appeared, and ties itself to its field.
 */
let h: BrowserHarness;
const admin = { email: 'admin@study.example.org', password: goodPassword('admin@study.example.org') };
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
let caseId: number;

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, admin.email, 'admin');
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'wave1', rows: [frameRow(1), frameRow(2)] });
  caseId = h.env.db.prepare('SELECT id FROM cases ORDER BY id LIMIT 1').pluck().get() as number;
});
afterAll(async () => {
  await h?.close();
});

async function signedIn(who: { email: string; password: string }) {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInToConsole(page, h.baseUrl, who);
  return { context, page };
}

/** What has focus, in words: a tag and its accessible text, or "BODY" when focus was dropped. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'BODY';
    const name = el instanceof HTMLInputElement ? `name=${el.name}` : (el.textContent ?? '');
    return `${el.tagName} ${name.replace(/\s+/g, ' ').trim()}`;
  });

/** Marks every live region now in the page, to prove later that an error's region was there before it. */
const markLiveRegions = (page: Page) =>
  page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>('[role="alert"], [role="status"], [aria-live]')) {
      el.dataset.liveBefore = 'yes';
    }
  });

/**
 * The field is marked invalid, its aria-describedby names the error text, and that text sits in a
 * live region present before the error: a screen reader hears it though focus did not move.
 */
async function expectAnnouncedError(field: Locator, text: RegExp) {
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const heard = await field.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    const errors = ids.map((id) => document.getElementById(id)).filter((e) => e?.closest('[role="alert"]'));
    return errors.map((e) => ({
      text: e?.textContent ?? '',
      regionWasThere: (e?.closest('[role="alert"]') as HTMLElement | null)?.dataset.liveBefore === 'yes',
    }));
  });
  expect(heard).toEqual([{ text: expect.stringMatching(text), regionWasThere: true }]);
}

describe('console focus after actions (issue 27, point 10)', { timeout: 120_000 }, () => {
  it('Record… moves focus to the question, which is announced; Cancel and Yes bring it back to Record…', async () => {
    const { context, page } = await signedIn(fieldwork);
    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: /^Case: / }).waitFor();
    await markLiveRegions(page);

    await page.getByRole('textbox', { name: 'Reason' }).fill('Declined by phone');
    await page.getByRole('button', { name: 'Record…' }).click();
    const question = page.getByRole('status').filter({ hasText: /^Record .+ as refused: “Declined by phone”\?$/ });
    await question.waitFor();
    expect(await question.evaluate((el) => el.dataset.liveBefore)).toBe('yes');
    expect(await focused(page)).toBe('BUTTON Yes, record as refused');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(page)).toBe('BUTTON Record…');

    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('BUTTON Yes, record as refused');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Recorded: 2.11 Refusal.' }).waitFor();
    await expect.poll(() => focused(page)).toBe('BUTTON Record…');
    await context.close();
  });

  it('revoking a link leaves focus on that link’s line once its button has gone', async () => {
    const { context, page } = await signedIn(fieldwork);
    const otherCase = h.env.db.prepare('SELECT id FROM cases ORDER BY id DESC LIMIT 1').pluck().get() as number;
    await page.goto(`${h.baseUrl}/staff/cases/${otherCase}`);
    await page.getByRole('button', { name: /^Revoke link \d+ of / }).click();
    await page.getByRole('button', { name: /^Yes, revoke link \d+ of / }).click();
    await page.getByText(/revoked \d{4}-/).waitFor();

    expect(await page.getByRole('button', { name: /^Revoke link / }).count()).toBe(0);
    await expect.poll(() => focused(page)).toMatch(/^LI Link \d+ · .*revoked \d{4}-/);
    await context.close();
  });

  it('Letters asks, and focus follows the question and comes back on Cancel; Preview and Export keep focus', async () => {
    const { context, page } = await signedIn(admin);
    await page.getByRole('button', { name: 'Letters (PDF) for wave1' }).click();
    await expect.poll(() => focused(page)).toMatch(/^SELECT /);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(page)).toBe('BUTTON Letters (PDF) for wave1');

    await page.getByRole('link', { name: 'Instruments', exact: true }).click();
    const preview = page.getByRole('button', { name: /^Preview .* in test mode/ }).first();
    const [tab] = await Promise.all([context.waitForEvent('page'), preview.click()]);
    await page
      .getByRole('status')
      .filter({ hasText: /^Preview of .* opened in a new tab/ })
      .waitFor();
    await tab.close();
    expect(await focused(page)).toMatch(/^BUTTON Preview /);

    await page.getByRole('link', { name: 'Exports', exact: true }).click();
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('status').filter({ hasText: 'The export of wave1 is ready to download.' }).waitFor();
    expect(await focused(page)).toBe('BUTTON Export');
    await context.close();
  });

  it('setting a password moves focus to the result, not to <body>', async () => {
    const { context, page } = await signedIn(admin);
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill('new.member@study.example.org');
    await page.getByRole('button', { name: 'Add account' }).click();
    const link = await page
      .getByRole('textbox', { name: 'Set-password link for new.member@study.example.org' })
      .inputValue();

    const member = await context.newPage();
    await member.goto(link);
    await member.getByLabel('New password').fill('walnut ferry under amber skies');
    await member.getByLabel('The same password again').fill('walnut ferry under amber skies');
    await member.getByRole('button', { name: 'Set password' }).click();
    await member.getByText(/You can now sign in as new\.member@study\.example\.org/).waitFor();
    expect(await focused(member)).toMatch(/^P Your password is set\./);
    await context.close();
  });
});

describe('console errors are announced (issue 27, point 12)', { timeout: 120_000 }, () => {
  it('on sign-in: Enter in the empty email field, then a wrong password', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/staff/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await markLiveRegions(page);
    const email = page.getByRole('textbox', { name: 'Email' });
    await email.focus();
    await page.keyboard.press('Enter');
    await expectAnnouncedError(email, /^Enter your email address\.$/);

    await email.fill(admin.email);
    await page.getByLabel('Password').fill('not the right password');
    await page.keyboard.press('Enter');
    const said = page.getByRole('alert').filter({ hasText: /email or password is not right/ });
    await said.waitFor();
    expect(await said.evaluate((el) => el.dataset.liveBefore)).toBe('yes');
    // The button was pressed (by Enter) and stays where it was: focus is not dropped while it waits.
    expect(await focused(page)).not.toBe('BODY');
    await context.close();
  });

  it('on Add account: Enter in the email field with no address', async () => {
    const { context, page } = await signedIn(admin);
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
    await markLiveRegions(page);
    const email = page.getByRole('textbox', { name: 'Email' });
    await email.fill('nobody');
    await email.press('Enter');
    await expectAnnouncedError(email, /^Enter the email address of the new account/);
    await context.close();
  });

  it('on Add contact: missing name and email, then an address the office already has', async () => {
    const { context, page } = await signedIn(fieldwork);
    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    const form = page.getByRole('form', { name: 'Add a contact' });
    await form.waitFor();
    await markLiveRegions(page);
    const name = form.getByRole('textbox', { name: 'Name' });
    await name.focus();
    await page.keyboard.press('Enter');
    await expectAnnouncedError(name, /^Enter the contact’s name\.$/);
    await expectAnnouncedError(form.getByRole('textbox', { name: 'Email' }), /^Enter the contact’s email address\.$/);
    expect(await focused(page)).toBe('INPUT name=name');

    const existing = h.env.db
      .prepare('SELECT c.email FROM contacts c JOIN cases k ON k.office_id = c.office_id WHERE k.id = ? LIMIT 1')
      .pluck()
      .get(caseId);
    await name.fill('Second Person');
    await form.getByRole('textbox', { name: 'Email' }).fill(String(existing));
    await form.getByRole('textbox', { name: 'Email' }).press('Enter');
    await expectAnnouncedError(form.getByRole('textbox', { name: 'Email' }), /already has a contact with the email/);
    await context.close();
  });

  it('on the cases filter: a state that is not a postal code', async () => {
    const { context, page } = await signedIn(fieldwork);
    await page.goto(`${h.baseUrl}/staff/fieldings/wave1/cases`);
    const state = page.getByRole('textbox', { name: 'State' });
    await state.waitFor();
    await markLiveRegions(page);
    await state.fill('Ohio');
    await state.press('Enter');
    await expectAnnouncedError(state, /^Enter a two-letter postal code/);
    await context.close();
  });
});
