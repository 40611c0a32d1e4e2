-- Every change to what a log's page shows raises the log's revision, in the
-- same transaction, whichever code path, command or server instance makes it:
-- the web layer keeps a log's data by (log, revision) (web/src/log/kept.rs)
-- and reads only the revision when it is current. `laget_db::log::touch`
-- raises it too for the timeline; these triggers cover the rest: the log row
-- itself, the child, its guardians and units, consents, the team,
-- break-glass, requests, plans, measures and their evaluations, handovers,
-- entries, meetings, and a unit becoming or ceasing to be a health service
-- (a youth's consent covers those only from 16).

CREATE FUNCTION laget_log_revision_self() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.revision = OLD.revision THEN NEW.revision := OLD.revision + 1; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER log_revision_self BEFORE UPDATE ON logs
  FOR EACH ROW EXECUTE FUNCTION laget_log_revision_self();

CREATE FUNCTION laget_log_revision_consents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_consents_insert AFTER INSERT ON consents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_consents();
CREATE TRIGGER log_revision_consents_update AFTER UPDATE ON consents
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_consents();
CREATE TRIGGER log_revision_consents_delete AFTER DELETE ON consents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_consents();

CREATE FUNCTION laget_log_revision_team_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_team_members_insert AFTER INSERT ON team_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_team_members();
CREATE TRIGGER log_revision_team_members_update AFTER UPDATE ON team_members
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_team_members();
CREATE TRIGGER log_revision_team_members_delete AFTER DELETE ON team_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_team_members();

CREATE FUNCTION laget_log_revision_break_glass() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_break_glass_insert AFTER INSERT ON break_glass
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_break_glass();
CREATE TRIGGER log_revision_break_glass_update AFTER UPDATE ON break_glass
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_break_glass();
CREATE TRIGGER log_revision_break_glass_delete AFTER DELETE ON break_glass
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_break_glass();

CREATE FUNCTION laget_log_revision_coordination_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_coordination_requests_insert AFTER INSERT ON coordination_requests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_coordination_requests();
CREATE TRIGGER log_revision_coordination_requests_update AFTER UPDATE ON coordination_requests
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_coordination_requests();
CREATE TRIGGER log_revision_coordination_requests_delete AFTER DELETE ON coordination_requests
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_coordination_requests();

CREATE FUNCTION laget_log_revision_plans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_plans_insert AFTER INSERT ON plans
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_plans();
CREATE TRIGGER log_revision_plans_update AFTER UPDATE ON plans
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_plans();
CREATE TRIGGER log_revision_plans_delete AFTER DELETE ON plans
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_plans();

CREATE FUNCTION laget_log_revision_measures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_measures_insert AFTER INSERT ON measures
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_measures();
CREATE TRIGGER log_revision_measures_update AFTER UPDATE ON measures
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_measures();
CREATE TRIGGER log_revision_measures_delete AFTER DELETE ON measures
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_measures();

CREATE FUNCTION laget_log_revision_handovers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_handovers_insert AFTER INSERT ON handovers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_handovers();
CREATE TRIGGER log_revision_handovers_update AFTER UPDATE ON handovers
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_handovers();
CREATE TRIGGER log_revision_handovers_delete AFTER DELETE ON handovers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_handovers();

CREATE FUNCTION laget_log_revision_log_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_log_entries_insert AFTER INSERT ON log_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_log_entries();
CREATE TRIGGER log_revision_log_entries_update AFTER UPDATE ON log_entries
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_log_entries();
CREATE TRIGGER log_revision_log_entries_delete AFTER DELETE ON log_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_log_entries();

CREATE FUNCTION laget_log_revision_meetings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_meetings_insert AFTER INSERT ON meetings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_meetings();
CREATE TRIGGER log_revision_meetings_update AFTER UPDATE ON meetings
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_meetings();
CREATE TRIGGER log_revision_meetings_delete AFTER DELETE ON meetings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_meetings();

CREATE FUNCTION laget_log_revision_family_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT log_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_family_requests_insert AFTER INSERT ON family_requests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_family_requests();
CREATE TRIGGER log_revision_family_requests_update AFTER UPDATE ON family_requests
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_family_requests();
CREATE TRIGGER log_revision_family_requests_delete AFTER DELETE ON family_requests
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_family_requests();

CREATE FUNCTION laget_log_revision_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN new_rows n ON l.child_id = n.id);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN old_rows o ON l.child_id = o.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_children_insert AFTER INSERT ON children
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_children();
CREATE TRIGGER log_revision_children_update AFTER UPDATE ON children
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_children();
CREATE TRIGGER log_revision_children_delete AFTER DELETE ON children
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_children();

CREATE FUNCTION laget_log_revision_guardians() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN new_rows n ON l.child_id = n.child_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN old_rows o ON l.child_id = o.child_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_guardians_insert AFTER INSERT ON guardians
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_guardians();
CREATE TRIGGER log_revision_guardians_update AFTER UPDATE ON guardians
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_guardians();
CREATE TRIGGER log_revision_guardians_delete AFTER DELETE ON guardians
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_guardians();

CREATE FUNCTION laget_log_revision_child_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN new_rows n ON l.child_id = n.child_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT l.id FROM logs l JOIN old_rows o ON l.child_id = o.child_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_child_units_insert AFTER INSERT ON child_units
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_child_units();
CREATE TRIGGER log_revision_child_units_update AFTER UPDATE ON child_units
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_child_units();
CREATE TRIGGER log_revision_child_units_delete AFTER DELETE ON child_units
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_child_units();

CREATE FUNCTION laget_log_revision_evaluations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT m.log_id FROM measures m JOIN new_rows n ON m.id = n.measure_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE logs SET revision = revision + 1 WHERE id IN (SELECT m.log_id FROM measures m JOIN old_rows o ON m.id = o.measure_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_evaluations_insert AFTER INSERT ON evaluations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_evaluations();
CREATE TRIGGER log_revision_evaluations_update AFTER UPDATE ON evaluations
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_evaluations();
CREATE TRIGGER log_revision_evaluations_delete AFTER DELETE ON evaluations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION laget_log_revision_evaluations();

CREATE FUNCTION laget_log_revision_units_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind IS DISTINCT FROM OLD.kind THEN
    UPDATE logs SET revision = revision + 1
      WHERE municipality_id = NEW.host_municipality_id
         OR municipality_id IN (SELECT municipality_id FROM unit_municipalities WHERE unit_id = NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER log_revision_units_kind AFTER UPDATE OF kind ON units
  FOR EACH ROW EXECUTE FUNCTION laget_log_revision_units_kind();
