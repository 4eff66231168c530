import type { Db } from '../platform/db.js';

export type TokenRow = {
  id: number;
  case_id: number;
  contact_id: number | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  replaced_by: number | null;
  fielding_closes_at: string | null;
};

export type TokenRepo = ReturnType<typeof createTokenRepo>;

export function createTokenRepo(db: Db) {
  const selectColumns = `SELECT t.id, t.case_id, t.contact_id, t.created_at, t.expires_at, t.revoked_at,
      t.replaced_by, f.closes_at AS fielding_closes_at
    FROM tokens t JOIN cases c ON c.id = t.case_id JOIN fieldings f ON f.id = c.fielding_id`;
  const byLinkHash = db.prepare<[string], TokenRow>(`${selectColumns} WHERE t.link_hash = ?`);
  const byCodeHash = db.prepare<[string], TokenRow>(`${selectColumns} WHERE t.code_hash = ?`);
  const activeForContact = db.prepare<[number, number], TokenRow>(
    `${selectColumns} WHERE t.case_id = ? AND t.contact_id = ? AND t.revoked_at IS NULL ORDER BY t.id`,
  );
  const byId = db.prepare<[number], TokenRow>(`${selectColumns} WHERE t.id = ?`);
  const ofCase = db.prepare<[number], TokenRow>(`${selectColumns} WHERE t.case_id = ? ORDER BY t.id`);
  const insert = db.prepare<[number, number | null, string, string, string, string | null]>(
    `INSERT INTO tokens (case_id, contact_id, link_hash, code_hash, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const revoke = db.prepare<[string, number | null, number]>(
    'UPDATE tokens SET revoked_at = ?, replaced_by = ? WHERE id = ? AND revoked_at IS NULL',
  );
  return {
    findByLinkHash: (hash: string) => byLinkHash.get(hash),
    findByCodeHash: (hash: string) => byCodeHash.get(hash),
    findTokenById: (id: number) => byId.get(id),
    tokensOfCase: (caseId: number) => ofCase.all(caseId),
    activeForContact: (caseId: number, contactId: number) => activeForContact.all(caseId, contactId),
    insertToken(t: {
      caseId: number;
      contactId: number | null;
      linkHash: string;
      codeHash: string;
      at: string;
      expiresAt: string | null;
    }) {
      return Number(insert.run(t.caseId, t.contactId, t.linkHash, t.codeHash, t.at, t.expiresAt).lastInsertRowid);
    },
    revokeToken: (id: number, at: string, replacedBy: number | null) => revoke.run(at, replacedBy, id).changes === 1,
  };
}
