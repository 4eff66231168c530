-- Fieldkit schema 14: a database that is a rehearsal copy of the live one. FIELDKIT_NOW (act as if
-- it were another instant) is honoured only where this table has its row: on the live database it
-- would move the mail pace and schedule for real. `fieldkit rehearsal copy` writes the row into the
-- copy it makes; nothing ever writes it into a live database.
CREATE TABLE rehearsal_copy (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  copied_from TEXT NOT NULL,                    -- the live database file the copy was made from
  copied_at   TEXT NOT NULL
);
