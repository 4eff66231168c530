-- Fieldkit schema 13: a fielding's key for export case ids (exports.md: the identified file gives
-- each case an id that stays the same across exports of the fielding, keyed and unguessable, not
-- the office id). An id is an HMAC of the case under this key (server/exports/caseIds.ts), so
-- whoever lacks the database cannot link an id to an office. 32 random bytes as hex, made when the
-- fielding is created (exports read the database through a read-only connection, so they cannot
-- make it themselves); existing fieldings get theirs now.
ALTER TABLE fieldings ADD COLUMN export_key TEXT CHECK (export_key IS NULL OR length(export_key) = 64);
UPDATE fieldings SET export_key = lower(hex(randomblob(32))) WHERE export_key IS NULL;
CREATE TRIGGER fieldings_export_key AFTER INSERT ON fieldings
WHEN NEW.export_key IS NULL
BEGIN
  UPDATE fieldings SET export_key = lower(hex(randomblob(32))) WHERE id = NEW.id;
END;
