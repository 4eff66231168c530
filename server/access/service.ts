import type { Clock } from '../platform/clock.js';
import type { AccessKind, ThrottleLimits } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { AccessRepo } from './repo.js';

/** Milliseconds a client must wait after its n-th failure: none within the allowance, then doubling. */
export function delayAfter(failures: number, free: number, limits: Pick<ThrottleLimits, 'baseDelayMs' | 'maxDelayMs'>) {
  if (failures < free) return 0;
  return Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(failures - free, 30));
}

const PRUNE_EVERY = 256;

/**
 * Throttles failed look-ups of links and access codes per client, with state in SQLite so a
 * restart does not wipe a guesser's delay. It only ever slows failures: callers look a credential
 * up first and serve a valid one whatever this says, so nobody loses their link because someone
 * else (behind the same NAT address, or anywhere) guessed. There is deliberately no global limit:
 * it would let one client lock every letter recipient out, and with 60-bit access codes online
 * guessing is hopeless without it; the daily totals are logged and shown by `fieldkit access stats`.
 */
export function createAccessThrottle(deps: {
  db: Db;
  repo: AccessRepo;
  limits: ThrottleLimits;
  clock: Clock;
  logger: Logger;
}) {
  const { db, repo, limits, clock, logger } = deps;
  let sincePrune = 0;

  function live(client: string, kind: AccessKind, nowMs: number) {
    const row = repo.find(client, kind);
    return row && row.last_failure_ms > nowMs - limits.forgetAfterMs ? row : undefined;
  }

  const record = db.transaction((client: string, kind: AccessKind, nowMs: number) => {
    const previous = live(client, kind, nowMs);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = delayAfter(failures, limits.freeFailures[kind], limits);
    repo.save({
      client,
      kind,
      failures,
      last_failure_ms: nowMs,
      blocked_until_ms: delay > 0 ? nowMs + delay : 0,
    });
    const day = new Date(nowMs).toISOString().slice(0, 10);
    repo.countDay(day, kind, previous === undefined);
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      repo.forgetBefore(nowMs - limits.forgetAfterMs);
    }
    return { failures, delay, today: repo.dayTotal(day, kind) };
  });

  return {
    /** Whole seconds the client must wait before its next look-up of this kind may fail, or 0. */
    retryAfter(client: string, kind: AccessKind): number {
      const nowMs = clock().getTime();
      const row = live(client, kind, nowMs);
      return row && row.blocked_until_ms > nowMs ? Math.ceil((row.blocked_until_ms - nowMs) / 1000) : 0;
    },

    /** Counts one failed look-up; logs (address and counts, never the credential) when a wait begins. */
    recordFailure(client: string, kind: AccessKind): void {
      const { failures, delay, today } = record(client, kind, clock().getTime());
      if (delay > 0) {
        logger.info(
          `access: ${kind} look-ups from ${client} wait ${Math.ceil(delay / 1000)} s after ${failures} failures;` +
            ` today ${today?.failures ?? 0} failed ${kind} look-ups from ${today?.clients ?? 0} clients`,
        );
      }
    },
  };
}

export type AccessThrottle = ReturnType<typeof createAccessThrottle>;
