-- The catalogue's free-text search, indexed (issue #14). A word of a search
-- matches wherever it occurs in an offer's search_text, inside a word too
-- (Norwegian compounds: «fravær» finds «skolefravær» and «fraværet»), so the
-- index is of trigrams: FTS5's trigram tokenizer, case-sensitive because
-- search_text and the searched words are lower-cased already (and an exact
-- match is what `OfferFilter::matches`, the reference, does). A phrase of
-- three or more characters matches exactly where the substring occurs;
-- shorter words cannot use the index and are checked on the narrowed rows
-- (crates/db/src/catalogue/offers.rs).
--
-- FTS5 wants integer row ids, and offer_documents has a text key (its
-- implicit rowid may change on VACUUM), so offer_search_keys gives each
-- document a stable integer. The index is contentless (it holds no copy of
-- the text; the text stays in offer_documents) and kept in step by the
-- triggers below, whoever writes offer_documents.

CREATE TABLE offer_search_keys (
    id INTEGER PRIMARY KEY,
    offer_id TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE offer_search USING fts5 (
    search_text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1'
);

INSERT INTO offer_search_keys (offer_id) SELECT offer_id FROM offer_documents ORDER BY offer_id;
INSERT INTO offer_search (rowid, search_text)
    SELECT k.id, d.search_text
    FROM offer_documents d JOIN offer_search_keys k ON k.offer_id = d.offer_id;

CREATE TRIGGER offer_search_insert AFTER INSERT ON offer_documents BEGIN
    INSERT INTO offer_search_keys (offer_id) VALUES (new.offer_id);
    INSERT INTO offer_search (rowid, search_text)
        SELECT id, new.search_text FROM offer_search_keys WHERE offer_id = new.offer_id;
END;

CREATE TRIGGER offer_search_update AFTER UPDATE OF offer_id, search_text ON offer_documents BEGIN
    DELETE FROM offer_search
        WHERE rowid = (SELECT id FROM offer_search_keys WHERE offer_id = old.offer_id);
    UPDATE offer_search_keys SET offer_id = new.offer_id WHERE offer_id = old.offer_id;
    INSERT INTO offer_search (rowid, search_text)
        SELECT id, new.search_text FROM offer_search_keys WHERE offer_id = new.offer_id;
END;

CREATE TRIGGER offer_search_delete AFTER DELETE ON offer_documents BEGIN
    DELETE FROM offer_search
        WHERE rowid = (SELECT id FROM offer_search_keys WHERE offer_id = old.offer_id);
    DELETE FROM offer_search_keys WHERE offer_id = old.offer_id;
END;
