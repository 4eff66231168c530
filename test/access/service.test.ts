import { describe, expect, it } from 'vitest';
import { delayAfter } from '../../server/access/service.js';
import { clientKey } from '../../server/http/client.js';

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('counts %j as %j (IPv6 by its /64, which one subscriber holds whole)', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});

describe('delayAfter', () => {
  const limits = { baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 };

  it('is free within the allowance, then doubles from the base delay up to the cap', () => {
    const delays = [1, 9, 10, 11, 12, 19, 20, 100, 10_000].map((n) => delayAfter(n, 10, limits));

    expect(delays).toEqual([0, 0, 1000, 2000, 4000, 512_000, 900_000, 900_000, 900_000]);
  });
});
