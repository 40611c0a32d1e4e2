-- The access log's chain is keyed from here on: rows numbered from
-- `keyed_from` carry an HMAC-SHA256 under a key kept outside the database;
-- rows already written keep their plain SHA-256 (docs/ARCHITECTURE.md, «The
-- access log's threat model»). A fresh database is keyed from row 1.
ALTER TABLE access_log_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
UPDATE access_log_head SET keyed_from = seq + 1;
