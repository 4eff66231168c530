-- Fieldkit schema 17: Phase II case studies. A site (one jurisdiction of the case studies) has the
-- interviewers assigned to it and the interviewer-mode instruments it uses; a record is one
-- filled-in Phase II instrument (an interview, a case-file abstraction) entered by staff at a site.
-- Every change to a record's answers or status is kept field by field in record_changes, which,
-- like case_events, can only grow.
ALTER TABLE staff ADD COLUMN full_name TEXT NOT NULL DEFAULT '';

CREATE TABLE sites (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  jurisdiction TEXT NOT NULL,
  notes        TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

CREATE TABLE site_interviewers (
  site_id     INTEGER NOT NULL REFERENCES sites(id),
  staff_id    INTEGER NOT NULL REFERENCES staff(id),
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (site_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX site_interviewers_staff ON site_interviewers(staff_id);

CREATE TABLE site_instruments (
  site_id       INTEGER NOT NULL REFERENCES sites(id),
  instrument_id TEXT NOT NULL,                -- every version of it; a record keeps the one it began on
  PRIMARY KEY (site_id, instrument_id)
) WITHOUT ROWID;

CREATE TABLE records (
  id                 INTEGER PRIMARY KEY,
  site_id            INTEGER NOT NULL REFERENCES sites(id),
  instrument_id      TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  interviewer_id     INTEGER NOT NULL REFERENCES staff(id),   -- who started it
  status             TEXT NOT NULL DEFAULT 'in_progress'
                     CHECK (status IN ('in_progress', 'final', 'refused')),
  answers            TEXT NOT NULL DEFAULT '{}',
  current_page       INTEGER NOT NULL DEFAULT 0,
  revision           INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  updated_by         INTEGER NOT NULL REFERENCES staff(id),   -- who last saved
  finalized_at       TEXT,
  finalized_by       INTEGER REFERENCES staff(id),
  reopen_reason      TEXT                     -- why a lead reopened it; carried by its changes until final again
);
CREATE INDEX records_site ON records(site_id, instrument_id, status);
CREATE INDEX records_interviewer ON records(interviewer_id);

-- One row per changed variable per save; `variable` is the answer's path (`cf_ndef`,
-- `cf_defs[defendant_no=2].d_sentmo`), values are JSON (NULL: no value). A status change is a row
-- with variable '(status)'. `reason` is required when the record had been final (a reopening).
CREATE TABLE record_changes (
  id        INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES records(id),
  revision  INTEGER NOT NULL,                 -- the record's revision the change produced
  variable  TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  staff_id  INTEGER NOT NULL REFERENCES staff(id),
  at        TEXT NOT NULL,
  reason    TEXT
);
CREATE INDEX record_changes_record ON record_changes(record_id, id);
CREATE TRIGGER record_changes_append_only_update BEFORE UPDATE ON record_changes
BEGIN SELECT RAISE(ABORT, 'record_changes is append-only'); END;
CREATE TRIGGER record_changes_append_only_delete BEFORE DELETE ON record_changes
BEGIN SELECT RAISE(ABORT, 'record_changes is append-only'); END;
