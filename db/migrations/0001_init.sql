-- Fieldkit schema 1: offices and their contacts, fieldings, cases, link tokens, responses and the
-- case event log. Timestamps are ISO-8601 UTC text. JSON columns are checked with json_valid.

CREATE TABLE offices (
  id            INTEGER PRIMARY KEY,
  office_id     TEXT NOT NULL UNIQUE,           -- the study's own identifier from the frame
  office_name   TEXT NOT NULL,
  state         TEXT NOT NULL,                  -- USPS code
  jurisdiction  TEXT NOT NULL,
  population    INTEGER NOT NULL CHECK (population >= 0),
  stratum       TEXT NOT NULL,
  address_line1 TEXT,
  address_line2 TEXT,
  city          TEXT,
  zip           TEXT,
  phone         TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)), -- extra frame columns
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  office_id   INTEGER NOT NULL REFERENCES offices(id),
  name        TEXT NOT NULL,
  email       TEXT NOT NULL,
  title       TEXT,
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'undeliverable', 'opted_out')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (office_id, email)
);

CREATE TABLE fieldings (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  instrument_id      TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  closes_at          TEXT,                      -- links stop working after this instant
  created_at         TEXT NOT NULL
);

-- One case per office and fielding; every link of the case reaches the same single response.
CREATE TABLE cases (
  id          INTEGER PRIMARY KEY,
  fielding_id INTEGER NOT NULL REFERENCES fieldings(id),
  office_id   INTEGER NOT NULL REFERENCES offices(id),
  created_at  TEXT NOT NULL,
  UNIQUE (fielding_id, office_id)
);
CREATE INDEX cases_office ON cases(office_id);

-- Only SHA-256 hashes of link tokens and access codes are stored; the clear values exist once, in
-- the links file written when they are issued.
CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  contact_id  INTEGER REFERENCES contacts(id),
  link_hash   TEXT NOT NULL UNIQUE,
  code_hash   TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  expires_at  TEXT,
  revoked_at  TEXT,
  replaced_by INTEGER REFERENCES tokens(id)
);
CREATE INDEX tokens_case ON tokens(case_id);
CREATE INDEX tokens_contact ON tokens(contact_id);

CREATE TABLE responses (
  id                 INTEGER PRIMARY KEY,
  case_id            INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  instrument_id      TEXT NOT NULL,
  instrument_version TEXT NOT NULL,             -- pinned when the response starts
  status             TEXT NOT NULL DEFAULT 'in_progress'
                     CHECK (status IN ('in_progress', 'completed', 'declined')),
  answers            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
  current_page       INTEGER NOT NULL DEFAULT 0 CHECK (current_page >= 0),
  revision           INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
  started_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  submitted_at       TEXT,
  declined_at        TEXT
);

-- The case history from which dispositions are derived. Never updated, only appended.
CREATE TABLE case_events (
  id        INTEGER PRIMARY KEY,
  case_id   INTEGER NOT NULL REFERENCES cases(id),
  type      TEXT NOT NULL,
  at        TEXT NOT NULL,
  token_id  INTEGER REFERENCES tokens(id),
  detail    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_append_only_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
