import type { AuditRepo } from '../audit/repo.js';
import { type Disposition, finalDisposition } from '../cases/disposition.js';
import { reissueToken } from '../cases/links.js';
import type { CaseRepo, CaseRow } from '../cases/repo.js';
import type { IssuedLink } from '../contracts/cases.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { RandomBytes } from '../platform/secrets.js';
import type { TokenRepo } from '../tokens/repo.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  offices: OfficeRepo;
  tokens: TokenRepo;
};

export type CaseContext = { repos: Repos; clock: Clock };
export type IssueContext = CaseContext & { random: RandomBytes; publicUrl: string };

export const caseNotFound = (id: number | string) => new AppError(404, 'case_not_found', `No case ${id}.`);

export function findCaseOrFail(repos: Repos, id: number): CaseRow {
  const found = repos.cases.findCase(id);
  if (!found) throw caseNotFound(id);
  return found;
}

/** An audit entry about a case, naming its fielding, case and office. */
export const auditCase = (
  ctx: CaseContext,
  c: CaseRow,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
) =>
  ctx.repos.audit.recordAudit({
    at: ctx.clock().toISOString(),
    actor,
    action,
    fielding: c.fielding_name,
    detail: { caseId: c.id, officeId: c.office_study_id, ...detail },
  });

/** The case's disposition from its log alone, as the staff actions answer it (the case list adds the share answered). */
const dispositionNow = (ctx: CaseContext, found: CaseRow): Disposition =>
  finalDisposition(
    ctx.repos.cases.eventsOf(found.id).map((e) => ({ type: e.type, detail: JSON.parse(e.detail) })),
    ctx.repos.fieldings.dispositionThresholdsOf(found.fielding_id),
  );

/**
 * Records what only staff can know: an office that is not eligible, or a refusal received outside
 * the survey (by phone, by letter). Appends to the case's log, from which the disposition is
 * derived; a refusal cannot be recorded for an office that has submitted. Used by `fieldkit case
 * mark` and the staff API alike.
 */
export function markCase(
  ctx: CaseContext,
  input: { caseId: number; as: 'refused' | 'ineligible'; reason: string; actor: string },
): { case: CaseRow; disposition: Disposition } {
  const found = findCaseOrFail(ctx.repos, input.caseId);
  return ctx.repos.db.transaction(() => {
    const events = ctx.repos.cases.eventsOf(found.id);
    if (input.as === 'refused' && events.some((e) => e.type === 'completed')) {
      throw new AppError(
        409,
        'already_submitted',
        `${found.office_name} has submitted the survey; a refusal cannot be recorded. Nothing changed.`,
      );
    }
    const type = input.as === 'ineligible' ? 'marked_ineligible' : 'marked_refused';
    ctx.repos.cases.appendEvent(found.id, type, ctx.clock().toISOString(), null, {
      reason: input.reason,
      by: input.actor,
    });
    auditCase(ctx, found, input.actor, `case.mark_${input.as}`, { reason: input.reason });
    return { case: found, disposition: dispositionNow(ctx, found) };
  })();
}

/** A day staff give (YYYY-MM-DD, checked by HandedOutDay) must not lie after today (UTC). */
function notAfterToday(ctx: CaseContext, on: string) {
  const today = ctx.clock().toISOString().slice(0, 10);
  if (on > today) {
    throw new AppError(422, 'date_in_future', `The day the links were handed out, ${on}, is after today (${today}).`);
  }
}

/**
 * Records that the office's links were handed out another way (by hand, by phone, at a meeting) on
 * day `on`: from then on the case counts as invited (3.19 until it answers, invited_at that day),
 * as after an email or a letter. The case's log and the audit log keep who said so. Used by
 * `fieldkit case invited` and the staff API alike.
 */
export function markInvited(
  ctx: CaseContext,
  input: { caseId: number; on: string; actor: string },
): { case: CaseRow; disposition: Disposition } {
  const found = findCaseOrFail(ctx.repos, input.caseId);
  notAfterToday(ctx, input.on);
  return ctx.repos.db.transaction(() => {
    ctx.repos.cases.appendEvent(found.id, 'marked_invited', ctx.clock().toISOString(), null, {
      on: input.on,
      by: input.actor,
    });
    auditCase(ctx, found, input.actor, 'case.mark_invited', { on: input.on });
    return { case: found, disposition: dispositionNow(ctx, found) };
  })();
}

/**
 * Records day `on` as the invitation of every case of the fielding whose links were issued (the
 * links file) and that no email, letter or earlier record has invited: the links file was handed
 * out as a whole. One audit entry for the batch; returns how many cases it recorded.
 */
export function markIssuedInvited(
  ctx: CaseContext,
  input: { fieldingId: number; fielding: string; on: string; actor: string },
): number {
  notAfterToday(ctx, input.on);
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const ids = ctx.repos.cases.issuedNotInvited(input.fieldingId);
    for (const id of ids)
      ctx.repos.cases.appendEvent(id, 'marked_invited', at, null, { on: input.on, by: input.actor });
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'cases.mark_invited',
      fielding: input.fielding,
      detail: { on: input.on, cases: ids.length },
    });
    return ids.length;
  })();
}

/** Revokes one link (and its access code) of a case; its response is kept for any other link. */
export function revokeCaseToken(ctx: CaseContext, input: { caseId: number; tokenId: number; actor: string }) {
  const found = findCaseOrFail(ctx.repos, input.caseId);
  const token = ctx.repos.tokens.findTokenById(input.tokenId);
  if (!token || token.case_id !== found.id) {
    throw new AppError(404, 'token_not_found', `Case ${found.id} has no link ${input.tokenId}.`);
  }
  const at = ctx.clock().toISOString();
  ctx.repos.db.transaction(() => {
    if (!ctx.repos.tokens.revokeToken(token.id, at, null)) {
      throw new AppError(409, 'already_revoked', `Link ${token.id} was already revoked.`);
    }
    ctx.repos.cases.appendEvent(found.id, 'token_revoked', at, token.id, { reason: 'revoked by staff' });
    auditCase(ctx, found, input.actor, 'case.revoke_link', { tokenId: token.id });
  })();
  return ctx.repos.tokens.findCaseToken(token.id);
}

/**
 * A new link and access code for one contact of the case (the CLI's `tokens reissue`): the
 * contact's live links stop working and the new one continues the same response. The clear link
 * exists only in the return value.
 */
export function reissueCaseLink(
  ctx: IssueContext,
  input: { caseId: number; contactId: number; actor: string },
): IssuedLink {
  const found = findCaseOrFail(ctx.repos, input.caseId);
  const contact = ctx.repos.offices.findContact(input.contactId);
  if (!contact || contact.office_id !== found.office_id) {
    throw new AppError(404, 'contact_not_found', `Case ${found.id} has no contact ${input.contactId}.`);
  }
  return ctx.repos.db.transaction(() => {
    const issued = reissueToken(ctx, {
      kind: 'contact',
      fielding: found.fielding_name,
      officeId: found.office_study_id,
      email: contact.email,
    });
    auditCase(ctx, found, input.actor, 'case.reissue_link', { contactId: contact.id });
    return issued;
  })();
}
