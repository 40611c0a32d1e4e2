ALTER TABLE team_cases DROP COLUMN withdraw_reason;
ALTER TABLE team_cases DROP COLUMN withdrawn_by;
ALTER TABLE team_cases DROP COLUMN minutes_note;
ALTER TABLE meeting_participants DROP COLUMN called_in;
