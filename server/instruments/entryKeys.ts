/**
 * Stable entry keys of repeating panels (meta.panelKeys: panel name -> key name). An entry keeps its
 * key, a whole number stored in the entry under the key name, from the moment it is added: removing
 * or moving another entry never renumbers it, so an export's (parent keys, key) names the same entry
 * in every export and in the audit trail. Pure functions of the answers, with no SurveyJS: the
 * respondent app and the console's entry page run them too.
 *
 * Panels are found by name in the answers at any depth (a panel inside a panel's entries); the
 * checker refuses a keyed panel with a valueName of its own, so its name is its key in the answers.
 */

/** Repeating panel name -> the name of its entry key (InstrumentMeta['panelKeys']). */
export type PanelKeys = Readonly<Record<string, string>>;

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A stored key: a whole number from 1 up. Anything else counts as no key. */
export const isEntryKey = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** The key the next entry added to `entries` gets: one above the highest key among them (1 for none). */
export function nextEntryKey(entries: readonly unknown[], keyName: string): number {
  let highest = 0;
  for (const entry of entries) {
    const key = isEntry(entry) ? entry[keyName] : undefined;
    if (isEntryKey(key) && key > highest) highest = key;
  }
  return highest + 1;
}

/** Every panel value at any depth, keyed or not, so that keyed panels inside unkeyed ones are reached too. */
function* panelsIn(values: Entry): Generator<[string, unknown[]]> {
  for (const name of Object.keys(values)) {
    const entries = values[name];
    if (Array.isArray(entries) && entries.some(isEntry)) yield [name, entries];
  }
}

/**
 * The answers with every entry of a keyed panel, at every depth, holding a key: entries without one
 * get the next key in order (one above the highest key of their panel). Entries that have a key keep
 * it. Returns a copy; the argument is not changed.
 */
export function fillEntryKeys<T extends Entry>(answers: T, panelKeys: PanelKeys): T {
  const fill = (values: Entry): Entry => {
    const out: Entry = { ...values };
    for (const [name, entries] of panelsIn(values)) {
      const keyName = Object.hasOwn(panelKeys, name) ? panelKeys[name] : undefined;
      const filled = entries.map((entry) => (isEntry(entry) ? fill(entry) : entry));
      if (keyName !== undefined) {
        let next = nextEntryKey(filled, keyName);
        for (const [i, entry] of filled.entries()) {
          if (isEntry(entry) && !isEntryKey(entry[keyName])) filled[i] = { ...entry, [keyName]: next++ };
        }
      }
      out[name] = filled;
    }
    return out;
  };
  return fill(answers) as T;
}

/** A key given to more than one entry of one panel. */
export type DuplicateEntryKey = {
  /** The top-level answer key the panel sits in (the question an answer check reports it under). */
  question: string;
  /** Where the panel is, readable: `cf_defs entry 2, cf_charges`. */
  panel: string;
  keyName: string;
  key: number;
  /** The 1-based positions of the entries that share it. */
  entries: number[];
};

/** Every key that two or more entries of one panel share, at every depth, in answer order. */
export function duplicateEntryKeys(answers: Entry, panelKeys: PanelKeys): DuplicateEntryKey[] {
  const found: DuplicateEntryKey[] = [];
  const visit = (values: Entry, question: string | undefined, where: string) => {
    for (const [name, entries] of panelsIn(values)) {
      const top = question ?? name;
      const panel = where === '' ? name : `${where}, ${name}`;
      const keyName = Object.hasOwn(panelKeys, name) ? panelKeys[name] : undefined;
      if (keyName !== undefined) {
        const positions = new Map<number, number[]>();
        for (const [i, entry] of entries.entries()) {
          const key = isEntry(entry) ? entry[keyName] : undefined;
          if (isEntryKey(key)) positions.set(key, [...(positions.get(key) ?? []), i + 1]);
        }
        for (const [key, at] of positions) {
          if (at.length > 1) found.push({ question: top, panel, keyName, key, entries: at });
        }
      }
      for (const [i, entry] of entries.entries()) {
        if (isEntry(entry)) visit(entry, top, `${panel} entry ${i + 1}`);
      }
    }
  };
  visit(answers, undefined, '');
  return found;
}

/** A duplicate as the answer check says it. */
export const duplicateKeyMessage = (d: DuplicateEntryKey) =>
  `${d.panel}: entries ${d.entries.join(' and ')} have the same ${d.keyName} (${d.key}); each entry needs its own ${d.keyName}`;
