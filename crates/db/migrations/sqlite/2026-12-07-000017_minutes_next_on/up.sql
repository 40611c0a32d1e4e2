-- The date of the next meeting, as the minutes set it (ISO date), beside
-- `minutes_next` (the next meeting in words). Either or both may be empty.
ALTER TABLE meetings ADD COLUMN minutes_next_on TEXT;
