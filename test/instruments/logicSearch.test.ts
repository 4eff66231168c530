import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../server/instruments/registry.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { expectRuleWorks, rulesOf, searchRule, targetLabel } from '../support/logicSearch.js';

/** A made-up instrument with the rule kinds and places the shipped files do not (yet) use. */
const syntheticInstrument = (elements: unknown[]) =>
  madeUpInstrument('logic-test', [
    { name: 'intro', elements: [CONSENT_QUESTION] },
    { name: 'main', visibleIf: '{consent} = 1', elements },
  ]);

const flag = { type: 'radiogroup', name: 'flag', choices: [1, 2, -7] };
const count = { type: 'text', name: 'n', inputType: 'number', min: 0, max: 99 };

describe('the rule search', () => {
  const ruleNamed = (instrument: Instrument, label: string) => {
    const rule = rulesOf(instrument).find((r) => targetLabel(r.target) === label);
    if (!rule) throw new Error(`no rule on ${label}`);
    return rule;
  };

  it('finds no answers that show an item whose rule contradicts itself', () => {
    const instrument = syntheticInstrument([
      flag,
      { type: 'text', name: 'dead', visibleIf: '{flag} = 1 and {flag} = 2' },
    ]);
    const search = searchRule(ruleNamed(instrument, 'dead'));
    expect(search.holding).toBeUndefined();
    expect(search.failing).toBeDefined();
  });

  it('finds no answers that hide an item whose rule is always true', () => {
    const instrument = syntheticInstrument([
      flag,
      { type: 'text', name: 'always', visibleIf: '{flag} notempty or {flag} empty' },
    ]);
    expect(searchRule(ruleNamed(instrument, 'always')).failing).toBeUndefined();
  });

  it('does not count an answer set that meets the rule while the item’s panel is hidden', () => {
    const instrument = syntheticInstrument([
      flag,
      count,
      {
        type: 'panel',
        name: 'box',
        visibleIf: '{n} > 10',
        elements: [{ type: 'text', name: 'inner', visibleIf: '{flag} = 1 and {n} < 5' }],
      },
    ]);
    const search = searchRule(ruleNamed(instrument, 'inner'));
    expect(search.holding).toBeUndefined();
    expect(search.holdsButHiddenByContainer).toBeGreaterThan(0);
  });

  it('checks requiredIf, enableIf, matrix columns and repeating-panel entries in survey-core', () => {
    const instrument = syntheticInstrument([
      flag,
      count,
      { type: 'text', name: 'req', requiredIf: '{flag} = 1' },
      { type: 'text', name: 'ena', enableIf: '{n} >= 3' },
      {
        type: 'matrixdropdown',
        name: 'grid',
        rows: ['2017', '2018'],
        columns: [
          { name: 'a', cellType: 'text', inputType: 'number' },
          { name: 'b', cellType: 'text', inputType: 'number', visibleIf: '{flag} = 2' },
        ],
      },
      {
        type: 'paneldynamic',
        name: 'people',
        templateElements: [
          { type: 'checkbox', name: 'kind', choices: [1, 2, 3] },
          { type: 'text', name: 'why', visibleIf: '{panel.kind} contains 3' },
          { type: 'text', name: 'note', visibleIf: '{flag} = 2' },
        ],
      },
    ]);
    const rules = rulesOf(instrument);
    expect(rules.map((r) => targetLabel(r.target))).toEqual([
      'page main',
      'req',
      'ena',
      'grid column b',
      'people[].why',
      'people[].note',
    ]);
    for (const rule of rules) expectRuleWorks(rule);
  });
});
