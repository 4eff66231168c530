-- Fieldkit schema 11: personal API tokens expire. Each token has its expiry (ISO 8601 UTC), chosen
-- at creation up to a maximum an admin sets; the admin also sets the default lifetime.
ALTER TABLE staff_api_tokens ADD COLUMN expires_at TEXT;

-- Tokens made before tokens expired get the default lifetime from the upgrade on, not forever.
UPDATE staff_api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days')
WHERE expires_at IS NULL;

-- One row at most; absent = the defaults (90 days by default, 365 at most: server/staff/tokenSettings.ts).
CREATE TABLE api_token_settings (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  default_days INTEGER NOT NULL,
  max_days     INTEGER NOT NULL CHECK (max_days BETWEEN 1 AND 3650),
  updated_at   TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  CHECK (default_days BETWEEN 1 AND max_days)
);
