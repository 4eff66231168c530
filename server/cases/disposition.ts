import { DEFAULT_THRESHOLDS, DISPOSITIONS, type DispositionThresholds } from '../contracts/dispositions.js';
import { type CaseEventType, REFUSAL_EVENTS } from './repo.js';

export type Disposition = (typeof DISPOSITIONS)[keyof typeof DISPOSITIONS] & {
  /** Why, where the log says (a refusal's or an ineligibility's reason). */
  reason?: string;
};

export type CaseEvent = { type: CaseEventType | string; detail?: Record<string, unknown> };

const REFUSALS = new Set<string>(REFUSAL_EVENTS);
const STARTED = new Set(['consented', 'page_saved']);
/**
 * Whether an event invites the office: an email accepted by the mail server, a letter printed (its
 * code issued with purpose 'letter'), or staff's record of links handed out another way. A link
 * issued into the links file invites nobody until one of these happens (INVITING_EVENT_SQL in repo.ts).
 */
export const isInvitingEvent = (e: CaseEvent) =>
  e.type === 'email_sent' ||
  e.type === 'marked_invited' ||
  (e.type === 'token_issued' && e.detail?.purpose === 'letter');
/** Events that settle whether every address of the office is known bad; the newest one holds. */
const ADDRESS_STATE = new Set(['undeliverable', 'contact_added']);

/**
 * A case's final AAPOR disposition from its event log (in order) and the thresholds.
 * `pctAnswered` is the share of the items shown that were answered at the final state of the
 * answers (0..1; the export computes it from the instrument's logic), absent when nothing was saved.
 *
 * Precedence, strongest first: staff's ineligibility (4.10); a submission (1.1 / 1.2 / 2.12 by the
 * share answered); a declined consent (2.11, whatever was answered before); any other refusal — an
 * opt-out, one staff recorded, a decline without consent withdrawn — which keeps a partial's data as
 * a partial (1.2) and is otherwise 2.11; a start without submission (1.2 or 2.12);
 * a link opened but nothing answered (2.12, "logged on, no items"); every address bounced and no
 * contact added since (3.30); invited — an email accepted, a letter printed or links handed out
 * as staff recorded — and never opened (3.19); no invitation at all (3.11), links issued or not. An opt-out from an email is a refusal.
 */
export function finalDisposition(
  events: readonly CaseEvent[],
  thresholds: DispositionThresholds = DEFAULT_THRESHOLDS,
  pctAnswered?: number,
): Disposition {
  const has = (types: Set<string> | string) =>
    events.some((e) => (typeof types === 'string' ? e.type === types : types.has(e.type)));
  const reasonOf = (type: string | Set<string>) => {
    const last = [...events].reverse().find((e) => (typeof type === 'string' ? e.type === type : type.has(e.type)));
    const reason = last?.detail?.reason;
    return typeof reason === 'string' && reason !== '' ? { reason } : {};
  };
  const share = pctAnswered ?? 0;
  if (has('marked_ineligible')) return { ...DISPOSITIONS.ineligible, ...reasonOf('marked_ineligible') };
  if (has('completed')) {
    if (share >= thresholds.complete) return DISPOSITIONS.complete;
    return share >= thresholds.partial ? DISPOSITIONS.partial : DISPOSITIONS.breakOff;
  }
  // Answers given before consent was withdrawn may not be used, however many there were.
  if (events.some((e) => e.type === 'declined' && e.detail?.reason === 'consent_declined')) {
    return { ...DISPOSITIONS.refusal, ...reasonOf(REFUSALS) };
  }
  if (has(REFUSALS)) {
    return share >= thresholds.partial ? DISPOSITIONS.partial : { ...DISPOSITIONS.refusal, ...reasonOf(REFUSALS) };
  }
  if (has(STARTED) || pctAnswered !== undefined) {
    return share >= thresholds.partial ? DISPOSITIONS.partial : DISPOSITIONS.breakOff;
  }
  if (has('link_opened')) return DISPOSITIONS.breakOff;
  const addressState = [...events].reverse().find((e) => ADDRESS_STATE.has(e.type));
  if (addressState?.type === 'undeliverable') return DISPOSITIONS.undeliverable;
  if (events.some(isInvitingEvent)) return DISPOSITIONS.nothingReturned;
  return DISPOSITIONS.notInvited;
}
