import type { Question, QuestionPanelDynamicModel, QuestionTextModel } from 'survey-core';
import type { CheckProblem } from './checkProblem.js';
import type { InstrumentMeta } from './schema.js';

/**
 * meta.panelKeys must name a repeating panel and, for its entry key, a question of that panel's own
 * entries that keeps its number: a read-only number question that is always shown. SurveyJS keeps
 * such a value in its entry when other entries are added, removed or moved (checked in
 * test/client/entryKeys.test.ts), and a hidden question's value is cleared at completion.
 */
export function checkPanelKeys(
  meta: Pick<InstrumentMeta, 'panelKeys'>,
  questions: readonly Question[],
): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const byName = new Map(questions.map((q) => [q.name, q]));
  for (const [panelName, keyName] of Object.entries(meta.panelKeys ?? {})) {
    const where = `meta.panelKeys["${panelName}"]`;
    const add = (message: string) =>
      problems.push({ rule: 'meta', question: panelName, message: `${where}: ${message}` });
    const panel = byName.get(panelName);
    if (!panel) {
      add(`"${panelName}" is not a question of the survey; name a repeating panel (paneldynamic).`);
      continue;
    }
    if (panel.getType() !== 'paneldynamic') {
      add(`"${panelName}" is a ${panel.getType()} question; only a repeating panel (paneldynamic) has entry keys.`);
      continue;
    }
    if (panel.getValueName() !== panelName) {
      add(
        `the panel stores its entries under valueName "${panel.getValueName()}"; a keyed panel must store them under its own name.`,
      );
    }
    const key = (panel as QuestionPanelDynamicModel).template.questions.find((q) => q.name === keyName);
    if (!key) {
      add(
        `"${keyName}" is not a question of the panel's entries; add {"type": "text", "inputType": "number", "name": "${keyName}", "readOnly": true} to its templateElements.`,
      );
      continue;
    }
    if (key.getType() !== 'text' || (key as QuestionTextModel).inputType !== 'number') {
      add(`the entry key "${keyName}" must be a number question (type "text", inputType "number").`);
    }
    if (!key.readOnly)
      add(`the entry key "${keyName}" must be read-only ("readOnly": true): a key typed by hand could repeat.`);
    if (key.visibleIf || !key.isVisible) {
      add(
        `the entry key "${keyName}" must always be shown (no "visible": false or visibleIf): a hidden answer is cleared at completion.`,
      );
    }
    if (key.getValueName() !== keyName)
      add(`the entry key "${keyName}" must store its value under its own name (no valueName).`);
  }
  return problems;
}
