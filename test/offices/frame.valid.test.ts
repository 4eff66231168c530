import { describe, expect, it } from 'vitest';
import { DEFAULT_STRATA, defaultStratum, MAX_FRAME_ROWS, REQUIRED_COLUMNS } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { importOffices } from './frameImport.js';

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
        contacts: [{ name: 'Contact 1', email: 'jane.doe+survey@adams-county.example.org', title: undefined }],
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
