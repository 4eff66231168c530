import { CLOSED_REASON_SQL, type ClosedReason } from '../cases/repo.js';
import type { LetterSender, LetterSettingsAnswer } from '../contracts/letters.js';
import type { Db } from '../platform/db.js';

/** A case of a fielding with its office's mailing address and the office's first active contact. */
export type LetterAddressRow = {
  case_id: number;
  office_study_id: string;
  office_name: string;
  state: string;
  jurisdiction: string;
  /** JSON object of the frame's extra columns: merge fields of the letter's text. */
  attributes: string;
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

/** A fielding's letter settings: its text (null = the default letter) and the sender block. */
export type LetterSettings = LetterSettingsAnswer;

const NO_SENDER: LetterSender = {
  senderName: '',
  senderTitle: '',
  institution: '',
  returnAddress: '',
  phone: '',
  signature: '',
};

type LetterSettingsRow = {
  body: string | null;
  sender_name: string;
  sender_title: string;
  institution: string;
  return_address: string;
  phone: string;
  signature: string;
  updated_at: string;
  updated_by: string;
};

export type LetterRepo = ReturnType<typeof createLetterRepo>;

export function createLetterRepo(db: Db) {
  // "First" is the oldest contact still active: the one the frame named, unless staff replaced it.
  const addresses = db.prepare<[number], LetterAddressRow>(
    `SELECT c.id AS case_id, o.office_id AS office_study_id, o.office_name, o.state, o.jurisdiction, o.attributes,
       o.address_line1,
       o.address_line2, o.city, o.zip, k.id AS contact_id, k.name AS contact_name, k.title AS contact_title,
       k.email AS contact_email, ${CLOSED_REASON_SQL} AS closed
     FROM cases c JOIN offices o ON o.id = c.office_id
     LEFT JOIN contacts k ON k.id = (
       SELECT min(id) FROM contacts WHERE office_id = o.id AND status = 'active')
     WHERE c.fielding_id = ? ORDER BY o.office_name COLLATE NOCASE, c.id`,
  );
  const settings = db.prepare<[number], LetterSettingsRow>(
    `SELECT body, sender_name, sender_title, institution, return_address, phone, signature, updated_at, updated_by
     FROM letter_settings WHERE fielding_id = ?`,
  );
  const save = db.prepare(
    `INSERT INTO letter_settings (fielding_id, body, sender_name, sender_title, institution, return_address, phone,
       signature, updated_at, updated_by)
     VALUES (@fieldingId, @body, @senderName, @senderTitle, @institution, @returnAddress, @phone, @signature, @at, @by)
     ON CONFLICT (fielding_id) DO UPDATE SET body = excluded.body, sender_name = excluded.sender_name,
       sender_title = excluded.sender_title, institution = excluded.institution,
       return_address = excluded.return_address, phone = excluded.phone, signature = excluded.signature,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  return {
    letterSettingsOf(fieldingId: number): LetterSettings {
      const row = settings.get(fieldingId);
      if (!row) return { ...NO_SENDER, body: null, updatedAt: null, updatedBy: null };
      return {
        body: row.body,
        senderName: row.sender_name,
        senderTitle: row.sender_title,
        institution: row.institution,
        returnAddress: row.return_address,
        phone: row.phone,
        signature: row.signature,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      };
    },
    saveLetterSettings(fieldingId: number, s: LetterSender & { body: string | null }, at: string, by: string) {
      save.run({ fieldingId, ...s, at, by });
    },
    /** Every case of the fielding, by office name; the letters are printed in the order staff choose (order.ts). */
    letterAddressesOf: (fieldingId: number) => addresses.all(fieldingId),
  };
}
