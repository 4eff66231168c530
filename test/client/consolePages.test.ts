import { describe, expect, it } from 'vitest';
import { PAGES, pagesFor } from '../../client/console/pages.js';
import { STAFF_ROUTES } from '../../server/staff/routes.js';

describe('staff console navigation', () => {
  it.each(PAGES.map((page) => [page.title, page] as const))(
    'offers “%s” to exactly the roles its API route allows',
    (_title, page) => {
      const route = STAFF_ROUTES.find((r) => `${r.method} ${r.path}` === page.api);
      expect(route, `${page.api} is a declared staff route`).toBeDefined();
      expect([...page.roles].sort()).toEqual([...(route?.roles ?? [])].sort());
    },
  );

  it('shows an admin every page, and a fieldwork member no admin page', () => {
    expect(pagesFor('admin').map((p) => p.title)).toEqual(['Fieldings', 'Staff', 'Audit log', 'API tokens']);
    expect(pagesFor('fieldwork').map((p) => p.title)).toEqual(['Fieldings', 'API tokens']);
    expect(pagesFor('interviewer').map((p) => p.title)).toEqual(['API tokens']);
  });
});
