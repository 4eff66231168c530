import { afterAll, describe, expect, it } from 'vitest';
import {
  canManageSites,
  canStartRecords,
  DETAIL_PAGES,
  dashboardPath,
  detailPageFor,
  PAGES,
  pagesFor,
} from '../../client/console/pages.js';
import { createTestEnv, staffRoutesOf } from '../support/app.js';

const listing = createTestEnv();
afterAll(() => listing.close());
const STAFF_ROUTES = staffRoutesOf(listing.app);

const routeOf = (api: string) => STAFF_ROUTES.find((r) => `${r.method} ${r.path}` === api);

describe('staff console navigation', () => {
  it.each([...PAGES, ...DETAIL_PAGES].map((page) => [page.api, page] as const))(
    'offers the page on %s to exactly the roles its API route allows',
    (_api, page) => {
      const route = routeOf(page.api);
      expect(route, `${page.api} is a declared staff route`).toBeDefined();
      expect([...page.roles].sort()).toEqual([...(route?.roles ?? [])].sort());
    },
  );

  it('shows an admin every page, fieldwork and analysts their own, an interviewer records, sites and tokens', () => {
    expect(pagesFor('admin').map((p) => p.title)).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'Exports',
      'Staff',
      'Audit log',
      'API tokens',
    ]);
    expect(pagesFor('fieldwork').map((p) => p.title)).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'API tokens',
    ]);
    expect(pagesFor('analyst').map((p) => p.title)).toEqual([
      'Fieldings',
      'Instruments',
      'Records',
      'Sites',
      'Exports',
      'API tokens',
    ]);
    // An interviewer lands on the records of their sites.
    expect(pagesFor('interviewer').map((p) => p.title)).toEqual(['Records', 'Sites', 'API tokens']);
  });

  it('offers site changes and starting a record to exactly the roles of their routes (analysts only read)', () => {
    const roles = ['admin', 'fieldwork', 'analyst', 'interviewer'] as const;
    expect(roles.filter(canManageSites)).toEqual([...(routeOf('post /api/staff/sites')?.roles ?? [])].sort());
    expect(roles.filter(canStartRecords)).toEqual(
      roles.filter((role) => routeOf('post /api/staff/records')?.roles.includes(role)),
    );
    expect(roles.filter(canStartRecords)).not.toContain('analyst');
  });

  it('opens a record for every role (the server answers 404 for a record of a site the interviewer is not at)', () => {
    for (const role of ['admin', 'fieldwork', 'analyst', 'interviewer'] as const) {
      expect(detailPageFor('/records/7', role)).toEqual({ kind: 'record', param: '7' });
    }
    expect(detailPageFor('/records/x', 'admin')).toBeUndefined();
  });

  it('opens a fielding’s cases for study staff and a case only for those who may see contacts', () => {
    expect(detailPageFor('/fieldings/wave%201/cases', 'analyst')).toEqual({ kind: 'cases', param: 'wave 1' });
    expect(detailPageFor('/fieldings/wave1/cases', 'interviewer')).toBeUndefined();
    expect(detailPageFor('/cases/12', 'fieldwork')).toEqual({ kind: 'case', param: '12' });
    expect(detailPageFor('/cases/12', 'analyst')).toBeUndefined();
    expect(detailPageFor('/cases/x', 'admin')).toBeUndefined();
    expect(detailPageFor('/fieldings/%E0%A4%A/cases', 'admin')).toBeUndefined();
  });

  it('opens a fielding’s dashboard for study staff, never for an interviewer', () => {
    expect(detailPageFor('/fieldings/wave%201/dashboard', 'analyst')).toEqual({ kind: 'dashboard', param: 'wave 1' });
    expect(detailPageFor('/fieldings/wave1/dashboard', 'fieldwork')).toEqual({ kind: 'dashboard', param: 'wave1' });
    expect(detailPageFor('/fieldings/wave1/dashboard', 'interviewer')).toBeUndefined();
    expect(detailPageFor(dashboardPath('a/b'), 'admin')).toEqual({ kind: 'dashboard', param: 'a/b' });
  });

  it('opens a fielding’s email page for those who run the fieldwork only', () => {
    expect(detailPageFor('/fieldings/wave%201/email', 'fieldwork')).toEqual({ kind: 'email', param: 'wave 1' });
    expect(detailPageFor('/fieldings/wave1/email', 'admin')).toEqual({ kind: 'email', param: 'wave1' });
    expect(detailPageFor('/fieldings/wave1/email', 'analyst')).toBeUndefined();
  });
});
