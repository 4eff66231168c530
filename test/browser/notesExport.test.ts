import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prosecutorInterview, recordRows } from '../factories/records.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { sourceTexts, summarizeQde, validateProjectQde } from '../support/qdpx.js';
import { unzipWithPython } from '../support/zip.js';
import { type BrowserHarness, checkAtBothWidths, DESKTOP, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const analyst = { email: 'analyst@study.example.org', password: goodPassword('analyst@study.example.org') };
const NOTES = {
  history: 'Task force since 2014 — "Operation Dawn" <SD-0142> & more.\r\nSecond line.',
  lessons: '✅ 🚩',
};

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, analyst.email, 'analyst');
  const interviewer = await addMember(h.env, 'mdelopez@study.example.org', 'interviewer');
  const sanDiego = recordRows(h.env.db).site('San Diego');
  recordRows(h.env.db).site('Miami');
  recordRows(h.env.db).record({
    siteId: sanDiego,
    interviewerId: interviewer.id,
    answers: prosecutorInterview(NOTES),
    instrumentId: 'cs-prosecutor-interview',
    status: 'final',
  });
});
afterAll(async () => {
  await h?.close();
});

describe('Exports page: interview notes (.qdpx)', () => {
  it("lets an analyst download a site's notes as a project that validates, and says plainly when a site has none", async () => {
    const context = await h.browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    await signInToConsole(page, h.baseUrl, analyst);
    await page.getByRole('link', { name: 'Exports', exact: true }).click();
    const section = page.getByRole('region', { name: 'Interview notes (.qdpx)' });
    await section.getByLabel('Site').waitFor();
    await checkAtBothWidths(page, 'Exports with the interview notes');

    await section.getByLabel('Site').selectOption({ label: 'Miami' });
    await section.getByRole('button', { name: 'Export notes' }).click();
    await section
      .getByRole('alert')
      .filter({ hasText: /^Miami has no interview records to export/ })
      .waitFor();
    await checkAtBothWidths(page, 'Exports with a site without interviews');

    await section.getByLabel('Site').selectOption({ label: 'San Diego' });
    await section.getByRole('button', { name: 'Export notes' }).click();
    const link = section.getByRole('link', { name: /Download the interview notes/ });
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(saved.suggestedFilename()).toBe('San_Diego-interview-notes-2027-02-01.qdpx');
    const files = unzipWithPython(readFileSync(await saved.path()));
    const qde = files['project.qde'] as string;
    expect(validateProjectQde(qde).valid).toBe(true);
    const [text] = [...sourceTexts(files, summarizeQde(qde)).values()];
    expect(text).toContain(NOTES.history);
    expect(text).toContain(NOTES.lessons);
    await checkAtBothWidths(page, 'Exports with the notes ready to download');
    await context.close();
  });
});
