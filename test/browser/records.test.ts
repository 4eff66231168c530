import { readFileSync } from 'node:fs';
import type { BrowserContext, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, signIn } from '../staff/setup.js';
import { sourceTexts, summarizeQde, validateProjectQde } from '../support/qdpx.js';
import { records as csvRecords } from '../support/readBack.js';
import { unzipWithPython } from '../support/zip.js';
import { type BrowserHarness, checkAtBothWidths, DESKTOP, signInToConsole, startBrowserHarness } from './harness.js';
import { allSaved, instrumentDriver, nextPage, recordHeading, WAIT } from './recordDriver.js';

/*
 * Issue 20, point 8 (the console's part): an admin creates the San Diego site in the console and
 * assigns an interviewer and the case-file instrument; the interviewer records a case file (form 2.0.0)
 * with two victims and three defendants, the first with two charges, removes the second defendant
 * (the third keeps its number) and finalizes; the admin reopens it with a reason, corrects a sentence and
 * finalizes again; the interviewer of Miami can neither list nor open it; the history shows the
 * correction with its reason. The admin then downloads San Diego's case files from the Exports page:
 * one row for the record, defendants 1 and 3, the first one's two charges, two victims, and the
 * audit trail's correction with its reason. Rosa enters and finalizes a prosecutor interview with
 * notes, and the site's interview notes (.qdpx) validate against the REFI-QDA schema and hold the
 * notes as typed. Every new page has no axe violation at 1280 and 360 px.
 */

const CASE_FILE = 'cs-case-file-abstraction';
const caseFile = instrumentDriver(CASE_FILE);
const INTERVIEW = 'cs-prosecutor-interview';
const interview = instrumentDriver(INTERVIEW);

let h: BrowserHarness;
let admin: Awaited<ReturnType<typeof addMember>>;
let rosa: Awaited<ReturnType<typeof addMember>>;
let omar: Awaited<ReturnType<typeof addMember>>;
let caseFileTitle: string;
let interviewTitle: string;

beforeAll(async () => {
  h = await startBrowserHarness({ publicUrlIsServer: true });
  admin = await addMember(h.env, 'admin@study.example.org', 'admin');
  rosa = await addMember(h.env, 'rosa@study.example.org', 'interviewer');
  omar = await addMember(h.env, 'omar@study.example.org', 'interviewer');
  caseFileTitle = h.env.instruments.resolve(CASE_FILE)?.meta.title ?? '';
  interviewTitle = h.env.instruments.resolve(INTERVIEW)?.meta.title ?? '';
  // Miami, with its own interviewer, is set up through the API: the console's part is San Diego.
  const api = await signIn(h.env, admin.email);
  const miami = await api.send('post', '/api/staff/sites', {
    name: 'Miami',
    jurisdiction: 'Miami-Dade County, Florida',
  });
  expect(miami.status, JSON.stringify(miami.body)).toBe(201);
  const id = miami.body.site.id as number;
  expect((await api.send('put', `/api/staff/sites/${id}/interviewers`, { staffIds: [omar.id] })).status).toBe(200);
  expect((await api.send('put', `/api/staff/sites/${id}/instruments`, { instrumentIds: [CASE_FILE] })).status).toBe(
    200,
  );
});
afterAll(async () => {
  await h?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  return { context, page: await context.newPage() };
}

const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const openFromNav = async (page: Page, title: string) => {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: title, exact: true }).click();
  await h1(page, title).waitFor(WAIT);
};

type StoredRecord = { id: number; status: string; answers: string };
const storedRecords = () =>
  h.env.db.prepare('SELECT id, status, answers FROM records ORDER BY id').all() as StoredRecord[];

/** `has` filters take a locator from the page's root, not one chained from another locator. */
const rootOf = (within: Page | Locator): Page => ('page' in within ? within.page() : within);
/** The entries of a repeating panel shown now, nested ones excluded: each is named by its title (by its key). */
const entries = (within: Page | Locator, title: RegExp) =>
  within
    .locator('.sd-paneldynamic__panel-wrapper')
    .filter({ has: rootOf(within).getByRole('heading', { name: title }) });
/** One entry of a repeating panel, by its title ("Defendant 3": its key, which stays when others go). */
const panelEntry = (within: Page | Locator, title: string) =>
  within
    .locator('.sd-paneldynamic__panel-wrapper')
    .filter({ has: rootOf(within).getByRole('heading', { name: title, exact: true }) })
    .last();
const addEntry = (within: Page | Locator, text: string) => within.getByRole('button', { name: text }).last().click();

async function fillDefendant(page: Page, title: string, sentenceMonths: number) {
  const panel = panelEntry(page, title);
  await caseFile.choose(panel, 'd_disp', 1);
  await caseFile.numberBox(panel, 'd_sentmo').fill(String(sentenceMonths), WAIT);
}

const statusFact = (page: Page) => page.locator('dt:text-is("Status") + dd');

/** A downloaded zip's members as text (Python's zipfile reads it, not the code that wrote it). */
const downloadedZip = async (saved: Download) => unzipWithPython(readFileSync(await saved.path()));

/** A CSV of the export as one object per row, by column name. */
function csvRows(csv: string | undefined): Record<string, string>[] {
  if (csv === undefined) throw new Error('the table is not in the export');
  const [header = [], ...rows] = csvRecords(csv);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
const pick = (rows: Record<string, string>[], ...columns: string[]) => rows.map((r) => columns.map((c) => r[c]));

/** Interview notes as interviewers type them: quotes, accents, markup-like text, symbols, a line break. */
const NOTES = {
  history:
    'Unit since 2011, after the “Operation Nightlight” case <SD-0142> & more.\nDDA Núñez: "no statute we trusted".',
  intake: 'Screening within 48 h — hotline tips ≈ 40/yr; ✅ advocate present.',
};

describe('Phase II records in the console', { timeout: 180_000 }, () => {
  it('a site is set up, a case file entered, finalized, reopened with a reason and corrected; Miami cannot see it; the export and the interview notes hold it', async () => {
    // The admin creates San Diego and assigns Rosa and the case-file instrument.
    const adminSide = await newPage();
    const page = adminSide.page;
    await signInToConsole(page, h.baseUrl, admin);
    // Rosa's full name, whose initials her records' headers take.
    await openFromNav(page, 'Staff');
    await page.getByLabel('Full name of rosa@study.example.org').fill('Rosa María Hernández');
    await page.getByRole('button', { name: 'Save name of rosa@study.example.org' }).click();
    await page
      .getByRole('row', { name: /rosa@study\.example\.org/ })
      .getByText('(RMH)')
      .waitFor(WAIT);
    await openFromNav(page, 'Sites');
    await page.getByRole('heading', { level: 2, name: 'Miami', exact: true }).waitFor(WAIT);
    await checkAtBothWidths(page, 'the Sites page');
    const addSite = page.getByRole('form', { name: 'Add a site' });
    await addSite.getByLabel('Name').fill('San Diego');
    await addSite.getByLabel('Jurisdiction').fill('San Diego County, California');
    await addSite.getByRole('button', { name: 'Add site' }).click();
    const sanDiego = page.getByRole('region', { name: 'San Diego', exact: true });
    await sanDiego.waitFor(WAIT);
    await sanDiego.getByRole('button', { name: 'Edit San Diego' }).click();
    await sanDiego.getByRole('heading', { name: 'Edit San Diego' }).waitFor(WAIT);
    await checkAtBothWidths(page, 'the Sites page with a site being edited');
    await sanDiego.getByRole('checkbox', { name: /rosa@study\.example\.org/ }).check();
    await sanDiego.getByRole('button', { name: 'Save interviewers' }).click();
    const fact = (name: string) => sanDiego.locator(`dt:text-is("${name}") + dd`);
    await expect.poll(() => fact('Interviewers').textContent(), WAIT).toContain('rosa@study.example.org');
    await sanDiego.getByRole('checkbox', { name: new RegExp(`\\(${CASE_FILE}\\)`) }).check();
    await sanDiego.getByRole('checkbox', { name: new RegExp(`\\(${INTERVIEW}\\)`) }).check();
    await sanDiego.getByRole('button', { name: 'Save instruments' }).click();
    await expect.poll(() => fact('Instruments').textContent(), WAIT).toContain(CASE_FILE);
    await expect.poll(() => fact('Instruments').textContent(), WAIT).toContain(INTERVIEW);

    // Rosa lands on Records, starts a case file for San Diego, and finds its header prefilled.
    const rosaSide = await newPage();
    const entry = rosaSide.page;
    await signInToConsole(entry, h.baseUrl, rosa, 'Records');
    await entry.getByText('No records match.').waitFor(WAIT);
    await checkAtBothWidths(entry, 'the Records page');
    const start = entry.getByRole('form', { name: 'Start a record' });
    await start.getByLabel('Site').selectOption({ label: 'San Diego' });
    await start.getByLabel('Instrument').selectOption({ label: caseFileTitle });
    await start.getByRole('button', { name: 'Start record' }).click();
    await recordHeading(entry, caseFileTitle).waitFor(WAIT);
    await caseFile.questionShown(entry, 'h_authorized');
    await expect(caseFile.textbox(entry, 'h_initials').inputValue()).resolves.toBe('RMH');
    await expect(caseFile.textbox(entry, 'h_date').inputValue()).resolves.toBe(
      h.env.clock().toISOString().slice(0, 10),
    );
    await checkAtBothWidths(entry, 'the record entry page');

    await caseFile.choose(entry, 'h_authorized', 1);
    await nextPage(entry);
    await caseFile.questionShown(entry, 'cf_code');
    await caseFile.textbox(entry, 'cf_code').fill('SD-0142');
    await nextPage(entry);
    await caseFile.questionShown(entry, 'cf_nvict');
    await caseFile.numberBox(entry, 'cf_nvict').fill('2');
    // Two victims, one entry each.
    for (const [n, minor] of [
      [1, 1],
      [2, 2],
    ] as const) {
      await addEntry(entry, 'Add a victim');
      const victim = panelEntry(entry, `Victim ${n}`);
      await victim.waitFor(WAIT);
      await caseFile.choose(victim, 'v_minor', minor);
      await caseFile.choose(victim, 'v_sex', 1);
      await caseFile.choose(victim, 'v_nation', n);
      await caseFile.choose(victim, 'v_exploit', 1);
    }
    await nextPage(entry);
    await entry.getByRole('button', { name: 'Add a defendant' }).waitFor(WAIT);
    // Three defendants (the panel starts with one), the first with two charges; then the second goes.
    await addEntry(entry, 'Add a defendant');
    await addEntry(entry, 'Add a defendant');
    await expect.poll(() => entries(entry, /^Defendant \d$/).count(), WAIT).toBe(3);
    const first = panelEntry(entry, 'Defendant 1');
    for (const [n, statute] of [
      [1, 1],
      [2, 4],
    ] as const) {
      await addEntry(first, 'Add a charge');
      const charge = panelEntry(first, `Charge ${n}`);
      await charge.waitFor(WAIT);
      await caseFile.choose(charge, 'c_statute', statute);
      await caseFile.numberBox(charge, 'c_counts').fill(String(n), WAIT);
      await caseFile.choose(charge, 'c_outcome', 1);
    }
    await fillDefendant(entry, 'Defendant 1', 60);
    await fillDefendant(entry, 'Defendant 2', 24);
    await fillDefendant(entry, 'Defendant 3', 36);
    await panelEntry(entry, 'Defendant 2').getByRole('button', { name: 'Remove this defendant' }).click();
    // The others keep their numbers: Defendant 3 is still Defendant 3.
    await expect.poll(() => entries(entry, /^Defendant \d$/).count(), WAIT).toBe(2);
    await panelEntry(entry, 'Defendant 3').waitFor(WAIT);
    await allSaved(entry);
    await entry.getByRole('button', { name: 'Finalize record' }).click();
    await expect.poll(() => statusFact(entry).textContent(), WAIT).toBe('Final');
    await entry.getByText('This record is read-only.', { exact: false }).waitFor(WAIT);

    const [record] = storedRecords();
    if (!record) throw new Error('no record stored');
    expect(record.status).toBe('final');
    type Stored = {
      cf_defs: { defendant_no: number; d_sentmo: number; d_charges?: { charge_no: number; c_statute: number }[] }[];
      cf_victims: { victim_no: number; v_minor: number }[];
    };
    const finalAnswers = JSON.parse(record.answers) as Stored;
    expect(finalAnswers.cf_defs.map((d) => [d.defendant_no, d.d_sentmo])).toEqual([
      [1, 60],
      [3, 36],
    ]);
    expect(finalAnswers.cf_defs[0]?.d_charges?.map((c) => [c.charge_no, c.c_statute])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(finalAnswers.cf_victims.map((v) => [v.victim_no, v.v_minor])).toEqual([
      [1, 1],
      [2, 2],
    ]);

    // The admin reopens it with a reason, corrects the second defendant's sentence and finalizes again.
    const reason = 'The judgment says 30 months, not 36';
    await page.goto(`${h.baseUrl}/staff/records/${record.id}`);
    await recordHeading(page, caseFileTitle).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Reopen this record' }).waitFor(WAIT);
    await checkAtBothWidths(page, 'a final record with its history');
    await page.getByRole('button', { name: 'Reopen record' }).click();
    await page.getByText(/Say why the record is reopened/).waitFor(WAIT);
    await page.getByLabel('Reason for reopening').fill(reason);
    await page.getByRole('button', { name: 'Reopen record' }).click();
    await expect.poll(() => statusFact(page).textContent(), WAIT).toBe('In progress');
    await page.getByRole('button', { name: 'Add a defendant' }).first().waitFor(WAIT);
    await caseFile.numberBox(panelEntry(page, 'Defendant 3'), 'd_sentmo').fill('30');
    await allSaved(page);
    await page.getByRole('button', { name: 'Finalize record' }).click();
    await expect.poll(() => statusFact(page).textContent(), WAIT).toBe('Final');

    // The history shows the correction, who made it and why.
    const history = page.getByRole('region', { name: /Changes to this record/ });
    const correction = history
      .getByRole('row')
      .filter({ hasText: 'cf_defs[defendant_no=3].d_sentmo' })
      .filter({ hasText: reason });
    await expect.poll(() => correction.count(), WAIT).toBe(1);
    await expect(correction.getByRole('cell').allTextContents()).resolves.toEqual([
      expect.stringMatching(/UTC$/),
      'AD',
      '36',
      '30',
      reason,
    ]);
    const corrected = JSON.parse(storedRecords()[0]?.answers ?? '{}') as Stored;
    expect(corrected.cf_defs.map((d) => [d.defendant_no, d.d_sentmo])).toEqual([
      [1, 60],
      [3, 30],
    ]);

    // Omar, interviewer at Miami, neither lists nor opens it.
    const omarSide = await newPage();
    const miami = omarSide.page;
    await signInToConsole(miami, h.baseUrl, omar, 'Records');
    await miami.getByText('No records match.').waitFor(WAIT);
    await expect(
      miami
        .getByRole('main')
        .getByRole('link', { name: /SD-0142|^Record \d+$/ })
        .count(),
    ).resolves.toBe(0);
    await miami.goto(`${h.baseUrl}/staff/records/${record.id}`);
    await h1(miami, 'Record not available').waitFor(WAIT);
    await checkAtBothWidths(miami, 'a record of another site');

    // Rosa enters a prosecutor interview at San Diego, notes typed on two topics, and finalizes it.
    await openFromNav(entry, 'Records');
    await start.getByLabel('Site').selectOption({ label: 'San Diego' });
    await start.getByLabel('Instrument').selectOption({ label: interviewTitle });
    await start.getByRole('button', { name: 'Start record' }).click();
    await recordHeading(entry, interviewTitle).waitFor(WAIT);
    await interview.questionShown(entry, 'h_consent');
    // The interview took place before it is entered (and not after the browser's or the server's today).
    await interview.textbox(entry, 'h_date').fill('2026-11-30');
    await interview.choose(entry, 'h_consent', 1);
    await nextPage(entry);
    await interview.questionShown(entry, 'p1_history_notes');
    await interview.textbox(entry, 'p1_history_notes').fill(NOTES.history);
    await nextPage(entry);
    await interview.questionShown(entry, 'p2_intake_notes');
    await interview.textbox(entry, 'p2_intake_notes').fill(NOTES.intake);
    const finalize = entry.getByRole('button', { name: 'Finalize record' });
    while (!(await finalize.isVisible())) await nextPage(entry);
    await allSaved(entry);
    await finalize.click();
    await expect.poll(() => statusFact(entry).textContent(), WAIT).toBe('Final');

    // The admin downloads San Diego's case files from the Exports page, as CSV.
    await openFromNav(page, 'Exports');
    const recordsExport = page.getByRole('region', { name: 'Phase II records' });
    await recordsExport.getByRole('button', { name: 'Choose records to download' }).click();
    await recordsExport.getByLabel('Instrument').selectOption({ label: caseFileTitle });
    await recordsExport.getByLabel('Site').selectOption({ label: 'San Diego' });
    for (const format of ['CSV (labels)', 'Excel (xlsx)', 'SPSS (sav)', 'Stata (dta)', 'R script', 'Codebook']) {
      await recordsExport.getByLabel(format, { exact: true }).uncheck();
    }
    await recordsExport.getByRole('button', { name: 'Download records' }).click();
    const [recordsZip] = await Promise.all([
      page.waitForEvent('download'),
      recordsExport.getByRole('link', { name: /Download the records zip/ }).click(),
    ]);
    const tables = await downloadedZip(recordsZip);
    const id = String(record.id);
    expect(pick(csvRows(tables['data.csv']), 'record_id', 'status')).toEqual([[id, 'final']]);
    // The removed defendant is gone and the third keeps its key; children carry their parents' keys.
    expect(pick(csvRows(tables['data_cf_defs.csv']), 'record_id', 'defendant_no', 'd_sentmo')).toEqual([
      [id, '1', '60'],
      [id, '3', '30'],
    ]);
    expect(pick(csvRows(tables['data_d_charges.csv']), 'record_id', 'defendant_no', 'charge_no', 'c_statute')).toEqual([
      [id, '1', '1', '1'],
      [id, '1', '2', '4'],
    ]);
    expect(pick(csvRows(tables['data_cf_victims.csv']), 'record_id', 'victim_no', 'v_minor')).toEqual([
      [id, '1', '1'],
      [id, '2', '2'],
    ]);
    const trail = csvRows(tables['data_audit_trail.csv']).filter((r) => r.reason === reason);
    expect(pick(trail, 'record_id', 'variable', 'old_value', 'new_value', 'changed_by')).toContainEqual([
      id,
      'cf_defs[defendant_no=3].d_sentmo',
      '36',
      '30',
      'AD',
    ]);

    // And San Diego's interview notes as a REFI-QDA project that validates and holds the notes as typed.
    const notesExport = page.getByRole('region', { name: 'Interview notes (.qdpx)' });
    await notesExport.getByLabel('Site').selectOption({ label: 'San Diego' });
    await notesExport.getByRole('button', { name: 'Export notes' }).click();
    const [qdpx] = await Promise.all([
      page.waitForEvent('download'),
      notesExport.getByRole('link', { name: /Download the interview notes/ }).click(),
    ]);
    const project = await downloadedZip(qdpx);
    const qde = project['project.qde'] ?? '';
    const lint = validateProjectQde(qde);
    expect(lint.valid, lint.output).toBe(true);
    const texts = [...sourceTexts(project, summarizeQde(qde)).values()];
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(NOTES.history);
    expect(texts[0]).toContain(NOTES.intake);

    for (const side of [adminSide, rosaSide, omarSide]) await side.context.close();
  });

  it('ends a record politely on No at consent: asked first, then kept as refused with only its header', async () => {
    const { context, page } = await newPage();
    await signInToConsole(page, h.baseUrl, omar, 'Records');
    const start = page.getByRole('form', { name: 'Start a record' });
    await start.getByLabel('Instrument').selectOption({ label: caseFileTitle });
    await start.getByRole('button', { name: 'Start record' }).click();
    await recordHeading(page, caseFileTitle).waitFor(WAIT);
    await caseFile.choose(page, 'h_authorized', 2);
    await page.getByRole('button', { name: 'Record as refused', exact: true }).click();
    const question = page.getByRole('alertdialog', { name: 'Record this as refused?' });
    await question.waitFor(WAIT);
    await expect.poll(() => question.evaluate((box) => box === document.activeElement), WAIT).toBe(true);
    await checkAtBothWidths(page, 'the question before a record is kept as refused');
    await question.getByRole('button', { name: 'Yes, record as refused' }).click();
    await expect.poll(() => statusFact(page).textContent(), WAIT).toBe('Refused (no consent)');

    const refused = storedRecords().at(-1);
    expect(refused?.status).toBe('refused');
    expect(Object.keys(JSON.parse(refused?.answers ?? '{}')).sort()).toEqual([
      'h_authorized',
      'h_date',
      'h_initials',
      'h_site',
    ]);
    await context.close();
  });

  it('keeps both people’s answers when two staff save the same record at once (the 409 merge)', async () => {
    const interviewer = await signIn(h.env, omar.email);
    const sites = await interviewer.get('/api/staff/sites');
    const started = await interviewer.send('post', '/api/staff/records', {
      siteId: sites.body.sites[0].id,
      instrumentId: CASE_FILE,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const omarSide = await newPage();
    const adminSide = await newPage();
    await signInToConsole(omarSide.page, h.baseUrl, omar, 'Records');
    await signInToConsole(adminSide.page, h.baseUrl, admin);
    let staleRevisions = 0;
    for (const { page } of [omarSide, adminSide]) {
      page.on('response', (response) => {
        if (response.request().method() === 'PUT' && response.status() === 409) staleRevisions += 1;
      });
      await page.goto(`${h.baseUrl}/staff/records/${started.body.id}`);
      await caseFile.questionShown(page, 'h_authorized');
    }
    // Both change a different answer before either has seen the other's save.
    await caseFile.textbox(omarSide.page, 'h_initials').fill('OA');
    await caseFile.choose(adminSide.page, 'h_authorized', 1);
    await allSaved(omarSide.page);
    await allSaved(adminSide.page);
    await expect
      .poll(() => {
        const row = storedRecords().find((r) => r.id === started.body.id);
        const answers = JSON.parse(row?.answers ?? '{}') as Record<string, unknown>;
        return [answers.h_initials, answers.h_authorized];
      }, WAIT)
      .toEqual(['OA', 1]);
    // The second save was refused as stale, merged with the first and sent again.
    expect(staleRevisions).toBeGreaterThan(0);
    // Nobody's answer was replaced, so nobody is told so.
    for (const { page } of [omarSide, adminSide]) {
      await expect(page.getByText('A colleague changed some of the same answers').count()).resolves.toBe(0);
    }
    for (const side of [omarSide, adminSide]) await side.context.close();
  });
});
