DROP INDEX consultation_events_by_consultation;
DROP TABLE consultation_events;
ALTER TABLE consultations DROP COLUMN withdrawn_at;
