import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ active: 0, most: 0, total: 0 }));

// A stand-in scrypt that takes 20 ms and counts how many run at once.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    scrypt: (...args: unknown[]) => {
      const done = args.at(-1) as (err: Error | null, key: Buffer) => void;
      calls.active++;
      calls.total++;
      calls.most = Math.max(calls.most, calls.active);
      setTimeout(() => {
        calls.active--;
        done(null, Buffer.alloc(32));
      }, 20);
    },
  };
});

describe('password hashing under a wave of logins', () => {
  it('runs at most two hashes at once, leaving thread-pool threads for file reads, and finishes every one', async () => {
    const { hashPassword, verifyPassword } = await import('../../server/staff/passwords.js');

    const hashes = await Promise.all(Array.from({ length: 6 }, (_, i) => hashPassword(`password number ${i}`, 12)));
    const checks = await Promise.all(hashes.map((h) => verifyPassword('anything at all', h)));

    expect(calls).toEqual({ active: 0, most: 2, total: 12 });
    expect(checks).toEqual(Array(6).fill(true));
  });
});
