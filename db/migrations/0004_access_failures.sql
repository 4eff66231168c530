-- Fieldkit schema 4: failed look-ups of links and access codes, per client address, so that the
-- growing delays imposed on a guesser survive a restart. Times are milliseconds since the epoch
-- (the throttle does arithmetic on them). A row is forgotten an hour after its last failure.
CREATE TABLE access_failures (
  client           TEXT NOT NULL,               -- an IPv4 address, or an IPv6 /64 prefix
  kind             TEXT NOT NULL CHECK (kind IN ('link', 'code')),
  failures         INTEGER NOT NULL,
  last_failure_ms  INTEGER NOT NULL,
  blocked_until_ms INTEGER NOT NULL,            -- 0 while the client is under its free allowance
  PRIMARY KEY (client, kind)
) WITHOUT ROWID;
CREATE INDEX access_failures_last ON access_failures(last_failure_ms);

-- Failed look-ups from all clients together, per UTC day: the counter that replaces a global
-- lockout. It is logged and shown by `fieldkit access stats`; it never refuses anyone.
CREATE TABLE access_failure_days (
  day      TEXT NOT NULL,                       -- YYYY-MM-DD (UTC)
  kind     TEXT NOT NULL CHECK (kind IN ('link', 'code')),
  failures INTEGER NOT NULL,
  clients  INTEGER NOT NULL,                    -- distinct clients that failed that day (first failure of a row)
  PRIMARY KEY (day, kind)
) WITHOUT ROWID;
