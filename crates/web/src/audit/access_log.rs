//! A unit's access log, for the unit's leader: who read or changed what, when
//! and on what ground, filtered by person, object (a child's name or an id)
//! and date, a page at a time. Objects are named where the leader may see the
//! name: users and units, and a child or a log only where the leader may open
//! it (`db::access_log::object_names`). Reading the log is itself recorded
//! in it.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::FormState;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::{admin::units, audit as access_log};
use laget_domain::UnitId;
use laget_domain::audit::{AccessRecord, Action, ObjectType, Principal, Scope};
use laget_domain::validation::{Problems, parse_date};

/// Rows on one page; older ones are on the next.
const LIMIT: i64 = 100;
const PAGE_ROWS: usize = 100;

#[derive(serde::Deserialize, Default)]
pub struct FilterQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    objekt: String,
    #[serde(default)]
    fra: String,
    #[serde(default)]
    til: String,
    /// The next page: rows older than this row number.
    #[serde(default, rename = "for")]
    before: String,
}

pub struct Line {
    pub when: String,
    pub who: String,
    pub what: String,
    pub object_id: String,
    /// The user's or unit's name, when the object is one.
    pub object_name: Option<String>,
    pub action: String,
    pub ground: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    layout: Layout,
    unit_name: String,
    form: FormState,
    people: Vec<Choice>,
    lines: Vec<Line>,
    limit: i64,
    filter_valid: bool,
    /// The next page (older rows), if there is one.
    older_href: Option<String>,
    /// The first page, when this is a later one.
    newest_href: Option<String>,
}

/// Who acted in a row, as a leader reads it: the staff member's name,
/// «innbygger» or the operator; a row whose stored principal names no one
/// (changed outside Laget) says so.
pub(crate) fn who(m: &Messages, entry: &access_log::Entry) -> String {
    match entry.principal {
        Some(Principal::Staff(user)) => {
            entry.actor_name.clone().unwrap_or_else(|| user.to_string())
        }
        Some(Principal::Citizen(_)) => m.access_log_citizen.to_owned(),
        Some(Principal::Operator) => m.access_log_operator.to_owned(),
        None => m.access_log_unknown_principal.to_owned(),
    }
}

/// This page's address with the filter and `before` (the next page's start).
fn page_href(unit: UnitId, q: &[(&str, &str)], before: Option<i64>) -> String {
    let before = before.map(|b| b.to_string());
    let mut pairs: Vec<(&str, &str)> = q.iter().filter(|(_, v)| !v.is_empty()).copied().collect();
    if let Some(b) = &before {
        pairs.push(("for", b));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("/enheter/{unit}/tilgangslogg?{query}")
}

/// Start of a day in Oslo, as UTC.
fn oslo_midnight(date: NaiveDate) -> Option<chrono::DateTime<Utc>> {
    Oslo.from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

pub async fn get(
    State(state): State<AppState>,
    user: SignedIn,
    Path(u): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Response, AppError> {
    let reader = user.actor.read_unit_access_log(path_id::<UnitId>(&u)?)?;
    let unit_id = reader.unit_id();

    let mut problems = Problems::new();
    let from = problems.check("fra", parse_date(&q.fra)).flatten();
    let until = problems.check("til", parse_date(&q.til)).flatten();
    let reversed = matches!((from, until), (Some(f), Some(u)) if u < f);
    let object = q.objekt.trim().to_owned();
    // An id is looked for as it is; anything else is a child's name.
    let object_is_id = object.parse::<uuid::Uuid>().is_ok();
    let before = q.before.trim().parse::<i64>().ok().filter(|b| *b > 0);
    let mut filter = access_log::Filter {
        actor: Some(q.person.trim().to_owned()).filter(|s| !s.is_empty()),
        objects: object_is_id.then(|| vec![object.clone()]),
        from: from.and_then(oslo_midnight),
        until: until
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .and_then(oslo_midnight),
        before,
    };
    let query: Vec<(&str, String)> = vec![
        ("person", q.person.clone()),
        ("objekt", q.objekt.clone()),
        ("fra", q.fra.clone()),
        ("til", q.til.clone()),
    ];
    let mut form = FormState::with_values(query.clone()).with_problems(user.m, problems.into_vec());
    if reversed {
        form.add_error("til", user.m.access_log_reversed);
    }

    let request_id = user.ctx.request_id.clone();
    let actor = user.actor.clone();
    let today = chrono::Utc::now().with_timezone(&Oslo).date_naive();
    let form_ok = !form.has_errors();
    let name_wanted = form_ok && !object.is_empty() && !object_is_id;
    let (unit, entries, more, people, names, no_child) = state
        .db
        .write(move |c| {
            let unit = units::get_many(c, &[unit_id])?
                .pop()
                .ok_or(laget_db::DbError::NotFound)?;
            let mut no_child = false;
            if name_wanted {
                let objects = access_log::names::objects_of_children_named(
                    c, &reader, &actor, &object, today,
                )?;
                no_child = objects.is_empty();
                filter.objects = Some(objects);
            }
            // A filter with errors is not applied half-way: no rows are
            // shown until it is corrected.
            let mut entries = if form_ok && !no_child {
                access_log::list_for_unit(c, &reader, &filter, LIMIT + 1)?
            } else {
                Vec::new()
            };
            // The row past the page only tells that there is a next page.
            let more = entries.len() > PAGE_ROWS;
            entries.truncate(PAGE_ROWS);
            let people = access_log::actors_for_unit(c, &reader)?;
            let names = access_log::names::object_names(c, &reader, &actor, &entries, today)?;
            let scope = Scope {
                municipality_id: None,
                unit_id: Some(unit_id),
            };
            let record = AccessRecord::new(
                &reader,
                ObjectType::AccessLog,
                unit_id,
                Action::Read,
                scope,
                &request_id,
            );
            access_log::append(c, &record)?;
            Ok((unit, entries, more, people, names, no_child))
        })
        .await?;
    if no_child {
        form.add_error("objekt", user.m.access_log_no_child);
    }
    let form = form.fields(&[
        ("person", user.m.access_log_person),
        ("objekt", user.m.access_log_object),
        ("fra", user.m.access_log_from),
        ("til", user.m.access_log_until),
    ]);
    let filter_valid = !form.has_errors();
    let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let older_href = entries
        .last()
        .filter(|_| more)
        .map(|e| page_href(unit_id, &query, Some(e.seq)));
    let newest_href = before.map(|_| page_href(unit_id, &query, None));

    let lines = entries
        .into_iter()
        .map(|e| Line {
            when: e
                .at
                .with_timezone(&Oslo)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            who: who(user.m, &e),
            what: user.m.audit_code(&e.object_type),
            object_name: names.get(&e.object_id).cloned(),
            object_id: e.object_id,
            action: user.m.audit_code(&e.action),
            ground: user.m.audit_code(&e.ground),
            request_id: e.request_id,
        })
        .collect();
    let render = if filter_valid { page } else { invalid };
    render(&AccessLogPage {
        layout: Layout::signed_in(&user, user.m.access_log_title),
        unit_name: unit.name,
        form,
        people: people
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect(),
        lines,
        limit: LIMIT,
        filter_valid,
        older_href,
        newest_href,
    })
}
