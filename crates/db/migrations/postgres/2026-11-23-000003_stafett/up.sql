-- The child's log (stafettlogg). Children and guardians; the log with its
-- level, lead and timeline; consents, the team, handovers, measures and
-- evaluations; break-glass openings; anonymous consultations. Dates are
-- ISO text (YYYY-MM-DD), times UTC microseconds, as elsewhere.

CREATE TABLE log_settings (
    municipality_id TEXT PRIMARY KEY NOT NULL REFERENCES municipalities (id),
    model TEXT NOT NULL,
    decision_days INTEGER NOT NULL,
    consent_rule TEXT NOT NULL
);

CREATE TABLE bbis_themes (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    code TEXT NOT NULL,
    side TEXT NOT NULL,
    side_name TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, code)
);

CREATE TABLE children (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    unborn BOOLEAN NOT NULL,
    national_id TEXT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX children_by_national_id ON children (municipality_id, national_id);

CREATE TABLE child_units (
    child_id TEXT NOT NULL REFERENCES children (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (child_id, unit_id)
);
CREATE INDEX child_units_by_unit ON child_units (unit_id, child_id);

CREATE TABLE guardians (
    id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    parental_responsibility BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX guardians_by_child ON guardians (child_id);

CREATE TABLE logs (
    id TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    home_unit_id TEXT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    level INTEGER NOT NULL,
    level_since TEXT NOT NULL,
    decision_due TEXT,
    lead_user_id TEXT REFERENCES users (id),
    report_state TEXT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX logs_by_unit ON logs (home_unit_id, status, level);
CREATE INDEX logs_by_child ON logs (child_id);
CREATE INDEX logs_by_lead ON logs (lead_user_id, status);

CREATE TABLE log_entries (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    summary TEXT NOT NULL,
    body TEXT,
    data TEXT
);
CREATE INDEX log_entries_by_log ON log_entries (log_id, at);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    givers TEXT NOT NULL,
    unit_ids TEXT NOT NULL,
    purposes TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    method TEXT NOT NULL,
    note TEXT,
    attachment_id TEXT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by TEXT REFERENCES users (id),
    withdraw_reason TEXT
);
CREATE INDEX consents_by_log ON consents (log_id);
CREATE INDEX consents_by_expiry ON consents (valid_to);

CREATE TABLE team_members (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    unit_id TEXT REFERENCES units (id),
    guardian_id TEXT REFERENCES guardians (id),
    name TEXT NOT NULL,
    team_role TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX team_members_by_log ON team_members (log_id);
CREATE INDEX team_members_by_user ON team_members (user_id, removed_at);

CREATE TABLE handovers (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    from_user_id TEXT REFERENCES users (id),
    to_member_id TEXT NOT NULL REFERENCES team_members (id),
    to_user_id TEXT NOT NULL REFERENCES users (id),
    to_unit_id TEXT NOT NULL REFERENCES units (id),
    checklist TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_at BIGINT,
    decision_note TEXT
);
CREATE INDEX handovers_by_log ON handovers (log_id, status);
CREATE INDEX handovers_to_user ON handovers (to_user_id, status);

CREATE TABLE coordination_requests (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    reason TEXT NOT NULL,
    requested_by TEXT REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    resolved_by TEXT REFERENCES users (id),
    resolved_at BIGINT,
    resolution TEXT
);
CREATE INDEX coordination_by_municipality ON coordination_requests (municipality_id, resolved_at);
CREATE INDEX coordination_by_log ON coordination_requests (log_id);

CREATE TABLE measures (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    offer_id TEXT REFERENCES offers (id),
    name TEXT NOT NULL,
    goal TEXT NOT NULL,
    responsible_member_id TEXT NOT NULL REFERENCES team_members (id),
    start_on TEXT NOT NULL,
    evaluate_by TEXT NOT NULL,
    status TEXT NOT NULL,
    best_interest TEXT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX measures_by_log ON measures (log_id);
CREATE INDEX measures_by_due ON measures (status, evaluate_by);

CREATE TABLE evaluations (
    id TEXT PRIMARY KEY NOT NULL,
    measure_id TEXT NOT NULL REFERENCES measures (id),
    evaluated_on TEXT NOT NULL,
    effect TEXT NOT NULL,
    assessment TEXT NOT NULL,
    continuation TEXT NOT NULL,
    next_evaluation TEXT,
    best_interest TEXT,
    evaluated_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX evaluations_by_measure ON evaluations (measure_id);

CREATE TABLE break_glass (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    review_unit_id TEXT NOT NULL REFERENCES units (id),
    reviewed_by TEXT REFERENCES users (id),
    reviewed_at BIGINT,
    review_note TEXT
);
CREATE INDEX break_glass_by_log ON break_glass (log_id, user_id);
CREATE INDEX break_glass_for_review ON break_glass (review_unit_id, reviewed_at);

CREATE TABLE consultations (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    age_band TEXT NOT NULL,
    summary TEXT NOT NULL,
    advice TEXT NOT NULL,
    advisers TEXT NOT NULL,
    held_on TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    log_id TEXT REFERENCES logs (id),
    converted_at BIGINT
);
CREATE INDEX consultations_by_unit ON consultations (unit_id, held_on);

CREATE INDEX access_log_by_object ON access_log (object_id, seq);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
