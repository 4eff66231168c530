import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultStratum, type FrameOffice, parseFrame } from '../../server/offices/frame.js';
import { STATE_CODES } from '../../server/offices/states.js';
import { parseCsv } from '../../server/platform/csv.js';
import { frameCsv, frameRow, generateFrame } from './frame.js';

function importFrame(csv: string): FrameOffice[] {
  const result = parseFrame(Buffer.from(csv, 'utf8'));
  if (!result.ok) throw new Error(`generated frame has problems: ${JSON.stringify(result.problems.slice(0, 5))}`);
  return result.offices;
}

describe('generateFrame', () => {
  const offices = importFrame(generateFrame({ seed: 1 }));

  it('makes a frame that imports cleanly with about 2,300 offices', () => {
    expect(offices.length).toBeGreaterThanOrEqual(2_200);
    expect(offices.length).toBeLessThanOrEqual(2_400);
  });

  it('covers all 50 states and DC', () => {
    expect(new Set(offices.map((office) => office.state))).toEqual(new Set(STATE_CODES));
  });

  it('gives every office a unique office_id and a fictional example.org email', () => {
    expect(new Set(offices.map((office) => office.office_id)).size).toBe(offices.length);
    expect(new Set(offices.map((office) => office.contact_email)).size).toBe(offices.length);
    for (const office of offices) {
      expect(office.contact_email).toMatch(/^[a-z]+\.[a-z]+@[a-z0-9-]+\.example\.org$/);
    }
  });

  it('uses only fictional 555-01xx phone numbers', () => {
    for (const office of offices) expect(office.phone).toMatch(/^\(\d{3}\) 555-01\d\d$/);
  });

  it('serves every county once, so office populations add up to the counties’ total', () => {
    const fixture = readFileSync(new URL('../fixtures/us-counties-2018.csv', import.meta.url), 'utf8');
    const [header, ...counties] = parseCsv(fixture).records;
    const population = header?.fields.indexOf('population_2018') ?? -1;
    const countyTotal = counties.reduce((sum, county) => sum + Number(county.fields[population]), 0);
    expect(countyTotal).toBeGreaterThan(300_000_000);
    expect(offices.reduce((sum, office) => sum + office.population, 0)).toBe(countyTotal);
  });

  it('groups small counties of one state into numbered multi-county judicial districts', () => {
    const districts = offices.filter((office) => office.office_name.includes('Judicial District'));
    expect(districts.length).toBeGreaterThan(300);
    const first = districts[0];
    expect(first).toMatchObject({
      office_name: "1st Judicial District Attorney's Office",
      jurisdiction: expect.stringMatching(/^\w[\w .]* County, \w[\w .]* County and \w[\w .]* County$/),
    });
    for (const district of districts) expect(district.jurisdiction).toMatch(/ and /);
  });

  it('names single-county offices after their county and sets the stratum from the population', () => {
    expect(offices[0]).toMatchObject({
      office_id: 'AL-001',
      office_name: "Autauga County District Attorney's Office",
      state: 'AL',
      jurisdiction: 'Autauga County',
      population: 55_533,
      attributes: { county_fips: '01001' },
    });
    for (const office of offices) expect(office.stratum).toBe(defaultStratum(office.population));
    expect(new Set(offices.map((office) => office.stratum)).size).toBe(4);
  });

  it('keeps non-ASCII county names and turns them into plain email domains', () => {
    const donaAna = offices.find((office) => office.jurisdiction === 'Doña Ana County');
    expect(donaAna?.contact_email).toMatch(/@dona-ana-county-nm\.example\.org$/);
  });

  it('produces the same CSV for the same seed', () => {
    expect(generateFrame({ seed: 42 })).toBe(generateFrame({ seed: 42 }));
  });

  it('produces different contact names for a different seed, over the same offices', () => {
    const other = importFrame(generateFrame({ seed: 2 }));
    expect(other.map((office) => office.office_id)).toEqual(offices.map((office) => office.office_id));
    const sameName = other.filter((office, i) => office.contact_name === offices[i]?.contact_name);
    expect(sameName.length).toBeLessThan(offices.length / 10);
  });

  it('takes the first n offices when asked for a small frame, matching the full frame', () => {
    const small = importFrame(generateFrame({ seed: 1, offices: 5 }));
    expect(small).toEqual(offices.slice(0, 5));
  });

  it('rejects a count of offices that is not a whole number', () => {
    expect(() => generateFrame({ seed: 1, offices: -1 })).toThrow(RangeError);
    expect(() => generateFrame({ seed: 1, offices: 2.5 })).toThrow(RangeError);
  });
});

describe('frameCsv', () => {
  it('writes a header of every key in first-seen order and leaves missing cells empty', () => {
    expect(
      frameCsv([
        { a: '1', b: 'x, y' },
        { c: '3', a: '2' },
      ]),
    ).toBe('a,b,c\r\n1,"x, y",\r\n2,,3\r\n');
  });

  it('builds tiny frames that import cleanly from frameRow', () => {
    const offices = importFrame(frameCsv([frameRow(1), frameRow(2, { state: 'DC' })]));
    expect(offices.map((office) => [office.office_id, office.state])).toEqual([
      ['OFF-1', 'PA'],
      ['OFF-2', 'DC'],
    ]);
  });
});
