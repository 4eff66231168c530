import { describe, expect, it } from 'vitest';
import { stableCaseIds } from '../../server/exports/caseIds.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { completedWave, exportedCsv } from './wave.js';

const idsByOffice = (e: Awaited<ReturnType<typeof exportedCsv>>) =>
  new Map(e.rows.map((r) => [r[e.header.indexOf('office_id')], r[e.header.indexOf('case_id')]]));

describe('case ids of an export', () => {
  it('stay the same across exports of a fielding in the identified file, and are new in every public-use release', async (ctx) => {
    const cleanup = (fn: () => void) => ctx.onTestFinished(fn);
    const rows = Array.from({ length: 8 }, (_, i) => frameRow(i + 1));
    const ws = await completedWave(cleanup, rows, () => chargedOfficeAnswers());
    const first = await exportedCsv(ws, 'first');
    const second = await exportedCsv(ws, 'second', '--completes-only');
    const a = idsByOffice(first);
    const b = idsByOffice(second);
    expect(a.size).toBe(8);
    expect(b).toEqual(a);
    // Nine digits, all different, none the office id or its number.
    const ids = [...a.values()];
    expect(new Set(ids).size).toBe(8);
    for (const [office, id] of a) {
      expect(id).toMatch(/^[1-9]\d{8}$/);
      // Not the office's number in other clothes. (Not "does not contain its digits": a random nine-digit
      // id holds a given three-digit run about once in 140, so that check failed now and then.)
      expect(Number(id)).not.toBe(Number(String(office).replace(/\D/g, '')));
    }
    expect(first.header).toContain('case_id');

    // Public-use releases: their own ids, which link to neither the identified file nor each other.
    const release1 = await exportedCsv(ws, 'public1', '--public', '--k-anonymity', '2');
    const release2 = await exportedCsv(ws, 'public2', '--public', '--k-anonymity', '2');
    const publicIds = (e: typeof release1) => e.rows.map((r) => r[e.header.indexOf('case_id')] as string);
    const p1 = publicIds(release1);
    const p2 = publicIds(release2);
    expect(p1).toHaveLength(8);
    expect(new Set(p1).size).toBe(8);
    expect(p1.filter((id) => ids.includes(id))).toEqual([]);
    expect(p1.filter((id) => p2.includes(id))).toEqual([]);
  }, 60_000);

  it('come from the fielding’s key: the same key gives the same ids, another key others, and earlier cases keep theirs as cases are added', () => {
    const one = stableCaseIds('a'.repeat(64));
    const again = stableCaseIds('a'.repeat(64));
    const other = stableCaseIds('b'.repeat(64));
    const cases = Array.from({ length: 2_000 }, (_, i) => i + 1);
    const ids = cases.map(one);
    expect(cases.map(again)).toEqual(ids);
    expect(cases.map(other).filter((id, i) => id === ids[i])).toEqual([]);
    expect(new Set(ids).size).toBe(cases.length);
    // The first 1,000 cases have the same ids whether or not 1,000 more follow.
    const shorter = stableCaseIds('a'.repeat(64));
    expect(cases.slice(0, 1_000).map(shorter)).toEqual(ids.slice(0, 1_000));
  });
});
