import type { ContactStatus } from '../contracts/cases.js';
import type { Db } from '../platform/db.js';

export type OfficeRow = {
  id: number;
  office_id: string;
  office_name: string;
  state: string;
  jurisdiction: string;
  population: number;
  stratum: string;
  attributes: string;
};

/** What the frame says about an office; contacts are kept separately. */
export type OfficeInput = {
  office_id: string;
  office_name: string;
  state: string;
  jurisdiction: string;
  population: number;
  stratum: string;
  address_line1?: string | undefined;
  address_line2?: string | undefined;
  city?: string | undefined;
  zip?: string | undefined;
  phone?: string | undefined;
  attributes: Record<string, string>;
};

export type ContactInput = { name: string; email: string; title?: string | undefined };

export type ContactRow = {
  id: number;
  office_id: number;
  name: string;
  email: string;
  title: string | null;
  status: ContactStatus;
  created_at: string;
  updated_at: string;
};

/** Everything the frame said about an office, for the case page. */
export type OfficeDetailRow = OfficeRow & {
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  zip: string | null;
  phone: string | null;
};

export type OfficeRepo = ReturnType<typeof createOfficeRepo>;

export function createOfficeRepo(db: Db) {
  // Re-importing a frame updates what the frame knows and never touches cases or responses.
  const upsertOffice = db.prepare(
    `INSERT INTO offices (office_id, office_name, state, jurisdiction, population, stratum, address_line1,
       address_line2, city, zip, phone, attributes, created_at, updated_at)
     VALUES (@office_id, @office_name, @state, @jurisdiction, @population, @stratum, @address_line1,
       @address_line2, @city, @zip, @phone, @attributes, @at, @at)
     ON CONFLICT (office_id) DO UPDATE SET office_name = excluded.office_name, state = excluded.state,
       jurisdiction = excluded.jurisdiction, population = excluded.population, stratum = excluded.stratum,
       address_line1 = excluded.address_line1, address_line2 = excluded.address_line2, city = excluded.city,
       zip = excluded.zip, phone = excluded.phone, attributes = excluded.attributes, updated_at = excluded.updated_at
     RETURNING id`,
  );
  const upsertContact = db.prepare(
    `INSERT INTO contacts (office_id, name, email, title, created_at, updated_at)
     VALUES (@officeId, @name, @email, @title, @at, @at)
     ON CONFLICT (office_id, email) DO UPDATE SET name = excluded.name, title = excluded.title,
       updated_at = excluded.updated_at
     RETURNING id`,
  );
  const byId = db.prepare<[number], OfficeRow>(
    'SELECT id, office_id, office_name, state, jurisdiction, population, stratum, attributes FROM offices WHERE id = ?',
  );
  const contactByEmail = db.prepare<[number, string], { id: number; name: string; email: string }>(
    'SELECT id, name, email FROM contacts WHERE office_id = ? AND email = ?',
  );
  const detail = db.prepare<[number], OfficeDetailRow>(
    `SELECT id, office_id, office_name, state, jurisdiction, population, stratum, attributes, address_line1,
       address_line2, city, zip, phone FROM offices WHERE id = ?`,
  );
  const contactColumns = 'id, office_id, name, email, title, status, created_at, updated_at';
  const contactsOf = db.prepare<[number], ContactRow>(
    `SELECT ${contactColumns} FROM contacts WHERE office_id = ? ORDER BY id`,
  );
  const contactById = db.prepare<[number], ContactRow>(`SELECT ${contactColumns} FROM contacts WHERE id = ?`);
  const insertContact = db.prepare<[number, string, string, string | null, string, string]>(
    'INSERT INTO contacts (office_id, name, email, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const editContact = db.prepare<[string, string, string | null, string, number]>(
    'UPDATE contacts SET name = ?, email = ?, title = ?, updated_at = ? WHERE id = ?',
  );
  const setStatus = db.prepare<[string, string, number]>('UPDATE contacts SET status = ?, updated_at = ? WHERE id = ?');
  return {
    upsertOffice(office: OfficeInput, at: string): number {
      const row = upsertOffice.get({
        office_id: office.office_id,
        office_name: office.office_name,
        state: office.state,
        jurisdiction: office.jurisdiction,
        population: office.population,
        stratum: office.stratum,
        address_line1: office.address_line1 ?? null,
        address_line2: office.address_line2 ?? null,
        city: office.city ?? null,
        zip: office.zip ?? null,
        phone: office.phone ?? null,
        attributes: JSON.stringify(office.attributes),
        at,
      }) as { id: number };
      return row.id;
    },
    upsertContact(officeId: number, contact: ContactInput, at: string): number {
      const row = upsertContact.get({
        officeId,
        name: contact.name,
        email: contact.email,
        title: contact.title ?? null,
        at,
      }) as { id: number };
      return row.id;
    },
    findOffice: (id: number) => byId.get(id),
    findOfficeDetail: (id: number) => detail.get(id),
    contactsOf: (officeId: number) => contactsOf.all(officeId),
    findContact: (id: number) => contactById.get(id),
    /** A contact staff add by hand; a second contact with the same email at one office is refused by UNIQUE. */
    insertContact: (officeId: number, c: ContactInput, at: string) =>
      Number(insertContact.run(officeId, c.name, c.email, c.title ?? null, at, at).lastInsertRowid),
    editContact: (id: number, c: { name: string; email: string; title: string | null }, at: string) =>
      editContact.run(c.name, c.email, c.title, at, id),
    setContactStatus: (id: number, status: ContactStatus, at: string) => setStatus.run(status, at, id),
    findContactByEmail: (officeId: number, email: string) => contactByEmail.get(officeId, email.toLowerCase()),
  };
}
