import {
  CustomError,
  Model,
  PanelModelBase,
  type Question,
  QuestionDropdownModel,
  QuestionPanelDynamicModel,
  QuestionSelectBase,
  QuestionTextModel,
  SurveyElement,
  type SurveyModel,
} from 'survey-core';
import { isEntryKey, nextEntryKey, type PanelKeys } from '../../server/instruments/entryKeys.js';
import { DONT_KNOW } from '../../server/instruments/extensions.js';
import { applyHostValues } from '../../server/instruments/hostVariables.js';
import { replayVisibleTriggers } from '../../server/instruments/triggers.js';
import type { OpenRespondState } from './api.js';
import { enableDontKnow, isDontKnowCount } from './dontKnow.js';
import { type Answers, answersEqual } from './merge.js';

/** What a model is built from: a respondent's open state, or a staff member's Phase II record. */
export type SurveySource = {
  instrument: Pick<OpenRespondState['instrument'], 'survey' | 'panelKeys'> & {
    variables?: Record<string, unknown> | undefined;
  };
  answers: Answers;
  page: number;
  /** SurveyJS locale; "" or absent keeps the survey's default. */
  locale?: string;
};

/** One model per loaded instrument: answers and the saved page are restored on any device. */
export function buildSurveyModel<Source extends SurveySource>(state: Source): SurveyModel {
  const model = new Model(state.instrument.survey);
  // Before the answers: conditions on a host variable decide what the restored answers show.
  applyHostValues(model, state.instrument.variables ?? {});
  // The office's language, when the instrument has strings in it; "" keeps the survey's default.
  if (state.locale) model.locale = state.locale;
  enableDontKnow(model);
  nameOtherTextBoxes(model);
  model.onGetTitleTagName.add((_, options) => {
    if (options.element instanceof SurveyElement) options.tagName = `h${headingLevel(options.element)}`;
  });
  // An instrument made for a host app with buttons of its own may hide SurveyJS's; here they are the
  // only way to go on and to submit, so no instrument may hide them.
  if (!model.showNavigationButtons) model.showNavigationButtons = true;
  model.showCompleteButton = true;
  // SurveyView moves focus to a new page's heading, so its title is read out; SurveyJS focusing the
  // first question instead would skip the title.
  model.autoFocusFirstQuestion = false;
  // The page's own <h1> carries the title; a second one inside the survey would repeat it.
  model.showTitle = false;
  // SurveyProgress shows the progress: SurveyJS's own marks every page as passed, visited or not.
  model.showProgressBar = false;
  // Typed text becomes an answer at once, not on blur: autosave then captures it, and a re-render
  // while someone is typing (a save status changing) cannot throw away what they typed.
  model.textUpdateMode = 'onTyping';
  model.data = state.answers;
  // Questions a "visible" trigger showed before the respondent left must be shown on resuming too.
  replayVisibleTriggers(model);
  keepEntryKeys(model, state.instrument.panelKeys ?? {});
  const lastPage = Math.max(0, model.visiblePageCount - 1);
  model.currentPageNo = Math.min(Math.max(0, state.page), lastPage);
  return model;
}

/**
 * Gives every entry of a keyed repeating panel (meta.panelKeys), at any depth, its entry key: the
 * entries shown now that have none (a panel's first entries, answers saved before the key), and each
 * entry as it is added, one above the highest key of its panel. SurveyJS keeps the key in its entry
 * when others are removed or moved, so an entry's key never changes (entryKeys.ts).
 */
export function keepEntryKeys(model: SurveyModel, panelKeys: PanelKeys): void {
  if (Object.keys(panelKeys).length === 0) return;
  const assign = (panel: QuestionPanelDynamicModel) => {
    const keyName = Object.hasOwn(panelKeys, panel.name) ? panelKeys[panel.name] : undefined;
    for (const entry of panel.panels) {
      const key = keyName === undefined ? null : entry.getQuestionByName(keyName);
      if (keyName !== undefined && key && !isEntryKey(key.value)) {
        const entries: unknown = panel.value;
        key.value = nextEntryKey(Array.isArray(entries) ? entries : [], keyName);
      }
      for (const inner of entry.questions) if (inner instanceof QuestionPanelDynamicModel) assign(inner);
    }
  };
  const assignAll = () => {
    for (const q of model.getAllQuestions(false, false, false)) if (q instanceof QuestionPanelDynamicModel) assign(q);
  };
  assignAll();
  model.onDynamicPanelAdded.add(assignAll);
}

/**
 * SurveyJS renders the "Other" text box without a label of its own (axe: label), leaving it
 * unnamed for a screen reader. A placeholder is the name browsers fall back to, so a box without
 * one is named after its choice ("Other (describe)"), in the survey's language.
 */
export function nameOtherTextBoxes(model: SurveyModel): void {
  for (const q of model.getAllQuestions(false, false, true)) {
    if (q instanceof QuestionSelectBase && q.showOtherItem && !q.otherPlaceholder) {
      q.otherPlaceholder = q.otherItem.text;
    }
  }
}

/**
 * Headings continue the page's outline below its <h1> without skipping a level: a page title is h2,
 * and a panel or question sits one level below the nearest titled page or panel around it.
 */
export function headingLevel(element: SurveyElement): number {
  if (element.isPage) return 2;
  let level = 2;
  for (let parent: unknown = element.parent; parent instanceof PanelModelBase; parent = parent.parent) {
    if (parent.hasTitle) level += 1;
  }
  return Math.min(level, 6);
}

/**
 * SurveyJS ignores `textUpdateMode: 'onTyping'` for masked inputs and takes their text only when
 * they lose focus, so text typed into one just before the tab closes would never be saved.
 */
export function commitFocusedMaskedInput(model: SurveyModel, active: Element | null): void {
  if (!(active instanceof HTMLInputElement)) return;
  const question = model
    .getAllQuestions(true)
    .find((q) => q instanceof QuestionTextModel && !q.maskTypeIsEmpty && q.inputId === active.id);
  if (question instanceof QuestionTextModel) question.inputValue = active.value;
}

/**
 * A dropdown with search shows the chosen item's text in its input, with the caret after it, so a
 * person typing to pick another state got "PennsylvaniaOhi" and no match. As in a native select,
 * the first key typed while the chosen item is shown replaces it: the text is selected just before
 * the key lands. Once the person has typed (SurveyJS then filters by it), keys append as usual.
 */
export function replaceShownChoiceOnTyping(model: SurveyModel, event: KeyboardEvent): void {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.value === '') return;
  if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
  const question = model
    .getAllQuestions(true)
    .find((q) => q instanceof QuestionDropdownModel && q.getInputId() === input.id);
  if (!(question instanceof QuestionDropdownModel) || question.isEmpty()) return;
  if (question.dropdownListModel?.filterString) return;
  if (input.selectionStart === 0 && input.selectionEnd === input.value.length) return;
  input.select();
}

export function readAnswers(model: SurveyModel): Answers {
  const answers: Answers = { ...model.data };
  return answers;
}

/**
 * Replace what the person sees with merged answers, touching only the keys that differ, so an input
 * the person is typing in is left alone unless a colleague's answer actually changed it.
 */
export function applyAnswers(model: SurveyModel, answers: Answers): void {
  const current = readAnswers(model);
  for (const key of new Set([...Object.keys(current), ...Object.keys(answers)])) {
    if (answersEqual(current[key], answers[key])) continue;
    model.setValue(key, answers[key], false, false);
  }
}

/** The question an answer key belongs to; "Other" text is stored under `<name>-Comment`. */
export function questionForKey(model: SurveyModel, key: string): Question | null {
  const suffix = model.commentSuffix;
  const name = key.endsWith(suffix) ? key.slice(0, -suffix.length) : key;
  return model.getQuestionByValueName(name) ?? model.getQuestionByName(name) ?? null;
}

export function titleForKey(model: SurveyModel, key: string): string {
  const question = questionForKey(model, key);
  return question ? question.processedTitle || question.name : key;
}

/** A colleague's answer in words, when it has a short form (choices, numbers, text); else null. */
export function describeAnswer(model: SurveyModel, key: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return 'no answer';
  const question = questionForKey(model, key);
  if (value === DONT_KNOW && question && isDontKnowCount(question)) return 'Don’t know';
  const shown: unknown = question ? question.getDisplayValue(true, value) : value;
  if (Array.isArray(shown) && shown.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return shown.join(', ');
  }
  return typeof shown === 'string' || typeof shown === 'number' ? String(shown) : null;
}

export function isConsentDeclined(model: SurveyModel, consent: OpenRespondState['instrument']['consent']): boolean {
  return consent !== null && model.getValue(consent.question) === consent.declineValue;
}

/** What the forward button does when the person has said No to consent: it ends the survey. */
export const DECLINE_BUTTON_TEXT = 'Decline the survey';

/**
 * Names the forward buttons for what they do on the consent page. Until consent is given the pages
 * after it are hidden, so SurveyJS takes the consent page for the last one and offers Complete:
 * before a choice the button only moves on (Next, which asks for the choice first), and after No it
 * declines. Elsewhere the survey's own labels stand.
 */
export function consentButtonLabeller(
  model: SurveyModel,
  consent: OpenRespondState['instrument']['consent'],
  /** The forward buttons' name after No (the console names it for recording a refusal). */
  declineText = DECLINE_BUTTON_TEXT,
): () => void {
  const own = { next: model.pageNextText, complete: model.completeText };
  return () => {
    const onConsentPage = consent !== null && model.currentPage?.getQuestionByName(consent.question) != null;
    const laterPages = model.pages.indexOf(model.currentPage) < model.pages.length - 1;
    let next = own.next;
    let complete = own.complete;
    if (onConsentPage && isConsentDeclined(model, consent)) {
      next = declineText;
      complete = declineText;
    } else if (onConsentPage && laterPages && model.isValueEmpty(model.getValue(consent.question))) {
      complete = own.next;
    }
    if (model.pageNextText !== next) model.pageNextText = next;
    if (model.completeText !== complete) model.completeText = complete;
  };
}

export interface ServerErrorItem {
  key: string;
  title: string;
  messages: string[];
  question: Question | null;
}

/** Put the server's validation messages on their questions, in survey order. */
export function showServerErrors(model: SurveyModel, questions: Record<string, string[]>): ServerErrorItem[] {
  const order = model.getAllQuestions(false, false, false);
  const items = Object.entries(questions).map(([key, messages]): ServerErrorItem => {
    const question = questionForKey(model, key);
    if (question) question.errors = messages.map((message) => new CustomError(message, question));
    return { key, title: titleForKey(model, key), messages, question };
  });
  const position = (item: ServerErrorItem) => (item.question ? order.indexOf(item.question) : Number.MAX_SAFE_INTEGER);
  return items.sort((a, b) => position(a) - position(b));
}

/** Open the page holding the question; returns false when logic currently hides it. */
export function openQuestionPage(model: SurveyModel, question: Question): boolean {
  const page = model.visiblePages.find((visible) => visible === question.page);
  if (!page || !question.isVisibleInSurvey) return false;
  if (model.currentPage !== page) model.currentPage = page;
  return true;
}
