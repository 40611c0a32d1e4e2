//! A standing team's meetings: the leader plans them
//! (`/team/{team}/moter/ny`, invitations by e-mail to the member persons)
//! and cancels them (`…/moter/{meeting}/avlys`, with a reason); the
//! meeting's page (`…/moter/{meeting}`: agenda, who was invited, the cases
//! with their decisions, the minutes, the leader's forms).

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{date, deadline_text, oslo_day, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::meetings::team_cases::{self as db, TeamCase};
use laget_db::meetings::teams::{self as teams_db, NewTeamMeeting, TeamSummary};
use laget_domain::access::TeamMember;
use laget_domain::ids::MeetingId;
use laget_domain::meetings::teams::{LengthProblem, meeting_length, parse_clock};
use laget_domain::meetings::{MeetingStatus, ParticipantKind};
use laget_domain::validation::{Problem, Problems, parse_date, required_text};

use super::teams::{CaseRow, NoticeQuery, case_row, notice_of, open_team, status_label, when_text};

// ---------------------------------------------------------------------------
// Planning and cancelling meetings (the leader)

#[derive(Template)]
#[template(path = "meetings/team_meeting_new.html")]
struct PlanPage {
    layout: Layout,
    id: String,
    name: String,
    length_hint: String,
    form: FormState,
}

fn plan_fields(m: &Messages) -> [(&'static str, &'static str); 6] {
    [
        ("dato", m.teams_meeting_date),
        ("tid", m.teams_meeting_time),
        ("varighet", m.teams_meeting_length),
        ("sted", m.teams_meeting_place),
        ("tema", m.teams_meeting_purpose),
        ("agenda", m.teams_agenda),
    ]
}

fn plan_page(user: &SignedIn, t: &TeamSummary, form: FormState) -> PlanPage {
    PlanPage {
        layout: Layout::signed_in(user, user.m.teams_plan_title),
        id: t.id.to_string(),
        name: t.name.clone(),
        length_hint: user
            .m
            .teams_min_minutes_text
            .replace("{min}", &t.min_minutes.to_string()),
        form: form.fields(&plan_fields(user.m)),
    }
}

pub async fn meeting_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
) -> Result<Response, AppError> {
    let planner = open_team(&state, &user, &t).await?.planner()?;
    let member = planner.member().clone();
    let team = state
        .db
        .read(move |c| teams_db::of_member(c, &member))
        .await?;
    let s = &team.summary;
    let form = FormState::with_values([
        ("tid", "09:00".to_owned()),
        ("varighet", s.min_minutes.max(60).to_string()),
        ("agenda", s.agenda.clone()),
    ]);
    page(&plan_page(&user, s, form))
}

/// The meeting the plan form describes, or the form's problems.
fn parse_plan(
    m: &Messages,
    pairs: &[(String, String)],
    min_minutes: u32,
    today: NaiveDate,
) -> Result<NewTeamMeeting, FormState> {
    let mut p = Problems::new();
    let day = match parse_date(forms::get(pairs, "dato")) {
        Ok(Some(d)) if d >= today => Some(d),
        Ok(Some(_)) => {
            p.push("dato", Problem::DateInPast);
            None
        }
        Ok(None) => {
            p.push("dato", Problem::Required);
            None
        }
        Err(e) => {
            p.push("dato", e);
            None
        }
    };
    let mut form = FormState::with_values(forms::redisplayable(pairs));
    let time = parse_clock(forms::get(pairs, "tid"));
    let length = meeting_length(forms::get(pairs, "varighet"), min_minutes);
    let place = p.check("sted", required_text(forms::get(pairs, "sted"), 200));
    let purpose = forms::get(pairs, "tema").trim().to_owned();
    if purpose.chars().count() > 200 {
        p.push("tema", Problem::TooLong { max: 200 });
    }
    let agenda = p.check("agenda", required_text(forms::get(pairs, "agenda"), 4000));
    form = form.with_problems(m, p.into_vec());
    if time.is_none() {
        form.add_error("tid", m.teams_problem_time);
    }
    match length {
        Err(LengthProblem::NotMinutes) => form.add_error("varighet", m.teams_problem_minutes),
        Err(LengthProblem::TooShort { min }) => form.add_error(
            "varighet",
            &m.teams_problem_too_short.replace("{min}", &min.to_string()),
        ),
        Ok(_) => {}
    }
    match (day, time, length, place, agenda) {
        (Some(day), Some(time), Ok(minutes), Some(place), Some(agenda)) if !form.has_errors() => {
            let local = day.and_time(time);
            let starts_at = Oslo
                .from_local_datetime(&local)
                .earliest()
                .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
            Ok(NewTeamMeeting {
                starts_at,
                ends_at: starts_at + chrono::Duration::minutes(i64::from(minutes)),
                place,
                purpose,
                agenda,
            })
        }
        _ => Err(form),
    }
}

pub async fn plan_meeting(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let planner = open_team(&state, &user, &t).await?.planner()?;
    let member = planner.member().clone();
    let team = state
        .db
        .read(move |c| teams_db::of_member(c, &member))
        .await?;
    let pairs = forms::pairs(&body);
    let meeting = match parse_plan(user.m, &pairs, team.summary.min_minutes, today()) {
        Ok(x) => x,
        Err(form) => return invalid(&plan_page(&user, &team.summary, form)),
    };
    let team_id = team.summary.id;
    let id = state
        .db
        .write(move |c| teams_db::plan(c, &planner, &meeting))
        .await?;
    Ok(Redirect::to(&format!("/team/{team_id}/moter/{id}?melding=mote-planlagt")).into_response())
}

// ---------------------------------------------------------------------------
// The meeting's page, decisions

pub struct DecisionRow {
    pub id: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    pub overdue: bool,
    pub done: Option<String>,
    pub may_mark: bool,
}

pub struct MeetingCase {
    pub case: CaseRow,
    pub decisions: Vec<DecisionRow>,
}

/// The forms of a meeting page, with what was typed and its problems.
#[derive(Default)]
pub(crate) struct Forms {
    pub cancel: FormState,
    pub decision: FormState,
    pub decision_check: bool,
}

#[derive(Template)]
#[template(path = "meetings/team_meeting.html")]
struct MeetingPage {
    layout: Layout,
    team_id: String,
    team_name: String,
    meeting_id: String,
    when: String,
    place: String,
    purpose: String,
    agenda: String,
    status: &'static str,
    cancelled: bool,
    cancel_reason: Option<String>,
    called_by: String,
    units: Vec<String>,
    people: Vec<String>,
    cases: Vec<MeetingCase>,
    /// The leader's forms, while the meeting is not cancelled.
    may_decide: bool,
    may_cancel: bool,
    may_bring: bool,
    case_choices: Vec<Choice>,
    responsible: Vec<Choice>,
    forms: Forms,
}

fn decision_fields(m: &Messages) -> [(&'static str, &'static str); 5] {
    [
        ("sak", m.teams_decision_case),
        ("tekst", m.teams_decision_text),
        ("ansvarlig", m.teams_decision_responsible),
        ("frist", m.teams_decision_deadline),
        ("sjekket_vedtak", m.consultation_checked),
    ]
}

pub(crate) async fn meeting_page_with(
    state: &AppState,
    user: &SignedIn,
    member: &TeamMember,
    id: MeetingId,
    forms: Forms,
) -> Result<Response, AppError> {
    let failed = forms.cancel.has_errors() || forms.decision.has_errors();
    let p = meeting_page(state, user, member, id, forms).await?;
    if failed { invalid(&p) } else { page(&p) }
}

async fn meeting_page(
    state: &AppState,
    user: &SignedIn,
    member: &TeamMember,
    id: MeetingId,
    forms: Forms,
) -> Result<MeetingPage, AppError> {
    let (cap, actor, rid) = (
        member.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let today = today();
    let (team, (meeting, invited), cases, decisions, responsible) = state
        .db
        .write(move |c| {
            let team = teams_db::of_member(c, &cap)?;
            let meeting = teams_db::meeting(c, &cap, id)?;
            let cases = db::cases(c, &actor, &cap, None, today, &rid)?;
            let decisions = db::decisions(c, &cap, id)?;
            let responsible = db::responsible_choices(c, &cap)?;
            Ok((team, meeting, cases, decisions, responsible))
        })
        .await?;
    let m = user.m;
    let cancelled = meeting.status == MeetingStatus::Cancelled;
    let planner = member.planner().is_ok();
    let here: Vec<&TeamCase> = cases.iter().filter(|c| c.meeting == Some(id)).collect();
    let meetings = [meeting.clone()];
    let me = user.actor.user_id();
    let rows = here
        .iter()
        .map(|c| MeetingCase {
            case: case_row(m, c, &meetings),
            decisions: decisions
                .iter()
                .filter(|d| d.case == Some(c.id))
                .map(|d| {
                    let (deadline, overdue) = if d.done_at.is_some() {
                        (date(d.deadline), false)
                    } else {
                        deadline_text(m, d.deadline, today)
                    };
                    DecisionRow {
                        id: d.id.to_string(),
                        text: d.text.clone(),
                        responsible: d.responsible_name.clone().unwrap_or_default(),
                        deadline,
                        overdue,
                        done: d.done_at.map(|t| {
                            format!(
                                "{} {}{}",
                                m.teams_decision_done_on,
                                date(oslo_day(t)),
                                d.done_by
                                    .as_deref()
                                    .map(|b| format!(" {} {b}", m.teams_by))
                                    .unwrap_or_default()
                            )
                        }),
                        may_mark: d.done_at.is_none()
                            && (member.is_leader() || d.responsible == Some(me)),
                    }
                })
                .collect(),
        })
        .collect();
    // The cases a decision may be on: this meeting's, and those not yet on
    // any meeting.
    let case_choices = cases
        .iter()
        .filter(|c| c.meeting == Some(id) || c.meeting.is_none())
        .map(|c| {
            let row = case_row(m, c, &meetings);
            Choice {
                value: c.id.to_string(),
                label: row.title,
            }
        })
        .collect();
    Ok(MeetingPage {
        layout: Layout::signed_in(user, m.teams_meeting_title),
        team_id: team.summary.id.to_string(),
        team_name: team.summary.name.clone(),
        meeting_id: id.to_string(),
        when: when_text(m, &meeting),
        place: meeting.place.clone().unwrap_or_default(),
        purpose: meeting.purpose.clone(),
        agenda: meeting.agenda.clone(),
        status: status_label(m, &meeting, today),
        cancelled,
        cancel_reason: meeting.cancel_reason.clone(),
        called_by: meeting.called_by.clone().unwrap_or_default(),
        units: invited
            .iter()
            .filter(|i| i.kind == ParticipantKind::Unit)
            .map(|i| i.name.clone())
            .collect(),
        people: invited
            .iter()
            .filter(|i| i.kind != ParticipantKind::Unit)
            .map(|i| i.name.clone())
            .collect(),
        cases: rows,
        may_decide: planner && !cancelled,
        may_cancel: planner && !cancelled && oslo_day(meeting.starts_at) >= today,
        may_bring: member.case_bringer().is_ok() && !cancelled,
        case_choices,
        responsible: responsible
            .into_iter()
            .map(|(u, n)| Choice {
                value: u.to_string(),
                label: n,
            })
            .collect(),
        forms: Forms {
            cancel: forms
                .cancel
                .fields(&[("begrunnelse", m.teams_cancel_reason)]),
            decision: forms.decision.fields(&decision_fields(m)),
            decision_check: forms.decision_check,
        },
    })
}

pub async fn meeting(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let id: MeetingId = path_id(&mt)?;
    let mut p = meeting_page(&state, &user, &member, id, Forms::default()).await?;
    p.layout = p
        .layout
        .with_notice(notice_of(user.m, q.melding.as_deref()));
    page(&p)
}

/// The cancellation's reason, or the meeting page with the problem.
pub async fn cancel_meeting(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let planner = member.planner()?;
    let id: MeetingId = path_id(&mt)?;
    let pairs = forms::pairs(&body);
    let reason = match required_text(forms::get(&pairs, "begrunnelse"), 1000) {
        Ok(r) => r,
        Err(problem) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            form.add_error("begrunnelse", &user.m.problem(problem));
            let form = form.fields(&[("begrunnelse", user.m.teams_cancel_reason)]);
            return meeting_page_with(
                &state,
                &user,
                &member,
                id,
                Forms {
                    cancel: form,
                    ..Default::default()
                },
            )
            .await;
        }
    };
    let team_id = member.team_id();
    state
        .db
        .write(move |c| teams_db::cancel(c, &planner, id, &reason))
        .await?;
    Ok(Redirect::to(&format!("/team/{team_id}/moter/{id}?melding=mote-avlyst")).into_response())
}
