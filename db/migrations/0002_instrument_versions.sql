-- Each instrument version's content hash as first seen. A version that has responses may not change
-- on disk afterwards: a changed instrument needs a new version.
CREATE TABLE instrument_versions (
  instrument_id TEXT NOT NULL,
  version       TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (instrument_id, version)
);
CREATE INDEX responses_instrument ON responses(instrument_id, instrument_version);
