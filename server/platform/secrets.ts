import { createHash } from 'node:crypto';

/** A source of cryptographically secure random bytes, passed in so tests can make it predictable. */
export type RandomBytes = (size: number) => Buffer;

/** Only this hash is stored. Tokens carry ≥128 bits of entropy, so an unsalted SHA-256 suffices. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
