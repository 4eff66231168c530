-- Fieldkit schema 12: postal letters. A fielding's letter text (plain text with the emails'
-- {{merge_fields}}) and the sender block printed on every letter. Absent row, or a NULL body,
-- = the default letter (server/letters/template.ts) with no sender block.
CREATE TABLE letter_settings (
  fielding_id    INTEGER PRIMARY KEY REFERENCES fieldings(id),
  body           TEXT,
  sender_name    TEXT NOT NULL DEFAULT '',
  sender_title   TEXT NOT NULL DEFAULT '',
  institution    TEXT NOT NULL DEFAULT '',
  return_address TEXT NOT NULL DEFAULT '',   -- line breaks kept, one line of the address each
  phone          TEXT NOT NULL DEFAULT '',
  signature      TEXT NOT NULL DEFAULT '',   -- the line printed above the sender's name, e.g. "Dana Reyes, PhD"
  updated_at     TEXT NOT NULL,
  updated_by     TEXT NOT NULL
);
