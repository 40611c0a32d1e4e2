//! Children of the user's units: the list, registering a child, the child's
//! page with guardians, and starting a log from a concern.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::format::{birth_text, date};
use crate::view::format::{guardian_detail, relation_label};
use crate::view::layout::Layout;
use crate::view::notice::log_notice;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::{DbError, catalogue::offers, children, log as logs};
use laget_domain::UnitId;
use laget_domain::access::UnitCasework;
use laget_domain::children::{NewChild, Relation};
use laget_domain::ids::{ChildId, LogId};
use laget_domain::log::stafett::{Concern, LogStatus};

/// The unit chosen with `?enhet=`, or the user's only casework unit.
fn chosen_unit(user: &SignedIn, raw: Option<&str>) -> Result<Option<UnitCasework>, AppError> {
    let units = user.actor.casework_units();
    let unit = match raw.filter(|r| !r.is_empty()) {
        Some(r) => path_id::<UnitId>(r)?,
        None => match units.as_slice() {
            [(u, _)] => *u,
            _ => return Ok(None),
        },
    };
    Ok(Some(user.actor.casework(unit)?))
}

#[derive(serde::Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    enhet: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

pub struct ChildRow {
    pub href: String,
    pub name: String,
    pub birth: String,
    pub log: Option<LogCell>,
}

/// A log named in a unit's lists: a link only where the user may open it
/// (the log page's decision); where the unit handed it on, «Overlevert til
/// …» instead of a link that would answer 404.
pub struct LogCell {
    pub href: Option<String>,
    pub label: String,
    pub handed_on_to: Option<String>,
}

/// Which of a unit's logs the user may open, and where those the unit handed
/// on went.
struct LogReach {
    open: Vec<LogId>,
    handed: Vec<(LogId, String)>,
}

impl LogReach {
    fn opens(&self, log: LogId) -> bool {
        self.open.contains(&log)
    }
    fn handed_on_to(&self, log: LogId) -> Option<String> {
        self.handed
            .iter()
            .find(|(l, _)| *l == log)
            .map(|(_, u)| u.clone())
    }
}

fn log_reach(
    c: &mut laget_db::DbConnection,
    actor: &laget_domain::access::Actor,
    cap: &laget_domain::access::UnitCasework,
    logs_named: impl IntoIterator<Item = LogId>,
    today: chrono::NaiveDate,
) -> laget_db::DbResult<LogReach> {
    let named: Vec<LogId> = logs_named.into_iter().collect();
    let open = laget_db::casework::openable(c, actor, named.iter().copied(), today)?;
    let mut handed = Vec::new();
    for log in named.into_iter().filter(|l| !open.contains(l)) {
        if let Some(to) = logs::handed_on_to(c, cap, log)? {
            handed.push((log, to));
        }
    }
    Ok(LogReach { open, handed })
}

#[derive(Template)]
#[template(path = "log/children.html")]
struct ListPage {
    layout: Layout,
    units: Vec<Choice>,
    unit: Option<String>,
    unit_name: String,
    children: Vec<ChildRow>,
}

async fn unit_choices(state: &AppState, user: &SignedIn) -> Result<Vec<Choice>, AppError> {
    let ids: Vec<UnitId> = user
        .actor
        .casework_units()
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    let units = state
        .db
        .read(move |c| laget_db::admin::units::get_many(c, &ids))
        .await?;
    Ok(units
        .into_iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name,
        })
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let units = unit_choices(&state, &user).await?;
    let Some(cap) = chosen_unit(&user, q.enhet.as_deref())? else {
        return page(&ListPage {
            layout: Layout::signed_in(&user, user.m.children_title),
            units,
            unit: None,
            unit_name: String::new(),
            children: Vec::new(),
        });
    };
    let unit = cap.unit_id();
    let rid = user.ctx.request_id.clone();
    let settings_m = cap.municipality_id();
    let actor = user.actor.clone();
    let today = today();
    let (list, settings, reach) = state
        .db
        .write(move |c| {
            let list = children::list_for_unit(c, &cap, &rid)?;
            let reach = log_reach(
                c,
                &actor,
                &cap,
                list.iter().filter_map(|l| l.open_log.map(|o| o.id)),
                today,
            )?;
            Ok((list, logs::settings(c, settings_m)?, reach))
        })
        .await?;
    let unit_name = units
        .iter()
        .find(|c| c.value == unit.to_string())
        .map(|c| c.label.clone())
        .unwrap_or_default();
    page(&ListPage {
        layout: Layout::signed_in(&user, user.m.children_title)
            .with_notice(log_notice(user.m, q.melding.as_deref())),
        units,
        unit: Some(unit.to_string()),
        unit_name,
        children: list
            .into_iter()
            .map(|l| ChildRow {
                href: format!("/barn/{}", l.child.id),
                name: l.child.name.clone(),
                birth: birth_text(user.m, l.child.birth, today),
                log: l.open_log.map(|o| LogCell {
                    href: reach.opens(o.id).then(|| format!("/logger/{}", o.id)),
                    label: crate::log::words::level_name(
                        user.m,
                        settings.model,
                        u8::try_from(o.level).unwrap_or(0),
                    ),
                    handed_on_to: reach.handed_on_to(o.id),
                }),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "log/child_new.html")]
struct NewPage {
    layout: Layout,
    unit: String,
    unit_name: String,
    others: Vec<Choice>,
    form: FormState,
}

async fn new_page(
    state: &AppState,
    user: &SignedIn,
    cap: &UnitCasework,
    form: FormState,
) -> Result<NewPage, AppError> {
    let (unit, m) = (cap.unit_id(), cap.municipality_id());
    let (unit_name, others) = state
        .db
        .read(move |c| {
            Ok((
                laget_db::admin::units::get_many(c, &[unit])?
                    .pop()
                    .map(|u| u.name)
                    .unwrap_or_default(),
                laget_db::admin::units::list_in_municipality(c, m)?,
            ))
        })
        .await?;
    Ok(NewPage {
        layout: Layout::signed_in(user, user.m.child_new_title),
        unit: unit.to_string(),
        unit_name,
        others: others
            .into_iter()
            .filter(|u| u.id != unit && u.active)
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name,
            })
            .collect(),
        form: form.fields(&[
            ("navn", user.m.child_name),
            ("fodselsdato", user.m.child_birth_date),
            ("fodselsnummer", user.m.child_national_id),
            ("enheter", user.m.child_other_units),
        ]),
    })
}

pub async fn new(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let cap = chosen_unit(&user, q.enhet.as_deref())?.ok_or(AppError::NotFound)?;
    page(&new_page(&state, &user, &cap, FormState::default()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let cap = chosen_unit(&user, Some(forms::get(&pairs, "enhet")))?.ok_or(AppError::NotFound)?;
    let parsed = NewChild::parse(
        forms::get(&pairs, "navn"),
        forms::get(&pairs, "fodselsdato"),
        forms::get(&pairs, "ufodt") == "ja",
        forms::get(&pairs, "fodselsnummer"),
        today(),
    );
    let redisplay = |problems: Vec<laget_domain::validation::FieldError>| {
        // The national identity number is not sent back to the browser in
        // an error page's form unless it was the user's own input anyway.
        FormState::with_values(forms::redisplayable(&pairs)).with_problems(user.m, problems)
    };
    let child = match parsed {
        Ok(c) => c,
        Err(p) => return invalid(&new_page(&state, &user, &cap, redisplay(p.into_vec())).await?),
    };
    let others: Vec<UnitId> = forms::get_all(&pairs, "enheter")
        .into_iter()
        .filter_map(|u| u.parse().ok())
        .collect();
    let rid = user.ctx.request_id.clone();
    let cap2 = cap.clone();
    let result = state
        .db
        .write(move |c| children::create(c, &cap2, &child, &others, &rid))
        .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/barn/{id}?melding=lagret")).into_response()),
        Err(DbError::Taken) => {
            let mut form = redisplay(Vec::new());
            form.add_error("fodselsnummer", user.m.child_national_id_taken);
            invalid(&new_page(&state, &user, &cap, form).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// A caseworker capability for one of the child's units, or 404.
async fn child_cap(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
) -> Result<(ChildId, UnitCasework), AppError> {
    let child: ChildId = path_id(raw)?;
    let units = state
        .db
        .read(move |c| laget_db::lookup::units_of_child(c, child))
        .await?;
    let cap = units
        .iter()
        .find_map(|u| user.actor.casework(*u).ok())
        .ok_or(AppError::NotFound)?;
    Ok((child, cap))
}

pub struct GuardianRow {
    pub name: String,
    pub detail: String,
    /// The edit form, for a current guardian.
    pub edit_href: Option<String>,
}

pub struct LogLink {
    pub href: Option<String>,
    pub label: String,
    pub handed_on_to: Option<String>,
}

#[derive(Template)]
#[template(path = "log/child.html")]
struct ChildPage {
    layout: Layout,
    child: String,
    name: String,
    birth: String,
    national_id: Option<String>,
    units: String,
    guardians: Vec<GuardianRow>,
    logs: Vec<LogLink>,
    has_open_log: bool,
    relations: Vec<Choice>,
    form: FormState,
    /// The «Legg til foresatt» form's hint for the national identity number.
    guardian_national_id_hint: String,
    history: Vec<crate::children::edit::HistoryRow>,
}

async fn child_page(
    state: &AppState,
    user: &SignedIn,
    child: ChildId,
    cap: UnitCasework,
    form: FormState,
) -> Result<ChildPage, AppError> {
    let rid = user.ctx.request_id.clone();
    let m = cap.municipality_id();
    let actor = user.actor.clone();
    let today = today();
    let (p, settings, reach) = state
        .db
        .write(move |c| {
            let p = children::get(c, &cap, child, &rid)?;
            let reach = log_reach(c, &actor, &cap, p.logs.iter().map(|l| l.id), today)?;
            Ok((p, logs::settings(c, m)?, reach))
        })
        .await?;
    Ok(ChildPage {
        layout: Layout::signed_in(user, &p.child.name),
        child: child.to_string(),
        name: p.child.name.clone(),
        birth: birth_text(user.m, p.child.birth, today),
        national_id: p.child.national_id_masked.clone(),
        units: p
            .child
            .units
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        guardians: p
            .guardians
            .iter()
            .map(|g| GuardianRow {
                name: g.name.clone(),
                detail: guardian_detail(user.m, g),
                edit_href: g
                    .current
                    .then(|| format!("/barn/{child}/foresatte/{}", g.id)),
            })
            .collect(),
        has_open_log: p.logs.iter().any(|l| l.status == LogStatus::Open),
        logs: p
            .logs
            .iter()
            .map(|l| LogLink {
                href: reach.opens(l.id).then(|| format!("/logger/{}", l.id)),
                handed_on_to: reach.handed_on_to(l.id),
                label: format!(
                    "{} {} – {} ({})",
                    user.m.log_started,
                    date(l.created_at.date_naive()),
                    crate::log::words::level_name(
                        user.m,
                        settings.model,
                        u8::try_from(l.level).unwrap_or(0)
                    ),
                    match l.status {
                        LogStatus::Open => user.m.log_status_open,
                        LogStatus::Closed => user.m.log_status_closed,
                    }
                ),
            })
            .collect(),
        relations: Relation::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: relation_label(user.m, *r).into(),
            })
            .collect(),
        form: form.fields(&[
            ("navn", user.m.guardian_name),
            ("relasjon", user.m.guardian_relation),
            ("telefon", user.m.guardian_phone),
            ("epost", user.m.guardian_email),
            ("fodselsnummer", user.m.guardian_national_id),
        ]),
        guardian_national_id_hint: crate::children::edit::guardian_national_id_hint(user.m, None),
        history: crate::children::edit::history_rows(user.m, &p.history),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let (child, cap) = child_cap(&state, &user, &c).await?;
    let form = FormState::with_values([("foreldreansvar", "ja")]);
    let mut p = child_page(&state, &user, child, cap, form).await?;
    p.layout = p
        .layout
        .with_notice(log_notice(user.m, q.melding.as_deref()));
    page(&p)
}

pub async fn add_guardian(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let (child, cap) = child_cap(&state, &user, &c).await?;
    let pairs = forms::pairs(&body);
    // The same fields and checks as the guardian edit form, the national
    // identity number included (the new guardian has none stored).
    let (g, national_id) = match crate::children::edit::parse_guardian_form(&pairs) {
        Ok((g, n)) => (g, n.apply(None)),
        Err(problems) => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, problems);
            return invalid(&child_page(&state, &user, child, cap, form).await?);
        }
    };
    let rid = user.ctx.request_id.clone();
    let cap2 = cap.clone();
    let added = state
        .db
        .write(move |c| {
            children::add_guardian_with_national_id(c, &cap2, child, &g, national_id.as_ref(), &rid)
        })
        .await?;
    if added.is_err() {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        form.add_error("fodselsnummer", user.m.guardian_national_id_taken);
        return invalid(&child_page(&state, &user, child, cap, form).await?);
    }
    Ok(Redirect::to(&format!("/barn/{child}?melding=lagret")).into_response())
}

#[derive(Template)]
#[template(path = "log/concern.html")]
struct ConcernPage {
    layout: Layout,
    child: String,
    name: String,
    model: String,
    first_level: String,
    deadline_days: u32,
    areas: Vec<Choice>,
    themes: Vec<Choice>,
    /// «Hvem i familien ser dette?» (`crate::portal::withheld`).
    withheld: Vec<Choice>,
    form: FormState,
}

async fn concern_page(
    state: &AppState,
    user: &SignedIn,
    child: ChildId,
    cap: &UnitCasework,
    form: FormState,
) -> Result<ConcernPage, AppError> {
    let m = cap.municipality_id();
    let rid = user.ctx.request_id.clone();
    let cap2 = cap.clone();
    let (p, settings, areas, themes) = state
        .db
        .write(move |c| {
            Ok((
                children::get(c, &cap2, child, &rid)?,
                logs::settings(c, m)?,
                offers::challenge_areas(c, m)?,
                logs::bbis_themes(c, m)?,
            ))
        })
        .await?;
    Ok(ConcernPage {
        layout: Layout::signed_in(user, user.m.concern_title),
        child: child.to_string(),
        name: p.child.name,
        model: crate::log::words::model_name(user.m, settings.model).into(),
        first_level: crate::log::words::level_name(
            user.m,
            settings.model,
            settings.model.first_level(),
        ),
        deadline_days: settings.decision_days,
        withheld: crate::portal::withheld::choices(
            user.m,
            p.child.birth.age_on(crate::view::format::today()),
        ),
        areas: areas
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect(),
        themes: themes
            .into_iter()
            .map(|t| Choice {
                value: t.code,
                label: format!("{}: {}", t.side_name, t.name),
            })
            .collect(),
        form: form.fields(&[
            ("uro", user.m.concern_text),
            ("observert", user.m.concern_date),
            ("utfordringer", user.m.concern_areas),
            ("bbis", user.m.concern_bbis),
            (crate::portal::withheld::FIELD, user.m.withheld_legend),
        ]),
    })
}

pub async fn concern_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
) -> Result<Response, AppError> {
    let (child, cap) = child_cap(&state, &user, &c).await?;
    let form = FormState::with_values([("observert", date(today()))]);
    page(&concern_page(&state, &user, child, &cap, form).await?)
}

pub async fn start_log(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let (child, cap) = child_cap(&state, &user, &c).await?;
    let pairs = forms::pairs(&body);
    let m = cap.municipality_id();
    let (areas, themes) = state
        .db
        .read(move |c| Ok((offers::challenge_areas(c, m)?, logs::bbis_themes(c, m)?)))
        .await?;
    let known_areas: Vec<String> = areas.into_iter().map(|(c, _)| c).collect();
    let known_themes: Vec<String> = themes.into_iter().map(|t| t.code).collect();
    // The youth's health may be withheld only from 16: the child's age is
    // read (and the read recorded) only when that is chosen.
    let raw_hidden = forms::get(&pairs, crate::portal::withheld::FIELD).to_owned();
    let age = if raw_hidden.trim() == laget_domain::portal::Withheld::YouthHealth.code() {
        let (cap2, rid) = (cap.clone(), user.ctx.request_id.clone());
        let p = state
            .db
            .write(move |c| children::get(c, &cap2, child, &rid))
            .await?;
        p.child.birth.age_on(today())
    } else {
        None
    };
    let hidden = crate::portal::withheld::parse(user.m, &raw_hidden, age);
    let concern = match (
        Concern::parse(
            forms::get(&pairs, "uro"),
            forms::get(&pairs, "observert"),
            &forms::get_all(&pairs, "utfordringer"),
            forms::get(&pairs, "bbis"),
            &known_areas,
            &known_themes,
            today(),
        ),
        hidden,
    ) {
        (Ok(c), Ok(_)) => c,
        (parsed, hidden) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs)).with_problems(
                user.m,
                parsed.err().map(|p| p.into_vec()).unwrap_or_default(),
            );
            if let Err(e) = hidden {
                form.add_error(crate::portal::withheld::FIELD, e);
            }
            return invalid(&concern_page(&state, &user, child, &cap, form).await?);
        }
    };
    let hidden = hidden.unwrap_or_default();
    let rid = user.ctx.request_id.clone();
    let cap2 = cap.clone();
    let today = today();
    let result = state
        .db
        .write(move |c| logs::start_withheld(c, &cap2, child, &concern, hidden, today, &rid))
        .await;
    match result {
        Ok(log) => Ok(Redirect::to(&format!("/logger/{log}?melding=logg-startet")).into_response()),
        Err(DbError::Taken) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            form.add_error("uro", user.m.concern_open_log_exists);
            invalid(&concern_page(&state, &user, child, &cap, form).await?)
        }
        Err(e) => Err(e.into()),
    }
}
