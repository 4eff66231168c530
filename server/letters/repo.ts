import { CLOSED_REASON_SQL, type ClosedReason } from '../cases/repo.js';
import type { Db } from '../db.js';

/** A case of a fielding with its office's mailing address and the office's first active contact. */
export type LetterAddressRow = {
  case_id: number;
  office_study_id: string;
  office_name: string;
  state: string;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  zip: string | null;
  /** Null when the office has no active contact (every one undeliverable or opted out). */
  contact_id: number | null;
  contact_name: string | null;
  contact_title: string | null;
  contact_email: string | null;
  /** Why the case gets no letter (answered, refused, not eligible); null while it is open. */
  closed: ClosedReason | null;
};

export type LetterRepo = ReturnType<typeof createLetterRepo>;

export function createLetterRepo(db: Db) {
  // "First" is the oldest contact still active: the one the frame named, unless staff replaced it.
  const addresses = db.prepare<[number], LetterAddressRow>(
    `SELECT c.id AS case_id, o.office_id AS office_study_id, o.office_name, o.state, o.address_line1,
       o.address_line2, o.city, o.zip, k.id AS contact_id, k.name AS contact_name, k.title AS contact_title,
       k.email AS contact_email, ${CLOSED_REASON_SQL} AS closed
     FROM cases c JOIN offices o ON o.id = c.office_id
     LEFT JOIN contacts k ON k.id = (
       SELECT min(id) FROM contacts WHERE office_id = o.id AND status = 'active')
     WHERE c.fielding_id = ? ORDER BY o.office_name COLLATE NOCASE, c.id`,
  );
  return {
    /** Every case of the fielding, ordered by office name (the order the letters are printed in). */
    letterAddressesOf: (fieldingId: number) => addresses.all(fieldingId),
  };
}
