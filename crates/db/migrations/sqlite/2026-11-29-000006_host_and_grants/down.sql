DROP TABLE role_grants;
DROP INDEX units_by_host;
ALTER TABLE units DROP COLUMN host_municipality_id;
