import type { Codebook, ValueLabel, Variable } from './build.js';
import { MISSING_CODES } from './build.js';

/** A variable of a codebook that spans versions: the versions that have it. */
export type VersionedVariable = Variable & { versions: string[] };

/**
 * The codebook of data answered on several versions of one instrument: the union of their
 * variables under their stable names (instruments.md: a name is never reused for something else).
 * `versions` lists them, the current one first; a case whose version lacks a variable holds -8 in
 * it, "not in this version".
 */
export type VersionedCodebook = Codebook & { versions: string[]; variables: VersionedVariable[] };

/** The -8 label of a variable some versions lack: both reasons a case can hold it. */
export const NOT_IN_VERSION: ValueLabel = {
  code: MISSING_CODES.skipped.code,
  label: 'Legitimately skipped (hidden by logic), or not in the version the case answered',
};

const byCode = (list: ValueLabel[]) => new Map(list.map((v) => [v.code, v]));

/**
 * Merges codebooks of one instrument, `codebooks[0]` being the version new responses use (whose
 * wording, labels and conditions describe a variable that several versions have). A variable only
 * older versions have is placed after its neighbour in the version that has it, so the columns
 * keep the questionnaire's order. Value labels are the union of the versions' codes.
 */
export function unionCodebook(codebooks: readonly Codebook[]): VersionedCodebook {
  const [current, ...older] = codebooks;
  if (!current) throw new Error('unionCodebook needs at least one codebook');
  const versions = codebooks.map((c) => c.instrument.version);
  const order: Variable[] = [...current.variables];
  const at = new Map(order.map((v, i) => [v.name, i]));
  for (const codebook of older) {
    let previous: string | undefined;
    for (const v of codebook.variables) {
      if (!at.has(v.name)) {
        const after = previous === undefined ? -1 : (at.get(previous) ?? order.length - 1);
        order.splice(after + 1, 0, v);
        at.clear();
        for (const [i, o] of order.entries()) at.set(o.name, i);
      }
      previous = v.name;
    }
  }
  const indexes = codebooks.map((c) => new Map(c.variables.map((v, i) => [v.name, i])));
  const variables: VersionedVariable[] = order.map((v) => {
    const defs = codebooks.flatMap((c, i) => {
      const index = indexes[i]?.get(v.name);
      return index === undefined ? [] : [{ version: c.instrument.version, variable: c.variables[index] as Variable }];
    });
    const values = byCode(v.values);
    const missing = byCode(v.missing);
    for (const { variable: d } of defs) {
      for (const value of d.values) if (!values.has(value.code)) values.set(value.code, value);
      for (const m of d.missing) if (!missing.has(m.code)) missing.set(m.code, m);
    }
    if (defs.length < codebooks.length) missing.set(NOT_IN_VERSION.code, NOT_IN_VERSION);
    return {
      ...v,
      values: [...values.values()],
      missing: [...missing.values()].sort((a, b) => b.code - a.code),
      versions: defs.map((d) => d.version),
    };
  });
  const tables = [...current.tables];
  for (const c of older) for (const t of c.tables) if (!tables.some((x) => x.name === t.name)) tables.push(t);
  return { ...current, tables, variables, versions };
}
