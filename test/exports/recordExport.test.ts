import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRecords, type RecordExportRequest } from '../../server/exports/recordExport.js';
import type { Db } from '../../server/platform/db.js';
import { createRepos } from '../../server/repos.js';
import { caseFileAnswers, recordRows } from '../factories/records.js';
import { fakeClock, shippedInstruments } from '../support/app.js';
import { records } from '../support/readBack.js';
import { tempDatabase } from '../support/tempDb.js';

const CASE_FILE = 'cs-case-file-abstraction';

/** San Diego and Miami, with their interviewers and case files in every status. */
function caseStudy(db: Db) {
  const rows = recordRows(db);
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const jo = rows.staff('jsmith@study.example.org');
  const lead = rows.staff('lead@study.example.org', 'Ann Lead', 'fieldwork');
  const sanDiego = rows.site('San Diego', 'San Diego County');
  const miami = rows.site('Miami', 'Miami-Dade County');
  const base = { instrumentId: CASE_FILE, interviewerId: maria };
  const final = rows.record({ ...base, siteId: sanDiego, status: 'final', answers: caseFileAnswers('SD-0001') });
  // Refused after a draft had saved case answers: only the header and the refusal may leave.
  const refused = rows.record({
    ...base,
    siteId: sanDiego,
    status: 'refused',
    answers: caseFileAnswers('SD-LEAK', { h_authorized: 2 }),
  });
  const draft = rows.record({ ...base, siteId: sanDiego, status: 'in_progress', answers: caseFileAnswers('SD-0003') });
  const inMiami = rows.record({
    ...base,
    interviewerId: jo,
    siteId: miami,
    status: 'final',
    answers: caseFileAnswers('MI-0001', { h_site: 2, cf_defs: [{ d_role: 3, d_disp: 2, d_days: 40 }] }),
  });
  rows.change({ recordId: final, revision: 1, variable: 'cf_code', new: 'SD-0001', staffId: maria });
  rows.change({
    recordId: final,
    revision: 2,
    variable: 'cf_defs[2].d_sentmo',
    old: 84,
    new: 96,
    staffId: lead,
    reason: 'Sentence read from the amended judgment',
  });
  rows.change({ recordId: final, revision: 2, variable: '(status)', old: 'in_progress', new: 'final', staffId: lead });
  rows.change({ recordId: draft, revision: 1, variable: 'cf_code', new: 'SD-0003', staffId: maria });
  rows.change({ recordId: inMiami, revision: 1, variable: 'cf_othchg', new: [1, 3], staffId: jo });
  return { final, refused, draft, inMiami, maria, jo, lead };
}

async function runExport(db: Db, dir: string, options: Partial<RecordExportRequest> = {}) {
  const out = path.join(dir, `export-${Math.random().toString(36).slice(2)}`);
  const manifest = await exportRecords(
    { repos: createRepos(db), instruments: shippedInstruments(), clock: fakeClock() },
    {
      instrument: CASE_FILE,
      out,
      formats: ['csv', 'codebook'],
      includeDrafts: false,
      public: false,
      includeFreeText: false,
      actor: 'tester',
      ...options,
    },
  );
  /** A CSV of the bundle as objects by column name. */
  const table = (name: string) => {
    const [header = [], ...body] = records(readFileSync(path.join(out, name), 'utf8'));
    return body.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])));
  };
  return { manifest, out, table };
}

describe('exportRecords (Phase II records of one instrument)', () => {
  it('writes one row per final or refused record of the site, keyed record_id, with who started it and when', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    const s = caseStudy(db);
    const { manifest, table } = await runExport(db, dir, { site: 'san diego' });
    const data = table('data.csv');
    expect(data.map((r) => Number(r.record_id))).toEqual([s.final, s.refused]);
    expect(data[0]).toMatchObject({
      site: 'San Diego',
      instrument_version: '1.0.0',
      status: 'final',
      started_by: 'MDL',
      last_saved_by: 'MDL',
      // Three accounts and two sites were made a minute apart before it.
      started_at: '2027-03-01T09:05:00Z',
      cf_code: 'SD-0001',
      cf_tipchg: '1',
    });
    // The newest loaded version leads; these records were entered on 1.0.0 (instruments lists both).
    expect(manifest).toMatchObject({
      instrument: `${CASE_FILE}@2.0.0`,
      instruments: [`${CASE_FILE}@2.0.0`, `${CASE_FILE}@1.0.0`],
      site: 'San Diego',
      records: { final: 1, refused: 1, in_progress: 0 },
    });
  });

  it('keeps only the header and the refusal of a refused record, in the main table and the panel tables', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    const s = caseStudy(db);
    const { table } = await runExport(db, dir);
    const refused = table('data.csv').find((r) => Number(r.record_id) === s.refused);
    expect(refused).toMatchObject({ status: 'refused', h_site: '1', h_date: '2027-03-01', h_authorized: '2' });
    expect(refused?.cf_code).not.toBe('SD-LEAK');
    expect(['-8', '-9']).toContain(refused?.cf_code);
    expect(['-8', '-9']).toContain(refused?.cf_restamt);
    expect(table('data_cf_defs.csv').filter((r) => Number(r.record_id) === s.refused)).toEqual([]);
  });

  it('leaves drafts out unless asked for, and takes every site without --site', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    const s = caseStudy(db);
    const all = await runExport(db, dir);
    expect(all.table('data.csv').map((r) => Number(r.record_id))).toEqual([s.final, s.refused, s.inMiami]);
    const withDrafts = await runExport(db, dir, { includeDrafts: true });
    const rows = withDrafts.table('data.csv');
    expect(rows.map((r) => Number(r.record_id))).toEqual([s.final, s.refused, s.draft, s.inMiami]);
    expect(rows.find((r) => Number(r.record_id) === s.draft)).toMatchObject({ status: 'in_progress' });
    expect(rows.find((r) => Number(r.record_id) === s.inMiami)).toMatchObject({ site: 'Miami', started_by: 'JS' });
    expect(withDrafts.manifest.records).toEqual({ final: 2, refused: 1, in_progress: 1 });
  });

  it('writes each defendant as a row of the panel table with the record_id of its case', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    const s = caseStudy(db);
    const { table, manifest } = await runExport(db, dir);
    const defendants = table('data_cf_defs.csv');
    expect(defendants.map((r) => [Number(r.record_id), r.d_role, r.d_sentmo])).toEqual([
      [s.final, '1', '-8'],
      [s.final, '2', '96'],
      // Convicted at trial, the sentence not yet entered: shown and blank.
      [s.inMiami, '3', '-9'],
    ]);
    // 2.0.0's victims and charges: tables of their own, empty for records entered on 1.0.0.
    expect(manifest.tables.map((t) => [t.name, t.rows])).toEqual([
      ['data', 3],
      ['cf_victims', 0],
      ['cf_defs', 3],
      ['d_charges', 0],
      ['audit_trail', 4],
    ]);
  });

  it('writes the audit trail of the exported records: one row per change, with who, when and the reason', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    const s = caseStudy(db);
    const { table, manifest, out } = await runExport(db, dir, { site: 'San Diego' });
    const trail = table('data_audit_trail.csv');
    // The draft's change stays out with the draft; Miami's with Miami.
    expect(
      trail.map((r) => [Number(r.record_id), r.variable, r.old_value, r.new_value, r.changed_by, r.reason]),
    ).toEqual([
      [s.final, 'cf_code', '', 'SD-0001', 'MDL', ''],
      [s.final, 'cf_defs[2].d_sentmo', '84', '96', 'AL', 'Sentence read from the amended judgment'],
      [s.final, '(status)', 'in_progress', 'final', 'AL', ''],
    ]);
    expect(trail[1]).toMatchObject({ staff_id: String(s.lead), revision: '2' });
    expect(trail[1]?.changed_at).toMatch(/^2027-03-01T09:\d\d:00Z$/);
    expect(manifest.tables.find((t) => t.name === 'audit_trail')).toMatchObject({ rows: 3, restricted: true });
    const codebook = JSON.parse(readFileSync(path.join(out, 'codebook.json'), 'utf8'));
    expect(codebook.restrictedTables[0]).toMatchObject({ name: 'audit_trail', key: ['record_id', 'change_id'] });
    // The printed codebook describes the restricted table too, variable by variable.
    const html = readFileSync(path.join(out, 'codebook.html'), 'utf8');
    expect(html).toContain('<h2>Table <code>audit_trail</code></h2>');
    expect(html).toContain('Key: record_id, change_id.');
    expect(html).toMatch(/<code>reason<\/code><\/th><td>Why a final record was reopened/);
    expect(codebook.tables.find((t: { name: string }) => t.name === 'cf_defs').key[0]).toBe('record_id');
  });

  it('refuses an unknown site, an unknown instrument and a self-administered one with clear errors', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    caseStudy(db);
    await expect(runExport(db, dir, { site: 'Boston' })).rejects.toMatchObject({
      status: 404,
      code: 'site_not_found',
      message: 'No site is named "Boston".',
    });
    await expect(runExport(db, dir, { instrument: 'cs-nothing' })).rejects.toMatchObject({
      status: 404,
      code: 'instrument_not_found',
    });
    await expect(runExport(db, dir, { instrument: 'tip-prosecutor-survey' })).rejects.toMatchObject({
      status: 422,
      code: 'not_a_record_instrument',
      message: expect.stringContaining('exported by fielding'),
    });
  });

  it('records the export in the audit log, without answers', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-export');
    caseStudy(db);
    await runExport(db, dir, { site: 'Miami' });
    const entry = db.prepare("SELECT actor, action, detail FROM audit_log WHERE action = 'export_records'").get() as {
      actor: string;
      detail: string;
    };
    expect(entry.actor).toBe('tester');
    expect(JSON.parse(entry.detail)).toMatchObject({ instrument: CASE_FILE, site: 'Miami' });
    expect(entry.detail).not.toContain('MI-0001');
  });
});
