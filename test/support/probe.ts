import request from 'supertest';
import type { TestEnv } from './app.js';

export type Probe = { checks: number; slowestMs: number; longestGapMs: number; elapsedMs: number };

/**
 * Asks GET /api/health over and over while `work` runs, as a respondent's request would arrive,
 * and tells how many were answered, the slowest, and the longest stretch without an answer (a
 * block of the event loop shows there even when no check was in flight while it lasted).
 */
export async function probeHealthWhile<T>(env: TestEnv, work: Promise<T>): Promise<{ result: T; probe: Probe }> {
  const started = performance.now();
  let running = true;
  const done = work.finally(() => {
    running = false;
  });
  const latencies: number[] = [];
  let last = started;
  let longestGapMs = 0;
  while (running) {
    const asked = performance.now();
    await request(env.app).get('/api/health').expect(200);
    const answered = performance.now();
    latencies.push(answered - asked);
    longestGapMs = Math.max(longestGapMs, answered - last);
    last = answered;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const result = await done;
  const elapsedMs = performance.now() - started;
  return {
    result,
    probe: { checks: latencies.length, slowestMs: Math.max(0, ...latencies), longestGapMs, elapsedMs },
  };
}

export const describeProbe = (what: string, p: Probe) =>
  `${what}: ${p.elapsedMs.toFixed(0)} ms; ${p.checks} health checks meanwhile, slowest ${p.slowestMs.toFixed(1)} ms, longest gap ${p.longestGapMs.toFixed(1)} ms\n`;
