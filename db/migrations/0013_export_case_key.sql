-- Fieldkit schema 13: a fielding's key for export case ids (exports.md: the identified file gives
-- each case an id that stays the same across exports of the fielding, keyed and unguessable, not
-- the office id). 32 random bytes, hex, made by the first export of the fielding; an id is an HMAC
-- of the case under this key, so whoever lacks the database cannot link an id to an office.
ALTER TABLE fieldings ADD COLUMN export_key TEXT CHECK (export_key IS NULL OR length(export_key) = 64);
