import '../../server/instruments/extensions.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { QuestionPanelDynamicModel } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { buildSurveyModel } from '../../client/respond/surveyModel.js';
import { projectRoot } from '../../server/platform/paths.js';
import { openState } from './fixtures.js';

/** The test instrument with defendants (key def_no), their charges (key charge_no) and victims (no key). */
const fixture = JSON.parse(
  readFileSync(path.join(projectRoot, 'test', 'fixtures', 'instruments', 'nested', 'nested-panels.json'), 'utf8'),
) as { meta: { panelKeys: Record<string, string> }; survey: Record<string, unknown> };

const open = (answers: Record<string, unknown> = {}) => {
  const base = openState();
  return buildSurveyModel({
    ...base,
    instrument: { ...base.instrument, consent: null, survey: fixture.survey, panelKeys: fixture.meta.panelKeys },
    answers,
  });
};
const keysOf = (entries: unknown, keyName: string) => (entries as Record<string, unknown>[]).map((e) => e[keyName]);

describe('stable entry keys through SurveyJS (survey-core 3.0.0 in Node)', () => {
  it('gives each entry added the next key and keeps every key when entries are removed, moved and added', () => {
    const model = open({ has_defs: 1 });
    const defs = model.getQuestionByName('defs') as QuestionPanelDynamicModel;
    defs.addPanel();
    defs.addPanel();
    defs.addPanel();
    expect(keysOf(model.data.defs, 'def_no')).toEqual([1, 2, 3]);
    for (const [i, entry] of defs.panels.entries()) entry.getQuestionByName('d_role').value = i === 1 ? 2 : 1;

    // Charges inside the first defendant: their keys are the defendant's own, from 1.
    const charges = defs.panels[0]?.getQuestionByName('charges') as QuestionPanelDynamicModel;
    charges.addPanel();
    charges.addPanel();
    charges.addPanel();
    for (const [i, entry] of charges.panels.entries()) entry.getQuestionByName('c_stat').value = i + 1;
    charges.removePanel(1);
    expect(model.data.defs[0].charges).toEqual([
      { charge_no: 1, c_stat: 1 },
      { charge_no: 3, c_stat: 3 },
    ]);

    // Removing the second defendant: the others keep 1 and 3, and the next one added gets 4.
    defs.removePanel(1);
    expect(keysOf(model.data.defs, 'def_no')).toEqual([1, 3]);
    // Moving: the entries change places, each with its key and everything inside it.
    defs.value = [...(defs.value as unknown[])].reverse();
    expect(keysOf(model.data.defs, 'def_no')).toEqual([3, 1]);
    expect(model.data.defs[1].charges).toEqual([
      { charge_no: 1, c_stat: 1 },
      { charge_no: 3, c_stat: 3 },
    ]);
    defs.addPanel();
    expect(keysOf(model.data.defs, 'def_no')).toEqual([3, 1, 4]);
    // A defendant added later numbers its own charges from 1.
    const later = defs.panels[2]?.getQuestionByName('charges') as QuestionPanelDynamicModel;
    later.addPanel();
    expect(model.data.defs[2].charges).toEqual([{ charge_no: 1 }]);

    // The keys survive completion: SurveyJS keeps a shown read-only question's value.
    model.doComplete();
    expect(keysOf(model.data.defs, 'def_no')).toEqual([3, 1, 4]);
    expect(keysOf(model.data.defs[1].charges, 'charge_no')).toEqual([1, 3]);
    // A panel without a declared key gets none.
    expect(model.data.victims).toBeUndefined();
  });

  it('gives the entries shown on opening that have no key theirs, after the keys already there', () => {
    const model = open({ has_defs: 1, defs: [{ def_no: 2, d_role: 1 }, { d_role: 2 }, { charges: [{ c_stat: 4 }] }] });
    expect(model.data.defs).toEqual([
      { def_no: 2, d_role: 1 },
      { def_no: 3, d_role: 2 },
      { def_no: 4, charges: [{ charge_no: 1, c_stat: 4 }] },
    ]);
  });

  it('leaves the answers alone for an instrument without panelKeys', () => {
    const base = openState();
    const model = buildSurveyModel({
      ...base,
      instrument: { ...base.instrument, consent: null, survey: fixture.survey },
      answers: { has_defs: 1, defs: [{ d_role: 1 }] },
    });
    (model.getQuestionByName('defs') as QuestionPanelDynamicModel).addPanel();
    expect(model.data.defs).toEqual([{ d_role: 1 }, {}]);
  });
});
