import type { Clock } from '../deps.js';
import { AppError } from '../errors.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeInput } from '../offices/repo.js';
import type { Repos } from '../repos.js';
import type { RandomBytes } from '../tokens/service.js';
import { type IssuedLink, issueLink } from '../tokens/workflows.js';

/** One frame row: the office and its contact. */
export type FrameEntry = OfficeInput & {
  contact_name: string;
  contact_email: string;
  contact_title?: string | undefined;
};

export type CreateFieldingInput = {
  name: string;
  instrument: string;
  offices: FrameEntry[];
  closesAt?: Date | undefined;
  /**
   * Receives the clear links inside the transaction (e.g. writes the links file). If it throws,
   * nothing is stored, so there are never tokens whose links were lost.
   */
  deliver?: (links: IssuedLink[]) => void;
};

export type FieldingContext = {
  repos: Repos;
  instruments: InstrumentRegistry;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
};

/**
 * Creates the fielding, its offices (updating ones already known from an earlier frame), one case
 * per office and one link per contact, all in one transaction: either every office is invited or
 * none is. The clear links are returned once and never stored.
 */
export function createFielding(ctx: FieldingContext, input: CreateFieldingInput) {
  const instrument = ctx.instruments.resolve(input.instrument);
  if (!instrument) {
    const known = ctx.instruments
      .all()
      .map((i) => i.key)
      .join(', ');
    throw new AppError(400, 'unknown_instrument', `No instrument "${input.instrument}". Known: ${known}.`);
  }
  if (ctx.repos.fieldings.findFieldingByName(input.name)) {
    throw new AppError(409, 'fielding_exists', `A fielding named "${input.name}" already exists; choose another name.`);
  }
  const now = ctx.clock();
  if (input.closesAt && input.closesAt <= now) {
    throw new AppError(400, 'closes_in_past', 'The closing date must be in the future.');
  }
  const at = now.toISOString();
  const closesAt = input.closesAt?.toISOString() ?? null;
  const { repos } = ctx;
  return repos.db.transaction(() => {
    const fieldingId = repos.fieldings.insertFielding({
      name: input.name,
      instrumentId: instrument.meta.id,
      instrumentVersion: instrument.meta.version,
      closesAt,
      at,
    });
    const links: IssuedLink[] = [];
    for (const entry of input.offices) {
      const officeId = repos.offices.upsertOffice(entry, at);
      const contactId = repos.offices.upsertContact(
        officeId,
        { name: entry.contact_name, email: entry.contact_email, title: entry.contact_title },
        at,
      );
      const caseId = repos.cases.insertCase(fieldingId, officeId, at);
      repos.cases.appendEvent(caseId, 'case_created', at, null, { fielding: input.name });
      links.push(
        issueLink(ctx, {
          caseId,
          contactId,
          at,
          office: { office_id: entry.office_id, office_name: entry.office_name },
          contact: { name: entry.contact_name, email: entry.contact_email },
        }).issued,
      );
    }
    input.deliver?.(links);
    return { fieldingId, instrument: instrument.key, links };
  })();
}
