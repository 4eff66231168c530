-- Fieldkit schema 15: interrupted messages sent again by staff. An interrupted message (the SMTP
-- transaction's outcome unknown) is never resent by itself; when staff have checked the mailbox
-- and ask, its row is queued again as a fresh message (new Message-ID, new secrets) and the
-- interrupted one is kept here as it was: its Message-ID still matches a late bounce, its opt-out
-- link still works, and the row can be resent only once per interruption (status 'interrupted').
CREATE TABLE email_resends (
  id             INTEGER PRIMARY KEY,
  send_id        INTEGER NOT NULL REFERENCES email_sends(id),
  started_at     TEXT,                        -- when the interrupted attempt began
  interrupted_at TEXT,                        -- when it was recorded as interrupted
  token_id       INTEGER REFERENCES tokens(id),
  opt_out_hash   TEXT UNIQUE,
  message_id     TEXT,
  resent_at      TEXT NOT NULL,
  resent_by      TEXT NOT NULL
);
CREATE INDEX email_resends_send ON email_resends(send_id);
CREATE INDEX email_resends_message ON email_resends(message_id);
