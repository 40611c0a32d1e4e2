-- Meetings (issue #11): case meetings in a child's log and the meetings of
-- the municipality's standing teams (TST, tidlig innsatsteam,
-- samhandlingsteam, samhandlingsforum), their invitations, answers,
-- minutes, decisions (which become tasks), the family's ratings, and the
-- e-mail sent about them. Statuses and kinds hold the codes of the enums in
-- crates/domain/src/meetings/. Free text is stored as written; names of
-- people are copied as they were when invited (like the timeline's data).

-- The municipality's templates for invitations and minutes, one per meeting
-- kind; without a row the message catalogue's default (in the
-- municipality's written standard) is used. `voice_days_before`: the lead's
-- task to gather the child's voice falls due this many days before.
CREATE TABLE meeting_templates (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    kind TEXT NOT NULL,
    purpose TEXT NOT NULL,
    agenda TEXT NOT NULL,
    minutes_guide TEXT NOT NULL,
    voice_days_before INTEGER NOT NULL DEFAULT 7 CHECK (voice_days_before BETWEEN 0 AND 60),
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES users (id),
    PRIMARY KEY (municipality_id, kind)
);

-- A standing team. `unit_id`: the school or kindergarten of a TST;
-- `age_band`: the ages of a tidlig innsatsteam. The meeting rule: at least
-- `min_autumn` meetings from August to December and `min_spring` from
-- January to June, or every week on `weekday` (1 = Monday); each meeting at
-- least `min_minutes` long. `agenda`: the team's agenda template (TST's
-- three parts).
CREATE TABLE standing_teams (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_id TEXT REFERENCES units (id),
    age_band TEXT,
    leader_user_id TEXT REFERENCES users (id),
    min_autumn INTEGER NOT NULL DEFAULT 0 CHECK (min_autumn >= 0),
    min_spring INTEGER NOT NULL DEFAULT 0 CHECK (min_spring >= 0),
    weekday INTEGER CHECK (weekday BETWEEN 1 AND 7),
    min_minutes INTEGER NOT NULL DEFAULT 0 CHECK (min_minutes >= 0),
    agenda TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX standing_teams_by_municipality ON standing_teams (municipality_id, active);

-- Who is on a standing team: a unit (its staff take part) or a person;
-- fixed, or called on demand (NAV in a TST).
CREATE TABLE standing_team_members (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES standing_teams (id),
    unit_id TEXT REFERENCES units (id),
    user_id TEXT REFERENCES users (id),
    on_demand BOOLEAN NOT NULL DEFAULT FALSE,
    added_at BIGINT NOT NULL,
    removed_at BIGINT,
    CHECK (unit_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX standing_team_members_by_team ON standing_team_members (team_id);

-- A meeting: in a child's log (`log_id`) or of a standing team (`team_id`).
-- `sequence` is the iCalendar SEQUENCE: every change sent to the invited
-- raises it (the meeting's id is the UID). `attendance_required`: invited
-- services must answer (møteplikt, levels 2–3). `voice_due`: the date by
-- which the lead gathers the child's voice. The minutes are columns of the
-- meeting: written (draft) by the lead or the one who called it, approved
-- by the lead; who was present is on the participants.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    log_id TEXT REFERENCES logs (id),
    team_id TEXT REFERENCES standing_teams (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'planlagt',
    purpose TEXT NOT NULL,
    agenda TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    place TEXT,
    video_link TEXT,
    invite_guardians BOOLEAN NOT NULL DEFAULT FALSE,
    invite_child BOOLEAN NOT NULL DEFAULT FALSE,
    attendance_required BOOLEAN NOT NULL DEFAULT FALSE,
    sequence INTEGER NOT NULL DEFAULT 0,
    voice_due TEXT,
    voice_done_at BIGINT,
    called_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    cancelled_at BIGINT,
    cancel_reason TEXT,
    minutes_status TEXT NOT NULL DEFAULT 'ingen',
    minutes_voice TEXT,
    minutes_discussed TEXT,
    minutes_next TEXT,
    minutes_written_by TEXT REFERENCES users (id),
    minutes_updated_at BIGINT,
    minutes_approved_by TEXT REFERENCES users (id),
    minutes_approved_at BIGINT,
    CHECK (log_id IS NOT NULL OR team_id IS NOT NULL),
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_by_log ON meetings (log_id, starts_at);
CREATE INDEX meetings_by_team ON meetings (team_id, starts_at);

-- Who is invited: a staff member (`user_id`, from the log's team or the
-- standing team), a guardian (`guardian_id`), the child, or a unit as a
-- whole. `response`: their answer; `must_answer`: møteplikt. `attended` is
-- filled in with the minutes.
CREATE TABLE meeting_participants (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    unit_id TEXT REFERENCES units (id),
    guardian_id TEXT REFERENCES guardians (id),
    name TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT 'venter',
    response_note TEXT,
    answered_at BIGINT,
    must_answer BOOLEAN NOT NULL DEFAULT FALSE,
    attended BOOLEAN,
    added_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX meeting_participants_by_meeting ON meeting_participants (meeting_id);
CREATE INDEX meeting_participants_by_user ON meeting_participants (user_id, response);

-- A case brought to a standing team: anonymous (no identifying fields; the
-- summary is checked as the anonymous consultations are) or named, with the
-- log (`log_id`) whose consent must cover the team's units. `brought_by`:
-- staff, or a guardian bringing their own case.
CREATE TABLE team_cases (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES standing_teams (id),
    meeting_id TEXT REFERENCES meetings (id),
    log_id TEXT REFERENCES logs (id),
    anonymous BOOLEAN NOT NULL,
    age_band TEXT,
    summary TEXT NOT NULL,
    brought_by TEXT NOT NULL,
    guardians_present BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    CHECK (anonymous OR log_id IS NOT NULL)
);
CREATE INDEX team_cases_by_team ON team_cases (team_id, created_at);

-- A decision in a meeting's minutes (of a team case, when `team_case_id`):
-- a responsible person and a deadline; it is a task in the responsible
-- person's «Mine oppgaver» until done, and can become a measure.
CREATE TABLE meeting_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    team_case_id TEXT REFERENCES team_cases (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    responsible_user_id TEXT REFERENCES users (id),
    deadline TEXT NOT NULL,
    done_at BIGINT,
    done_by TEXT REFERENCES users (id),
    done_note TEXT,
    measure_id TEXT REFERENCES measures (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX meeting_decisions_by_meeting ON meeting_decisions (meeting_id, position);
CREATE INDEX meeting_decisions_by_responsible ON meeting_decisions (responsible_user_id, done_at);

-- The family's rating of a meeting they attended (brukeropplevd nytte):
-- 1–5 and a comment, by a guardian or the child; recorded by staff on their
-- behalf (`recorded_by`) or by the family in the portal (`citizen_id`).
CREATE TABLE meeting_ratings (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    rater TEXT NOT NULL,
    guardian_id TEXT REFERENCES guardians (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    recorded_by TEXT REFERENCES users (id),
    citizen_id TEXT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX meeting_ratings_by_meeting ON meeting_ratings (meeting_id);

-- Every e-mail Laget sends, and how it went, for the sender to see. The
-- outbox job (`job_id`) sends it; `state`: venter (queued), sendt, feilet,
-- ikke_sendt (no address or no SMTP configured; `reason` says which). The
-- message's words are rendered when it is sent, in the recipient's written
-- standard, and hold no personal data beyond a link.
CREATE TABLE outgoing_mail (
    id TEXT PRIMARY KEY NOT NULL,
    job_id TEXT,
    kind TEXT NOT NULL,
    meeting_id TEXT REFERENCES meetings (id),
    decision_id TEXT REFERENCES meeting_decisions (id),
    recipient_user_id TEXT REFERENCES users (id),
    recipient_guardian_id TEXT REFERENCES guardians (id),
    sequence INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'venter',
    reason TEXT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outgoing_mail_by_meeting ON outgoing_mail (meeting_id, created_at);
