import type { AuditRepo } from '../audit/repo.js';
import { issueLink } from '../cases/links.js';
import type { CaseRepo } from '../cases/repo.js';
import type { IssuedLink } from '../contracts/cases.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { ContactInput, OfficeInput, OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { RandomBytes } from '../platform/secrets.js';
import type { TokenRepo } from '../tokens/repo.js';
import { fieldingNameProblem, quotedFieldingName } from './name.js';
import type { FieldingRepo, FieldingRow } from './repo.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  offices: OfficeRepo;
  tokens: TokenRepo;
};

/** The fielding of that name, or the one 404 every caller (API, CLI) answers when there is none. */
export function findFieldingOrFail(repos: Repos, name: string): FieldingRow {
  const fielding = repos.fieldings.findFieldingByName(name);
  if (!fielding) throw new AppError(404, 'not_found', `No fielding named "${name}".`);
  return fielding;
}

/** One office of the frame and its contacts, the primary first. */
export type FrameEntry = OfficeInput & { contacts: ContactInput[] };

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

/**
 * The instant a closing date means: links work through the whole closing day, in UTC. Undefined
 * when the text is not a real calendar date like 2027-03-31.
 */
export function closingInstant(day: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T23:59:59.999Z`);
  // Date quietly rolls 2027-02-30 over to March; only a round trip shows the day does not exist.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return undefined;
  return date;
}

/**
 * Phase II instruments are filled in by staff at a site; a respondent link to one would bypass the
 * site's interviewers, the record header and the records' field-level audit trail.
 */
function refuseInterviewerMode(instrument: Instrument) {
  if (instrument.meta.mode === 'interviewer') {
    throw new AppError(
      422,
      'instrument_not_self',
      `${instrument.meta.id} is an interviewer-mode instrument: it is entered by staff as Phase II records at a site (fieldkit site, the console's Records), never fielded to respondents by link. Nothing was changed.`,
    );
  }
}

export type FieldingContext = {
  repos: Repos;
  instruments: InstrumentRegistry;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
};

/**
 * Creates the fielding, its offices (updating ones already known from an earlier frame), one case
 * per office and one link per contact, all in one transaction: either every office gets its links
 * or none does. Issuing links invites nobody (the cases stay 3.11 until an email is sent, a letter
 * printed or staff record the links handed out). The clear links are returned once and never stored.
 */
export function createFielding(ctx: FieldingContext, input: CreateFieldingInput) {
  // The API's schema checks the name too (with the problem in details); the CLI reaches only this.
  const nameProblem = fieldingNameProblem(input.name);
  if (nameProblem) {
    throw new AppError(
      400,
      'invalid_fielding_name',
      `The fielding name ${quotedFieldingName(input.name)} ${nameProblem}.`,
    );
  }
  const instrument = ctx.instruments.resolve(input.instrument);
  if (!instrument) {
    const known = ctx.instruments
      .all()
      .map((i) => i.key)
      .join(', ');
    throw new AppError(400, 'unknown_instrument', `No instrument "${input.instrument}". Known: ${known}.`);
  }
  refuseInterviewerMode(instrument);
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
      const caseId = repos.cases.insertCase(fieldingId, officeId, at);
      repos.cases.appendEvent(caseId, 'case_created', at, null, { fielding: input.name });
      for (const contact of entry.contacts) {
        // An office known from an earlier frame keeps its contacts; one with the same email is updated.
        const contactId = repos.offices.upsertContact(officeId, contact, at);
        links.push(
          issueLink(ctx, {
            caseId,
            contactId,
            at,
            office: { office_id: entry.office_id, office_name: entry.office_name },
            contact: { name: contact.name, email: contact.email },
          }).issued,
        );
      }
    }
    input.deliver?.(links);
    return { fieldingId, instrument: instrument.key, links };
  })();
}

/**
 * Moves a fielding to another version of its instrument (a corrected wording, an added question):
 * responses started from now on use it, while every response already started stays on the version
 * it was started on (instruments.md: a response is pinned). The export then holds the union of the
 * versions' variables. Recorded in the audit log.
 */
export function changeFieldingVersion(
  ctx: { repos: Repos; instruments: InstrumentRegistry; clock: Clock },
  input: { fielding: string; version: string; actor: string },
) {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  const instrument = ctx.instruments.get(fielding.instrument_id, input.version);
  if (!instrument) {
    const known = ctx.instruments
      .all()
      .filter((i) => i.meta.id === fielding.instrument_id)
      .map((i) => i.meta.version)
      .join(', ');
    throw new AppError(
      400,
      'unknown_instrument',
      `No version "${input.version}" of ${fielding.instrument_id} is loaded (loaded: ${known}).`,
    );
  }
  refuseInterviewerMode(instrument);
  if (fielding.instrument_version === input.version) {
    throw new AppError(409, 'same_version', `Fielding "${fielding.name}" already uses ${instrument.key}.`);
  }
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    ctx.repos.fieldings.setFieldingVersion(fielding.id, input.version);
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'fielding_version',
      fielding: fielding.name,
      detail: { from: fielding.instrument_version, to: input.version },
    });
    return {
      from: `${fielding.instrument_id}@${fielding.instrument_version}`,
      to: instrument.key,
      started: ctx.repos.fieldings.responsesByVersion(fielding.id),
    };
  })();
}

/**
 * Sets or removes a fielding's closing date: links and codes stop working after it. A date in
 * the past is refused, as at creation; recorded in the audit log.
 */
export function setClosingDate(
  ctx: { repos: Repos; clock: Clock },
  input: { fielding: string; closesAt: Date | null; actor: string },
) {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  const now = ctx.clock();
  if (input.closesAt && input.closesAt <= now) {
    throw new AppError(400, 'closes_in_past', 'The closing date must be in the future.');
  }
  const closesAt = input.closesAt?.toISOString() ?? null;
  ctx.repos.db.transaction(() => {
    ctx.repos.fieldings.setClosesAt(fielding.id, closesAt);
    ctx.repos.audit.recordAudit({
      at: now.toISOString(),
      actor: input.actor,
      action: 'fielding.closes',
      fielding: fielding.name,
      detail: { from: fielding.closes_at, to: closesAt },
    });
  })();
}

/**
 * Sets a fielding's disposition thresholds (percent of the questions shown answered; the checks of
 * DispositionThresholdsBodySchema already passed). Every disposition is derived again with them:
 * case list, dashboard, status and exports. Recorded in the audit log with the values before.
 */
export function setDispositionThresholds(
  ctx: { repos: Repos; clock: Clock },
  input: { fielding: string; complete: number; partial: number; actor: string },
) {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  ctx.repos.db.transaction(() => {
    ctx.repos.fieldings.setDispositionThresholds(fielding.id, input.complete, input.partial);
    ctx.repos.audit.recordAudit({
      at: ctx.clock().toISOString(),
      actor: input.actor,
      action: 'fielding.thresholds',
      fielding: fielding.name,
      detail: {
        from: { complete: fielding.complete_pct, partial: fielding.partial_pct },
        to: { complete: input.complete, partial: input.partial },
      },
    });
  })();
}
