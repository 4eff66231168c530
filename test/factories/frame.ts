import { readFileSync } from 'node:fs';
import { defaultStratum, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from '../../server/offices/frame.js';
import { parseCsv, toCsv } from '../../server/platform/csv.js';
import { mulberry32 } from './random.js';

/**
 * Synthetic sampling frames for tests, demos and benchmarks. Offices are built from the real county
 * list so that states, populations and strata look like the study's; every person, address, phone
 * number and email is fictional (555-01xx numbers and example.org addresses are reserved for that).
 */

type County = { fips: string; state: string; name: string; population: number };
type OfficePlan = { state: string; number: number; counties: County[]; district?: number };

/**
 * Counties this small often share a prosecutor. Grouping them three at a time within a state brings
 * the 3,142 counties down to about the 2,300 offices the study expects.
 */
const SMALL_COUNTY_POPULATION = 20_000;
const COUNTIES_PER_DISTRICT = 3;

// Titles vary by state; these make names look familiar, they do not claim to be exact.
const TITLE_BY_STATE: Record<string, string> = {
  AL: 'District Attorney',
  CA: 'District Attorney',
  GA: 'District Attorney',
  LA: 'District Attorney',
  MA: 'District Attorney',
  NY: 'District Attorney',
  NC: 'District Attorney',
  OR: 'District Attorney',
  PA: 'District Attorney',
  TN: 'District Attorney',
  TX: 'District Attorney',
  WI: 'District Attorney',
  CT: "State's Attorney",
  FL: "State's Attorney",
  IL: "State's Attorney",
  MD: "State's Attorney",
  ND: "State's Attorney",
  VT: "State's Attorney",
  KY: "Commonwealth's Attorney",
  VA: "Commonwealth's Attorney",
  AZ: 'County Attorney',
  IA: 'County Attorney',
  KS: 'County Attorney',
  MN: 'County Attorney',
  MT: 'County Attorney',
  NE: 'County Attorney',
  UT: 'County Attorney',
  NJ: 'Prosecutor',
  SC: 'Solicitor',
  DC: 'Attorney General',
};
const DEFAULT_TITLE = 'Prosecuting Attorney';
const DISTRICT_TITLE = 'District Attorney';

// Split from one string so the lists stay short to read; O'Connor and Núñez test the email slugs.
const FIRST_NAMES = (
  'Alex Amara Andrea Benjamin Carmen Chloe Daniel Deborah Elena Emmett Farah Gabriel Grace Hannah ' +
  'Isaac Jamal Jordan José Katherine Leah Marcus Maya Nathan Olivia Priya Quentin Rosa Samuel Tara Wei'
).split(' ');
const LAST_NAMES = (
  'Abbott Alvarez Bennett Brooks Castillo Chen Dawson Ellis Fischer Garrison Hale Iverson Jensen ' +
  "Kowalski Lindqvist Marsh Nakamura Núñez O'Connor Okafor Patel Quinlan Ramsey Sorensen Thornton " +
  'Underwood Vance Whitfield Yates Zimmerman'
).split(' ');
const STREETS = [
  'Main Street',
  'Court Street',
  'Courthouse Square',
  'Justice Way',
  'Market Street',
  'Center Avenue',
  'Liberty Street',
  'Government Plaza',
] as const;

/** Every column the frame format knows, plus one extra column to show attributes. */
const COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, 'county_fips'] as const;

export function generateFrame(options: { seed: number; offices?: number }): string {
  const { seed, offices } = options;
  if (offices !== undefined && !(Number.isInteger(offices) && offices >= 0)) {
    throw new RangeError(`offices must be a whole number, got ${offices}`);
  }
  const random = mulberry32(seed);
  // Every office draws its people in turn, so a shorter frame is a prefix of the full one.
  const rows = planOffices(loadCounties()).map((plan) => officeRow(plan, random));
  return toCsv([[...COLUMNS], ...rows.slice(0, offices).map((row) => COLUMNS.map((c) => row[c]))]);
}

/** A hand-made frame: the header is every key in the order first seen, missing cells are empty. */
export function frameCsv(rows: Record<string, string>[]): string {
  const header = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return toCsv([header, ...rows.map((row) => header.map((name) => row[name] ?? ''))]);
}

/** One valid row with the required columns, numbered so that ids and emails stay unique. */
export function frameRow(number: number, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    office_id: `OFF-${number}`,
    office_name: `Office ${number}`,
    state: 'PA',
    jurisdiction: `County ${number}`,
    population: String(10_000 * number),
    stratum: 'under 100,000',
    contact_name: `Contact ${number}`,
    contact_email: `contact${number}@office${number}.example.org`,
    ...overrides,
  };
}

let countyCache: readonly County[] | undefined;

function loadCounties(): readonly County[] {
  if (countyCache !== undefined) return countyCache;
  const text = readFileSync(new URL('../fixtures/us-counties-2018.csv', import.meta.url), 'utf8');
  const [header, ...records] = parseCsv(text).records;
  const position = (name: string) => {
    const index = header?.fields.indexOf(name) ?? -1;
    if (index < 0) throw new Error(`us-counties-2018.csv has no ${name} column`);
    return index;
  };
  const fips = position('county_fips');
  const state = position('state');
  const name = position('county_name');
  const population = position('population_2018');
  countyCache = Object.freeze(
    records.map(({ fields }) => ({
      fips: fields[fips] ?? '',
      state: fields[state] ?? '',
      name: fields[name] ?? '',
      population: Number(fields[population]),
    })),
  );
  return countyCache;
}

function planOffices(counties: readonly County[]): OfficePlan[] {
  const plans: OfficePlan[] = [];
  const openGroupByState = new Map<string, OfficePlan>();
  const officesByState = new Map<string, number>();
  const addOffice = (county: County): OfficePlan => {
    const number = (officesByState.get(county.state) ?? 0) + 1;
    officesByState.set(county.state, number);
    const plan: OfficePlan = { state: county.state, number, counties: [county] };
    plans.push(plan);
    return plan;
  };
  for (const county of counties) {
    if (county.population >= SMALL_COUNTY_POPULATION) {
      addOffice(county);
      continue;
    }
    const open = openGroupByState.get(county.state);
    if (open !== undefined && open.counties.length < COUNTIES_PER_DISTRICT) open.counties.push(county);
    else openGroupByState.set(county.state, addOffice(county));
  }
  const districtsByState = new Map<string, number>();
  for (const plan of plans) {
    if (plan.counties.length < 2) continue;
    const district = (districtsByState.get(plan.state) ?? 0) + 1;
    districtsByState.set(plan.state, district);
    plan.district = district;
  }
  return plans;
}

function officeRow(plan: OfficePlan, random: () => number): Record<(typeof COLUMNS)[number], string> {
  const [first] = plan.counties;
  if (first === undefined) throw new Error('an office needs at least one county');
  const population = plan.counties.reduce((sum, county) => sum + county.population, 0);
  const title = plan.district === undefined ? (TITLE_BY_STATE[plan.state] ?? DEFAULT_TITLE) : DISTRICT_TITLE;
  const place = plan.district === undefined ? displayName(first.name) : `${ordinal(plan.district)} Judicial District`;
  const givenName = pick(FIRST_NAMES, random);
  const familyName = pick(LAST_NAMES, random);
  const domain = `${slug(place)}-${plan.state.toLowerCase()}.example.org`;
  return {
    office_id: `${plan.state}-${String(plan.number).padStart(3, '0')}`,
    office_name: plan.district === undefined ? `${place} ${title}'s Office` : `${place} Attorney's Office`,
    state: plan.state,
    jurisdiction: listOf(plan.counties.map((county) => displayName(county.name))),
    population: String(population),
    stratum: defaultStratum(population),
    contact_name: `${givenName} ${familyName}`,
    contact_title: title,
    contact_email: `${slug(givenName, '')}.${slug(familyName, '')}@${domain}`,
    phone: `(${200 + Math.floor(random() * 790)}) 555-01${String(Math.floor(random() * 100)).padStart(2, '0')}`,
    address_line1: `${10 + Math.floor(random() * 990)} ${pick(STREETS, random)}`,
    address_line2: random() < 0.3 ? `Suite ${100 + Math.floor(random() * 400)}` : '',
    city: placeName(first.name),
    zip: String(Math.floor(random() * 100_000)).padStart(5, '0'),
    county_fips: first.fips,
  };
}

/** The Census list writes Virginia's independent cities as "Alexandria city". */
function displayName(countyName: string): string {
  return countyName.replace(/ city$/, ' City');
}

function placeName(countyName: string): string {
  return countyName.replace(/ (County|Parish|Borough|Census Area|City and Borough|Municipality|city)$/, '');
}

function listOf(names: string[]): string {
  if (names.length < 2) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const ORDINAL_SUFFIXES: Record<number, string> = { 1: 'st', 2: 'nd', 3: 'rd' };

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${ORDINAL_SUFFIXES[n % 10] ?? 'th'}`;
}

function slug(text: string, separator = '-'): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, separator)
    .replace(/^-+|-+$/g, '');
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('cannot pick from an empty list');
  return item;
}
