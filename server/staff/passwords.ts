import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../platform/paths.js';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const R = 8;
const P = 1;

/**
 * At most this many hashes at once, process-wide. scrypt runs on libuv's thread pool (4 threads),
 * which also reads the files respondents download; a wave of logins must leave threads for them,
 * and each hash holds 64 MiB.
 */
const MAX_CONCURRENT_HASHES = 2;
let hashing = 0;
const waitingForSlot: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing < MAX_CONCURRENT_HASHES) hashing++;
  else await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so no newcomer can slip in between.
    const next = waitingForSlot.shift();
    if (next) next();
    else hashing--;
  }
}

/** scrypt on libuv's thread pool: a login never holds up the event loop that serves respondents. */
function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

// 128 * N * r bytes of memory; twice that leaves room for Node's own check.
const maxmemFor = (n: number, r: number) => 256 * n * r + 1024 * 1024;

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so the cost can rise later. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const N = 2 ** logN;
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, { N, r: R, p: P, maxmem: maxmemFor(N, R) });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when the password matches the stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n);
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: maxmemFor(N, Number(r)),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash of a password nobody has, so that a login for an unknown email spends the same time as
 * one for a real account and does not tell which emails have accounts.
 */
export function decoyHash(logN: number): Promise<string> {
  return hashPassword(randomBytes(18).toString('base64url'), logN);
}

let commonPasswords: Set<string> | undefined;

/** The shipped list of the 10,000 most common passwords (server/staff/common-passwords.txt; MIT, see its header). */
function common(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(path.join(projectRoot, 'server', 'staff', 'common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords;
}

/**
 * Why a new password is refused, or undefined when it is acceptable. Beyond the length, a password
 * is refused when it is a common password, or one with digits and symbols stuck on either end
 * ("Password2024!"), or one short piece repeated ("abcabcabcabc"), or the account's own email.
 */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `A password needs at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return `A password may have at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  const list = common();
  if (list.has(lower) || (core !== '' && list.has(core)) || /^(.{1,6})\1+$/.test(lower)) {
    return 'This password is among the most common ones that attackers try first; choose another.';
  }
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) {
    return 'A password must not contain your email address.';
  }
  return undefined;
}
