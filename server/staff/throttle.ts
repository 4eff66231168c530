import { delayAfter } from '../access/service.js';
import type { StaffSettings } from '../config.js';
import type { Db } from '../db.js';
import type { Clock } from '../deps.js';
import type { StaffRepo } from './repo.js';

const PRUNE_EVERY = 256;

export type LoginKeys = { account: string; client: string };

/**
 * Slows failed staff logins per account (whatever the client) and per client address (whatever
 * the account), with growing delays kept in SQLite. It has its own table and limits, apart from
 * the respondents' link and code throttle: a guesser at the login form never slows a respondent,
 * and a guesser at one account never slows another account's owner on another address. The owner
 * of the account under attack is slowed too; that is the price of stopping distributed guessing,
 * and the delays never exceed `loginMaxDelayMs`.
 */
export function createLoginThrottle(deps: { db: Db; repo: StaffRepo; settings: StaffSettings; clock: Clock }) {
  const { db, repo, settings, clock } = deps;
  let sincePrune = 0;

  const live = (key: string, nowMs: number) => {
    const row = repo.findLoginFailure(key);
    return row && row.last_failure_ms > nowMs - settings.loginForgetAfterMs ? row : undefined;
  };

  const countFailure = (key: string, free: number, nowMs: number) => {
    const failures = (live(key, nowMs)?.failures ?? 0) + 1;
    const delay = delayAfter(failures, free, {
      baseDelayMs: settings.loginBaseDelayMs,
      maxDelayMs: settings.loginMaxDelayMs,
    });
    repo.saveLoginFailure({ key, failures, last_failure_ms: nowMs, blocked_until_ms: delay > 0 ? nowMs + delay : 0 });
  };

  const record = db.transaction((keys: LoginKeys, nowMs: number) => {
    countFailure(`account:${keys.account}`, settings.loginFreeFailures.account, nowMs);
    countFailure(`client:${keys.client}`, settings.loginFreeFailures.client, nowMs);
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      repo.forgetLoginFailuresBefore(nowMs - settings.loginForgetAfterMs);
    }
  });

  const undoClientAttempt = db.transaction((client: string, nowMs: number) => {
    const row = live(`client:${client}`, nowMs);
    if (!row) return;
    const failures = Math.max(0, row.failures - 1);
    const delay = delayAfter(failures, settings.loginFreeFailures.client, {
      baseDelayMs: settings.loginBaseDelayMs,
      maxDelayMs: settings.loginMaxDelayMs,
    });
    repo.saveLoginFailure({ ...row, failures, blocked_until_ms: delay > 0 ? row.last_failure_ms + delay : 0 });
  });

  return {
    /** Whole seconds before this account may be tried again from this client, or 0. */
    retryAfter(keys: LoginKeys): number {
      const nowMs = clock().getTime();
      const until = Math.max(
        live(`account:${keys.account}`, nowMs)?.blocked_until_ms ?? 0,
        live(`client:${keys.client}`, nowMs)?.blocked_until_ms ?? 0,
      );
      return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
    },
    /**
     * Counts an attempt as failed before its password is checked: checking takes a few hundred
     * milliseconds, and guesses sent all at once would otherwise all pass the allowance together.
     */
    recordAttempt(keys: LoginKeys): void {
      record(keys, clock().getTime());
    },
    /** A successful login takes its attempt back and clears the account's count (not the client's: it may be guessing others). */
    recordSuccess(keys: LoginKeys): void {
      repo.forgetLoginFailures(`account:${keys.account}`);
      undoClientAttempt(keys.client, clock().getTime());
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
