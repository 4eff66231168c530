#!/usr/bin/env node
// Inventory of the public SurveyJS corpus (issue 7): which question types and which
// notable properties each instrument uses, and how many files use each.
// Usage: node scripts/corpus-inventory.mjs [dir]   (default: test/fixtures/instruments/public)
// Matrix columns are counted as questions of their cell type (column.cellType, else the
// matrix's cellType, else dropdown); multipletext items are checked for names and validators.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const dir = process.argv[2] ?? 'test/fixtures/instruments/public';
const NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;
// Properties whose value may be a localized string ({ "default": ..., "de": ... }).
const LOCALIZABLE = new Set([
  'title',
  'description',
  'text',
  'html',
  'placeholder',
  'placeHolder',
  'otherText',
  'noneText',
  'otherPlaceholder',
  'commentText',
  'labelTrue',
  'labelFalse',
  'minRateDescription',
  'maxRateDescription',
  'completedHtml',
  'completeText',
  'pageNextText',
  'pagePrevText',
  'startSurveyText',
  'requiredErrorText',
  'panelAddText',
  'panelRemoveText',
  'addRowText',
  'removeRowText',
]);
const CHOICE_LISTS = ['choices', 'rows', 'columns', 'rateValues'];

function isLocalized(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === 'default' || /^[a-z]{2}(-[a-zA-Z]{2,4})?$/.test(k));
}

function inventory(survey) {
  const types = new Map();
  const props = new Map();
  const inputTypes = new Set();
  const badNames = new Set();
  const flag = (p, n = 1) => props.set(p, (props.get(p) ?? 0) + n);

  // Localized strings anywhere in the document.
  (function scanLoc(node, key) {
    if (Array.isArray(node)) {
      for (const x of node) scanLoc(x, key);
    } else if (node && typeof node === 'object') {
      if (LOCALIZABLE.has(key) && isLocalized(node)) {
        flag('localized strings');
        return;
      }
      for (const [k, v] of Object.entries(node)) scanLoc(v, k);
    }
  })(survey, '');

  if (Array.isArray(survey.triggers) && survey.triggers.length) flag('triggers', survey.triggers.length);
  if (Array.isArray(survey.calculatedValues) && survey.calculatedValues.length)
    flag('calculatedValues', survey.calculatedValues.length);

  function visitChoices(list, where) {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (c && typeof c === 'object') {
        if (c.visibleIf) flag(`visibleIf on ${where}`);
        if (c.enableIf) flag(`enableIf on ${where}`);
        if ('value' in c && !Number.isInteger(c.value)) flag(`non-integer ${where} values`);
      } else if (!Number.isInteger(c)) {
        flag(`non-integer ${where} values`);
      }
    }
  }

  function visitQuestion(q, isColumn) {
    const type = q.cellType && isColumn ? q.cellType : q.type;
    if (type) types.set(type, (types.get(type) ?? 0) + 1);
    const name = q.name;
    if (typeof name === 'string' && !NAME_RE.test(name)) badNames.add(name);
    else if (name !== undefined && typeof name !== 'string') badNames.add(String(name));
    for (const p of [
      'showOtherItem',
      'hasOther',
      'showNoneItem',
      'hasNone',
      'showRefuseItem',
      'showDontKnowItem',
      'showSelectAllItem',
      'hasSelectAll',
      'showCommentArea',
      'hasComment',
    ]) {
      if (q[p] === true) flag(p);
    }
    for (const p of [
      'visibleIf',
      'enableIf',
      'requiredIf',
      'choicesVisibleIf',
      'choicesEnableIf',
      'choicesFromQuestion',
      'defaultValueExpression',
      'setValueIf',
      'resetValueIf',
      'correctAnswer',
    ]) {
      if (q[p] !== undefined) flag(p);
    }
    if (q.choicesByUrl) flag('choicesByUrl');
    if (q.isRequired === true) flag('isRequired');
    if (Array.isArray(q.validators) && q.validators.length) {
      flag('validators');
      for (const v of q.validators) if (v?.type) flag(`validator:${v.type}`);
    }
    if (q.inputType) {
      inputTypes.add(q.inputType);
      flag(`inputType:${q.inputType}`);
    }
    if (q.maskType) flag(`maskType:${q.maskType}`);
    if (q.inputMask) flag('inputMask (legacy widget)');
    if (type === 'boolean' && (q.valueTrue !== undefined || q.valueFalse !== undefined))
      flag('boolean valueTrue/False');
    if (type === 'boolean' && q.valueTrue === undefined && q.valueFalse === undefined) flag('boolean plain');
    if (type === 'matrixdropdown' || type === 'matrixdynamic') {
      if (Array.isArray(q.choices) && q.choices.length) flag(`${type} shared choices`);
    }
    for (const list of CHOICE_LISTS) visitChoices(q[list], list === 'rateValues' ? 'rateValues' : list);
    if (Array.isArray(q.items)) {
      for (const it of q.items) {
        if (it?.name && !NAME_RE.test(it.name)) badNames.add(`${name}.${it.name}`);
        if (it?.validators?.length) {
          flag('validators');
          for (const v of it.validators) if (v?.type) flag(`validator:${v.type}`);
        }
        if (it?.inputType) flag(`inputType:${it.inputType}`);
        if (it?.maskType) flag(`maskType:${it.maskType}`);
      }
    }
    if (Array.isArray(q.columns) && (type === 'matrixdropdown' || type === 'matrixdynamic')) {
      for (const c of q.columns) {
        if (c && typeof c === 'object') visitQuestion({ ...c, type: c.cellType ?? q.cellType ?? 'dropdown' }, true);
      }
    }
    for (const key of ['elements', 'templateElements', 'questions']) {
      if (Array.isArray(q[key])) for (const e of q[key]) visitQuestion(e, false);
    }
  }

  for (const key of ['pages', 'elements', 'questions']) {
    const list = survey[key];
    if (!Array.isArray(list)) continue;
    for (const el of list) {
      if (key === 'pages') {
        if (el.visibleIf) flag('visibleIf on page');
        for (const k of ['elements', 'questions'])
          if (Array.isArray(el[k])) for (const e of el[k]) visitQuestion(e, false);
      } else visitQuestion(el, false);
    }
  }
  if (badNames.size) flag('names not matching ^[a-z][a-z0-9_]{0,31}$', badNames.size);
  return { types, props, inputTypes, badNames };
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const totalsT = new Map();
const totalsP = new Map();
const pad = (s, n) => String(s).padEnd(n);

for (const f of files) {
  const survey = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const { types, props, badNames } = inventory(survey);
  console.log(`\n## ${basename(f)}`);
  console.log(
    `  types: ${[...types]
      .sort()
      .map(([t, n]) => `${t}×${n}`)
      .join(', ')}`,
  );
  console.log(
    `  props: ${[...props]
      .sort()
      .map(([p, n]) => `${p}×${n}`)
      .join(', ')}`,
  );
  if (badNames.size) console.log(`  odd names: ${[...badNames].map((n) => JSON.stringify(n)).join(', ')}`);
  for (const t of types.keys()) totalsT.set(t, (totalsT.get(t) ?? 0) + 1);
  for (const p of props.keys()) totalsP.set(p, (totalsP.get(p) ?? 0) + 1);
}

const table = (title, m) => {
  console.log(`\n${title} (files using it, of ${files.length})`);
  for (const [k, n] of [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    console.log(`  ${pad(k, 48)} ${n}`);
};
table('Question types', totalsT);
table('Notable properties', totalsP);
