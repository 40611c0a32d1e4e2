//! The counts of reports of concern for one municipality (issue #13, R2):
//! `/kommuner/{municipality}/bekymringsmeldinger/tall` (a page) and
//! `…/tall.csv` (for Excel), one year at a time (`?ar=2026`). Numbers only,
//! with 1–4 shown as «færre enn 5» and a further cell hidden wherever a
//! suppressed one could be worked out from the sum
//! (`laget_domain::reports::counts`). For the municipality's administrator,
//! the system administrator and the child welfare services that serve it
//! (`Actor::report_statistics`).

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::reports::inbox::outcome_text;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use laget_db::reports::stats::{self, ReportCounts};
use laget_domain::MunicipalityId;
use laget_domain::access::ReportStatistics;
use laget_domain::reports::counts::{Cell, publish};

#[derive(serde::Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    ar: Option<String>,
}

/// One row of a published table.
pub struct CountRow {
    pub label: String,
    pub count: String,
}

/// One published table with its sum.
pub struct CountTable {
    pub title: &'static str,
    pub rows: Vec<CountRow>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "reports/stats.html")]
struct StatsPage {
    layout: Layout,
    municipality: String,
    municipality_name: String,
    year: i32,
    tables: Vec<CountTable>,
    csv_href: String,
}

fn cell_text(m: &Messages, c: Cell) -> String {
    match c {
        Cell::Shown(n) => n.to_string(),
        Cell::Suppressed => m.bm_stats_suppressed.to_owned(),
        Cell::Hidden => m.bm_stats_hidden.to_owned(),
    }
}

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

fn table(m: &Messages, title: &'static str, rows: Vec<(String, u64)>) -> CountTable {
    let values: Vec<u64> = rows.iter().map(|(_, v)| *v).collect();
    let p = publish(&values);
    CountTable {
        title,
        rows: rows
            .into_iter()
            .zip(p.cells)
            .map(|((label, _), cell)| CountRow {
                label,
                count: cell_text(m, cell),
            })
            .collect(),
        total: cell_text(m, p.total),
    }
}

/// The three published tables: by who reported, by month, by outcome.
/// Unit kinds with no reports at all are left out of the first.
fn tables(m: &Messages, c: &ReportCounts) -> Vec<CountTable> {
    let kinds = c
        .by_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (m.unit_kind(*k).to_owned(), *n))
        .collect();
    let months = c
        .by_month
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("{} {}", MONTHS_NB[i], c.year), *n))
        .collect();
    let outcomes = c
        .by_outcome
        .iter()
        .map(|(o, n)| {
            (
                o.map_or(m.bm_stats_no_outcome, |o| outcome_text(m, o))
                    .to_owned(),
                *n,
            )
        })
        .collect();
    vec![
        table(m, m.bm_stats_by_kind, kinds),
        table(m, m.bm_stats_by_month, months),
        table(m, m.bm_stats_by_outcome, outcomes),
    ]
}

fn year_of(q: &YearQuery) -> Result<i32, AppError> {
    match q.ar.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today().year()),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(AppError::NotFound),
    }
}

async fn read(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
    year: i32,
) -> Result<(ReportStatistics, (String, String), ReportCounts), AppError> {
    let m: MunicipalityId = path_id(raw)?;
    let served = state
        .db
        .read(move |c| laget_db::lookup::child_welfare_serving(c, m))
        .await?;
    let cap = user.actor.report_statistics(m, &served)?;
    let rid = user.ctx.request_id.clone();
    let c2 = cap.clone();
    let (name, counts) = state
        .db
        .write(move |c| {
            let municipality = laget_db::admin::municipalities::get(c, m)?;
            Ok((
                (municipality.name, municipality.number),
                stats::counts(c, &c2, year, &rid)?,
            ))
        })
        .await?;
    Ok((cap, name, counts))
}

pub async fn page_of(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q)?;
    let (cap, (name, _), counts) = read(&state, &user, &raw, year).await?;
    let m = cap.municipality_id();
    page(&StatsPage {
        layout: Layout::signed_in(&user, user.m.bm_stats_title),
        municipality: m.to_string(),
        municipality_name: name,
        year,
        tables: tables(user.m, &counts),
        csv_href: format!("/kommuner/{m}/bekymringsmeldinger/tall.csv?ar={year}"),
    })
}

/// A CSV field for Excel: quoted when it holds the separator or a quote.
fn field(s: &str) -> String {
    if s.contains([';', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub async fn csv(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q)?;
    let (_, (_, number), counts) = read(&state, &user, &raw, year).await?;
    let m = user.m;
    // A byte-order mark so Excel reads UTF-8; semicolons as Excel in
    // Norway expects.
    let mut out = String::from("\u{feff}");
    out.push_str(&format!(
        "{};{};{}\r\n",
        field(m.bm_stats_title),
        field(m.bm_stats_group),
        field(m.bm_stats_count)
    ));
    for t in tables(m, &counts) {
        for r in &t.rows {
            out.push_str(&format!(
                "{};{};{}\r\n",
                field(t.title),
                field(&r.label),
                field(&r.count)
            ));
        }
        out.push_str(&format!(
            "{};{};{}\r\n",
            field(t.title),
            field(m.bm_stats_total),
            field(&t.total)
        ));
    }
    let filename = format!("bekymringsmeldinger-{number}-{year}.csv");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        out,
    )
        .into_response())
}
