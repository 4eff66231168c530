import { fixedFields, NAME_BYTES, tag, utf8Prefix } from './dtaBytes.js';
import { type ExportVariable, fitLabel } from './table.js';

/**
 * What a Stata user sees of a variable besides its values: its label, at most 80 characters, and
 * its notes (`notes list`), where nothing that had to be cut from the label is lost. Stata keeps
 * notes as characteristics, written in the .dta's <characteristics> section (`help dta`, dta_118).
 */

// Stata's documented limits for variable and dataset labels: 80 characters, at most 4 bytes each.
const LABEL_CHARS = 80;
const LABEL_TEXT_BYTES = 320;
/** Stata 13+ holds up to 67,784 bytes in a characteristic, its terminating null included. */
const CHARACTERISTIC_CONTENT_BYTES = 67_784;

const characters = (text: string) => Array.from(text).length;

/** Stata shows 80 characters of a label; the field also caps it at 320 bytes. */
export function stataLabel(text: string): string {
  return utf8Prefix(Array.from(text).slice(0, LABEL_CHARS).join(''), LABEL_TEXT_BYTES).toString('utf8');
}

/**
 * The variable's label as Stata shows it: its short label (unique within the table), else its label
 * cut to 80 characters so that the item survives ("stem… — item"), which tells the rows of a grid
 * apart where their shared question would fill all 80 characters.
 */
export function variableLabel(variable: Pick<ExportVariable, 'label' | 'item' | 'shortLabel'>): string {
  if (variable.shortLabel !== undefined) return stataLabel(variable.shortLabel);
  if (characters(variable.label) <= LABEL_CHARS) return stataLabel(variable.label);
  // fitLabel counts bytes; the largest byte budget whose fit holds 80 characters is found by
  // bisection (a budget of 80 bytes always does: a character takes at least one byte).
  let fits = LABEL_CHARS;
  let tooLong = LABEL_TEXT_BYTES + 1;
  while (tooLong - fits > 1) {
    const budget = Math.floor((fits + tooLong) / 2);
    if (characters(fitLabel(variable, budget)) <= LABEL_CHARS) fits = budget;
    else tooLong = budget;
  }
  return stataLabel(fitLabel(variable, fits));
}

/**
 * The variable's notes: its full label where the label shown is another (short, or cut), then what
 * else it carries (instructions, where a prefilled value came from).
 */
export function variableNotes(variable: ExportVariable): string[] {
  const fullLabel = variableLabel(variable) === variable.label ? [] : [variable.label];
  return [...fullLabel, ...(variable.notes ?? [])];
}

/**
 * The body of <characteristics>: for each variable with notes, `note1` … `noteN` and `note0`
 * holding N, as Stata's `notes` command keeps them.
 */
export function notesCharacteristics(variables: readonly ExportVariable[]): Buffer {
  return Buffer.concat(
    variables.flatMap((variable) => {
      const notes = variableNotes(variable);
      if (notes.length === 0) return [];
      return [
        ...notes.map((note, i) => characteristic(variable.name, `note${i + 1}`, note)),
        characteristic(variable.name, 'note0', String(notes.length)),
      ];
    }),
  );
}

/** `<ch>`, a 4-byte length of the rest, varname[129], charname[129], null-terminated contents, `</ch>`. */
function characteristic(varname: string, charname: string, contents: string): Buffer {
  const text = Buffer.concat([utf8Prefix(contents, CHARACTERISTIC_CONTENT_BYTES - 1), Buffer.from([0])]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(2 * NAME_BYTES + text.length);
  return Buffer.concat([tag('<ch>'), length, fixedFields([varname, charname], NAME_BYTES), text, tag('</ch>')]);
}
