import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { CASE_LIST_COLUMNS } from '../../server/fieldwork/present.js';
import { parseCsv } from '../../server/platform/csv.js';
import { fieldedWave, LARGE, MIDDLE, SMALL } from '../fieldwork/fielded.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { type BrowserHarness, expectNoAxeViolations, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const analyst = { email: 'analyst@study.example.org', password: goodPassword('analyst@study.example.org') };

/** Invitations to every office on Feb 1, the first reminder to five of them on Feb 2 (as the mailer records sends). */
const INVITED_AT = '2027-02-01T09:10:00.000Z';
const REMINDED_AT = '2027-02-02T09:00:00.000Z';
const REMINDED = ['OFF-2', 'OFF-4', 'OFF-8', 'OFF-9', 'OFF-10'];

function recordMailings() {
  const { db } = h.env;
  const recipients = db
    .prepare(
      `SELECT c.fielding_id, c.id AS case_id, k.id AS contact_id, o.office_id
       FROM cases c JOIN offices o ON o.id = c.office_id JOIN contacts k ON k.office_id = o.id`,
    )
    .all() as { fielding_id: number; case_id: number; contact_id: number; office_id: string }[];
  const insert = db.prepare(
    `INSERT INTO email_sends (fielding_id, case_id, contact_id, kind, number, status, attempts, queued_at,
       next_attempt_at, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, 'sent', 1, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of recipients) {
      insert.run(r.fielding_id, r.case_id, r.contact_id, 'invitation', 0, ...Array(4).fill(INVITED_AT));
      if (REMINDED.includes(r.office_id)) {
        insert.run(r.fielding_id, r.case_id, r.contact_id, 'reminder', 1, ...Array(4).fill(REMINDED_AT));
      }
    }
  })();
}

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, analyst.email, 'analyst');
  // Ten offices in three strata, over three days: two completes (days 1 and 3), a partial, a
  // break-off, two refusals, two never opened, one undeliverable, one not eligible.
  await fieldedWave(h.env);
  recordMailings();
});
afterAll(async () => {
  await h?.close();
});

const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 740 };

async function checkAtBothWidths(page: Page, where: string) {
  await page.setViewportSize(DESKTOP);
  await expectNoAxeViolations(page, `${where} at 1280 px`);
  await page.setViewportSize(NARROW);
  // Both charts redraw for the narrow width before axe looks.
  await expect.poll(() => page.locator('figure canvas[role="img"]').count()).toBe(2);
  await expectNoAxeViolations(page, `${where} at 360 px`);
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(sideways, `${where} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
}

/** A table's text, row by row (header, body, footer), found by its caption. */
function tableText(page: Page, caption: string): Promise<string[][]> {
  return page
    .locator('table')
    .filter({ has: page.locator('caption', { hasText: caption }) })
    .locator('tr')
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent?.trim() ?? '')));
}

// The hidden ": cases" is its own box, so the accessible name may have a space before the colon.
const CASES_OF_WAVE1 = /^wave1\W+cases$/;
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [saved] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: saved.suggestedFilename(), text: readFileSync(await saved.path(), 'utf8') };
}

describe('the fielding dashboard in Chromium', { timeout: 180_000 }, () => {
  it('an analyst opens it from the fieldings and the cases, reads dispositions, rates and both charts with their tables, and downloads the case list', async () => {
    const context = await h.browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/staff/`);
    await heading(page, 'Sign in').waitFor();
    await page.getByLabel('Email').fill(analyst.email);
    await page.getByLabel('Password').fill(analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Fieldings').waitFor();

    // From the fieldings to the cases, and from the cases to the dashboard.
    await page.getByRole('link', { name: CASES_OF_WAVE1 }).click();
    await heading(page, 'Cases of wave1').waitFor();
    await page.getByRole('link', { name: 'Dashboard of wave1' }).click();
    await heading(page, 'Dashboard of wave1').waitFor();
    expect(new URL(page.url()).pathname).toBe('/staff/fieldings/wave1/dashboard');

    // The disposition table: a row per final disposition, a column per stratum in the header's order.
    const dispositions = await tableText(page, 'Cases by disposition and stratum');
    const [header, ...rows] = dispositions;
    expect(header?.slice(0, 4)).toEqual(['Code', 'Disposition', 'Group', 'Count']);
    const strata = header?.slice(4) ?? [];
    expect([...strata].sort()).toEqual([SMALL, MIDDLE, LARGE].sort());
    const row = (code: string, group: string, byStratum: Record<string, number>) => {
      const { label } = Object.values(DISPOSITIONS).find((d) => d.code === code) as { label: string };
      const counts = strata.map((s) => byStratum[s] ?? 0);
      return [code, label, group, String(counts.reduce((a, b) => a + b, 0)), ...counts.map(String)];
    };
    expect(rows).toEqual([
      row('1.1', 'I', { [SMALL]: 1, [MIDDLE]: 1 }),
      row('1.2', 'P', { [SMALL]: 1 }),
      row('2.11', 'R', { [SMALL]: 1, [LARGE]: 1 }),
      row('2.12', 'R', { [MIDDLE]: 1 }),
      row('3.19', 'UH', { [SMALL]: 1, [LARGE]: 1 }),
      row('3.30', 'UO', { [SMALL]: 1 }),
      row('4.10', 'NE', { [MIDDLE]: 1 }),
      ['', 'Total', '', '10', ...strata.map((s) => String({ [SMALL]: 5, [MIDDLE]: 3, [LARGE]: 2 }[s]))],
    ]);

    // RR1 = I / (I + P + R + NC + O + UH + UO) = 2 / 9, shown at the top and in the rates table.
    await page.getByTestId('overall-rr1').getByText('22.2%', { exact: true }).waitFor();
    const rates = await tableText(page, 'Response, cooperation, refusal and contact rates');
    const rateRow = (name: string) => rates.find((r) => r[0] === name);
    const column = (stratum: string) => 2 + strata.indexOf(stratum);
    expect(rates[0]?.slice(0, 2)).toEqual(['Rate', 'All strata']);
    expect(rates.slice(1).map((r) => r[0])).toEqual([
      ...['RR1', 'RR2', 'RR3', 'RR4', 'RR5', 'RR6', 'COOP1', 'COOP2', 'COOP3', 'COOP4'],
      ...['REF1', 'REF2', 'REF3', 'CON1', 'CON2', 'CON3'],
    ]);
    expect(rateRow('RR1')?.[1]).toBe('22.2%');
    expect(rateRow('RR1')?.[column(SMALL)]).toBe('20.0%');
    expect(rateRow('RR1')?.[column(MIDDLE)]).toBe('50.0%');
    expect(rateRow('RR2')?.[1]).toBe('33.3%');
    // e by the AAPOR default: 6 of the 7 cases of known eligibility are eligible.
    await page.getByText('e = 0.857', { exact: true }).waitFor();
    await page.getByText(/AAPOR default estimate/).waitFor();
    const groups = await tableText(page, 'Counts by AAPOR group');
    expect(groups.slice(1).map((r) => [r[0]?.split(' ')[0], r[1]])).toEqual([
      ['I', '2'],
      ['P', '1'],
      ['R', '3'],
      ['NC', '0'],
      ['O', '0'],
      ['UH', '2'],
      ['UO', '1'],
      ['NE', '1'],
    ]);

    // Chart 1: drawn by uPlot on a canvas that is an image with a summary, then its table.
    const progress = page.getByRole('figure', { name: /Cumulative completes and RR1 by day/ });
    const progressCanvas = progress.getByRole('img');
    await progressCanvas.waitFor();
    expect(await progressCanvas.evaluate((e) => e.tagName)).toBe('CANVAS');
    expect(await progressCanvas.getAttribute('aria-label')).toBe(
      'Line chart of cumulative completes and RR1 by day, 2027-02-01 to 2027-02-03: 2 completes and RR1 22.2% ' +
        'on the last day. Vertical lines mark Invitation on 2027-02-01, Reminder 1 on 2027-02-02.',
    );
    await progress.getByText('Dotted vertical lines: Invitation (2027-02-01); Reminder 1 (2027-02-02)').waitFor();
    expect(await tableText(page, 'Completes, RR1 and mailings by day')).toEqual([
      ['Day (UTC)', 'Completes (cumulative)', 'RR1', 'Mailings'],
      ['2027-02-01', '1', '11.1%', 'Invitation'],
      ['2027-02-02', '1', '11.1%', 'Reminder 1'],
      ['2027-02-03', '2', '22.2%', ''],
    ]);

    // Chart 2: bars of RR1 and RR2 by stratum, then the same numbers as a table.
    const byStratum = page.getByRole('figure', { name: 'RR1 and RR2 by stratum' });
    const barsCanvas = byStratum.getByRole('img');
    await barsCanvas.waitFor();
    expect(await barsCanvas.evaluate((e) => e.tagName)).toBe('CANVAS');
    expect(await barsCanvas.getAttribute('aria-label')).toContain(`${SMALL}: RR1 20.0%, RR2 40.0%`);
    const strataTable = await tableText(page, 'RR1 and RR2 by stratum');
    expect(strataTable.slice(1).sort()).toEqual(
      [
        [SMALL, '5', '20.0%', '40.0%'],
        [MIDDLE, '3', '50.0%', '50.0%'],
        [LARGE, '2', '0.0%', '0.0%'],
      ].sort(),
    );
    // The canvases hold pixels: uPlot drew something on both.
    const inked = await page.locator('figure canvas').evaluateAll((canvases) =>
      (canvases as HTMLCanvasElement[]).map((c) =>
        c
          .getContext('2d')
          ?.getImageData(0, 0, c.width, c.height)
          .data.some((v, i) => i % 4 === 3 && v > 0),
      ),
    );
    expect(inked).toEqual([true, true]);

    await checkAtBothWidths(page, 'the dashboard');

    // The case list with dispositions, as the server writes it.
    const file = await download(page, page.getByRole('button', { name: 'Download case list (CSV)' }));
    expect(file.name).toBe('wave1-cases-2027-02-03.csv');
    const [columns, ...records] = parseCsv(file.text).records.map((r) => r.fields);
    expect(columns).toEqual([...CASE_LIST_COLUMNS]);
    expect(records).toHaveLength(10);
    const field = (record: string[] | undefined, name: (typeof CASE_LIST_COLUMNS)[number]) =>
      record?.[CASE_LIST_COLUMNS.indexOf(name)];
    const baker = records.find((r) => field(r, 'office_id') === 'OFF-2');
    expect(field(baker, 'office_name')).toBe('Baker County Prosecutor');
    expect(field(baker, 'stratum')).toBe(MIDDLE);
    expect(field(baker, 'disposition')).toBe('1.1');
    expect(field(baker, 'disposition_label')).toBe('Complete');
    expect(field(baker, 'last_email_at')).toBe(REMINDED_AT);
    expect(field(baker, 'reminders_sent')).toBe('1');
    await context.close();
  });

  it('is a link from every fielding on the Fieldings page', async () => {
    const context = await h.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/staff/`);
    await page.getByLabel('Email').fill(analyst.email);
    await page.getByLabel('Password').fill(analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Fieldings').waitFor();
    await page.getByRole('row', { name: /wave1/ }).getByRole('link', { name: 'Dashboard of wave1' }).click();
    await heading(page, 'Dashboard of wave1').waitFor();
    await page.locator('figure canvas[role="img"]').nth(1).waitFor();
    await context.close();
  });
});
