-- Every change to what a log's page shows raises the log's revision, in the
-- same transaction, whichever code path, command or server instance makes it:
-- the web layer keeps a log's data by (log, revision) (web/src/log/kept.rs)
-- and reads only the revision when it is current. `laget_db::log::touch`
-- raises it too for the timeline; these triggers cover the rest: the log row
-- itself, the child, its guardians and units, consents, the team,
-- break-glass, requests, plans, measures and their evaluations, handovers,
-- entries, meetings, and a unit becoming or ceasing to be a health service
-- (a youth's consent covers those only from 16).

CREATE TRIGGER log_revision_self AFTER UPDATE ON logs
WHEN OLD.revision = NEW.revision
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.id; END;

CREATE TRIGGER log_revision_consents_insert AFTER INSERT ON consents
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_consents_update AFTER UPDATE ON consents
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_consents_delete AFTER DELETE ON consents
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_team_members_insert AFTER INSERT ON team_members
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_team_members_update AFTER UPDATE ON team_members
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_team_members_delete AFTER DELETE ON team_members
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_break_glass_insert AFTER INSERT ON break_glass
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_break_glass_update AFTER UPDATE ON break_glass
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_break_glass_delete AFTER DELETE ON break_glass
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_coordination_requests_insert AFTER INSERT ON coordination_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_coordination_requests_update AFTER UPDATE ON coordination_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_coordination_requests_delete AFTER DELETE ON coordination_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_plans_insert AFTER INSERT ON plans
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_plans_update AFTER UPDATE ON plans
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_plans_delete AFTER DELETE ON plans
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_measures_insert AFTER INSERT ON measures
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_measures_update AFTER UPDATE ON measures
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_measures_delete AFTER DELETE ON measures
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_handovers_insert AFTER INSERT ON handovers
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_handovers_update AFTER UPDATE ON handovers
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_handovers_delete AFTER DELETE ON handovers
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_log_entries_insert AFTER INSERT ON log_entries
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_log_entries_update AFTER UPDATE ON log_entries
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_log_entries_delete AFTER DELETE ON log_entries
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_meetings_insert AFTER INSERT ON meetings
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_meetings_update AFTER UPDATE ON meetings
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_meetings_delete AFTER DELETE ON meetings
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_family_requests_insert AFTER INSERT ON family_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id; END;

CREATE TRIGGER log_revision_family_requests_update AFTER UPDATE ON family_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = NEW.log_id OR id = OLD.log_id; END;

CREATE TRIGGER log_revision_family_requests_delete AFTER DELETE ON family_requests
BEGIN UPDATE logs SET revision = revision + 1 WHERE id = OLD.log_id; END;

CREATE TRIGGER log_revision_children_insert AFTER INSERT ON children
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.id; END;

CREATE TRIGGER log_revision_children_update AFTER UPDATE ON children
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.id OR child_id = OLD.id; END;

CREATE TRIGGER log_revision_children_delete AFTER DELETE ON children
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = OLD.id; END;

CREATE TRIGGER log_revision_guardians_insert AFTER INSERT ON guardians
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.child_id; END;

CREATE TRIGGER log_revision_guardians_update AFTER UPDATE ON guardians
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.child_id OR child_id = OLD.child_id; END;

CREATE TRIGGER log_revision_guardians_delete AFTER DELETE ON guardians
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = OLD.child_id; END;

CREATE TRIGGER log_revision_child_units_insert AFTER INSERT ON child_units
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.child_id; END;

CREATE TRIGGER log_revision_child_units_update AFTER UPDATE ON child_units
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = NEW.child_id OR child_id = OLD.child_id; END;

CREATE TRIGGER log_revision_child_units_delete AFTER DELETE ON child_units
BEGIN UPDATE logs SET revision = revision + 1 WHERE child_id = OLD.child_id; END;

CREATE TRIGGER log_revision_evaluations_insert AFTER INSERT ON evaluations
BEGIN UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM measures WHERE id = NEW.measure_id); END;

CREATE TRIGGER log_revision_evaluations_update AFTER UPDATE ON evaluations
BEGIN UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM measures WHERE id = NEW.measure_id) OR id IN (SELECT log_id FROM measures WHERE id = OLD.measure_id); END;

CREATE TRIGGER log_revision_evaluations_delete AFTER DELETE ON evaluations
BEGIN UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM measures WHERE id = OLD.measure_id); END;

CREATE TRIGGER log_revision_units_kind AFTER UPDATE OF kind ON units
WHEN OLD.kind <> NEW.kind
BEGIN UPDATE logs SET revision = revision + 1
  WHERE municipality_id = NEW.host_municipality_id
     OR municipality_id IN (SELECT municipality_id FROM unit_municipalities WHERE unit_id = NEW.id); END;
