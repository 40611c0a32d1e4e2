ALTER TABLE logs DROP COLUMN meeting_due;
ALTER TABLE handovers DROP COLUMN from_unit_id;
