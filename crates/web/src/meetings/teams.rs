//! Standing teams (TST at each school and kindergarten, tidlig innsatsteam
//! per age group, samhandlingsteam, samhandlingsforum), the web side. This
//! module holds what the team pages share (opening a team from the path,
//! semesters and their bounds, the words for kinds, rules and counts, a case
//! as a row) and the pages about the team itself:
//!
//! - the members' pages (`/team`, `/team/{team}`): members, rule, this
//!   semester's planned and held meetings with the «falls short» warning,
//!   the cases;
//! - the yearly report (`/team/{team}/rapport?ar=…`), counts only.
//!
//! The other team pages are beside it: `team_admin` (the administrator
//! defines teams; the municipality's overview), `team_meetings` (planning,
//! the meeting's page, cancelling, calling in), `team_cases` (cases,
//! decisions, withdrawing), `team_minutes` (the minutes of a meeting).

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::format::{band_label, date, oslo_day, today};
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::meetings::team_cases::TeamCase;
use laget_db::meetings::teams::{self as db, TeamMeeting, TeamSummary};
use laget_domain::access::TeamMember;
use laget_domain::ids::StandingTeamId;
use laget_domain::meetings::teams::{
    Dated, MeetingRule, Semester, Standing, TeamKind, Term, weekday_number,
};
use laget_domain::meetings::{BroughtBy, MeetingStatus};

// ---------------------------------------------------------------------------
// Shared by the team pages

/// The member capability for the team in the path, or a 404 (unknown team,
/// or not a member).
pub(crate) async fn open_team(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
) -> Result<TeamMember, AppError> {
    let id: StandingTeamId = path_id(raw)?;
    let facts = state.db.read(move |c| db::facts(c, id)).await?;
    Ok(user.actor.team_member(&facts)?)
}

/// The instants a semester spans in Norway: from midnight of its first day
/// to midnight after its last.
pub(crate) fn bounds(s: Semester) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        midnight(s.first_day()),
        midnight(s.last_day().succ_opt().unwrap_or(s.last_day())),
    )
}

/// The instants a calendar year spans in Norway.
fn year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    (midnight(day(year)), midnight(day(year + 1)))
}

/// Midnight starting `d` in Norway.
pub(crate) fn midnight(d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Oslo.from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// A meeting's day in Norway and status, for the count.
pub(crate) fn dated(m: &TeamMeeting) -> Dated {
    Dated {
        day: oslo_day(m.starts_at),
        status: m.status,
    }
}

pub(crate) fn kind_label(m: &Messages, k: TeamKind) -> &'static str {
    match k {
        TeamKind::Tst => m.teams_kind_tst,
        TeamKind::EarlyIntervention => m.teams_kind_early,
        TeamKind::CooperationChildren => m.teams_kind_children,
        TeamKind::CooperationYouth => m.teams_kind_youth,
        TeamKind::LeadersForum => m.teams_kind_forum,
    }
}

pub(crate) fn weekday_label(m: &Messages, n: i32) -> &'static str {
    match n {
        1 => m.teams_weekday_1,
        2 => m.teams_weekday_2,
        3 => m.teams_weekday_3,
        4 => m.teams_weekday_4,
        5 => m.teams_weekday_5,
        6 => m.teams_weekday_6,
        _ => m.teams_weekday_7,
    }
}

/// «Minst 2 møter om høsten og 3 om våren», «Hver mandag».
pub(crate) fn rule_text(m: &Messages, rule: MeetingRule) -> String {
    match rule {
        MeetingRule::PerSemester { autumn, spring } => m
            .teams_rule_semester_text
            .replace("{host}", &autumn.to_string())
            .replace("{var}", &spring.to_string()),
        MeetingRule::Weekly(day) => m
            .teams_rule_weekly_text
            .replace("{dag}", weekday_label(m, weekday_number(day))),
    }
}

/// «Høsten 2026», «Våren 2027».
pub(crate) fn semester_label(m: &Messages, s: Semester) -> String {
    let term = match s.term {
        Term::Spring => m.teams_spring,
        Term::Autumn => m.teams_autumn,
    };
    format!("{term} {}", s.year)
}

/// What a team is for: its unit (a TST) or age group (a tidlig innsatsteam).
pub(crate) fn scope_text(m: &Messages, t: &TeamSummary) -> String {
    match (&t.unit_name, &t.age_band) {
        (Some(unit), _) => unit.clone(),
        (None, Some(band)) => band_label(m, band),
        (None, None) => String::new(),
    }
}

/// «Mangler 1 møte», or nothing when the rule is met.
pub(crate) fn short_text(m: &Messages, s: &Standing) -> Option<String> {
    s.falls_short().then(|| match s.missing() {
        1 => m.teams_short_by_one.to_owned(),
        n => m.teams_short_by.replace("{antall}", &n.to_string()),
    })
}

/// «12.10.2026 kl. 09:00–11:30».
pub(crate) fn when_text(m: &Messages, meeting: &TeamMeeting) -> String {
    let start = meeting.starts_at.with_timezone(&Oslo);
    let end = meeting.ends_at.with_timezone(&Oslo);
    format!(
        "{} {} {:02}:{:02}–{:02}:{:02}",
        date(start.date_naive()),
        m.teams_at,
        start.hour(),
        start.minute(),
        end.hour(),
        end.minute()
    )
}

pub(crate) fn notice_of(m: &Messages, code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "team-opprettet" => m.teams_created,
        "team-lagret" => m.teams_saved,
        "mote-planlagt" => m.teams_meeting_planned,
        "mote-avlyst" => m.teams_meeting_cancelled_notice,
        "sak-meldt" => m.teams_case_brought,
        "vedtak" => m.teams_decision_saved,
        "vedtak-utfort" => m.teams_decision_done_notice,
        "innkalt" => m.teams_called_in_notice,
        "referat-lagret" => m.teams_minutes_saved,
        "referat-godkjent" => m.teams_minutes_approved_notice,
        "sak-trukket" => m.teams_withdrawn_notice,
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub melding: Option<String>,
}

// ---------------------------------------------------------------------------
// The members' pages

pub struct MyTeamRow {
    pub href: String,
    pub name: String,
    pub kind: &'static str,
    pub scope: String,
    pub leads: bool,
    pub active: bool,
    pub count: String,
    pub short: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings/team_mine.html")]
struct MinePage {
    layout: Layout,
    semester: String,
    rows: Vec<MyTeamRow>,
    /// The overviews the user may see: (link, text).
    overviews: Vec<(String, String)>,
    /// The meetings the user is called in to: (link, team, time).
    calls: Vec<(String, String, String)>,
}

/// «2 av 3 (1 holdt, 1 planlagt)».
pub(crate) fn count_text(m: &Messages, s: &Standing) -> String {
    m.teams_count
        .replace("{antall}", &(s.held + s.planned).to_string())
        .replace("{krav}", &s.required.to_string())
        .replace("{holdt}", &s.held.to_string())
        .replace("{planlagt}", &s.planned.to_string())
}

pub async fn mine(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    let actor = user.actor.clone();
    let today = today();
    let semester = Semester::current(today);
    let (from, to) = bounds(semester);
    // Calls to meetings from a month back, so that a meeting just held
    // can still be found.
    let since = Utc::now() - chrono::Duration::days(30);
    let (teams, calls) = state
        .db
        .read(move |conn| {
            let mut out = Vec::new();
            for (member, t) in db::my_teams(conn, &actor)? {
                let ms = db::meetings(conn, &member, from, to)?;
                out.push((member, t, ms));
            }
            Ok((out, db::my_calls(conn, &actor, since)?))
        })
        .await?;
    let m = user.m;
    let rows = teams
        .iter()
        .map(|(member, t, ms)| {
            let dated: Vec<Dated> = ms.iter().map(dated).collect();
            let s = Standing::of(t.rule, semester, &dated, today);
            MyTeamRow {
                href: format!("/team/{}", t.id),
                name: t.name.clone(),
                kind: kind_label(m, t.kind),
                scope: scope_text(m, t),
                leads: member.is_leader(),
                active: t.active,
                count: count_text(m, &s),
                short: short_text(m, &s),
            }
        })
        .collect();
    let ids = user.actor.overviewed_municipalities();
    let names = state
        .db
        .read(move |c| laget_db::admin::municipalities::get_many(c, &ids))
        .await?;
    page(&MinePage {
        layout: Layout::signed_in(&user, m.teams_mine_title),
        semester: semester_label(m, semester),
        rows,
        overviews: names
            .into_iter()
            .map(|mu| {
                (
                    format!("/kommuner/{}/team/oversikt", mu.id),
                    m.teams_overview_link.replace("{kommune}", &mu.name),
                )
            })
            .collect(),
        calls: calls
            .iter()
            .map(|c| {
                (
                    format!("/team/{}/moter/{}", c.team_id, c.meeting.id),
                    c.team_name.clone(),
                    when_text(m, &c.meeting),
                )
            })
            .collect(),
    })
}

pub struct MeetingRow {
    pub href: String,
    pub when: String,
    pub place: String,
    pub status: &'static str,
    pub cancelled: bool,
}

/// A case as a row on the team's or the meeting's page.
pub struct CaseRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub meta: String,
    /// The minutes' note on it.
    pub note: Option<String>,
    /// Where `member` withdraws it, while they may.
    pub withdraw: Option<String>,
}

/// A case in the reader's words: named with the child only where the reader
/// may open its log; otherwise as an anonymous case. With the link to
/// withdraw it for a `member` who may (the one who brought it or the
/// leader, until the team has taken it up).
pub(crate) fn case_row(
    m: &Messages,
    c: &TeamCase,
    meetings: &[TeamMeeting],
    member: Option<&TeamMember>,
) -> CaseRow {
    let band = c
        .age_band
        .as_deref()
        .map(|b| band_label(m, b))
        .unwrap_or_default();
    let title = match &c.named {
        Some(named) => m
            .teams_case_named_title
            .replace("{navn}", &named.child)
            .replace("{alder}", &band),
        None => m.teams_case_anonymous_title.replace("{alder}", &band),
    };
    let mut meta = vec![
        format!(
            "{} {} {}",
            m.teams_case_brought_on,
            date(oslo_day(c.created_at)),
            c.created_by
                .as_deref()
                .map(|b| format!("{} {b}", m.teams_by))
                .unwrap_or_default()
        )
        .trim()
        .to_owned(),
    ];
    if c.brought_by == BroughtBy::Guardian {
        meta.push(m.teams_case_by_guardian.to_owned());
    }
    meta.push(
        if c.guardians_present {
            m.teams_case_guardians_present
        } else {
            m.teams_case_guardians_absent
        }
        .to_owned(),
    );
    match c
        .meeting
        .and_then(|id| meetings.iter().find(|x| x.id == id))
    {
        Some(x) => meta.push(format!(
            "{} {}",
            m.teams_case_for_meeting,
            date(oslo_day(x.starts_at))
        )),
        None if c.meeting.is_none() => meta.push(m.teams_case_no_meeting.to_owned()),
        None => {}
    }
    CaseRow {
        id: c.id.to_string(),
        title,
        summary: c.summary.clone(),
        meta: meta.join(" · "),
        note: c.minutes_note.clone(),
        withdraw: member
            .filter(|x| !c.taken_up && x.may_withdraw(c.created_by_id))
            .map(|x| format!("/team/{}/saker/{}/trekk", x.team_id(), c.id)),
    }
}

#[derive(Template)]
#[template(path = "meetings/team_page.html")]
struct TeamPage {
    layout: Layout,
    id: String,
    name: String,
    kind: &'static str,
    scope: String,
    leader: String,
    rule: String,
    /// «Hvert møte varer minst 150 minutter.»
    length: String,
    agenda: String,
    active: bool,
    fixed: Vec<String>,
    on_demand: Vec<String>,
    semester: String,
    count: String,
    short: Option<String>,
    meetings: Vec<MeetingRow>,
    cases: Vec<CaseRow>,
    may_plan: bool,
    may_bring: bool,
    report: String,
}

pub(crate) fn status_label(m: &Messages, meeting: &TeamMeeting, today: NaiveDate) -> &'static str {
    match meeting.status {
        MeetingStatus::Cancelled => m.teams_status_cancelled,
        MeetingStatus::Held => m.teams_status_held,
        MeetingStatus::Planned if oslo_day(meeting.starts_at) < today => m.teams_status_held,
        MeetingStatus::Planned => m.teams_status_planned,
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let member = open_team(&state, &user, &t).await?;
    let today = today();
    let semester = Semester::current(today);
    let (from, to) = bounds(semester);
    let (cap, actor, rid) = (
        member.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let (team, meetings, cases) = state
        .db
        .write(move |conn| {
            Ok((
                db::of_member(conn, &cap)?,
                db::meetings(conn, &cap, from, to)?,
                laget_db::meetings::team_cases::cases(conn, &actor, &cap, None, today, &rid)?,
            ))
        })
        .await?;
    let m = user.m;
    let s = &team.summary;
    let dated_: Vec<Dated> = meetings.iter().map(dated).collect();
    let standing = Standing::of(s.rule, semester, &dated_, today);
    let (on_demand, fixed): (Vec<_>, Vec<_>) = team.members.iter().partition(|x| x.on_demand);
    let mut p = TeamPage {
        layout: Layout::signed_in(&user, &s.name),
        id: s.id.to_string(),
        name: s.name.clone(),
        kind: kind_label(m, s.kind),
        scope: scope_text(m, s),
        leader: s.leader_name.clone().unwrap_or_default(),
        rule: rule_text(m, s.rule),
        length: m
            .teams_min_minutes_text
            .replace("{min}", &s.min_minutes.to_string()),
        agenda: s.agenda.clone(),
        active: s.active,
        fixed: fixed.iter().map(|x| x.name.clone()).collect(),
        on_demand: on_demand.iter().map(|x| x.name.clone()).collect(),
        semester: semester_label(m, semester),
        count: count_text(m, &standing),
        short: short_text(m, &standing),
        meetings: meetings
            .iter()
            .map(|x| MeetingRow {
                href: format!("/team/{}/moter/{}", s.id, x.id),
                when: when_text(m, x),
                place: x.place.clone().unwrap_or_default(),
                status: status_label(m, x, today),
                cancelled: x.status == MeetingStatus::Cancelled,
            })
            .collect(),
        cases: cases
            .iter()
            .map(|c| case_row(m, c, &meetings, Some(&member)))
            .collect(),
        may_plan: member.planner().is_ok(),
        may_bring: member.case_bringer().is_ok(),
        report: format!("/team/{}/rapport?ar={}", s.id, today.year()),
    };
    p.layout = p.layout.with_notice(notice_of(m, q.melding.as_deref()));
    page(&p)
}

// ---------------------------------------------------------------------------
// The yearly report

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    ar: Option<String>,
}

pub struct SemesterRow {
    pub semester: String,
    pub required: u32,
    pub held: u32,
    pub planned: u32,
    pub short: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings/team_report.html")]
struct ReportPage {
    layout: Layout,
    name: String,
    kind: &'static str,
    rule: String,
    year: i32,
    previous: String,
    next: String,
    semesters: Vec<SemesterRow>,
    total: u32,
    anonymous: u32,
    named: u32,
    by_guardians: u32,
    present: u32,
    share: String,
    withdrawn: u32,
}

pub async fn report(
    State(state): State<AppState>,
    user: SignedIn,
    Path(t): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let id: StandingTeamId = path_id(&t)?;
    let facts = state.db.read(move |c| db::facts(c, id)).await?;
    let cap = user.actor.team_report(&facts)?;
    let today = today();
    let year =
        q.ar.as_deref()
            .and_then(|y| y.trim().parse::<i32>().ok())
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or(today.year());
    let (from, to) = year_bounds(year);
    let (team, meetings, counts) = state
        .db
        .read(move |c| {
            Ok((
                db::of_report(c, &cap)?,
                db::report_meetings(c, &cap, from, to)?,
                laget_db::meetings::team_cases::counts(c, &cap, from, to)?,
            ))
        })
        .await?;
    let m = user.m;
    let dated_: Vec<Dated> = meetings.iter().map(dated).collect();
    page(&ReportPage {
        layout: Layout::signed_in(&user, m.teams_report_title),
        name: team.name.clone(),
        kind: kind_label(m, team.kind),
        rule: rule_text(m, team.rule),
        year,
        previous: format!("/team/{id}/rapport?ar={}", year - 1),
        next: format!("/team/{id}/rapport?ar={}", year + 1),
        semesters: Semester::of_year(year)
            .into_iter()
            .map(|s| {
                let st = Standing::of(team.rule, s, &dated_, today);
                SemesterRow {
                    semester: semester_label(m, s),
                    required: st.required,
                    held: st.held,
                    planned: st.planned,
                    short: short_text(m, &st),
                }
            })
            .collect(),
        total: counts.total,
        anonymous: counts.anonymous,
        named: counts.named,
        by_guardians: counts.brought_by_guardians,
        present: counts.guardians_present,
        share: counts
            .guardians_present_percent()
            .map_or_else(|| m.teams_report_no_cases.to_owned(), |p| format!("{p} %")),
        withdrawn: counts.withdrawn,
    })
}
