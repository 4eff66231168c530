import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { revokeTokens } from '../../server/cases/links.js';
import type { IssuedLink } from '../../server/contracts/cases.js';
import { hashSecret } from '../../server/platform/secrets.js';
import { createRepos } from '../../server/repos.js';
import {
  ACCESS_CODE_ALPHABET,
  formatAccessCode,
  isAccessCodeShape,
  isLinkTokenShape,
  issueTokenSecrets,
  newAccessCode,
  newLinkToken,
  normalizeAccessCode,
  resolveCredential,
} from '../../server/tokens/service.js';
import { createTestEnv, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

const DAY = 24 * 60 * 60 * 1000;

/** A test environment closed (and its folder removed) when the test ends. */
function testEnv(): TestEnv {
  const env = createTestEnv();
  onTestFinished(() => env.close());
  return env;
}

/** The access code as stored and looked up: the printed groups without dashes. */
const bareCode = (link: IssuedLink) => link.access_code.replaceAll('-', '');

/** Random bytes that are all the same value, to see exactly how bytes become symbols. */
const constantBytes = (value: number) => (size: number) => Buffer.alloc(size, value);

describe('newLinkToken', () => {
  it('makes 32 URL-safe characters that decode to 24 random bytes (192 bits)', () => {
    const token = newLinkToken(randomBytes);

    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(24);
    expect(Buffer.from(token, 'base64url').toString('base64url')).toBe(token);
    expect(isLinkTokenShape(token)).toBe(true);
  });

  it('asks the random source for 24 bytes and encodes exactly those', () => {
    const requested: number[] = [];
    const bytes = Buffer.from(Array.from({ length: 24 }, (_, i) => i * 10));

    const token = newLinkToken((size) => {
      requested.push(size);
      return bytes;
    });

    expect(requested).toEqual([24]);
    expect(Buffer.from(token, 'base64url')).toEqual(bytes);
  });

  it('never repeats in 10,000 tokens', () => {
    const tokens = Array.from({ length: 10_000 }, () => newLinkToken(randomBytes));

    expect(new Set(tokens).size).toBe(10_000);
  });
});

describe('newAccessCode', () => {
  it('has an alphabet of 32 symbols without the look-alikes 0, O, 1 and I', () => {
    expect(ACCESS_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(ACCESS_CODE_ALPHABET).size).toBe(32);
    for (const lookAlike of ['0', 'O', '1', 'I']) expect(ACCESS_CODE_ALPHABET).not.toContain(lookAlike);
  });

  it('makes 12 symbols from the alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const code = newAccessCode(randomBytes);
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
      expect(isAccessCodeShape(code)).toBe(true);
    }
  });

  it('maps each byte to a symbol by its low 5 bits', () => {
    expect(newAccessCode(constantBytes(0))).toBe('222222222222');
    expect(newAccessCode(constantBytes(31))).toBe('ZZZZZZZZZZZZ');
    expect(newAccessCode(constantBytes(32 + 8))).toBe('AAAAAAAAAAAA');
    expect(newAccessCode(constantBytes(255))).toBe('ZZZZZZZZZZZZ');
  });

  it('uses every symbol about equally often (each within ±25% of expected over 60,000 symbols)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      for (const symbol of newAccessCode(randomBytes)) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    // 1,875 expected per symbol; the standard deviation is about 42, so ±469 is over 11 sigma.
    const expected = 60_000 / ACCESS_CODE_ALPHABET.length;

    expect([...counts.keys()].sort()).toEqual([...ACCESS_CODE_ALPHABET].sort());
    for (const [symbol, count] of counts) {
      expect({ symbol, within: Math.abs(count - expected) <= expected * 0.25 }).toEqual({ symbol, within: true });
    }
  });
});

describe('formatAccessCode', () => {
  it('prints a code as three groups of four: XXXX-XXXX-XXXX', () => {
    expect(formatAccessCode('KQ7M4T9XWP2H')).toBe('KQ7M-4T9X-WP2H');
    expect(formatAccessCode(newAccessCode(randomBytes))).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){2}$/);
  });
});

describe('normalizeAccessCode', () => {
  it.each([
    ['printed', 'KQ7M-4T9X-WP2H'],
    ['lower case', 'kq7m-4t9x-wp2h'],
    ['spaces instead of dashes', 'KQ7M 4T9X WP2H'],
    ['no separators', 'KQ7M4T9XWP2H'],
    ['stray spaces and dashes', ' kq7m - 4t9x--wp2h '],
  ])('accepts a code typed %s', (_case, typed) => {
    expect(normalizeAccessCode(typed)).toEqual({ ok: true, code: 'KQ7M4T9XWP2H' });
  });

  it.each([
    ['too short', 'KQ7M-4T9X-WP2'],
    ['too long', 'KQ7M-4T9X-WP2HA'],
    ['empty', ''],
  ])('rejects a code that is %s, saying how long a code is', (_case, typed) => {
    expect(normalizeAccessCode(typed)).toEqual({
      ok: false,
      message: 'An access code has 12 letters and digits, like KQ7M-4T9X-WP2H.',
    });
  });

  it.each([
    ['the digit 0', 'KQ7M-4T9X-WP20', '"0" does not appear in access codes (did you mean the letter?)'],
    ['the letter O', 'KQ7M-4T9X-WPO2', '"O" does not appear in access codes (codes use no letter O)'],
    ['the digit 1', 'KQ7M-1T9X-WP2H', '"1" does not appear in access codes'],
    ['the letter I', 'KQ7M-4T9X-WPI2', '"I" does not appear in access codes (codes use no letter I)'],
    ['the lower-case letter i', 'kq7m-4t9x-wpi2', '"I" does not appear in access codes (codes use no letter I)'],
    ['punctuation', 'KQ7M.4T9XWP2', '"." does not appear in access codes'],
  ])('rejects a code containing %s, naming the character', (_case, typed, start) => {
    const result = normalizeAccessCode(typed);

    expect(result).toEqual({ ok: false, message: `${start}. Check the code on your letter.` });
  });
});

describe('hashSecret', () => {
  it('is the SHA-256 hex digest of the secret, never the secret itself', () => {
    const secret = newLinkToken(randomBytes);

    const hash = hashSecret(secret);

    expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
  });

  it('gives the known digest of a known value', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is what issueTokenSecrets stores for the link and the code', () => {
    const issued = issueTokenSecrets(randomBytes);

    expect(issued.linkHash).toBe(hashSecret(issued.link));
    expect(issued.codeHash).toBe(hashSecret(issued.code));
    expect(issued.linkHash).not.toBe(issued.codeHash);
  });
});

describe('resolveCredential', () => {
  it('finds the live token behind a link token and behind its access code', () => {
    const env = testEnv();
    const [link] = seedFielding(env, { offices: 1 }) as [IssuedLink];
    const tokens = createRepos(env.db).tokens;

    const byLink = resolveCredential(tokens, tokenOf(link), env.clock());
    const byCode = resolveCredential(tokens, bareCode(link), env.clock());

    expect(byLink.kind).toBe('link');
    expect(byLink.token).toMatchObject({ revoked_at: null, expires_at: null, fielding_closes_at: null });
    expect(byCode.kind).toBe('code');
    expect(byCode.token).toEqual(byLink.token);
  });

  it('tells the tokens of different offices apart', () => {
    const env = testEnv();
    const [first, second] = seedFielding(env, { offices: 2 }) as [IssuedLink, IssuedLink];
    const tokens = createRepos(env.db).tokens;

    const a = resolveCredential(tokens, tokenOf(first), env.clock()).token;
    const b = resolveCredential(tokens, tokenOf(second), env.clock()).token;

    expect(a?.case_id).toBeDefined();
    expect(b?.case_id).toBeDefined();
    expect(a?.case_id).not.toBe(b?.case_id);
  });

  it('returns no token for a well-formed link or code that was never issued', () => {
    const env = testEnv();
    seedFielding(env, { offices: 1 });
    const tokens = createRepos(env.db).tokens;

    expect(resolveCredential(tokens, newLinkToken(randomBytes), env.clock())).toEqual({
      kind: 'link',
      token: undefined,
    });
    expect(resolveCredential(tokens, newAccessCode(randomBytes), env.clock())).toEqual({
      kind: 'code',
      token: undefined,
    });
  });

  it('returns no token for a revoked link or its code', () => {
    const env = testEnv();
    const [link] = seedFielding(env, { offices: 1 }) as [IssuedLink];
    const repos = createRepos(env.db);

    const revoked = revokeTokens(
      { repos, random: env.random, clock: env.clock, publicUrl: env.config.publicUrl },
      { kind: 'secret', value: link.link },
    );

    expect(revoked).toBe(1);
    expect(resolveCredential(repos.tokens, tokenOf(link), env.clock())).toEqual({ kind: 'link', token: undefined });
    expect(resolveCredential(repos.tokens, bareCode(link), env.clock())).toEqual({ kind: 'code', token: undefined });
  });

  it('works until the fielding closes and then returns no live token, only the closed one apart', () => {
    const env = testEnv();
    const closesAt = new Date(env.clock().getTime() + 7 * DAY);
    const [link] = seedFielding(env, { offices: 1, closesAt }) as [IssuedLink];
    const tokens = createRepos(env.db).tokens;

    env.clock.advance(7 * DAY - 1);
    const lastMoment = resolveCredential(tokens, tokenOf(link), env.clock());
    env.clock.advance(1);
    const closed = resolveCredential(tokens, tokenOf(link), env.clock());
    const closedCode = resolveCredential(tokens, bareCode(link), env.clock());

    expect(lastMoment.token?.fielding_closes_at).toBe(closesAt.toISOString());
    expect(closed).toMatchObject({ kind: 'link', token: undefined, closedToken: { id: lastMoment.token?.id } });
    expect(closedCode).toMatchObject({ kind: 'code', token: undefined, closedToken: { id: lastMoment.token?.id } });
  });

  it('returns no token once the token itself has expired', () => {
    const env = testEnv();
    const [link] = seedFielding(env, { offices: 1 }) as [IssuedLink];
    const expiresAt = new Date(env.clock().getTime() + DAY).toISOString();
    env.db.prepare('UPDATE tokens SET expires_at = ? WHERE link_hash = ?').run(expiresAt, hashSecret(tokenOf(link)));
    const tokens = createRepos(env.db).tokens;

    const before = resolveCredential(tokens, tokenOf(link), env.clock());
    env.clock.advance(DAY);
    const after = resolveCredential(tokens, tokenOf(link), env.clock());

    expect(before.token?.expires_at).toBe(expiresAt);
    expect(after).toEqual({ kind: 'link', token: undefined });
  });

  it.each([
    ['an empty string', ''],
    ['a link token one character short', 'A'.repeat(31)],
    ['a link token with a character outside base64url', `${'A'.repeat(31)}+`],
    ['a printed code with its dashes (callers normalize first)', 'KQ7M-4T9X-WP2H'],
    ['a code with a look-alike letter', 'KQ7M4T9XWPO2'],
    ['SQL', "' OR 1=1 --"],
  ])('calls %s malformed and returns no token', (_case, credential) => {
    const env = testEnv();
    seedFielding(env, { offices: 1 });

    expect(resolveCredential(createRepos(env.db).tokens, credential, env.clock())).toEqual({
      kind: 'malformed',
      token: undefined,
    });
  });
});
