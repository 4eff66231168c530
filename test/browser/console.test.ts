import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../server/repos.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const admin = { email: 'admin@study.example.org', password: goodPassword('admin@study.example.org') };
beforeAll(async () => {
  // PUBLIC_URL is the test server itself: the API refuses staff changes from any other Origin.
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, admin.email, 'admin');
  seedFielding(h.env, { name: 'spring-wave', offices: 3 });
});
afterAll(async () => {
  await h?.close();
});

const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 740 };

/** What Chromium reported the CSP refused; the console must work under the app's policy, unchanged. */
const cspViolations: string[] = [];
afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([]);
});

async function newPage(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page };
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${h.baseUrl}/staff/`);
  await heading(page, 'Sign in').waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });
const navLinks = (page: Page) => nav(page).getByRole('link').allTextContents();

/** Opens a page from the navigation and waits until what it loads is shown. */
async function open(page: Page, title: string, loaded: RegExp) {
  await nav(page).getByRole('link', { name: title, exact: true }).click();
  await heading(page, title).waitFor();
  await page.getByText(loaded).first().waitFor();
}

/** How far the page itself scrolls sideways; wide tables must scroll inside their own region instead. */
const sidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function checkAtBothWidths(page: Page, where: string) {
  await page.setViewportSize(DESKTOP);
  await expectNoAxeViolations(page, `${where} at ${DESKTOP.width} px`);
  await page.setViewportSize(NARROW);
  await expectNoAxeViolations(page, `${where} at ${NARROW.width} px`);
  expect(await sidewaysScroll(page), `${where} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
}

describe('staff console in Chromium', { timeout: 120_000 }, () => {
  it('an admin signs in and every page has no axe violation at 1280 and 360 px, nor sideways scrolling', async () => {
    const { context, page } = await newPage();
    const response = await page.goto(`${h.baseUrl}/staff/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self';");
    await heading(page, 'Sign in').waitFor();
    await checkAtBothWidths(page, 'the sign-in page');

    await signIn(page, admin.email, admin.password);
    await heading(page, 'Fieldings').waitFor();
    expect(page.url()).toBe(`${h.baseUrl}/staff/fieldings`);
    expect(await navLinks(page)).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'Exports',
      'Staff',
      'Audit log',
      'API tokens',
    ]);
    await expect
      .poll(() => page.getByRole('banner').textContent())
      .toMatch(/Signed in as admin@study\.example\.org\s+\(Admin\)/);

    await page.getByText('Fieldings (1)').waitFor();
    const row = page.getByRole('row', { name: /spring-wave/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['tip-prosecutor-survey', '3']),
    );
    await checkAtBothWidths(page, 'Fieldings');

    await open(page, 'Staff', /Staff accounts \(1\)/);
    await checkAtBothWidths(page, 'Staff');

    await open(page, 'Audit log', /Audit log: \d+ entries/);
    await page.getByLabel('Action').fill('staff.login');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Audit log: 1 entry, newest first, page 1 of 1').waitFor();
    expect(await page.getByRole('cell', { name: 'staff.login', exact: true }).count()).toBe(1);
    await checkAtBothWidths(page, 'Audit log');

    await open(page, 'API tokens', /You have no API tokens/);
    await checkAtBothWidths(page, 'API tokens (none)');
    // The admin shortens tokens' lives; new tokens take the default, and may not ask for more than the maximum.
    await page.getByLabel('Longest lifetime (days)').fill('30');
    await page.getByLabel('Default lifetime (days)').fill('7');
    await page.getByRole('button', { name: 'Save token lifetimes' }).click();
    await page.getByText('At most 30 days (set by an admin).').waitFor();
    expect(await page.getByLabel('Expires after (days)').inputValue()).toBe('7');
    await page.getByLabel('Name', { exact: true }).fill('nightly export');
    await page.getByLabel('Expires after (days)').fill('31');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Give at most 30 days.').waitFor();
    await page.getByLabel('Expires after (days)').fill('7');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('textbox', { name: 'API token “nightly export”' });
    await shown.waitFor();
    const token = await shown.inputValue();
    await request(h.env.app).get('/api/staff/me').set('Authorization', `Bearer ${token}`).expect(200);
    await page.getByText('Your API tokens (1)').waitFor();
    await checkAtBothWidths(page, 'API tokens (one just created)');
    await open(page, 'Audit log', /Audit log: \d+ entries/);
    await open(page, 'API tokens', /Your API tokens \(1\)/);
    const shownTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const tokenRow = page.getByRole('row', { name: /nightly export/ });
    expect(await tokenRow.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining([shownTime(h.env.clock().getTime()), shownTime(h.env.clock().getTime() + 7 * 86_400_000)]),
    );
    expect(await page.getByRole('columnheader').allTextContents()).toEqual([
      'Name',
      'Starts with',
      'Created',
      'Last used',
      'Expires',
      'Actions',
    ]);

    await page.getByRole('button', { name: 'Revoke nightly export' }).click();
    await page.getByRole('button', { name: 'Yes, revoke nightly export' }).click();
    await page.getByText('You have no API tokens.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Your tokens');
    await request(h.env.app).get('/api/staff/me').set('Authorization', `Bearer ${token}`).expect(401);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await nav(page).count()).toBe(0);
    await context.close();
  });

  it('an admin adds a fieldwork member, who sets a password from the link, signs in and sees no admin page', async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.baseUrl });
    await signIn(page, admin.email, admin.password);
    await heading(page, 'Fieldings').waitFor();
    await open(page, 'Staff', /Staff accounts/);

    await page.getByRole('button', { name: 'Add account' }).click();
    const email = page.getByRole('textbox', { name: 'Email' });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/Enter the email address/);

    await email.fill('fieldwork.member@study.example.org');
    await page.getByLabel('Role', { exact: true }).selectOption('fieldwork');
    await page.getByRole('button', { name: 'Add account' }).click();
    const linkBox = page.getByRole('textbox', { name: 'Set-password link for fieldwork.member@study.example.org' });
    await linkBox.waitFor();
    const link = await linkBox.inputValue();
    expect(link).toMatch(new RegExp(`^${h.baseUrl}/staff/password#[\\w-]{32}$`));
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const row = page.getByRole('row', { name: /fieldwork\.member@study\.example\.org/ });
    await row.getByText('Password not set').waitFor();
    await checkAtBothWidths(page, 'Staff with a set-password link shown');
    await context.close();

    const member = await newPage();
    await member.page.goto(link);
    await heading(member.page, 'Set your password').waitFor();
    expect(member.page.url()).toBe(`${h.baseUrl}/staff/password`);
    await checkAtBothWidths(member.page, 'the set-password page');
    await member.page.getByLabel('New password').fill('password12345');
    await member.page.getByLabel('The same password again').fill('password12345');
    await member.page.getByRole('button', { name: 'Set password' }).click();
    const password = member.page.getByRole('textbox', { name: 'New password' });
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    const hint = (await password.getAttribute('aria-describedby')) ?? '';
    expect(hint.split(' ')).toHaveLength(2);
    await checkAtBothWidths(member.page, 'the set-password page with a refused password');

    const chosen = 'walnut ferry under amber skies';
    await password.fill(chosen);
    await member.page.getByLabel('The same password again').fill(chosen);
    await member.page.getByRole('button', { name: 'Set password' }).click();
    await member.page.getByText(/You can now sign in as fieldwork\.member@study\.example\.org/).waitFor();

    await signIn(member.page, 'fieldwork.member@study.example.org', chosen);
    await heading(member.page, 'Fieldings').waitFor();
    expect(await navLinks(member.page)).toEqual(['Fieldings', 'Instruments', 'Records', 'Sites', 'API tokens']);
    expect(await member.page.getByRole('banner').textContent()).toMatch(/\(Fieldwork\)/);
    await member.page.goto(`${h.baseUrl}/staff/users`);
    await heading(member.page, 'Page not found').waitFor();
    await checkAtBothWidths(member.page, 'a page the fieldwork role does not open');
    await member.context.close();
  });

  it('an admin changes a role (ending that session), resets a password, disables an account, and is refused disabling the last admin', async () => {
    const memberEmail = 'changing.member@study.example.org';
    const { password } = await addMember(h.env, memberEmail, 'fieldwork');
    const member = await newPage();
    await signIn(member.page, memberEmail, password);
    await heading(member.page, 'Fieldings').waitFor();

    const { context, page } = await newPage();
    await signIn(page, admin.email, admin.password);
    await heading(page, 'Fieldings').waitFor();
    await open(page, 'Staff', /Staff accounts/);
    const row = page.getByRole('row', { name: new RegExp(memberEmail.replaceAll('.', '\\.')) });

    await row.getByLabel(`Role of ${memberEmail}`).selectOption('analyst');
    await row.getByRole('button', { name: `Change role of ${memberEmail}` }).click();
    await expect.poll(() => row.getByRole('button', { name: `Change role of ${memberEmail}` }).isDisabled()).toBe(true);
    const roleOf = () => h.env.db.prepare('SELECT role FROM staff WHERE email = ?').pluck().get(memberEmail);
    expect(roleOf()).toBe('analyst');

    await member.page.getByRole('link', { name: 'API tokens' }).click();
    await member.page.getByText('Your session has ended. Sign in again.').waitFor();
    await heading(member.page, 'Sign in').waitFor();
    await member.context.close();

    await row.getByRole('button', { name: `Reset password ${memberEmail}` }).click();
    await page.getByRole('button', { name: `Yes, reset password ${memberEmail}` }).click();
    await page.getByRole('textbox', { name: `Set-password link for ${memberEmail}` }).waitFor();
    await row.getByText('Password not set').waitFor();

    await row.getByRole('button', { name: `Disable ${memberEmail}` }).click();
    await page.getByRole('button', { name: `Yes, disable ${memberEmail}` }).click();
    await row.getByText('Disabled', { exact: true }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SECTION');
    await checkAtBothWidths(page, 'Staff after changes');

    const self = page.getByRole('row', { name: /admin@study\.example\.org/ });
    await self.getByRole('button', { name: `Disable ${admin.email}` }).click();
    await page.getByRole('button', { name: `Yes, disable ${admin.email}` }).click();
    await expect
      .poll(() => page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringMatching(/only active admin/));
    await context.close();
  });

  it('pages through the audit log filtered by actor and dates', async () => {
    const audit = createRepos(h.env.db).audit;
    for (let day = 1; day <= 60; day += 1) {
      const at = new Date(Date.UTC(2026, 10, 1) + day * 86_400_000).toISOString();
      audit.recordAudit({ at, actor: 'bulk@study.example.org', action: 'test.bulk', fielding: null, detail: { day } });
    }
    const { context, page } = await newPage();
    await signIn(page, admin.email, admin.password);
    await heading(page, 'Fieldings').waitFor();
    await open(page, 'Audit log', /Audit log: \d+ entries/);

    await page.getByLabel('Actor').fill('BULK@study.example.org');
    await page.getByLabel('From (UTC date)').fill('2026-11-05');
    await page.getByLabel('To (UTC date, inclusive)').fill('2026-12-29');
    await page.keyboard.press('Enter');
    await page.getByText('Audit log: 55 entries, newest first, page 1 of 2').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(50);
    expect(await page.locator('tbody tr').first().textContent()).toContain('2026-12-29 00:00 UTC');

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Audit log: 55 entries, newest first, page 2 of 2').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await checkAtBothWidths(page, 'Audit log, page 2 of a filter');

    await page.getByLabel('From (UTC date)').fill('2026-12-30');
    await page.getByRole('button', { name: 'Filter' }).click();
    const to = page.getByRole('textbox', { name: 'To (UTC date, inclusive)' });
    await expect.poll(() => to.getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('can be used with the keyboard alone: skip link, then the sign-in form submitted with Enter', async () => {
    const { context, page } = await newPage();
    await page.goto(`${h.baseUrl}/staff/login`);
    await heading(page, 'Sign in').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('name') ?? el.textContent?.trim()}` : '';
      });

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:Skip to main content');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:email');
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:password');
    await page.keyboard.type(admin.password);
    await page.keyboard.press('Enter');
    await heading(page, 'Fieldings').waitFor();
    // The new page's heading takes focus, so a screen reader says where the user now is.
    await expect.poll(focused).toBe('h1:Fieldings');

    await page.reload();
    await page.getByText('Fieldings (1)').waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:Skip to main content');
    await page.keyboard.press('Enter');
    expect(await focused()).toMatch(/^main:/);
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^section:Fieldings \(1\)/);
    await context.close();
  });

  it('says why a sign-in fails: missing fields beside them, a wrong password, and the wait after too many', async () => {
    await addMember(h.env, 'slowed@study.example.org', 'analyst');
    const { context, page } = await newPage(NARROW);
    await page.goto(`${h.baseUrl}/staff/login`);
    await heading(page, 'Sign in').waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    const email = page.getByRole('textbox', { name: 'Email' });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await email.getAttribute('aria-describedby')}"]`).textContent()).toBe(
      'Enter your email address.',
    );
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await expectNoAxeViolations(page, 'the sign-in page with field errors');

    await page.getByLabel('Email').fill('slowed@study.example.org');
    await page.getByLabel('Password').fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The fields' error regions are alerts too, empty until they have something to say.
    const said = page.getByRole('alert').filter({ hasText: /\S/ });
    await expect.poll(() => said.textContent()).toMatch(/email or password is not right/);

    for (let attempt = 2; attempt <= 5; attempt += 1) {
      await request(h.env.app)
        .post('/api/staff/login')
        .send({ email: 'slowed@study.example.org', password: 'still wrong, sorry' })
        .expect(401);
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => said.textContent())
      .toMatch(/^Too many sign-in attempts\. Wait \d+ seconds?, then try again\.$/);
    await expectNoAxeViolations(page, 'the sign-in page after too many attempts');
    await context.close();
  });
});
