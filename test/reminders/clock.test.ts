import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/platform/config.js';
import { clockOf } from '../../server/runtime.js';

describe('FIELDKIT_NOW (act as if it were this instant)', () => {
  it('is off by default: the clock is the real time', () => {
    const config = parseConfig({});
    expect(config.clockStartsAt).toBeUndefined();
    expect(clockOf(config, () => 1_000)().toISOString()).toBe(new Date(1_000).toISOString());
  });

  it('starts the clock at the given instant, in any time zone, and lets it run on at the real pace', () => {
    const config = parseConfig({ FIELDKIT_NOW: '2027-03-01T10:00:00+01:00' });
    expect(config.clockStartsAt).toBe('2027-03-01T09:00:00.000Z');
    let real = 5_000_000;
    const clock = clockOf(config, () => real);
    expect(clock().toISOString()).toBe('2027-03-01T09:00:00.000Z');
    real += 1_500;
    expect(clock().toISOString()).toBe('2027-03-01T09:00:01.500Z');
  });

  it.each(['2027-03-01', '2027-03-01T09:00:00', 'next monday', ''])(
    'refuses %j, naming the variable and the format',
    (value) => {
      expect(() => parseConfig({ FIELDKIT_NOW: value })).toThrow(ConfigError);
      expect(() => parseConfig({ FIELDKIT_NOW: value })).toThrow(
        /FIELDKIT_NOW: must be an ISO 8601 instant with a time zone, e\.g\. 2027-03-01T09:00:00Z/,
      );
    },
  );
});
