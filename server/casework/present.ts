import { describeEvent, type EventNames } from '../cases/eventText.js';
import type { CaseEventRow } from '../cases/repo.js';
import {
  type CaseEvent,
  type CaseLink,
  type CaseProgress,
  type Contact,
  LINK_VIAS,
  type LinkVia,
  type ListedCaseAnswer,
  type Office,
} from '../contracts/cases.js';
import type { DispositionAnswer } from '../contracts/dispositions.js';
import type { ContactRow, OfficeDetailRow } from '../offices/repo.js';
import type { ResponseRow } from '../responses/repo.js';
import type { CaseTokenRow } from '../tokens/repo.js';
import type { CaseOutcome } from './dispositionCache.js';
import type { ListedCase } from './list.js';

const pct = (share: number | undefined) => (share === undefined ? null : Math.round(share * 1000) / 10);

export const presentDisposition = (o: CaseOutcome): DispositionAnswer => ({
  code: o.disposition.code,
  label: o.disposition.label,
  ...(o.disposition.reason ? { reason: o.disposition.reason } : {}),
});

export function presentListedCase(c: ListedCase): ListedCaseAnswer {
  return {
    id: c.id,
    officeId: c.office_study_id,
    officeName: c.office_name,
    state: c.state,
    jurisdiction: c.jurisdiction,
    stratum: c.stratum,
    status: c.status,
    disposition: presentDisposition(c.outcome),
    pctAnswered: pct(c.outcome.pctAnswered),
  };
}

export function presentOffice(o: OfficeDetailRow): Office {
  return {
    officeId: o.office_id,
    officeName: o.office_name,
    state: o.state,
    jurisdiction: o.jurisdiction,
    population: o.population,
    stratum: o.stratum,
    addressLine1: o.address_line1,
    addressLine2: o.address_line2,
    city: o.city,
    zip: o.zip,
    phone: o.phone,
    attributes: JSON.parse(o.attributes) as Record<string, string>,
  };
}

/** A link issued without a purpose was issued by staff: with the frame, or reissued. */
const viaOf = (purpose: string | null): LinkVia => LINK_VIAS.find((v) => v === purpose && v !== 'staff') ?? 'staff';

/**
 * A link as staff see it: when it was issued and revoked, which message carried it and when that
 * was sent; never its secret, its code (not even part of it) or a hash.
 */
export function presentToken(t: CaseTokenRow): CaseLink {
  return {
    id: t.id,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
    replacedBy: t.replaced_by,
    live: t.revoked_at === null,
    via: viaOf(t.purpose),
    viaNumber: t.purpose === 'reminder' ? t.purpose_number : null,
    sentAt: t.sent_at,
  };
}

export function presentContact(c: ContactRow, tokens: readonly CaseTokenRow[] = []): Contact {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    title: c.title,
    status: c.status,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    links: tokens.filter((t) => t.contact_id === c.id).map(presentToken),
  };
}

/** An event with its sentence (`summary`) for people; `type` and `detail` stay for scripts. */
export function presentEvent(e: CaseEventRow, names: EventNames): CaseEvent {
  const detail = JSON.parse(e.detail) as unknown;
  return {
    id: e.id,
    type: e.type,
    at: e.at,
    tokenId: e.token_id,
    detail,
    summary: describeEvent({ type: e.type, tokenId: e.token_id, detail }, names),
  };
}

/** Names the contacts of a case's office by id, as the event sentences mention them. */
export function contactNames(contacts: readonly Pick<ContactRow, 'id' | 'name' | 'email'>[]): EventNames {
  const byId = new Map(contacts.map((c) => [c.id, `${c.name} (${c.email})`]));
  return { contactName: (id) => byId.get(id) ?? 'a contact no longer listed' };
}

/** The response's progress only: answers stay out of the staff API (they leave by export). */
export function presentProgress(r: ResponseRow | undefined, outcome: CaseOutcome): CaseProgress | null {
  if (!r) return null;
  return {
    status: r.status,
    instrumentVersion: r.instrument_version,
    pctAnswered: pct(outcome.pctAnswered),
    currentPage: r.current_page,
    revision: r.revision,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    declinedAt: r.declined_at,
  };
}
