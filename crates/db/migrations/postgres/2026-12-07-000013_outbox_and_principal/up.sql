-- The outbox: work to do after a change commits (e-mail, calendar
-- invitations, KS Fiks messages), written in the same transaction as the
-- change, so the job exists exactly when the change does. A worker claims a
-- due job with a lease (`lease_token`, `lease_until`); another worker takes
-- it only once the lease has expired. `attempts` counts claims; a job that
-- fails is tried again at `due_at` (exponential backoff) until
-- `max_attempts`, then kept as `failed` for an operator to see. Payloads
-- hold ids, not names (crates/db/src/outbox/mod.rs).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    lease_token TEXT,
    lease_until BIGINT,
    last_error TEXT,
    finished_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, due_at);

-- Who acted, in every access-log row: a staff member (`actor_id`), a citizen
-- (`citizen_id`) or the operator (neither). Rows keep the format they were
-- written in (`row_format`): format 1 rows, all written before this, hash
-- the actor alone; format 2 rows hash the principal's kind and id
-- (crates/domain/src/audit.rs, `RowFormat`). The rows already written were
-- a staff member's, or the operator's where they name no user: the new
-- column, which no existing row's hash covers, is set so once, with the
-- append-only trigger lifted for this statement alone.
ALTER TABLE access_log ADD COLUMN principal_kind TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE access_log ADD COLUMN citizen_id TEXT;
ALTER TABLE access_log ADD COLUMN row_format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE access_log DISABLE TRIGGER access_log_no_update;
UPDATE access_log SET principal_kind = 'operator' WHERE actor_id IS NULL;
ALTER TABLE access_log ENABLE TRIGGER access_log_no_update;
