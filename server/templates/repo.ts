import type { MailKind } from '../contracts/mailings.js';
import type { Db } from '../platform/db.js';
import { DEFAULT_TEMPLATES } from './defaults.js';
import type { EmailTemplate } from './render.js';

export type TemplateRow = EmailTemplate & { kind: MailKind; updated_at: string | null; updated_by: string | null };

export type TemplateRepo = ReturnType<typeof createTemplateRepo>;

export function createTemplateRepo(db: Db) {
  const one = db.prepare<[number, string], TemplateRow>(
    'SELECT kind, subject, body, updated_at, updated_by FROM email_templates WHERE fielding_id = ? AND kind = ?',
  );
  const save = db.prepare<[number, string, string, string, string, string]>(
    `INSERT INTO email_templates (fielding_id, kind, subject, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (fielding_id, kind) DO UPDATE SET subject = excluded.subject, body = excluded.body,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  // The frame's extra columns of the fielding's offices: they are merge fields too.
  const attributeKeys = db
    .prepare<[number], string>(
      `SELECT DISTINCT j.key FROM cases c JOIN offices o ON o.id = c.office_id, json_each(o.attributes) j
       WHERE c.fielding_id = ? ORDER BY j.key`,
    )
    .pluck();
  // The first case of the fielding (in case order) that has a contact mail can still reach.
  const firstReachable = db.prepare<[number], { office_id: number; contact_id: number }>(
    `SELECT c.office_id, k.id AS contact_id FROM cases c JOIN contacts k ON k.office_id = c.office_id
     WHERE c.fielding_id = ? AND k.status = 'active' ORDER BY c.id, k.id LIMIT 1`,
  );
  return {
    /** The fielding's template of this kind, or the default one (updated_at null) if none was saved. */
    templateOf(fieldingId: number, kind: MailKind): TemplateRow {
      return one.get(fieldingId, kind) ?? { kind, ...DEFAULT_TEMPLATES[kind], updated_at: null, updated_by: null };
    },
    saveTemplate(fieldingId: number, kind: MailKind, t: EmailTemplate, at: string, by: string) {
      save.run(fieldingId, kind, t.subject, t.body, at, by);
    },
    attributeKeysOf: (fieldingId: number) => attributeKeys.all(fieldingId),
    /** Where a preview goes when staff name no office: the first case with an active contact. */
    firstReachableCase: (fieldingId: number) => firstReachable.get(fieldingId),
  };
}
