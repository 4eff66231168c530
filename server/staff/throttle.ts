import { delayAfter } from '../access/service.js';
import type { Clock } from '../platform/clock.js';
import type { StaffSettings } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import type { LoginFailureRow, StaffRepo } from './repo.js';

const PRUNE_EVERY = 256;

export type LoginKeys = { account: string; client: string };

/**
 * Slows failed staff logins with growing delays kept in SQLite, in its own table apart from the
 * respondents' link and code throttle. Three counts, each forgotten after `loginForgetAfterMs`
 * without a failure:
 *
 * - per client address, whatever the account: one address guessing many accounts waits;
 * - per account and address: one address guessing one account waits;
 * - per account, whatever the address: the failures of every address together. Once past its
 *   allowance, every address that has failed at this account waits the account's delay (doubling
 *   with each further failure, up to `loginMaxDelayMs`), counted from its own last failure.
 *
 * The account's count never refuses an address that has not failed at this account lately: a
 * guesser elsewhere must never lock the owner out (they used to, for good, with one guess per
 * window). Guessing spread over many addresses is still slowed: each new address gets one checked
 * guess, then waits the account's delay like the rest, so K addresses get about K guesses per
 * 15 minutes, and every guess costs the server a refusal, not a password hash.
 */
export function createLoginThrottle(deps: { db: Db; repo: StaffRepo; settings: StaffSettings; clock: Clock }) {
  const { db, repo, settings, clock } = deps;
  const limits = { baseDelayMs: settings.loginBaseDelayMs, maxDelayMs: settings.loginMaxDelayMs };
  const accountKey = (keys: LoginKeys) => `account:${keys.account}`;
  const clientKey = (keys: LoginKeys) => `client:${keys.client}`;
  // The client goes first: it never holds a space, so the key reads back unambiguously.
  const pairKey = (keys: LoginKeys) => `pair:${keys.client} ${keys.account}`;
  let sincePrune = 0;

  const live = (key: string, nowMs: number) => {
    const row = repo.findLoginFailure(key);
    return row && row.last_failure_ms > nowMs - settings.loginForgetAfterMs ? row : undefined;
  };

  const save = (row: Omit<LoginFailureRow, 'blocked_until_ms'>, free: number) => {
    const delay = delayAfter(row.failures, free, limits);
    repo.saveLoginFailure({ ...row, blocked_until_ms: delay > 0 ? row.last_failure_ms + delay : 0 });
  };

  const countFailure = (key: string, free: number, nowMs: number) => {
    save({ key, failures: (live(key, nowMs)?.failures ?? 0) + 1, last_failure_ms: nowMs }, free);
  };

  const record = db.transaction((keys: LoginKeys, nowMs: number) => {
    countFailure(accountKey(keys), settings.loginFreeFailures.account, nowMs);
    countFailure(pairKey(keys), settings.loginFreeFailures.account, nowMs);
    countFailure(clientKey(keys), settings.loginFreeFailures.client, nowMs);
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      repo.forgetLoginFailuresBefore(nowMs - settings.loginForgetAfterMs);
    }
  });

  /**
   * The owner proved who they are: their own failures at the account are taken back (from the
   * account's count too), and the attempt from their address. Other addresses' failures stay
   * counted, so a login by the owner during an attack does not hand the guessers a fresh allowance.
   */
  const forgive = db.transaction((keys: LoginKeys, nowMs: number) => {
    const pair = live(pairKey(keys), nowMs);
    repo.forgetLoginFailures(pairKey(keys));
    const account = live(accountKey(keys), nowMs);
    const left = Math.max(0, (account?.failures ?? 0) - (pair?.failures ?? 1));
    if (account && left > 0) save({ ...account, failures: left }, settings.loginFreeFailures.account);
    else repo.forgetLoginFailures(accountKey(keys));
    const client = live(clientKey(keys), nowMs);
    if (client) save({ ...client, failures: Math.max(0, client.failures - 1) }, settings.loginFreeFailures.client);
  });

  /** The instant (ms) before which this address may not try this account again, or 0. */
  const blockedUntil = (keys: LoginKeys, nowMs: number) => {
    const client = live(clientKey(keys), nowMs)?.blocked_until_ms ?? 0;
    const pair = live(pairKey(keys), nowMs);
    // No recent failure of this address at this account: the account's count does not apply.
    if (!pair) return client;
    const account = live(accountKey(keys), nowMs);
    const accountDelay = delayAfter(account?.failures ?? 0, settings.loginFreeFailures.account, limits);
    return Math.max(client, pair.blocked_until_ms, accountDelay > 0 ? pair.last_failure_ms + accountDelay : 0);
  };

  return {
    /** Whole seconds before this account may be tried again from this client, or 0. */
    retryAfter(keys: LoginKeys): number {
      const nowMs = clock().getTime();
      const until = blockedUntil(keys, nowMs);
      return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
    },
    /**
     * Counts an attempt as failed before its password is checked: checking takes a few hundred
     * milliseconds, and guesses sent all at once would otherwise all pass the allowance together.
     */
    recordAttempt(keys: LoginKeys): void {
      record(keys, clock().getTime());
    },
    /** A successful login takes back this address's failures at the account (not the client's others: it may be guessing). */
    recordSuccess(keys: LoginKeys): void {
      forgive(keys, clock().getTime());
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
