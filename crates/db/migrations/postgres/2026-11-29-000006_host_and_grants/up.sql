-- DESIGN.md, Access, rules 7 and 8.
--
-- A unit has one host municipality (vertskommune) that alone administers it;
-- the other municipalities it serves see it and choose it. Existing units get
-- the municipality whose administrator created them (the access log's
-- «create» row), or else the first municipality they serve.
ALTER TABLE units ADD COLUMN host_municipality_id TEXT REFERENCES municipalities (id);
UPDATE units SET host_municipality_id = COALESCE(
    (SELECT a.municipality_id FROM access_log a
      WHERE a.object_type = 'unit' AND a.object_id = units.id AND a.action = 'create'
        AND a.municipality_id IN
            (SELECT um.municipality_id FROM unit_municipalities um WHERE um.unit_id = units.id)
      ORDER BY a.seq LIMIT 1),
    (SELECT MIN(um.municipality_id) FROM unit_municipalities um WHERE um.unit_id = units.id));
ALTER TABLE units ALTER COLUMN host_municipality_id SET NOT NULL;
CREATE INDEX units_by_host ON units (host_municipality_id);

-- A role in a unit is held in the unit's host municipality: memberships that
-- a served municipality's administrator gave before this rule move to the
-- host, whose administrator can then see and remove them.
UPDATE memberships SET municipality_id = u.host_municipality_id
  FROM units u
 WHERE u.id = memberships.unit_id;

-- Every grant of a role, under the id of the membership it made: who got which role where, from whom (NULL: the
-- operator at the console, or unknown for grants made before this table),
-- when, on what ground; when it was revoked and by whom; and when the unit's
-- leader reviewed it. Rows are never deleted: a removed membership keeps its
-- grant, marked revoked.
CREATE TABLE role_grants (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    unit_id TEXT REFERENCES units (id),
    role TEXT NOT NULL,
    granted_by TEXT REFERENCES users (id),
    ground TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT REFERENCES users (id),
    reviewed_at BIGINT,
    reviewed_by TEXT REFERENCES users (id)
);
CREATE INDEX role_grants_by_unit ON role_grants (unit_id, granted_at);

-- The memberships that exist already, as grants of unknown origin.
INSERT INTO role_grants (id, user_id, municipality_id, unit_id, role,
                         granted_by, ground, granted_at)
SELECT id, user_id, municipality_id, unit_id, role, NULL, 'ukjent', created_at
  FROM memberships;

-- The access-log rows about a child carry the child's municipality; so does
-- the log, whose rows are scoped by it. A log started in a shared unit took
-- the caseworker's municipality before.
UPDATE logs SET municipality_id = c.municipality_id
  FROM children c
 WHERE c.id = logs.child_id AND logs.municipality_id <> c.municipality_id;
