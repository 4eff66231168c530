import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createSmtpMailer } from '../../server/mailings/mailer.js';
import { CHROMIUM_ARGS } from '../../server/paper/pdf.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createTestEnv, type TestEnv } from '../support/app.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags this machine needs (no sandbox as root, no background traffic): the ones the server prints with. */
export { CHROMIUM_ARGS };

export type BrowserHarness = { env: TestEnv; baseUrl: string; browser: Browser; close(): Promise<void> };

/**
 * The real app with the real client build on a loopback port, and Debian's Chromium.
 * `publicUrlIsServer` makes PUBLIC_URL the loopback address itself, as the staff console needs:
 * staff changes are refused unless the browser's Origin is PUBLIC_URL's.
 */
export async function startBrowserHarness(
  options: Omit<Parameters<typeof createTestEnv>[0] & object, 'clientDir'> & { publicUrlIsServer?: boolean } = {},
): Promise<BrowserHarness> {
  const clientDir = path.join(projectRoot, 'dist', 'client');
  if (!existsSync(path.join(clientDir, 'respond', 'index.html'))) {
    throw new Error(
      'The respondent app is not built: run `npm run build` (npm run check does) before the browser tests.',
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-test-deps.sh`);
  // Listening before the app exists gives the port that PUBLIC_URL may have to name.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { publicUrlIsServer, ...envOptions } = options;
  const env = createTestEnv({
    ...envOptions,
    clientDir,
    ...(publicUrlIsServer ? { publicUrl: `http://127.0.0.1:${port}` } : {}),
  });
  server.on('request', env.app);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    env,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      env.close();
    },
  };
}

/**
 * Runs axe on the page as it is now and fails with the rule ids and targets of any violation.
 * `exclude` leaves out elements axe cannot enter, such as a sandboxed frame without scripts (axe
 * waits on it for ever); test what such a frame shows on a page of its own. `tags` limits the
 * rules (an email is not a web page: it has no landmarks, but WCAG still applies to it).
 */
export async function expectNoAxeViolations(
  page: Page,
  where: string,
  options: { exclude?: readonly string[]; tags?: string[] } = {},
): Promise<void> {
  const builder = new AxeBuilder({ page });
  for (const selector of options.exclude ?? []) builder.exclude(selector);
  // Only violations are asserted: axe then skips recording every passing node, which on a long
  // page (the codebook's thousands of cells) is most of its time. Set before withTags, which it would replace.
  builder.options({ resultTypes: ['violations'] });
  if (options.tags) builder.withTags(options.tags);
  const results = await builder.analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${where}`).toEqual([]);
}

/**
 * Signs in on the console's own form and waits for the page a signed-in member lands on (an
 * interviewer lands on Records).
 */
export async function signInToConsole(
  page: Page,
  baseUrl: string,
  who: { email: string; password: string },
  landsOn = 'Fieldings',
) {
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  await page.goto(`${baseUrl}/staff/`);
  await heading('Sign in').waitFor();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(landsOn).waitFor();
}

/**
 * The browser harness with email on: a real SMTP server on loopback and the app's mailer sending
 * to it; PUBLIC_URL is the server (the console needs it). `close` stops all three.
 */
export async function startMailHarness(
  options: Omit<Parameters<typeof startBrowserHarness>[0] & object, 'mailer' | 'publicUrlIsServer'> = {},
): Promise<BrowserHarness & { smtp: TestSmtpServer }> {
  const smtp = await startSmtpServer();
  const mailer = createSmtpMailer(smtp.url);
  const h = await startBrowserHarness({ ...options, publicUrlIsServer: true, mailer });
  return {
    ...h,
    smtp,
    async close() {
      await h.close();
      mailer.close();
      await smtp.close();
    },
  };
}

/** The console's two test widths: a desktop and a phone. */
export const DESKTOP = { width: 1280, height: 800 };
export const NARROW = { width: 360, height: 740 };

/** No axe violation at 1280 and at 360 px, and nothing scrolls sideways at 360 px; back at 1280 after. */
export async function checkAtBothWidths(page: Page, where: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await expectNoAxeViolations(page, `${where} at ${DESKTOP.width} px`);
  await page.setViewportSize(NARROW);
  await expectNoAxeViolations(page, `${where} at ${NARROW.width} px`);
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(sideways, `${where} scrolls sideways at ${NARROW.width} px`).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
}
