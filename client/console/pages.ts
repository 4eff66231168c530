import { ADMIN, ANY_STAFF, type Role, STUDY_STAFF } from '../../server/staff/roles.js';

/**
 * The console's pages in navigation order, each with the roles of the API route it is built on
 * (test/client/consolePages.test.ts checks them against the server's route table). The nav shows a
 * page only to those roles; the server refuses the rest anyway. Cases, instruments and exports join
 * this list when their API routes land (issue 9), not before: no page without its API.
 */
export const PAGES = [
  { path: '/fieldings', title: 'Fieldings', api: 'get /api/staff/fieldings', roles: STUDY_STAFF },
  { path: '/users', title: 'Staff', api: 'get /api/staff/users', roles: ADMIN },
  { path: '/audit', title: 'Audit log', api: 'get /api/staff/audit', roles: ADMIN },
  { path: '/tokens', title: 'API tokens', api: 'get /api/staff/tokens', roles: ANY_STAFF },
] as const satisfies readonly { path: string; title: string; api: string; roles: readonly Role[] }[];

export type PagePath = (typeof PAGES)[number]['path'];

export const pagesFor = (role: Role) => PAGES.filter((page) => page.roles.includes(role));
