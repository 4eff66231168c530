import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentRegistry } from '../../server/instruments/registry.js';
import { createRepos } from '../../server/repos.js';
import { exportInProcess } from '../factories/export.js';
import { madeUpInstrument } from '../factories/instrument.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding, shippedInstruments } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

/** A two-page instrument beside the shipped ones, so the preview is quick to answer by hand. */
const probe = madeUpInstrument('preview-probe', [
  {
    name: 'start',
    elements: [
      {
        type: 'radiogroup',
        name: 'consent',
        title: 'Do you agree to take part?',
        isRequired: true,
        choices: [
          { value: 1, text: 'Yes, I agree' },
          { value: 2, text: 'No, I do not agree' },
        ],
      },
    ],
  },
  {
    name: 'office',
    elements: [
      {
        type: 'radiogroup',
        name: 'q_units',
        title: 'Does your office have a trafficking unit?',
        isRequired: true,
        choices: [
          { value: 1, text: 'It has one' },
          { value: 2, text: 'It has none' },
        ],
      },
    ],
  },
]);

let h: BrowserHarness;
const analyst = { email: 'analyst@study.example.org', password: goodPassword('analyst@study.example.org') };
beforeAll(async () => {
  h = await startBrowserHarness({
    publicUrlIsServer: true,
    instruments: createInstrumentRegistry([...shippedInstruments().all(), probe]),
  });
  await addMember(h.env, analyst.email, 'analyst');
  seedFielding(h.env, { name: 'wave1', offices: 2 });
});
afterAll(async () => {
  await h?.close();
});

let exports = 0;
/** What the study would count or take away: the exported rows (case_id is new in every export) and the stored rows. */
async function studySnapshot() {
  const out = path.join(h.env.dir, `export-${++exports}`);
  await exportInProcess(h.env, { fielding: 'wave1', out, includeFreeText: true, actor: 't' });
  const rows = (table: string) => h.env.db.prepare(`SELECT * FROM ${table} ORDER BY id`).all();
  return {
    data: readFileSync(path.join(out, 'data.csv'), 'utf8')
      .split('\n')
      .map((line) => line.replace(/^[^,]*,/, '')),
    cases: rows('cases'),
    responses: rows('responses'),
    events: rows('case_events'),
    tokens: rows('tokens'),
  };
}

describe('instrument preview in Chromium', { timeout: 120_000 }, () => {
  it('an analyst previews a version in test mode: the banner is shown and announced, the answers go nowhere', async () => {
    const before = await studySnapshot();
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/staff/`);
    await page.getByLabel('Email').fill(analyst.email);
    await page.getByLabel('Password').fill(analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Instruments' }).click();
    const button = page.getByRole('button', { name: 'Preview preview-probe 1 in test mode (opens in a new tab)' });
    await button.waitFor();
    await expectNoAxeViolations(page, 'the instruments page');

    const [preview] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await preview.waitForURL(/\/s\/test-[A-Za-z0-9_-]{32}$/);
    const banner = preview.getByRole('status').filter({ hasText: 'Test mode' });
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toBe('Test mode — answers are not recorded in the study.');
    await preview.getByText('Do you agree to take part?').first().waitFor();
    await expectNoAxeViolations(preview, 'the preview with its test-mode banner');
    await preview.setViewportSize({ width: 360, height: 740 });
    await expectNoAxeViolations(preview, 'the preview with its test-mode banner at 360 px');

    await preview.getByRole('radio', { name: 'Yes, I agree' }).locator('xpath=ancestor::label[1]').click();
    await preview.getByRole('button', { name: 'Next', exact: true }).click();
    await preview.getByRole('radio', { name: 'It has one' }).locator('xpath=ancestor::label[1]').click();
    await preview.getByRole('button', { name: 'Complete', exact: true }).click();
    await preview.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
    await preview.getByRole('status').filter({ hasText: 'Test mode' }).waitFor();

    const stored = h.env.db.prepare('SELECT actor, status, answers FROM preview_sessions').all();
    expect(stored).toEqual([
      { actor: analyst.email, status: 'completed', answers: JSON.stringify({ consent: 1, q_units: 1 }) },
    ]);
    expect(await studySnapshot()).toEqual(before);
    const audit = createRepos(h.env.db)
      .audit.auditEntries()
      .filter((e) => e.action === 'preview');
    expect(audit.map((e) => e.actor)).toEqual([analyst.email]);
    await context.close();
  });
});
