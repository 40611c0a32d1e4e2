-- Changes to a child's record: who changed what and when, old and new as
-- stored values (codes, ISO dates, masked national identity numbers), never
-- sentences. Guardians are not deleted: one who is no longer a guardian gets
-- an end time (and no parental responsibility) and stays in the history.

CREATE TABLE child_changes (
    id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    changed_at BIGINT NOT NULL,
    changed_by TEXT REFERENCES users (id),
    field TEXT NOT NULL,
    subject_id TEXT,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX child_changes_by_child ON child_changes (child_id, changed_at);

ALTER TABLE guardians ADD COLUMN ended_at BIGINT;
