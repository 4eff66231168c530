import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditRepo } from '../../server/audit/repo.js';
import { createPilot, suiteCleanup, type Workspace } from '../cli/workspace.js';
import { records } from '../support/readBack.js';
import { fieldedPilot } from './pilot.js';
import {
  ADDED,
  addSecondVersion,
  DROPPED,
  firstVersionWorkspace,
  INSTRUMENT,
  OFFICES,
  twoVersionFielding,
  V1,
  V2,
} from './twoVersions.js';

const NOT_IN_VERSION = 'Legitimately skipped (hidden by logic), or not in the version the case answered';
const SKIPPED = 'Legitimately skipped (hidden by logic)';

type CodebookJson = {
  versions?: string[];
  variables: {
    name: string;
    question: string;
    label: string;
    values: { code: number; label: string }[];
    missing: { code: number; label: string }[];
    versions?: string[];
  }[];
};

/** A CSV of the export as columns by name, each a map from office_id to the cell. */
function byOffice(file: string) {
  const [header = [], ...rows] = records(readFileSync(file, 'utf8'));
  const office = header.indexOf('office_id');
  return {
    header,
    offices: rows.map((r) => r[office]),
    column(name: string): Record<string, string | undefined> {
      const at = header.indexOf(name);
      if (at < 0) throw new Error(`no column ${name}`);
      return Object.fromEntries(rows.map((r) => [r[office], r[at]]));
    },
  };
}

/** The cells of each row of codebook.html's variable table, by variable name, and its column headers. */
function htmlTable(html: string) {
  // The first table of questions' variables (after the table of the columns the export adds).
  const main = html.slice(html.indexOf('<h2>Table '));
  const headers = [...(/<thead>(.*?)<\/thead>/s.exec(main)?.[1] ?? '').matchAll(/<th scope="col">(.*?)<\/th>/g)].map(
    (m) => m[1],
  );
  const rows = new Map<string, string[]>();
  for (const [, name = '', cells = ''] of main.matchAll(/<tr><th scope="row"><code>(.*?)<\/code><\/th>(.*?)<\/tr>/g)) {
    rows.set(
      name,
      [...cells.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1] ?? ''),
    );
  }
  return { headers, rows };
}

describe('fieldkit export of a fielding whose cases span two instrument versions', () => {
  let ws: Workspace;
  let dir = '';
  beforeAll(async () => {
    const { cleanup, teardown } = suiteCleanup();
    ({ ws } = await twoVersionFielding(cleanup));
    const result = await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,labels,codebook');
    expect(result, result.err).toMatchObject({ code: 0, err: '' });
    dir = ws.file('export');
    return teardown;
  });

  it('has one row per complete or partial case, each with the version it answered; the declined case is left out', () => {
    const data = byOffice(`${dir}/data.csv`);

    expect(data.column('instrument_version')).toEqual({
      [OFFICES.v1Complete]: V1,
      // Started on 1.0.0 before the switch and saved again after it: still 1.0.0.
      [OFFICES.v1Partial]: V1,
      [OFFICES.v2Complete]: V2,
      [OFFICES.v2Partial]: V2,
    });
    expect(data.column('status')).toEqual({
      [OFFICES.v1Complete]: 'submitted',
      [OFFICES.v1Partial]: 'in_progress',
      [OFFICES.v2Complete]: 'submitted',
      [OFFICES.v2Partial]: 'in_progress',
    });
    expect(data.offices).not.toContain(OFFICES.v1Declined);
  });

  it(`holds the answers to ${DROPPED} (1.0.0 only) for the 1.0.0 cases and -8 for the 2.0.0 cases, one column per choice`, () => {
    const data = byOffice(`${dir}/data.csv`);
    const columns = data.header.filter((h) => h.startsWith(`${DROPPED}_`));

    expect(columns).toEqual([1, 2, 3, 4].map((code) => `${DROPPED}_${code}`));
    expect(columns.map((c) => data.column(c))).toEqual(
      ['1', '0', '1', '0'].map((chosen) => ({
        [OFFICES.v1Complete]: chosen,
        // Shown on 1.0.0 and left blank: not answered, the whole set.
        [OFFICES.v1Partial]: '-9',
        [OFFICES.v2Complete]: '-8',
        [OFFICES.v2Partial]: '-8',
      })),
    );
  });

  it(`holds the answers to ${ADDED} (2.0.0 only), prefer not to answer and don't know included, and -8 for the 1.0.0 cases`, () => {
    const data = byOffice(`${dir}/data.csv`);
    const labels = byOffice(`${dir}/data_labels.csv`);

    expect(data.column(ADDED)).toEqual({
      [OFFICES.v1Complete]: '-8',
      [OFFICES.v1Partial]: '-8',
      [OFFICES.v2Complete]: '-6',
      [OFFICES.v2Partial]: '-7',
    });
    expect(labels.column(ADDED)).toEqual({
      [OFFICES.v1Complete]: NOT_IN_VERSION,
      [OFFICES.v1Partial]: NOT_IN_VERSION,
      [OFFICES.v2Complete]: 'Prefer not to answer',
      [OFFICES.v2Partial]: "Don't know",
    });
    expect(labels.column(`${DROPPED}_1`)[OFFICES.v2Complete]).toBe(NOT_IN_VERSION);
  });

  it('keeps the variables both versions share in the order of the current version, the 1.0.0-only ones beside their neighbour', () => {
    const { header } = byOffice(`${dir}/data.csv`);
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8')) as CodebookJson;

    expect(header.slice(header.indexOf('consent'))).toEqual(codebook.variables.map((v) => v.name));
    expect(header.slice(header.indexOf('c2_screen_5'), header.indexOf('c4_evidence_1') + 1)).toEqual([
      'c2_screen_5',
      `${DROPPED}_1`,
      `${DROPPED}_2`,
      `${DROPPED}_3`,
      `${DROPPED}_4`,
      ADDED,
      'c4_evidence_1',
    ]);
  });

  it('never leaves a question cell blank', () => {
    const data = byOffice(`${dir}/data.csv`);
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8')) as CodebookJson;

    for (const v of codebook.variables) {
      for (const [office, cell] of Object.entries(data.column(v.name)))
        expect(cell, `${v.name} ${office}`).not.toBe('');
    }
  });

  it('names both versions in the manifest, the one new responses use first', () => {
    const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as {
      instrument: string;
      instruments: string[];
      tables: { name: string; rows: number }[];
    };

    expect(manifest.instrument).toBe(`${INSTRUMENT}@${V2}`);
    expect(manifest.instruments).toEqual([`${INSTRUMENT}@${V2}`, `${INSTRUMENT}@${V1}`]);
    expect(manifest.tables).toEqual([expect.objectContaining({ name: 'data', rows: 4 })]);
  });

  it('gives in codebook.json the versions that have each variable, and the "not in this version" -8 exactly where one lacks it', () => {
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8')) as CodebookJson;

    expect(codebook.versions).toEqual([V2, V1]);
    for (const v of codebook.variables) {
      const expected = v.question === DROPPED ? [V1] : v.question === ADDED ? [V2] : [V2, V1];
      expect(v.versions, v.name).toEqual(expected);
      const skipped = v.missing.find((m) => m.code === -8);
      if (expected.length === 1) expect(skipped?.label, v.name).toBe(NOT_IN_VERSION);
      else expect(skipped?.label ?? SKIPPED, v.name).toBe(SKIPPED);
    }
    const added = codebook.variables.find((v) => v.name === ADDED);
    expect(added).toMatchObject({
      label: 'Did your office receive federal grant funding for trafficking cases in 2018?',
      values: [
        { code: 1, label: 'Yes' },
        { code: 2, label: 'No' },
      ],
      missing: [
        { code: -6, label: 'Prefer not to answer' },
        { code: -7, label: "Don't know" },
        { code: -8, label: NOT_IN_VERSION },
        { code: -9, label: 'Not answered (shown, left blank)' },
      ],
    });
    expect(codebook.variables.find((v) => v.name === `${DROPPED}_3`)?.label).toBe(
      'Which trafficking task forces does your office take part in? — A federally funded task force (for example an Enhanced Collaborative Model task force)',
    );
  });

  it('has an "In versions" column in codebook.html naming the versions of each variable', () => {
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8')) as CodebookJson;
    const { headers, rows } = htmlTable(readFileSync(`${dir}/codebook.html`, 'utf8'));
    const at = headers.indexOf('In versions') - 1; // the first header is the variable's, a <th>

    expect(at).toBeGreaterThanOrEqual(0);
    expect([...rows.keys()]).toEqual(codebook.variables.map((v) => v.name));
    expect(rows.get(`${DROPPED}_1`)?.[at]).toBe(V1);
    expect(rows.get(ADDED)?.[at]).toBe(V2);
    expect(rows.get('consent')?.[at]).toBe(`${V2}, ${V1}`);
    for (const v of codebook.variables) expect(rows.get(v.name)?.[at], v.name).toBe(v.versions?.join(', '));
  });

  it('has no "In versions" column when every case answered the same version', async () => {
    const single = await fieldedPilot();
    await single.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'codebook');

    const { headers } = htmlTable(readFileSync(single.file('export/codebook.html'), 'utf8'));
    const manifest = JSON.parse(readFileSync(single.file('export/manifest.json'), 'utf8')) as { instruments: string[] };

    expect(headers).not.toContain('In versions');
    expect(headers).toContain('Shown when');
    expect(manifest.instruments).toEqual([`${INSTRUMENT}@${V1}`]);
  });
});

describe('fieldkit fielding version', () => {
  const versionAudits = (ws: Workspace) =>
    createAuditRepo(ws.database())
      .auditEntries()
      .filter((e) => e.action === 'fielding_version');

  it('moves the fielding to another loaded version, says which started responses stay, and writes an audit entry', {
    timeout: 60_000,
  }, async () => {
    const { ws, switched } = await twoVersionFielding();

    expect(switched.out).toBe(
      [
        `Fielding "pilot" moved from ${INSTRUMENT}@${V1} to ${INSTRUMENT}@${V2}: responses started from now on use it.`,
        `  3 response(s) already started stay on version ${V1}.`,
      ].join('\n'),
    );
    const list = await ws.run('fielding', 'list');
    expect(list.out).toMatch(new RegExp(`^pilot\\t${INSTRUMENT}@${V2.replaceAll('.', '\\.')}\\t5 cases`));
    const audits = versionAudits(ws);
    expect(audits).toEqual([
      {
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        actor: expect.stringMatching(/\S/),
        action: 'fielding_version',
        fielding: 'pilot',
        detail: JSON.stringify({ from: V1, to: V2 }),
      },
    ]);
  });

  it('refuses an unknown fielding, a version that is not loaded (naming the loaded ones) and the version in use, changing nothing', async () => {
    const ws = firstVersionWorkspace();
    await createPilot(ws);
    addSecondVersion(ws);

    const unknownFielding = await ws.run('fielding', 'version', '--name', 'nope', '--version', V2);
    const unknownVersion = await ws.run('fielding', 'version', '--name', 'pilot', '--version', '3.0.0');
    const sameVersion = await ws.run('fielding', 'version', '--name', 'pilot', '--version', V1);
    const noVersion = await ws.run('fielding', 'version', '--name', 'pilot');

    expect(unknownFielding).toEqual({ code: 1, out: '', err: 'fieldkit: No fielding named "nope".' });
    expect(unknownVersion).toMatchObject({ code: 1, out: '' });
    expect(unknownVersion.err).toMatch(
      new RegExp(`^fieldkit: No version "3\\.0\\.0" of ${INSTRUMENT} is loaded \\(loaded: [0-9., ]+\\)\\.$`),
    );
    expect(/\(loaded: (.*)\)/.exec(unknownVersion.err)?.[1]?.split(', ').sort()).toEqual([V1, V2]);
    expect(sameVersion).toEqual({
      code: 1,
      out: '',
      err: `fieldkit: Fielding "pilot" already uses ${INSTRUMENT}@${V1}.`,
    });
    expect(noVersion.code).toBe(2);
    expect(noVersion.err).toMatch(/--version/);
    expect((await ws.run('fielding', 'list')).out).toMatch(`\t${INSTRUMENT}@${V1}\t`);
    expect(versionAudits(ws)).toEqual([]);
  });
});
