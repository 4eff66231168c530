import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFileV2Answers, recordRows } from '../factories/records.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { records } from '../support/readBack.js';
import { unzipWithPython } from '../support/zip.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

/**
 * The "Phase II records" section of the console's Exports page: an analyst picks the case-file
 * instrument and a site, keeps only the CSV, and downloads the zip the records export writes;
 * axe finds nothing at 1280 and 360 px, with the form open and with the zip to download.
 */
let h: BrowserHarness;
const analyst = { email: 'analyst@study.example.org', password: goodPassword('analyst@study.example.org') };
let sanDiegoRecord = 0;

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, analyst.email, 'analyst');
  const rows = recordRows(h.env.db);
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const sanDiego = rows.site('San Diego');
  const miami = rows.site('Miami');
  const base = {
    instrumentId: 'cs-case-file-abstraction',
    version: '2.0.0',
    interviewerId: maria,
    status: 'final' as const,
  };
  sanDiegoRecord = rows.record({ ...base, siteId: sanDiego, answers: caseFileV2Answers('SD-0001') });
  rows.record({ ...base, siteId: miami, answers: caseFileV2Answers('MI-0001', { h_site: 2 }) });
  rows.change({ recordId: sanDiegoRecord, revision: 1, variable: 'cf_code', new: 'SD-0001', staffId: maria });
});
afterAll(async () => {
  await h?.close();
});

async function checkAtBothWidths(page: Page, where: string) {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 360, height: 740 },
  ]) {
    await page.setViewportSize(viewport);
    await expectNoAxeViolations(page, `${where} at ${viewport.width} px`);
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(sideways, `${where} scrolls sideways at ${viewport.width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('Exports page, Phase II records', () => {
  it('an analyst downloads the San Diego case files as CSV: records, defendants, charges, victims and audit trail', {
    timeout: 60_000,
  }, async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, analyst);
    await page.getByRole('navigation').getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exports', exact: true }).waitFor();
    const section = page.getByRole('region', { name: 'Phase II records' });
    await section.getByRole('button', { name: 'Choose records to download' }).click();
    await section.getByLabel('Instrument').selectOption('cs-case-file-abstraction');
    await section.getByLabel('Site').selectOption('San Diego');
    for (const format of ['CSV (labels)', 'Excel (xlsx)', 'SPSS (sav)', 'Stata (dta)', 'R script', 'Codebook']) {
      await section.getByLabel(format).uncheck();
    }
    expect(await section.getByLabel('Keep other free text').isDisabled()).toBe(true);
    await checkAtBothWidths(page, 'Exports, records form');
    await section.getByRole('button', { name: 'Download records' }).click();
    const link = section.getByRole('link', { name: /Download the records zip/ });
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(saved.suggestedFilename()).toMatch(/^cs-case-file-abstraction-San_Diego-records-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipWithPython(readFileSync(await saved.path()));
    expect(Object.keys(files).sort()).toEqual([
      'data.csv',
      'data_audit_trail.csv',
      'data_cf_defs.csv',
      'data_cf_victims.csv',
      'data_d_charges.csv',
      'manifest.json',
    ]);
    const ids = (csv: string) =>
      records(csv)
        .slice(1)
        .map((row) => Number(row[0]));
    expect(ids(files['data.csv'] as string)).toEqual([sanDiegoRecord]);
    // Defendants 1 and 3, three charges between them, two victims: each row with its record's id.
    expect(ids(files['data_cf_defs.csv'] as string)).toEqual([sanDiegoRecord, sanDiegoRecord]);
    expect(ids(files['data_d_charges.csv'] as string)).toEqual(Array(3).fill(sanDiegoRecord));
    expect(ids(files['data_cf_victims.csv'] as string)).toEqual(Array(2).fill(sanDiegoRecord));
    expect(ids(files['data_audit_trail.csv'] as string)).toEqual([sanDiegoRecord]);
    await checkAtBothWidths(page, 'Exports, records zip to download');
    const audit = h.env.db.prepare("SELECT actor FROM audit_log WHERE action = 'export_records'").pluck().all();
    expect(audit).toEqual([analyst.email]);
    await context.close();
  });
});
