import type { IssuedLink } from '../contracts/cases.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import { toCsv } from '../platform/csv.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import type { TokenRepo } from '../tokens/repo.js';
import {
  formatAccessCode,
  isAccessCodeShape,
  isLinkTokenShape,
  issueTokenSecrets,
  normalizeAccessCode,
} from '../tokens/service.js';
import type { CaseRepo } from './repo.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; db: Db; offices: OfficeRepo; tokens: TokenRepo };

const LINK_COLUMNS = ['office_id', 'office_name', 'contact_name', 'contact_email', 'link', 'access_code'] as const;

/** The links file: one row per link, safe to open in a spreadsheet (no cell read as a formula). */
export function linksCsv(links: readonly IssuedLink[]): string {
  const rows = links.map((l) => LINK_COLUMNS.map((c) => l[c]));
  return toCsv([[...LINK_COLUMNS], ...rows], { neutralizeFormulas: true });
}

type IssueContext = { repos: Repos; random: RandomBytes; publicUrl: string };

/** Issues a token for one contact of a case. Call inside the caller's transaction. */
export function issueLink(
  ctx: IssueContext,
  t: {
    caseId: number;
    contactId: number;
    at: string;
    office: { office_id: string; office_name: string };
    contact: { name: string; email: string };
    /** What the link was issued for (an email's kind, or 'letter'); logged with the event. */
    purpose?: string;
    /** Which reminder, for a reminder's link: the case page says "reminder 2". */
    number?: number;
  },
): { issued: IssuedLink; tokenId: number } {
  const secrets = issueTokenSecrets(ctx.random);
  const tokenId = ctx.repos.tokens.insertToken({
    caseId: t.caseId,
    contactId: t.contactId,
    linkHash: secrets.linkHash,
    codeHash: secrets.codeHash,
    at: t.at,
    expiresAt: null,
  });
  ctx.repos.cases.appendEvent(t.caseId, 'token_issued', t.at, tokenId, {
    contact_id: t.contactId,
    ...(t.purpose === undefined ? {} : { purpose: t.purpose }),
    ...(t.number === undefined ? {} : { number: t.number }),
  });
  const issued = {
    office_id: t.office.office_id,
    office_name: t.office.office_name,
    contact_name: t.contact.name,
    contact_email: t.contact.email,
    link: `${ctx.publicUrl}/s/${secrets.link}`,
    access_code: formatAccessCode(secrets.code),
  };
  return { issued, tokenId };
}

export type TokenTarget =
  | { kind: 'secret'; value: string }
  | { kind: 'contact'; fielding: string; officeId: string; email: string };

type WorkflowContext = IssueContext & { clock: Clock };

function findContactTokens(ctx: WorkflowContext, target: Extract<TokenTarget, { kind: 'contact' }>) {
  const found = ctx.repos.cases.findCaseByNames(target.fielding, target.officeId);
  if (!found)
    throw new AppError(404, 'case_not_found', `Office "${target.officeId}" is not in fielding "${target.fielding}".`);
  const contact = ctx.repos.offices.findContactByEmail(found.office_id, target.email);
  if (!contact)
    throw new AppError(404, 'contact_not_found', `Office "${target.officeId}" has no contact ${target.email}.`);
  return { found, contact, tokens: ctx.repos.tokens.activeForContact(found.id, contact.id) };
}

/** A link URL, a bare link token or an access code, as staff might paste it. */
function secretHash(value: string): { column: 'link' | 'code'; hash: string } {
  const tail = value.trim().split('/').pop() ?? '';
  if (isLinkTokenShape(tail)) return { column: 'link', hash: hashSecret(tail) };
  const code = normalizeAccessCode(value);
  if (code.ok && isAccessCodeShape(code.code)) return { column: 'code', hash: hashSecret(code.code) };
  throw new AppError(400, 'not_a_token', 'That is neither a survey link nor an access code.');
}

/** Revokes tokens so their links and codes stop working at once; the response is kept. */
export function revokeTokens(ctx: WorkflowContext, target: TokenTarget): number {
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    let tokens: { id: number; case_id: number }[];
    if (target.kind === 'secret') {
      const { column, hash } = secretHash(target.value);
      const token = column === 'link' ? ctx.repos.tokens.findByLinkHash(hash) : ctx.repos.tokens.findByCodeHash(hash);
      if (!token) throw new AppError(404, 'token_not_found', 'No token matches that link or code.');
      tokens = token.revoked_at ? [] : [token];
    } else {
      tokens = findContactTokens(ctx, target).tokens;
    }
    for (const t of tokens) {
      if (ctx.repos.tokens.revokeToken(t.id, at, null)) {
        ctx.repos.cases.appendEvent(t.case_id, 'token_revoked', at, t.id, { reason: 'revoked by staff' });
      }
    }
    return tokens.length;
  })();
}

/**
 * Replaces a contact's live tokens with a new one. The new link reaches the same case, so the
 * office continues the same response where it left off.
 */
export function reissueToken(ctx: WorkflowContext, target: Extract<TokenTarget, { kind: 'contact' }>): IssuedLink {
  const at = ctx.clock().toISOString();
  return ctx.repos.db.transaction(() => {
    const { found, contact, tokens } = findContactTokens(ctx, target);
    const link = issueLink(ctx, {
      caseId: found.id,
      contactId: contact.id,
      at,
      office: { office_id: found.office_study_id, office_name: found.office_name },
      contact: { name: contact.name, email: contact.email },
    });
    for (const t of tokens) {
      if (ctx.repos.tokens.revokeToken(t.id, at, link.tokenId)) {
        ctx.repos.cases.appendEvent(found.id, 'token_revoked', at, t.id, { reason: 'reissued' });
      }
    }
    return link.issued;
  })();
}
