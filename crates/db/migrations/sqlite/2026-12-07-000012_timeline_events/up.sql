-- Texts out of the data layer (issue #10).
--
-- The lead's team role was stored as its Norwegian label («Stafettholder»,
-- «Tidligere stafettholder») and queried by it. It is now a code, named by
-- the web layer in the reader's written standard; `team_role` keeps the text
-- someone wrote for every other member («Kontaktlærer») and is empty for a
-- coded role.
ALTER TABLE team_members ADD COLUMN role_code TEXT;
UPDATE team_members SET role_code = 'stafettholder', team_role = '' WHERE team_role = 'Stafettholder';
UPDATE team_members SET role_code = 'tidligere_stafettholder', team_role = '' WHERE team_role = 'Tidligere stafettholder';

-- Timeline entries are stored as events: the kind and its data (JSON in
-- `data`), rendered into words when the timeline is read. `summary` holds
-- the sentence of entries written before this migration (shown when the
-- data is not enough to render them) and is empty for new ones.
