//! What the family does not see, as staff choose it on the forms that write
//! free text into the log (the concern, the child's voice, BBIS,
//! evaluations): the fieldset «Hvem i familien ser dette?» (template
//! `portal/withheld.html`), its choices in plain Norwegian, and the mark
//! «Skjult for familien: …» on the staff timeline. The rules are
//! `laget_domain::portal::Withheld`.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::today;
use laget_domain::access::LogReader;
use laget_domain::portal::Withheld;

/// The form field.
pub const FIELD: &str = "skjult";

/// The withholdings staff may choose for a child of `child_age`, in words
/// (the default, «the family sees it», is the fieldset's first choice).
pub fn choices(m: &Messages, child_age: Option<u32>) -> Vec<Choice> {
    Withheld::choices_for(child_age)
        .into_iter()
        .map(|w| Choice {
            value: w.code().to_owned(),
            label: choice_label(m, w).to_owned(),
        })
        .collect()
}

fn choice_label(m: &Messages, w: Withheld) -> &'static str {
    match w {
        Withheld::Internal => m.withheld_choice_intern,
        Withheld::ThirdParty => m.withheld_choice_tredjeperson,
        Withheld::ChildsSake => m.withheld_choice_barnets_skyld,
        Withheld::YouthHealth => m.withheld_choice_helse_ungdom,
    }
}

/// The short reason after «Skjult for familien:» on the staff timeline.
pub fn reason(m: &Messages, w: Withheld) -> &'static str {
    match w {
        Withheld::Internal => m.withheld_reason_intern,
        Withheld::ThirdParty => m.withheld_reason_tredjeperson,
        Withheld::ChildsSake => m.withheld_reason_barnets_skyld,
        Withheld::YouthHealth => m.withheld_reason_helse_ungdom,
    }
}

/// The choice as sent (empty: the family sees it), or the error to show
/// beside the fieldset: an unknown code, or the youth's health for a child
/// under 16.
pub fn parse(
    m: &Messages,
    raw: &str,
    child_age: Option<u32>,
) -> Result<Option<Withheld>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let w = Withheld::from_code(raw).ok_or(m.withheld_unknown)?;
    if !w.allowed_for(child_age) {
        return Err(m.withheld_too_young);
    }
    Ok(Some(w))
}

/// The age today of the child of the reader's log (`None`: unborn), for
/// the choices. Part of the form's page or the write it serves, which
/// records the access.
pub async fn child_age(state: &AppState, r: &LogReader) -> Result<Option<u32>, AppError> {
    let r = r.clone();
    let birth = state
        .db
        .read(move |c| laget_db::children::birth_of_log_child(c, &r))
        .await?;
    Ok(birth.age_on(today()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::NB;

    #[test]
    fn the_youths_health_is_offered_and_taken_only_from_sixteen() {
        assert_eq!(choices(&NB, Some(15)).len(), 3);
        assert_eq!(choices(&NB, Some(16)).len(), 4);
        assert_eq!(parse(&NB, "", Some(10)), Ok(None));
        assert_eq!(
            parse(&NB, "helse_ungdom", Some(15)),
            Err(NB.withheld_too_young)
        );
        assert_eq!(
            parse(&NB, "helse_ungdom", Some(16)),
            Ok(Some(Withheld::YouthHealth))
        );
        assert_eq!(parse(&NB, "noe", Some(16)), Err(NB.withheld_unknown));
        assert_eq!(
            parse(&NB, "tredjeperson", None),
            Ok(Some(Withheld::ThirdParty))
        );
    }
}
