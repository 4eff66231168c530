-- Fieldkit schema 10: a fielding's disposition thresholds (fieldwork.md: settings fixed before
-- fieldwork), in percent of the questions shown that were answered: from complete_pct a submitted
-- case is 1.1, from partial_pct it is 1.2. Existing fieldings keep the 80 % / 50 % they were
-- derived with until staff change them.
ALTER TABLE fieldings ADD COLUMN complete_pct REAL NOT NULL DEFAULT 80
  CHECK (complete_pct > 0 AND complete_pct <= 100);
ALTER TABLE fieldings ADD COLUMN partial_pct REAL NOT NULL DEFAULT 50
  CHECK (partial_pct > 0 AND partial_pct < complete_pct);
