import type { RecordCounts, Site, SiteInterviewer, StaffRef } from '../contracts/sites.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { initialsOf } from '../staff/names.js';
import type { SiteRepo, SiteRow } from './repo.js';

/** A staff member as records and sites name them. */
export function presentStaffRef(account: { id: number; full_name: string; email: string }): StaffRef {
  return { id: account.id, initials: initialsOf(account), fullName: account.full_name };
}

export function presentInterviewer(account: { id: number; email: string; full_name: string }): SiteInterviewer {
  return { id: account.id, email: account.email, fullName: account.full_name, initials: initialsOf(account) };
}

/** A site with its interviewers, its instruments at the newest loaded version, and its records by status. */
export function presentSite(ctx: { repos: { sites: SiteRepo }; instruments: InstrumentRegistry }, site: SiteRow): Site {
  const records: RecordCounts = { in_progress: 0, final: 0, refused: 0 };
  for (const c of ctx.repos.sites.recordCounts(site.id)) records[c.status] = c.n;
  return {
    id: site.id,
    name: site.name,
    jurisdiction: site.jurisdiction,
    notes: site.notes,
    interviewers: ctx.repos.sites.interviewersOf(site.id).map(presentInterviewer),
    // An instrument no longer loaded (its files removed) still shows, by id, so it can be unassigned.
    instruments: ctx.repos.sites.instrumentsOf(site.id).map((id) => {
      const newest = ctx.instruments.resolve(id);
      return { id, title: newest?.meta.title ?? id, version: newest?.meta.version ?? '' };
    }),
    records,
    createdAt: site.created_at,
    updatedAt: site.updated_at,
  };
}
