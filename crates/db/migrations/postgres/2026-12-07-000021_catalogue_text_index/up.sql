-- The catalogue's free-text search, indexed (issue #14). A word of a search
-- matches wherever it occurs in an offer's search_text, inside a word too
-- (Norwegian compounds: «fravær» finds «skolefravær» and «fraværet»): the
-- query is `search_text LIKE '%word%'`, which a GIN index of trigrams
-- (pg_trgm) answers, rechecking each candidate, so the result is exactly the
-- substring match of `OfferFilter::matches`. Words shorter than three
-- characters have no trigram and are checked on the narrowed rows
-- (crates/db/src/catalogue/offers.rs).
--
-- pg_trgm ships with PostgreSQL (contrib). CREATE EXTENSION needs a
-- superuser or, since PostgreSQL 13, a database owner with CREATE on the
-- database (pg_trgm is a trusted extension). When the production role has
-- neither, a superuser runs `CREATE EXTENSION pg_trgm WITH SCHEMA public;`
-- once in the database before the migration (docs/PRODUCTION.md); it is then
-- found wherever it lives. It is one per database, shared by every schema,
-- and created in public: not in the migrating schema, which a test or bench
-- drops. The lock keeps schemas that migrate at the same time (tests) from
-- racing to create it.

SELECT pg_advisory_xact_lock(hashtext('laget pg_trgm'));
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- The operator class is named in the schema the extension lives in (public,
-- or wherever a superuser put it), since the migrating schema's search_path
-- may not include it. fastupdate = off: each write goes into the index at
-- once rather than into a pending list that every search would scan until
-- the next vacuum (the catalogue is read far more than written; an import
-- of 10 000 offers takes a little longer).

DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    SELECT n.nspname INTO ext_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX offer_documents_search_trgm ON offer_documents USING gin (search_text %I.gin_trgm_ops) WITH (fastupdate = off)',
        ext_schema
    );
END
$$;
