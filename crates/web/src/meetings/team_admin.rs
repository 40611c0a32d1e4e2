//! Defining standing teams (the municipality's administrator) and the
//! municipality's overview of its teams:
//!
//! - `/kommuner/{municipality}/team`: the list and a short form that makes
//!   a team with the defaults of its kind (a TST: its school or
//!   kindergarten, PPT, the health nurse and child welfare fixed, NAV on
//!   demand, ≥ 2 meetings in autumn and ≥ 3 in spring, 2.5 hours, the
//!   three-part agenda); `…/team/{team}`: the team's own form, which
//!   changes everything;
//! - `…/team/oversikt`: every active team's meetings this semester against
//!   its rule, short ones marked (counts only), for the administrator and
//!   the municipality's unit leaders.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{band_label, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use laget_db::meetings::teams::{self as db, Candidates, MemberSpec, TeamFields, Who};
use laget_domain::access::TeamDefiner;
use laget_domain::admin::unit::UnitKind;
use laget_domain::ids::StandingTeamId;
use laget_domain::meetings::teams::{
    Dated, MAX_MIN_MINUTES, MAX_PER_SEMESTER, MeetingRule, Semester, Standing, TEAM_AGE_BANDS,
    TeamKind, default_units, weekday_of,
};
use laget_domain::validation::{Problem, Problems, required_text};
use laget_domain::{MunicipalityId, UnitId, UserId};

use super::teams::{
    NoticeQuery, bounds, dated, kind_label, notice_of, rule_text, scope_text, semester_label,
    short_text, weekday_label,
};

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
