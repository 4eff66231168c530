/**
 * The multiple response sets record (extension subtype 7): each multi-select's 0/1 dummies become a
 * multiple dichotomy set counting 1, so that SPSS's CTABLES and PSPP's MRSETS tabulate them as the
 * one question they are. The layout is PSPP's "Multiple Response Sets Records"; members are named
 * by their short names, in lower case, as PSPP's own writer names them.
 */
import { MAX_VARIABLE_LABEL_BYTES, type SavColumn, utf8Truncate } from './savColumns.js';

/** "$" and at most 63 more bytes: SPSS's longest name. */
const MAX_SET_NAME_BYTES = 64;
/** A dummy holds 1 where its choice was selected. */
const COUNTED_VALUE = '1';

type DichotomyGroup = { name: string; label: string; members: SavColumn[] };

/** The numeric columns of each multi-select, by group name, in the order the groups first appear. */
function dichotomyGroups(columns: SavColumn[]): DichotomyGroup[] {
  const groups = new Map<string, DichotomyGroup>();
  for (const column of columns) {
    const { group, kind } = column.variable;
    if (group?.kind !== 'multi' || kind !== 'numeric') continue;
    const found = groups.get(group.name) ?? { name: group.name, label: group.label, members: [] };
    found.members.push(column);
    groups.set(group.name, found);
  }
  // A set needs two variables; a public-use file may have dropped all but one of a question's dummies.
  return [...groups.values()].filter((g) => g.members.length >= 2);
}

/**
 * A valid set name unique among `taken` (compared without case, as SPSS compares names): "$", the
 * group's name with anything but letters, digits and _ made _, cut to SPSS's 64 bytes.
 */
function setName(groupName: string, taken: Set<string>): string {
  const base = `$${groupName.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, MAX_SET_NAME_BYTES);
  let candidate = base;
  for (let n = 1; taken.has(candidate.toUpperCase()); n++) {
    const suffix = `_${n}`;
    candidate = base.slice(0, MAX_SET_NAME_BYTES - suffix.length) + suffix;
  }
  taken.add(candidate.toUpperCase());
  return candidate;
}

/**
 * One set: `$name=D<length of the counted value> <counted value> <label bytes> <label> <members>`
 * and a line feed. The label is counted in bytes, so a line feed in it is made a space only to keep
 * the record readable by eye.
 */
function setLine(name: string, group: DichotomyGroup): Buffer {
  const label = utf8Truncate(group.label.replace(/[\r\n]+/g, ' '), MAX_VARIABLE_LABEL_BYTES);
  const members = group.members.map((c) => c.shortName.toLowerCase()).join(' ');
  return Buffer.concat([
    Buffer.from(`${name}=D${COUNTED_VALUE.length} ${COUNTED_VALUE} ${label.length} `, 'utf8'),
    label,
    Buffer.from(` ${members}\n`, 'utf8'),
  ]);
}

/** The record's data: every multiple dichotomy set of the table, or nothing when it has none. */
export function multipleResponseSets(columns: SavColumn[]): Buffer {
  const taken = new Set<string>();
  return Buffer.concat(dichotomyGroups(columns).map((group) => setLine(setName(group.name, taken), group)));
}
