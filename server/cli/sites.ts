import { parseArgs } from 'node:util';
import type { Deps } from '../deps.js';
import { createRepos } from '../repos.js';
import { presentSite } from '../sites/present.js';
import { AddSiteBodySchema } from '../sites/schema.js';
import { addSite, assignToSite, type SiteContext, siteByNameOr404 } from '../sites/service.js';
import { findStaffByEmailOr404 } from '../staff/service.js';
import { type Command, cliActor, UsageError } from './io.js';
import { textTable } from './status.js';

function withSites<T>(runtime: () => Deps, run: (ctx: SiteContext & { deps: Deps }) => T): T {
  const deps = runtime();
  try {
    return run({ repos: createRepos(deps.db), instruments: deps.instruments, clock: deps.clock, deps });
  } finally {
    deps.db.close();
  }
}

function oneSiteName(positionals: string[]): string {
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError('Name one site (in quotes if it has spaces).');
  return name;
}

function staffIdsOf(ctx: SiteContext & { deps: Deps }, emails: readonly string[]): number[] {
  const staff = {
    ...ctx,
    settings: ctx.deps.config.staff,
    random: ctx.deps.random,
    publicUrl: ctx.deps.config.publicUrl,
  };
  return emails.map((email) => findStaffByEmailOr404(staff, email).id);
}

/** Phase II case-study sites from the terminal: the same services (and checks) as the console's. */
export const siteCommands: Record<string, Command> = {
  'site add'(args, io, runtime) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        jurisdiction: { type: 'string' },
        notes: { type: 'string' },
        instrument: { type: 'string', multiple: true },
      },
    });
    const parsed = AddSiteBodySchema.safeParse({
      name: oneSiteName(positionals),
      jurisdiction: values.jurisdiction ?? '',
      notes: values.notes ?? '',
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(
        `${issue?.path[0] === 'name' ? 'The site name' : `--${String(issue?.path[0])}`}: ${issue?.message}.`,
      );
    }
    withSites(runtime, (ctx) => {
      const site = addSite(ctx, parsed.data, cliActor());
      const withInstruments = values.instrument?.length
        ? assignToSite(ctx, site.id, { staffIds: [], instrumentIds: values.instrument }, cliActor())
        : site;
      const shown = presentSite(ctx, withInstruments);
      io.out(
        `Site "${shown.name}" (${shown.jurisdiction}) added${shown.instruments.length ? ` with ${shown.instruments.map((i) => i.id).join(', ')}` : ''}.`,
      );
    });
  },
  'site list'(_args, io, runtime) {
    withSites(runtime, (ctx) => {
      const sites = ctx.repos.sites.listSites().map((s) => presentSite(ctx, s));
      if (sites.length === 0) {
        io.out('No sites yet. Add one with: fieldkit site add "<name>" --jurisdiction "<jurisdiction>"');
        return;
      }
      io.out(
        textTable(
          ['site', 'jurisdiction', 'interviewers', 'instruments', 'in progress', 'final', 'refused'],
          sites.map((s) => [
            s.name,
            s.jurisdiction,
            s.interviewers.map((i) => i.email).join(', ') || '-',
            s.instruments.map((i) => i.id).join(', ') || '-',
            s.records.in_progress,
            s.records.final,
            s.records.refused,
          ]),
          4,
        ),
      );
    });
  },
  'site assign'(args, io, runtime) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { interviewer: { type: 'string', multiple: true }, instrument: { type: 'string', multiple: true } },
    });
    const name = oneSiteName(positionals);
    const emails = values.interviewer ?? [];
    const instrumentIds = values.instrument ?? [];
    if (emails.length === 0 && instrumentIds.length === 0) {
      throw new UsageError('Give at least one --interviewer <email> or --instrument <id>.');
    }
    withSites(runtime, (ctx) => {
      const site = siteByNameOr404(ctx, name);
      const assigned = assignToSite(ctx, site.id, { staffIds: staffIdsOf(ctx, emails), instrumentIds }, cliActor());
      const shown = presentSite(ctx, assigned);
      io.out(`Site "${shown.name}":`);
      io.out(`  interviewers: ${shown.interviewers.map((i) => i.email).join(', ') || '-'}`);
      io.out(`  instruments:  ${shown.instruments.map((i) => `${i.id}@${i.version}`).join(', ') || '-'}`);
    });
  },
};
