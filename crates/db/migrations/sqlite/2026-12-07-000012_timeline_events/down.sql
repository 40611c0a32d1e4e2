UPDATE team_members SET team_role = 'Stafettholder' WHERE role_code = 'stafettholder';
UPDATE team_members SET team_role = 'Tidligere stafettholder' WHERE role_code = 'tidligere_stafettholder';
ALTER TABLE team_members DROP COLUMN role_code;
