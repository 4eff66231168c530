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

/** Where the case page says a link went: the token_issued event's purpose, the email that carried it. */
export type CaseTokenRow = TokenRow & {
  purpose: string | null;
  purpose_number: number | null;
  sent_at: string | null;
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
  // For the case page only (never on a respondent's look-up): what each link was issued for, from
  // its token_issued event, and when the email carrying it was accepted by the mail server.
  const withProvenance = `SELECT t.id, t.case_id, t.contact_id, t.created_at, t.expires_at, t.revoked_at,
      t.replaced_by, f.closes_at AS fielding_closes_at,
      json_extract(e.detail, '$.purpose') AS purpose, json_extract(e.detail, '$.number') AS purpose_number,
      (SELECT s.finished_at FROM email_sends s
        WHERE s.case_id = t.case_id AND s.token_id = t.id AND s.status = 'sent') AS sent_at
    FROM tokens t JOIN cases c ON c.id = t.case_id JOIN fieldings f ON f.id = c.fielding_id
    LEFT JOIN case_events e ON e.id = (SELECT min(i.id) FROM case_events i
      WHERE i.case_id = t.case_id AND i.token_id = t.id AND i.type = 'token_issued')`;
  const ofCase = db.prepare<[number], CaseTokenRow>(`${withProvenance} WHERE t.case_id = ? ORDER BY t.id`);
  const caseTokenById = db.prepare<[number], CaseTokenRow>(`${withProvenance} WHERE t.id = ?`);
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
    findCaseToken: (id: number) => caseTokenById.get(id),
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
