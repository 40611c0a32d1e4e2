//! The log's words that used to live below the web layer: the names and
//! descriptions of escalation models and their levels, the methods of the
//! child's voice and the coded team roles. The domain keeps the codes and
//! numbers; the words come from the reader's message catalogue.

use crate::i18n::Messages;
use laget_domain::log::escalation::EscalationModel;
use laget_domain::log::stafett::TeamRole;

/// The model's name («BTI – Bedre tverrfaglig innsats»).
pub fn model_name(m: &Messages, model: EscalationModel) -> &'static str {
    match model {
        EscalationModel::Bti => m.model_bti,
        EscalationModel::Tiltakskjede => m.model_tiltakskjede,
    }
}

/// The name and description of a level of `model`, if the model has it.
fn level_words(
    m: &Messages,
    model: EscalationModel,
    level: u8,
) -> Option<(&'static str, &'static str)> {
    Some(match (model, level) {
        (EscalationModel::Bti, 0) => (m.level_bti_0, m.level_bti_0_description),
        (EscalationModel::Bti, 1) => (m.level_bti_1, m.level_bti_1_description),
        (EscalationModel::Bti, 2) => (m.level_bti_2, m.level_bti_2_description),
        (EscalationModel::Bti, 3) => (m.level_bti_3, m.level_bti_3_description),
        (EscalationModel::Tiltakskjede, 1) => {
            (m.level_tiltakskjede_1, m.level_tiltakskjede_1_description)
        }
        (EscalationModel::Tiltakskjede, 2) => {
            (m.level_tiltakskjede_2, m.level_tiltakskjede_2_description)
        }
        (EscalationModel::Tiltakskjede, 3) => {
            (m.level_tiltakskjede_3, m.level_tiltakskjede_3_description)
        }
        _ => return None,
    })
}

/// The level's name, or the bare number for a level the model lacks (a log
/// kept from before the municipality changed its model).
pub fn level_name(m: &Messages, model: EscalationModel, level: u8) -> String {
    level_words(m, model, level)
        .map(|(name, _)| name.to_owned())
        .unwrap_or_else(|| m.level_other.replace("{niva}", &level.to_string()))
}

/// What the level means; empty for a level the model lacks.
pub fn level_description(m: &Messages, model: EscalationModel, level: u8) -> &'static str {
    level_words(m, model, level)
        .map(|(_, description)| description)
        .unwrap_or("")
}

/// How the child's voice was gathered, by its code
/// ([`laget_domain::log::stafett::VOICE_METHODS`]); an unknown code is «Annet».
pub fn voice_method(m: &Messages, code: &str) -> &'static str {
    match code {
        "samtale" => m.voice_method_samtale,
        "tegning" => m.voice_method_tegning,
        "observasjon" => m.voice_method_observasjon,
        "sporreskjema" => m.voice_method_sporreskjema,
        // The family's own (`laget_domain::portal::voice::FAMILY_VOICE_METHODS`).
        "barnet_skrev" => m.portal_voice_method_wrote,
        "fortalt_foresatt" => m.portal_voice_method_told,
        _ => m.voice_method_annet,
    }
}

/// A team member's role: the lead's and a former lead's from the catalogue,
/// any other as it was written.
pub fn team_role(m: &Messages, role: &TeamRole) -> String {
    match role {
        TeamRole::Lead => m.team_role_lead.to_owned(),
        TeamRole::FormerLead => m.team_role_former_lead.to_owned(),
        TeamRole::Named(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{NB, NN};
    use laget_domain::log::stafett::VOICE_METHODS;

    #[test]
    fn every_level_of_every_model_has_a_name_and_a_description() {
        for model in EscalationModel::ALL {
            for l in model.levels() {
                for m in [&NB, &NN] {
                    assert!(level_words(m, model, l.level).is_some());
                    assert!(!level_description(m, model, l.level).is_empty());
                }
            }
        }
        assert_eq!(
            level_name(&NB, EscalationModel::Tiltakskjede, 2),
            "Tiltaksteam"
        );
        assert_eq!(level_name(&NB, EscalationModel::Bti, 7), "Nivå 7");
        assert_eq!(level_description(&NB, EscalationModel::Bti, 7), "");
        assert!(model_name(&NB, EscalationModel::Bti).starts_with("BTI"));
        assert_eq!(
            model_name(&NB, EscalationModel::Tiltakskjede),
            "Tiltakskjeden"
        );
        assert_eq!(
            model_name(&NN, EscalationModel::Tiltakskjede),
            "Tiltakskjeda"
        );
        assert_eq!(
            level_name(&NN, EscalationModel::Tiltakskjede, 3),
            "Leiingsteam"
        );
    }

    #[test]
    fn voice_methods_and_coded_roles_are_named_in_the_readers_language() {
        let named: Vec<&str> = VOICE_METHODS.iter().map(|c| voice_method(&NB, c)).collect();
        assert_eq!(
            named,
            [
                "Samtale",
                "Tegning eller lek",
                "Observasjon",
                "Spørreskjema",
                "Annet"
            ]
        );
        assert_eq!(voice_method(&NN, "tegning"), "Teikning eller leik");
        assert_eq!(team_role(&NB, &TeamRole::Lead), "Stafettholder");
        assert_eq!(team_role(&NN, &TeamRole::Lead), "Stafetthaldar");
        assert_eq!(
            team_role(&NN, &TeamRole::FormerLead),
            "Tidlegare stafetthaldar"
        );
        assert_eq!(
            team_role(&NN, &TeamRole::Named("Kontaktlærer".into())),
            "Kontaktlærer"
        );
    }
}
