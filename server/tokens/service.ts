import { hashSecret, type RandomBytes } from '../platform/secrets.js';
import type { TokenRepo, TokenRow } from './repo.js';

/** 24 bytes = 192 bits from the CSPRNG; base64url keeps the link short and URL-safe (32 chars). */
const LINK_TOKEN_BYTES = 24;
const LINK_TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}$/;

/**
 * Access codes are typed from a letter, so the alphabet drops look-alikes (0/O, 1/I). 32 symbols
 * = 5 bits each, 12 symbols = 60 bits: too many to guess within the look-up rate limits.
 */
export const ACCESS_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const ACCESS_CODE_LENGTH = 12;
const ACCESS_CODE_SHAPE = new RegExp(`^[${ACCESS_CODE_ALPHABET}]{${ACCESS_CODE_LENGTH}}$`);

export function newLinkToken(random: RandomBytes): string {
  return random(LINK_TOKEN_BYTES).toString('base64url');
}

export function newAccessCode(random: RandomBytes): string {
  // 256 is a multiple of 32, so masking a byte to 5 bits keeps every symbol equally likely.
  const bytes = random(ACCESS_CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += ACCESS_CODE_ALPHABET[byte & 31];
  return code;
}

/** `KQ7M4T9XWP2H` -> `KQ7M-4T9X-WP2H`, as printed on letters. */
export function formatAccessCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

export type NormalizedCode = { ok: true; code: string } | { ok: false; message: string };

/** Accepts what people type: any case, spaces or dashes between groups. */
export function normalizeAccessCode(input: string): NormalizedCode {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== ACCESS_CODE_LENGTH) {
    return { ok: false, message: `An access code has ${ACCESS_CODE_LENGTH} letters and digits, like KQ7M-4T9X-WP2H.` };
  }
  const bad = [...code].find((ch) => !ACCESS_CODE_ALPHABET.includes(ch));
  if (bad !== undefined) {
    const hint =
      { '0': ' (did you mean the letter?)', O: ' (codes use no letter O)', '1': '', I: ' (codes use no letter I)' }[
        bad
      ] ?? '';
    return { ok: false, message: `"${bad}" does not appear in access codes${hint}. Check the code on your letter.` };
  }
  return { ok: true, code };
}

export const isLinkTokenShape = (s: string) => LINK_TOKEN_SHAPE.test(s);
export const isAccessCodeShape = (s: string) => ACCESS_CODE_SHAPE.test(s);

export type IssuedToken = { link: string; code: string; linkHash: string; codeHash: string };

export function issueTokenSecrets(random: RandomBytes): IssuedToken {
  const link = newLinkToken(random);
  const code = newAccessCode(random);
  return { link, code, linkHash: hashSecret(link), codeHash: hashSecret(code) };
}

export type CredentialKind = 'link' | 'code';
export type Resolution = {
  kind: CredentialKind | 'malformed';
  token: TokenRow | undefined;
  /** A link or code that was live until its fielding closed (never set with `token`). */
  closedToken?: TokenRow;
};

/**
 * Finds the live token behind a link token or access code. Every well-formed credential costs one
 * hash and one indexed look-up whether or not it exists; revoked and expired ones resolve to
 * nothing, exactly like unknown ones, so callers cannot tell them apart. One whose fielding has
 * closed is given apart (`closedToken`): its holder is owed the date, not "not valid".
 */
export function resolveCredential(repo: TokenRepo, credential: string, now: Date): Resolution {
  const kind: Resolution['kind'] = isLinkTokenShape(credential)
    ? 'link'
    : isAccessCodeShape(credential)
      ? 'code'
      : 'malformed';
  if (kind === 'malformed') return { kind, token: undefined };
  const hash = hashSecret(credential);
  const token = kind === 'link' ? repo.findByLinkHash(hash) : repo.findByCodeHash(hash);
  if (!token || token.revoked_at) return { kind, token: undefined };
  const iso = now.toISOString();
  if (token.expires_at && token.expires_at <= iso) return { kind, token: undefined };
  if (token.fielding_closes_at && token.fielding_closes_at <= iso)
    return { kind, token: undefined, closedToken: token };
  return { kind, token };
}
