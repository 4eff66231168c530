import { describe, expect, it } from 'vitest';
import { type FrameProblem, formatFrameProblem, REQUIRED_COLUMNS } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { COLUMN, frameWithRow, importOffices, importProblems } from './frameImport.js';

/* Problems with the values in a row, and how they are reported. */

describe('parseFrame', () => {
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

    it('treats office ids that differ only in case as different offices', () => {
      expect(
        importOffices(frameCsv([frameRow(1, { office_id: 'ab-1' }), frameRow(2, { office_id: 'AB-1' })])),
      ).toHaveLength(2);
    });

    it('reports every problem in a file, in line order', () => {
      const csv = frameCsv([
        frameRow(1, { contact_email: 'jane@' }),
        frameRow(2, { state: 'XX', population: '12,000' }),
        frameRow(3),
        frameRow(3, { office_name: '', jurisdiction: 'Elsewhere', contact_email: 'second@office3.example.org' }),
        frameRow(5, { contact_email: 'ok@example.org', jurisdiction: '' }),
      ]);
      expect(importProblems(csv).map((p) => formatFrameProblem('offices.csv', p))).toEqual([
        'offices.csv:2:8 (contact_email): "jane@" is not a valid email address',
        'offices.csv:3:3 (state): "XX" is not the postal code of a U.S. state or DC',
        'offices.csv:3:5 (population): "12,000" is not a whole number (digits only: no commas, signs, decimals or exponents)',
        'offices.csv:5:2 (office_name): a value is required',
        'offices.csv:5:4 (jurisdiction): differs from line 4 for office "OFF-3"',
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
