import { describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { seedFielding } from '../support/app.js';
import { addMember, signIn, staffEnv } from './setup.js';

/** Strata as a frame lists them, smallest offices first: not the order their text sorts in. */
const OFFICES = [
  frameRow(1, { office_id: 'NM-007', office_name: 'Doña Ana County District Attorney', stratum: 'under 100,000' }),
  frameRow(2, { office_id: 'PA-001', office_name: 'Adams County DA', stratum: '100,000–249,999' }),
  frameRow(3, { office_id: 'PA-002', office_name: 'Allegheny County DA', stratum: '1,000,000+' }),
  frameRow(4, { office_id: 'PA-003', office_name: 'Erie County DA', stratum: '250,000–999,999' }),
  frameRow(5, { office_id: 'PA-004', office_name: 'Dona Vista Prosecutor', stratum: 'under 100,000' }),
];

async function fielded() {
  const env = staffEnv();
  seedFielding(env, { name: 'wave1', rows: OFFICES });
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return signIn(env, email);
}

const ids = (body: { cases: { officeId: string }[] }) => body.cases.map((c) => c.officeId);

describe('GET /api/staff/fieldings/:name/cases: strata and office search', () => {
  it('lists the fielding’s strata in the frame’s order, for the console’s stratum list', async () => {
    const staff = await fielded();
    const res = await staff.get('/api/staff/fieldings/wave1/cases').expect(200);
    expect(res.body.strata).toEqual(['under 100,000', '100,000–249,999', '1,000,000+', '250,000–999,999']);
  });

  it('sorts by stratum in the frame’s order, not as text', async () => {
    const staff = await fielded();
    const asc = await staff.get('/api/staff/fieldings/wave1/cases?sort=stratum').expect(200);
    expect(ids(asc.body)).toEqual(['NM-007', 'PA-004', 'PA-001', 'PA-002', 'PA-003']);
    const desc = await staff.get('/api/staff/fieldings/wave1/cases?sort=stratum&order=desc').expect(200);
    // Within a stratum, offices keep their name order.
    expect(ids(desc.body)).toEqual(['PA-003', 'PA-002', 'PA-001', 'NM-007', 'PA-004']);
  });

  it('finds an office typed without its accents, or with accents it does not have, or by its office ID', async () => {
    const staff = await fielded();
    const found = async (q: string) =>
      ids((await staff.get(`/api/staff/fieldings/wave1/cases?q=${encodeURIComponent(q)}`).expect(200)).body);
    expect(await found('dona ana')).toEqual(['NM-007']);
    expect(await found('DOÑA')).toEqual(['NM-007', 'PA-004']);
    expect(await found('nm-007')).toEqual(['NM-007']);
  });

  it('refuses a stratum the fielding does not have, naming the ones it has', async () => {
    const staff = await fielded();
    // A hyphen typed for the frame's en dash.
    const res = await staff.get(`/api/staff/fieldings/wave1/cases?stratum=${encodeURIComponent('100,000-249,999')}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toBe(
      'Fielding wave1 has no stratum "100,000-249,999". Its strata: under 100,000; 100,000–249,999; 1,000,000+; 250,000–999,999.',
    );
    const exact = await staff.get(`/api/staff/fieldings/wave1/cases?stratum=${encodeURIComponent('100,000–249,999')}`);
    expect(ids(exact.body)).toEqual(['PA-001']);
  });
});

/** Offices as a national frame names them: an ID per state, a jurisdiction of one or more counties. */
const ARIZONA = [
  frameRow(1, {
    office_id: 'AZ-014',
    office_name: 'Maricopa County Attorney',
    state: 'AZ',
    jurisdiction: 'Maricopa County',
  }),
  frameRow(2, { office_id: 'AZ-015', office_name: 'Pima County Attorney', state: 'AZ', jurisdiction: 'Pima County' }),
  frameRow(3, {
    office_id: 'NM-003',
    office_name: 'Third Judicial District Attorney',
    state: 'NM',
    jurisdiction: 'Doña Ana County',
  }),
  frameRow(4, {
    office_id: 'GA-101',
    office_name: 'Alcovy Circuit District Attorney',
    state: 'GA',
    jurisdiction: 'Newton County and Walton County',
  }),
];

async function arizona() {
  const env = staffEnv();
  seedFielding(env, { name: 'wave1', rows: ARIZONA });
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return signIn(env, email);
}

describe('GET /api/staff/fieldings/:name/cases: search by office ID and jurisdiction, with the jurisdiction listed', () => {
  const search = async (staff: Awaited<ReturnType<typeof arizona>>, q: string) =>
    ids((await staff.get(`/api/staff/fieldings/wave1/cases?q=${encodeURIComponent(q)}`).expect(200)).body);

  it('finds an office by its office ID, whole or in part, in any case', async () => {
    const staff = await arizona();
    expect(await search(staff, 'AZ-014')).toEqual(['AZ-014']);
    expect(await search(staff, 'az-01')).toEqual(['AZ-014', 'AZ-015']);
  });

  it('finds an office by a county of its jurisdiction that its name does not give, accents ignored', async () => {
    const staff = await arizona();
    expect(await search(staff, 'walton')).toEqual(['GA-101']);
    expect(await search(staff, 'dona ana')).toEqual(['NM-003']);
    expect(await search(staff, 'MARICOPA')).toEqual(['AZ-014']);
  });

  it('takes % and _ as the characters they are, not as wildcards', async () => {
    const staff = await arizona();
    expect(await search(staff, '%')).toEqual([]);
    expect(await search(staff, 'AZ_01')).toEqual([]);
  });

  it('lists each case with its jurisdiction and sorts by it', async () => {
    const staff = await arizona();
    const res = await staff.get('/api/staff/fieldings/wave1/cases?sort=jurisdiction').expect(200);
    expect(res.body.cases.map((c: { officeId: string; jurisdiction: string }) => [c.officeId, c.jurisdiction])).toEqual(
      [
        ['NM-003', 'Doña Ana County'],
        ['AZ-014', 'Maricopa County'],
        ['GA-101', 'Newton County and Walton County'],
        ['AZ-015', 'Pima County'],
      ],
    );
  });
});

describe('GET /api/staff/fieldings/:name/cases: page size and page number', () => {
  async function sixty() {
    const env = staffEnv();
    seedFielding(env, { name: 'wave1', offices: 60 });
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    return signIn(env, email);
  }

  it('answers the page asked for at the page size asked for, the last one short', async () => {
    const staff = await sixty();
    const third = await staff.get('/api/staff/fieldings/wave1/cases?pageSize=25&page=3').expect(200);
    expect(third.body).toMatchObject({ page: 3, pageSize: 25, total: 60 });
    expect(third.body.cases).toHaveLength(10);
    const all = await staff.get('/api/staff/fieldings/wave1/cases?pageSize=100').expect(200);
    expect(all.body.cases).toHaveLength(60);
  });

  it('refuses a page size above 200 or below 1 with the standard 400 naming pageSize', async () => {
    const staff = await sixty();
    for (const size of ['500', '0', 'all']) {
      const res = await staff.get(`/api/staff/fieldings/wave1/cases?pageSize=${size}`);
      expect(res.status, size).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['pageSize']);
    }
  });
});
