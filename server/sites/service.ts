import type { AuditRepo } from '../audit/repo.js';
import type { StaffAccount } from '../http/registry.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError, unprocessable } from '../platform/errors.js';
import type { StaffRepo, StaffRow } from '../staff/repo.js';
import type { SiteRepo, SiteRow } from './repo.js';
import type { AddSiteBody, PatchSiteBody } from './schema.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; db: Db; sites: SiteRepo; staff: StaffRepo };

export type SiteContext = { repos: Repos; instruments: InstrumentRegistry; clock: Clock };

/** Who did it, as the audit log names them: a staff email, or `cli:<user>`. */
type Actor = string;

function audit(ctx: SiteContext, actor: Actor, action: string, detail: Record<string, unknown>) {
  ctx.repos.audit.recordAudit({ at: ctx.clock().toISOString(), actor, action, fielding: null, detail });
}

export const siteNotFound = () => new AppError(404, 'site_not_found', 'No such site.');

/** Staff other than interviewers see every site; an interviewer only the sites they are assigned to. */
export function canSeeSite(ctx: Pick<SiteContext, 'repos'>, viewer: Pick<StaffAccount, 'id' | 'role'>, siteId: number) {
  return viewer.role !== 'interviewer' || ctx.repos.sites.isAssigned(siteId, viewer.id);
}

/** The site, or 404 when there is none or the viewer may not see it (an interviewer not assigned to it). */
export function visibleSiteOr404(
  ctx: Pick<SiteContext, 'repos'>,
  viewer: Pick<StaffAccount, 'id' | 'role'>,
  siteId: number,
): SiteRow {
  const site = ctx.repos.sites.findSite(siteId);
  if (!site || !canSeeSite(ctx, viewer, siteId)) throw siteNotFound();
  return site;
}

export function siteByNameOr404(ctx: Pick<SiteContext, 'repos'>, name: string): SiteRow {
  const site = ctx.repos.sites.findSiteByName(name.trim());
  if (!site) throw new AppError(404, 'site_not_found', `No site named "${name}".`);
  return site;
}

export function listSites(ctx: Pick<SiteContext, 'repos'>, viewer: Pick<StaffAccount, 'id' | 'role'>): SiteRow[] {
  return viewer.role === 'interviewer' ? ctx.repos.sites.listSitesAssignedTo(viewer.id) : ctx.repos.sites.listSites();
}

/** The accounts a site can be given: active interviewers, by email. */
export function assignableInterviewers(ctx: Pick<SiteContext, 'repos'>): StaffRow[] {
  return ctx.repos.staff.listStaff().filter((s) => s.role === 'interviewer' && !s.disabled_at);
}

export function addSite(ctx: SiteContext, input: AddSiteBody, actor: Actor): SiteRow {
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const id = ctx.repos.sites.insertSite(input, at);
    audit(ctx, actor, 'site.add', { site: id, name: input.name, jurisdiction: input.jurisdiction });
    return ctx.repos.sites.findSite(id) as SiteRow;
  })();
}

export function changeSite(ctx: SiteContext, siteId: number, patch: PatchSiteBody, actor: Actor): SiteRow {
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const site = ctx.repos.sites.findSite(siteId);
    if (!site) throw siteNotFound();
    const next = {
      name: patch.name ?? site.name,
      jurisdiction: patch.jurisdiction ?? site.jurisdiction,
      notes: patch.notes ?? site.notes,
    };
    ctx.repos.sites.updateSite(siteId, next, at);
    audit(ctx, actor, 'site.change', { site: siteId, ...patch });
    return ctx.repos.sites.findSite(siteId) as SiteRow;
  })();
}

/** Only active interviewer accounts can be assigned; the first that is not is named in a 422. */
function interviewerAccounts(ctx: SiteContext, staffIds: readonly number[]): StaffRow[] {
  return [...new Set(staffIds)].map((id) => {
    const account = ctx.repos.staff.findStaff(id);
    if (!account) throw unprocessable('not_an_interviewer', `There is no staff account ${id}.`, { staffId: id });
    if (account.role !== 'interviewer') {
      throw unprocessable(
        'not_an_interviewer',
        `${account.email} has the role ${account.role}; only interviewer accounts are assigned to sites (staff of other roles see every site already).`,
        { staffId: id },
      );
    }
    if (account.disabled_at) {
      throw unprocessable('not_an_interviewer', `${account.email} is disabled and cannot be assigned.`, {
        staffId: id,
      });
    }
    return account;
  });
}

/**
 * The loaded instruments a site may use: interviewer-mode ones only. A self-administered instrument
 * reaches respondents by link, never as a record; the first unfit one is named in a 422.
 */
export function recordInstruments(ctx: Pick<SiteContext, 'instruments'>, ids: readonly string[]): Instrument[] {
  return [...new Set(ids)].map((id) => {
    const instrument = ctx.instruments.resolve(id);
    if (!instrument || id.includes('@')) {
      const known = [...new Set(ctx.instruments.all().map((i) => i.meta.id))].join(', ');
      throw unprocessable(
        'unknown_instrument',
        `No instrument "${id}" (name it by id, without a version). Known: ${known}.`,
        {
          instrumentId: id,
        },
      );
    }
    if (instrument.meta.mode !== 'interviewer') {
      throw unprocessable(
        'instrument_not_interviewer',
        `${id} is a self-administered instrument (mode self): respondents fill it in by link, so it cannot be entered as a Phase II record.`,
        { instrumentId: id },
      );
    }
    return instrument;
  });
}

export function setSiteInterviewers(ctx: SiteContext, siteId: number, staffIds: readonly number[], actor: Actor) {
  const accounts = interviewerAccounts(ctx, staffIds);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    if (!ctx.repos.sites.findSite(siteId)) throw siteNotFound();
    ctx.repos.sites.replaceInterviewers(
      siteId,
      accounts.map((a) => a.id),
      at,
    );
    ctx.repos.sites.touchSite(siteId, at);
    audit(ctx, actor, 'site.interviewers', { site: siteId, interviewers: accounts.map((a) => a.email) });
    return ctx.repos.sites.findSite(siteId) as SiteRow;
  })();
}

export function setSiteInstruments(ctx: SiteContext, siteId: number, instrumentIds: readonly string[], actor: Actor) {
  const ids = recordInstruments(ctx, instrumentIds).map((i) => i.meta.id);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    if (!ctx.repos.sites.findSite(siteId)) throw siteNotFound();
    ctx.repos.sites.replaceInstruments(siteId, ids);
    ctx.repos.sites.touchSite(siteId, at);
    audit(ctx, actor, 'site.instruments', { site: siteId, instruments: ids });
    return ctx.repos.sites.findSite(siteId) as SiteRow;
  })();
}

/** Adds interviewers (by account) and instruments to a site, keeping those it has (the CLI's `site assign`). */
export function assignToSite(
  ctx: SiteContext,
  siteId: number,
  input: { staffIds: readonly number[]; instrumentIds: readonly string[] },
  actor: Actor,
) {
  const accounts = interviewerAccounts(ctx, input.staffIds);
  const ids = recordInstruments(ctx, input.instrumentIds).map((i) => i.meta.id);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    if (!ctx.repos.sites.findSite(siteId)) throw siteNotFound();
    ctx.repos.sites.addInterviewers(
      siteId,
      accounts.map((a) => a.id),
      at,
    );
    ctx.repos.sites.addInstruments(siteId, ids);
    ctx.repos.sites.touchSite(siteId, at);
    audit(ctx, actor, 'site.assign', {
      site: siteId,
      interviewers: accounts.map((a) => a.email),
      instruments: ids,
    });
    return ctx.repos.sites.findSite(siteId) as SiteRow;
  })();
}
