import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentRegistry } from '../../server/instruments/registry.js';
import { frameRow } from '../factories/frame.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { backdrop, contrastRatio, parseCssColor, shadowLayers } from '../support/contrast.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';
import { WAIT } from './phase1Driver.js';

/*
 * Issue 27, point 11 (WCAG 1.4.3, 1.4.11, 2.4.7): every kind of control the instruments use, on a
 * respondent page, measured as Chromium paints it. A control's edge and its focus indicator need
 * 3:1 against the background around it, and text 4.5:1 against the background behind it. The
 * focus indicator is what focus adds (an outline, a ring, a border) on the focused element or on
 * the decorator SurveyJS draws in place of a hidden native input.
 */

const choices = [
  { value: 1, text: 'First choice' },
  { value: 2, text: 'Second choice' },
];
const row = [{ value: 1, text: 'Row one' }];
const controls = madeUpInstrument('every-control', [
  {
    name: 'controls',
    title: 'Every control',
    description: 'One of each kind of control the instruments use.',
    elements: [
      { ...CONSENT_QUESTION, title: 'Consent' },
      { type: 'radiogroup', name: 'radio', title: 'Radio', choices },
      { type: 'checkbox', name: 'check', title: 'Checkbox', choices },
      { type: 'dropdown', name: 'drop', title: 'Dropdown', choices },
      { type: 'text', name: 'txt', title: 'Text' },
      { type: 'text', name: 'count', title: 'Count', inputType: 'number', dk: true },
      { type: 'comment', name: 'note', title: 'Comment' },
      { type: 'matrix', name: 'grid', title: 'Matrix', rows: row, columns: choices },
      {
        type: 'matrixdropdown',
        name: 'cells',
        title: 'Cells',
        rows: row,
        columns: [{ name: 'n', title: 'Number', cellType: 'text', inputType: 'number', dk: true }],
      },
      {
        type: 'paneldynamic',
        name: 'people',
        title: 'People',
        minPanelCount: 1,
        maxPanelCount: 3,
        panelAddText: 'Add a person',
        panelRemoveText: 'Remove this person',
        templateElements: [{ type: 'text', name: 'who', title: 'Name' }],
      },
      {
        type: 'multipletext',
        name: 'multi',
        title: 'Multi',
        items: [
          { name: 'a', title: 'Item A', inputType: 'number', dk: true },
          { name: 'b', title: 'Item B' },
        ],
      },
    ],
  },
  { name: 'last', title: 'Last page', elements: [{ type: 'text', name: 'last', title: 'Last' }] },
]);

let h: BrowserHarness;
let page: Page;
beforeAll(async () => {
  h = await startBrowserHarness({ instruments: createInstrumentRegistry([controls]) });
  const [link] = seedFielding(h.env, { name: 'contrast', instrument: 'every-control', rows: [frameRow(1)] });
  if (!link) throw new Error('no link issued');
  page = await (await h.browser.newContext()).newPage();
  await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
  await page.getByRole('heading', { name: 'Multi', exact: true }).waitFor(WAIT);
  await page.getByRole('button', { name: 'Add a person', exact: true }).waitFor(WAIT);
});
afterAll(async () => {
  await h?.close();
});

/** What Chromium paints for an element (or its ::before/::after), as computed style strings. */
type Painted = {
  color: string;
  borders: { color: string; width: number; style: string }[];
  outline: { color: string; width: number; style: string };
  shadow: string;
  /** Background colours from the document down to the element's parent. */
  around: string[];
  /** The element's own background colour. */
  fill: string;
  /** Width and height: a 1 px "visually hidden" input paints nothing anyone can see. */
  size: { width: number; height: number };
  matchesFocusVisible: boolean;
};

function paintOf(locator: Locator, pseudo?: '::before' | '::after' | '::placeholder'): Promise<Painted> {
  return locator.evaluate((element, pseudoElement) => {
    const style = getComputedStyle(element, pseudoElement ?? null);
    const around: string[] = [];
    for (let at = element.parentElement; at; at = at.parentElement)
      around.unshift(getComputedStyle(at).backgroundColor);
    const side = (name: 'Top' | 'Right' | 'Bottom' | 'Left') => ({
      color: style.getPropertyValue(`border-${name.toLowerCase()}-color`),
      width: Number.parseFloat(style.getPropertyValue(`border-${name.toLowerCase()}-width`)) || 0,
      style: style.getPropertyValue(`border-${name.toLowerCase()}-style`),
    });
    const box = element.getBoundingClientRect();
    return {
      color: style.color,
      borders: (['Top', 'Right', 'Bottom', 'Left'] as const).map(side),
      outline: {
        color: style.outlineColor,
        width: Number.parseFloat(style.outlineWidth) || 0,
        style: style.outlineStyle,
      },
      shadow: style.boxShadow,
      around,
      fill: style.backgroundColor,
      size: { width: box.width, height: box.height },
      matchesFocusVisible: element.matches(':focus-visible'),
    };
  }, pseudo ?? null);
}

/**
 * Each hard edge a style draws (border, outline, box-shadow ring, and a fill, which is the edge of
 * a filled button), keyed by where and what it is.
 */
function linesOf(painted: Painted, where: string): Map<string, string> {
  const lines = new Map<string, string>();
  const visible = painted.size.width > 2 && painted.size.height > 2;
  if (!visible) return lines;
  for (const border of painted.borders) {
    if (border.width >= 1 && border.style !== 'none' && border.style !== 'hidden') {
      lines.set(`${where} border ${border.color} ${border.width}px`, border.color);
    }
  }
  if (painted.outline.width >= 1 && painted.outline.style !== 'none') {
    lines.set(`${where} outline ${painted.outline.color} ${painted.outline.width}px`, painted.outline.color);
  }
  if (parseCssColor(painted.fill).a > 0) lines.set(`${where} fill ${painted.fill}`, painted.fill);
  for (const layer of shadowLayers(painted.shadow)) {
    // A ring is a shadow with spread and (next to) no blur; a soft drop shadow is no edge.
    if (layer.spread >= 1 && layer.blur <= 1) {
      lines.set(`${where} ${layer.inset ? 'inset ' : ''}ring ${layer.color} ${layer.spread}px`, layer.color);
    }
  }
  return lines;
}

/** SurveyJS eases its rings in (150 ms transitions): measure what stands once they have run. */
const settled = (p: Page) =>
  p.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)).then(() => undefined));

async function allLines(parts: { locator: Locator; pseudo?: '::before' | '::after'; where: string }[]) {
  const lines = new Map<string, string>();
  for (const part of parts) {
    for (const [key, color] of linesOf(await paintOf(part.locator, part.pseudo), part.where)) lines.set(key, color);
  }
  return lines;
}

/** The best contrast among the lines against the background around `box`, and what was measured. */
async function bestAgainstSurroundings(box: Locator, lines: Map<string, string>) {
  const around = backdrop((await paintOf(box)).around);
  let best = 0;
  const measured: string[] = [];
  for (const [key, color] of lines) {
    const ratio = contrastRatio(parseCssColor(color), around);
    measured.push(`${key} → ${ratio.toFixed(2)}:1`);
    best = Math.max(best, ratio);
  }
  return { best, measured };
}

type Control = {
  kind: string;
  /** What takes focus. */
  focus: (page: Page) => Locator;
  /** What a sighted person sees as the control: SurveyJS's decorator or box, or the element itself. */
  box: (page: Page) => Locator;
};

const question = (p: Page, name: string) => p.locator(`[data-name="${name}"]`);
const CONTROLS: Control[] = [
  {
    kind: 'radio button',
    focus: (p) => question(p, 'radio').locator('input').first(),
    box: (p) => question(p, 'radio').locator('.sd-item__decorator').first(),
  },
  {
    kind: 'checkbox',
    focus: (p) => question(p, 'check').locator('input').first(),
    box: (p) => question(p, 'check').locator('.sd-item__decorator').first(),
  },
  {
    kind: 'matrix cell',
    focus: (p) => question(p, 'grid').locator('input').first(),
    box: (p) => question(p, 'grid').locator('.sd-item__decorator').first(),
  },
  {
    kind: 'dropdown',
    focus: (p) => question(p, 'drop').getByRole('combobox'),
    box: (p) => question(p, 'drop').locator('.sd-dropdown'),
  },
  {
    kind: 'text input',
    focus: (p) => question(p, 'txt').locator('input'),
    box: (p) => question(p, 'txt').locator('.sd-formbox'),
  },
  {
    kind: 'count input',
    focus: (p) => question(p, 'count').locator('input'),
    box: (p) => question(p, 'count').locator('.sd-formbox'),
  },
  {
    kind: 'comment box',
    focus: (p) => question(p, 'note').locator('textarea'),
    box: (p) => question(p, 'note').locator('.sd-formbox'),
  },
  {
    kind: 'matrix text cell',
    focus: (p) => question(p, 'cells').locator('input'),
    box: (p) => question(p, 'cells').locator('.sd-formbox').first(),
  },
  {
    kind: 'multiple-text item',
    focus: (p) => question(p, 'multi').locator('input').last(),
    box: (p) => question(p, 'multi').locator('.sd-multipletext__item-container').last(),
  },
  {
    kind: 'add-a-panel button',
    focus: (p) => p.getByRole('button', { name: 'Add a person', exact: true }),
    box: (p) => p.getByRole('button', { name: 'Add a person', exact: true }),
  },
  {
    kind: 'Don’t know button',
    focus: (p) => question(p, 'count').locator('.fk-dk'),
    box: (p) => question(p, 'count').locator('.fk-dk'),
  },
  {
    kind: 'Next button',
    focus: (p) => p.getByRole('button', { name: 'Next', exact: true }),
    box: (p) => p.getByRole('button', { name: 'Next', exact: true }),
  },
];

const partsOf = (control: Control) => [
  { locator: control.box(page), where: 'box' },
  { locator: control.box(page), pseudo: '::before' as const, where: 'box::before' },
  { locator: control.box(page), pseudo: '::after' as const, where: 'box::after' },
  { locator: control.focus(page), where: 'focused element' },
];

describe('respondent controls in Chromium: edges and focus', { timeout: 60_000 }, () => {
  /** The lines drawn on and around the control, with nothing focused. */
  async function unfocusedLines(control: Control) {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await control.box(page).scrollIntoViewIfNeeded(WAIT);
    await settled(page);
    return allLines(partsOf(control));
  }

  for (const control of CONTROLS) {
    it(`${control.kind}: its edge has 3:1 to the background around it`, async () => {
      const edge = await bestAgainstSurroundings(control.box(page), await unfocusedLines(control));
      expect(edge.best, `${control.kind} edge: ${edge.measured.join('; ') || 'no edge drawn'}`).toBeGreaterThanOrEqual(
        3,
      );
    });

    it(`${control.kind}: what keyboard focus adds has 3:1 to the background around it`, async () => {
      const unfocused = await unfocusedLines(control);
      await control.focus(page).focus();
      await settled(page);
      expect((await paintOf(control.focus(page))).matchesFocusVisible, `${control.kind} shows keyboard focus`).toBe(
        true,
      );
      const focused = await allLines(partsOf(control));
      const added = new Map([...focused].filter(([key]) => !unfocused.has(key)));
      const indicator = await bestAgainstSurroundings(control.box(page), added);
      expect(
        indicator.best,
        `${control.kind} focus indicator: ${indicator.measured.join('; ') || 'nothing changes on focus'}`,
      ).toBeGreaterThanOrEqual(3);
    });
  }

  it('progress steps not reached yet have an edge of 3:1 to the page', async () => {
    const step = page.locator('.fk-progress__step').last();
    const edge = await bestAgainstSurroundings(step, await allLines([{ locator: step, where: 'step' }]));
    expect(edge.best, `progress step edge: ${edge.measured.join('; ')}`).toBeGreaterThanOrEqual(3);
  });
});

describe('respondent text in Chromium', { timeout: 60_000 }, () => {
  const TEXTS: { what: string; locate: (p: Page) => Locator; pseudo?: '::placeholder' }[] = [
    { what: 'page title', locate: (p) => p.locator('.sd-page__title').first() },
    { what: 'page description', locate: (p) => p.locator('.sd-page__description').first() },
    { what: 'question title', locate: (p) => question(p, 'radio').locator('.sd-question__title') },
    { what: 'choice label', locate: (p) => question(p, 'radio').locator('.sd-item__control-label').first() },
    { what: 'matrix column header', locate: (p) => question(p, 'grid').locator('th').first() },
    { what: 'matrix row text', locate: (p) => question(p, 'grid').locator('.sd-table__cell--row-text').first() },
    {
      what: 'multiple-text item label',
      locate: (p) => question(p, 'multi').locator('.sd-multipletext__item-title').first(),
    },
    { what: 'dropdown placeholder', locate: (p) => question(p, 'drop').getByRole('combobox'), pseudo: '::placeholder' },
    { what: 'typed text', locate: (p) => question(p, 'txt').locator('input') },
    { what: 'Don’t know button', locate: (p) => question(p, 'count').locator('.fk-dk') },
    { what: 'add-a-panel button', locate: (p) => p.getByRole('button', { name: 'Add a person', exact: true }) },
    { what: 'Next button', locate: (p) => p.locator('.sd-navigation__next-btn .sd-action__title') },
    { what: 'progress count', locate: (p) => p.locator('.fk-progress__count') },
    { what: 'introduction', locate: (p) => p.locator('.fk-lede') },
  ];

  it('has 4.5:1 for every kind of text against what is behind it', async () => {
    await question(page, 'txt').locator('input').fill('Typed answer');
    const measured: string[] = [];
    const failing: string[] = [];
    for (const text of TEXTS) {
      const target = text.locate(page);
      const painted = await paintOf(target, text.pseudo);
      const own = await paintOf(target);
      const behind = backdrop([...own.around, own.fill]);
      const ratio = contrastRatio(parseCssColor(painted.color), behind);
      const line = `${text.what}: ${painted.color} on ${behind.r.toFixed(0)},${behind.g.toFixed(0)},${behind.b.toFixed(0)} → ${ratio.toFixed(2)}:1`;
      measured.push(line);
      if (ratio < 4.5) failing.push(line);
    }
    expect(failing, measured.join('\n')).toEqual([]);
  });
});
