import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dtaChunks } from '../../server/exports/dta.js';
import { publicUseTable } from '../../server/exports/publicUse.js';
import { savChunks } from '../../server/exports/sav.js';
import { MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';

const RSCRIPT = '/usr/bin/Rscript';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Seven offices; the one in the West serves a rare kind of area, tagged as a quasi-identifier. */
function casesWithRareArea() {
  const jurtype = numericVariable('a4_jurtype', {
    valueLabels: [
      { code: 1, label: 'Urban' },
      { code: 2, label: 'Rural' },
      { code: 3, label: 'Tribal' },
    ],
    missing: [MISSING.notAnswered],
  });
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ['PA', 'under 100,000', Date.parse(`2027-03-0${i + 1}T10:00:00.000Z`), 1]),
    ['PA', 'under 100,000', Date.parse('2027-03-09T23:59:00.000Z'), 3],
  ];
  // submitted_at as the export has it: a date-time (milliseconds), which the public file makes a date.
  const submitted = numericVariable('submitted_at', { format: 'datetime', missing: [MISSING.notAnswered] });
  const table = exportTable([stringVariable('state'), stringVariable('stratum'), submitted, jurtype], rows);
  return publicUseTable(table, {
    includeFreeText: false,
    k: 3,
    disclosure: new Map([['a4_jurtype', { identifier: 'quasi', treatment: 'none' }]]),
  });
}

describe('a suppressed numeric quasi-identifier in SPSS and Stata', () => {
  it('is -5, declared missing with its label, read back by R haven as user-missing (.sav) and as .c (.dta)', () => {
    if (!existsSync(RSCRIPT)) throw new Error(`${RSCRIPT} is missing: run scripts/install-test-deps.sh`);
    const { table, changes } = casesWithRareArea();
    dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-public-'));
    writeFileSync(path.join(dir, 'data.sav'), Buffer.concat([...savChunks(table)]));
    writeFileSync(path.join(dir, 'data.dta'), Buffer.concat([...dtaChunks(table)]));
    const program = [
      'suppressMessages(library(haven))',
      `s <- read_sav(${JSON.stringify(path.join(dir, 'data.sav'))}, user_na = TRUE)`,
      `d <- read_dta(${JSON.stringify(path.join(dir, 'data.dta'))})`,
      'x <- s$a4_jurtype',
      'cat(paste(as.numeric(x), collapse = ","), "\\n")',
      'cat(paste(is.na(x), collapse = ","), "\\n")',
      'cat(names(attr(x, "labels"))[attr(x, "labels") == -5], "\\n")',
      'cat(paste(ifelse(is.na(na_tag(d$a4_jurtype)), "", na_tag(d$a4_jurtype)), collapse = ","), "\\n")',
      'cat(paste(d$submitted_at, collapse = ","), "\\n")',
    ].join('\n');

    const lines = execFileSync(RSCRIPT, ['-e', program], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } })
      .split('\n')
      .map((l) => l.trim());

    // The lone tribal office cannot stand out; the six urban ones keep their answer.
    expect(lines[0]).toBe('1,1,1,1,-5,-5,-5');
    expect(lines[1]).toBe('FALSE,FALSE,FALSE,FALSE,TRUE,TRUE,TRUE');
    expect(lines[2]).toBe('Suppressed for confidentiality (public-use file)');
    expect(lines[3]).toBe(',,,,c,c,c');
    expect(lines[4]).toBe('2027-03-01,2027-03-02,2027-03-03,2027-03-04,2027-03-05,2027-03-06,2027-03-09');
    expect(changes).toEqual(
      expect.arrayContaining([
        { variable: 'submitted_at', change: 'exact time replaced by its date', rows: 7 },
        { variable: 'a4_jurtype', change: 'suppressed to -5', rows: 3 },
      ]),
    );
  });
});
