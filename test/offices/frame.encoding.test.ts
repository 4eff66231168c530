import { describe, expect, it } from 'vitest';
import { REQUIRED_COLUMNS } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { COLUMN, importProblems, utf8 } from './frameImport.js';

describe('parseFrame', () => {
  describe('problems', () => {
    describe('encoding', () => {
      it('reports bytes that are not UTF-8 on the line and column that hold them', () => {
        const latin1 = Buffer.from(
          frameCsv([frameRow(1), frameRow(2), frameRow(3, { jurisdiction: 'Doña Ana County' })]),
          'latin1',
        );
        expect(importProblems(latin1)).toEqual([
          {
            line: 4,
            column: 'OFF-3,Office 3,PA,Do'.length + 1,
            message: expect.stringMatching(/not valid UTF-8/),
          },
        ]);
      });

      it('reports every line with bad bytes and the file’s other problems as well', () => {
        const csv = Buffer.concat([
          utf8(frameCsv([frameRow(1), frameRow(2, { contact_email: 'jane@' })])),
          utf8('OFF-3,Office 3,PA,'),
          Buffer.from([0xe2, 0x82, 0x41]),
          utf8(',1,s,n,x@y.example.org\r\n'),
          utf8('OFF-4,Office 4,PA,County,1,s,Zoë,x@y.example.org\r\n'),
          utf8('OFF-5,Office 5,PA,County,1,s,n,'),
          Buffer.from([0xff]),
          utf8('\r\n'),
        ]);
        expect(importProblems(csv)).toEqual([
          {
            line: 3,
            column: COLUMN.contact_email,
            field: 'contact_email',
            message: '"jane@" is not a valid email address',
          },
          {
            line: 4,
            column: 'OFF-3,Office 3,PA,'.length + 1,
            message: expect.stringMatching(/not valid UTF-8/),
          },
          {
            line: 6,
            column: COLUMN.contact_email,
            field: 'contact_email',
            message: '"\uFFFD" is not a valid email address',
          },
          {
            line: 6,
            column: 'OFF-5,Office 5,PA,County,1,s,n,'.length + 1,
            message: expect.stringMatching(/not valid UTF-8/),
          },
        ]);
      });

      it('reports a multi-byte character cut off mid-line or at the end of a line', () => {
        const midLine = 'OFF-1,Office,PA,County,1,s,Ren';
        const endOfLine = 'OFF-2,Office,PA,County,1,s,n,x@y.example.or';
        const csv = Buffer.concat([
          utf8(`${REQUIRED_COLUMNS.join(',')}\n`),
          utf8(midLine),
          Buffer.from([0xc3]),
          utf8(`,x@y.example.org\n${endOfLine}`),
          Buffer.from([0xc3]),
          utf8('\n'),
        ]);
        expect(importProblems(csv)).toEqual([
          {
            line: 2,
            column: midLine.length + 1,
            message: expect.stringMatching(/not valid UTF-8/),
          },
          {
            line: 3,
            column: endOfLine.length + 1,
            message: expect.stringMatching(/not valid UTF-8/),
          },
        ]);
      });

      it('counts lines inside quoted fields when locating bad bytes', () => {
        const csv = Buffer.concat([
          utf8(frameCsv([frameRow(1, { jurisdiction: 'one\r\ntwo\r\nthree' })])),
          utf8('OFF-2,Office 2,PA,County,1,s,'),
          Buffer.from([0xe9]),
          utf8(',x@y.example.org\r\n'),
        ]);
        expect(importProblems(csv)).toMatchObject([{ line: 5, column: 'OFF-2,Office 2,PA,County,1,s,'.length + 1 }]);
      });
    });
  });
});
