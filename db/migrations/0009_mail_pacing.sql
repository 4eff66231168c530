-- Fieldkit schema 9: the pace of a fielding's mail, shared by every process that sends it (the
-- server's scheduler and background sends, `fieldkit invite` and `fieldkit remind` from cron), so
-- that together they keep to the fielding's messages per minute. Each send takes the next slot
-- with one UPSERT ... RETURNING; next_slot_at is in milliseconds since the epoch.
CREATE TABLE mail_pacing (
  fielding_id  INTEGER PRIMARY KEY REFERENCES fieldings(id),
  next_slot_at INTEGER NOT NULL
);
