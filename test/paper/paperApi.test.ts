import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { shippedInstruments } from '../support/app.js';

async function analyst() {
  const env = staffEnv();
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return { env, staff: await signIn(env, email) };
}

describe('GET /api/staff/instruments/:id/:version/paper', () => {
  it('answers the printable questionnaire with its skip instructions and a Print button hidden on paper', async () => {
    const { staff } = await analyst();

    const res = await staff.get('/api/staff/instruments/cs-prosecutor-interview/1.0.0/paper');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<button type="button" id="print">Print</button>');
    expect(res.text).toMatch(/@media print \{[\s\S]*\.no-print \{ display: none; \}/);
    expect(res.text).toContain('break-before: page');
    // An interviewer instrument: each conditional question is "Ask only if" the codebook's condition (its
    // section's part stated once at the section's top).
    const instrument = shippedInstruments().get('cs-prosecutor-interview', '1.0.0');
    const conditions = buildCodebook(instrument as NonNullable<typeof instrument>)
      .variables.map((v) => v.condition)
      .filter((c): c is string => c !== null);
    expect(conditions.length).toBeGreaterThan(0);
    const asked = [...res.text.matchAll(/Ask only if (.*?)\.<\/p>/g)].map((m) => m[1]?.replaceAll('&quot;', '"'));
    expect(asked.length).toBeGreaterThan(0);
    for (const a of asked)
      expect(
        conditions.some((c) => c === a || c.endsWith(` and ${a}`)),
        a,
      ).toBe(true);
  });

  it('lets only its own nonced style sheet and print script run, with a new nonce each time', async () => {
    const { staff } = await analyst();
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await staff.get('/api/staff/instruments/tip-prosecutor-survey/1.0.0/paper').expect(200);
      const policy = res.headers['content-security-policy'] as string;
      const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1] as string;
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain(`style-src 'nonce-${nonce}'`);
      expect(policy).not.toContain('unsafe-inline');
      expect(res.text).toContain(`<style nonce="${nonce}">`);
      expect(res.text).toContain(`<script nonce="${nonce}">`);
      // No inline style attribute: the policy would block it.
      expect(res.text).not.toMatch(/\sstyle="/);
      nonces.push(nonce);
    }
    expect(new Set(nonces).size).toBe(2);
  });

  it('answers 404 for a version that is not loaded and 403 to an interviewer', async () => {
    const { env, staff } = await analyst();
    const missing = await staff.get('/api/staff/instruments/tip-prosecutor-survey/9.9.9/paper');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const { email } = await addMember(env, 'interviewer@study.example.org', 'interviewer');
    const interviewer = await signIn(env, email);
    const res = await interviewer.get('/api/staff/instruments/tip-prosecutor-survey/1.0.0/paper');
    expect(res.status).toBe(403);
  });
});
