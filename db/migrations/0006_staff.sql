-- Fieldkit schema 6: staff accounts, their sessions, one-time set-password links, personal API
-- tokens and the login throttle. Secrets (session ids, links, API tokens) are stored only as
-- SHA-256 hashes; passwords as scrypt hashes with their salt and parameters. Times the code does
-- arithmetic on are milliseconds since the epoch; the rest are ISO 8601 UTC.
CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'fieldwork', 'analyst', 'interviewer')),
  password_hash TEXT,                           -- scrypt$<N>$<r>$<p>$<salt>$<hash>; NULL until set
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
);

CREATE TABLE staff_sessions (
  id_hash      TEXT PRIMARY KEY,                -- SHA-256 of the cookie's random id
  staff_id     INTEGER NOT NULL REFERENCES staff(id),
  csrf_token   TEXT NOT NULL,                   -- sent back in X-CSRF-Token on every change
  created_ms   INTEGER NOT NULL,                -- for the absolute timeout
  last_seen_ms INTEGER NOT NULL                 -- for the idle timeout
) WITHOUT ROWID;
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);

CREATE TABLE staff_password_links (
  token_hash TEXT PRIMARY KEY,
  staff_id   INTEGER NOT NULL REFERENCES staff(id),
  expires_ms INTEGER NOT NULL,
  used_ms    INTEGER
) WITHOUT ROWID;
CREATE INDEX staff_password_links_staff ON staff_password_links(staff_id);

CREATE TABLE staff_api_tokens (
  id           INTEGER PRIMARY KEY,
  staff_id     INTEGER NOT NULL REFERENCES staff(id),
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,                   -- the first characters, so people can tell tokens apart
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX staff_api_tokens_staff ON staff_api_tokens(staff_id);

-- Failed logins, per account ('account:<email>') and per client address ('client:<address>'),
-- apart from the respondents' access_failures so neither can slow the other.
CREATE TABLE staff_login_failures (
  key              TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL,
  last_failure_ms  INTEGER NOT NULL,
  blocked_until_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX staff_login_failures_last ON staff_login_failures(last_failure_ms);
