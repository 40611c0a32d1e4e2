//! The start page: who you are, your units and roles, and where you can go.

use crate::AppState;
use crate::error::AppError;
use crate::extract::user::SignedIn;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use laget_db::{admin::municipalities, admin::users};
use laget_domain::admin::user::Role;

pub struct MembershipLine {
    pub unit: String,
    pub role: &'static str,
    pub access_log: Option<String>,
    /// The unit's children (staff and leaders).
    pub children: Option<String>,
    /// The unit's logs (leaders).
    pub overview: Option<String>,
    /// The inbox of reports of concern (a child welfare service's staff).
    pub report_inbox: Option<String>,
    /// The coordinating unit's queue of plan requests (one per municipality).
    pub plan_queue: Option<String>,
}

pub struct AdminLinks {
    pub name: String,
    pub units: String,
    pub users: String,
    pub settings: String,
    pub templates: String,
    /// The municipality's texts for families in other languages.
    pub portal_texts: String,
    /// The counts of reports of concern.
    pub report_counts: String,
    pub report_settings: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    memberships: Vec<MembershipLine>,
    admin: Vec<AdminLinks>,
    system_admin: bool,
    caseworker: bool,
    may_break_glass: bool,
    /// Catalogue proposals waiting for the user as coordinating unit.
    catalogue_waiting: usize,
}

pub async fn get(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    let user_id = user.actor.user_id();
    let administered = user.actor.administered_municipalities();
    let (memberships, admin_municipalities) = state
        .db
        .read(move |c| {
            Ok((
                users::memberships_of(c, user_id)?,
                municipalities::get_many(c, &administered)?,
            ))
        })
        .await?;
    let inboxes = user.actor.child_welfare_inboxes();
    let mut queued = Vec::new();
    let lines = memberships
        .into_iter()
        .filter(|m| m.role != Role::Kommuneadministrator)
        .map(|m| MembershipLine {
            unit: m.unit_name.unwrap_or_default(),
            role: user.m.role(m.role),
            access_log: (m.role == Role::Leder)
                .then(|| m.unit_id.map(|u| format!("/enheter/{u}/tilgangslogg")))
                .flatten(),
            children: matches!(m.role, Role::Ansatt | Role::Leder)
                .then(|| m.unit_id.map(|u| format!("/barn?enhet={u}")))
                .flatten(),
            overview: (m.role == Role::Leder)
                .then(|| m.unit_id.map(|u| format!("/enheter/{u}/logger")))
                .flatten(),
            report_inbox: m
                .unit_id
                .filter(|u| inboxes.contains(u))
                .map(|u| format!("/barnevern/{u}/meldinger")),
            plan_queue: (user.actor.plan_queue(m.municipality_id).is_ok()
                && m.role == Role::KoordinerendeEnhet
                && !queued.contains(&m.municipality_id))
            .then(|| {
                queued.push(m.municipality_id);
                format!("/kommuner/{}/planer", m.municipality_id)
            }),
        })
        .collect();
    let admin = admin_municipalities
        .into_iter()
        .map(|m| AdminLinks {
            units: format!("/kommuner/{}/enheter", m.id),
            users: format!("/kommuner/{}/brukere", m.id),
            settings: format!("/kommuner/{}/stafettlogg", m.id),
            templates: format!("/kommuner/{}/motemaler", m.id),
            portal_texts: format!("/kommuner/{}/familietekster", m.id),
            report_counts: format!("/kommuner/{}/bekymringsmeldinger/tall", m.id),
            report_settings: format!("/kommuner/{}/bekymringsmeldinger/innstillinger", m.id),
            name: m.name,
        })
        .collect();
    let catalogue_waiting = crate::catalogue::proposals::waiting_for_reviewer(&state, &user)
        .await?
        .len();
    page(&HomePage {
        catalogue_waiting,
        layout: Layout::signed_in(&user, user.m.home_title),
        name: user.display_name.clone(),
        memberships: lines,
        admin,
        system_admin: user.actor.is_system_admin(),
        caseworker: !user.actor.casework_units().is_empty(),
        may_break_glass: user.actor.may_break_glass(),
    })
}
