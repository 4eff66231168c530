import { describe, expect, it } from 'vitest';
import { MAX_FRAME_ROWS, REQUIRED_COLUMNS } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { COLUMN, importProblems } from './frameImport.js';

/* Problems with the file's shape: header, columns, row lengths, size and CSV syntax. */

describe('parseFrame', () => {
  describe('problems', () => {
    it('reports each missing required column once, at the header, without a problem per row', () => {
      const rows = [frameRow(1), frameRow(2)].map(({ state, contact_email, ...rest }) => rest);
      expect(importProblems(frameCsv(rows))).toEqual([
        {
          line: 1,
          field: 'state',
          message: 'the required column "state" is missing from the header',
        },
        {
          line: 1,
          field: 'contact_email',
          message: 'the required column "contact_email" is missing from the header',
        },
      ]);
    });

    it('still checks the columns that are present when a required column is missing', () => {
      const rows = [frameRow(1), frameRow(2, { population: 'many' })].map(({ stratum, ...rest }) => rest);
      expect(importProblems(frameCsv(rows))).toMatchObject([
        { line: 1, field: 'stratum' },
        { line: 3, column: COLUMN.population, field: 'population' },
      ]);
    });

    it('reports a header name used twice, whatever its case', () => {
      const csv = frameCsv([frameRow(1)]).replace('jurisdiction', 'STATE');
      expect(importProblems(csv)).toEqual([
        {
          line: 1,
          field: 'jurisdiction',
          message: 'the required column "jurisdiction" is missing from the header',
        },
        {
          line: 1,
          column: 4,
          field: 'STATE',
          message: 'the column "STATE" appears more than once (first in column 3)',
        },
      ]);
    });

    it('reports a duplicated extra column too', () => {
      const csv = frameCsv([{ ...frameRow(1), county_fips: '01001', County_FIPS: '01003' }]);
      expect(importProblems(csv)).toEqual([
        {
          line: 1,
          column: 10,
          field: 'County_FIPS',
          message: 'the column "County_FIPS" appears more than once (first in column 9)',
        },
      ]);
    });

    it('reports rows with too few or too many fields and does not check their values', () => {
      const good = frameCsv([frameRow(1)]);
      const csv = `${good}OFF-2,Office 2,XX\r\nOFF-3,Office 3,PA,C,1,s,n,x@y.example.org,extra\r\n`;
      expect(importProblems(csv)).toEqual([
        { line: 3, message: 'the row has 3 fields but the header has 8' },
        { line: 4, message: 'the row has 9 fields but the header has 8' },
      ]);
    });

    it('reports a value under an unnamed column at its cell', () => {
      const csv = frameCsv([
        { ...frameRow(1), '': '' },
        { ...frameRow(2), '': 'stray note' },
      ]);
      expect(importProblems(csv)).toEqual([
        {
          line: 3,
          column: 9,
          message: 'the value "stray note" is in a column that has no name in the header',
        },
      ]);
    });

    it.each([
      ['no bytes at all', ''],
      ['only a byte order mark', '\uFEFF'],
      ['only blank lines and spaces', '\r\n  \r\n\n'],
    ])('reports an empty file when it holds %s', (_, text) => {
      expect(importProblems(text)).toEqual([{ line: 1, message: 'the file is empty' }]);
    });

    it('reports a file with a header but no offices', () => {
      const header = `${REQUIRED_COLUMNS.join(',')}\r\n`;
      expect(importProblems(header)).toEqual([{ line: 1, message: 'the file has a header but no offices' }]);
      expect(importProblems(`${header},,,,,,,\r\n\r\n`)).toEqual([
        { line: 1, message: 'the file has a header but no offices' },
      ]);
    });

    it('rejects a file over the row limit with one problem and checks nothing else', () => {
      const header = REQUIRED_COLUMNS.join(',');
      const row = 'same,,,,,,,';
      const csv = [header, ...Array.from({ length: MAX_FRAME_ROWS + 1 }, () => row)].join('\n');
      expect(importProblems(csv)).toEqual([
        {
          line: MAX_FRAME_ROWS + 2,
          message: 'the file has 100,001 rows; a frame may have at most 100,000 offices',
        },
      ]);
    });

    describe('CSV syntax', () => {
      it('reports an unterminated quoted field where it opened, once', () => {
        const csv =
          frameCsv([frameRow(1)]) +
          'OFF-2,"Office 2,PA,C,1,s,n,x@y.example.org\r\n' +
          'OFF-3,Office 3,PA,C,1,s,n,x@y.example.org\r\n';
        expect(importProblems(csv)).toEqual([
          { line: 3, column: 7, message: expect.stringMatching(/closing quote is missing/) },
        ]);
      });

      it('reports a stray quote without also reporting the row it sits in', () => {
        const csv = `${frameCsv([frameRow(1)])}OFF-2,The "Big" Office,PA,C,1,s,n,x@y\r\n`;
        expect(importProblems(csv)).toEqual([
          { line: 3, column: 11, message: expect.stringMatching(/quote inside an unquoted field/) },
        ]);
      });

      it('numbers problems after a multi-line quoted value by the line they are on', () => {
        const csv = frameCsv([
          frameRow(1, { jurisdiction: 'Adams County,\r\nBrown County\r\nand Clark County' }),
          frameRow(2, { state: 'ZZ' }),
        ]);
        expect(importProblems(csv)).toMatchObject([{ line: 5, column: COLUMN.state, field: 'state' }]);
      });
    });
  });
});
