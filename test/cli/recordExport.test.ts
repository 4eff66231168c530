import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFileAnswers, recordRows } from '../factories/records.js';
import { records } from '../support/readBack.js';
import { workspace } from './workspace.js';

/** A data folder whose database holds two San Diego case files (one final, one draft) and a Miami one. */
function caseStudyWorkspace() {
  const ws = workspace();
  const rows = recordRows(ws.database());
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const sanDiego = rows.site('San Diego');
  const miami = rows.site('Miami');
  const base = { instrumentId: 'cs-case-file-abstraction', interviewerId: maria };
  const final = rows.record({ ...base, siteId: sanDiego, status: 'final', answers: caseFileAnswers('SD-0001') });
  const draft = rows.record({ ...base, siteId: sanDiego, status: 'in_progress', answers: caseFileAnswers('SD-0002') });
  rows.record({ ...base, siteId: miami, status: 'final', answers: caseFileAnswers('MI-0001', { h_site: 2 }) });
  rows.change({ recordId: final, revision: 1, variable: 'cf_code', new: 'SD-0001', staffId: maria });
  return { ws, final, draft };
}

const ids = (file: string) =>
  records(readFileSync(file, 'utf8'))
    .slice(1)
    .map((r) => Number(r[0]));

describe('fieldkit export --instrument', () => {
  it('exports the records of one site in the chosen formats and says what it wrote', async () => {
    const { ws, final } = caseStudyWorkspace();
    const result = await ws.run(
      'export',
      '--instrument',
      'cs-case-file-abstraction',
      '--site',
      'San Diego',
      '--out',
      'sd',
      '--format',
      'csv,sav',
    );
    expect(result, result.err).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      'Exported 1 records of cs-case-file-abstraction@2.0.0 (San Diego), cf_victims 0, cf_defs 2, d_charges 0, audit_trail 1 rows to sd: data.csv, data.sav, data_cf_victims.csv, data_cf_victims.sav, data_cf_defs.csv, data_cf_defs.sav, data_d_charges.csv, data_d_charges.sav, data_audit_trail.csv, data_audit_trail.sav, manifest.json.',
    );
    expect(ids(ws.file('sd/data.csv'))).toEqual([final]);
    expect(ids(ws.file('sd/data_audit_trail.csv'))).toEqual([final]);
  });

  it('adds drafts with --include-drafts', async () => {
    const { ws, final, draft } = caseStudyWorkspace();
    const result = await ws.run(
      'export',
      '--instrument',
      'cs-case-file-abstraction',
      '--site',
      'san diego',
      '--include-drafts',
      '--out',
      'sd.zip',
      '--formats',
      'csv',
    );
    expect(result, result.err).toMatchObject({ code: 0, err: '' });
    expect(existsSync(ws.file('sd.zip'))).toBe(true);
    const again = await ws.run(
      'export',
      '--instrument',
      'cs-case-file-abstraction',
      '--include-drafts',
      '--out',
      'all',
      '--formats',
      'csv',
    );
    expect(again.code).toBe(0);
    expect(ids(path.join(ws.file('all'), 'data.csv'))).toEqual([final, draft, draft + 1]);
  });

  it('refuses a mix of fielding and records options, an unknown site and a self instrument, naming the problem', async () => {
    const { ws } = caseStudyWorkspace();
    const both = await ws.run(
      'export',
      '--fielding',
      'pilot',
      '--instrument',
      'cs-case-file-abstraction',
      '--out',
      'x',
    );
    expect(both).toMatchObject({ code: 2 });
    expect(both.err).toContain('either a fielding (--fielding) or Phase II records (--instrument)');
    const siteOfFielding = await ws.run('export', '--fielding', 'pilot', '--site', 'Miami', '--out', 'x');
    expect(siteOfFielding).toMatchObject({ code: 2 });
    expect(siteOfFielding.err).toContain('--site and --include-drafts are for Phase II records');
    const unknown = await ws.run(
      'export',
      '--instrument',
      'cs-case-file-abstraction',
      '--site',
      'Boston',
      '--out',
      'x',
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('No site is named "Boston".');
    const self = await ws.run('export', '--instrument', 'tip-prosecutor-survey', '--out', 'x');
    expect(self.code).not.toBe(0);
    expect(self.err).toContain('self-administered instrument');
    expect(existsSync(ws.file('x'))).toBe(false);
  });
});
