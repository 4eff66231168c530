import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { frameCsv, frameRow, generateFrame } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, checkAtBothWidths, DESKTOP, signInToConsole, startBrowserHarness } from './harness.js';

let h: BrowserHarness;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
const analyst = { email: 'analyst@study.example.org', password: goodPassword('analyst@study.example.org') };
const OFFICES = 120;
const frameText = generateFrame({ seed: 9, offices: OFFICES });
const frameRows = parseCsv(frameText).records.map((r) => r.fields);

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  await addMember(h.env, analyst.email, 'analyst');
});
afterAll(async () => {
  await h?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  return { context, page: await context.newPage() };
}
const heading = (page: Page, name: string | RegExp) =>
  page.getByRole('heading', { level: 1, name, ...(typeof name === 'string' ? { exact: true } : {}) });

const signIn = (page: Page, who: { email: string; password: string }) => signInToConsole(page, h.baseUrl, who);

/** Saves what a download link offers and returns its name and bytes. */
async function download(page: Page, link: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: saved.suggestedFilename(), bytes: readFileSync(await saved.path()) };
}

async function upload(page: Page, name: string, file: string, csv: string) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Instrument').selectOption('tip-prosecutor-survey');
  await page.getByLabel('Frame file').setInputFiles({ name: file, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Create fielding' }).click();
}

const caption = (page: Page, text: string) => page.locator('caption', { hasText: text }).waitFor();

/** SurveyJS draws its own radios over the native input, so a person clicks the label. */
const choose = (page: Page, name: string) =>
  page.getByRole('radio', { name, exact: true }).first().locator('xpath=ancestor::label[1]').click();

async function completeSurvey(page: Page, link: string) {
  await page.goto(link);
  await page
    .locator('.sd-question__title')
    .getByText('Do you agree to take part in this survey?', { exact: true })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
  await choose(page, 'Yes, I agree to take part');
  await page.getByRole('button', { name: 'Next' }).click();
  await choose(page, 'Deputy or first assistant prosecutor');
  await page.getByRole('spinbutton', { name: /How many years have you worked/ }).fill('7');
  for (let i = 0; i < 14; i++) {
    const complete = page.getByRole('button', { name: 'Complete' });
    if (await complete.isVisible()) {
      await complete.click();
      break;
    }
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
}

describe('the console’s fieldwork pages in Chromium', { timeout: 180_000 }, () => {
  it('fieldwork uploads a frame (problems by line first), pages and filters the cases, reissues a link that a respondent then completes', async () => {
    const { context, page } = await newPage();
    await signIn(page, fieldwork);
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'API tokens',
    ]);

    await page.getByRole('button', { name: 'Create fielding' }).click();
    expect(await page.getByRole('textbox', { name: 'Name', exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Instrument').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Frame file').getAttribute('aria-invalid')).toBe('true');

    // 250 bad emails: the first 200 problems, each with its line, and a count of the rest.
    const bad = frameCsv(Array.from({ length: 250 }, (_, i) => frameRow(i + 1, { contact_email: `nobody${i}@` })));
    await upload(page, 'wave-bad', 'bad.csv', bad);
    const problems = page.getByRole('region', { name: /bad\.csv: 250 problems, nothing imported/ });
    await problems.waitFor();
    expect(await problems.getByRole('listitem').count()).toBe(200);
    expect(await problems.getByRole('listitem').first().textContent()).toMatch(
      /^Line 2, column \d+ \(contact_email\): /,
    );
    expect(await problems.getByRole('listitem').nth(199).textContent()).toMatch(/^Line 201\b/);
    await problems.getByText('and 50 more.').waitFor();
    expect(h.env.db.prepare("SELECT COUNT(*) FROM fieldings WHERE name = 'wave-bad'").pluck().get()).toBe(0);
    await checkAtBothWidths(page, 'Fieldings with a refused frame');

    await upload(page, 'wave1', 'offices.csv', frameText);
    const shown = page.getByRole('region', { name: 'Links of wave1' });
    await shown.getByText(/shown only\s+once/).waitFor();
    await expect.poll(() => problems.count()).toBe(0);
    const linksFile = await download(page, shown.getByRole('link', { name: /Download the links of wave1/ }));
    expect(linksFile.name).toBe('wave1-links.csv');
    const links = parseCsv(linksFile.bytes.toString('utf8')).records.map((r) => r.fields);
    expect(links[0]).toEqual(['office_id', 'office_name', 'contact_name', 'contact_email', 'link', 'access_code']);
    expect(links).toHaveLength(OFFICES + 1);
    const row = page.getByRole('row', { name: /wave1/ });
    await row.getByRole('cell', { name: String(OFFICES), exact: true }).waitFor();
    await checkAtBothWidths(page, 'Fieldings with a links file shown once');

    // The close date of the new fielding, then to its cases.
    await row.getByLabel('Close date of wave1').fill('2027-06-30');
    await row.getByRole('button', { name: 'Set close date of wave1' }).click();
    await row.getByRole('cell', { name: '2027-06-30 23:59 UTC' }).waitFor();
    await row.getByRole('link', { name: /^wave1\W+cases$/ }).click();
    await heading(page, 'Cases of wave1').waitFor();
    await caption(page, `Cases: ${OFFICES} cases, page 1 of 3`);
    expect(await page.locator('tbody tr').count()).toBe(50);
    const names = (await page.locator('tbody th').allTextContents()).slice(0, 5);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const officeHeader = page.getByRole('columnheader', { name: /^Office\b(?! ID)/ });
    expect(await officeHeader.getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Next page' }).click();
    await caption(page, 'page 2 of 3');
    await page.getByRole('button', { name: 'Next page' }).click();
    await caption(page, 'page 3 of 3');
    expect(await page.locator('tbody tr').count()).toBe(OFFICES - 100);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: /^State/ }).click();
    await caption(page, 'page 1 of 3');
    expect(await page.getByRole('columnheader', { name: /State/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await officeHeader.getAttribute('aria-sort')).toBeNull();
    await page.getByRole('button', { name: /^State/ }).click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: /State/ }).getAttribute('aria-sort'))
      .toBe('descending');
    const states = frameRows.slice(1).map((r) => r[2] as string);
    const lastState = [...states].sort().at(-1) as string;
    // The first cell after the office's name and ID is its state.
    await expect.poll(() => page.locator('tbody tr td').nth(1).textContent()).toBe(lastState);

    const state = frameRows[1]?.[2] as string;
    await page.getByLabel('State', { exact: true }).fill(state.toLowerCase());
    await page.getByRole('button', { name: 'Filter' }).click();
    const inState = states.filter((s) => s === state).length;
    await caption(page, `Cases: ${inState} ${inState === 1 ? 'case' : 'cases'}, page 1 of ${Math.ceil(inState / 50)}`);
    await page.getByLabel('Status').selectOption('completed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await caption(page, 'Cases: 0 cases');
    await page.getByRole('button', { name: 'Clear' }).click();
    await caption(page, `Cases: ${OFFICES} cases`);
    expect(await page.getByLabel('State', { exact: true }).inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
    await checkAtBothWidths(page, 'the case list');

    // An office whose name no other office shares, so the search finds it alone.
    const dataRows = links.slice(1);
    const target = dataRows.find((l) => dataRows.filter((o) => o[1] === l[1]).length === 1 && l !== dataRows[0]);
    if (!target) throw new Error('the frame has no office with a name of its own');
    const oldLink = target[4] as string;
    await page.getByLabel('Office name, ID or jurisdiction contains').fill(target[1] as string);
    await page.keyboard.press('Enter');
    await caption(page, 'page 1 of 1');
    await page.getByRole('link', { name: target[1] as string, exact: true }).click();
    await heading(page, `Case: ${target[1]}`).waitFor();
    await page.getByText('No response has been started.').waitFor();
    // Back to the list: the same filter and page, from the address.
    await page.goBack();
    await caption(page, 'page 1 of 1');
    expect(new URL(page.url()).searchParams.get('q')).toBe(target[1]);
    expect(await page.getByLabel('Office name, ID or jurisdiction contains').inputValue()).toBe(target[1]);
    await page.getByRole('link', { name: target[1] as string, exact: true }).click();
    await heading(page, `Case: ${target[1]}`).waitFor();
    await checkAtBothWidths(page, 'a case page');

    const email = target[3] as string;
    await page.getByRole('button', { name: `Reissue link for ${email}` }).click();
    await page.getByRole('button', { name: `Yes, reissue link for ${email}` }).click();
    const newLinkBox = page.getByRole('textbox', { name: `New link for ${email}` });
    await newLinkBox.waitFor();
    const newLink = await newLinkBox.inputValue();
    expect(newLink).toMatch(new RegExp(`^${h.baseUrl}/s/`));
    expect(newLink).not.toBe(oldLink);
    expect(await page.getByRole('textbox', { name: `Access code for ${email}` }).inputValue()).not.toBe(target[5]);
    await page.getByText(/revoked \d{4}-/).waitFor();
    await page
      .getByRole('cell', { name: /stopped working/ })
      .first()
      .waitFor();
    await checkAtBothWidths(page, 'a case page with a reissued link');
    await context.close();

    const respondent = await h.browser.newContext();
    const survey = await respondent.newPage();
    await survey.goto(oldLink);
    await survey.getByRole('heading', { name: 'We could not open this survey link' }).waitFor();
    await completeSurvey(survey, newLink);
    await survey.goto(oldLink);
    await survey.getByRole('heading', { name: 'We could not open this survey link' }).waitFor();
    await respondent.close();

    // The case page and the list now show the completed response.
    const again = await newPage();
    await signIn(again.page, fieldwork);
    await again.page
      .getByRole('row', { name: /wave1/ })
      .getByRole('link', { name: /^wave1\W+cases$/ })
      .click();
    await heading(again.page, 'Cases of wave1').waitFor();
    await again.page.getByLabel('Status').selectOption('completed');
    await again.page.getByRole('button', { name: 'Filter' }).click();
    await caption(again.page, 'Cases: 1 case');
    expect(await again.page.locator('tbody th').textContent()).toBe(target[1]);
    await again.context.close();
  });

  it('an analyst sees the instruments with their codebooks and downloads an export zip with data.csv', async () => {
    const { context, page } = await newPage();
    await signIn(page, analyst);
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'Exports',
      'API tokens',
    ]);
    expect(await page.getByRole('button', { name: 'Create fielding' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Instruments' }).click();
    await heading(page, 'Instruments').waitFor();
    const codebook = page.getByRole('link', { name: /^Codebook of tip-prosecutor-survey/ }).first();
    await codebook.waitFor();
    const hash = await page.locator('.fk-hash').first().textContent();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const [tab] = await Promise.all([context.waitForEvent('page'), codebook.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toMatch(/\/api\/staff\/instruments\/tip-prosecutor-survey\/[^/]+\/codebook\?format=html$/);
    expect(await tab.title()).toMatch(/codebook/i);
    await tab.close();
    await checkAtBothWidths(page, 'Instruments');

    await nav.getByRole('link', { name: 'Exports' }).click();
    await heading(page, 'Exports').waitFor();
    await page.getByLabel('Fielding').selectOption('wave1');
    for (const format of ['CSV (labels)', 'Excel (xlsx)', 'SPSS (sav)', 'Stata (dta)', 'R script']) {
      await page.getByLabel(format).uncheck();
    }
    expect(await page.getByLabel('Include free text').isDisabled()).toBe(true);
    await checkAtBothWidths(page, 'Exports');
    await page.getByRole('button', { name: 'Export' }).click();
    const zip = await download(page, page.getByRole('link', { name: /Download the export/ }));
    expect(zip.name).toMatch(/^wave1-export-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(zip.bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const listed = spawnSync(
      'python3',
      [
        '-c',
        'import sys, zipfile, io; print("\\n".join(zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())).namelist()))',
      ],
      { input: zip.bytes },
    );
    const names = listed.stdout.toString().trim().split('\n').sort();
    expect(names).toContain('data.csv');
    expect(names).not.toContain('data.sav');
    await checkAtBothWidths(page, 'Exports with a zip to download');
    const audit = h.env.db.prepare("SELECT actor FROM audit_log WHERE action = 'export'").pluck().all();
    expect(audit).toEqual([analyst.email]);
    await context.close();
  });

  it('fieldwork adds a contact, edits its email, marks it undeliverable, revokes a link and records a refusal after confirming', async () => {
    seedFielding(h.env, { name: 'casework', offices: 2 });
    const caseId = h.env.db
      .prepare("SELECT MIN(c.id) FROM cases c JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = 'casework'")
      .pluck()
      .get() as number;
    const { context, page } = await newPage();
    await signIn(page, fieldwork);

    // The version in use cannot be chosen again: the refusal is shown beside the row.
    const row = page.getByRole('row', { name: /casework/ });
    await row.getByRole('button', { name: 'Change version of casework' }).click();
    await row.getByText(/already/i).waitFor();

    await page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await heading(page, 'Case: Office 1').waitFor();
    await page.getByRole('button', { name: 'Add contact' }).click();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await name.fill('Second Person');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill('Second@Office1.example.org');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('heading', { level: 3, name: 'Second Person' }).waitFor();
    await page.getByText('second@office1.example.org', { exact: false }).first().waitFor();

    await page.getByLabel('Email of Second Person').fill('second.person@office1.example.org');
    await page.getByRole('button', { name: 'Save email' }).nth(1).click();
    await page.getByText(/second\.person@office1\.example\.org ·/).waitFor();

    await page.getByRole('button', { name: 'Mark undeliverable second.person@office1.example.org' }).click();
    await page.getByRole('button', { name: 'Yes, mark undeliverable second.person@office1.example.org' }).click();
    await page.getByText('Undeliverable', { exact: true }).waitFor();

    const first = 'contact1@office1.example.org';
    const revoke = page.getByRole('button', {
      name: new RegExp(`^Revoke link \\d+ of ${first.replaceAll('.', '\\.')}$`),
    });
    await revoke.click();
    await page.getByRole('button', { name: /^Yes, revoke link \d+ of / }).click();
    await page.getByText(/revoked \d{4}-/).waitFor();
    expect(
      h.env.db.prepare('SELECT COUNT(*) FROM tokens WHERE case_id = ? AND revoked_at IS NULL').pluck().get(caseId),
    ).toBe(0);

    await page.getByRole('button', { name: 'Record…' }).click();
    const reason = page.getByRole('textbox', { name: 'Reason' });
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
    await reason.fill('Declined by phone');
    await page.getByRole('button', { name: 'Record…' }).click();
    await page.getByText('Record Office 1 as refused: “Declined by phone”?').waitFor();
    expect(h.env.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'case.mark_refused'").pluck().get()).toBe(0);
    await checkAtBothWidths(page, 'a case page asking to confirm a refusal');
    await page.getByRole('button', { name: 'Yes, record as refused' }).click();
    await page.getByText('2.11 Refusal', { exact: true }).waitFor();
    const actions = h.env.db
      .prepare('SELECT action FROM audit_log WHERE actor = ? ORDER BY id')
      .pluck()
      .all(fieldwork.email);
    expect(actions).toEqual(
      expect.arrayContaining([
        'contact.add',
        'contact.edit',
        'contact.undeliverable',
        'case.revoke_link',
        'case.mark_refused',
      ]),
    );
    await checkAtBothWidths(page, 'a case page after a refusal');
    await context.close();

    // An analyst sees the case list but never a case's contacts.
    const other = await newPage();
    await signIn(other.page, analyst);
    await other.page.goto(`${h.baseUrl}/staff/cases/${caseId}`);
    await heading(other.page, 'Page not found').waitFor();
    await other.page.goto(`${h.baseUrl}/staff/fieldings/casework/cases`);
    await caption(other.page, 'Cases: 2 cases');
    expect(await other.page.locator('tbody a').count()).toBe(0);
    await other.context.close();
  });
});
