ALTER TABLE guardians DROP COLUMN ended_at;
DROP TABLE child_changes;
