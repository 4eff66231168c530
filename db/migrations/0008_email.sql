-- Fieldkit schema 8: fieldwork by email. A fielding's mail settings and templates, every message
-- planned or sent (one row per case, contact, kind and reminder number, so no message can be
-- planned twice, whichever process plans it), and every SMTP attempt with the server's reply.

-- Absent row = the defaults (server/mail/settings.ts).
CREATE TABLE fielding_mail_settings (
  fielding_id          INTEGER PRIMARY KEY REFERENCES fieldings(id),
  reminder_days        TEXT NOT NULL DEFAULT '[7,14,21]' CHECK (json_valid(reminder_days)),
  reminders_enabled    INTEGER NOT NULL DEFAULT 0 CHECK (reminders_enabled IN (0, 1)),
  thank_you_enabled    INTEGER NOT NULL DEFAULT 0 CHECK (thank_you_enabled IN (0, 1)),
  per_minute           INTEGER NOT NULL DEFAULT 120 CHECK (per_minute BETWEEN 1 AND 100000),
  deadline             TEXT,                    -- {{deadline}} as written in mails, e.g. "June 30, 2027"
  -- AAPOR's e for RR3/RR4, REF2, CON2; NULL = the default estimate from resolved cases.
  eligibility_estimate REAL CHECK (eligibility_estimate IS NULL OR eligibility_estimate BETWEEN 0 AND 1),
  updated_at           TEXT NOT NULL
);

-- Absent row = the default template of that kind (server/mail/defaults.ts).
CREATE TABLE email_templates (
  fielding_id INTEGER NOT NULL REFERENCES fieldings(id),
  kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you')),
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,                    -- plain text with {{merge_fields}}; HTML is made from it
  updated_at  TEXT NOT NULL,
  updated_by  TEXT NOT NULL,
  PRIMARY KEY (fielding_id, kind)
);

-- status: queued -> sending (written before the SMTP transaction) -> sent | rejected (5xx) |
-- failed (gave up after temporary failures); queued again after a 4xx; interrupted = found in
-- 'sending' after a crash: the server may have accepted it, so it is never sent again by itself;
-- cancelled = no longer due when its turn came (completed, refused, contact undeliverable ...).
CREATE TABLE email_sends (
  id              INTEGER PRIMARY KEY,
  fielding_id     INTEGER NOT NULL REFERENCES fieldings(id),
  case_id         INTEGER NOT NULL REFERENCES cases(id),
  contact_id      INTEGER NOT NULL REFERENCES contacts(id),
  kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you')),
  number          INTEGER NOT NULL DEFAULT 0 CHECK (number >= 0), -- reminder 1, 2, 3...; 0 otherwise
  status          TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'sending', 'sent', 'rejected', 'failed', 'interrupted', 'cancelled')),
  token_id        INTEGER REFERENCES tokens(id), -- the link issued for this message
  opt_out_hash    TEXT UNIQUE,                  -- SHA-256 of the message's opt-out token
  message_id      TEXT,                         -- the Message-ID header, to match bounces
  smtp_code       INTEGER,
  smtp_reply      TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  queued_at       TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  started_at      TEXT,
  finished_at     TEXT,
  UNIQUE (case_id, contact_id, kind, number)
);
CREATE INDEX email_sends_due ON email_sends(fielding_id, status, next_attempt_at);
CREATE INDEX email_sends_message ON email_sends(message_id);

-- Every SMTP attempt, kept even when the send is retried. Never updated, only appended.
CREATE TABLE email_attempts (
  id         INTEGER PRIMARY KEY,
  send_id    INTEGER NOT NULL REFERENCES email_sends(id),
  at         TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'temporary', 'permanent', 'error')),
  smtp_code  INTEGER,
  smtp_reply TEXT
);
CREATE INDEX email_attempts_send ON email_attempts(send_id);

CREATE TRIGGER email_attempts_append_only_update BEFORE UPDATE ON email_attempts
BEGIN SELECT RAISE(ABORT, 'email_attempts is append-only'); END;
CREATE TRIGGER email_attempts_append_only_delete BEFORE DELETE ON email_attempts
BEGIN SELECT RAISE(ABORT, 'email_attempts is append-only'); END;
