//! Work across logs: «Mine oppgaver», the unit leader's overview and
//! break-glass reviews, opening a log with break-glass, and the
//! municipality's log settings. Anonymous consultations are in
//! `consultations.rs`.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::{municipality_admin, path_id};
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::log::words;
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::format::{date, deadline_text, time};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::casework::{self, TaskKind};
use laget_db::{children, log as logs};
use laget_domain::children::national_id::NationalId;
use laget_domain::ids::BreakGlassId;
use laget_domain::log::consent::ConsentRule;
use laget_domain::log::escalation::{EscalationModel, LogSettings};
use laget_domain::log::stafett::LogStatus;
use laget_domain::validation::{Problem, Problems, required_text};
use laget_domain::{MunicipalityId, UnitId};

// ---------------------------------------------------------------------------
// Mine oppgaver

pub struct TaskRow {
    pub kind: &'static str,
    pub href: String,
    pub child: String,
    pub what: String,
    pub due: String,
    pub overdue: bool,
}

pub struct MyLogRow {
    pub href: String,
    pub child: String,
    pub level: String,
    pub role: String,
    pub unit: String,
    pub status: &'static str,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "log/tasks.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskRow>,
    my_logs: Vec<MyLogRow>,
    /// Catalogue proposals waiting for the user as coordinating unit.
    catalogue_proposals: Vec<crate::catalogue::proposals::QueueLine>,
    /// Decisions of standing teams' cases the user is responsible for.
    team_decisions: Vec<crate::meetings::team_cases::TaskRow>,
}

/// What a task on «Mine oppgaver» asks, in the reader's words: the kind
/// and what the database named with it (the measure, who used break-glass).
fn task_what(m: &Messages, t: &laget_db::casework::Task) -> String {
    let subject = t.subject.as_deref().unwrap_or_default();
    match t.kind {
        TaskKind::LevelDecision => m.task_what_level.to_owned(),
        TaskKind::Meeting => m.task_what_meeting.to_owned(),
        TaskKind::CoordinationAnswered => m.task_what_coordination_answered.to_owned(),
        TaskKind::ConsentExpiring => m.task_what_consent.to_owned(),
        TaskKind::Evaluation => m.task_what_evaluation.replace("{tiltak}", subject),
        TaskKind::Handover => m.task_what_handover.to_owned(),
        TaskKind::Coordination => m.task_what_coordination.to_owned(),
        TaskKind::BreakGlassReview => m.task_what_break_glass.replace("{navn}", subject),
        TaskKind::MeetingAnswer => m.task_what_meeting_answer.to_owned(),
        TaskKind::MeetingVoice => m.task_what_meeting_voice.to_owned(),
        TaskKind::Minutes => m.task_what_minutes.to_owned(),
        TaskKind::Decision => m.task_what_decision.replace("{vedtak}", subject),
        TaskKind::FamilyMeetingRequest => m.task_what_family_meeting.to_owned(),
        TaskKind::FamilyTeamRequest => m.task_what_family_team.to_owned(),
        // (P1)
        TaskKind::PlanRequested => m.task_what_plan_requested.to_owned(),
        TaskKind::PlanCoordinator => m.task_what_plan_coordinator.to_owned(),
    }
}

/// (R2) A report of concern's task: for child welfare a new report to
/// acknowledge, for the leader one to co-sign, for the reporter new
/// feedback. The database gave only reports the user may open.
fn report_task_row(
    m: &Messages,
    t: &laget_db::reports::inbox::ReportTask,
) -> (Option<chrono::NaiveDate>, TaskRow) {
    use laget_db::reports::inbox::ReportTaskKind;
    let since = crate::view::format::oslo_day(t.since);
    let (href, what) = match (t.kind, t.child_welfare_unit) {
        (ReportTaskKind::Acknowledge, Some(cw)) => (
            format!("/barnevern/{cw}/meldinger/{}", t.report),
            m.task_what_report_acknowledge,
        ),
        (ReportTaskKind::Cosign, _) => (
            format!("/bekymringsmeldinger/{}/medsigner", t.report),
            m.task_what_report_cosign,
        ),
        // (F3) Sent back by the leader: the draft, with the leader's note.
        (ReportTaskKind::Returned, _) => (
            format!("/bekymringsmeldinger/{}/endre", t.report),
            m.task_what_report_returned,
        ),
        (ReportTaskKind::Feedback | ReportTaskKind::Acknowledge, _) => (
            format!("/bekymringsmeldinger/{}", t.report),
            m.task_what_report_feedback,
        ),
    };
    let child = if t.children.is_empty() {
        m.bm_no_child_yet.to_owned()
    } else {
        t.children.join(", ")
    };
    (
        Some(since),
        TaskRow {
            kind: m.task_report,
            href,
            child,
            what: what.to_owned(),
            due: format!("{} {}", m.tasks_since, date(since)),
            overdue: false,
        },
    )
}

pub async fn tasks(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    let actor = user.actor.clone();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let (list, mine, models, report_tasks) = state
        .db
        .write(move |c| {
            let tasks = casework::my_tasks(c, &actor, today, &rid)?;
            // (R2) Reports of concern: recorded with the list above.
            let report_tasks = laget_db::reports::inbox::tasks(c, &actor)?;
            let mine = casework::my_logs(c, &actor, today, &rid)?;
            // Level names follow each log's municipality's model.
            let mut models: Vec<(MunicipalityId, EscalationModel)> = Vec::new();
            for l in &mine {
                if !models.iter().any(|(m, _)| *m == l.municipality_id) {
                    models.push((
                        l.municipality_id,
                        logs::settings(c, l.municipality_id)?.model,
                    ));
                }
            }
            Ok((tasks, mine, models, report_tasks))
        })
        .await?;
    // Evaluations far ahead are not yet tasks.
    let horizon = today + chrono::Duration::days(EVALUATION_HORIZON_DAYS);
    let mut tasks: Vec<(Option<chrono::NaiveDate>, TaskRow)> = list
        .into_iter()
        .filter(|t| t.kind != TaskKind::Evaluation || t.due.is_none_or(|d| d <= horizon))
        .map(|t| {
            let when = t.due;
            let (due, overdue) = match (t.kind, t.due) {
                (
                    TaskKind::Handover
                    | TaskKind::Coordination
                    | TaskKind::BreakGlassReview
                    | TaskKind::CoordinationAnswered
                    | TaskKind::FamilyMeetingRequest
                    | TaskKind::FamilyTeamRequest
                    | TaskKind::PlanRequested
                    | TaskKind::PlanCoordinator,
                    Some(d),
                ) => (format!("{} {}", user.m.tasks_since, date(d)), false),
                (_, Some(d)) => deadline_text(user.m, d, today),
                (_, None) => (String::new(), false),
            };
            let row = TaskRow {
                kind: match t.kind {
                    TaskKind::LevelDecision => user.m.task_level,
                    TaskKind::Evaluation => user.m.task_evaluation,
                    TaskKind::Handover => user.m.task_handover,
                    TaskKind::ConsentExpiring => user.m.task_consent,
                    TaskKind::Coordination => user.m.task_coordination,
                    TaskKind::Meeting => user.m.task_meeting,
                    TaskKind::BreakGlassReview => user.m.task_break_glass,
                    TaskKind::CoordinationAnswered => user.m.task_coordination,
                    TaskKind::MeetingAnswer | TaskKind::MeetingVoice | TaskKind::Minutes => {
                        user.m.task_meeting
                    }
                    TaskKind::Decision => user.m.task_decision,
                    TaskKind::FamilyMeetingRequest | TaskKind::FamilyTeamRequest => {
                        user.m.task_family_request
                    }
                    // (P1)
                    TaskKind::PlanRequested | TaskKind::PlanCoordinator => user.m.task_plan,
                },
                href: match t.kind {
                    TaskKind::BreakGlassReview => user
                        .actor
                        .led_units()
                        .first()
                        .map(|u| format!("/enheter/{u}/logger#nodtilgang"))
                        .unwrap_or_else(|| format!("/logger/{}", t.log_id)),
                    TaskKind::CoordinationAnswered => format!("/logger/{}#koordinering", t.log_id),
                    // The log page lists the family's open requests.
                    TaskKind::FamilyMeetingRequest | TaskKind::FamilyTeamRequest => {
                        format!("/logger/{}#henvendelser", t.log_id)
                    }
                    // (P1) The coordinating unit decides; the coordinator
                    // starts the plan.
                    TaskKind::PlanRequested => format!("/logger/{}/plan/beslutning", t.log_id),
                    TaskKind::PlanCoordinator => format!("/logger/{}/plan", t.log_id),
                    // The level's promised meeting: call it.
                    TaskKind::Meeting => format!("/logger/{}/moter/ny", t.log_id),
                    // The minutes' page: the form to write them, or the
                    // decision with its «done» form.
                    TaskKind::Minutes | TaskKind::Decision => match t.meeting {
                        Some(m) if t.kind == TaskKind::Decision => {
                            format!("/logger/{}/moter/{m}/referat#vedtak", t.log_id)
                        }
                        Some(m) => format!("/logger/{}/moter/{m}/referat", t.log_id),
                        None => format!("/logger/{}", t.log_id),
                    },
                    _ => match t.meeting {
                        Some(meeting) => format!("/logger/{}/moter/{meeting}", t.log_id),
                        None => format!("/logger/{}", t.log_id),
                    },
                },
                what: task_what(user.m, &t),
                child: t.child_name,
                due,
                overdue,
            };
            (when, row)
        })
        .collect();
    tasks.extend(report_tasks.iter().map(|t| report_task_row(user.m, t)));
    tasks.sort_by_key(|(when, _)| *when);
    let tasks: Vec<TaskRow> = tasks.into_iter().map(|(_, row)| row).collect();
    let my_logs = mine
        .into_iter()
        .map(|l| MyLogRow {
            href: format!("/logger/{}", l.log_id),
            level: models
                .iter()
                .find(|(m, _)| *m == l.municipality_id)
                .map(|(_, model)| words::level_name(user.m, *model, l.level))
                .unwrap_or_default(),
            child: l.child_name,
            role: if l.is_lead {
                user.m.log_lead.to_owned()
            } else {
                words::team_role(user.m, &l.role)
            },
            unit: l.unit_name,
            status: if l.is_open {
                user.m.log_status_open
            } else {
                user.m.log_status_closed
            },
            updated: date(l.updated_at.date_naive()),
        })
        .collect();
    let catalogue_proposals =
        crate::catalogue::proposals::waiting_for_reviewer(&state, &user).await?;
    // Recorded with the list above (`my_tasks`).
    let actor = user.actor.clone();
    let team_decisions = state
        .db
        .read(move |c| laget_db::meetings::team_cases::my_decisions(c, &actor, today))
        .await?;
    page(&TasksPage {
        layout: Layout::signed_in(&user, user.m.tasks_title),
        tasks,
        my_logs,
        catalogue_proposals,
        team_decisions: crate::meetings::team_cases::task_rows(user.m, &team_decisions, today),
    })
}

/// How far ahead an evaluation becomes a task.
const EVALUATION_HORIZON_DAYS: i64 = 21;

// ---------------------------------------------------------------------------
// The unit leader's overview

pub struct OverviewRow {
    pub href: String,
    pub child: String,
    pub level: String,
    pub status: &'static str,
    pub lead: String,
    pub due: Option<(String, bool)>,
    pub overdue_evaluations: i64,
    pub updated: String,
}

pub struct ReviewRow {
    pub id: String,
    /// A link to the log and the child's name, while the leader may open it.
    pub log: Option<(String, String)>,
    pub who: String,
    pub until: String,
    pub reason: String,
    pub when: String,
    pub reviewed: Option<String>,
}

#[derive(Template)]
#[template(path = "log/overview.html")]
struct OverviewPage {
    layout: Layout,
    unit: String,
    unit_name: String,
    counts: Vec<(String, usize)>,
    logs: Vec<OverviewRow>,
    reviews: Vec<ReviewRow>,
}

pub async fn overview(
    State(state): State<AppState>,
    user: SignedIn,
    Path(u): Path<String>,
    Query(q): Query<crate::view::notice::NoticeQuery>,
) -> Result<Response, AppError> {
    let unit: UnitId = path_id(&u)?;
    let cap = user.actor.oversee(unit)?;
    let m = cap.municipality_id();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let actor = user.actor.clone();
    let (o, settings, unit_name) = state
        .db
        .write(move |c| {
            Ok((
                casework::unit_overview(c, &cap, &actor, today, &rid)?,
                logs::settings(c, m)?,
                laget_db::admin::units::get_many(c, &[unit])?
                    .pop()
                    .map(|u| u.name)
                    .unwrap_or_default(),
            ))
        })
        .await?;
    let mut counts: Vec<(String, usize)> = settings
        .model
        .levels()
        .iter()
        .map(|l| {
            (
                words::level_name(user.m, settings.model, l.level),
                o.logs
                    .iter()
                    .filter(|x| x.status == LogStatus::Open && x.level == i32::from(l.level))
                    .count(),
            )
        })
        .collect();
    counts.push((
        user.m.log_status_closed.to_owned(),
        o.logs
            .iter()
            .filter(|x| x.status != LogStatus::Open)
            .count(),
    ));
    page(&OverviewPage {
        layout: Layout::signed_in(&user, user.m.overview_title).with_notice(
            (q.melding.as_deref() == Some("gjennomgatt")).then_some(user.m.notice_reviewed),
        ),
        unit: unit.to_string(),
        unit_name,
        counts,
        logs: o
            .logs
            .into_iter()
            .map(|l| OverviewRow {
                href: format!("/logger/{}", l.log_id),
                child: l.child_name,
                level: words::level_name(
                    user.m,
                    settings.model,
                    u8::try_from(l.level).unwrap_or(0),
                ),
                status: match l.status {
                    LogStatus::Open => user.m.log_status_open,
                    LogStatus::Closed => user.m.log_status_closed,
                },
                lead: l.lead.unwrap_or_default(),
                due: l.decision_due.map(|d| deadline_text(user.m, d, today)),
                overdue_evaluations: l.overdue_evaluations,
                updated: time(l.updated_at),
            })
            .collect(),
        reviews: o
            .break_glass
            .into_iter()
            .map(|b| ReviewRow {
                id: b.id.to_string(),
                log: b
                    .child_name
                    .map(|name| (format!("/logger/{}", b.log_id), name)),
                who: b.user_name,
                until: time(b.expires_at),
                reason: b.reason,
                when: time(b.opened_at),
                reviewed: b
                    .reviewed
                    .map(|r| format!("{}, {}: {}", r.by, time(r.at), r.note)),
            })
            .collect(),
    })
}

pub async fn review_break_glass(
    State(state): State<AppState>,
    user: SignedIn,
    Path((u, b)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let unit: UnitId = path_id(&u)?;
    let cap = user.actor.oversee(unit)?;
    let id: BreakGlassId = path_id(&b)?;
    let pairs = forms::pairs(&body);
    let note = forms::get(&pairs, "merknad").trim();
    let note = if note.is_empty() {
        user.m.review_ok_default.to_owned()
    } else {
        note.chars().take(4000).collect()
    };
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| casework::review_break_glass(c, &cap, id, &note, &rid))
        .await?;
    Ok(Redirect::to(&format!("/enheter/{unit}/logger?melding=gjennomgatt")).into_response())
}

// ---------------------------------------------------------------------------
// Break-glass

#[derive(Template)]
#[template(path = "log/break_glass.html")]
struct BreakGlassPage {
    layout: Layout,
    form: FormState,
}

/// The municipalities where the user may use break-glass.
async fn break_glass_places(
    state: &AppState,
    user: &SignedIn,
) -> Result<Vec<(MunicipalityId, laget_domain::access::BreakGlassRight)>, AppError> {
    let mut out = Vec::new();
    for m in user.actor.municipalities() {
        let welfare = state
            .db
            .read(move |c| laget_db::lookup::child_welfare_units(c, m))
            .await?;
        if let Ok(right) = user.actor.break_glass_right(m, &welfare) {
            out.push((m, right));
        }
    }
    Ok(out)
}

fn break_glass_page(user: &SignedIn, form: FormState) -> BreakGlassPage {
    BreakGlassPage {
        layout: Layout::signed_in(user, user.m.break_glass_title),
        form: form.fields(&[
            ("fodselsnummer", user.m.child_national_id),
            ("begrunnelse", user.m.break_glass_reason),
        ]),
    }
}

pub async fn break_glass_form(
    State(state): State<AppState>,
    user: SignedIn,
) -> Result<Response, AppError> {
    let places = break_glass_places(&state, &user).await?;
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    page(&break_glass_page(&user, FormState::default()))
}

pub async fn break_glass(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let places = break_glass_places(&state, &user).await?;
    let Some((_, a_right)) = places.first() else {
        return Err(AppError::NotFound);
    };
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let nid = p.check(
        "fodselsnummer",
        NationalId::parse(forms::get(&pairs, "fodselsnummer")),
    );
    let reason = p.check(
        "begrunnelse",
        required_text(forms::get(&pairs, "begrunnelse"), 4000).and_then(|r| a_right.reason(r)),
    );
    let redisplay = |p: Vec<laget_domain::validation::FieldError>| {
        FormState::with_values(forms::redisplayable(&pairs)).with_problems(user.m, p)
    };
    let (Some(nid), Some(reason)) = (nid, reason) else {
        return invalid(&break_glass_page(&user, redisplay(p.into_vec())));
    };
    // Exactly one child by the number in one of the user's municipalities,
    // and its newest log.
    let mut found = None;
    for (_, right) in places {
        let n = nid.clone();
        let r = right.clone();
        let hit = state
            .db
            .read(move |c| {
                let Some(child) = children::by_national_id(c, &r, &n)? else {
                    return Ok(None);
                };
                logs::newest_log_of(c, &r, child)
            })
            .await?;
        if let Some(log) = hit {
            found = Some((log, right));
            break;
        }
    }
    let Some((log, right)) = found else {
        let mut form = redisplay(Vec::new());
        form.add_error("fodselsnummer", user.m.break_glass_none);
        return invalid(&break_glass_page(&user, form));
    };
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| casework::open_break_glass(c, &right, log, &reason, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=nodtilgang")).into_response())
}

// ---------------------------------------------------------------------------
// Settings

#[derive(Template)]
#[template(path = "log/settings.html")]
struct SettingsPage {
    layout: Layout,
    municipality: String,
    models: Vec<Choice>,
    rules: Vec<Choice>,
    form: FormState,
    themes: FormState,
}

fn settings_page(
    user: &SignedIn,
    m: MunicipalityId,
    form: FormState,
    themes: FormState,
) -> SettingsPage {
    SettingsPage {
        layout: Layout::signed_in(user, user.m.settings_title),
        municipality: m.to_string(),
        themes: themes.fields(&[("tema", user.m.settings_bbis)]),
        models: EscalationModel::ALL
            .iter()
            .map(|x| Choice {
                value: x.code().into(),
                label: words::model_name(user.m, *x).into(),
            })
            .collect(),
        rules: ConsentRule::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: match r {
                    ConsentRule::AnyGuardian => user.m.settings_rule_any,
                    ConsentRule::AllGuardians => user.m.settings_rule_all,
                }
                .into(),
            })
            .collect(),
        form: form.fields(&[
            ("modell", user.m.settings_model),
            ("frist", user.m.settings_days),
            ("regel", user.m.settings_rule),
        ]),
    }
}

pub async fn settings_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<crate::view::notice::NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let (s, themes) = state
        .db
        .read(move |c| Ok((logs::settings(c, mid)?, logs::bbis_themes(c, mid)?)))
        .await?;
    let form = FormState::with_values([
        ("modell".to_owned(), s.model.code().to_owned()),
        ("frist".to_owned(), s.decision_days.to_string()),
        ("regel".to_owned(), s.consent_rule.code().to_owned()),
    ]);
    let themes =
        FormState::with_values([("tema", laget_domain::log::bbis::theme_list_text(&themes))]);
    let mut p = settings_page(&user, mid, form, themes);
    p.layout = p
        .layout
        .with_notice((q.melding.as_deref() == Some("lagret")).then_some(user.m.notice_saved));
    page(&p)
}

pub async fn save_settings(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let model = EscalationModel::from_code(forms::get(&pairs, "modell"));
    if model.is_none() {
        p.push("modell", Problem::UnknownChoice);
    }
    let days = forms::get(&pairs, "frist")
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        p.push("frist", Problem::NotANumberInRange);
    }
    let rule = ConsentRule::from_code(forms::get(&pairs, "regel"));
    if rule.is_none() {
        p.push("regel", Problem::UnknownChoice);
    }
    let (Some(model), Some(decision_days), Some(consent_rule)) = (model, days, rule) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        let themes = state.db.read(move |c| logs::bbis_themes(c, mid)).await?;
        let themes =
            FormState::with_values([("tema", laget_domain::log::bbis::theme_list_text(&themes))]);
        return invalid(&settings_page(&user, mid, form, themes));
    };
    let s = LogSettings {
        model,
        decision_days,
        consent_rule,
    };
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::set_settings(c, &cap, &s, &rid))
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/stafettlogg?melding=lagret")).into_response())
}

/// Replaces the municipality's BBIS theme list (one «Side: Tema» per line).
pub async fn save_bbis_themes(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let pairs = forms::pairs(&body);
    let (current, s) = state
        .db
        .read(move |c| Ok((logs::bbis_themes(c, mid)?, logs::settings(c, mid)?)))
        .await?;
    let text = forms::get(&pairs, "tema");
    let themes = match laget_domain::log::bbis::parse_theme_list(text, &current) {
        Ok(t) => t,
        Err(problems) => {
            let mut form = FormState::with_values([("tema", text)]);
            let message = problems
                .iter()
                .map(|(line, p)| format!("{} {line}: {}", user.m.import_line, user.m.problem(*p)))
                .collect::<Vec<_>>()
                .join(" ");
            form.add_error("tema", &format!("{message} {}", user.m.settings_bbis_hint));
            let settings = FormState::with_values([
                ("modell".to_owned(), s.model.code().to_owned()),
                ("frist".to_owned(), s.decision_days.to_string()),
                ("regel".to_owned(), s.consent_rule.code().to_owned()),
            ]);
            return invalid(&settings_page(&user, mid, settings, form));
        }
    };
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::set_bbis_themes(c, &cap, &themes, &rid))
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/stafettlogg?melding=lagret")).into_response())
}
