import { describe, expect, it } from 'vitest';
import { backdrop, contrastRatio, parseCssColor, shadowLayers } from './contrast.js';

describe('the WCAG contrast helper of the browser tests', () => {
  it('gives the known ratios: 21:1 black on white, 4.54:1 for #767676, 1.48:1 for #d4d4d4', () => {
    const white = parseCssColor('rgb(255, 255, 255)');
    expect(contrastRatio(parseCssColor('rgb(0, 0, 0)'), white)).toBeCloseTo(21, 5);
    expect(contrastRatio(parseCssColor('rgb(118, 118, 118)'), white)).toBeCloseTo(4.54, 2);
    expect(contrastRatio(parseCssColor('rgb(212, 212, 212)'), white)).toBeCloseTo(1.48, 2);
  });

  it('paints a translucent colour over its background before comparing (black at 60 % on white: 5.74:1)', () => {
    const white = parseCssColor('rgb(255, 255, 255)');
    expect(contrastRatio(parseCssColor('color(srgb 0 0 0 / 0.6)'), white)).toBeCloseTo(5.74, 2);
    expect(contrastRatio(parseCssColor('rgba(0, 0, 0, 0.6)'), white)).toBeCloseTo(5.74, 2);
  });

  it('stacks background layers from the document down, over white', () => {
    expect(backdrop(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0.5)'])).toEqual({ r: 127.5, g: 127.5, b: 127.5, a: 1 });
    expect(backdrop([])).toEqual({ r: 255, g: 255, b: 255, a: 1 });
  });

  it('reads the layers of a computed box-shadow, inset or not', () => {
    expect(
      shadowLayers('rgb(212, 212, 212) 0px 0px 0px 1px inset, color(srgb 0.1 0.3 0.8 / 0.6) 0px 0px 0px 4px'),
    ).toEqual([
      { color: 'rgb(212, 212, 212)', blur: 0, spread: 1, inset: true },
      { color: 'color(srgb 0.1 0.3 0.8 / 0.6)', blur: 0, spread: 4, inset: false },
    ]);
    expect(shadowLayers('none')).toEqual([]);
  });

  it('refuses a colour it cannot read rather than guessing', () => {
    expect(() => parseCssColor('oklch(0.5 0.1 200)')).toThrow('unsupported colour "oklch(0.5 0.1 200)"');
  });
});
