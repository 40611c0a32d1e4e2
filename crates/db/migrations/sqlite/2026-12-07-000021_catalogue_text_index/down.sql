DROP TRIGGER offer_search_delete;
DROP TRIGGER offer_search_update;
DROP TRIGGER offer_search_insert;
DROP TABLE offer_search;
DROP TABLE offer_search_keys;
