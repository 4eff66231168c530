export type Clock = () => Date;

/** Waits `ms`, or less when the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Resolves after `ms`, or at once when `signal` aborts: a sender told to stop must not sit out a
 * pace interval (30 s at 2 per minute) with nothing to send, nor keep the process alive with its timer.
 */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
