import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { createPilot, tokenOfLink, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { fieldedPilot } from './pilot.js';

const records = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('fieldkit export', () => {
  it('writes data.csv, data_labels.csv, the codebook and a manifest whose hashes match the files, and logs the export', async () => {
    const ws = await fieldedPilot();

    const result = await ws.run('export', '--fielding', 'pilot', '--out', 'export-1');

    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^Exported pilot \(tip-prosecutor-survey@[\d.]+\): 2 cases × \d+ columns to export-1: data\.csv, data\.R, design\.R, design\.do, design\.sps, data\.xlsx, data\.sav, data\.dta, data_labels\.csv, codebook\.json, codebook\.html, manifest\.json\.$/,
    );
    const dir = ws.file('export-1');
    expect(readdirSync(dir).sort()).toEqual([
      'codebook.html',
      'codebook.json',
      'data.R',
      'data.csv',
      'data.dta',
      'data.sav',
      'data.xlsx',
      'data_labels.csv',
      'design.R',
      'design.do',
      'design.sps',
      'manifest.json',
    ]);
    const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
    for (const f of manifest.files) {
      expect(
        createHash('sha256')
          .update(readFileSync(`${dir}/${f.name}`))
          .digest('hex'),
        f.name,
      ).toBe(f.sha256);
    }
    const [header, ...rows] = records(readFileSync(`${dir}/data.csv`, 'utf8'));
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8'));
    // Frequencies of the identified file: both rows chose a1_role 1; units 1 and 3, not 2.
    expect(codebook.frequencies).toMatchObject({ a1_role: { '1': 2 }, a7_unit_1: { '1': 2 }, a7_unit_2: { '0': 2 } });
    expect(header?.slice(0, 3)).toEqual(['case_id', 'office_id', 'office_name']);
    // The export's own columns first, documented in the codebook, then the questions' variables.
    expect(header).toEqual([
      ...codebook.exportColumns.map((c: { name: string }) => c.name),
      ...codebook.variables.map((v: { name: string }) => v.name),
    ]);
    expect(codebook.exportColumns.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['wt_nr', 'flag_speeder', 'flag_straightline', 'flag_out_of_range', 'flag_b4_outcome']),
    );
    expect(readFileSync(`${dir}/codebook.html`, 'utf8')).toContain('<code>flag_out_of_range</code>');
    expect(manifest.tables).toEqual([{ name: 'data', rows: 2, columns: header?.length }]);
    // No duplicate rows to resolve: the database refuses a second case of an office or a second response of a case.
    expect(manifest.duplicates).toMatchObject({ dropped: [] });
    const db = ws.database();
    expect(() =>
      db
        .prepare(
          'INSERT INTO cases (fielding_id, office_id, created_at) SELECT fielding_id, office_id, created_at FROM cases LIMIT 1',
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed: cases.fielding_id, cases.office_id/);
    expect(() =>
      db
        .prepare(
          'INSERT INTO responses (case_id, instrument_id, instrument_version, answers, started_at, updated_at) SELECT case_id, instrument_id, instrument_version, answers, started_at, updated_at FROM responses LIMIT 1',
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed: responses.case_id/);
    const byOffice = Object.fromEntries(
      rows.map((r) => [r[1], Object.fromEntries(header?.map((h, i) => [h, r[i]]) ?? [])]),
    );
    expect(byOffice['OFF-1']).toMatchObject({
      status: 'submitted',
      disposition: '1.1',
      a1_role: '1',
      a7_unit_1: '1',
      a7_unit_2: '0',
    });
    expect(byOffice['OFF-2']).toMatchObject({ status: 'in_progress', disposition: '1.2' });
    // Formula injection neutralized in text; codes stay numbers; no blank cell anywhere.
    expect(byOffice['OFF-1']?.b6_altchg_oth).toBe(`'=HYPERLINK("http://x.example")`);
    const answerColumns = (header ?? []).map((_, i) => i).slice(17);
    expect(rows.every((r) => answerColumns.every((i) => r[i] !== ''))).toBe(true);
    // A partial was never submitted: the declared code, never a blank that could mean either.
    expect(byOffice['OFF-2']?.submitted_at).toBe('-9');
    const entries = ws.database().prepare('SELECT actor, action, fielding, detail FROM audit_log').all() as {
      detail: string;
    }[];
    expect(entries).toEqual([expect.objectContaining({ action: 'export', fielding: 'pilot' })]);
    expect(JSON.parse(entries[0]?.detail ?? '{}').files).toEqual(manifest.files);
  });

  it('writes labels instead of codes in data_labels.csv, missing codes included', async () => {
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export-1', '--formats', 'labels');

    const [header, ...rows] = records(readFileSync(ws.file('export-1/data_labels.csv'), 'utf8'));
    const column = (name: string) => rows.map((r) => r[header?.indexOf(name) ?? -1]);

    expect(column('a7_unit_1')).toContain('Selected');
    expect(rows.flat().some((cell) => /Legitimately skipped|Not answered/.test(cell))).toBe(true);
  });

  it('exports completes only when asked', async () => {
    const ws = await fieldedPilot();

    const result = await ws.run('export', '--fielding', 'pilot', '--out', 'completes', '--completes-only');

    expect(result.out).toMatch(/: 1 cases × /);
  });

  it('refuses an existing folder, an unknown fielding and an unknown format, leaving nothing behind', async () => {
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export-1');

    const again = await ws.run('export', '--fielding', 'pilot', '--out', 'export-1');
    const unknown = await ws.run('export', '--fielding', 'nope', '--out', 'export-2');
    const format = await ws.run('export', '--fielding', 'pilot', '--out', 'export-3', '--formats', 'csv,sas');

    expect(again).toMatchObject({
      code: 1,
      err: expect.stringMatching(/export-1 already exists; choose a new folder/),
    });
    expect(unknown).toMatchObject({ code: 1, err: 'fieldkit: No fielding named "nope".' });
    expect(format).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--formats takes a comma-separated list of csv, labels, xlsx, sav, dta, r, codebook; not "sas"/,
      ),
    });
    expect(existsSync(ws.file('export-2')) || existsSync(ws.file('export-3'))).toBe(false);
    expect(readdirSync(ws.dir).filter((f) => f.includes('.part-'))).toEqual([]);
  });
});

describe('fieldkit export flags', () => {
  it('flags a speeder (under a third of the median duration) and a straight-lined grid', async () => {
    const ws = workspace();
    const links = await createPilot(ws, { offices: 3 });
    const api = ws.api();
    const straight = { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, '7': 1 };
    for (const [i, link] of links.entries()) {
      const answers = chargedOfficeAnswers(i === 2 ? { b1_law: straight } : {});
      await api
        .post(`/api/respond/${tokenOfLink(link.link)}/complete`)
        .send({ answers, revision: 0 })
        .expect(200);
    }
    // Durations of 30, 30 and 5 minutes: the median is 30, and 5 is under a third of it.
    const db = ws.database();
    for (const [caseId, minutes] of [
      [1, 30],
      [2, 30],
      [3, 5],
    ]) {
      db.prepare(
        "UPDATE responses SET started_at = '2027-01-01T09:00:00.000Z', submitted_at = ? WHERE case_id = ?",
      ).run(new Date(Date.parse('2027-01-01T09:00:00.000Z') + (minutes as number) * 60_000).toISOString(), caseId);
    }

    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv');

    const [header, ...rows] = records(readFileSync(ws.file('export/data.csv'), 'utf8'));
    const column = (name: string) => rows.map((r) => `${r[1]}:${r[header?.indexOf(name) ?? -1]}`).sort();
    expect(column('duration_min')).toEqual(['OFF-1:30', 'OFF-2:30', 'OFF-3:5']);
    expect(column('flag_speeder')).toEqual(['OFF-1:0', 'OFF-2:0', 'OFF-3:1']);
    expect(column('flag_straightline')).toEqual(['OFF-1:0', 'OFF-2:0', 'OFF-3:1']);
  });
});

describe('fieldkit export data-quality flags', () => {
  it('flags a soft check the respondent went past (b4 outcomes above the b3 defendants) and a number out of range', async () => {
    const ws = workspace();
    const links = await createPilot(ws, { offices: 3 });
    const api = ws.api();
    const years = ['2009', '2010', '2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018'];
    // Every b3 cell entered: 20 defendants in all, against 36 outcomes in b4 (the factory's).
    const fewDefendants = { b3_cases: Object.fromEntries(years.map((y) => [y, { sex: 1, labor: 1 }])) };
    for (const [i, link] of links.entries()) {
      await api
        .post(`/api/respond/${tokenOfLink(link.link)}/complete`)
        .send({ answers: chargedOfficeAnswers(i === 1 ? fewDefendants : {}), revision: 0 })
        .expect(200);
    }
    // A count stored before its range was tightened (today's instrument allows 0 to 9999).
    const db = ws.database();
    const stored = db.prepare('SELECT answers FROM responses WHERE case_id = 3').get() as { answers: string };
    const answers = JSON.parse(stored.answers);
    answers.b4_outcome.pending = 12_000;
    db.prepare('UPDATE responses SET answers = ? WHERE case_id = 3').run(JSON.stringify(answers));

    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,sav');

    const [header, ...rows] = records(readFileSync(ws.file('export/data.csv'), 'utf8'));
    const column = (name: string) => rows.map((r) => `${r[1]}:${r[header?.indexOf(name) ?? -1]}`).sort();
    expect(column('flag_b4_outcome')).toEqual(['OFF-1:0', 'OFF-2:1', 'OFF-3:0']);
    expect(column('flag_out_of_range')).toEqual(['OFF-1:0', 'OFF-2:0', 'OFF-3:1']);
    expect(column('b4_outcome_pending')).toEqual(['OFF-1:3', 'OFF-2:3', 'OFF-3:12000']);
    const dictionary = spawnSync('pspp', ['-O', 'format=csv', '-o', '-', '-'], {
      input: `GET FILE='${ws.file('export/data.sav')}'.\nDISPLAY DICTIONARY /VARIABLES=flag_b4_outcome.\n`,
      encoding: 'utf8',
    });
    expect(dictionary.stdout).toContain('Went past the soft check on b4_outcome: These outcomes add up to more than');
  });
});

describe('fieldkit export to a .zip', () => {
  it('writes one zip holding the same files, each matching the manifest hash, read by Python’s zipfile', async () => {
    const ws = await fieldedPilot();

    const result = await ws.run('export', '--fielding', 'pilot', '--out', 'pilot.zip', '--formats', 'csv,sav,codebook');

    expect(result.code).toBe(0);
    expect(readdirSync(ws.dir).filter((f) => f.includes('.part') || f.startsWith('.pilot.zip'))).toEqual([]);
    const listing = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import hashlib, json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))',
        ws.file('pilot.zip'),
      ],
      { encoding: 'utf8' },
    );
    expect(listing.status, listing.stderr).toBe(0);
    const hashes = JSON.parse(listing.stdout) as Record<string, string>;
    expect(Object.keys(hashes).sort()).toEqual([
      'codebook.html',
      'codebook.json',
      'data.csv',
      'data.sav',
      'design.sps',
      'manifest.json',
    ]);
    const manifest = JSON.parse(
      spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import sys, zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("manifest.json").decode())',
          ws.file('pilot.zip'),
        ],
        {
          encoding: 'utf8',
        },
      ).stdout,
    ) as { files: { name: string; sha256: string }[] };
    for (const f of manifest.files) expect(hashes[f.name], f.name).toBe(f.sha256);
  });
});
