//! Consent in the family's portal (`/familie/logger/{log}/samtykke`): the
//! log's consents with their history (given by whom — «deg», «den andre
//! forelderen», «ungdommen» —, how, for which services and purposes, and
//! whether valid, expired or withdrawn), what consent means (in bokmål or
//! nynorsk, and in the municipality's text in another language when the
//! citizen chose one), and a form to give consent digitally.
//!
//! The ID-porten login is the signature: the consent is an ordinary
//! `consents` row written by `laget_db::portal::consent::give` (method
//! `digitalt`, the giver from `FamilyWriter::giver`), which gates access
//! exactly as staff-recorded ones (`consent::coverage`); a youth from 15
//! consents for themself. Withdrawing takes effect at once, on a closed log
//! too (`FamilyReader::withdrawer`); only a consent the citizen is a giver
//! of can be withdrawn (another's is a 404).
//!
//! A consent runs from today to a date the citizen chooses: one year ahead
//! by default, at most to the day before the child turns 18 and never more
//! than three years ahead (`laget_db::portal::consent::last_valid_day`).

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::{FamilyLog, SignedInCitizen};
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::i18n::Messages;
use crate::portal::language::{self, LanguagePicker};
use crate::view::choices::Choice;
use crate::view::format::{date, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use laget_db::portal::consent::{self as db, ConsentPage, FamilyConsent};
use laget_db::portal::texts::PortalText;
use laget_domain::access::FamilyReader;
use laget_domain::ids::{ConsentId, UnitId};
use laget_domain::log::consent::{
    ConsentFacts, ConsentForm, ConsentRule, ConsentState, Coverage, Giver, Method, NewConsent,
    Purpose, coverage,
};
use laget_domain::validation::{FieldError, Problems, optional_text, parse_date};

/// One consent in the history.
pub struct ConsentLine {
    pub id: String,
    pub givers: String,
    pub how: &'static str,
    pub units: String,
    pub purposes: String,
    pub state: String,
    pub reason: Option<String>,
    /// The citizen gave it and it is valid or not yet valid.
    pub may_withdraw: bool,
}

/// The municipality's text in the language the citizen chose.
pub struct OtherLanguage {
    pub lang: String,
    /// `rtl` for Arabic, Persian, Urdu, Hebrew and Pashto; `ltr` otherwise.
    pub dir: &'static str,
    pub name: String,
    pub consent_info: String,
}

#[derive(Template)]
#[template(path = "portal/consent.html")]
struct PortalConsentPage {
    layout: Layout,
    log: String,
    lines: Vec<ConsentLine>,
    other: Option<OtherLanguage>,
    picker: LanguagePicker,
    /// The log is open: consent may be given.
    may_give: bool,
    units: Vec<Choice>,
    purposes: Vec<Choice>,
    valid_to_hint: String,
    /// The services' hint; for a youth under 16 it adds that health
    /// services need the guardians' consent until then.
    units_hint: String,
    form: FormState,
    /// After giving consent: that it is registered, and which of the
    /// chosen services have access now and which wait for the other
    /// guardian (`laget_domain::log::consent::coverage`).
    given: Option<String>,
}

/// The page's notice after a give (`?melding=gitt&samtykke=<id>`) or a
/// withdrawal.
#[derive(serde::Deserialize, Default)]
pub struct ConsentQuery {
    #[serde(default)]
    melding: Option<String>,
    #[serde(default)]
    samtykke: Option<String>,
}

/// «deg», «den andre forelderen», «ungdommen», joined with «og».
fn givers_text(m: &Messages, me: Giver, givers: &[Giver]) -> String {
    let words: Vec<&str> = givers
        .iter()
        .map(|g| {
            if *g == me {
                m.portal_consent_you
            } else if *g == Giver::Youth {
                m.portal_consent_youth
            } else {
                m.portal_consent_other_guardian
            }
        })
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), m.portal_consent_and),
    }
}

/// Names joined with commas and «og».
fn join_names(m: &Messages, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), m.portal_consent_and),
    }
}

/// What the notice after giving consent says: the chosen services that
/// may open the log now (by the municipality's rule, on the log's consents
/// after the write), and those that wait for the other guardian with
/// parental responsibility. `None` when `id` is not a consent the reader
/// gave.
fn given_text(
    m: &Messages,
    me: Giver,
    id: ConsentId,
    data: &ConsentPage,
    facts: &ConsentFacts,
    rule: ConsentRule,
    today: NaiveDate,
) -> Option<String> {
    let given = data
        .consents
        .iter()
        .find(|c| c.consent.id == id && c.consent.givers.contains(&me))?;
    let name = |i: usize, u: UnitId| {
        data.units
            .iter()
            .find(|(x, _)| *x == u)
            .map(|(_, n)| n.clone())
            .or_else(|| {
                (given.unit_names.len() == given.consent.units.len())
                    .then(|| given.unit_names[i].clone())
            })
    };
    let (mut access, mut waiting) = (Vec::new(), Vec::new());
    for (i, u) in given.consent.units.iter().enumerate() {
        let Some(n) = name(i, *u) else { continue };
        match coverage(facts, rule, *u, today) {
            Coverage::Covered(_) => access.push(n),
            Coverage::MissingGuardians(_) => waiting.push(n),
            Coverage::NotCovered => {}
        }
    }
    let mut text = m.portal_consent_given_registered.to_owned();
    if !access.is_empty() {
        text.push(' ');
        text.push_str(
            &m.portal_consent_given_access
                .replace("{enheter}", &join_names(m, &access)),
        );
    }
    if !waiting.is_empty() {
        text.push(' ');
        // A youth under 16 waits for the guardians for health services.
        let waiting_text = if me == Giver::Youth {
            m.portal_consent_given_waiting_youth
        } else {
            m.portal_consent_given_waiting
        };
        text.push_str(&waiting_text.replace("{enheter}", &join_names(m, &waiting)));
    }
    Some(text)
}

fn how(m: &Messages, c: &FamilyConsent) -> &'static str {
    match (c.citizen, c.method) {
        (Some(_), _) => m.portal_consent_how_digital,
        (None, Method::SignedPaper) => m.portal_consent_how_paper,
        (None, Method::Oral) => m.portal_consent_how_oral,
        (None, Method::Digital) => m.portal_consent_how_staff_digital,
    }
}

/// A purpose in words; to a youth about themself, «om deg» (stranger 12, #12).
fn purpose_label(m: &Messages, p: Purpose, youth: bool) -> &'static str {
    match (p, youth) {
        (Purpose::ShareInformation, false) => m.portal_consent_purpose_share,
        (Purpose::Meetings, false) => m.portal_consent_purpose_meetings,
        (Purpose::ShareInformation, true) => m.portal_consent_purpose_share_youth,
        (Purpose::Meetings, true) => m.portal_consent_purpose_meetings_youth,
    }
}

fn state_text(m: &Messages, c: &FamilyConsent, today: NaiveDate) -> String {
    let (template, day) = match c.consent.state(today) {
        ConsentState::Valid => (m.portal_consent_state_valid, c.consent.valid_to),
        ConsentState::NotYetValid => (m.portal_consent_state_not_yet, c.consent.valid_from),
        ConsentState::Expired => (m.portal_consent_state_expired, c.consent.valid_to),
        ConsentState::Withdrawn => (
            m.portal_consent_state_withdrawn,
            c.consent
                .withdrawn_at
                .map(|t| t.with_timezone(&chrono_tz::Europe::Oslo).date_naive())
                .unwrap_or(today),
        ),
    };
    template.replace("{dato}", &date(day))
}

fn lines(m: &Messages, me: Giver, data: &ConsentPage, today: NaiveDate) -> Vec<ConsentLine> {
    data.consents
        .iter()
        .map(|c| {
            let state = c.consent.state(today);
            ConsentLine {
                id: c.consent.id.to_string(),
                givers: givers_text(m, me, &c.consent.givers),
                how: how(m, c),
                units: c.unit_names.join(", "),
                purposes: c
                    .consent
                    .purposes
                    .iter()
                    .map(|p| purpose_label(m, *p, me == Giver::Youth))
                    .collect::<Vec<_>>()
                    .join(", "),
                state: state_text(m, c, today),
                reason: c.withdraw_reason.clone(),
                may_withdraw: c.consent.givers.contains(&me)
                    && matches!(state, ConsentState::Valid | ConsentState::NotYetValid),
            }
        })
        .collect()
}

/// The languages written right to left among those a municipality may add.
const RTL: [&str; 5] = ["ar", "fa", "ur", "he", "ps"];

pub(crate) fn direction(lang: &str) -> &'static str {
    if RTL.contains(&lang) { "rtl" } else { "ltr" }
}

/// The municipality's text in the chosen language, if it has one.
fn other_language(chosen: Option<&str>, texts: &[PortalText]) -> Option<OtherLanguage> {
    let chosen = chosen?;
    texts
        .iter()
        .find(|t| t.language == chosen)
        .map(|t| OtherLanguage {
            lang: t.language.clone(),
            dir: direction(&t.language),
            name: t.language_name.clone(),
            consent_info: t.consent_info.clone(),
        })
}

/// What the page reads: the consents (a recorded read of the log) and the
/// municipality's texts.
async fn load(
    state: &AppState,
    citizen: &SignedInCitizen,
    r: &FamilyReader,
) -> Result<(ConsentPage, Vec<PortalText>), AppError> {
    let r2 = r.clone();
    let rid = citizen.ctx.request_id.clone();
    Ok(state
        .db
        .write(move |c| {
            Ok((
                db::page(c, &r2, &rid)?,
                laget_db::portal::texts::for_family(c, &r2)?,
            ))
        })
        .await?)
}

fn giver_of(r: &FamilyReader) -> Giver {
    r.withdrawer().giver()
}

/// The default last day: a year ahead, or the last allowed day if sooner.
fn default_valid_to(last: NaiveDate, today: NaiveDate) -> NaiveDate {
    (today + chrono::Duration::days(365)).min(last)
}

fn render(
    citizen: &SignedInCitizen,
    r: &FamilyReader,
    data: &ConsentPage,
    texts: &[PortalText],
    form: FormState,
) -> PortalConsentPage {
    let m = citizen.m;
    let today = today();
    let last = db::last_valid_day(data.birth, today);
    PortalConsentPage {
        layout: Layout::citizen(citizen, m.portal_consent_title),
        log: r.log_id().to_string(),
        lines: lines(m, giver_of(r), data, today),
        other: other_language(citizen.language.as_deref(), texts),
        picker: language::picker(
            m,
            citizen.language.as_deref(),
            texts,
            &format!("/familie/logger/{}/samtykke", r.log_id()),
        ),
        may_give: r.is_open(),
        units: data
            .units
            .iter()
            .map(|(u, n)| Choice {
                value: u.to_string(),
                label: n.clone(),
            })
            .collect(),
        purposes: Purpose::ALL
            .iter()
            .map(|p| Choice {
                value: p.code().into(),
                label: purpose_label(m, *p, r.role() == laget_domain::portal::FamilyRole::Youth)
                    .into(),
            })
            .collect(),
        valid_to_hint: m
            .portal_consent_valid_to_hint
            .replace("{dato}", &date(last)),
        // A youth consents alone from 15, but for health services only
        // from 16 (`laget_domain::log::consent::YOUTH_HEALTH_CONSENT_AGE`).
        units_hint: if r.role() == laget_domain::portal::FamilyRole::Youth
            && data
                .birth
                .age_on(today)
                .is_some_and(|a| a < laget_domain::log::consent::YOUTH_HEALTH_CONSENT_AGE)
        {
            format!(
                "{} {}",
                m.portal_consent_units_hint, m.portal_consent_youth_health
            )
        } else {
            m.portal_consent_units_hint.to_owned()
        },
        // Short names for the error summary («Tjenester: Velg …»): the
        // legends are questions and the box's label a whole sentence.
        form: form.fields(&[
            ("enheter", m.portal_consent_units_short),
            ("formal", m.portal_consent_purposes_short),
            ("gyldig_til", m.portal_consent_valid_to),
            ("bekreft", m.portal_consent_confirm_short),
            ("begrunnelse", m.portal_consent_withdraw_reason),
        ]),
        given: None,
    }
}

pub async fn show(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Query(q): Query<ConsentQuery>,
) -> Result<Response, AppError> {
    let (data, texts) = load(&state, &citizen, &reader).await?;
    let given_id = match q.melding.as_deref() {
        Some("gitt") => q
            .samtykke
            .as_deref()
            .and_then(|k| k.parse::<ConsentId>().ok()),
        _ => None,
    };
    // The consent facts and the municipality's rule exactly as the access
    // decision reads them (`lookup::log_facts`; the actor is nobody — only
    // the consent part is used), after the write: which of the chosen
    // services have access now.
    let rule_facts = match given_id {
        Some(_) => {
            let log = reader.log_id();
            let today = today();
            let nobody = laget_domain::UserId::new();
            Some(
                state
                    .db
                    .read(move |c| laget_db::lookup::log_facts(c, log, nobody, today))
                    .await?,
            )
        }
        None => None,
    };
    let today = today();
    let last = db::last_valid_day(data.birth, today);
    let form = FormState::with_values([
        ("gyldig_til".to_owned(), date(default_valid_to(last, today))),
        (
            "formal".to_owned(),
            Purpose::ShareInformation.code().to_owned(),
        ),
    ]);
    let m = citizen.m;
    let mut p = render(&citizen, &reader, &data, &texts, form);
    p.layout = p.layout.with_notice(match q.melding.as_deref() {
        Some("trukket") => Some(m.portal_consent_withdrawn),
        _ => None,
    });
    if let (Some(id), Some(f)) = (given_id, rule_facts) {
        p.given = given_text(
            m,
            giver_of(&reader),
            id,
            &data,
            &f.consent,
            f.consent_rule,
            today,
        );
    }
    page(&p)
}

/// Checks the form: the units offered, at least one purpose, a last day
/// from today to the last allowed one, and the confirmation box.
fn parse(
    m: &Messages,
    pairs: &[(String, String)],
    giver: Giver,
    units: &[UnitId],
    last: NaiveDate,
    today: NaiveDate,
) -> Result<NewConsent, FormState> {
    let giver_code = giver.code();
    let from = date(today);
    let raw_to = forms::get(pairs, "gyldig_til");
    let mut own: Vec<(&'static str, String)> = Vec::new();
    match parse_date(raw_to) {
        Ok(Some(d)) if d < today => own.push(("gyldig_til", m.portal_consent_past.into())),
        Ok(Some(d)) if d > last => own.push((
            "gyldig_til",
            m.portal_consent_too_late.replace("{dato}", &date(last)),
        )),
        _ => {}
    }
    if forms::get(pairs, "bekreft") != "ja" {
        own.push(("bekreft", m.portal_consent_confirm_missing.into()));
    }
    let form = ConsentForm {
        givers: vec![&giver_code],
        units: forms::get_all(pairs, "enheter"),
        purposes: forms::get_all(pairs, "formal"),
        valid_from: &from,
        valid_to: raw_to,
        method: Method::Digital.code(),
        note: "",
        has_scan: false,
    };
    let parsed = NewConsent::parse(&form, &[giver], units);
    match parsed {
        Ok(c) if own.is_empty() => Ok(c),
        other => {
            let problems: Vec<FieldError> = other
                .err()
                .map(Problems::into_vec)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| !own.iter().any(|(f, _)| *f == p.field))
                .collect();
            let mut state =
                FormState::with_values(forms::redisplayable(pairs)).with_problems(m, problems);
            for (field, message) in own {
                state.add_error(field, &message);
            }
            Err(state)
        }
    }
}

pub async fn give(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    body: String,
) -> Result<Response, AppError> {
    let w = reader.writer()?;
    let pairs = forms::pairs(&body);
    let w2 = w.clone();
    let (units, birth) = state.db.read(move |c| db::choices(c, &w2)).await?;
    let unit_ids: Vec<UnitId> = units.iter().map(|(u, _)| *u).collect();
    let today = today();
    let last = db::last_valid_day(birth, today);
    let consent = match parse(citizen.m, &pairs, w.giver(), &unit_ids, last, today) {
        Ok(c) => c,
        Err(form) => {
            let (data, texts) = load(&state, &citizen, &reader).await?;
            return invalid(&render(&citizen, &reader, &data, &texts, form));
        }
    };
    let rid = citizen.ctx.request_id.clone();
    let log = w.log_id();
    let id = state
        .db
        .write(move |c| db::give(c, &w, &consent, &rid))
        .await?;
    Ok(Redirect::to(&format!(
        "/familie/logger/{log}/samtykke?melding=gitt&samtykke={id}"
    ))
    .into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Path((_, k)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let w = reader.withdrawer();
    let id: ConsentId = path_id(&k)?;
    let pairs = forms::pairs(&body);
    let reason = match optional_text(forms::get(&pairs, "begrunnelse"), 4000) {
        Ok(r) => r,
        Err(p) => {
            let (data, texts) = load(&state, &citizen, &reader).await?;
            if !data
                .consents
                .iter()
                .any(|c| c.consent.id == id && c.consent.givers.contains(&w.giver()))
            {
                return Err(AppError::NotFound);
            }
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            form.add_error("begrunnelse", &citizen.m.problem(p));
            return invalid(&render(&citizen, &reader, &data, &texts, form));
        }
    };
    let rid = citizen.ctx.request_id.clone();
    let log = w.log_id();
    state
        .db
        .write(move |c| db::withdraw(c, &w, id, reason.as_deref(), &rid))
        .await?;
    Ok(Redirect::to(&format!("/familie/logger/{log}/samtykke?melding=trukket")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use laget_domain::children::Birth;

    #[test]
    fn givers_are_named_from_the_readers_side() {
        let m = Messages::of(laget_domain::admin::municipality::WrittenStandard::Bokmal);
        let me = Giver::Guardian(laget_domain::ids::GuardianId::new());
        let other = Giver::Guardian(laget_domain::ids::GuardianId::new());
        assert_eq!(givers_text(m, me, &[me]), "deg");
        assert_eq!(
            givers_text(m, me, &[me, other]),
            "deg og den andre forelderen"
        );
        assert_eq!(givers_text(m, Giver::Youth, &[Giver::Youth]), "deg");
        assert_eq!(givers_text(m, me, &[Giver::Youth]), "ungdommen");
    }

    #[test]
    fn a_consent_runs_at_most_to_the_day_before_18_and_three_years_ahead() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        let today = d(2026, 12, 7);
        assert_eq!(
            db::last_valid_day(Birth::Born(d(2010, 3, 1)), today),
            d(2028, 2, 29)
        );
        assert_eq!(
            db::last_valid_day(Birth::Born(d(2020, 1, 1)), today),
            d(2029, 12, 7)
        );
        assert_eq!(
            db::last_valid_day(Birth::Expected(d(2027, 2, 1)), today),
            d(2029, 12, 7)
        );
    }

    #[test]
    fn right_to_left_languages_get_rtl() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("fa"), "rtl");
        assert_eq!(direction("so"), "ltr");
    }

    #[test]
    fn the_form_needs_the_box_and_a_date_from_today_to_the_last_day() {
        let m = Messages::of(laget_domain::admin::municipality::WrittenStandard::Bokmal);
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(2027, 12, 7).unwrap_or_default();
        let unit = UnitId::new();
        let giver = Giver::Youth;
        let pairs = |to: &str, confirm: bool| {
            let mut p = vec![
                ("enheter".to_owned(), unit.to_string()),
                ("formal".to_owned(), "dele".to_owned()),
                ("gyldig_til".to_owned(), to.to_owned()),
            ];
            if confirm {
                p.push(("bekreft".to_owned(), "ja".to_owned()));
            }
            p
        };
        let ok = parse(m, &pairs("01.06.2027", true), giver, &[unit], last, today);
        assert!(ok.is_ok());
        let Ok(ok) = ok else { return };
        assert_eq!(ok.givers, vec![Giver::Youth]);
        assert_eq!(ok.method, Method::Digital);
        assert_eq!(ok.valid_from, today);
        let no_box = parse(m, &pairs("01.06.2027", false), giver, &[unit], last, today);
        assert_eq!(
            no_box
                .err()
                .and_then(|f| f.error("bekreft").map(str::to_owned)),
            Some(m.portal_consent_confirm_missing.to_owned())
        );
        let past = parse(m, &pairs("06.12.2026", true), giver, &[unit], last, today);
        assert_eq!(
            past.err()
                .and_then(|f| f.error("gyldig_til").map(str::to_owned)),
            Some(m.portal_consent_past.to_owned())
        );
        let late = parse(m, &pairs("08.12.2027", true), giver, &[unit], last, today);
        assert!(late.is_err());
        let stranger = parse(m, &pairs("01.06.2027", true), giver, &[], last, today);
        assert!(stranger.err().is_some_and(|f| f.error("enheter").is_some()));
    }
}
