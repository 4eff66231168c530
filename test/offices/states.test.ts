import { describe, expect, it } from 'vitest';
import { isStateCode, STATE_CODES, STATES, stateFips } from '../../server/offices/states.js';

describe('states', () => {
  it('has the 50 states and DC, each with a distinct FIPS code', () => {
    expect(STATE_CODES).toHaveLength(51);
    expect(new Set(STATE_CODES.map(stateFips)).size).toBe(51);
    expect(STATE_CODES).toContain('DC');
  });

  it('gives FIPS codes, names and Census regions', () => {
    expect(STATES.PA).toEqual({ fips: 42, name: 'Pennsylvania', region: 'Northeast' });
    expect(STATES.DC).toEqual({ fips: 11, name: 'District of Columbia', region: 'South' });
    expect(stateFips('AL')).toBe(1);
    expect(stateFips('WY')).toBe(56);
  });

  it('puts 9 states in the Northeast, 12 in the Midwest, 17 (with DC) in the South and 13 in the West', () => {
    const count = (region: string) => STATE_CODES.filter((code) => STATES[code].region === region).length;
    expect([count('Northeast'), count('Midwest'), count('South'), count('West')]).toEqual([9, 12, 17, 13]);
  });

  it('recognizes only upper-case codes of the 50 states and DC', () => {
    expect(isStateCode('TX')).toBe(true);
    expect(isStateCode('tx')).toBe(false);
    expect(isStateCode('PR')).toBe(false);
    expect(isStateCode('toString')).toBe(false);
  });
});
