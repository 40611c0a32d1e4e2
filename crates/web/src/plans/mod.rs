//! Individual plans (issue #13): request, decision and coordinator, the
//! child's goals and the services' contributions, the printed plan, the
//! family's view in the portal.
//!
//! Routes (P1 statement of `routes.rs`):
//! - `GET /logger/{log}/plan` — the plan page, for readers of the whole log;
//!   without a plan, the request form for writers. `POST` asks for a plan
//!   (a writer of the log).
//! - `POST /logger/{log}/plan/mal`, `…/mal/{goal}` (new words),
//!   `…/mal/{goal}/nadd`, `…/mal/{goal}/avslutt`, `…/bidrag`,
//!   `…/bidrag/{contribution}/avslutt` — writers of the log, active plan.
//! - `POST /logger/{log}/plan/avslutt` — the coordinator or the keeping
//!   unit's leader (`LogWriter::plan_closer`).
//! - `GET /logger/{log}/plan/utskrift` — the printed plan (whole readers).
//! - `GET|POST /logger/{log}/plan/beslutning`, `POST …/koordinator` — the
//!   coordinating unit of the log's municipality (`PlanDecider`).
//! - `GET /kommuner/{municipality}/planer` — its queue (`PlanQueue`).
//! - `GET|POST /familie/logger/{log}/plan` — the family (`FamilyReader`;
//!   asking needs `FamilyWriter`).

pub mod decide;
pub mod page;
pub mod portal;

use crate::i18n::Messages;
use crate::view::format::{date, time};
use chrono_tz::Europe::Oslo;
use laget_db::plans::{Contribution, Plan};
use laget_domain::access::LogReader;
use laget_domain::plans::{CoordinatorKind, PlanStatus, SaidBy};

pub fn status_label(m: &Messages, s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Requested => m.plan_status_requested,
        PlanStatus::Refused => m.plan_status_refused,
        PlanStatus::Active => m.plan_status_active,
        PlanStatus::Closed => m.plan_status_closed,
    }
}

pub fn kind_label(m: &Messages, k: CoordinatorKind) -> &'static str {
    match k {
        CoordinatorKind::Coordinator => m.plan_kind_coordinator,
        CoordinatorKind::ChildCoordinator => m.plan_kind_child_coordinator,
    }
}

pub fn said_by_label(m: &Messages, s: SaidBy) -> &'static str {
    match s {
        SaidBy::Child => m.plan_said_child,
        SaidBy::Guardians => m.plan_said_guardians,
        SaidBy::Team => m.plan_said_team,
    }
}

/// The coordinator, as pages and the print show them.
pub struct CoordinatorRow {
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub struct ContributionRow {
    pub id: String,
    pub unit: String,
    pub measure: Option<String>,
    pub what: String,
    pub responsible: String,
    pub evaluate_on: String,
    pub ended: Option<String>,
}

pub struct GoalRow {
    pub id: String,
    pub number: usize,
    pub words: String,
    pub said_by: &'static str,
    /// «Nådd 7.12.2026», «Avsluttet …»; `None` while open.
    pub state: Option<String>,
    pub open: bool,
    pub contributions: Vec<ContributionRow>,
}

/// A plan as the pages show it: absolute dates, labels in the reader's
/// written standard.
pub struct PlanView {
    pub status: &'static str,
    pub active: bool,
    pub requested: String,
    pub request_note: String,
    pub decided: Option<String>,
    pub decision_note: Option<String>,
    /// «Planen ble avsluttet 07.12.2026 av …: …» once closed.
    pub closed: Option<String>,
    pub coordinator: Option<CoordinatorRow>,
    pub goals: Vec<GoalRow>,
}

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    date(t.with_timezone(&Oslo).date_naive())
}

fn contribution_row(m: &Messages, c: &Contribution) -> ContributionRow {
    ContributionRow {
        id: c.id.to_string(),
        unit: c.unit_name.clone(),
        measure: c.measure.as_ref().map(|(_, n)| n.clone()),
        what: c.what.clone(),
        responsible: c.responsible_name.clone(),
        evaluate_on: date(c.evaluate_on),
        ended: c
            .ended_at
            .map(|t| m.plan_contribution_ended.replace("{dato}", &day(t))),
    }
}

/// The plan's view; `current_only` leaves out ended goals and contributions
/// (the print and the family's page show the plan as it stands).
pub fn view(m: &Messages, p: &Plan, current_only: bool) -> PlanView {
    let requested = if p.requested_by_family {
        m.plan_requested_by_family
            .replace("{tid}", &time(p.requested_at))
    } else {
        m.plan_requested_by
            .replace("{navn}", p.requested_by.as_deref().unwrap_or_default())
            .replace("{tid}", &time(p.requested_at))
    };
    let goals = p
        .goals
        .iter()
        .filter(|g| !current_only || g.ended_at.is_none())
        .enumerate()
        .map(|(i, g)| GoalRow {
            id: g.id.to_string(),
            number: i + 1,
            words: g.words.clone(),
            said_by: said_by_label(m, g.said_by),
            state: match (g.reached_at, g.ended_at) {
                (Some(t), _) => Some(m.plan_goal_reached.replace("{dato}", &day(t))),
                (None, Some(t)) => Some(m.plan_goal_ended.replace("{dato}", &day(t))),
                (None, None) => None,
            },
            open: g.reached_at.is_none() && g.ended_at.is_none(),
            contributions: p
                .contributions
                .iter()
                .filter(|c| c.goal_id == g.id && (!current_only || c.ended_at.is_none()))
                .map(|c| contribution_row(m, c))
                .collect(),
        })
        .collect();
    PlanView {
        status: status_label(m, p.status),
        active: p.status == PlanStatus::Active,
        requested,
        request_note: p.request_note.clone(),
        decided: match (&p.decided_by, p.decided_at) {
            (Some(by), Some(at)) => Some(
                m.plan_decided_by
                    .replace("{navn}", by)
                    .replace("{tid}", &time(at)),
            ),
            _ => None,
        },
        // No reason given: no heading for one.
        decision_note: p.decision_note.clone().filter(|n| !n.trim().is_empty()),
        closed: p.closed_at.map(|at| match (&p.closed_by, &p.close_reason) {
            (Some(by), Some(reason)) => m
                .plan_closed_by
                .replace("{dato}", &day(at))
                .replace("{navn}", by)
                .replace("{grunn}", reason),
            _ => m.plan_closed_on.replace("{dato}", &day(at)),
        }),
        coordinator: p.coordinator.as_ref().map(|c| CoordinatorRow {
            name: c.name.clone(),
            kind: kind_label(m, c.kind),
            unit: c.unit_name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        }),
        goals,
    }
}

/// The «Individuell plan» box of the log page: where the plan stands and
/// the way to it (or, for the coordinating unit, to the decision).
pub struct LogBox {
    pub text: &'static str,
    pub href: String,
    pub link: &'static str,
}

/// The log page's box about the individual plan, from the plan's status
/// read with the log (`laget_db::log::OpenedLog::plan`).
pub fn log_box_of(
    m: &'static Messages,
    r: &LogReader,
    status: Option<PlanStatus>,
) -> Option<LogBox> {
    let log = r.log_id();
    let decider = r.plan_decider().is_ok();
    match status {
        Some(PlanStatus::Requested) if decider => Some(LogBox {
            text: m.plan_on_log_requested,
            href: format!("/logger/{log}/plan/beslutning"),
            link: m.plan_decide_open,
        }),
        _ if !r.reads_whole() => None,
        Some(PlanStatus::Requested) => Some(LogBox {
            text: m.plan_on_log_requested,
            href: format!("/logger/{log}/plan"),
            link: m.plan_on_log_open,
        }),
        Some(PlanStatus::Active) => Some(LogBox {
            text: m.plan_on_log_active,
            href: format!("/logger/{log}/plan"),
            link: m.plan_on_log_open,
        }),
        // Closed: the plan is still there to read (and to ask for again).
        Some(PlanStatus::Closed) => Some(LogBox {
            text: m.plan_on_log_closed,
            href: format!("/logger/{log}/plan"),
            link: m.plan_on_log_closed_open,
        }),
        Some(PlanStatus::Refused) | None => Some(LogBox {
            text: m.plan_on_log_none,
            href: format!("/logger/{log}/plan"),
            link: m.plan_request_title,
        }),
    }
}
