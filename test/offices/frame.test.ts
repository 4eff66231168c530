import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STRATA,
  defaultStratum,
  type FrameOffice,
  type FrameProblem,
  formatFrameProblem,
  MAX_FRAME_ROWS,
  parseFrame,
  REQUIRED_COLUMNS,
} from '../../server/offices/frame.js';
import { isStateCode, STATE_CODES, STATES, stateFips } from '../../server/offices/states.js';
import { frameCsv, frameRow } from '../factories/frame.js';

// Columns of frameRow, 1-based, as a person counts them in a spreadsheet.
const COLUMN = {
  office_id: 1,
  office_name: 2,
  state: 3,
  jurisdiction: 4,
  population: 5,
  stratum: 6,
  contact_name: 7,
  contact_email: 8,
} as const;

const utf8 = (text: string) => Buffer.from(text, 'utf8');

function importOffices(file: string | Uint8Array): FrameOffice[] {
  const result = parseFrame(typeof file === 'string' ? utf8(file) : file);
  if (!result.ok) throw new Error(`expected a clean import, got ${JSON.stringify(result.problems)}`);
  return result.offices;
}

/** Also checks the all-or-nothing rule: a rejected file carries no offices at all. */
function importProblems(file: string | Uint8Array): FrameProblem[] {
  const result = parseFrame(typeof file === 'string' ? utf8(file) : file);
  if (result.ok) throw new Error(`expected problems, imported ${result.offices.length} offices`);
  expect(result).not.toHaveProperty('offices');
  return result.problems;
}

/** Two good offices around one row with the given overrides, which lands on line 3. */
function frameWithRow(overrides: Record<string, string>): string {
  return frameCsv([frameRow(1), frameRow(2, overrides), frameRow(3)]);
}

describe('parseFrame', () => {
  describe('a valid frame', () => {
    it('imports every office with trimmed values, an integer population and a normalized contact', () => {
      const offices = importOffices(
        frameCsv([
          frameRow(1, {
            office_name: "  Adams County Prosecuting Attorney's Office ",
            state: ' pa ',
            population: ' 103009 ',
            contact_email: ' Jane.Doe+Survey@Adams-County.Example.ORG ',
          }),
          frameRow(2),
        ]),
      );
      expect(offices).toHaveLength(2);
      expect(offices[0]).toEqual({
        office_id: 'OFF-1',
        office_name: "Adams County Prosecuting Attorney's Office",
        state: 'PA',
        jurisdiction: 'County 1',
        population: 103009,
        stratum: 'under 100,000',
        contact_name: 'Contact 1',
        contact_email: 'jane.doe+survey@adams-county.example.org',
        contact_title: undefined,
        address_line1: undefined,
        address_line2: undefined,
        city: undefined,
        zip: undefined,
        phone: undefined,
        attributes: {},
      });
    });

    it('matches header names after trimming and ignoring case, in any column order', () => {
      const csv =
        ' Contact_Email ,STATE,office_id,Office_Name,jurisdiction,population,stratum,contact_name\r\n' +
        'a@b.example.org,NY,N-1,Kings County District Attorney,Kings County,2600747,"1,000,000+",Eric Vale\r\n';
      expect(importOffices(csv)[0]).toMatchObject({
        office_id: 'N-1',
        state: 'NY',
        contact_email: 'a@b.example.org',
        stratum: '1,000,000+',
      });
    });

    it('keeps optional columns when filled and leaves them undefined when empty', () => {
      const offices = importOffices(
        frameCsv([
          frameRow(1, {
            contact_title: 'District Attorney',
            address_line1: '1 Court St',
            address_line2: '',
            city: 'Gettysburg',
            zip: '01325',
            phone: ' (717) 555-0100 ',
          }),
        ]),
      );
      expect(offices[0]).toMatchObject({
        contact_title: 'District Attorney',
        address_line1: '1 Court St',
        address_line2: undefined,
        city: 'Gettysburg',
        zip: '01325',
        phone: '(717) 555-0100',
      });
    });

    it('keeps extra columns as text attributes under their header names', () => {
      const offices = importOffices(
        frameCsv([
          frameRow(1, { county_fips: '01001', 'Judicial Circuit': ' 19th ' }),
          frameRow(2, { county_fips: '', 'Judicial Circuit': '2nd' }),
        ]),
      );
      expect(offices.map((office) => office.attributes)).toEqual([
        { county_fips: '01001', 'Judicial Circuit': '19th' },
        { county_fips: '', 'Judicial Circuit': '2nd' },
      ]);
    });

    it('accepts a byte order mark, LF line endings and blank lines', () => {
      const csv = frameCsv([frameRow(1), frameRow(2)]).replaceAll('\r\n', '\n\n');
      expect(importOffices(`\uFEFF${csv}`).map((office) => office.office_id)).toEqual(['OFF-1', 'OFF-2']);
    });

    it('skips rows with nothing but separators, as spreadsheets leave them at the end', () => {
      const csv = `${frameCsv([frameRow(1)])},,,,,,,\r\n , ,,,,,,\r\n`;
      expect(importOffices(csv)).toHaveLength(1);
    });

    it('ignores an unnamed column as long as it holds no values', () => {
      const csv = frameCsv([{ ...frameRow(1), '': '' }]);
      expect(csv.split('\r\n')[0]?.endsWith(',')).toBe(true);
      expect(importOffices(csv)).toHaveLength(1);
    });

    it('reads quoted values with commas, quotes and line breaks', () => {
      const offices = importOffices(frameCsv([frameRow(1, { jurisdiction: 'Adams, Brown and "Clark"\r\ncounties' })]));
      expect(offices[0]?.jurisdiction).toBe('Adams, Brown and "Clark"\r\ncounties');
    });

    it('accepts the largest allowed frame', { timeout: 20_000 }, () => {
      const header = REQUIRED_COLUMNS.join(',');
      const rows = Array.from(
        { length: MAX_FRAME_ROWS },
        (_, i) => `O${i},Office ${i},TX,County ${i},${i},s,Name ${i},n${i}@x.example.org`,
      );
      expect(importOffices([header, ...rows].join('\n'))).toHaveLength(MAX_FRAME_ROWS);
    });
  });

  describe('problems', () => {
    it('reports a bad email with its line and column and imports nothing', () => {
      const problems = importProblems(frameWithRow({ contact_email: 'jane@' }));
      expect(problems).toEqual([
        {
          line: 3,
          column: COLUMN.contact_email,
          field: 'contact_email',
          message: '"jane@" is not a valid email address',
        },
      ]);
      expect(formatFrameProblem('offices.csv', problems[0] as FrameProblem)).toBe(
        'offices.csv:3:8 (contact_email): "jane@" is not a valid email address',
      );
    });

    it.each([
      'jane@',
      '@example.org',
      'jane@example',
      'jane@example.',
      'jane@.example.org',
      'jane doe@example.org',
      'jane@exa mple.org',
      'jane@@example.org',
      'jane@office@example.org',
      'jane.example.org',
    ])('rejects the email address %j', (email) => {
      expect(importProblems(frameWithRow({ contact_email: email }))).toMatchObject([
        { line: 3, field: 'contact_email', message: `"${email}" is not a valid email address` },
      ]);
    });

    it.each(['XX', 'PR', 'GU', 'Penn', 'P A'])('rejects %j as a state', (state) => {
      expect(importProblems(frameWithRow({ state }))).toMatchObject([
        {
          line: 3,
          column: COLUMN.state,
          field: 'state',
          message: expect.stringMatching(/is not the postal code of a U\.S\. state or DC/),
        },
      ]);
    });

    it.each(['12,000', '1e5', '-3', '+3', '12.5', 'abc', '12 000', '0x10'])(
      'rejects %j as a population',
      (population) => {
        expect(importProblems(frameWithRow({ population }))).toEqual([
          {
            line: 3,
            column: COLUMN.population,
            field: 'population',
            message: expect.stringContaining(`"${population}" is not a whole number`),
          },
        ]);
      },
    );

    it('accepts a population of zero and one padded with spaces', () => {
      const offices = importOffices(
        frameCsv([frameRow(1, { population: '0' }), frameRow(2, { population: ' 12000 ' })]),
      );
      expect(offices.map((office) => office.population)).toEqual([0, 12000]);
    });

    it('rejects a population too large to count exactly', () => {
      expect(importProblems(frameWithRow({ population: '99999999999999999999' }))).toMatchObject([
        { line: 3, field: 'population', message: 'the population is too large' },
      ]);
    });

    it.each(REQUIRED_COLUMNS)('reports an empty %s on its line and column', (column) => {
      expect(importProblems(frameWithRow({ [column]: '   ' }))).toEqual([
        { line: 3, column: COLUMN[column], field: column, message: 'a value is required' },
      ]);
    });

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

    it('reports a duplicate office_id on the later line and names the first', () => {
      const csv = frameCsv([
        frameRow(1),
        frameRow(2, { office_id: 'OFF-1' }),
        frameRow(3),
        frameRow(4, { office_id: ' OFF-1 ' }),
      ]);
      expect(importProblems(csv)).toEqual([
        {
          line: 3,
          column: COLUMN.office_id,
          field: 'office_id',
          message: 'office_id "OFF-1" is already used on line 2',
        },
        {
          line: 5,
          column: COLUMN.office_id,
          field: 'office_id',
          message: 'office_id "OFF-1" is already used on line 2',
        },
      ]);
    });

    it('treats office ids that differ only in case as different offices', () => {
      expect(
        importOffices(frameCsv([frameRow(1, { office_id: 'ab-1' }), frameRow(2, { office_id: 'AB-1' })])),
      ).toHaveLength(2);
    });

    it('reports a duplicate office_id even when the later row has other problems', () => {
      const csv = frameCsv([frameRow(1), frameRow(2, { office_id: 'OFF-1', state: 'ZZ' })]);
      expect(importProblems(csv).map((p) => [p.line, p.field])).toEqual([
        [3, 'office_id'],
        [3, 'state'],
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

    it('reports every problem in a file, in line order', () => {
      const csv = frameCsv([
        frameRow(1, { contact_email: 'jane@' }),
        frameRow(2, { state: 'XX', population: '12,000' }),
        frameRow(3),
        frameRow(4, { office_id: 'OFF-3', office_name: '' }),
        frameRow(5, { contact_email: 'ok@example.org', jurisdiction: '' }),
      ]);
      expect(importProblems(csv).map((p) => formatFrameProblem('offices.csv', p))).toEqual([
        'offices.csv:2:8 (contact_email): "jane@" is not a valid email address',
        'offices.csv:3:3 (state): "XX" is not the postal code of a U.S. state or DC',
        'offices.csv:3:5 (population): "12,000" is not a whole number (digits only: no commas, signs, decimals or exponents)',
        'offices.csv:5:1 (office_id): office_id "OFF-3" is already used on line 4',
        'offices.csv:5:2 (office_name): a value is required',
        'offices.csv:6:4 (jurisdiction): a value is required',
      ]);
    });

    it('shortens a very long value in a message', () => {
      const [problem] = importProblems(frameWithRow({ state: 'X'.repeat(500) }));
      expect(problem?.message).toBe(`"${'X'.repeat(57)}..." is not the postal code of a U.S. state or DC`);
    });
  });
});

describe('formatFrameProblem', () => {
  it('writes file:line:column (field): message like a compiler', () => {
    expect(
      formatFrameProblem('offices.csv', {
        line: 14,
        column: 8,
        field: 'contact_email',
        message: '"jane@" is not a valid email address',
      }),
    ).toBe('offices.csv:14:8 (contact_email): "jane@" is not a valid email address');
  });

  it('leaves out the column and field when a problem has none', () => {
    expect(formatFrameProblem('f.csv', { line: 1, message: 'the file is empty' })).toBe('f.csv:1: the file is empty');
    expect(formatFrameProblem('f.csv', { line: 1, field: 'state', message: 'missing' })).toBe(
      'f.csv:1 (state): missing',
    );
  });
});

describe('defaultStratum', () => {
  it.each([
    [0, 'under 100,000'],
    [99_999, 'under 100,000'],
    [100_000, '100,000–249,999'],
    [249_999, '100,000–249,999'],
    [250_000, '250,000–999,999'],
    [999_999, '250,000–999,999'],
    [1_000_000, '1,000,000+'],
    [10_105_518, '1,000,000+'],
  ])('puts a population of %i in the band %s', (population, stratum) => {
    expect(defaultStratum(population)).toBe(stratum);
  });

  it('lists the bands largest first', () => {
    expect(DEFAULT_STRATA).toEqual(['1,000,000+', '250,000–999,999', '100,000–249,999', 'under 100,000']);
  });
});

describe('states', () => {
  it('has the 50 states and DC, each with a distinct FIPS code', () => {
    expect(STATE_CODES).toHaveLength(51);
    expect(new Set(STATE_CODES.map(stateFips)).size).toBe(51);
    expect(STATE_CODES).toContain('DC');
  });

  it('gives FIPS codes, names and Census regions', () => {
    expect(STATES.PA).toEqual({ fips: 42, name: 'Pennsylvania', region: 'Northeast' });
    expect(STATES.DC).toEqual({ fips: 11, name: 'District of Columbia', region: 'South' });
    expect(stateFips('AL')).toBe(1);
    expect(stateFips('WY')).toBe(56);
  });

  it('puts 9 states in the Northeast, 12 in the Midwest, 17 (with DC) in the South and 13 in the West', () => {
    const count = (region: string) => STATE_CODES.filter((code) => STATES[code].region === region).length;
    expect([count('Northeast'), count('Midwest'), count('South'), count('West')]).toEqual([9, 12, 17, 13]);
  });

  it('recognizes only upper-case codes of the 50 states and DC', () => {
    expect(isStateCode('TX')).toBe(true);
    expect(isStateCode('tx')).toBe(false);
    expect(isStateCode('PR')).toBe(false);
    expect(isStateCode('toString')).toBe(false);
  });
});
