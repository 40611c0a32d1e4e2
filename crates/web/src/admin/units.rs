//! Units of a municipality, for its administrator. A unit shared by several
//! municipalities is changed only by its host municipality's administrator
//! (DESIGN.md, Access, rule 8): the others see it in their list, marked with
//! its host, and get a 404 for its form.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::{municipality_admin, path_id};
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::layout::Layout;
use crate::view::notice::{NoticeQuery, notice};
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::{admin::municipalities, admin::units};
use laget_domain::MunicipalityId;
use laget_domain::access::MunicipalityAdmin;
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::reports::form::UnitAddress;
use laget_domain::validation::{Problem, Problems};

#[derive(Template)]
#[template(path = "admin/units.html")]
struct ListPage {
    layout: Layout,
    municipality: municipalities::Municipality,
    units: Vec<UnitRow>,
    /// Some unit in the list is hosted by another municipality.
    shared_elsewhere: bool,
}

pub struct UnitRow {
    /// The edit form, for units this municipality hosts.
    pub href: Option<String>,
    /// The host municipality's name, for units another municipality hosts.
    pub host: Option<String>,
    pub name: String,
    pub kind: &'static str,
    pub active: bool,
    pub serves: String,
}

#[derive(Template)]
#[template(path = "admin/unit_form.html")]
struct FormPage {
    layout: Layout,
    municipality: municipalities::Municipality,
    action: String,
    heading: &'static str,
    form: FormState,
    kinds: Vec<Choice>,
    others: Vec<Choice>,
    /// For the system administrator on an existing unit: the form that moves
    /// the unit to another host municipality.
    host_form: Option<HostForm>,
}

pub struct HostForm {
    pub action: String,
    pub choices: Vec<Choice>,
    pub current: String,
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let (municipality, list) = state
        .db
        .read(move |c| {
            Ok((
                municipalities::get(c, mid)?,
                units::list_in_municipality(c, mid)?,
            ))
        })
        .await?;
    let units: Vec<UnitRow> = list
        .into_iter()
        .map(|u| UnitRow {
            href: (u.host == mid).then(|| format!("/kommuner/{mid}/enheter/{}", u.id)),
            host: (u.host != mid).then(|| u.host_name().to_owned()),
            kind: user.m.unit_kind(u.kind),
            active: u.active,
            serves: u
                .municipalities
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            name: u.name,
        })
        .collect();
    page(&ListPage {
        layout: Layout::signed_in(&user, user.m.units_title).with_notice(notice(user.m, &q)),
        municipality,
        shared_elsewhere: units.iter().any(|u| u.host.is_some()),
        units,
    })
}

async fn form_page(
    state: &AppState,
    user: &SignedIn,
    cap: &MunicipalityAdmin,
    action: String,
    heading: &'static str,
    form: FormState,
) -> Result<FormPage, AppError> {
    let mid = cap.municipality_id();
    let (municipality, all) = state
        .db
        .read(move |c| Ok((municipalities::get(c, mid)?, municipalities::list(c)?)))
        .await?;
    let kinds = UnitKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.code().into(),
            label: user.m.unit_kind(*k).into(),
        })
        .collect();
    let others = all
        .into_iter()
        .filter(|m| m.id != mid)
        .map(|m| Choice {
            value: m.id.to_string(),
            label: format!("{} ({})", m.name, m.number),
        })
        .collect();
    Ok(FormPage {
        layout: Layout::signed_in(user, heading),
        municipality,
        action,
        heading,
        form: form.fields(&[
            ("navn", user.m.field_name),
            ("type", user.m.field_kind),
            ("betjener", user.m.field_also_serves),
            ("orgnr", user.m.unit_org_number),
            ("adresse", user.m.unit_address),
            ("postnummer", user.m.unit_postal_code),
            ("poststed", user.m.unit_postal_place),
        ]),
        kinds,
        others,
        host_form: None,
    })
}

pub async fn new(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let action = format!("/kommuner/{}/enheter", cap.municipality_id());
    let form = FormState::with_values([("aktiv", "ja")]);
    page(&form_page(&state, &user, &cap, action, user.m.units_new, form).await?)
}

/// Parses the unit form; on problems, returns the form to show again.
/// `known` are the municipalities that exist; «also serves» must name them.
fn parse(
    m: &Messages,
    pairs: &[(String, String)],
    known: &[MunicipalityId],
) -> Result<(units::UnitFields, UnitAddress), FormState> {
    let mut problems = Problems::new();
    // The organisation number and postal address (for reports of concern).
    let address = match UnitAddress::parse(
        forms::get(pairs, "orgnr"),
        forms::get(pairs, "adresse"),
        forms::get(pairs, "postnummer"),
        forms::get(pairs, "poststed"),
    ) {
        Ok(a) => Some(a),
        Err(errors) => {
            for e in errors {
                problems.push(e.field, e.problem);
            }
            None
        }
    };
    let name = problems.check("navn", UnitName::parse(forms::get(pairs, "navn")));
    let kind = problems.check("type", UnitKind::from_code(forms::get(pairs, "type")));
    let mut also_serves = Vec::new();
    for raw in forms::get_all(pairs, "betjener") {
        match raw.parse::<MunicipalityId>() {
            Ok(id) if known.contains(&id) => also_serves.push(id),
            _ => problems.push("betjener", Problem::UnknownChoice),
        }
    }
    match (name, kind, address) {
        (Some(name), Some(kind), Some(address)) if problems.is_empty() => Ok((
            units::UnitFields {
                name,
                kind,
                active: forms::get(pairs, "aktiv") == "ja",
                also_serves,
            },
            address,
        )),
        _ => Err(FormState::with_values(forms::redisplayable(pairs))
            .with_problems(m, problems.into_vec())),
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let fields = match parse(
        user.m,
        &forms::pairs(&body),
        &known_municipalities(&state).await?,
    ) {
        Ok(fields) => fields,
        Err(form) => {
            let action = format!("/kommuner/{mid}/enheter");
            return invalid(&form_page(&state, &user, &cap, action, user.m.units_new, form).await?);
        }
    };
    let request_id = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| {
            let (fields, address) = fields;
            let id = units::create(c, &cap, &fields, &request_id)?;
            let unit_cap = units::administer(c, &cap, id)?;
            units::set_address(c, &unit_cap, &address)
        })
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/enheter?melding=enhet-opprettet")).into_response())
}

async fn known_municipalities(state: &AppState) -> Result<Vec<MunicipalityId>, AppError> {
    let all = state.db.read(municipalities::list).await?;
    Ok(all.into_iter().map(|m| m.id).collect())
}

pub async fn edit(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let (mid, uid) = (cap.municipality_id(), path_id(&u)?);
    let (unit, address) = state
        .db
        .read(move |c| {
            let unit_cap = units::administer(c, &cap, uid)?;
            Ok((
                units::get_hosted(c, &unit_cap)?,
                units::address(c, &unit_cap)?,
            ))
        })
        .await?;
    let cap = municipality_admin(&user, &m)?;
    let mut values = vec![
        ("navn".to_owned(), unit.name.clone()),
        ("type".to_owned(), unit.kind.code().to_owned()),
        ("orgnr".to_owned(), address.org_number.unwrap_or_default()),
        (
            "adresse".to_owned(),
            address.address_line.unwrap_or_default(),
        ),
        (
            "postnummer".to_owned(),
            address.postal_code.unwrap_or_default(),
        ),
        (
            "poststed".to_owned(),
            address.postal_place.unwrap_or_default(),
        ),
    ];
    if unit.active {
        values.push(("aktiv".into(), "ja".into()));
    }
    for (other, _) in unit.municipalities.iter().filter(|(id, _)| *id != mid) {
        values.push(("betjener".into(), other.to_string()));
    }
    let action = format!("/kommuner/{mid}/enheter/{uid}");
    let mut form = form_page(
        &state,
        &user,
        &cap,
        action.clone(),
        user.m.units_edit,
        FormState::with_values(values),
    )
    .await?;
    if user.actor.administer_system().is_ok() {
        let all = state.db.read(municipalities::list).await?;
        form.host_form = Some(HostForm {
            action: format!("{action}/vertskommune"),
            current: unit.host.to_string(),
            choices: all
                .into_iter()
                .map(|m| Choice {
                    value: m.id.to_string(),
                    label: format!("{} ({})", m.name, m.number),
                })
                .collect(),
        });
    }
    form.layout = form.layout.with_notice(notice(user.m, &q));
    page(&form)
}

/// Moves a unit to another host municipality: the system administrator only
/// (the operator has `laget admin set-unit-host`).
pub async fn set_host(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let system = user.actor.administer_system()?;
    // The unit must serve the municipality in the path, as on its other pages.
    let mid: MunicipalityId = path_id(&m)?;
    let uid = path_id(&u)?;
    let pairs = forms::pairs(&body);
    let Ok(host) = forms::get(&pairs, "vertskommune").parse::<MunicipalityId>() else {
        return Err(AppError::NotFound);
    };
    let request_id = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| {
            units::get_in_municipality(c, mid, uid)?;
            units::set_host(c, &system, uid, host, &request_id)
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/kommuner/{host}/enheter/{uid}?melding=vertskommune-lagret"
    ))
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let (mid, uid) = (cap.municipality_id(), path_id(&u)?);
    // Only the host's administrator changes the unit; anyone else, and an
    // unknown unit, gets a 404, errors in the form or not.
    let unit_cap = state
        .db
        .read(move |c| units::administer(c, &cap, uid))
        .await?;
    let cap = municipality_admin(&user, &m)?;
    let fields = match parse(
        user.m,
        &forms::pairs(&body),
        &known_municipalities(&state).await?,
    ) {
        Ok(fields) => fields,
        Err(form) => {
            let action = format!("/kommuner/{mid}/enheter/{uid}");
            return invalid(
                &form_page(&state, &user, &cap, action, user.m.units_edit, form).await?,
            );
        }
    };
    let request_id = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| {
            let (fields, address) = fields;
            units::update(c, &unit_cap, &fields, &request_id)?;
            units::set_address(c, &unit_cap, &address)
        })
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/enheter?melding=enhet-lagret")).into_response())
}
