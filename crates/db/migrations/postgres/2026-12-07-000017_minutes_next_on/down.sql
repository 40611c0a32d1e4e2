ALTER TABLE meetings DROP COLUMN minutes_next_on;
