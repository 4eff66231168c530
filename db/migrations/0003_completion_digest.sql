-- Fieldkit schema 3: a completion is final. The digest of the accepted completion request (its
-- revision and answers as sent, canonical JSON, SHA-256) lets an identical retry answer 200 while
-- any different completion after it is refused with 409, without keeping the raw request.
ALTER TABLE responses ADD COLUMN completion_digest TEXT;
