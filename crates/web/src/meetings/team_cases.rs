//! Cases brought to a standing team and the team's decisions on them.
//!
//! - A case is anonymous (age band and summary) or named (a log the user
//!   may write in, whose consent covers every fixed member unit of the
//!   team; a refusal names the units missing, beside the field). Its text
//!   is checked for what looks identifying, as the anonymous consultations'
//!   is (`laget_domain::anonymity`): the first submit with such text comes
//!   back (422) with the warning beside the field and a checkbox to save
//!   anyway. A named case shows the child only to those who may open its
//!   log; others see it as an anonymous one.
//! - The leader records decisions in a meeting: a case, the text, a
//!   responsible member and a deadline. They are the responsible person's
//!   tasks («Vedtak fra team» on «Mine oppgaver») until marked done. A
//!   decision on a named case goes on the child's log too, and is refused
//!   beside the case when the leader may not write there; the meeting page
//!   links it to the log's measure form for those who may write in the log.
//! - The one who brought a case, or the leader, withdraws it with a reason
//!   (`/team/{team}/saker/{case}/trekk`) until the team has taken it up.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{band_label, date, deadline_text, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::meetings::team_cases::{self as db, CaseLog, NewDecision, NewTeamCase, NotOnLog};
use laget_db::meetings::teams as teams_db;
use laget_domain::access::TeamMember;
use laget_domain::casework::anonymity::{self, Identifying};
use laget_domain::children::AGE_BANDS;
use laget_domain::ids::{DecisionId, LogId, MeetingId, TeamCaseId};
use laget_domain::meetings::teams::WITHDRAW_REASON_MAX;
use laget_domain::meetings::{BroughtBy, MeetingStatus};
use laget_domain::validation::{Problem, Problems, parse_date, required_text};

use super::team_meetings::{Forms, meeting_page_with};
use super::teams::{CaseRow, case_row, midnight, open_team, when_text};

/// The warning beside a field whose text looks identifying: what was
/// found, quoted, and what to do (the anonymous consultations' words).
fn warning(m: &Messages, found: &[anonymity::Finding]) -> String {
    let what: Vec<String> = found
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Identifying::NationalId => m.consultation_identifying_national_id,
                Identifying::PhoneNumber => m.consultation_identifying_phone,
                Identifying::FullName => m.consultation_identifying_name,
            };
            format!("{kind} («{}»)", f.text)
        })
        .collect();
    format!(
        "{} {}. {}",
        m.consultation_identifying_lead,
        what.join(", "),
        m.consultation_identifying_end
    )
}

/// Warns beside `field` when its text looks identifying and `checked` is
/// not given; whether anything was found (the checkbox is shown then).
fn warn(
    m: &Messages,
    form: &mut FormState,
    pairs: &[(String, String)],
    field: &str,
    checked: &str,
) -> bool {
    let found = anonymity::findings(forms::get(pairs, field));
    if found.is_empty() {
        return false;
    }
    if forms::get(pairs, checked) != "ja" && form.error(field).is_none() {
        form.add_error(field, &warning(m, &found));
    }
    true
}

// ---------------------------------------------------------------------------
// Bringing a case

#[derive(Template)]
#[template(path = "meetings/team_case_new.html")]
struct CasePage {
    layout: Layout,
    id: String,
    name: String,
    logs: Vec<Choice>,
    bands: Vec<Choice>,
    meetings: Vec<Choice>,
    form: FormState,
    show_check: bool,
}

fn case_fields(m: &Messages) -> [(&'static str, &'static str); 8] {
    [
        ("type", m.teams_case_kind),
        ("logg", m.teams_case_log),
        ("alder", m.consultation_age_band),
        ("sammendrag", m.teams_case_summary),
        ("mote", m.teams_case_meeting),
        ("meldt_av", m.teams_case_brought_by),
        ("foresatte", m.teams_case_guardians),
        ("sjekket", m.consultation_checked),
    ]
}

fn log_label(m: &Messages, l: &CaseLog) -> String {
    format!(
        "{} ({} {})",
        l.child_name,
        m.consultation_born,
        date(l.birth_date)
    )
}

async fn case_page(
    state: &AppState,
    user: &SignedIn,
    member: &TeamMember,
    form: FormState,
    show_check: bool,
) -> Result<CasePage, AppError> {
    let (cap, actor, rid) = (
        member.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let today = today();
    // Today's meetings too, begun or not: a case may be brought while the
    // team meets.
    let from = midnight(today);
    let (team, logs, meetings) = state
        .db
        .write(move |c| {
            Ok((
                teams_db::of_member(c, &cap)?,
                db::case_logs(c, &actor, today, &rid)?,
                teams_db::meetings(c, &cap, from, from + chrono::Duration::days(400))?,
            ))
        })
        .await?;
    let m = user.m;
    Ok(CasePage {
        layout: Layout::signed_in(user, m.teams_case_title),
        id: team.summary.id.to_string(),
        name: team.summary.name.clone(),
        logs: logs
            .iter()
            .map(|l| Choice {
                value: l.log_id.to_string(),
                label: log_label(m, l),
            })
            .collect(),
        bands: AGE_BANDS
            .iter()
            .map(|b| Choice {
                value: (*b).into(),
                label: band_label(m, b),
            })
            .collect(),
        meetings: meetings
            .iter()
            .filter(|x| x.status == MeetingStatus::Planned)
            .map(|x| Choice {
                value: x.id.to_string(),
                label: when_text(m, x),
            })
            .collect(),
        form: form.fields(&case_fields(m)),
        show_check,
    })
}

pub async fn case_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    member.case_bringer()?;
    let form = FormState::with_values([("type", "anonym"), ("meldt_av", "ansatt")]);
    page(&case_page(&state, &user, &member, form, false).await?)
}

pub async fn bring(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    member.case_bringer()?;
    let m = user.m;
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let named = match forms::get(&pairs, "type") {
        "anonym" => Some(false),
        "navngitt" => Some(true),
        _ => {
            p.push("type", Problem::Required);
            None
        }
    };
    let band = forms::get(&pairs, "alder");
    if !AGE_BANDS.contains(&band) {
        p.push("alder", Problem::Required);
    }
    let summary = p.check(
        "sammendrag",
        required_text(forms::get(&pairs, "sammendrag"), 8000),
    );
    let meeting: Option<MeetingId> = match forms::get(&pairs, "mote") {
        "" => None,
        raw => match raw.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                p.push("mote", Problem::UnknownChoice);
                None
            }
        },
    };
    let brought_by = p.check(
        "meldt_av",
        BroughtBy::from_code(forms::get(&pairs, "meldt_av")).ok_or(Problem::Required),
    );
    let present = match forms::get(&pairs, "foresatte") {
        "ja" => Some(true),
        "nei" => Some(false),
        _ => {
            p.push("foresatte", Problem::Required);
            None
        }
    };
    // The log of a named case: one the user may write in.
    let today = today();
    let mut writer = None;
    if named == Some(true) {
        match forms::get(&pairs, "logg").parse::<LogId>() {
            Err(_) => p.push("logg", Problem::Required),
            Ok(log) => {
                let uid = user.actor.user_id();
                let facts = state
                    .db
                    .read(move |c| laget_db::lookup::log_facts(c, log, uid, today))
                    .await;
                match facts
                    .ok()
                    .and_then(|f| user.actor.open_log(&f, today).ok())
                    .and_then(|r| r.writer().ok())
                {
                    Some(w) => writer = Some(w),
                    None => p.push("logg", Problem::UnknownChoice),
                }
            }
        }
    }
    let mut form =
        FormState::with_values(forms::redisplayable(&pairs)).with_problems(m, p.into_vec());
    // A named case must have consent for every fixed unit of the team.
    if let Some(w) = writer.clone() {
        let cap = member.clone();
        let missing = state
            .db
            .read(move |c| db::missing_consent(c, &cap, &w, today))
            .await?;
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|(_, n)| n.as_str()).collect();
            form.add_error(
                "logg",
                &m.teams_case_consent_missing
                    .replace("{enheter}", &names.join(", ")),
            );
        }
    }
    let warned = warn(m, &mut form, &pairs, "sammendrag", "sjekket");
    let (Some(summary), Some(brought_by), Some(present)) = (summary, brought_by, present) else {
        return invalid(&case_page(&state, &user, &member, form, warned).await?);
    };
    if form.has_errors() {
        return invalid(&case_page(&state, &user, &member, form, warned).await?);
    }
    let case = NewTeamCase {
        meeting,
        age_band: band.to_owned(),
        summary,
        brought_by,
        guardians_present: present,
    };
    let (cap, rid) = (member.clone(), user.ctx.request_id.clone());
    let result = state
        .db
        .write(move |c| db::bring(c, &cap, &case, writer.as_ref(), today, &rid))
        .await;
    match result {
        Ok(_) => {}
        // A meeting that is not the team's, or was cancelled meanwhile.
        Err(laget_db::DbError::NotFound) if meeting.is_some() => {
            form.add_error("mote", &m.problem(Problem::UnknownChoice));
            return invalid(&case_page(&state, &user, &member, form, warned).await?);
        }
        Err(e) => return Err(e.into()),
    }
    let team = member.team_id();
    Ok(match meeting {
        Some(x) => Redirect::to(&format!("/team/{team}/moter/{x}?melding=sak-meldt")),
        None => Redirect::to(&format!("/team/{team}?melding=sak-meldt")),
    }
    .into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let planner = member.planner()?;
    let meeting: MeetingId = path_id(&mt)?;
    let reader = member.meeting_reader(meeting);
    let m = user.m;
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let case: Option<TeamCaseId> = match forms::get(&pairs, "sak").parse() {
        Ok(c) => Some(c),
        Err(_) => {
            p.push("sak", Problem::Required);
            None
        }
    };
    let text = p.check("tekst", required_text(forms::get(&pairs, "tekst"), 2000));
    let responsible = match forms::get(&pairs, "ansvarlig").parse() {
        Ok(u) => Some(u),
        Err(_) => {
            p.push("ansvarlig", Problem::Required);
            None
        }
    };
    let deadline = match parse_date(forms::get(&pairs, "frist")) {
        Ok(Some(d)) if d >= today() => Some(d),
        Ok(Some(_)) => {
            p.push("frist", Problem::DateInPast);
            None
        }
        Ok(None) => {
            p.push("frist", Problem::Required);
            None
        }
        Err(e) => {
            p.push("frist", e);
            None
        }
    };
    let mut form =
        FormState::with_values(forms::redisplayable(&pairs)).with_problems(m, p.into_vec());
    let warned = warn(m, &mut form, &pairs, "tekst", "sjekket_vedtak");
    let again = |form: FormState| Forms {
        decision: form,
        decision_check: warned,
        ..Default::default()
    };
    let (Some(case), Some(text), Some(responsible), Some(deadline)) =
        (case, text, responsible, deadline)
    else {
        return meeting_page_with(&state, &user, &reader, again(form)).await;
    };
    if form.has_errors() {
        return meeting_page_with(&state, &user, &reader, again(form)).await;
    }
    let d = NewDecision {
        case,
        text,
        responsible,
        deadline,
    };
    let rid = user.ctx.request_id.clone();
    let today = today();
    let result = state
        .db
        .write(move |c| db::decide(c, &planner, meeting, &d, today, &rid))
        .await;
    match result {
        Ok(Ok(_)) => {}
        // A named case whose log the leader may not write on.
        Ok(Err(NotOnLog)) => {
            form.add_error("sak", m.teams_decision_not_on_log);
            return meeting_page_with(&state, &user, &reader, again(form)).await;
        }
        // A case of another meeting, or someone not on the team: said
        // beside the fields (the form offers neither).
        Err(laget_db::DbError::NotFound) => {
            form.add_error("sak", &m.problem(Problem::UnknownChoice));
            return meeting_page_with(&state, &user, &reader, again(form)).await;
        }
        Err(e) => return Err(e.into()),
    }
    let team = member.team_id();
    Ok(Redirect::to(&format!("/team/{team}/moter/{meeting}?melding=vedtak")).into_response())
}

// ---------------------------------------------------------------------------
// Withdrawing a case

#[derive(Template)]
#[template(path = "meetings/team_case_withdraw.html")]
struct WithdrawPage {
    layout: Layout,
    team_name: String,
    action: String,
    back: String,
    case: CaseRow,
    form: FormState,
}

/// The case to withdraw, as `member` sees it, while they may withdraw it
/// (the one who brought it or the leader, not yet taken up); a 404
/// otherwise.
async fn withdraw_page(
    state: &AppState,
    user: &SignedIn,
    member: &TeamMember,
    case: TeamCaseId,
    form: FormState,
) -> Result<WithdrawPage, AppError> {
    let (cap, actor, rid) = (
        member.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let today = today();
    let now = chrono::Utc::now();
    let (team, cases, meetings) = state
        .db
        .write(move |c| {
            Ok((
                teams_db::of_member(c, &cap)?,
                db::cases(c, &actor, &cap, None, today, &rid)?,
                teams_db::meetings(
                    c,
                    &cap,
                    now - chrono::Duration::days(400),
                    now + chrono::Duration::days(400),
                )?,
            ))
        })
        .await?;
    let c = cases
        .iter()
        .find(|c| c.id == case)
        .ok_or(AppError::NotFound)?;
    let row = case_row(user.m, c, &meetings, Some(member));
    if row.withdraw.is_none() {
        return Err(AppError::NotFound);
    }
    let team_id = team.summary.id;
    Ok(WithdrawPage {
        layout: Layout::signed_in(user, user.m.teams_withdraw_title),
        team_name: team.summary.name.clone(),
        action: format!("/team/{team_id}/saker/{case}/trekk"),
        back: match c.meeting {
            Some(x) => format!("/team/{team_id}/moter/{x}#sak-{case}"),
            None => format!("/team/{team_id}#sak-{case}"),
        },
        case: row,
        form: form.fields(&[("begrunnelse", user.m.teams_withdraw_reason)]),
    })
}

pub async fn withdraw_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, c)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let case: TeamCaseId = path_id(&c)?;
    page(&withdraw_page(&state, &user, &member, case, FormState::default()).await?)
}

/// Withdraws a case with a reason (`begrunnelse`): it leaves the lists;
/// the yearly report counts it as withdrawn.
pub async fn withdraw(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, c)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let case: TeamCaseId = path_id(&c)?;
    let m = user.m;
    let pairs = forms::pairs(&body);
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    let reason = match required_text(forms::get(&pairs, "begrunnelse"), WITHDRAW_REASON_MAX) {
        Ok(r) => r,
        Err(problem) => {
            form.add_error("begrunnelse", &m.problem(problem));
            return invalid(&withdraw_page(&state, &user, &member, case, form).await?);
        }
    };
    // Anyone but the one who brought it and the leader, and a case of
    // another team or withdrawn already, is a 404 from the write.
    let (cap, rid, today) = (member.clone(), user.ctx.request_id.clone(), today());
    let result = state
        .db
        .write(move |c| db::withdraw(c, &cap, case, &reason, today, &rid))
        .await?;
    let team = member.team_id();
    match result {
        Ok(Some(meeting)) => Ok(Redirect::to(&format!(
            "/team/{team}/moter/{meeting}?melding=sak-trukket"
        ))
        .into_response()),
        Ok(None) => Ok(Redirect::to(&format!("/team/{team}?melding=sak-trukket")).into_response()),
        Err(_) => {
            form.add_error("begrunnelse", m.teams_withdraw_taken_up);
            invalid(&withdraw_page(&state, &user, &member, case, form).await?)
        }
    }
}

/// Marks a decision done: its responsible person (from «Mine oppgaver» or
/// the meeting) or the team's leader.
pub async fn done(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, d)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let id: DecisionId = path_id(&d)?;
    let cap = member.clone();
    let meeting = state.db.write(move |c| db::mark_done(c, &cap, id)).await?;
    let pairs = forms::pairs(&body);
    let team = member.team_id();
    Ok(if forms::get(&pairs, "tilbake") == "oppgaver" {
        Redirect::to("/mine-oppgaver#team-vedtak")
    } else {
        Redirect::to(&format!(
            "/team/{team}/moter/{meeting}?melding=vedtak-utfort"
        ))
    }
    .into_response())
}

/// A decision on «Mine oppgaver» («Vedtak fra team»).
pub struct TaskRow {
    pub team: String,
    pub href: String,
    pub action: String,
    pub what: String,
    /// The child where the reader may open the log; else the age band.
    pub case: String,
    pub due: String,
    pub overdue: bool,
}

/// «Mine oppgaver»'s rows for the decisions of team cases.
pub fn task_rows(
    m: &Messages,
    tasks: &[db::DecisionTask],
    today: chrono::NaiveDate,
) -> Vec<TaskRow> {
    tasks
        .iter()
        .map(|t| {
            let band = t
                .age_band
                .as_deref()
                .map(|b| band_label(m, b))
                .unwrap_or_default();
            let (due, overdue) = deadline_text(m, t.deadline, today);
            TaskRow {
                team: t.team_name.clone(),
                href: format!("/team/{}/moter/{}", t.team_id, t.meeting),
                action: format!("/team/{}/vedtak/{}/utfort", t.team_id, t.id),
                what: t.text.clone(),
                case: match &t.child_name {
                    Some(name) => m
                        .teams_case_named_title
                        .replace("{navn}", name)
                        .replace("{alder}", &band),
                    None => m.teams_case_anonymous_title.replace("{alder}", &band),
                },
                due,
                overdue,
            }
        })
        .collect()
}
