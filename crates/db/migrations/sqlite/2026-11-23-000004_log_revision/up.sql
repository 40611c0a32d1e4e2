-- A counter that every change to a log's timeline raises (in the same
-- transaction), so that a rendered timeline can be kept for exactly as long as
-- it is current. Timestamps could coincide; a counter cannot.
ALTER TABLE logs ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
