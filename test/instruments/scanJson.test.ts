import { describe, expect, it } from 'vitest';
import { scanJson } from '../../server/instruments/valueScan.js';

const scan = (text: string, maxDepth = 4, maxKeys = 3) => scanJson(Buffer.from(text), { maxDepth, maxKeys });

describe('scanJson', () => {
  it('passes JSON within both limits', () => {
    expect(scan('{"answers":{"a":[1,[2]],"b":"x","c":{"r1":1}},"page":0}')).toBeUndefined();
  });

  it('finds nesting deeper than the limit and names the depth-2 key it is under', () => {
    expect(scan('{"answers":{"a":1,"b":[[[1]]]}}')).toEqual({ problem: 'depth', key: 'b' });
  });

  it('finds an object with more keys than the limit', () => {
    expect(scan('{"answers":{"a":1,"b":2,"c":3,"d":4}}')).toMatchObject({ problem: 'keys' });
  });

  it('counts keys per object: several objects each within the limit pass', () => {
    expect(scan('{"a":{"x":1,"y":2,"z":3},"b":{"x":1,"y":2,"z":3},"c":{"x":1,"y":2,"z":3}}')).toBeUndefined();
  });

  it('does not count strings in arrays, or braces, commas and escaped quotes inside strings, as keys', () => {
    expect(scan('{"a":["p","q","r","s","t"],"b":"{\\"x\\":1,,{[","c":1}')).toBeUndefined();
  });
});
