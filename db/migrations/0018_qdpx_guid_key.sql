-- Fieldkit schema 18: the study's key for the GUIDs of the REFI-QDA project of interview notes
-- (`fieldkit export --site … --format qdpx`). Every source, case, user and variable of the project
-- has a GUID derived from this key and what it names (server/exports/qdpx.ts), so a re-export maps
-- onto the project an analyst already coded, and a GUID does not tell a record id to someone
-- without the key. One row, made once.
CREATE TABLE qdpx_guid_key (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  key TEXT NOT NULL CHECK (length(key) = 64)
);
INSERT INTO qdpx_guid_key (id, key) VALUES (1, lower(hex(randomblob(32))));
