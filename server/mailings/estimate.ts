import type { MailKind } from '../contracts/mailings.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { PACE_SLOT_TOLERANCE_INTERVALS } from './dispatch.js';
import type { MailingRepo } from './repo.js';

const MINUTE = 60_000;

/** Messages of a wave still to go, at the fielding's pace, and when the last should be out. */
export type WaveEstimate = { queued: number; perMinute: number; outBy: string | null };

/**
 * When the queued messages will be out if sending goes on now: one per pace interval from the
 * fielding's next free slot, and not before the last retry falls due. An estimate: rejections,
 * retries and other processes sending the same fielding change it.
 */
export function estimateWave(
  repos: { fieldings: FieldingRepo; mailings: MailingRepo },
  fieldingId: number,
  kinds: readonly MailKind[],
  now: Date,
): WaveEstimate {
  const { perMinute } = repos.fieldings.mailSettingsOf(fieldingId);
  const queued = repos.mailings.queuedOf(fieldingId, kinds);
  if (queued.n === 0) return { queued: 0, perMinute, outBy: null };
  const interval = MINUTE / perMinute;
  const slot = repos.mailings.paceSlotOf(fieldingId) ?? 0;
  // A slot further ahead than any sender takes one is moved back when sending starts (dispatch.ts).
  const tolerance = Math.max(MINUTE, PACE_SLOT_TOLERANCE_INTERVALS * interval);
  const first = slot > now.getTime() && slot <= now.getTime() + tolerance ? slot : now.getTime();
  const paced = first + (queued.n - 1) * interval;
  const lastRetry = queued.last_due ? new Date(queued.last_due).getTime() : 0;
  return { queued: queued.n, perMinute, outBy: new Date(Math.max(paced, lastRetry)).toISOString() };
}

/** "under a minute", "about 5 minutes", "about 3 h 20 min": a wave's length in words. */
export function durationText(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest > 0 ? ` ${rest} min` : ''}`;
}

/** An instant as the start-up line and the CLI write it: 2026-12-07 23:45 UTC. */
export const utcMinute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
