-- Anonymous consultations can be withdrawn by their writer (they leave the
-- unit's list and stay in the database), and every correction, withdrawal,
-- link to a child's log and undone link is an event: who, when, what, and
-- for a link the log. A correction records which fields changed
-- (comma-separated codes), never the old text: the usual reason to correct
-- an anonymous consultation is that it identified the child. An undone link
-- records the lead's reason.
ALTER TABLE consultations ADD COLUMN withdrawn_at BIGINT;

CREATE TABLE consultation_events (
    id TEXT PRIMARY KEY NOT NULL,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    at BIGINT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    action TEXT NOT NULL,
    log_id TEXT REFERENCES logs (id),
    detail TEXT
);
CREATE INDEX consultation_events_by_consultation ON consultation_events (consultation_id, at);
