-- The unit a handover moved the log from (so that unit can be told where
-- it went), and the meeting a level decision promises (BTI level 2: within
-- two weeks), due as a task for the lead until it is marked held.
ALTER TABLE handovers ADD COLUMN from_unit_id TEXT;
ALTER TABLE logs ADD COLUMN meeting_due TEXT;
-- When the lead read the coordinating unit's answer (until then a task).
ALTER TABLE coordination_requests ADD COLUMN answer_read_at BIGINT;
-- Answers given before this migration count as read.
UPDATE coordination_requests SET answer_read_at = resolved_at WHERE resolved_at IS NOT NULL;
