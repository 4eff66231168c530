import type {
  ItemValue,
  Question,
  QuestionBooleanModel,
  QuestionCheckboxModel,
  QuestionDropdownModel,
  QuestionImagePickerModel,
  QuestionRankingModel,
  QuestionRatingModel,
  QuestionSelectBase,
} from 'survey-core';
import { ANSWER_LIMITS, cachedPer, checkText, describe, Problems } from './answerBasics.js';

/**
 * Every value a choice question can store, as SurveyJS stores it: the choice values exactly as the
 * survey defines them (1, "1" and true are three different answers, so exports stay typed) plus
 * the special items the question shows.
 */
export type ChoiceSet = {
  items: Map<unknown, ItemValue>;
  /** With `storeOthersAsComment: false` the respondent's "Other" text is stored as the value itself. */
  freeOther: boolean;
  /** A dropdown's generated choices (`choicesMin`..`choicesMax` by `choicesStep`), checked by arithmetic. */
  range?: { min: number; max: number; step: number };
};

/**
 * The choices a question copies with `choicesFromQuestion`, or its own; a matrix cell without
 * choices of its own offers the matrix's shared `choices` (passed as `shared`).
 */
function ownOrCopiedChoices(q: QuestionSelectBase, shared: ItemValue[]): ItemValue[] {
  const source = q.choicesFromQuestion ? q.survey?.getQuestionByName(q.choicesFromQuestion) : undefined;
  if (source && 'choices' in source) return (source as QuestionSelectBase).choices;
  return q.choices.length > 0 ? q.choices : shared;
}

function buildChoiceSet(q: QuestionSelectBase, shared: ItemValue[]): ChoiceSet {
  const items = new Map<unknown, ItemValue>();
  for (const item of ownOrCopiedChoices(q, shared)) items.set(item.value, item);
  const specials: Array<[boolean, ItemValue]> = [
    [q.showNoneItem, q.noneItem],
    [q.showOtherItem, q.otherItem],
    [q.showRefuseItem, q.refuseItem],
    [q.showDontKnowItem, q.dontKnowItem],
  ];
  for (const [shown, item] of specials) if (shown) items.set(item.value, item);
  const set: ChoiceSet = { items, freeOther: q.showOtherItem && !q.getStoreOthersAsComment() };
  if (q.getType() === 'dropdown') {
    const { choicesMin: min, choicesMax: max, choicesStep: step } = q as QuestionDropdownModel;
    if (max > min) set.range = { min, max, step: step > 0 ? step : 1 };
  }
  return set;
}

const choiceSets = new WeakMap<QuestionSelectBase, ChoiceSet>();
/** `shared`: a matrix's choices, for a column template; a template belongs to one matrix, so one cache entry is right. */
export const choiceSetOf = (q: QuestionSelectBase, shared: ItemValue[] = []) =>
  cachedPer(choiceSets, q, (owner) => buildChoiceSet(owner, shared));

const inRange = (range: ChoiceSet['range'], v: unknown) =>
  range !== undefined &&
  typeof v === 'number' &&
  v >= range.min &&
  v <= range.max &&
  Number.isInteger((v - range.min) / range.step);

/** Items shown with an exclusive meaning: "None", "Refuse to answer", "Don't know" and isExclusive choices. */
const isExclusive = (q: QuestionSelectBase, item: ItemValue) =>
  item.isExclusive || item === q.noneItem || item === q.refuseItem || item === q.dontKnowItem;

const isChoiceScalar = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/** A radiogroup or dropdown answer: one choice value, or the "Other" text when it is stored as the value. */
export function checkSingleChoice(q: QuestionSelectBase, value: unknown, set = choiceSetOf(q)): string[] {
  if (!isChoiceScalar(value)) return [`${describe(value)} is not a choice`];
  if (set.items.has(value) || inRange(set.range, value)) return [];
  if (set.freeOther && typeof value === 'string') return checkText(value, ANSWER_LIMITS.textChars);
  return [`${describe(value)} is not one of the choices`];
}

/** Checkbox and tagbox: distinct choices, exclusive items alone, at most maxSelectedChoices. */
export function checkMultipleChoice(q: QuestionCheckboxModel, value: unknown, set = choiceSetOf(q)): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of choices`];
  const problems = new Problems();
  const picked = new Set<unknown>();
  let exclusive: ItemValue | undefined;
  let otherText = 0;
  for (const v of value) {
    if (problems.full) break;
    const item = set.items.get(v);
    if (picked.has(v)) problems.add(`${describe(v)} is chosen twice`);
    else if (item) {
      if (isExclusive(q, item)) exclusive = item;
    } else if (set.freeOther && typeof v === 'string') {
      otherText++;
      for (const e of checkText(v, ANSWER_LIMITS.textChars)) problems.add(e);
      if (otherText > 1) problems.add(`${describe(v)} is not one of the choices`);
    } else problems.add(`${describe(v)} is not one of the choices`);
    picked.add(v);
  }
  if (exclusive && picked.size > 1) {
    problems.add(`"${exclusive.text}" cannot be chosen together with other answers`);
  }
  if (q.maxSelectedChoices > 0 && picked.size > q.maxSelectedChoices) {
    problems.add(`at most ${q.maxSelectedChoices} choices may be selected`);
  }
  return problems.messages;
}

/** A list of distinct values among `items`, nothing else. */
function checkDistinctChoices(items: Map<unknown, ItemValue>, value: unknown[]): string[] {
  const problems = new Problems();
  const picked = new Set<unknown>();
  for (const v of value) {
    if (problems.full) break;
    if (!items.has(v)) problems.add(`${describe(v)} is not one of the choices`);
    else if (picked.has(v)) problems.add(`${describe(v)} is ranked or chosen twice`);
    picked.add(v);
  }
  return problems.messages;
}

/**
 * A ranking stores the choice values in ranked order. Whether every visible choice is ranked
 * depends on which are visible, so that is checked at completion (clientRules.ts).
 */
export function checkRanking(q: QuestionRankingModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a ranked list of choices`];
  return checkDistinctChoices(choiceSetOf(q).items, value);
}

export function checkImagePicker(q: QuestionImagePickerModel, value: unknown): string[] {
  const { items } = choiceSetOf(q);
  if (q.multiSelect) {
    if (!Array.isArray(value)) return [`${describe(value)} is not a list of pictures`];
    return checkDistinctChoices(items, value);
  }
  return isChoiceScalar(value) && items.has(value) ? [] : [`${describe(value)} is not one of the pictures`];
}

const rateValueSets = new WeakMap<QuestionRatingModel, Set<unknown>>();

/**
 * A rating stores the value of the rate item picked: the `rateValues` when given, otherwise the
 * numbers rateMin..rateMax by rateStep. Labels, stars and smileys store the same values.
 */
export function checkRating(q: QuestionRatingModel, value: unknown): string[] {
  const allowed = cachedPer(rateValueSets, q, (r) => new Set(r.visibleRateValues.map((item) => item.value)));
  return isChoiceScalar(value) && allowed.has(value) ? [] : [`${describe(value)} is not one of the rating values`];
}

/** Without valueTrue/valueFalse a boolean stores true or false; with them, exactly those values. */
export function checkBoolean(q: QuestionBooleanModel, value: unknown): string[] {
  const allowed = [q.valueTrue ?? true, q.valueFalse ?? false];
  return allowed.some((a) => a === value) ? [] : [`${describe(value)} is not a yes/no answer`];
}

/**
 * A slider stores a number (or, with sliderType "range", two) between min and max on the step grid
 * from min; a range also keeps minRangeLength/maxRangeLength when they are set.
 */
export function checkSlider(q: Question, value: unknown): string[] {
  const min = Number(q.getPropertyValue('min') ?? 0);
  const max = Number(q.getPropertyValue('max') ?? 100);
  const step = Number(q.getPropertyValue('step') ?? 1);
  const one = (v: unknown): string | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${describe(v)} is not a number`;
    if (v < min || v > max) return `${v} is outside the slider's range ${min} to ${max}`;
    // Steps are checked with a tolerance: 0.1 steps are not exact in binary.
    const steps = (v - min) / step;
    if (step > 0 && Math.abs(steps - Math.round(steps)) > 1e-9)
      return `${v} is not on the slider's steps of ${step} from ${min}`;
    return undefined;
  };
  if (q.getPropertyValue('sliderType') !== 'range') {
    const problem = one(value);
    return problem ? [problem] : [];
  }
  if (!Array.isArray(value) || value.length !== 2) return ['a range slider stores two numbers, [from, to]'];
  const problems = value.map(one).filter((p): p is string => p !== undefined);
  if (problems.length > 0) return problems;
  const length = Math.abs((value[1] as number) - (value[0] as number));
  const shortest = q.getPropertyValue('minRangeLength') as number | undefined;
  const longest = q.getPropertyValue('maxRangeLength') as number | undefined;
  if (shortest !== undefined && length < shortest) return [`the range ${length} is shorter than ${shortest}`];
  if (longest !== undefined && length > longest) return [`the range ${length} is longer than ${longest}`];
  return [];
}
