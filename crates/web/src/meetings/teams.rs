//! Standing teams (TST at each school and kindergarten, tidlig innsatsteam
//! per age group, samhandlingsteam, samhandlingsforum), the web side:
//!
//! - the administrator defines them (`/kommuner/{municipality}/team`): a
//!   short form makes a team with the defaults of its kind (a TST: its
//!   school or kindergarten, PPT, the health nurse and child welfare fixed,
//!   NAV on demand, ≥ 2 meetings in autumn and ≥ 3 in spring, 2.5 hours,
//!   the three-part agenda), and the team's own form changes everything;
//! - the municipality's overview (`…/team/oversikt`): every active team's
//!   meetings this semester against its rule, short ones marked (counts
//!   only);
//! - the members' pages (`/team`, `/team/{team}`): members, rule, this
//!   semester's planned and held meetings with the «falls short» warning,
//!   the cases; the leader plans meetings (`/team/{team}/moter/ny`,
//!   invitations by e-mail) and cancels them;
//! - the yearly report (`/team/{team}/rapport?ar=…`), counts only.
//!
//! Cases and decisions, and the meeting's own page, are in `team_cases.rs`.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{band_label, date, oslo_day, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::meetings::team_cases::TeamCase;
use laget_db::meetings::teams::{
    self as db, Candidates, MemberSpec, NewTeamMeeting, TeamFields, TeamMeeting, TeamSummary, Who,
};
use laget_domain::access::{TeamDefiner, TeamMember};
use laget_domain::admin::unit::UnitKind;
use laget_domain::ids::StandingTeamId;
use laget_domain::meetings::teams::{
    Dated, LengthProblem, MAX_MIN_MINUTES, MAX_PER_SEMESTER, MeetingRule, Semester, Standing,
    TEAM_AGE_BANDS, TeamKind, Term, default_units, meeting_length, parse_clock, weekday_number,
    weekday_of,
};
use laget_domain::meetings::{BroughtBy, MeetingStatus};
use laget_domain::validation::{Problem, Problems, parse_date, required_text};
use laget_domain::{MunicipalityId, UnitId, UserId};

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

fn midnight(d: NaiveDate) -> DateTime<Utc> {
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

fn weekday_label(m: &Messages, n: i32) -> &'static str {
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
fn scope_text(m: &Messages, t: &TeamSummary) -> String {
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
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub melding: Option<String>,
}

// ---------------------------------------------------------------------------
// Defining teams (the municipality administrator)

pub struct TeamListRow {
    pub href: String,
    pub name: String,
    pub kind: &'static str,
    pub scope: String,
    pub leader: String,
    pub rule: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "meetings/team_list.html")]
struct ListPage {
    layout: Layout,
    municipality: String,
    rows: Vec<TeamListRow>,
    kinds: Vec<Choice>,
    units: Vec<Choice>,
    bands: Vec<Choice>,
    staff: Vec<Choice>,
    form: FormState,
}

fn kinds(m: &Messages) -> Vec<Choice> {
    TeamKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.code().into(),
            label: kind_label(m, *k).into(),
        })
        .collect()
}

fn team_bands(m: &Messages) -> Vec<Choice> {
    TEAM_AGE_BANDS
        .iter()
        .map(|b| Choice {
            value: (*b).into(),
            label: band_label(m, b),
        })
        .collect()
}

/// The schools and kindergartens a TST may belong to.
fn tst_units(c: &Candidates) -> Vec<Choice> {
    c.units
        .iter()
        .filter(|(_, _, k)| matches!(k, UnitKind::Skole | UnitKind::Barnehage))
        .map(|(id, name, _)| Choice {
            value: id.to_string(),
            label: name.clone(),
        })
        .collect()
}

fn staff_choices(c: &Candidates) -> Vec<Choice> {
    c.staff
        .iter()
        .map(|(id, name, units)| Choice {
            value: id.to_string(),
            label: format!("{name} ({units})"),
        })
        .collect()
}

fn definer(user: &SignedIn, raw: &str) -> Result<TeamDefiner, AppError> {
    Ok(user.actor.define_teams(path_id::<MunicipalityId>(raw)?)?)
}

fn new_fields(m: &Messages) -> [(&'static str, &'static str); 5] {
    [
        ("type", m.teams_kind),
        ("navn", m.teams_name),
        ("enhet", m.teams_unit),
        ("alder", m.teams_age_band),
        ("leder", m.teams_leader),
    ]
}

async fn list_page(
    state: &AppState,
    user: &SignedIn,
    cap: &TeamDefiner,
    form: FormState,
) -> Result<ListPage, AppError> {
    let c = cap.clone();
    let (teams, candidates) = state
        .db
        .read(move |conn| Ok((db::list(conn, &c)?, db::candidates(conn, &c)?)))
        .await?;
    let mid = cap.municipality_id();
    let m = user.m;
    Ok(ListPage {
        layout: Layout::signed_in(user, m.teams_admin_title),
        municipality: mid.to_string(),
        rows: teams
            .iter()
            .map(|t| TeamListRow {
                href: format!("/kommuner/{mid}/team/{}", t.id),
                name: t.name.clone(),
                kind: kind_label(m, t.kind),
                scope: scope_text(m, t),
                leader: t.leader_name.clone().unwrap_or_default(),
                rule: rule_text(m, t.rule),
                active: t.active,
            })
            .collect(),
        kinds: kinds(m),
        units: tst_units(&candidates),
        bands: team_bands(m),
        staff: staff_choices(&candidates),
        form: form.fields(&new_fields(m)),
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
) -> Result<Response, AppError> {
    let cap = definer(&user, &m)?;
    page(&list_page(&state, &user, &cap, FormState::default()).await?)
}

/// The kind, unit and age band of a team form (shared by the short and the
/// full form), checked against what the municipality has.
struct Head {
    kind: TeamKind,
    name: String,
    unit: Option<UnitId>,
    age_band: Option<String>,
    leader: Option<UserId>,
}

fn parse_head(pairs: &[(String, String)], c: &Candidates, p: &mut Problems) -> Option<Head> {
    let kind = p.check(
        "type",
        TeamKind::from_code(forms::get(pairs, "type")).ok_or(Problem::Required),
    );
    let name = p.check("navn", required_text(forms::get(pairs, "navn"), 200));
    let unit = match kind {
        Some(k) if k.needs_unit() => {
            let raw = forms::get(pairs, "enhet");
            let found = c
                .units
                .iter()
                .filter(|(_, _, k)| matches!(k, UnitKind::Skole | UnitKind::Barnehage))
                .find(|(id, _, _)| id.to_string() == raw)
                .map(|(id, _, _)| *id);
            match (raw.is_empty(), found) {
                (_, Some(u)) => Some(u),
                (true, None) => {
                    p.push("enhet", Problem::Required);
                    None
                }
                (false, None) => {
                    p.push("enhet", Problem::UnknownChoice);
                    None
                }
            }
        }
        _ => None,
    };
    let age_band = match kind {
        Some(k) if k.needs_age_band() => {
            let raw = forms::get(pairs, "alder");
            if TEAM_AGE_BANDS.contains(&raw) {
                Some(raw.to_owned())
            } else {
                p.push("alder", Problem::Required);
                None
            }
        }
        _ => None,
    };
    let raw = forms::get(pairs, "leder");
    let leader = if raw.is_empty() {
        None
    } else {
        match c.staff.iter().find(|(id, _, _)| id.to_string() == raw) {
            Some((id, _, _)) => Some(*id),
            None => {
                p.push("leder", Problem::UnknownChoice);
                None
            }
        }
    };
    Some(Head {
        kind: kind?,
        name: name?,
        unit,
        age_band,
        leader,
    })
}

/// The agenda template a new team of `kind` starts with, in the
/// municipality's written standard: TST's three parts (seed 004), or a
/// general one.
fn default_agenda(m: &Messages, kind: TeamKind) -> String {
    if kind.defaults().three_part_agenda {
        [
            m.teams_agenda_tst_1,
            m.teams_agenda_tst_2,
            m.teams_agenda_tst_3,
        ]
    } else {
        [
            m.teams_agenda_general_1,
            m.teams_agenda_general_2,
            m.teams_agenda_general_3,
        ]
    }
    .iter()
    .enumerate()
    .map(|(i, line)| format!("{}. {line}", i + 1))
    .collect::<Vec<_>>()
    .join("\n")
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = definer(&user, &m)?;
    let pairs = forms::pairs(&body);
    let c = cap.clone();
    let candidates = state.db.read(move |conn| db::candidates(conn, &c)).await?;
    let mut p = Problems::new();
    let head = parse_head(&pairs, &candidates, &mut p);
    let head = match head {
        Some(h) if p.is_empty() => h,
        _ => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, p.into_vec());
            return invalid(&list_page(&state, &user, &cap, form).await?);
        }
    };
    let defaults = head.kind.defaults();
    let units: Vec<(UnitId, UnitKind)> =
        candidates.units.iter().map(|(u, _, k)| (*u, *k)).collect();
    let fields = TeamFields {
        kind: head.kind,
        name: head.name,
        unit: head.unit,
        age_band: head.age_band,
        leader: head.leader,
        rule: defaults.rule,
        min_minutes: defaults.min_minutes,
        agenda: default_agenda(user.m, head.kind),
        active: true,
        members: default_units(head.kind, head.unit, &units)
            .into_iter()
            .map(|(u, on_demand)| MemberSpec {
                who: Who::Unit(u),
                on_demand,
            })
            .collect(),
    };
    let rid = user.ctx.request_id.clone();
    let mid = cap.municipality_id();
    let id = state
        .db
        .write(move |conn| db::create(conn, &cap, &fields, &rid))
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/team/{id}?melding=team-opprettet")).into_response())
}

/// One row of the members table: a unit or a person, and how it is on the
/// team («", "fast", "behov").
pub struct MemberRow {
    pub field: String,
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "meetings/team_form.html")]
struct FormPage {
    layout: Layout,
    municipality: String,
    action: String,
    name: String,
    kinds: Vec<Choice>,
    units: Vec<Choice>,
    bands: Vec<Choice>,
    staff: Vec<Choice>,
    weekdays: Vec<Choice>,
    unit_rows: Vec<MemberRow>,
    person_rows: Vec<MemberRow>,
    form: FormState,
}

fn full_fields(m: &Messages) -> [(&'static str, &'static str); 13] {
    [
        ("navn", m.teams_name),
        ("type", m.teams_kind),
        ("enhet", m.teams_unit),
        ("alder", m.teams_age_band),
        ("leder", m.teams_leader),
        ("regel", m.teams_rule),
        ("host", m.teams_min_autumn),
        ("var", m.teams_min_spring),
        ("ukedag", m.teams_weekday),
        ("minutter", m.teams_min_minutes),
        ("agenda", m.teams_agenda),
        ("medlemmer", m.teams_members),
        ("aktiv", m.teams_active),
    ]
}

fn weekdays(m: &Messages) -> Vec<Choice> {
    (1..=7)
        .map(|n| Choice {
            value: n.to_string(),
            label: weekday_label(m, n).into(),
        })
        .collect()
}

fn member_field(who: Who) -> String {
    match who {
        Who::Unit(u) => format!("m_enhet_{u}"),
        Who::User(u) => format!("m_person_{u}"),
    }
}

fn form_page(
    user: &SignedIn,
    cap: &TeamDefiner,
    id: StandingTeamId,
    name: String,
    candidates: &Candidates,
    form: FormState,
) -> FormPage {
    let m = user.m;
    let mid = cap.municipality_id();
    let row = |who: Who, label: String| {
        let field = member_field(who);
        MemberRow {
            value: form.value(&field).to_owned(),
            field,
            label,
        }
    };
    FormPage {
        layout: Layout::signed_in(user, m.teams_edit_title),
        municipality: mid.to_string(),
        action: format!("/kommuner/{mid}/team/{id}"),
        name,
        kinds: kinds(m),
        units: tst_units(candidates),
        bands: team_bands(m),
        staff: staff_choices(candidates),
        weekdays: weekdays(m),
        unit_rows: candidates
            .units
            .iter()
            .map(|(u, n, _)| row(Who::Unit(*u), n.clone()))
            .collect(),
        person_rows: candidates
            .staff
            .iter()
            .map(|(u, n, units)| row(Who::User(*u), format!("{n} ({units})")))
            .collect(),
        form: form.fields(&full_fields(m)),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, t)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = definer(&user, &m)?;
    let id: StandingTeamId = path_id(&t)?;
    let c = cap.clone();
    let (team, candidates) = state
        .db
        .read(move |conn| Ok((db::get(conn, &c, id)?, db::candidates(conn, &c)?)))
        .await?;
    let s = &team.summary;
    let (autumn, spring, weekday) = s.rule.to_stored();
    let mut values: Vec<(String, String)> = vec![
        ("navn".into(), s.name.clone()),
        ("type".into(), s.kind.code().into()),
        (
            "enhet".into(),
            s.unit.map(|u| u.to_string()).unwrap_or_default(),
        ),
        ("alder".into(), s.age_band.clone().unwrap_or_default()),
        (
            "leder".into(),
            s.leader.map(|u| u.to_string()).unwrap_or_default(),
        ),
        (
            "regel".into(),
            if weekday.is_some() {
                "ukentlig"
            } else {
                "semester"
            }
            .into(),
        ),
        ("host".into(), autumn.to_string()),
        ("var".into(), spring.to_string()),
        ("ukedag".into(), weekday.unwrap_or(1).to_string()),
        ("minutter".into(), s.min_minutes.to_string()),
        ("agenda".into(), s.agenda.clone()),
    ];
    if s.active {
        values.push(("aktiv".into(), "ja".into()));
    }
    for member in &team.members {
        values.push((
            member_field(member.who),
            if member.on_demand { "behov" } else { "fast" }.into(),
        ));
    }
    let mut p = form_page(
        &user,
        &cap,
        id,
        s.name.clone(),
        &candidates,
        FormState::with_values(values),
    );
    p.layout = p
        .layout
        .with_notice(notice_of(user.m, q.melding.as_deref()));
    page(&p)
}

/// Parses a whole number in `min..=max` for `field`.
fn number(p: &mut Problems, field: &'static str, raw: &str, min: i64, max: i64) -> Option<u32> {
    let raw = raw.trim();
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => u32::try_from(n).ok(),
        Ok(n) => {
            p.push(
                field,
                Problem::NumberOutside {
                    min,
                    max,
                    given: Some(n),
                },
            );
            None
        }
        Err(_) if raw.is_empty() => {
            p.push(field, Problem::Required);
            None
        }
        Err(_) => {
            p.push(
                field,
                Problem::NumberOutside {
                    min,
                    max,
                    given: None,
                },
            );
            None
        }
    }
}

fn parse_full(
    pairs: &[(String, String)],
    c: &Candidates,
) -> Result<TeamFields, Vec<laget_domain::validation::FieldError>> {
    let mut p = Problems::new();
    let head = parse_head(pairs, c, &mut p);
    let rule = match forms::get(pairs, "regel") {
        "semester" => {
            let max = i64::from(MAX_PER_SEMESTER);
            let autumn = number(&mut p, "host", forms::get(pairs, "host"), 0, max);
            let spring = number(&mut p, "var", forms::get(pairs, "var"), 0, max);
            autumn
                .zip(spring)
                .map(|(autumn, spring)| MeetingRule::PerSemester { autumn, spring })
        }
        "ukentlig" => {
            let day = forms::get(pairs, "ukedag")
                .parse::<i32>()
                .ok()
                .and_then(weekday_of);
            if day.is_none() {
                p.push("ukedag", Problem::Required);
            }
            day.map(MeetingRule::Weekly)
        }
        _ => {
            p.push("regel", Problem::Required);
            None
        }
    };
    let minutes = number(
        &mut p,
        "minutter",
        forms::get(pairs, "minutter"),
        0,
        i64::from(MAX_MIN_MINUTES),
    );
    let agenda = forms::get(pairs, "agenda").trim().to_owned();
    if agenda.chars().count() > 4000 {
        p.push("agenda", Problem::TooLong { max: 4000 });
    }
    let mut members = Vec::new();
    for (key, value) in pairs {
        let who = if let Some(raw) = key.strip_prefix("m_enhet_") {
            raw.parse::<UnitId>()
                .ok()
                .filter(|u| c.units.iter().any(|(id, _, _)| id == u))
                .map(Who::Unit)
        } else if let Some(raw) = key.strip_prefix("m_person_") {
            raw.parse::<UserId>()
                .ok()
                .filter(|u| c.staff.iter().any(|(id, _, _)| id == u))
                .map(Who::User)
        } else {
            continue;
        };
        let on_demand = match value.as_str() {
            "" => continue,
            "fast" => false,
            "behov" => true,
            _ => {
                p.push("medlemmer", Problem::UnknownChoice);
                continue;
            }
        };
        match who {
            Some(who) => members.push(MemberSpec { who, on_demand }),
            None => p.push("medlemmer", Problem::UnknownChoice),
        }
    }
    match (head, rule, minutes) {
        (Some(h), Some(rule), Some(min_minutes)) if p.is_empty() => Ok(TeamFields {
            kind: h.kind,
            name: h.name,
            unit: h.unit,
            age_band: h.age_band,
            leader: h.leader,
            rule,
            min_minutes,
            agenda,
            active: forms::get(pairs, "aktiv") == "ja",
            members,
        }),
        _ => Err(p.into_vec()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, t)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let cap = definer(&user, &m)?;
    let id: StandingTeamId = path_id(&t)?;
    let c = cap.clone();
    // Another municipality's team, or none: a 404 whatever the form says.
    let (team, candidates) = state
        .db
        .read(move |conn| Ok((db::get(conn, &c, id)?, db::candidates(conn, &c)?)))
        .await?;
    let pairs = forms::pairs(&body);
    let fields = match parse_full(&pairs, &candidates) {
        Ok(f) => f,
        Err(problems) => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, problems);
            return invalid(&form_page(
                &user,
                &cap,
                id,
                team.summary.name,
                &candidates,
                form,
            ));
        }
    };
    let rid = user.ctx.request_id.clone();
    let mid = cap.municipality_id();
    state
        .db
        .write(move |conn| db::update(conn, &cap, id, &fields, &rid))
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/team/{id}?melding=team-lagret")).into_response())
}

// ---------------------------------------------------------------------------
// The municipality's overview

pub struct OverviewRow {
    pub name: String,
    pub kind: &'static str,
    pub scope: String,
    pub leader: String,
    pub rule: String,
    pub required: u32,
    pub held: u32,
    pub planned: u32,
    pub short: Option<String>,
    pub report: String,
}

#[derive(Template)]
#[template(path = "meetings/team_overview.html")]
struct OverviewPage {
    layout: Layout,
    semester: String,
    rows: Vec<OverviewRow>,
    /// «2 team har for få møter dette semesteret.»
    short_notice: Option<String>,
    /// The administrator's link back to the list of teams.
    admin_href: Option<String>,
}

pub async fn overview(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
) -> Result<Response, AppError> {
    let mid: MunicipalityId = path_id(&m)?;
    let cap = user.actor.teams_overview(mid)?;
    let today = today();
    let semester = Semester::current(today);
    let (from, to) = bounds(semester);
    let teams = state
        .db
        .read(move |conn| db::overview(conn, &cap, from, to))
        .await?;
    let msg = user.m;
    let rows: Vec<OverviewRow> = teams
        .iter()
        .map(|(t, meetings)| {
            let dated: Vec<Dated> = meetings.iter().map(dated).collect();
            let s = Standing::of(t.rule, semester, &dated, today);
            OverviewRow {
                name: t.name.clone(),
                kind: kind_label(msg, t.kind),
                scope: scope_text(msg, t),
                leader: t.leader_name.clone().unwrap_or_default(),
                rule: rule_text(msg, t.rule),
                required: s.required,
                held: s.held,
                planned: s.planned,
                short: short_text(msg, &s),
                report: format!("/team/{}/rapport?ar={}", t.id, today.year()),
            }
        })
        .collect();
    page(&OverviewPage {
        layout: Layout::signed_in(&user, msg.teams_overview_title),
        semester: semester_label(msg, semester),
        short_notice: match rows.iter().filter(|r| r.short.is_some()).count() {
            0 => None,
            n => Some(msg.teams_overview_short.replace("{antall}", &n.to_string())),
        },
        rows,
        admin_href: user
            .actor
            .define_teams(mid)
            .is_ok()
            .then(|| format!("/kommuner/{mid}/team")),
    })
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
    let teams = state
        .db
        .read(move |conn| {
            let mut out = Vec::new();
            for (member, t) in db::my_teams(conn, &actor)? {
                let ms = db::meetings(conn, &member, from, to)?;
                out.push((member, t, ms));
            }
            Ok(out)
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
}

/// A case in the reader's words: named with the child only where the reader
/// may open its log; otherwise as an anonymous case.
pub(crate) fn case_row(m: &Messages, c: &TeamCase, meetings: &[TeamMeeting]) -> CaseRow {
    let band = c
        .age_band
        .as_deref()
        .map(|b| band_label(m, b))
        .unwrap_or_default();
    let title = match &c.named {
        Some((_, name)) => m
            .teams_case_named_title
            .replace("{navn}", name)
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
        cases: cases.iter().map(|c| case_row(m, c, &meetings)).collect(),
        may_plan: member.planner().is_ok(),
        may_bring: member.case_bringer().is_ok(),
        report: format!("/team/{}/rapport?ar={}", s.id, today.year()),
    };
    p.layout = p.layout.with_notice(notice_of(m, q.melding.as_deref()));
    page(&p)
}

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
    let team = state.db.read(move |c| db::of_member(c, &member)).await?;
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
    let team = state.db.read(move |c| db::of_member(c, &member)).await?;
    let pairs = forms::pairs(&body);
    let meeting = match parse_plan(user.m, &pairs, team.summary.min_minutes, today()) {
        Ok(x) => x,
        Err(form) => return invalid(&plan_page(&user, &team.summary, form)),
    };
    let team_id = team.summary.id;
    let id = state
        .db
        .write(move |c| db::plan(c, &planner, &meeting))
        .await?;
    Ok(Redirect::to(&format!("/team/{team_id}/moter/{id}?melding=mote-planlagt")).into_response())
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
    })
}
