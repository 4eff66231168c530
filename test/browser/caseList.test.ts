import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { generateFrame } from '../factories/frame.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { seedFielding } from '../support/app.js';
import { type BrowserHarness, expectNoAxeViolations, signInToConsole, startBrowserHarness } from './harness.js';

/** The console's case list at national size: every office of the synthetic national frame. */
let h: BrowserHarness;
const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
const [header, ...records] = parseCsv(generateFrame({ seed: 27 })).records.map((r) => r.fields);
const offices = records.map((fields) => Object.fromEntries((header ?? []).map((name, i) => [name, fields[i] ?? ''])));
const OFFICES = offices.length;
const officeNamed = (officeId: string) => {
  const office = offices.find((o) => o.office_id === officeId);
  if (!office) throw new Error(`the national frame has no ${officeId}`);
  return office as Record<string, string>;
};
const SUBMITTED = officeNamed('AZ-014');
const OPEN = officeNamed('AZ-015');
/** A district of several counties whose name gives none of them: found only by its jurisdiction. */
const DISTRICT = offices.find(
  (o) => o.jurisdiction?.includes(' and ') && !o.office_name?.includes(o.jurisdiction.split(' and ').at(-1) ?? ''),
) as Record<string, string>;
const districtCounty = DISTRICT.jurisdiction?.split(' and ').at(-1) as string;

/** The office as having submitted a whole response, as the respondent app leaves it. */
function submit(officeId: string) {
  const db = h.env.db;
  const caseId = db
    .prepare('SELECT c.id FROM cases c JOIN offices o ON o.id = c.office_id WHERE o.office_id = ?')
    .pluck()
    .get(officeId) as number;
  const at = h.env.clock().toISOString();
  db.prepare(
    `INSERT INTO responses (case_id, instrument_id, instrument_version, status, answers, started_at, updated_at, submitted_at)
     VALUES (?, 'tip-prosecutor-survey', '1.0.0', 'completed', ?, ?, ?, ?)`,
  ).run(caseId, JSON.stringify(chargedOfficeAnswers()), at, at, at);
  db.prepare("INSERT INTO case_events (case_id, type, at) VALUES (?, 'completed', ?)").run(caseId, at);
}

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  await addMember(h.env, fieldwork.email, 'fieldwork');
  seedFielding(h.env, { name: 'national', rows: offices as Record<string, string>[] });
  submit(SUBMITTED.office_id as string);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function casesPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signInToConsole(page, h.baseUrl, fieldwork);
  await page.goto(`${h.baseUrl}/staff/fieldings/national/cases`);
  await page.getByText(/^Cases: [\d,]+ cases, page 1 of /).waitFor();
  return { context, page };
}

const search = async (page: Page, text: string) => {
  await page.getByLabel('Office name, ID or jurisdiction contains').fill(text);
  await page.getByRole('button', { name: 'Filter' }).click();
};
const cellsOf = (page: Page, officeName: string) =>
  page
    .getByRole('row', { name: new RegExp(`^${officeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .getByRole('cell');

describe('the console’s case list at national size', () => {
  it('finds an office by its office ID and by a county of its jurisdiction, and shows the jurisdiction', async () => {
    const { context, page } = await casesPage();
    await page.getByRole('columnheader', { name: /^Jurisdiction/ }).waitFor();

    await search(page, 'AZ-014');
    await page.getByText('Cases: 1 case, page 1 of 1').waitFor();
    expect(await cellsOf(page, SUBMITTED.office_name as string).allTextContents()).toEqual([
      'AZ-014',
      'AZ',
      SUBMITTED.jurisdiction,
      SUBMITTED.stratum,
      'Completed',
      '1.1 Complete',
      '100%',
    ]);

    await search(page, districtCounty.toUpperCase());
    await page.getByText(/^Cases: [\d,]+ cases?, page 1 of 1$/).waitFor();
    expect(
      await cellsOf(page, DISTRICT.office_name as string)
        .nth(2)
        .textContent(),
    ).toBe(DISTRICT.jurisdiction);
    await expectNoAxeViolations(page, 'the case list searched by jurisdiction');
    await context.close();
  }, 60_000);

  it('shows 200 cases a page when asked, jumps to a page typed in, and refuses a page past the end', async () => {
    const { context, page } = await casesPage();
    const pages = Math.ceil(OFFICES / 200);
    const total = OFFICES.toLocaleString('en-US');
    await page.getByLabel('Cases per page').selectOption('200');
    await page.getByText(`Cases: ${total} cases, page 1 of ${pages}`).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(200);

    // By keyboard: type the page and press Enter.
    const goTo = page.getByLabel('Go to page');
    await goTo.fill(String(pages));
    await goTo.press('Enter');
    await page.getByText(`Cases: ${total} cases, page ${pages} of ${pages}`).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(OFFICES - (pages - 1) * 200);
    expect(new URL(page.url()).searchParams.get('pageSize')).toBe('200');

    await goTo.fill(String(pages + 1));
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page.getByText(`Enter a page from 1 to ${pages}.`).waitFor();
    expect(await goTo.getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'the case list with a page refused');

    // Back to 25 a page, the list stays where it was: the last page's first case is on page 1 + 11 * 8.
    await page.getByLabel('Cases per page').selectOption('25');
    await page.getByText(`Cases: ${total} cases, page ${(pages - 1) * 8 + 1} of ${Math.ceil(OFFICES / 25)}`).waitFor();
    await page.reload();
    await page.getByText(`Cases: ${total} cases, page ${(pages - 1) * 8 + 1} of ${Math.ceil(OFFICES / 25)}`).waitFor();
    expect(await page.getByLabel('Cases per page').inputValue()).toBe('25');
    await context.close();
  }, 60_000);

  it('does not offer a refusal for an office that submitted, only an ineligibility; an open case still offers both', async () => {
    const { context, page } = await casesPage();
    await search(page, 'AZ-014');
    await page.getByRole('link', { name: SUBMITTED.office_name as string }).click();
    await page.getByRole('heading', { level: 1, name: `Case: ${SUBMITTED.office_name}` }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Record an ineligibility' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Refused' }).count()).toBe(0);
    await page.getByText('a refusal can no longer be recorded').waitFor();
    await page.getByRole('button', { name: 'Record as not eligible…' }).waitFor();
    await expectNoAxeViolations(page, 'the case page of a submitted office');

    await page.getByRole('link', { name: /^Back to the cases/ }).click();
    await search(page, 'AZ-015');
    await page.getByRole('link', { name: OPEN.office_name as string }).click();
    await page.getByRole('heading', { level: 2, name: 'Record a refusal or ineligibility' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Refused' }).isChecked()).toBe(true);
    await context.close();
  }, 60_000);
});
