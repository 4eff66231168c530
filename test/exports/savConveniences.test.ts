/**
 * What an analyst opening data.sav expects without reading the codebook (issue 28), proved by the
 * readers nobody here wrote: date-times that SPSS shows as date-times and R as POSIXct, the
 * multi-select dummies declared as multiple dichotomy sets, the measurement levels, two decimals on
 * 0/1 variables so their means print, and long labels cut in the stem, never in the item.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savChunks, writeSav } from '../../server/exports/sav.js';
import { type ExportVariable, MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable } from '../factories/exportTable.js';
import { type PsppSection, psppSections, utf8Prefix } from '../support/readBack.js';
import { fieldedPilot } from './pilot.js';

/** 2026-03-02 14:05:09 UTC and 2026-12-31 23:59:59 UTC, in milliseconds as the table holds them. */
const STARTED = Date.UTC(2026, 2, 2, 14, 5, 9);
const NEW_YEARS_EVE = Date.UTC(2026, 11, 31, 23, 59, 59);
const NOT_RECORDED = { code: MISSING.notAnswered.code, label: 'Start not recorded' };
const DUMMY_LABELS = [
  { code: 0, label: 'Not selected' },
  { code: 1, label: 'Selected' },
];
const LEVELS = [1, 2, 3].map((code) => ({ code, label: `Level ${code}` }));
const SERVICES = { name: 'svc', label: 'Which services does the office provide?', kind: 'multi' as const };
const LONG_GROUP_LABEL = `${'Which of the following areas of law does the office practise in, counting every unit '.repeat(4)}?`;
const AREAS = { name: 'practice_areas', label: LONG_GROUP_LABEL, kind: 'multi' as const };
const GRID = { name: 'q7', label: 'How often do you', kind: 'grid' as const };
const ITEM = 'attorneys (FTE)';
const LONG_STEM = 'How many staff, counted in full-time equivalents on the first of the month, '.repeat(6);

function dummy(name: string, group: ExportVariable['group']): ExportVariable {
  return numericVariable(name, { valueLabels: DUMMY_LABELS, missing: [MISSING.notAnswered], group });
}

const VARIABLES: ExportVariable[] = [
  numericVariable('started_at', {
    label: 'Started (UTC)',
    measure: 'scale',
    format: 'datetime',
    missing: [NOT_RECORDED],
  }),
  dummy('svc_civil', SERVICES),
  dummy('svc_criminal', SERVICES),
  dummy('svc_family', SERVICES),
  dummy('practice_areas_housing', AREAS),
  dummy('practice_areas_benefits', AREAS),
  numericVariable('q7_a', { measure: 'ordinal', valueLabels: LEVELS, group: GRID }),
  numericVariable('q7_b', { measure: 'ordinal', valueLabels: LEVELS, group: GRID }),
  numericVariable('consent', { valueLabels: [...DUMMY_LABELS, { code: 2, label: 'Not sure' }] }),
  numericVariable('staff_attorneys', { label: `${LONG_STEM}— ${ITEM}`, item: ITEM, measure: 'scale', decimals: 1 }),
];

const ROWS = [
  [STARTED, 1, 0, 1, 1, 0, 1, 3, 0, 2.5],
  [NOT_RECORDED.code, 0, 0, 1, 1, 1, 2, 2, 1, 12],
  [NEW_YEARS_EVE, 1, 1, 0, 0, 0, 3, 1, 2, 0],
];
const TABLE = exportTable(VARIABLES, ROWS);

/** PSPP's answers to the commands, by table title, with the log of the run. */
type PsppRun = { tables: Map<string, PsppSection>; log: string };

function runPspp(savPath: string, dir: string, commands: string[]): PsppRun {
  const syntax = join(dir, 'read.sps');
  const output = join(dir, 'report.csv');
  writeFileSync(syntax, [`GET FILE='${savPath}'.`, ...commands, ''].join('\n'));
  const run = spawnSync('pspp', ['-O', 'format=csv', '-o', output, syntax], { encoding: 'utf8' });
  if (run.error) throw new Error('GNU PSPP is required: run scripts/install-test-deps.sh');
  const log = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`pspp exited with ${run.status}:\n${log}`);
  return { tables: psppSections(readFileSync(output, 'utf8')), log };
}

/** A PSPP table's rows as objects keyed by its header. */
function rowsOf(section: PsppSection | undefined): Record<string, string>[] {
  if (!section) return [];
  return section.rows.map((row) => Object.fromEntries(section.header.map((h, i) => [h, row[i] ?? ''])));
}

describe('writeSav conveniences read back by GNU PSPP', { timeout: 60_000 }, () => {
  let dir = '';
  let savPath = '';
  let pspp: PsppRun | Error = new Error('beforeAll did not run');
  // Each test fails with the reason (e.g. PSPP missing) rather than being reported as skipped.
  const read = (): PsppRun => {
    if (pspp instanceof Error) throw pspp;
    return pspp;
  };
  const dictionary = () => new Map(rowsOf(read().tables.get('Variables')).map((row) => [row.Name, row]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sav-conveniences-'));
    savPath = join(dir, 'data.sav');
    await writeSav(TABLE, savPath);
    try {
      pspp = runPspp(savPath, dir, [
        'SET TVARS=NAMES.',
        'DISPLAY DICTIONARY.',
        'MRSETS /DISPLAY NAME=ALL.',
        'LIST.',
        'DESCRIPTIVES VARIABLES=svc_civil svc_criminal /STATISTICS=MEAN.',
      ]);
    } catch (error) {
      pspp = error instanceof Error ? error : new Error(String(error));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file without a warning', () => {
    expect(read().log).not.toMatch(/warning|error/i);
  });

  it('declares a date-time DATETIME20 and lists its cells as date-times to the second', () => {
    const startedAt = dictionary().get('started_at');
    expect(startedAt?.['Print Format']).toBe('DATETIME20.0');
    expect(startedAt?.['Write Format']).toBe('DATETIME20.0');
    const listed = rowsOf(read().tables.get('Data List')).map((row) => row.started_at?.trim());
    expect(listed[0]).toBe('02-MAR-2026 14:05:09');
    expect(listed[2]).toBe('31-DEC-2026 23:59:59');
  });

  it('keeps a date-time’s missing code as the code itself, declared user-missing and labelled', () => {
    expect(dictionary().get('started_at')?.['Missing Values']).toBe(String(NOT_RECORDED.code));
    // PSPP cannot show -9 seconds after 1582-10-14 as a date, so its value prints as "."; the footnote marks it user-missing.
    const labels = read()
      .tables.get('Value Labels')
      ?.rows.filter(([name]) => name === 'started_at');
    expect(labels).toEqual([['started_at', '.[a]', NOT_RECORDED.label]]);
    const file = readFileSync(savPath);
    // The second case's first value: -9 itself, not -9 ms moved to 1970 and on to SPSS's epoch.
    const caseBytes = VARIABLES.length * 8;
    expect(file.readDoubleLE(file.length - 2 * caseBytes)).toBe(NOT_RECORDED.code);
  });

  it('declares each multi-select as a multiple dichotomy set counting 1, with its label and members', () => {
    const sets = rowsOf(read().tables.get('Multiple Response Sets')).map((row) => ({
      name: row.Name,
      label: row.Label,
      encoding: row.Encoding,
      counted: row['Counted Value'],
      members: row['Member Variables']?.split('\n'),
    }));
    expect(sets).toEqual([
      {
        name: '$practice_areas',
        label: utf8Prefix(LONG_GROUP_LABEL, 255),
        encoding: 'Dichotomies',
        counted: '1',
        members: ['practice_areas_housing', 'practice_areas_benefits'],
      },
      {
        name: '$svc',
        label: SERVICES.label,
        encoding: 'Dichotomies',
        counted: '1',
        members: ['svc_civil', 'svc_criminal', 'svc_family'],
      },
    ]);
  });

  it('keeps each variable’s measurement level: nominal dummies, ordinal grid rows, scale counts and times', () => {
    const levels = [...dictionary()].map(([name, row]) => [name, row['Measurement Level']]);
    expect(levels).toEqual(VARIABLES.map((v) => [v.name, `${v.measure.charAt(0).toUpperCase()}${v.measure.slice(1)}`]));
  });

  it('gives 0/1 variables two decimals (F8.2) so their means print, others keep their own', () => {
    const formats = Object.fromEntries([...dictionary()].map(([name, row]) => [name, row['Print Format']]));
    expect(formats).toMatchObject({
      svc_civil: 'F8.2',
      svc_family: 'F8.2',
      practice_areas_benefits: 'F8.2',
      q7_a: 'F8.0',
      consent: 'F8.0',
      staff_attorneys: 'F8.1',
    });
    const means = rowsOf(read().tables.get('Descriptive Statistics')).map((row) => [row[''], row.Mean]);
    expect(means.slice(0, 2)).toEqual([
      ['svc_civil', '.67'],
      ['svc_criminal', '.33'],
    ]);
  });

  it('still stores the dummies as 0 and 1', () => {
    const listed = rowsOf(read().tables.get('Data List'));
    expect(listed.map((row) => Number(row.svc_civil))).toEqual([1, 0, 1]);
    expect(listed.map((row) => Number(row.svc_criminal))).toEqual([0, 0, 1]);
  });

  it('cuts a label over 255 bytes in its stem, with an ellipsis, and keeps the item whole', () => {
    const label = dictionary().get('staff_attorneys')?.Label ?? '';
    expect(Buffer.byteLength(`${LONG_STEM}— ${ITEM}`)).toBeGreaterThan(400);
    expect(Buffer.byteLength(label)).toBeLessThanOrEqual(255);
    expect(Buffer.byteLength(label)).toBeGreaterThan(240);
    expect(label.endsWith(`… — ${ITEM}`)).toBe(true);
    expect(LONG_STEM.startsWith(label.slice(0, label.indexOf('…')))).toBe(true);
  });
});

/**
 * How an analyst opens the file: haven's read_sav with its defaults (user-missing codes become NA).
 * Each line: the class of started_at, then each cell as seconds since 1970 or NA.
 */
function readDateTimesWithHaven(savPath: string): string[] {
  const script = [
    `x <- haven::read_sav(${JSON.stringify(savPath)})$started_at`,
    'cat(paste(class(x), collapse = " "), sprintf("%.3f", as.numeric(x)), sep = "\\n")',
  ].join('; ');
  const run = spawnSync('/usr/bin/Rscript', ['-e', script], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`Rscript with haven could not read the file:\n${run.stderr}`);
  return run.stdout.trim().split('\n');
}

describe('writeSav date-times read back by R haven', () => {
  it('reads a DATETIME variable as POSIXct holding the same instants, its missing code as NA', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sav-haven-'));
    try {
      const savPath = join(dir, 'data.sav');
      await writeSav(TABLE, savPath);
      const [classes, ...seconds] = readDateTimesWithHaven(savPath);
      expect(classes).toBe('POSIXct POSIXt');
      expect(seconds).toEqual([(STARTED / 1000).toFixed(3), 'NA', (NEW_YEARS_EVE / 1000).toFixed(3)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the multiple response sets record (subtype 7)', () => {
  /** The text of the subtype 7 extension record, or undefined when the file has none. */
  function mrsetsRecord(variables: ExportVariable[]): string | undefined {
    const file = Buffer.concat([...savChunks(exportTable(variables, [variables.map(() => 1)]))]);
    const at = file.indexOf(Buffer.from([7, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0]));
    if (at < 0) return undefined;
    const count = file.readInt32LE(at + 12);
    return file.toString('utf8', at + 16, at + 16 + count);
  }

  it('names the members by their lower-case short names, as PSPP writes them', () => {
    const areas = ['practice_areas_housing', 'practice_areas_benefits'].map((name) => dummy(name, AREAS));
    const label = utf8Prefix(LONG_GROUP_LABEL, 255);
    expect(mrsetsRecord(areas)).toBe(`$practice_areas=D1 1 ${Buffer.byteLength(label)} ${label} practice practi_1\n`);
  });

  it('writes no record for grids or for a multi-select with a single variable left', () => {
    expect(mrsetsRecord([dummy('q7_a', GRID), dummy('q7_b', GRID), dummy('svc_civil', SERVICES)])).toBeUndefined();
  });

  it('makes set names valid and unique: $ and at most 63 bytes of letters, digits and _', () => {
    const long = { name: `a${'b'.repeat(70)}`, label: 'Long', kind: 'multi' as const };
    const spaced = { name: 'svc 2', label: 'Spaced', kind: 'multi' as const };
    const underscored = { name: 'svc_2', label: 'Underscored', kind: 'multi' as const };
    const variables = [
      dummy('v1', long),
      dummy('v2', long),
      dummy('v3', spaced),
      dummy('v4', spaced),
      dummy('v5', underscored),
      dummy('v6', underscored),
    ];
    const names = (mrsetsRecord(variables) ?? '').split('\n').map((line) => line.split('=')[0]);
    expect(names).toEqual([`$a${'b'.repeat(62)}`, '$svc_2', '$svc_2_1', '']);
  });
});

describe('a real pilot export’s data.sav read back by GNU PSPP', () => {
  it('declares every multi-select as a set of its 0/1 dummies (F8.2) and the start and submission as DATETIME20', {
    timeout: 90_000,
  }, async () => {
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'sav');
    const run = runPspp(join(ws.file('export'), 'data.sav'), ws.dir, [
      'SET TVARS=NAMES.',
      'DISPLAY DICTIONARY.',
      'MRSETS /DISPLAY NAME=ALL.',
    ]);
    expect(run.log).not.toMatch(/warning|error/i);
    const formats = new Map(rowsOf(run.tables.get('Variables')).map((row) => [row.Name, row['Print Format']]));
    expect([formats.get('started_at'), formats.get('submitted_at')]).toEqual(['DATETIME20.0', 'DATETIME20.0']);
    const sets = new Map(
      rowsOf(run.tables.get('Multiple Response Sets')).map((row) => [
        row.Name ?? '',
        row['Member Variables']?.split('\n'),
      ]),
    );
    expect(sets.get('$a7_unit')).toEqual(['a7_unit_1', 'a7_unit_2', 'a7_unit_3', 'a7_unit_4']);
    expect(sets.size).toBeGreaterThan(1);
    for (const [name, members = []] of sets) {
      for (const member of members) {
        expect(member.startsWith(name.slice(1)), `${member} in ${name}`).toBe(true);
        expect(formats.get(member), member).toBe('F8.2');
      }
    }
  });
});
