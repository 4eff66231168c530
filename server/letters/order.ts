import type { LetterOrder } from '../contracts/letters.js';
import type { LetterAddressRow } from './repo.js';

type Sortable = Pick<LetterAddressRow, 'office_study_id' | 'state' | 'zip'>;

// Office IDs as people read them: OFF-2 before OFF-10.
const officeIds = new Intl.Collator('en', { numeric: true });
const byOfficeId = (a: Sortable, b: Sortable) => officeIds.compare(a.office_study_id, b.office_study_id);

/** The ZIP as the frame gave it, or null when it gave none (blank counts as none). */
const zipOf = (row: Sortable) => {
  const zip = row.zip?.trim() ?? '';
  return zip === '' ? null : zip;
};

/** Plain code-unit order: ZIPs are fixed-width digits (ZIP+4 after its ZIP), and a leading 0 is significant. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const ORDERS: Record<LetterOrder, (a: Sortable, b: Sortable) => number> = {
  // A letter the post cannot sort by ZIP goes to the end of the pile, where the mail room finds it.
  zip: (a, b) => {
    const [za, zb] = [zipOf(a), zipOf(b)];
    if (za === null || zb === null) return za === zb ? byOfficeId(a, b) : za === null ? 1 : -1;
    return byText(za, zb) || byOfficeId(a, b);
  },
  office: byOfficeId,
  state: (a, b) => byText(a.state, b.state) || byOfficeId(a, b),
};

/** The rows in the order their letters are printed (and their codes issued); ties go by office ID. */
export function inMailingOrder<T extends Sortable>(rows: readonly T[], order: LetterOrder): T[] {
  return [...rows].sort(ORDERS[order]);
}
