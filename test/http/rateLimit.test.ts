import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../../server/http/rateLimit.js';
import { fakeClock } from '../support/app.js';

const MINUTE = 60_000;

/** A limiter on its own fake clock; every test builds one. */
function limiter(options: { limit?: number; windowMs?: number; maxKeys?: number } = {}) {
  const clock = fakeClock();
  const limit = createFailureLimiter({ limit: 3, windowMs: 15 * MINUTE, clock, ...options });
  return { limit, clock };
}

function fail(limit: ReturnType<typeof createFailureLimiter>, key: string, times: number) {
  for (let i = 0; i < times; i++) limit.recordFailure(key);
}

describe('createFailureLimiter', () => {
  it('lets a key through until it has failed `limit` times, then blocks it', () => {
    const { limit } = limiter({ limit: 3 });

    fail(limit, '203.0.113.7', 2);
    const afterTwo = limit.retryAfter('203.0.113.7');
    fail(limit, '203.0.113.7', 1);
    const afterThree = limit.retryAfter('203.0.113.7');

    expect(afterTwo).toBe(0);
    expect(afterThree).toBe(15 * 60);
  });

  it('counts the wait in whole seconds until the window ends, rounded up', () => {
    const { limit, clock } = limiter({ limit: 1, windowMs: MINUTE });
    fail(limit, 'client', 1);

    clock.advance(15_500);
    const midWindow = limit.retryAfter('client');
    clock.advance(MINUTE - 15_500 - 1);
    const lastMillisecond = limit.retryAfter('client');

    expect(midWindow).toBe(45);
    expect(lastMillisecond).toBe(1);
  });

  it('keeps keys independent: one blocked address does not block another', () => {
    const { limit } = limiter({ limit: 2 });

    fail(limit, 'guesser', 5);
    fail(limit, 'respondent', 1);

    expect(limit.retryAfter('guesser')).toBeGreaterThan(0);
    expect(limit.retryAfter('respondent')).toBe(0);
    expect(limit.retryAfter('never-seen')).toBe(0);
  });

  it('unblocks a key once its window has passed, with a fresh count', () => {
    const { limit, clock } = limiter({ limit: 2, windowMs: 10 * MINUTE });
    fail(limit, 'client', 2);

    clock.advance(10 * MINUTE);
    const afterWindow = limit.retryAfter('client');
    fail(limit, 'client', 1);
    const afterOneNewFailure = limit.retryAfter('client');

    expect(afterWindow).toBe(0);
    expect(afterOneNewFailure).toBe(0);
  });

  it('uses fixed windows: failures late in a window do not extend it', () => {
    const { limit, clock } = limiter({ limit: 2, windowMs: 10 * MINUTE });
    fail(limit, 'client', 1);
    clock.advance(9 * MINUTE);
    fail(limit, 'client', 5);

    const blocked = limit.retryAfter('client');
    clock.advance(MINUTE);

    expect(blocked).toBe(60);
    expect(limit.retryAfter('client')).toBe(0);
  });

  it('counts only failures: checking a key, however often, never blocks it', () => {
    const { limit } = limiter({ limit: 3 });

    // A respondent's autosaves each check the limiter and succeed; only recordFailure counts.
    for (let i = 0; i < 1_000; i++) limit.retryAfter('busy-respondent');
    fail(limit, 'busy-respondent', 2);

    expect(limit.retryAfter('busy-respondent')).toBe(0);
  });

  describe('with maxKeys', () => {
    it('stops tracking new keys when full of live windows, and keeps blocking the keys it has', () => {
      const { limit } = limiter({ limit: 1, maxKeys: 2 });
      fail(limit, 'a', 1);
      fail(limit, 'b', 1);

      fail(limit, 'c', 5);

      expect(limit.retryAfter('a')).toBeGreaterThan(0);
      expect(limit.retryAfter('b')).toBeGreaterThan(0);
      // Not remembered: memory stays bounded; the global code limit covers such a flood.
      expect(limit.retryAfter('c')).toBe(0);
    });

    it('makes room by dropping expired windows when a new key arrives', () => {
      const { limit, clock } = limiter({ limit: 1, windowMs: MINUTE, maxKeys: 2 });
      fail(limit, 'a', 1);
      fail(limit, 'b', 1);
      clock.advance(MINUTE);

      fail(limit, 'c', 1);
      fail(limit, 'd', 1);

      expect(limit.retryAfter('c')).toBe(60);
      expect(limit.retryAfter('d')).toBe(60);
    });

    it('never holds more than maxKeys windows, however many addresses fail', () => {
      const { limit } = limiter({ limit: 1, maxKeys: 100 });

      for (let i = 0; i < 10_000; i++) fail(limit, `198.51.${Math.floor(i / 256)}.${i % 256}`, 1);
      let tracked = 0;
      for (let i = 0; i < 10_000; i++) if (limit.retryAfter(`198.51.${Math.floor(i / 256)}.${i % 256}`) > 0) tracked++;

      expect(tracked).toBe(100);
    });
  });
});
