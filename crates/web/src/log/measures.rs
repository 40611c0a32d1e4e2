//! Choosing an offer for a child's measure: the new-measure form lists the
//! catalogue's public offers narrowed by default to the child's age and the
//! log's challenge areas, with a free-text search and a way out to every
//! offer (a GET form, no JavaScript needed); and «Hvis dette ikke er nok» on
//! the measure page shows the next steps the public offer page shows
//! (`offers::neighbours`), those that fit the child's age, each with a link
//! that opens the new-measure form with that offer chosen.

use crate::AppState;
use crate::catalogue::public::{ages, step_name};
use crate::error::AppError;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use laget_db::catalogue::offers::{self, Offer, Search, Visibility};
use laget_db::{children, log as logs};
use laget_domain::access::LogReader;
use laget_domain::catalogue::{AgeFilter, OfferFilter, OfferSort, PreventionLevel, Searchable};
use laget_domain::ids::OfferId;

/// At most this many offers in the list; a search narrows it further.
const LIST_LIMIT: i64 = 300;

/// The filter of the new-measure form. GET parameters of the filter form,
/// and hidden fields of the measure form, so that a form with errors comes
/// back with the same list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickFilter {
    pub text: String,
    pub by_age: bool,
    pub by_areas: bool,
}

impl PickFilter {
    /// From a form's pairs. Without `filtrert` (the form's first showing)
    /// both narrowing filters are on; with it, each is on only if ticked.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| crate::extract::form::get(pairs, k);
        let submitted = get("filtrert") == "ja";
        Self {
            text: get("sok").trim().to_owned(),
            by_age: !submitted || get("alder") == "ja",
            by_areas: !submitted || get("omrader") == "ja",
        }
    }
}

/// The offer list of the new-measure form and what the filter form shows.
pub struct Picker {
    pub offers: Vec<Choice>,
    pub text: String,
    pub by_age: bool,
    pub by_areas: bool,
    /// «Passer for barnets alder (4 år)».
    pub age_label: String,
    /// «Innen loggens utfordringer (Språk, Atferd)», when the log has any.
    pub areas_label: Option<String>,
    /// How many offers the filter found (the chosen one not counted).
    pub found: usize,
    pub capped: bool,
    /// The form with no narrowing filter (the search kept).
    pub all_href: String,
    /// Whether a narrowing filter is on (then «vis alle» is offered).
    pub narrowed: bool,
}

fn label(m: &Messages, o: &Offer) -> String {
    format!("{} – {} ({})", o.fields.name, o.provider_name, ages(m, o))
}

fn age_filter(age: u8) -> AgeFilter {
    AgeFilter::Range { from: age, to: age }
}

/// The offers for the new-measure form of `r`'s log under `filter`, with
/// `chosen` (an offer id, perhaps from «Hvis dette ikke er nok») always
/// among them; and every offer that may be chosen (the municipality's
/// published offers). Reads only: the form's page records the read.
pub async fn picker(
    msgs: &Messages,
    state: &AppState,
    r: &LogReader,
    filter: &PickFilter,
    chosen: &str,
) -> Result<(Picker, Vec<OfferId>), AppError> {
    let r2 = r.clone();
    let m = r.municipality_id();
    let today = crate::view::format::today();
    let f = filter.clone();
    let (birth, log_areas, area_names, found, choosable) = state
        .db
        .read(move |c| {
            let birth = children::birth_of_log_child(c, &r2)?;
            let log_areas = logs::concern_areas(c, &r2)?;
            let search = Search {
                municipality: Some(m),
                filter: OfferFilter {
                    text: (!f.text.is_empty()).then(|| f.text.clone()),
                    age: f.by_age.then(|| age_filter(birth.offer_age(today))),
                    ..Default::default()
                },
                sort: OfferSort::Name,
                visibility: Visibility::Public(today),
                offset: 0,
                limit: LIST_LIMIT + 1,
            };
            let areas: &[String] = if f.by_areas { &log_areas } else { &[] };
            let found = offers::search_in_areas(c, &search, areas)?;
            Ok((
                birth,
                log_areas,
                offers::challenge_areas(c, m)?,
                found,
                logs::offer_choices(c, &r2)?,
            ))
        })
        .await?;
    let capped = found.len() > usize::try_from(LIST_LIMIT).unwrap_or(usize::MAX);
    let found: Vec<&Offer> = found
        .iter()
        .take(usize::try_from(LIST_LIMIT).unwrap_or(usize::MAX))
        .collect();
    let mut choices: Vec<Choice> = Vec::new();
    // The chosen offer stays choosable even where the filter leaves it out.
    if !chosen.is_empty()
        && !found.iter().any(|o| o.id.to_string() == chosen)
        && let Some((id, name)) = choosable.iter().find(|(id, _)| id.to_string() == chosen)
    {
        choices.push(Choice {
            value: id.to_string(),
            label: name.clone(),
        });
    }
    choices.extend(found.iter().map(|o| Choice {
        value: o.id.to_string(),
        label: label(msgs, o),
    }));
    let age = birth.offer_age(today);
    let names: Vec<String> = log_areas
        .iter()
        .map(|code| {
            area_names
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| code.clone())
        })
        .collect();
    let query: Vec<(&str, &str)> = [
        ("filtrert", "ja"),
        ("sok", filter.text.as_str()),
        ("tilbud", chosen),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let all_href = format!(
        "/logger/{}/tiltak?{}",
        r.log_id(),
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let picker = Picker {
        found: found.len(),
        offers: choices,
        text: filter.text.clone(),
        by_age: filter.by_age,
        by_areas: filter.by_areas && !log_areas.is_empty(),
        age_label: format!("{} ({age} {})", msgs.measure_filter_age, msgs.child_years),
        areas_label: (!names.is_empty())
            .then(|| format!("{} ({})", msgs.measure_filter_areas, names.join(", "))),
        capped,
        all_href,
        narrowed: filter.by_age || (filter.by_areas && !log_areas.is_empty()),
    };
    Ok((picker, choosable.into_iter().map(|(id, _)| id).collect()))
}

/// One step of «Hvis dette ikke er nok» on the measure page.
pub struct NextStep {
    /// The offer's public page.
    pub href: String,
    pub label: String,
    pub detail: String,
    /// The new-measure form with this offer chosen.
    pub add_href: String,
}

/// «Hvis dette ikke er nok» for a measure: for an offer from the catalogue,
/// the next steps its public page shows (`offers::neighbours`); for a
/// measure of one's own, indicated offers in the log's challenge areas;
/// either way only those that fit the child's age (`OfferFilter::matches`).
pub async fn next_steps(
    msgs: &Messages,
    state: &AppState,
    r: &LogReader,
    offer: Option<OfferId>,
    areas: Vec<String>,
) -> Result<Vec<NextStep>, AppError> {
    let r2 = r.clone();
    let m = r.municipality_id();
    let today = crate::view::format::today();
    let (age, found) = state
        .db
        .read(move |c| {
            let age = children::birth_of_log_child(c, &r2)?.offer_age(today);
            let found = match offer {
                Some(o) => {
                    let offer = offers::get(c, o)?;
                    offers::neighbours(c, &offer, today)?.next
                }
                None => {
                    let search = Search {
                        municipality: Some(m),
                        filter: OfferFilter {
                            level: Some(PreventionLevel::Indikert),
                            age: Some(age_filter(age)),
                            ..Default::default()
                        },
                        sort: OfferSort::Name,
                        visibility: Visibility::Public(today),
                        offset: 0,
                        limit: 10,
                    };
                    if areas.is_empty() {
                        Vec::new()
                    } else {
                        offers::search_in_areas(c, &search, &areas)?
                    }
                }
            };
            Ok((age, found))
        })
        .await?;
    let fits = OfferFilter {
        age: Some(age_filter(age)),
        ..Default::default()
    };
    Ok(found
        .iter()
        .filter(|o| {
            fits.matches(&Searchable {
                fields: &o.fields,
                provider_name: &o.provider_name,
                provider_kind: o.provider_kind,
            })
        })
        .map(|o| NextStep {
            href: format!("/tiltak/{}", o.id),
            label: o.fields.name.clone(),
            detail: format!(
                "{} · {} · {}",
                step_name(msgs, o.fields.ladder_step),
                o.provider_name,
                ages(msgs, o)
            ),
            add_href: format!("/logger/{}/tiltak?tilbud={}", r.log_id(), o.id),
        })
        .collect())
}
