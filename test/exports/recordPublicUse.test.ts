import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRecords, type RecordExportRequest } from '../../server/exports/recordExport.js';
import { createInstrumentRegistry, type InstrumentRegistry } from '../../server/instruments/registry.js';
import type { Db } from '../../server/platform/db.js';
import { createRepos } from '../../server/repos.js';
import { caseFileAnswers, interviewAnswers, recordRows } from '../factories/records.js';
import { fakeClock, shippedInstruments } from '../support/app.js';
import { records } from '../support/readBack.js';
import { tempDatabase } from '../support/tempDb.js';

/** Notes nobody may find in a public file: each interview's own, with a word that appears nowhere else. */
const NOTE = (n: number) => `The unit began in 2011 after a task-force case; notemarker${n}.`;

/** Four interviews and four case files at San Diego: enough rows for k = 2 on the interview date. */
function seed(db: Db) {
  const rows = recordRows(db);
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const site = rows.site('San Diego');
  const interviews = [1, 2, 3, 4].map((n) =>
    rows.record({
      siteId: site,
      instrumentId: 'cs-prosecutor-interview',
      interviewerId: maria,
      status: 'final',
      answers: interviewAnswers(NOTE(n), { h_role: 7, h_role_oth: `Chief of the vice unit ${n}` }),
    }),
  );
  for (const n of [1, 2, 3, 4]) {
    const id = rows.record({
      siteId: site,
      instrumentId: 'cs-case-file-abstraction',
      interviewerId: maria,
      status: 'final',
      answers: caseFileAnswers(`SD-000${n}`),
    });
    rows.change({ recordId: id, revision: 1, variable: 'cf_code', new: `SD-000${n}`, staffId: maria });
  }
  return { interviews };
}

/** The shipped instruments, the prosecutor interview without its disclosure tags. */
function untaggedInterview(): InstrumentRegistry {
  const all = shippedInstruments().all();
  return createInstrumentRegistry(
    all.map((i) => (i.meta.id === 'cs-prosecutor-interview' ? { ...i, meta: { ...i.meta, disclosure: {} } } : i)),
  );
}

async function publicExport(
  db: Db,
  dir: string,
  options: Partial<RecordExportRequest>,
  instruments: InstrumentRegistry = shippedInstruments(),
) {
  const out = path.join(dir, `public-${Math.random().toString(36).slice(2)}`);
  const manifest = await exportRecords(
    { repos: createRepos(db), instruments, clock: fakeClock() },
    {
      instrument: 'cs-prosecutor-interview',
      out,
      formats: ['csv', 'labels', 'sav', 'dta', 'codebook'],
      includeDrafts: false,
      public: true,
      includeFreeText: false,
      kAnonymity: 2,
      actor: 'tester',
      ...options,
    },
  );
  const [header = [], ...body] = records(readFileSync(path.join(out, 'data.csv'), 'utf8'));
  /** Every file of the bundle as text (binary files too: a note would show in them as its UTF-8). */
  const everything = readdirSync(out)
    .map((f) => readFileSync(path.join(out, f)).toString('utf8'))
    .join('\n');
  return { manifest, out, header, body, everything, files: readdirSync(out).sort() };
}

describe('the public-use file of Phase II records', () => {
  it('never holds the interview notes or the staff initials, not even with free text kept', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-public');
    seed(db);
    const { header, body, everything, manifest } = await publicExport(db, dir, { includeFreeText: true });
    expect(body).toHaveLength(4);
    for (const notes of header.filter((h) => h.endsWith('_notes'))) throw new Error(`${notes} is in the public file`);
    expect(header).not.toContain('started_by');
    expect(header).not.toContain('last_saved_by');
    expect(header).not.toContain('h_initials');
    // Free text the analyst asked for stays; the notes never do, in any file of the bundle.
    expect(header).toContain('h_role_oth');
    expect(everything).not.toMatch(/notemarker\d/);
    expect(everything).not.toContain('MDL');
    expect(manifest.publicUse?.removed).toEqual(
      expect.arrayContaining([
        { name: 'p1_history_notes', why: 'interview notes: never in a public-use file' },
        { name: 'started_by', why: 'staff initials identify the interviewer' },
        { name: 'h_initials', why: 'direct identifier (meta.disclosure)' },
      ]),
    );
  });

  it('leaves out the header’s initials question even where the instrument does not tag it', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-public');
    seed(db);
    const { header, everything, manifest } = await publicExport(
      db,
      dir,
      { includeFreeText: true },
      untaggedInterview(),
    );
    expect(header).not.toContain('h_initials');
    expect(everything).not.toContain('MDL');
    expect(manifest.publicUse?.removed).toContainEqual({
      name: 'h_initials',
      why: "the interviewer's initials (meta.recordHeader)",
    });
  });

  it('drops free text unless asked for, gives release ids, and keeps site and status', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-public');
    const { interviews } = seed(db);
    const { header, body } = await publicExport(db, dir, {});
    expect(header).not.toContain('h_role_oth');
    expect(header.slice(0, 4)).toEqual(['record_id', 'site', 'instrument_version', 'status']);
    const ids = body.map((r) => Number(r[0]));
    expect(ids.some((id) => interviews.includes(id))).toBe(false);
    expect(body.map((r) => [r[1], r[3]])).toEqual(Array(4).fill(['San Diego', 'final']));
  });

  it('leaves the case codes, the panels and the audit trail out of a case-file release', async () => {
    const { db, dir } = tempDatabase('fieldkit-records-public');
    seed(db);
    const { header, files, everything, manifest, out } = await publicExport(db, dir, {
      instrument: 'cs-case-file-abstraction',
      includeFreeText: true,
    });
    expect(header).not.toContain('cf_code');
    expect(everything).not.toMatch(/SD-000\d/);
    expect(files.filter((f) => f.includes('audit_trail') || f.includes('cf_defs'))).toEqual([]);
    expect(manifest.tables.map((t) => t.name)).toEqual(['data']);
    const codebook = JSON.parse(readFileSync(path.join(out, 'codebook.json'), 'utf8'));
    expect(codebook.restrictedTables).toBeUndefined();
  });
});
