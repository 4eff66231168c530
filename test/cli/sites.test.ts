import { describe, expect, it } from 'vitest';
import { workspace } from './workspace.js';

/** A workspace whose database exists, with two interviewer accounts and an analyst. */
async function started() {
  const ws = workspace();
  ws.database().close();
  await ws.run('staff', 'add', 'maria@study.example.org', '--role', 'interviewer', '--name', 'Maria de Lopez');
  await ws.run('staff', 'add', 'jo@study.example.org', '--role', 'interviewer');
  await ws.run('staff', 'add', 'ada@study.example.org', '--role', 'analyst');
  return ws;
}

describe('fieldkit site', () => {
  it('add, assign and list: a table of sites with interviewers, instruments and records by status', async () => {
    const ws = await started();
    const added = await ws.run(
      'site',
      'add',
      'San Diego',
      '--jurisdiction',
      'San Diego County, CA',
      '--instrument',
      'cs-case-file-abstraction',
    );
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toBe('Site "San Diego" (San Diego County, CA) added with cs-case-file-abstraction.');
    await ws.run('site', 'add', 'Miami', '--jurisdiction', 'Miami-Dade County, FL');

    const assigned = await ws.run(
      'site',
      'assign',
      'san diego',
      '--interviewer',
      'maria@study.example.org',
      '--interviewer',
      'jo@study.example.org',
      '--instrument',
      'cs-prosecutor-interview',
    );
    expect(assigned.code, assigned.err).toBe(0);
    expect(assigned.out).toBe(
      [
        'Site "San Diego":',
        '  interviewers: jo@study.example.org, maria@study.example.org',
        '  instruments:  cs-case-file-abstraction@1.0.0, cs-prosecutor-interview@1.0.0',
      ].join('\n'),
    );
    const db = ws.database();
    db.prepare(
      `INSERT INTO records (site_id, instrument_id, instrument_version, interviewer_id, status, created_at, updated_at, updated_by)
       SELECT s.id, 'cs-case-file-abstraction', '1.0.0', st.id, 'final', 'x', 'x', st.id FROM sites s, staff st
       WHERE s.name = 'San Diego' AND st.email = 'jo@study.example.org'`,
    ).run();

    const list = await ws.run('site', 'list');
    expect(list.code).toBe(0);
    expect(list.out.split('\n')).toEqual([
      'site       jurisdiction           interviewers                                   instruments                                        in progress  final  refused',
      'Miami      Miami-Dade County, FL  -                                              -                                                            0      0        0',
      'San Diego  San Diego County, CA   jo@study.example.org, maria@study.example.org  cs-case-file-abstraction, cs-prosecutor-interview            0      1        0',
    ]);
    const audit = db.prepare("SELECT action FROM audit_log WHERE action LIKE 'site.%' ORDER BY id").pluck().all();
    expect(audit).toEqual(['site.add', 'site.assign', 'site.add', 'site.assign']);
  });

  it('refuses what the API refuses, with the same messages', async () => {
    const ws = await started();
    await ws.run('site', 'add', 'Miami', '--jurisdiction', 'FL');
    const twice = await ws.run('site', 'add', 'MIAMI', '--jurisdiction', 'FL');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('There is already a site named "MIAMI"');
    const noJurisdiction = await ws.run('site', 'add', 'New York');
    expect([noJurisdiction.code, noJurisdiction.err]).toEqual([2, expect.stringContaining('--jurisdiction')]);
    const analyst = await ws.run('site', 'assign', 'Miami', '--interviewer', 'ada@study.example.org');
    expect(analyst.code).toBe(1);
    expect(analyst.err).toContain('ada@study.example.org has the role analyst');
    const self = await ws.run('site', 'assign', 'Miami', '--instrument', 'tip-prosecutor-survey');
    expect(self.err).toContain('tip-prosecutor-survey is a self-administered instrument');
    const unknownSite = await ws.run('site', 'assign', 'Boston', '--interviewer', 'jo@study.example.org');
    expect(unknownSite.err).toContain('No site named "Boston"');
    const nothing = await ws.run('site', 'assign', 'Miami');
    expect([nothing.code, nothing.err]).toEqual([2, expect.stringContaining('--interviewer')]);
  });
});

describe('fieldkit staff: full names', () => {
  it('add --name sets the full name; name changes or clears it; list shows name and initials', async () => {
    const ws = await started();
    expect((await ws.run('staff', 'list')).out).toMatch(
      /^maria@study\.example\.org\tinterviewer\tpassword_not_set\tadded \S+\tMaria de Lopez\tMDL$/m,
    );
    const renamed = await ws.run('staff', 'name', 'jo@study.example.org', 'Jo Ann Park');
    expect(renamed.out).toBe('jo@study.example.org is now Jo Ann Park; records take the initials JAP.');
    const cleared = await ws.run('staff', 'name', 'jo@study.example.org', '');
    expect(cleared.out).toBe('jo@study.example.org has no full name now; records take the initials JO from the email.');
    const bad = await ws.run('staff', 'name', 'jo@study.example.org', '<b>Jo</b>');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('must be plain text on one line')]);
    const audit = ws
      .database()
      .prepare("SELECT detail FROM audit_log WHERE action = 'staff.name' ORDER BY id")
      .pluck()
      .all();
    expect(audit.map((d) => JSON.parse(String(d)))).toEqual([
      { email: 'jo@study.example.org', from: '', to: 'Jo Ann Park' },
      { email: 'jo@study.example.org', from: 'Jo Ann Park', to: '' },
    ]);
  });
});
