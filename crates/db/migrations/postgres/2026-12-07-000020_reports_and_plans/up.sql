-- Reports of concern to child welfare and individual plans (issue #13).

-- What a report of concern needs of the reporting unit (KS Fiks
-- «offentlig bekymringsmelding» v2, offentligMelder.virksomhet): its
-- organisation number and postal address. Prefilled in the form.
ALTER TABLE units ADD COLUMN org_number TEXT;
ALTER TABLE units ADD COLUMN address_line TEXT;
ALTER TABLE units ADD COLUMN postal_code TEXT;
ALTER TABLE units ADD COLUMN postal_place TEXT;

-- The reporter's phone and role title (offentligMelder.telefonnummer,
-- rolle), remembered from the last report they sent.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN job_title TEXT;

-- A municipality's districts (bydeler), for the message's bydelsnummer and
-- bydelsnavn. A municipality without districts has none: the message then
-- carries «00» and an empty name.
CREATE TABLE districts (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (municipality_id, number)
);

-- Whether a report needs its unit leader's co-signature before it is sent
-- (`ingen`, `valgfri`, `paakrevd`); no row: `ingen`.
CREATE TABLE report_settings (
    municipality_id TEXT PRIMARY KEY NOT NULL REFERENCES municipalities (id),
    cosign TEXT NOT NULL
);

-- A report of concern (bekymringsmelding). Written by staff, from a log or
-- for a child without one; no consent is needed (opplysningsplikten).
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    -- The child's municipality: the report goes to the child welfare
    -- service that serves it.
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    -- The log it was written from, if any.
    log_id TEXT REFERENCES logs (id),
    reporter_id TEXT NOT NULL REFERENCES users (id),
    reporter_unit_id TEXT NOT NULL REFERENCES units (id),
    -- `utkast`, `til_medsignering`, `sendt`, `mottatt`.
    status TEXT NOT NULL,
    -- The form's values while a draft (JSON): kept as typed.
    draft TEXT NOT NULL,
    -- The KS Fiks message (JSON), fixed when the report is sent.
    message TEXT,
    -- The child welfare service it was delivered to (set at sending).
    child_welfare_unit_id TEXT REFERENCES units (id),
    -- Whether the guardians are told by Laget; if not, why not.
    guardians_told BOOLEAN NOT NULL DEFAULT FALSE,
    not_told_reason TEXT,
    cosigned_by TEXT REFERENCES users (id),
    cosigned_at BIGINT,
    sent_at BIGINT,
    -- The delivery adapter's channel (`fil`, `http`) and when it delivered.
    delivery_channel TEXT,
    delivered_at BIGINT,
    received_by TEXT REFERENCES users (id),
    received_at BIGINT,
    -- `henlagt`, `undersokelse`, `tiltak`: what child welfare decided.
    outcome TEXT,
    outcome_by TEXT REFERENCES users (id),
    outcome_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reports_by_log ON reports (log_id);
CREATE INDEX reports_by_reporter ON reports (reporter_id);
CREATE INDEX reports_by_child_welfare ON reports (child_welfare_unit_id, status);
CREATE INDEX reports_by_municipality_sent ON reports (municipality_id, sent_at);

-- The feedback the reporter gets (receipt; whether an investigation was
-- opened; its end), one row per step, as child welfare records it.
CREATE TABLE report_feedback (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    -- `mottatt`, `henlagt`, `undersokelse`, `tiltak`.
    kind TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at BIGINT NOT NULL,
    -- When the reporter first saw it in Laget.
    seen_at BIGINT
);
CREATE INDEX report_feedback_by_report ON report_feedback (report_id);

-- An individual plan (individuell plan), grown from a log: one per log.
CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL UNIQUE REFERENCES logs (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    -- `bedt_om`, `avslatt`, `aktiv`, `avsluttet`.
    status TEXT NOT NULL,
    requested_by TEXT REFERENCES users (id),
    requested_by_citizen TEXT REFERENCES citizens (id),
    requested_at BIGINT NOT NULL,
    request_note TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    decision_note TEXT,
    coordinator_id TEXT REFERENCES users (id),
    -- `koordinator` or `barnekoordinator`.
    coordinator_kind TEXT,
    coordinator_unit_id TEXT REFERENCES units (id),
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX plans_by_municipality_status ON plans (municipality_id, status);

-- The child's own goals, in the child's words.
CREATE TABLE plan_goals (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    position INTEGER NOT NULL,
    words TEXT NOT NULL,
    -- Who said it: `barnet`, `foresatte`, `laget`.
    said_by TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    reached_at BIGINT,
    ended_at BIGINT
);
CREATE INDEX plan_goals_by_plan ON plan_goals (plan_id);

-- What each service contributes to a goal: a measure of the log (or a text),
-- who is responsible, when it is evaluated.
CREATE TABLE plan_contributions (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    goal_id TEXT NOT NULL REFERENCES plan_goals (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    measure_id TEXT REFERENCES measures (id),
    what TEXT NOT NULL,
    responsible_id TEXT NOT NULL REFERENCES users (id),
    evaluate_on TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX plan_contributions_by_plan ON plan_contributions (plan_id);
