-- Fieldkit schema 7: staff previews of an instrument in the real respondent app. A preview belongs
-- to no office, fielding or case, so its test answers live only here: nothing that counts cases,
-- derives dispositions or exports responses reads this table. The link token is stored as its
-- SHA-256 hash, like respondents' tokens, and stops working at expires_at.
CREATE TABLE preview_sessions (
  id                 INTEGER PRIMARY KEY,
  token_hash         TEXT NOT NULL UNIQUE,
  instrument_id      TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  actor              TEXT NOT NULL,             -- the staff email that opened the preview
  status             TEXT NOT NULL DEFAULT 'in_progress'
                     CHECK (status IN ('in_progress', 'completed', 'declined')),
  answers            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
  current_page       INTEGER NOT NULL DEFAULT 0 CHECK (current_page >= 0),
  revision           INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  expires_at         TEXT NOT NULL,
  submitted_at       TEXT
);
CREATE INDEX preview_sessions_expires ON preview_sessions(expires_at);
