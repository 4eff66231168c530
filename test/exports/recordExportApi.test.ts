import { describe, expect, it } from 'vitest';
import { caseFileAnswers, recordRows } from '../factories/records.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { binaryBody, type TestEnv } from '../support/app.js';
import { records } from '../support/readBack.js';
import { unzipWithPython } from '../support/zip.js';

function seed(env: TestEnv) {
  const rows = recordRows(env.db);
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const site = rows.site('San Diego');
  const id = rows.record({
    siteId: site,
    instrumentId: 'cs-case-file-abstraction',
    interviewerId: maria,
    status: 'final',
    answers: caseFileAnswers('SD-0001'),
  });
  rows.change({ recordId: id, revision: 1, variable: 'cf_code', new: 'SD-0001', staffId: maria });
  return { id };
}

describe('POST /api/staff/record-exports', () => {
  it('answers the zip of the site’s records with the audit trail, and audits the export as the analyst', async () => {
    const env = staffEnv();
    const { id } = seed(env);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const analyst = await signIn(env, email);
    const res = await analyst
      .send('post', '/api/staff/record-exports', {
        instrument: 'cs-case-file-abstraction',
        site: 'San Diego',
        formats: ['csv'],
      })
      .buffer(true)
      .parse(binaryBody);
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="?cs-case-file-abstraction-San_Diego-records-2027-02-01\.zip"?$/,
    );
    const files = unzipWithPython(res.body as Buffer, { binary: true });
    expect(Object.keys(files).sort()).toEqual([
      'data.csv',
      'data_audit_trail.csv',
      'data_cf_defs.csv',
      'data_cf_victims.csv',
      'data_d_charges.csv',
      'manifest.json',
    ]);
    expect(records(files['data.csv'] as string).map((r) => r[0])).toEqual(['record_id', String(id)]);
    const audit = env.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'export_records'").get() as {
      actor: string;
      detail: string;
    };
    expect(audit.actor).toBe(email);
    expect(JSON.parse(audit.detail)).toMatchObject({ instrument: 'cs-case-file-abstraction', site: 'San Diego' });
  });

  it('refuses an unknown site with 404, a self instrument with 422 and bad options with 400, naming the problem', async () => {
    const env = staffEnv();
    seed(env);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const analyst = await signIn(env, email);
    const site = await analyst.send('post', '/api/staff/record-exports', {
      instrument: 'cs-case-file-abstraction',
      site: 'Boston',
    });
    expect(site.status).toBe(404);
    expect(site.body.error).toMatchObject({ code: 'site_not_found', message: 'No site is named "Boston".' });
    const self = await analyst.send('post', '/api/staff/record-exports', { instrument: 'tip-prosecutor-survey' });
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('not_a_record_instrument');
    const bad = await analyst.send('post', '/api/staff/record-exports', {
      instrument: 'cs-case-file-abstraction',
      includeFreeText: true,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('includeFreeText is for the public-use file');
  });
});
