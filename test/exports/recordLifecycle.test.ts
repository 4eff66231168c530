import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenRecordSchema } from '../../server/contracts/records.js';
import { exportRecords } from '../../server/exports/recordExport.js';
import { createRepos } from '../../server/repos.js';
import { caseFileV2Answers } from '../factories/records.js';
import { CASE_FILE, siteWithInterviewer } from '../factories/sites.js';
import { everyRole, staffEnv } from '../staff/setup.js';
import { records } from '../support/readBack.js';

/**
 * A case file through the records API as staff enter it (point 8's path, server side): the
 * interviewer finalizes it, an admin reopens it with a reason, corrects a sentence and finalizes it
 * again; the export then has the record once, its defendants and charges by their stable keys, and
 * an audit trail with the correction, who made it and why, exactly as the records service wrote it.
 */
describe('the export of a record that was reopened and corrected', () => {
  it('holds the corrected value, and the correction with its reason in audit_trail', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const { site, interviewer } = await siteWithInterviewer(env, admin, {
      name: 'San Diego',
      interviewer: 'maria@study.example.org',
      fullName: 'Maria de Lopez',
    });
    const started = await interviewer.send('post', '/api/staff/records', { siteId: site.id, instrumentId: CASE_FILE });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const record = OpenRecordSchema.parse(started.body);
    const answers = caseFileV2Answers('SD-0001', record.answers);
    const first = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 0 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const reason = 'Sentence misread from the judgment';
    await admin.send('post', `/api/staff/records/${record.id}/reopen`, { reason }).expect(200);
    const defendants = answers.cf_defs as Record<string, unknown>[];
    const corrected = { ...answers, cf_defs: [{ ...defendants[0], d_sentmo: 84 }, defendants[1]] };
    await admin
      .send('put', `/api/staff/records/${record.id}/draft`, { answers: corrected, page: 3, revision: 2 })
      .expect(200);
    await admin
      .send('post', `/api/staff/records/${record.id}/finalize`, { answers: corrected, revision: 3 })
      .expect(200);

    const out = path.join(env.dir, 'export');
    await exportRecords(
      { repos: createRepos(env.db), instruments: env.instruments, clock: env.clock },
      {
        instrument: CASE_FILE,
        site: 'San Diego',
        out,
        formats: ['csv'],
        includeDrafts: false,
        public: false,
        includeFreeText: false,
        actor: 'tester',
      },
    );
    const table = (name: string) => {
      const [header = [], ...body] = records(readFileSync(path.join(out, `${name}.csv`), 'utf8'));
      return body.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])));
    };
    expect(table('data')).toEqual([
      expect.objectContaining({
        record_id: String(record.id),
        status: 'final',
        started_by: 'MDL',
        last_saved_by: 'AD',
      }),
    ]);
    expect(table('data_cf_defs').map((d) => [d.defendant_no, d.d_sentmo])).toEqual([
      ['1', '84'],
      ['3', '-8'],
    ]);
    expect(table('data_d_charges').map((c) => [c.defendant_no, c.charge_no])).toEqual([
      ['1', '1'],
      ['1', '2'],
      ['3', '1'],
    ]);
    const trail = table('data_audit_trail');
    const reopened = trail.filter((c) => c.reason === reason);
    expect(reopened.map((c) => [c.variable, c.old_value, c.new_value, c.changed_by])).toEqual([
      ['(status)', 'final', 'in_progress', 'AD'],
      ['cf_defs[defendant_no=1].d_sentmo', '96', '84', 'AD'],
      ['(status)', 'in_progress', 'final', 'AD'],
    ]);
    // Before the reopening: the interviewer's own entry, with no reason.
    expect(trail.filter((c) => c.reason === '').every((c) => c.changed_by === 'MDL')).toBe(true);
    expect(trail.some((c) => c.variable === 'cf_code' && c.new_value === 'SD-0001')).toBe(true);
  });
});
