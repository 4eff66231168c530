import { createHmac, randomInt } from 'node:crypto';

/** Nine digits: a number every format stores exactly and shows whole (Stata's %9.0g, SPSS F9). */
const LOW = 100_000_000;
const SPAN = 900_000_000;

/**
 * The identified file's case ids: an HMAC of the case under the fielding's key, so the same case
 * has the same id in every export of the fielding (another format, a correction, a panel table made
 * separately can be merged on it), while nobody without the key can tell which office an id is.
 * Two cases whose HMACs meet take the next HMAC in turn; the caller asks for every case of the
 * fielding in the order of their creation, so an earlier case's id never depends on a later one.
 */
export function stableCaseIds(key: string): (caseId: number) => number {
  const secret = Buffer.from(key, 'hex');
  const taken = new Set<number>();
  const ids = new Map<number, number>();
  return (caseId) => {
    const known = ids.get(caseId);
    if (known !== undefined) return known;
    for (let n = 0; ; n++) {
      const mac = createHmac('sha256', secret)
        .update(n === 0 ? `case:${caseId}` : `case:${caseId}:${n}`)
        .digest();
      const id = LOW + (mac.readUIntBE(0, 6) % SPAN);
      if (taken.has(id)) continue;
      taken.add(id);
      ids.set(caseId, id);
      return id;
    }
  };
}

/**
 * Ids for a public-use release: random and new in every release, so that two releases (or a
 * release and the identified file) cannot be linked row by row. One per row, all different.
 */
export function releaseCaseIds(rows: number): number[] {
  const taken = new Set<number>();
  const out: number[] = [];
  while (out.length < rows) {
    const id = randomInt(LOW, LOW + SPAN);
    if (taken.has(id)) continue;
    taken.add(id);
    out.push(id);
  }
  return out;
}
