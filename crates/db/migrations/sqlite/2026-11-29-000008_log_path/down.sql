ALTER TABLE coordination_requests DROP COLUMN answer_read_at;
ALTER TABLE logs DROP COLUMN meeting_due;
ALTER TABLE handovers DROP COLUMN from_unit_id;
