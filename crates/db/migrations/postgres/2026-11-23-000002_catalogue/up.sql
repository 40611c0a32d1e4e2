-- The catalogue of measures (tiltaksoversikt). An offer's validated fields
-- are kept whole as JSON in offer_documents; the narrow offers table repeats
-- what filtering, sorting and the ladder need, so that searches scan small
-- rows and read the documents of one page only.

CREATE TABLE challenge_areas (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, code)
);

CREATE TABLE offers (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    external_id TEXT,
    provider_unit_id TEXT NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    level_rank INTEGER NOT NULL,
    age_from INTEGER NOT NULL,
    age_to INTEGER NOT NULL,
    pregnant BOOLEAN NOT NULL,
    access TEXT NOT NULL,
    status TEXT NOT NULL,
    ladder_step INTEGER NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (municipality_id, external_id)
);
CREATE INDEX offers_by_status ON offers (municipality_id, status, name);
CREATE INDEX offers_by_provider ON offers (provider_unit_id);

CREATE TABLE offer_documents (
    offer_id TEXT PRIMARY KEY NOT NULL REFERENCES offers (id),
    fields_json TEXT NOT NULL,
    -- Lower-cased words of name, description and provider, for text search.
    search_text TEXT NOT NULL
);

CREATE TABLE offer_areas (
    offer_id TEXT NOT NULL REFERENCES offers (id),
    area_code TEXT NOT NULL,
    PRIMARY KEY (offer_id, area_code)
);
CREATE INDEX offer_areas_by_area ON offer_areas (area_code, offer_id);

CREATE TABLE offer_risks (
    offer_id TEXT NOT NULL REFERENCES offers (id),
    risk INTEGER NOT NULL,
    PRIMARY KEY (offer_id, risk)
);
CREATE INDEX offer_risks_by_risk ON offer_risks (risk, offer_id);

-- «Hvis dette ikke er nok»: the ladder's links to the next step.
CREATE TABLE offer_next_steps (
    offer_id TEXT NOT NULL REFERENCES offers (id),
    next_offer_id TEXT NOT NULL REFERENCES offers (id),
    PRIMARY KEY (offer_id, next_offer_id)
);

CREATE TABLE offer_versions (
    id TEXT PRIMARY KEY NOT NULL,
    offer_id TEXT NOT NULL REFERENCES offers (id),
    version INTEGER NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT,
    kind TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    UNIQUE (offer_id, version)
);

-- Substantive changes to published offers wait for the coordinating unit.
CREATE TABLE offer_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    offer_id TEXT NOT NULL REFERENCES offers (id),
    proposed_by TEXT,
    proposed_at BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    changes TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX offer_proposals_by_status ON offer_proposals (status, due_date);
CREATE INDEX offer_proposals_by_offer ON offer_proposals (offer_id);

-- Municipalities that exist already get the default challenge areas.
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'psykisk_helse', 'Psykisk helse', 1 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'rus', 'Rus', 2 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'vold_overgrep', 'Vold og overgrep', 3 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'skolefravaer', 'Skolefravær', 4 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'atferd', 'Atferd', 5 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'laerevansker', 'Lærevansker', 6 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'sprak', 'Språk', 7 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'foreldreveiledning', 'Foreldreveiledning', 8 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'samspill', 'Samspill', 9 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'fattigdom_bolig', 'Fattigdom og bolig', 10 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'utenforskap', 'Utenforskap', 11 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'fritid', 'Fritid', 12 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'funksjonsnedsettelse', 'Funksjonsnedsettelse', 13 FROM municipalities;
INSERT INTO challenge_areas (municipality_id, code, name, position) SELECT id, 'overganger', 'Overganger', 14 FROM municipalities;
