import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAnswerShape, createSurveyModel } from '../../server/instruments/answers.js';
import { checkInstrument } from '../../server/instruments/checker.js';
import { completionErrors } from '../../server/instruments/completion.js';
import { duplicateEntryKeys, fillEntryKeys, nextEntryKey } from '../../server/instruments/entryKeys.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';

const FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'nested', 'nested-panels.json');
type Element = Record<string, unknown> & { templateElements?: Element[] };
type FixtureJson = { meta: Record<string, unknown>; survey: { pages: { elements: Element[] }[] } };
const fixtureJson = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as FixtureJson;
const PANEL_KEYS = { defs: 'def_no', charges: 'charge_no' };

describe('nextEntryKey', () => {
  it('is one above the highest key of the panel, whatever the order, and 1 for none', () => {
    expect(nextEntryKey([], 'def_no')).toBe(1);
    expect(nextEntryKey([{ def_no: 3 }, { def_no: 1 }], 'def_no')).toBe(4);
    // Entries without a key, or with something that is no key, do not count.
    expect(nextEntryKey([{}, { def_no: '7' }, { def_no: 2.5 }, null], 'def_no')).toBe(1);
  });
});

describe('fillEntryKeys', () => {
  it('gives entries without a key the next keys in order, at every depth, and keeps the keys there are', () => {
    const answers = {
      has_defs: 1,
      defs: [
        { def_no: 3, charges: [{ c_stat: 1 }, { charge_no: 2 }, { c_stat: 4 }] },
        { d_role: 1 },
        { def_no: 1, charges: [] },
      ],
      victims: [{ v_minor: 1 }],
    };
    const before = structuredClone(answers);
    expect(fillEntryKeys(answers, PANEL_KEYS)).toEqual({
      has_defs: 1,
      defs: [
        { def_no: 3, charges: [{ c_stat: 1, charge_no: 3 }, { charge_no: 2 }, { c_stat: 4, charge_no: 4 }] },
        { d_role: 1, def_no: 4 },
        { def_no: 1, charges: [] },
      ],
      // A panel without a declared key is left as it is.
      victims: [{ v_minor: 1 }],
    });
    expect(answers).toEqual(before);
  });

  it('reaches a keyed panel inside an unkeyed one', () => {
    expect(fillEntryKeys({ defs: [{ charges: [{}, {}] }] }, { charges: 'charge_no' })).toEqual({
      defs: [{ charges: [{ charge_no: 1 }, { charge_no: 2 }] }],
    });
  });
});

describe('duplicateEntryKeys', () => {
  it('names every key two entries of one panel share, with the panel and the entries, at every depth', () => {
    const answers = {
      defs: [
        { def_no: 1, charges: [{ charge_no: 1 }, { charge_no: 2 }] },
        { def_no: 1, charges: [{ charge_no: 2 }, { charge_no: 5 }, { charge_no: 2 }] },
      ],
    };
    expect(duplicateEntryKeys(answers, PANEL_KEYS)).toEqual([
      { question: 'defs', panel: 'defs', keyName: 'def_no', key: 1, entries: [1, 2] },
      { question: 'defs', panel: 'defs entry 2, charges', keyName: 'charge_no', key: 2, entries: [1, 3] },
    ]);
    // The same key in two defendants' charges is no duplicate: each defendant numbers its own.
    expect(
      duplicateEntryKeys(
        {
          defs: [
            { def_no: 1, charges: [{ charge_no: 1 }] },
            { def_no: 2, charges: [{ charge_no: 1 }] },
          ],
        },
        PANEL_KEYS,
      ),
    ).toEqual([]);
  });
});

describe('the answer check of a keyed panel', () => {
  const instrument = (): Instrument => {
    const json = fixtureJson();
    return {
      key: 'nested-panels@1',
      meta: { ...json.meta, prefill: {} } as Instrument['meta'],
      survey: json.survey,
      contentHash: 'x',
      file: 'nested-panels.json',
    };
  };

  it('refuses two entries with the same key in a draft, naming the panel, the entries and the key', () => {
    const model = createSurveyModel(instrument());
    const answers = {
      has_defs: 1,
      defs: [{ def_no: 1, charges: [{ charge_no: 4 }, { charge_no: 4 }] }, { def_no: 2 }],
    };
    expect(checkAnswerShape(model, answers, PANEL_KEYS).questions).toEqual({
      defs: ['defs entry 1, charges: entries 1 and 2 have the same charge_no (4); each entry needs its own charge_no'],
    });
    expect(checkAnswerShape(model, { has_defs: 1, defs: [{ def_no: 1 }, { def_no: 2 }] }, PANEL_KEYS).count).toBe(0);
  });

  it('refuses them at completion too', () => {
    expect(completionErrors(instrument(), { has_defs: 1, defs: [{ def_no: 2 }, { def_no: 2 }] })).toEqual({
      defs: ['defs: entries 1 and 2 have the same def_no (2); each entry needs its own def_no'],
    });
  });
});

describe('the instrument check of meta.panelKeys', () => {
  const problemsWith = (change: (json: FixtureJson) => void) => {
    const json = fixtureJson();
    change(json);
    return checkInstrument(json).map((p) => p.message);
  };
  const charges = (json: FixtureJson) =>
    json.survey.pages[0]?.elements[1]?.templateElements?.[3]?.templateElements ?? [];

  it('passes the fixture, a panel in a panel, each with its key', () => {
    expect(checkInstrument(fixtureJson())).toEqual([]);
  });

  it('refuses a key for a question that is no repeating panel, or no question at all', () => {
    expect(problemsWith((j) => (j.meta.panelKeys = { ...PANEL_KEYS, has_defs: 'def_no' }))).toEqual([
      'meta.panelKeys["has_defs"]: "has_defs" is a radiogroup question; only a repeating panel (paneldynamic) has entry keys.',
    ]);
    expect(problemsWith((j) => (j.meta.panelKeys = { ...PANEL_KEYS, accused: 'def_no' }))).toEqual([
      'meta.panelKeys["accused"]: "accused" is not a question of the survey; name a repeating panel (paneldynamic).',
    ]);
  });

  it('refuses a key that is not a question of the panel’s entries', () => {
    expect(problemsWith((j) => (j.meta.panelKeys = { ...PANEL_KEYS, victims: 'victim_no' }))).toEqual([
      'meta.panelKeys["victims"]: "victim_no" is not a question of the panel\'s entries; add {"type": "text", "inputType": "number", "name": "victim_no", "readOnly": true} to its templateElements.',
    ]);
  });

  it('refuses a key question that is editable, hidden or not a number, since SurveyJS would not keep it', () => {
    expect(problemsWith((j) => delete (charges(j)[0] as Element).readOnly)).toEqual([
      'meta.panelKeys["charges"]: the entry key "charge_no" must be read-only ("readOnly": true): a key typed by hand could repeat.',
    ]);
    expect(problemsWith((j) => ((charges(j)[0] as Element).visible = false))).toEqual([
      'meta.panelKeys["charges"]: the entry key "charge_no" must always be shown (no "visible": false or visibleIf): a hidden answer is cleared at completion.',
    ]);
    expect(problemsWith((j) => delete (charges(j)[0] as Element).inputType)).toEqual([
      'meta.panelKeys["charges"]: the entry key "charge_no" must be a number question (type "text", inputType "number").',
    ]);
  });
});
