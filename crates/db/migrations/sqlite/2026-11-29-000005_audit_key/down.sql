-- Rows written with the key do not verify without it after this.
ALTER TABLE access_log_head DROP COLUMN keyed_from;
