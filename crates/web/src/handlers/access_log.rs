//! A unit's access log, for the unit's leader: who read or changed what, when
//! and on what ground, filtered by person, object and date. Reading the log is
//! itself recorded in it.

use crate::AppState;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::forms::FormState;
use crate::handlers::units::Choice;
use crate::handlers::{invalid, page, path_id};
use crate::i18n::NB;
use crate::layout::Layout;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::{access_log, units};
use laget_domain::UnitId;
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::validation::{Problems, parse_date};

/// Most rows shown at once; narrow the filter to see older ones.
const LIMIT: i64 = 200;

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
    let filter = access_log::Filter {
        actor: Some(q.person.trim().to_owned()).filter(|s| !s.is_empty()),
        object_id: Some(q.objekt.trim().to_owned()).filter(|s| !s.is_empty()),
        from: from.and_then(oslo_midnight),
        until: until
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .and_then(oslo_midnight),
    };
    let form = FormState::with_values([
        ("person", q.person),
        ("objekt", q.objekt),
        ("fra", q.fra),
        ("til", q.til),
    ])
    .with_problems(&NB, problems.into_vec())
    .fields(&[
        ("person", NB.access_log_person),
        ("objekt", NB.access_log_object),
        ("fra", NB.access_log_from),
        ("til", NB.access_log_until),
    ]);
    // A filter with errors is not applied half-way: no rows are shown until
    // it is corrected.
    let filter_valid = !form.has_errors();

    let request_id = user.ctx.request_id.clone();
    let (unit, entries, people, names) = state
        .db
        .write(move |c| {
            let unit = units::get_many(c, &[unit_id])?
                .pop()
                .ok_or(laget_db::DbError::NotFound)?;
            let entries = if filter_valid {
                access_log::list_for_unit(c, &reader, &filter, LIMIT)?
            } else {
                Vec::new()
            };
            let people = access_log::actors_for_unit(c, &reader)?;
            let names = access_log::object_names(c, &reader, &entries)?;
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
            Ok((unit, entries, people, names))
        })
        .await?;

    let lines = entries
        .into_iter()
        .map(|e| Line {
            when: e
                .at
                .with_timezone(&Oslo)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            who: e
                .actor_name
                .unwrap_or_else(|| NB.access_log_operator.to_owned()),
            what: NB.audit_code(&e.object_type),
            object_name: names.get(&e.object_id).cloned(),
            object_id: e.object_id,
            action: NB.audit_code(&e.action),
            ground: NB.audit_code(&e.ground),
            request_id: e.request_id,
        })
        .collect();
    let render = if filter_valid { page } else { invalid };
    render(&AccessLogPage {
        layout: Layout::signed_in(&user, NB.access_log_title),
        unit_name: unit.name,
        form,
        people: people
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect(),
        lines,
        limit: LIMIT,
        filter_valid,
    })
}
