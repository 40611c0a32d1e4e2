-- Standing teams (issue #11), what migration 000014 lacked:
-- - a meeting participant called in to one meeting of a team by its leader
--   (an on-demand member, NAV in a TST): `called_in`. They see that
--   meeting and its cases as their consent allows, nothing else of the
--   team;
-- - the minutes' note on each case discussed in a team meeting
--   (`minutes_note`; the meeting's own minutes columns hold the rest);
-- - a case withdrawn from a team: by whom and why (`withdrawn_at` is in
--   000014).
ALTER TABLE meeting_participants ADD COLUMN called_in BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE team_cases ADD COLUMN minutes_note TEXT;
ALTER TABLE team_cases ADD COLUMN withdrawn_by TEXT REFERENCES users (id);
ALTER TABLE team_cases ADD COLUMN withdraw_reason TEXT;
