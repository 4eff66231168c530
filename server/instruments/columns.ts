import type {
  ItemValue,
  MatrixDropdownColumn,
  Question,
  QuestionBooleanModel,
  QuestionImagePickerModel,
  QuestionMatrixDropdownModel,
  QuestionMatrixDropdownModelBase,
  QuestionMatrixDynamicModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
  QuestionRatingModel,
  QuestionSelectBase,
  QuestionTextModel,
  SurveyModel,
} from 'survey-core';
import { dkAllowed } from './extensions.js';
import { MISSING_CODES } from './missingCodes.js';
import type { numericRule } from './numeric.js';
import type { ResolvedVariables } from './variableMap.js';
import { visibilityOf } from './visibility.js';

/** Where a column's value sits in a stored answer set. */
export type VariableSource =
  | { kind: 'value'; question: string }
  | { kind: 'choice'; question: string; code: number | string }
  | { kind: 'row'; question: string; row: string }
  /** A grid cell; `choice` for the 0/1 dummy of one choice in a multi-select cell. */
  | { kind: 'cell'; question: string; row: string; column: string; choice?: number | string | boolean }
  | { kind: 'item'; question: string; item: string }
  | { kind: 'rank'; question: string; choice: number | string }
  | { kind: 'column'; question: string; column: string; choice?: number | string | boolean };

type InputOwner = Parameters<typeof numericRule>[0];

/** What a column holds: enough for the codebook to give it a type, codes and a range. */
export type ColumnContent =
  /** One of a set of choices; `key` is the variable map entry of their codes (question, or `<question>/<column>`). */
  | { kind: 'choice'; key: string; items: readonly { value: unknown; text: string }[]; measure: 'nominal' | 'ordinal' }
  /** A yes/no question, coded through `key`. */
  | { kind: 'yesNo'; key: string; yes: unknown; no: unknown }
  /** 0/1: whether one choice of a multi-select was picked. */
  | { kind: 'dummy' }
  /** The rank, 1 to `of`, given to one item of a ranking. */
  | { kind: 'rank'; of: number }
  /** Typed input: a number when the input type is numeric, otherwise text or a date. */
  | { kind: 'input'; inputType: string; owner: InputOwner; dkOffered: boolean }
  /** A slider's value, or one end of a range slider. */
  | { kind: 'slider'; owner: Question }
  /** Free text; `whenOtherChosen`: an "Other (specify)" text, which exists only when Other was chosen. */
  | { kind: 'text'; whenOtherChosen?: boolean };

/** One column of an export: its variable name, its table and the question it comes from. */
export type ExportColumn = {
  name: string;
  /** The variable map entry whose name the column starts with: the SurveyJS name of its question. */
  entry: string;
  /** `main` (one row per case) or a repeating panel's name (one row per entry, keyed by case). */
  table: string;
  /** The SurveyJS value name of the question. */
  question: string;
  label: string;
  source: VariableSource;
  /** The SurveyJS conditions that must all hold for the column's question to be shown. */
  conditions: string[];
  content: ColumnContent;
};

/** `question`: the SurveyJS question whose value holds a second table's entries (absent for main). */
export type ExportTable = {
  name: string;
  /** The parent table's key columns, then the table's own: its entry key or `<table>_n`. */
  key: string[];
  question?: string;
  /** The variable map entry the table is named by (absent for main). */
  entry?: string;
  title?: string;
  entries?: 'row' | 'entry';
  /** The table whose entries hold this one's (absent for main and for a top-level panel's table). */
  parent?: string;
  /** The answer keys from the top of the answers down to the entries (absent for main). */
  path?: string[];
  /** The entry key each entry stores (meta.panelKeys); absent: entries are numbered by position. */
  entryKey?: string;
};

/** How the tables are keyed: the main table's key column, and the panels' stable entry keys. */
export type TableKeys = {
  /** Default `case_id`; Phase II record exports key by `record_id`. */
  mainKey?: string;
  /** meta.panelKeys: repeating panel name -> its entry key. */
  panelKeys?: Readonly<Record<string, string>>;
};

export type ExportColumns = { tables: ExportTable[]; columns: ExportColumn[] };

export const plainText = (text: string) => text.replace(/\s+/g, ' ').trim();

type Context = { table: string; conditions: string[]; vars: ResolvedVariables; out: ExportColumn[] };

/**
 * A grid's columns are a scale (ordinal: never … always, not at all … a great deal) when they offer
 * at least three answers besides the missing codes; two (yes/no, available/not) name categories.
 */
function gridMeasure(ctx: Context, key: string, matrix: QuestionMatrixModel): 'nominal' | 'ordinal' {
  const reserved = new Set(Object.values(MISSING_CODES).map((m) => m.code));
  const answers = (matrix.columns as ItemValue[]).filter((c) => {
    const code = ctx.vars.codeOf(key, c.value) ?? Number(c.value);
    return !reserved.has(code);
  });
  return answers.length >= 3 ? 'ordinal' : 'nominal';
}
type Base = { name: string; entry: string; question: string; label: string; source: VariableSource };

const add = (ctx: Context, base: Base, content: ColumnContent) =>
  ctx.out.push({ ...base, table: ctx.table, conditions: ctx.conditions, content });

function input(ctx: Context, base: Base, inputType: string, owner: InputOwner) {
  add(ctx, base, { kind: 'input', inputType, owner, dkOffered: dkAllowed(owner) });
}

/** One 0/1 column per choice of a multi-select (checkbox, tagbox, multi-select image picker). */
function choiceDummies(ctx: Context, q: Question, key: string, name: string, title: string) {
  for (const item of (q as QuestionSelectBase).visibleChoices) {
    add(
      ctx,
      {
        name: `${name}_${ctx.vars.suffixOf(key, 'choice', ctx.vars.codeOf(key, item.value) ?? item.value)}`,
        entry: key,
        question: q.getValueName(),
        label: `${title} — ${plainText(item.text)}`,
        source: { kind: 'choice', question: q.getValueName(), code: item.value as number | string },
      },
      { kind: 'dummy' },
    );
  }
}

/** The columns of one matrix cell, by the column's cell type; choices come from the column or the matrix. */
function cellColumns(ctx: Context, matrix: QuestionMatrixDropdownModelBase, column: MatrixDropdownColumn, base: Base) {
  const cell = column.templateQuestion;
  const cellType = cell.getType();
  const own = `${matrix.name}/${column.name}`;
  const choices = () => {
    const list = cell.getPropertyValue('choices') as ItemValue[] | undefined;
    return list && list.length > 0 ? list : (matrix.choices as ItemValue[]);
  };
  if (cellType === 'text') {
    add(ctx, base, {
      kind: 'input',
      inputType: (cell as QuestionTextModel).inputType,
      owner: cell,
      dkOffered: dkAllowed(column),
    });
  } else if (cellType === 'dropdown' || cellType === 'radiogroup' || cellType === 'rating' || cellType === 'boolean') {
    const items =
      cellType === 'rating'
        ? (cell as QuestionRatingModel).visibleRateValues
        : cellType === 'boolean'
          ? [
              { value: (cell as QuestionBooleanModel).valueTrue ?? true, text: 'Yes' },
              { value: (cell as QuestionBooleanModel).valueFalse ?? false, text: 'No' },
            ]
          : choices();
    add(ctx, base, { kind: 'choice', key: own, items, measure: 'nominal' });
  } else if (cellType === 'checkbox' || cellType === 'tagbox') {
    for (const item of choices()) {
      const code = ctx.vars.codeOf(own, item.value) ?? item.value;
      add(
        ctx,
        {
          ...base,
          source:
            base.source.kind === 'cell'
              ? { ...base.source, choice: item.value as number | string | boolean }
              : base.source,
          name: `${base.name}_${ctx.vars.suffixOf(matrix.name, 'choice', code)}`,
          label: `${base.label} — ${plainText(item.text)}`,
        },
        { kind: 'dummy' },
      );
    }
  } else if (cellType !== 'expression') {
    add(ctx, base, { kind: 'text' });
  }
}

/**
 * The texts SurveyJS keeps beside an answer under `<name>-Comment`: the "Other (specify)" text of a
 * choice question with showOtherItem (`<variable>_oth`), or a comment area (`<variable>_comment`).
 */
function commentColumns(ctx: Context, q: Question): void {
  const other = q.getPropertyValue('showOtherItem') === true && q.getPropertyValue('storeOthersAsComment') !== false;
  const commentArea = q.getPropertyValue('showCommentArea') === true;
  if (!other && !commentArea) return;
  const name = ctx.vars.nameOf(q.name);
  add(
    ctx,
    {
      name: `${name}_${other ? 'oth' : 'comment'}`,
      entry: q.name,
      question: q.getValueName(),
      label: `${plainText(q.title)} — ${other ? 'other (specify)' : 'comment'}`,
      source: { kind: 'value', question: `${q.getValueName()}-Comment` },
    },
    { kind: 'text', whenOtherChosen: other },
  );
}

function questionColumns(ctx: Context, q: Question): void {
  valueColumns(ctx, q);
  commentColumns(ctx, q);
}

function valueColumns(ctx: Context, q: Question): void {
  const key = q.name;
  // The map is keyed by the question's name, never by its valueName (which several questions may share).
  const name = ctx.vars.nameOf(key);
  const sfx = (kind: 'row' | 'column' | 'item' | 'choice', raw: unknown) => ctx.vars.suffixOf(key, kind, raw);
  const title = plainText(q.title);
  const question = q.getValueName();
  // A question whose whole value is one column.
  const whole: Base = { name, entry: key, question, label: title, source: { kind: 'value', question } };
  switch (q.getType()) {
    case 'radiogroup':
    case 'dropdown':
      add(ctx, whole, { kind: 'choice', key, items: (q as QuestionSelectBase).visibleChoices, measure: 'nominal' });
      return;
    case 'boolean': {
      const b = q as QuestionBooleanModel;
      add(ctx, whole, { kind: 'yesNo', key, yes: b.valueTrue ?? true, no: b.valueFalse ?? false });
      return;
    }
    case 'checkbox':
    case 'tagbox':
      choiceDummies(ctx, q, key, name, title);
      return;
    case 'matrix': {
      const matrix = q as QuestionMatrixModel;
      for (const row of matrix.rows as ItemValue[]) {
        add(
          ctx,
          {
            name: `${name}_${sfx('row', row.value)}`,
            entry: key,
            question,
            label: `${title} — ${plainText(row.text)}`,
            source: { kind: 'row', question, row: String(row.value) },
          },
          { kind: 'choice', key, items: matrix.columns as ItemValue[], measure: gridMeasure(ctx, key, matrix) },
        );
      }
      return;
    }
    case 'matrixdropdown': {
      const matrix = q as QuestionMatrixDropdownModel;
      for (const row of matrix.rows as ItemValue[]) {
        for (const column of matrix.columns as MatrixDropdownColumn[]) {
          cellColumns(ctx, matrix, column, {
            name: `${name}_${sfx('row', row.value)}_${sfx('column', column.name)}`,
            entry: key,
            question,
            label: `${title} — ${plainText(row.text)}: ${plainText(column.title)}`,
            source: { kind: 'cell', question, row: String(row.value), column: column.name },
          });
        }
      }
      return;
    }
    case 'rating':
      add(ctx, whole, {
        kind: 'choice',
        key,
        items: (q as QuestionRatingModel).visibleRateValues,
        measure: 'ordinal',
      });
      return;
    case 'imagepicker':
      if (!(q as QuestionImagePickerModel).multiSelect) {
        add(ctx, whole, { kind: 'choice', key, items: (q as QuestionSelectBase).visibleChoices, measure: 'nominal' });
        return;
      }
      choiceDummies(ctx, q, key, name, title);
      return;
    case 'ranking': {
      // A rank per item: 1 is the first; items a respondent left unranked are not answered.
      const items = (q as QuestionSelectBase).visibleChoices;
      for (const item of items) {
        add(
          ctx,
          {
            name: `${name}_${sfx('choice', ctx.vars.codeOf(key, item.value) ?? item.value)}`,
            entry: key,
            question,
            label: `${title} — rank of ${plainText(item.text)}`,
            source: { kind: 'rank', question, choice: item.value as number | string },
          },
          { kind: 'rank', of: items.length },
        );
      }
      return;
    }
    case 'slider':
      if (q.getPropertyValue('sliderType') !== 'range') {
        add(ctx, whole, { kind: 'slider', owner: q });
        return;
      }
      for (const end of ['from', 'to'] as const) {
        add(
          ctx,
          {
            ...whole,
            name: `${name}_${end}`,
            label: `${title} — ${end}`,
            source: { kind: 'item', question, item: end },
          },
          { kind: 'slider', owner: q },
        );
      }
      return;
    case 'expression':
    case 'comment':
      // An expression is computed by the server from the answers at completion (a client's value is ignored).
      add(ctx, whole, { kind: 'text' });
      return;
    case 'multipletext':
      for (const item of (q as QuestionMultipleTextModel).items) {
        const base: Base = {
          name: `${name}_${sfx('item', item.name)}`,
          entry: key,
          question,
          label: `${title} — ${plainText(item.title || item.name)}`,
          source: { kind: 'item', question, item: item.name },
        };
        input(ctx, base, item.inputType, item);
      }
      return;
    case 'text':
      input(ctx, whole, (q as QuestionTextModel).inputType, q);
      return;
    default:
      // html and image elements hold no answer of their own.
      return;
  }
}

/**
 * A condition read from an entry one level further in: what was `{panel.x}` (the entry around it)
 * becomes `{parentPanel.x}`, as SurveyJS itself names the entry of the panel around a nested one.
 */
export const fromInnerEntry = (condition: string) =>
  condition.replace(/\{(\s*)(panel|parentPanel)\./g, (_m, space: string, scope: string) =>
    scope === 'panel' ? `{${space}parentPanel.` : `{${space}parentPanel.parentPanel.`,
  );

/**
 * Every column an export of this survey has, in questionnaire order, and the tables they go in:
 * the one enumeration of names that the codebook describes and the instrument checker checks.
 * A repeating panel inside a repeating panel's entries gets a table of its own, keyed by its
 * parent's key columns and its own, at any depth.
 */
export function exportColumns(model: SurveyModel, vars: ResolvedVariables, keys: TableKeys = {}): ExportColumns {
  const columns: ExportColumn[] = [];
  const mainKey = keys.mainKey ?? 'case_id';
  const panelKeys = keys.panelKeys ?? {};
  const tables: ExportTable[] = [{ name: 'main', key: [mainKey] }];
  /** A table of its own for a question with entries (repeating panel, dynamic matrix), keyed by its parent's key and its entry. */
  const secondTable = (q: Question, entries: 'row' | 'entry', parent: ExportTable) => {
    const name = vars.nameOf(q.name);
    const declared = entries === 'entry' && Object.hasOwn(panelKeys, q.name) ? panelKeys[q.name] : undefined;
    const table: ExportTable = {
      name,
      key: [...parent.key, declared ?? `${name}_n`],
      question: q.getValueName(),
      entry: q.name,
      title: plainText(q.title),
      entries,
      ...(parent.path ? { parent: parent.name } : {}),
      path: [...(parent.path ?? []), q.getValueName()],
      ...(declared ? { entryKey: declared } : {}),
    };
    tables.push(table);
    return table;
  };
  /** The columns of a repeating panel's entries; `conditions` are read from one of its entries. */
  const panelColumns = (panel: QuestionPanelDynamicModel, conditions: string[], parent: ExportTable) => {
    const table = secondTable(panel, 'entry', parent);
    for (const inner of panel.template.questions) {
      // The entry key is the table's key column, not a variable of its own.
      if (inner.name === table.entryKey) continue;
      const own = inner.visibleIf ? [inner.visibleIf] : [];
      if (inner.getType() === 'paneldynamic') {
        const nested = [...conditions, ...own].map(fromInnerEntry);
        panelColumns(inner as QuestionPanelDynamicModel, nested, table);
        continue;
      }
      questionColumns({ table: table.name, conditions: [...conditions, ...own], vars, out: columns }, inner);
    }
  };
  const main = tables[0] as ExportTable;
  for (const q of model.getAllQuestions(false, false, false)) {
    const { conditions } = visibilityOf(q);
    if (q.getType() === 'matrixdynamic') {
      const matrix = q as QuestionMatrixDynamicModel;
      const table = secondTable(q, 'row', main).name;
      for (const column of matrix.columns as MatrixDropdownColumn[]) {
        cellColumns({ table, conditions, vars, out: columns }, matrix, column, {
          name: `${table}_${vars.suffixOf(q.name, 'column', column.name)}`,
          entry: q.name,
          question: q.getValueName(),
          label: `${plainText(q.title)}: ${plainText(column.title)}`,
          source: { kind: 'column', question: q.getValueName(), column: column.name },
        });
      }
      continue;
    }
    if (q.getType() === 'paneldynamic') {
      panelColumns(q as QuestionPanelDynamicModel, conditions, main);
      continue;
    }
    questionColumns({ table: 'main', conditions, vars, out: columns }, q);
  }
  return { tables, columns };
}
