-- The family's portal and login with OpenID Connect (issue #12).

-- A citizen who has logged in through ID-porten: a guardian or a youth.
-- Known by the national identity number ID-porten gives (the `pid` claim);
-- what they may see follows from the children and guardians who carry the
-- same number (`domain::access::family`).
CREATE TABLE citizens (
    id TEXT PRIMARY KEY NOT NULL,
    national_id TEXT NOT NULL UNIQUE,
    -- The written standard or language the citizen chose for the portal
    -- (`nb`, `nn`, or a language the municipality has texts in); empty:
    -- the written standard of their child's municipality.
    language TEXT,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

-- A citizen's login session, as `sessions` is for staff: the cookie holds a
-- random token, this table its hash.
CREATE TABLE citizen_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    csrf_token TEXT NOT NULL,
    -- The level of assurance of the login (`acr`), as the provider gave it.
    acr TEXT NOT NULL,
    -- The configured provider the citizen logged in through.
    provider TEXT NOT NULL,
    -- The ID token, sent back as `id_token_hint` when logging out at the
    -- provider too.
    id_token_hint TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX citizen_sessions_by_citizen ON citizen_sessions (citizen_id);

-- Staff sessions opened through the municipality's identity provider:
-- which provider, and the ID token for logging out there too.
ALTER TABLE sessions ADD COLUMN provider TEXT;
ALTER TABLE sessions ADD COLUMN id_token_hint TEXT;

-- Logins under way: the authorization request's state (hashed), nonce and
-- PKCE verifier, kept on the server so that each state is used once and a
-- second instance can finish a login the first began.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    -- Where to go after the login (a path in Laget).
    next_path TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A guardian's national identity number: how a citizen logged in through
-- ID-porten is known as this guardian.
ALTER TABLE guardians ADD COLUMN national_id TEXT;
CREATE INDEX guardians_by_national_id ON guardians (national_id);
CREATE INDEX children_by_national_id_alone ON children (national_id);

-- What the family does not see of an entry in the log, and why (a code of
-- `domain::portal::Withheld`); empty: the family sees it.
ALTER TABLE log_entries ADD COLUMN family_hidden TEXT;
-- An entry written by a citizen in the portal (the child's voice, their own
-- view): the citizen, where `actor_id` names staff.
ALTER TABLE log_entries ADD COLUMN citizen_id TEXT;

-- A consent given in the portal: the citizen whose ID-porten login is the
-- signature (method `digitalt`).
ALTER TABLE consents ADD COLUMN citizen_id TEXT;

-- The municipality's texts for families in other languages than bokmål and
-- nynorsk (consent forms are handed out in English, Arabic, Somali,
-- Tigrinya, Polish and more). Edited by the municipality administrator.
CREATE TABLE portal_texts (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    -- A language tag (BCP 47): en, ar, so, ti, pl, ...
    language TEXT NOT NULL,
    -- The language's name in itself: English, العربية, Soomaali, ...
    language_name TEXT NOT NULL,
    -- What consent means and what the family may decide.
    consent_info TEXT NOT NULL,
    -- A welcome and what the portal shows.
    portal_info TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (municipality_id, language)
);

-- What the family asks for in the portal: a meeting about the child, or to
-- bring their case to a tidlig innsatsteam.
CREATE TABLE family_requests (
    id TEXT PRIMARY KEY NOT NULL,
    log_id TEXT NOT NULL REFERENCES logs (id),
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    -- `mote` or `team`.
    kind TEXT NOT NULL,
    -- The standing team asked for (kind `team`).
    team_id TEXT,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    answered_at BIGINT,
    answered_by TEXT,
    answer TEXT
);
CREATE INDEX family_requests_by_log ON family_requests (log_id);
