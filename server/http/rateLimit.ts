export type Clock = () => Date;

/**
 * Counts failures per key in fixed windows. Only failures count, so a respondent whose browser
 * autosaves every few seconds is never slowed, while someone guessing links or codes is stopped.
 */
export function createFailureLimiter(options: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }) {
  const { limit, windowMs, clock, maxKeys = 100_000 } = options;
  const windows = new Map<string, { failures: number; resetAt: number }>();

  function current(key: string, now: number) {
    const w = windows.get(key);
    if (w && w.resetAt > now) return w;
    if (w) windows.delete(key);
    return undefined;
  }

  function prune(now: number) {
    for (const [key, w] of windows) if (w.resetAt <= now) windows.delete(key);
  }

  return {
    /** Seconds until the key may try again, or 0 when it is not blocked. */
    retryAfter(key: string): number {
      const now = clock().getTime();
      const w = current(key, now);
      return w && w.failures >= limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : 0;
    },
    recordFailure(key: string): void {
      const now = clock().getTime();
      const w = current(key, now);
      if (w) {
        w.failures += 1;
        return;
      }
      if (windows.size >= maxKeys) prune(now);
      // Still full after pruning: an attack from very many addresses; the global limit covers it.
      if (windows.size >= maxKeys) return;
      windows.set(key, { failures: 1, resetAt: now + windowMs });
    },
  };
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>;
