import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'supertest';
import { markCase } from '../../server/casework/service.js';
import type { Db } from '../../server/platform/db.js';
import { createRepos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { fakeClock } from '../support/app.js';

/** A printed access code, as on the letter. */
export const PRINTED_CODE = /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/g;

/**
 * Six offices, one per way a letter is or is not owed: Adams completed, Baker declined, Cook saved
 * a draft, Dade was marked not eligible, Erie never answered (and has a full mailing address),
 * Fayette's only contact is undeliverable.
 */
export const LETTER_OFFICES = [
  frameRow(1, { office_name: 'Adams County DA' }),
  frameRow(2, { office_name: 'Baker County Prosecutor' }),
  frameRow(3, { office_name: 'Cook County State’s Attorney', contact_name: 'Kim Cook' }),
  frameRow(4, { office_name: 'Dade County DA' }),
  frameRow(5, {
    office_name: 'Erie County DA',
    contact_name: 'Ruth Erie',
    contact_title: 'District Attorney',
    address_line1: '140 West 6th Street',
    address_line2: 'Room 506',
    city: 'Erie',
    zip: '16501',
  }),
  frameRow(6, { office_name: 'Fayette County DA' }),
];
/** The offices owed a letter, in the default (ZIP) order: Erie has a ZIP, Cook has none and goes last. */
export const OPEN_OFFICES = ['Erie County DA', 'Cook County State’s Attorney'];

/**
 * Six open offices whose order differs by ZIP, by office ID, by state and by name, with a ZIP and
 * a state shared (ties go by office ID), two offices without a ZIP, and office IDs that sort
 * differently as text (OFF-10 before OFF-2) and as numbers.
 */
export const MAILING_OFFICES = [
  frameRow(1, { office_name: 'Zeta County DA', state: 'PA', zip: '16501' }),
  frameRow(2, { office_name: 'Yuma County Attorney', state: 'AZ', zip: '85364' }),
  frameRow(3, { office_name: 'Xenia County Prosecutor', state: 'OH', zip: '45385' }),
  frameRow(9, { office_name: 'Beta County DA', state: 'PA', zip: '16501' }),
  frameRow(10, { office_name: 'Alpha County Prosecutor', state: 'WA' }),
  frameRow(11, { office_name: 'Gamma County Prosecutor', state: 'OH', zip: ' ' }),
];
/** MAILING_OFFICES' office IDs in each printing order. */
export const MAILING_ORDERS = {
  zip: ['OFF-1', 'OFF-9', 'OFF-3', 'OFF-2', 'OFF-10', 'OFF-11'],
  office: ['OFF-1', 'OFF-2', 'OFF-3', 'OFF-9', 'OFF-10', 'OFF-11'],
  state: ['OFF-2', 'OFF-3', 'OFF-11', 'OFF-1', 'OFF-9', 'OFF-10'],
} as const;

/** The control number printed on each page, in page order (null where a page has none). */
export const controlNumbers = (pages: readonly string[]) =>
  pages.map((page) => /Control no\. (\S+)/.exec(page)?.[1] ?? null);

type Api = { get(url: string): Test; post(url: string): Test; put(url: string): Test };

/** Brings the six offices to their states through the respondent API and the staff services. */
export async function bringToStates(db: Db, api: Api, credentials: readonly string[]) {
  const [adams, baker, cook] = credentials as [string, string, string];
  const complete = await api
    .post(`/api/respond/${adams}/complete`)
    .send({ answers: chargedOfficeAnswers(), revision: 0 });
  if (complete.status !== 200) throw new Error(`complete: ${complete.status} ${JSON.stringify(complete.body)}`);
  await api.post(`/api/respond/${baker}/decline`).send({});
  await api.put(`/api/respond/${cook}/draft`).send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 });
  const repos = createRepos(db);
  const caseOf = (officeId: string) => repos.cases.findCaseByNames(fieldingOf(db), officeId)?.id as number;
  markCase(
    { repos, clock: fakeClock() },
    { caseId: caseOf('OFF-4'), as: 'ineligible', reason: 'merged', actor: 'test' },
  );
  for (const contact of repos.offices.contactsOf(repos.cases.findCase(caseOf('OFF-6'))?.office_id as number)) {
    repos.offices.setContactStatus(contact.id, 'undeliverable', '2027-02-01T09:00:00.000Z');
  }
}

const fieldingOf = (db: Db) => db.prepare('SELECT name FROM fieldings ORDER BY id LIMIT 1').pluck().get() as string;

/** The PDF's text as pdftotext (poppler-utils) reads it, page by page, and its page count from pdfinfo. */
export function readPdf(pdf: Buffer): { pages: string[]; pageCount: number; info: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-pdf-'));
  try {
    const file = path.join(dir, 'read.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pageCount = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    // pdftotext ends every page with a form feed.
    const pages = text.split('\f').slice(0, -1);
    return { pages, pageCount, info };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PDF's text page by page as plain pdftotext reads it (no layout), for what a page says in order. */
export function pdfPages(bytes: Buffer): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-letters-'));
  try {
    writeFileSync(path.join(dir, 'l.pdf'), bytes);
    return execFileSync('pdftotext', [path.join(dir, 'l.pdf'), '-'], { encoding: 'utf8' })
      .split('\f')
      .slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The events of `type` with their detail, in log order. */
export const eventsOfType = (db: Db, type: string) =>
  (
    db.prepare('SELECT case_id, token_id, detail FROM case_events WHERE type = ? ORDER BY id').all(type) as {
      case_id: number;
      token_id: number | null;
      detail: string;
    }[]
  ).map((e) => ({ ...e, detail: JSON.parse(e.detail) as Record<string, unknown> }));
