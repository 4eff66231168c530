import { DEFAULT_THRESHOLDS, type DispositionThresholds } from '../contracts/dispositions.js';
import type { ThankYouTo } from '../contracts/mailings.js';
import type { Db } from '../platform/db.js';

export type FieldingRow = {
  id: number;
  name: string;
  instrument_id: string;
  instrument_version: string;
  closes_at: string | null;
  created_at: string;
  /** The disposition thresholds, in percent of the questions shown (db/migrations/0010). */
  complete_pct: number;
  partial_pct: number;
};

/** How a fielding's mail goes out (table fielding_mail_settings; an absent row is these defaults). */
export type MailSettings = {
  /** Days after a case's invitation on which reminder 1, 2, 3 ... fall due. */
  reminderDays: number[];
  remindersEnabled: boolean;
  thankYouEnabled: boolean;
  /** Who is thanked: the contact whose link submitted ('submitter'), or every active contact of the office. */
  thankYouTo: ThankYouTo;
  /** Messages per minute at most, whatever the number of SMTP connections. */
  perMinute: number;
  /** {{deadline}} as written in mails; null = the closing date, or "as soon as you can". */
  deadline: string | null;
  /** AAPOR's e set by staff for RR3/RR4, REF2, CON2; null = the default estimate. */
  eligibilityEstimate: number | null;
};

export const DEFAULT_MAIL_SETTINGS: Readonly<MailSettings> = Object.freeze({
  reminderDays: [7, 14, 21],
  remindersEnabled: false,
  thankYouEnabled: false,
  thankYouTo: 'submitter',
  perMinute: 120,
  deadline: null,
  eligibilityEstimate: null,
});

type MailSettingsRow = {
  reminder_days: string;
  reminders_enabled: number;
  thank_you_enabled: number;
  thank_you_to: ThankYouTo;
  per_minute: number;
  deadline: string | null;
  eligibility_estimate: number | null;
};

export type FieldingRepo = ReturnType<typeof createFieldingRepo>;

export function createFieldingRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, string]>(
    'INSERT INTO fieldings (name, instrument_id, instrument_version, closes_at, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setVersion = db.prepare<[string, number]>('UPDATE fieldings SET instrument_version = ? WHERE id = ?');
  const startedOn = db.prepare<[number], { instrument_version: string; n: number }>(
    `SELECT r.instrument_version, count(*) AS n FROM responses r JOIN cases c ON c.id = r.case_id
     WHERE c.fielding_id = ? GROUP BY r.instrument_version ORDER BY r.instrument_version`,
  );
  const setClosesAt = db.prepare<[string | null, number]>('UPDATE fieldings SET closes_at = ? WHERE id = ?');
  const setThresholds = db.prepare<[number, number, number]>(
    'UPDATE fieldings SET complete_pct = ?, partial_pct = ? WHERE id = ?',
  );
  const thresholdsOf = db.prepare<[number], Pick<FieldingRow, 'complete_pct' | 'partial_pct'>>(
    'SELECT complete_pct, partial_pct FROM fieldings WHERE id = ?',
  );
  const byName = db.prepare<[string], FieldingRow>('SELECT * FROM fieldings WHERE name = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM fieldings');
  const versionsInUse = db.prepare<[], { instrument_id: string; instrument_version: string }>(
    `SELECT instrument_id, instrument_version FROM fieldings
     UNION SELECT instrument_id, instrument_version FROM responses`,
  );
  const all = db.prepare<[], FieldingRow & { cases: number }>(
    `SELECT f.*, (SELECT count(*) FROM cases c WHERE c.fielding_id = f.id) AS cases FROM fieldings f ORDER BY f.id`,
  );
  const settingsOf = db.prepare<[number], MailSettingsRow>(
    `SELECT reminder_days, reminders_enabled, thank_you_enabled, thank_you_to, per_minute, deadline, eligibility_estimate
     FROM fielding_mail_settings WHERE fielding_id = ?`,
  );
  const saveSettings = db.prepare(
    `INSERT INTO fielding_mail_settings (fielding_id, reminder_days, reminders_enabled, thank_you_enabled, thank_you_to,
       per_minute, deadline, eligibility_estimate, updated_at)
     VALUES (@fieldingId, @reminderDays, @remindersEnabled, @thankYouEnabled, @thankYouTo, @perMinute, @deadline,
       @eligibilityEstimate, @at)
     ON CONFLICT (fielding_id) DO UPDATE SET reminder_days = excluded.reminder_days,
       reminders_enabled = excluded.reminders_enabled, thank_you_enabled = excluded.thank_you_enabled,
       thank_you_to = excluded.thank_you_to,
       per_minute = excluded.per_minute, deadline = excluded.deadline,
       eligibility_estimate = excluded.eligibility_estimate, updated_at = excluded.updated_at`,
  );
  return {
    mailSettingsOf(fieldingId: number): MailSettings {
      const row = settingsOf.get(fieldingId);
      if (!row) return { ...DEFAULT_MAIL_SETTINGS, reminderDays: [...DEFAULT_MAIL_SETTINGS.reminderDays] };
      return {
        reminderDays: JSON.parse(row.reminder_days) as number[],
        remindersEnabled: row.reminders_enabled === 1,
        thankYouEnabled: row.thank_you_enabled === 1,
        thankYouTo: row.thank_you_to,
        perMinute: row.per_minute,
        deadline: row.deadline,
        eligibilityEstimate: row.eligibility_estimate,
      };
    },
    saveMailSettings(fieldingId: number, settings: MailSettings, at: string) {
      saveSettings.run({
        fieldingId,
        reminderDays: JSON.stringify(settings.reminderDays),
        remindersEnabled: settings.remindersEnabled ? 1 : 0,
        thankYouEnabled: settings.thankYouEnabled ? 1 : 0,
        thankYouTo: settings.thankYouTo,
        perMinute: settings.perMinute,
        deadline: settings.deadline,
        eligibilityEstimate: settings.eligibilityEstimate,
        at,
      });
    },
    insertFielding: (f: {
      name: string;
      instrumentId: string;
      instrumentVersion: string;
      closesAt: string | null;
      at: string;
    }) => Number(insert.run(f.name, f.instrumentId, f.instrumentVersion, f.closesAt, f.at).lastInsertRowid),
    findFieldingByName: (name: string) => byName.get(name),
    /** New responses of the fielding start on this version; started ones stay on theirs. */
    setFieldingVersion: (id: number, version: string) => setVersion.run(version, id),
    /** How many responses of the fielding were started on each instrument version. */
    responsesByVersion: (id: number) => startedOn.all(id),
    listFieldings: () => all.all(),
    /** Links of the fielding stop working after this instant (null: no closing date). */
    setClosesAt: (id: number, closesAt: string | null) => setClosesAt.run(closesAt, id),
    countFieldings: () => (count.get() as { n: number }).n,
    setDispositionThresholds: (id: number, completePct: number, partialPct: number) =>
      setThresholds.run(completePct, partialPct, id),
    /** The shares finalDisposition compares with (0.8 for 80 %); the defaults for an unknown id. */
    dispositionThresholdsOf(id: number): DispositionThresholds {
      const row = thresholdsOf.get(id);
      return row ? { complete: row.complete_pct / 100, partial: row.partial_pct / 100 } : DEFAULT_THRESHOLDS;
    },
    /** Every instrument version a fielding sends or a response was started on. */
    versionsInUse: () => versionsInUse.all(),
  };
}
