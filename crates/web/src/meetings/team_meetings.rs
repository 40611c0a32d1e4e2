//! A standing team's meetings: the leader plans them
//! (`/team/{team}/moter/ny`, invitations by e-mail to the member persons),
//! cancels them (`…/moter/{meeting}/avlys`, with a reason) and calls an
//! on-demand member in to one (`…/moter/{meeting}/innkall`); the meeting's
//! page (`…/moter/{meeting}`: agenda, who was invited and who was present,
//! the cases with their notes and decisions, the minutes' state, the
//! leader's forms). Someone called in sees this page only, with the cases
//! their consent reaches and none of the forms.

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
use laget_db::meetings::team_cases::{self as db, Decision, TeamCase};
use laget_db::meetings::team_minutes::{self as minutes_db, TeamMinutes};
use laget_db::meetings::teams::{
    self as teams_db, Invited, NewTeamMeeting, TeamMeeting, TeamSummary,
};
use laget_domain::UserId;
use laget_domain::access::{TeamMeetingReader, TeamMember};
use laget_domain::ids::{MeetingId, StandingTeamId};
use laget_domain::meetings::teams::{LengthProblem, meeting_length, parse_clock};
use laget_domain::meetings::{MeetingStatus, MinutesStatus, ParticipantKind};
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
// The meeting's page

/// The reader of the meeting in the path: a member of the team, or someone
/// called in to this meeting; a 404 for anyone else, an unknown team or a
/// meeting of another team.
pub(crate) async fn open_meeting(
    state: &AppState,
    user: &SignedIn,
    team: &str,
    meeting: &str,
) -> Result<TeamMeetingReader, AppError> {
    let team: StandingTeamId = path_id(team)?;
    let meeting: MeetingId = path_id(meeting)?;
    let actor = user.actor.clone();
    Ok(state
        .db
        .read(move |c| teams_db::open_meeting(c, &actor, team, meeting))
        .await?)
}

pub struct DecisionRow {
    pub id: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    pub overdue: bool,
    pub done: Option<String>,
    pub may_mark: bool,
    /// For a reader who may write in the named case's log: where the
    /// decision becomes a measure, or the measure it became.
    pub to_measure: Option<String>,
    pub measure: Option<String>,
}

pub struct MeetingCase {
    pub case: CaseRow,
    pub decisions: Vec<DecisionRow>,
}

/// One invited, with the minutes' attendance.
pub struct InvitedRow {
    pub name: String,
    pub called_in: bool,
    pub attended: Option<bool>,
}

/// The forms of a meeting page, with what was typed and its problems.
#[derive(Default)]
pub(crate) struct Forms {
    pub cancel: FormState,
    pub decision: FormState,
    pub decision_check: bool,
    pub call: FormState,
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
    units: Vec<InvitedRow>,
    people: Vec<InvitedRow>,
    cases: Vec<MeetingCase>,
    /// Called in, not a member: the page says what they see.
    guest: bool,
    /// The minutes: their status, the general part, who wrote and approved
    /// them; the members' link to the form while they may be written.
    minutes_status: &'static str,
    minutes_general: Option<String>,
    minutes_by: Option<String>,
    minutes_href: Option<(String, &'static str)>,
    /// The leader's forms, while the meeting is not cancelled.
    may_decide: bool,
    may_cancel: bool,
    may_call: bool,
    may_bring: bool,
    case_choices: Vec<Choice>,
    responsible: Vec<Choice>,
    call_choices: Vec<Choice>,
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
    reader: &TeamMeetingReader,
    forms: Forms,
) -> Result<Response, AppError> {
    let failed =
        forms.cancel.has_errors() || forms.decision.has_errors() || forms.call.has_errors();
    let p = meeting_page(state, user, reader, forms).await?;
    if failed { invalid(&p) } else { page(&p) }
}

/// Everything the meeting's page reads, in one transaction (each named
/// case's child shown is recorded as a read of its log).
struct Read {
    team_name: String,
    meeting: TeamMeeting,
    invited: Vec<Invited>,
    cases: Vec<TeamCase>,
    decisions: Vec<Decision>,
    minutes: TeamMinutes,
    responsible: Vec<(UserId, String)>,
    call_choices: Vec<(UserId, String)>,
}

async fn meeting_page(
    state: &AppState,
    user: &SignedIn,
    reader: &TeamMeetingReader,
    forms: Forms,
) -> Result<MeetingPage, AppError> {
    let (cap, actor, rid) = (
        reader.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let today = today();
    let r = state
        .db
        .write(move |c| {
            let team_name = teams_db::name_of(c, &cap)?;
            let (meeting, invited) = teams_db::meeting(c, &cap)?;
            // A member chooses among the cases of no meeting too.
            let cases = match cap.member() {
                Some(member) => db::cases(c, &actor, member, None, today, &rid)?,
                None => db::meeting_cases(c, &actor, &cap, today, &rid)?,
            };
            let here: Vec<_> = cases
                .iter()
                .filter(|x| x.meeting == Some(cap.meeting_id()))
                .map(|x| x.id)
                .collect();
            let decisions = db::decisions(c, &cap, &here)?;
            let minutes = minutes_db::minutes(c, &cap)?;
            let (responsible, call_choices) = match cap.member() {
                Some(member) => (
                    db::responsible_choices(c, member)?,
                    match member.planner() {
                        Ok(p) => teams_db::call_in_choices(c, &p, cap.meeting_id())?,
                        Err(_) => Vec::new(),
                    },
                ),
                None => (Vec::new(), Vec::new()),
            };
            Ok(Read {
                team_name,
                meeting,
                invited,
                cases,
                decisions,
                minutes,
                responsible,
                call_choices,
            })
        })
        .await?;
    let m = user.m;
    let id = reader.meeting_id();
    let member = reader.member();
    let cancelled = r.meeting.status == MeetingStatus::Cancelled;
    let planner = member.is_some_and(|x| x.planner().is_ok());
    let meetings = [r.meeting.clone()];
    let me = user.actor.user_id();
    let rows = r
        .cases
        .iter()
        .filter(|c| c.meeting == Some(id))
        .map(|c| MeetingCase {
            case: case_row(m, c, &meetings, member),
            decisions: r
                .decisions
                .iter()
                .filter(|d| d.case == Some(c.id))
                .map(|d| decision_row(m, c, d, member, me, today))
                .collect(),
        })
        .collect();
    // The cases a decision may be on: this meeting's, and those not yet on
    // any meeting.
    let case_choices = r
        .cases
        .iter()
        .filter(|c| c.meeting == Some(id) || c.meeting.is_none())
        .map(|c| Choice {
            value: c.id.to_string(),
            label: case_row(m, c, &meetings, None).title,
        })
        .collect();
    let invited_row = |i: &Invited| InvitedRow {
        name: i.name.clone(),
        called_in: i.called_in,
        attended: r
            .minutes
            .attendance
            .iter()
            .find(|a| a.id == i.id)
            .and_then(|a| a.attended),
    };
    let choices = |people: &[(UserId, String)]| {
        people
            .iter()
            .map(|(u, n)| Choice {
                value: u.to_string(),
                label: n.clone(),
            })
            .collect()
    };
    let minutes_status = minutes_status_label(m, r.minutes.status);
    let minutes_href = match (member, r.minutes.open) {
        (Some(_), Ok(())) => Some((
            format!("/team/{}/moter/{id}/referat", reader.team_id()),
            if r.minutes.status == MinutesStatus::None {
                m.teams_minutes_write
            } else {
                m.teams_minutes_continue
            },
        )),
        _ => None,
    };
    Ok(MeetingPage {
        layout: Layout::signed_in(user, m.teams_meeting_title),
        team_id: reader.team_id().to_string(),
        team_name: r.team_name,
        meeting_id: id.to_string(),
        when: when_text(m, &r.meeting),
        place: r.meeting.place.clone().unwrap_or_default(),
        purpose: r.meeting.purpose.clone(),
        agenda: r.meeting.agenda.clone(),
        status: status_label(m, &r.meeting, today),
        cancelled,
        cancel_reason: r.meeting.cancel_reason.clone(),
        called_by: r.meeting.called_by.clone().unwrap_or_default(),
        units: r
            .invited
            .iter()
            .filter(|i| i.kind == ParticipantKind::Unit)
            .map(invited_row)
            .collect(),
        people: r
            .invited
            .iter()
            .filter(|i| i.kind != ParticipantKind::Unit)
            .map(invited_row)
            .collect(),
        cases: rows,
        guest: reader.is_called_in(),
        minutes_status,
        minutes_general: r.minutes.general.clone(),
        minutes_by: match (&r.minutes.approved_by, &r.minutes.written_by) {
            (Some(a), _) => Some(format!("{}: {a}", m.teams_minutes_approved_by)),
            (None, Some(w)) => Some(format!("{}: {w}", m.teams_minutes_written_by)),
            _ => None,
        },
        minutes_href,
        may_decide: planner && !cancelled,
        // Not one that is held (its minutes approved) or long past.
        may_cancel: planner
            && r.meeting.status == MeetingStatus::Planned
            && oslo_day(r.meeting.starts_at) >= today,
        may_call: planner && !cancelled,
        may_bring: member.is_some_and(|x| x.case_bringer().is_ok()) && !cancelled,
        case_choices,
        responsible: choices(&r.responsible),
        call_choices: choices(&r.call_choices),
        forms: Forms {
            cancel: forms
                .cancel
                .fields(&[("begrunnelse", m.teams_cancel_reason)]),
            decision: forms.decision.fields(&decision_fields(m)),
            decision_check: forms.decision_check,
            call: forms.call.fields(&[("person", m.teams_call_in_person)]),
        },
    })
}

/// «Ikke skrevet», «Utkast», «Godkjent».
pub(crate) fn minutes_status_label(m: &Messages, s: MinutesStatus) -> &'static str {
    match s {
        MinutesStatus::None => m.teams_minutes_status_none,
        MinutesStatus::Draft => m.teams_minutes_status_draft,
        MinutesStatus::Approved => m.teams_minutes_status_approved,
    }
}

fn decision_row(
    m: &Messages,
    c: &TeamCase,
    d: &Decision,
    member: Option<&TeamMember>,
    me: UserId,
    today: NaiveDate,
) -> DecisionRow {
    let (deadline, overdue) = if d.done_at.is_some() {
        (date(d.deadline), false)
    } else {
        deadline_text(m, d.deadline, today)
    };
    // Where the reader may write in the named case's log, the decision can
    // become a measure there (the case meetings' path).
    let (to_measure, measure) = match (&c.named, d.measure) {
        (Some(n), None) if n.writable => (
            Some(format!("/logger/{}/tiltak?vedtak={}", n.log, d.id)),
            None,
        ),
        (Some(n), Some(x)) => (None, Some(format!("/logger/{}/tiltak/{x}", n.log))),
        _ => (None, None),
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
            && member.is_some_and(|x| x.is_leader() || d.responsible == Some(me)),
        to_measure,
        measure,
    }
}

pub async fn meeting(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let reader = open_meeting(&state, &user, &t, &mt).await?;
    let mut p = meeting_page(&state, &user, &reader, Forms::default()).await?;
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
                &member.meeting_reader(id),
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

/// The leader calls an on-demand member in to the meeting (`person`, one
/// of the page's choices): invited by e-mail, they see this meeting.
pub async fn call_in(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let planner = member.planner()?;
    let id: MeetingId = path_id(&mt)?;
    let pairs = forms::pairs(&body);
    let again = |problem: Problem| {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        form.add_error("person", &user.m.problem(problem));
        Forms {
            call: form,
            ..Default::default()
        }
    };
    let Ok(person) = forms::get(&pairs, "person").parse::<UserId>() else {
        return meeting_page_with(
            &state,
            &user,
            &member.meeting_reader(id),
            again(Problem::Required),
        )
        .await;
    };
    let result = state
        .db
        .write(move |c| teams_db::call_in(c, &planner, id, person))
        .await;
    match result {
        Ok(()) => {}
        // Not among the choices (a member, invited already, not on demand):
        // said beside the field; the meeting itself unknown is a 404.
        Err(laget_db::DbError::NotFound) => {
            let reader = open_meeting(&state, &user, &t, &mt).await?;
            return meeting_page_with(&state, &user, &reader, again(Problem::UnknownChoice)).await;
        }
        Err(e) => return Err(e.into()),
    }
    let team_id = member.team_id();
    Ok(Redirect::to(&format!("/team/{team_id}/moter/{id}?melding=innkalt")).into_response())
}
