-- Certificate verification codes (the app's core::certificate): each accepted attempt's code
-- without and with the receipt this collector signed for it, so that
-- GET /v1/contests/{contest}/certificates/{code} finds the attempt by an index. Attempts stored
-- before this migration get theirs at start-up (store::backfill_codes).
ALTER TABLE attempts ADD COLUMN code text, ADD COLUMN signed_code text;
CREATE INDEX attempts_code ON attempts (contest, code);
CREATE INDEX attempts_signed_code ON attempts (contest, signed_code);
