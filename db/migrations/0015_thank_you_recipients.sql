-- Fieldkit schema 14: who a fielding's thank-you goes to. 'submitter' (the default): only the
-- contact whose link or access code submitted the response, since the others of the office did
-- not answer; 'all': every active contact of the office, as before.
ALTER TABLE fielding_mail_settings ADD COLUMN thank_you_to TEXT NOT NULL DEFAULT 'submitter'
  CHECK (thank_you_to IN ('submitter', 'all'));
