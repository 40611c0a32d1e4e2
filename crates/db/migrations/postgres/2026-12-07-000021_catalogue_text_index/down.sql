-- The extension stays: other schemas of the database may use it.
DROP INDEX offer_documents_search_trgm;
