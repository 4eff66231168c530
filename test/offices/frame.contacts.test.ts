import { describe, expect, it } from 'vitest';
import { formatFrameProblem } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { COLUMN, importOffices, importProblems } from './frameImport.js';

/** A further contact of office `number`: the office's own columns, another person. */
const secondContact = (number: number, name: string, overrides: Record<string, string> = {}) =>
  frameRow(number, {
    contact_name: name,
    contact_email: `${name.toLowerCase()}@office${number}.example.org`,
    ...overrides,
  });

describe('parseFrame: several contacts per office', () => {
  it('adds the contact of a repeated office_id row whose office columns agree, the first row staying primary', () => {
    const offices = importOffices(
      frameCsv([
        { ...frameRow(1), contact_title: 'District Attorney' },
        frameRow(2),
        { ...secondContact(1, 'Deputy', { state: 'pa' }), contact_title: 'First Assistant' },
        secondContact(1, 'Clerk'),
      ]),
    );
    expect(offices.map((office) => office.office_id)).toEqual(['OFF-1', 'OFF-2']);
    expect(offices[0]).toMatchObject({ contact_name: 'Contact 1', contact_email: 'contact1@office1.example.org' });
    expect(offices[0]?.contacts).toEqual([
      { name: 'Contact 1', email: 'contact1@office1.example.org', title: 'District Attorney' },
      { name: 'Deputy', email: 'deputy@office1.example.org', title: 'First Assistant' },
      { name: 'Clerk', email: 'clerk@office1.example.org', title: undefined },
    ]);
    expect(offices[1]?.contacts).toEqual([
      { name: 'Contact 2', email: 'contact2@office2.example.org', title: undefined },
    ]);
  });

  it('reports every office column of a repeated office_id that differs, naming both lines, and imports nothing', () => {
    const csv = frameCsv([
      frameRow(1),
      frameRow(2),
      secondContact(1, 'Deputy', { office_name: 'Office One', population: '10001' }),
    ]);
    expect(importProblems(csv).map((p) => formatFrameProblem('frame.csv', p))).toEqual([
      'frame.csv:4:2 (office_name): differs from line 2 for office "OFF-1"',
      'frame.csv:4:5 (population): differs from line 2 for office "OFF-1"',
    ]);
  });

  it('compares extra columns too, since they are stored with the office', () => {
    const csv = frameCsv([
      { ...frameRow(1), county_fips: '42001' },
      { ...secondContact(1, 'Deputy'), county_fips: '42003' },
    ]);
    expect(importProblems(csv)).toEqual([
      { line: 3, column: 9, field: 'county_fips', message: 'differs from line 2 for office "OFF-1"' },
    ]);
  });

  it('names the first row of the office, not the latest, when a third row differs', () => {
    const csv = frameCsv([frameRow(1), secondContact(1, 'Deputy'), secondContact(1, 'Clerk', { stratum: 'big' })]);
    expect(importProblems(csv)).toEqual([
      { line: 4, column: 6, field: 'stratum', message: 'differs from line 2 for office "OFF-1"' },
    ]);
  });

  it('reports the same email twice for one office, in any letter case, and imports nothing', () => {
    const csv = frameCsv([
      frameRow(1),
      secondContact(1, 'Deputy'),
      secondContact(1, 'Again', { contact_email: 'Contact1@Office1.example.org' }),
    ]);
    expect(importProblems(csv)).toEqual([
      {
        line: 4,
        column: COLUMN.contact_email,
        field: 'contact_email',
        message: 'the contact "contact1@office1.example.org" is already on line 2 for office "OFF-1"',
      },
    ]);
  });

  it('allows the same email at two different offices', () => {
    const shared = { contact_email: 'shared@county.example.org' };
    expect(importOffices(frameCsv([frameRow(1, shared), frameRow(2, shared)]))).toHaveLength(2);
  });

  it('reports an invalid value once, not also as a difference, when a repeated row has it', () => {
    const csv = frameCsv([frameRow(1), secondContact(1, 'Deputy', { state: 'ZZ' })]);
    expect(importProblems(csv)).toEqual([
      {
        line: 3,
        column: COLUMN.state,
        field: 'state',
        message: '"ZZ" is not the postal code of a U.S. state or DC',
      },
    ]);
  });
});
