/**
 * WCAG 2.1 contrast from computed CSS colours, for browser tests that measure what is painted
 * (getComputedStyle), not what a stylesheet meant. Colours arrive as Chromium serializes them:
 * `rgb(…)`, `rgba(…)`, `color(srgb r g b / a)` (relative colours) or `transparent`.
 */

export type Rgba = { r: number; g: number; b: number; a: number };

const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };

export function parseCssColor(text: string): Rgba {
  const value = text.trim().toLowerCase();
  if (value === 'transparent' || value === '') return { r: 0, g: 0, b: 0, a: 0 };
  const numbers = (inner: string) =>
    inner
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map((part) => (part.endsWith('%') ? Number(part.slice(0, -1)) / 100 : Number(part)));
  const rgb = /^rgba?\(([^)]*)\)$/.exec(value);
  if (rgb?.[1] !== undefined) {
    const [r = 0, g = 0, b = 0, a = 1] = numbers(rgb[1]);
    return { r, g, b, a };
  }
  const srgb = /^color\(srgb ([^)]*)\)$/.exec(value);
  if (srgb?.[1] !== undefined) {
    const [r = 0, g = 0, b = 0, a = 1] = numbers(srgb[1]);
    return { r: r * 255, g: g * 255, b: b * 255, a };
  }
  throw new Error(`unsupported colour "${text}"`);
}

/** `top` painted over an opaque `bottom`. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return {
    r: top.r * a + bottom.r * (1 - a),
    g: top.g * a + bottom.g * (1 - a),
    b: top.b * a + bottom.b * (1 - a),
    a: 1,
  };
}

/** Background colours from the outermost (the document's) to the innermost, painted over white. */
export function backdrop(layers: readonly string[]): Rgba {
  return layers.reduce<Rgba>((below, layer) => over(parseCssColor(layer), below), WHITE);
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(color: Rgba): number {
  return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b);
}

/** WCAG contrast ratio (1..21) of a colour, painted over an opaque background, against it. */
export function contrastRatio(foreground: Rgba, background: Rgba): number {
  const a = relativeLuminance(over(foreground, background));
  const b = relativeLuminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

export type ShadowLayer = { color: string; spread: number; blur: number; inset: boolean };

/** The layers of a computed `box-shadow` ("rgb(…) 0px 0px 0px 2px inset, …"); [] for none. */
export function shadowLayers(boxShadow: string): ShadowLayer[] {
  if (boxShadow === 'none' || boxShadow === '') return [];
  const layers: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < boxShadow.length; i += 1) {
    const ch = boxShadow[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      layers.push(boxShadow.slice(start, i));
      start = i + 1;
    }
  }
  layers.push(boxShadow.slice(start));
  return layers.map((layer) => {
    const colorMatch = /(rgba?\([^)]*\)|color\([^)]*\)|transparent)/.exec(layer);
    const lengths = layer
      .replace(colorMatch?.[0] ?? '', '')
      .match(/-?[\d.]+px/g)
      ?.map((px) => Number.parseFloat(px)) ?? [0, 0];
    return {
      color: colorMatch?.[0] ?? 'transparent',
      blur: lengths[2] ?? 0,
      spread: lengths[3] ?? 0,
      inset: /\binset\b/.test(layer),
    };
  });
}
