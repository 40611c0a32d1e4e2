//! Confirmation notices shown after a redirect (`?melding=…`).

use crate::i18n::Messages;

/// `?melding=…` after a redirect: which confirmation to show.
#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub melding: Option<String>,
}

/// The confirmation text for a notice code; unknown codes show nothing.
pub fn notice(msgs: &Messages, q: &NoticeQuery) -> Option<&'static str> {
    let m = msgs;
    Some(match q.melding.as_deref()? {
        "opprettet" => m.municipalities_created,
        "enhet-opprettet" => m.units_created,
        "enhet-lagret" => m.units_saved,
        "vertskommune-lagret" => m.units_host_saved,
        "tildeling-gjennomgatt" => m.grants_reviewed_notice,
        "bruker-opprettet" => m.users_created,
        "bruker-lagret" => m.users_saved,
        "deaktivert" => m.users_disabled,
        "aktivert" => m.users_enabled,
        "passord" => m.users_password_set,
        "rolle-lagt-til" => m.users_membership_added,
        "rolle-fjernet" => m.users_membership_removed,
        "tilbud-opprettet" => m.editor_created,
        "tilbud-lagret" => m.editor_saved,
        "tilbud-uendret" => m.editor_unchanged,
        "tilbud-foreslatt" => m.editor_proposed,
        "tilbud-forslag-utvidet" => m.editor_extended,
        "forslag-trukket" => m.editor_withdrawn,
        "forslag-godkjent" => m.proposal_approved,
        "forslag-avvist" => m.proposal_rejected,
        "omrade-lagt-til" => m.areas_added,
        "omrade-endret" => m.areas_renamed,
        _ => return None,
    })
}

pub fn log_notice(m: &Messages, code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "logg-startet" => m.notice_log_started,
        "lagret" => m.notice_saved,
        "niva-endret" => m.notice_level_changed,
        "logg-lukket" => m.notice_log_closed,
        "logg-lukket-moter" => m.notice_log_closed_meetings,
        "logg-gjenapnet" => m.notice_log_reopened,
        "samtykke" => m.notice_consent_saved,
        "samtykke-trukket" => m.notice_consent_withdrawn,
        "overlevering-foreslatt" => m.notice_handover_proposed,
        "overlevering-godtatt" => m.notice_handover_accepted,
        "overlevering-avslatt" => m.notice_handover_declined,
        "overlevering-trukket" => m.notice_handover_withdrawn,
        "tiltak" => m.notice_measure_saved,
        "vedtak-har-tiltak" => m.minutes_decision_has_measure,
        "evaluering" => m.notice_evaluation_saved,
        "nodtilgang" => m.notice_break_glass,
        // The family's request answered (H5).
        "henvendelse-besvart" => m.portal_request_answered_notice,
        _ => return None,
    })
}
