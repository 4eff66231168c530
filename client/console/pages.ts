import {
  ADMIN,
  ANALYSTS,
  ANY_STAFF,
  FIELDWORK_STAFF,
  RECORD_EDITORS,
  type Role,
  STUDY_STAFF,
} from '../../server/contracts/roles.js';

type PageEntry = { path: string; title: string; api: string; roles: readonly Role[] };

/**
 * The console's pages in navigation order, each with the roles of the API route it is built on
 * (test/client/consolePages.test.ts checks them against the server's route table). The nav shows a
 * page only to those roles; the server refuses the rest anyway.
 */
export const PAGES = [
  { path: '/fieldings', title: 'Fieldings', api: 'get /api/staff/fieldings', roles: STUDY_STAFF },
  { path: '/instruments', title: 'Instruments', api: 'get /api/staff/instruments', roles: STUDY_STAFF },
  { path: '/records', title: 'Records', api: 'get /api/staff/records', roles: ANY_STAFF },
  { path: '/sites', title: 'Sites', api: 'get /api/staff/sites', roles: ANY_STAFF },
  { path: '/exports', title: 'Exports', api: 'post /api/staff/fieldings/:name/exports', roles: ANALYSTS },
  { path: '/users', title: 'Staff', api: 'get /api/staff/users', roles: ADMIN },
  { path: '/audit', title: 'Audit log', api: 'get /api/staff/audit', roles: ADMIN },
  { path: '/tokens', title: 'API tokens', api: 'get /api/staff/tokens', roles: ANY_STAFF },
] as const satisfies readonly PageEntry[];

export type PagePath = (typeof PAGES)[number]['path'];

export const pagesFor = (role: Role) => PAGES.filter((page) => page.roles.includes(role));

/**
 * Pages reached from another page rather than the navigation (a fielding's cases and dashboard, one case), with
 * the roles of their API route, checked by the same test.
 */
export const DETAIL_PAGES = [
  {
    kind: 'cases',
    pattern: /^\/fieldings\/([^/]+)\/cases$/,
    api: 'get /api/staff/fieldings/:name/cases',
    roles: STUDY_STAFF,
  },
  {
    kind: 'email',
    pattern: /^\/fieldings\/([^/]+)\/email$/,
    api: 'get /api/staff/fieldings/:name/templates',
    roles: FIELDWORK_STAFF,
  },
  { kind: 'case', pattern: /^\/cases\/(\d+)$/, api: 'get /api/staff/cases/:id', roles: FIELDWORK_STAFF },
  { kind: 'record', pattern: /^\/records\/(\d+)$/, api: 'get /api/staff/records/:recordId', roles: ANY_STAFF },
  {
    kind: 'dashboard',
    pattern: /^\/fieldings\/([^/]+)\/dashboard$/,
    api: 'get /api/staff/fieldings/:name/status',
    roles: STUDY_STAFF,
  },
] as const satisfies readonly { kind: string; pattern: RegExp; api: string; roles: readonly Role[] }[];

export type DetailMatch = { kind: (typeof DETAIL_PAGES)[number]['kind']; param: string };

/** The detail page a path opens for this role, with its decoded parameter; undefined if none. */
export function detailPageFor(path: string, role: Role): DetailMatch | undefined {
  for (const page of DETAIL_PAGES) {
    const match = page.pattern.exec(path);
    if (match?.[1] && page.roles.includes(role)) {
      try {
        return { kind: page.kind, param: decodeURIComponent(match[1]) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const casesPath = (fielding: string) => `/fieldings/${encodeURIComponent(fielding)}/cases`;
export const emailPath = (fielding: string) => `/fieldings/${encodeURIComponent(fielding)}/email`;
export const casePath = (id: number) => `/cases/${id}`;
export const dashboardPath = (fielding: string) => `/fieldings/${encodeURIComponent(fielding)}/dashboard`;
/** Who may open a case page (its contacts' addresses): the roles of GET /api/staff/cases/:id. */
export const canOpenCase = (role: Role) => FIELDWORK_STAFF.includes(role);
export const canChangeFieldings = (role: Role) => FIELDWORK_STAFF.includes(role);
/** Who may open a fielding's email page (templates, settings, sending): the roles of its templates route. */
export const canOpenEmail = (role: Role) => FIELDWORK_STAFF.includes(role);
export const recordPath = (id: number) => `/records/${id}`;
/** Who creates and changes sites (their details, interviewers, instruments): the roles of POST /api/staff/sites. */
export const canManageSites = (role: Role) => FIELDWORK_STAFF.includes(role);
/** Who enters records (analysts read them only): the roles of POST /api/staff/records. */
export const canStartRecords = (role: Role) => RECORD_EDITORS.includes(role);
