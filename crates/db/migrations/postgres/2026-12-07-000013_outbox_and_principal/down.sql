-- Rows written in format 2 (with a principal) do not verify after this.
ALTER TABLE access_log DROP COLUMN row_format;
ALTER TABLE access_log DROP COLUMN citizen_id;
ALTER TABLE access_log DROP COLUMN principal_kind;
DROP TABLE outbox;
