DROP TABLE offer_proposals;
DROP TABLE offer_versions;
DROP TABLE offer_next_steps;
DROP TABLE offer_risks;
DROP TABLE offer_areas;
DROP TABLE offer_documents;
DROP TABLE offers;
DROP TABLE challenge_areas;
