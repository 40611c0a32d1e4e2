//! Import and export of a municipality's catalogue, for its administrator:
//! download the whole catalogue (JSON, CSV, CSV for Excel) and upload a file
//! (with a dry run). A file with any bad row changes nothing, and every
//! problem is listed by line and field.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form as forms;
use crate::extract::form::FormState;
use crate::extract::path::municipality_admin;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use laget_db::admin::municipalities::{self, Municipality};
use laget_db::catalogue::import::{self as offers_import, ImportReport, Outcome};
use laget_db::catalogue::offers;
use laget_domain::access::MunicipalityAdmin;
use laget_domain::catalogue::challenge_area_code;
use laget_domain::catalogue::io::{self as catalogue_io, FileFormat};
use laget_domain::validation::{Problem, Problems, required_text};

/// How many of a file's problems the page lists; the rest are counted. A
/// file of junk can have a hundred thousand, and a page listing them all is
/// megabytes that nobody reads: the first hundred show what is wrong.
pub const MAX_LISTED_PROBLEMS: usize = 100;

pub struct ReportLine {
    pub line: usize,
    pub name: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "admin/catalogue.html")]
struct CataloguePage {
    layout: Layout,
    /// The file's columns with what each holds.
    columns: Vec<(&'static str, &'static str)>,
    municipality: Municipality,
    errors: Vec<String>,
    /// «… og N flere feil» when more problems than are listed.
    more_errors: Option<String>,
    file_error: Option<&'static str>,
    report: Option<ImportReport>,
    report_lines: Vec<ReportLine>,
    dry_run: bool,
    areas: Vec<(String, String)>,
    /// The form with problems, if any: (which area, or "" for the new one; form).
    area_form: Option<(String, FormState)>,
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    cap: &MunicipalityAdmin,
    errors: Vec<String>,
    file_error: Option<&'static str>,
    report: Option<ImportReport>,
) -> Result<CataloguePage, AppError> {
    let mid = cap.municipality_id();
    let (municipality, areas) = state
        .db
        .read(move |c| {
            Ok((
                municipalities::get(c, mid)?,
                offers::challenge_areas(c, mid)?,
            ))
        })
        .await?;
    let dry_run = report.as_ref().is_some_and(|r| r.dry_run);
    let report_lines = report
        .as_ref()
        .map(|r| {
            r.rows
                .iter()
                .filter(|row| row.outcome != Outcome::Unchanged)
                .map(|row| ReportLine {
                    line: row.line,
                    name: row.name.clone(),
                    // «opprettet» reads right for one offer and for the totals.
                    outcome: match row.outcome {
                        Outcome::Created => user.m.catalogue_import_created,
                        Outcome::Updated => user.m.catalogue_import_updated,
                        Outcome::Proposed | Outcome::AlreadyProposed => {
                            user.m.catalogue_import_proposed
                        }
                        Outcome::Unchanged => user.m.catalogue_import_unchanged,
                    }
                    .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CataloguePage {
        columns: columns(user.m),
        layout: Layout::signed_in(user, user.m.catalogue_admin_title),
        municipality,
        errors,
        more_errors: None,
        file_error,
        report,
        report_lines,
        dry_run,
        areas,
        area_form: None,
    })
}

impl CataloguePage {
    /// What was typed for a new challenge area that had a problem.
    fn new_area_value(&self) -> &str {
        match &self.area_form {
            Some((failed, form)) if failed.is_empty() => form.value("nytt_navn"),
            _ => "",
        }
    }

    /// The rename form of `code`, if it came back with a problem.
    fn failed_area(&self, code: &str) -> Option<&FormState> {
        match &self.area_form {
            Some((failed, form)) if failed == code => Some(form),
            _ => None,
        }
    }

    fn new_area_error(&self) -> Option<&str> {
        match &self.area_form {
            Some((failed, form)) if failed.is_empty() => form.error("nytt_navn"),
            _ => None,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<crate::view::notice::NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mut body = render(&state, &user, &cap, Vec::new(), None, None).await?;
    body.layout = body
        .layout
        .with_notice(crate::view::notice::notice(user.m, &q));
    page(&body)
}

/// Adds a challenge area; the code is made from the name.
pub async fn add_area(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let pairs = forms::pairs(&body);
    let raw = forms::get(&pairs, "nytt_navn").to_owned();
    let parsed = required_text(&raw, 80).and_then(|name| Ok((challenge_area_code(&name)?, name)));
    let problem = match parsed {
        Ok((code, name)) => {
            let mid = cap.municipality_id();
            match state
                .db
                .write(move |c| offers::add_challenge_area(c, &cap, &code, &name))
                .await
            {
                Ok(()) => {
                    let to = format!("/kommuner/{mid}/tiltak?melding=omrade-lagt-til#omrader");
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(laget_db::DbError::Taken) => Problem::Taken,
                Err(e) => return Err(e.into()),
            }
        }
        Err(problem) => problem,
    };
    let mut p = Problems::new();
    p.push("nytt_navn", problem);
    let form = FormState::with_values([("nytt_navn", raw)]).with_problems(user.m, p.into_vec());
    let mut body = render(
        &state,
        &user,
        &municipality_admin(&user, &m)?,
        Vec::new(),
        None,
        None,
    )
    .await?;
    body.area_form = Some((
        String::new(),
        form.fields(&[("nytt_navn", user.m.areas_add)]),
    ));
    invalid(&body)
}

/// Renames a challenge area.
pub async fn rename_area(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, code)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let pairs = forms::pairs(&body);
    let raw = forms::get(&pairs, "navn").to_owned();
    let name = match required_text(&raw, 80) {
        Ok(name) => name,
        Err(problem) => {
            let mut p = Problems::new();
            p.push("navn", problem);
            let form = FormState::with_values([("navn", raw)]).with_problems(user.m, p.into_vec());
            let mut body = render(&state, &user, &cap, Vec::new(), None, None).await?;
            body.area_form = Some((code, form.fields(&[("navn", user.m.field_name)])));
            return invalid(&body);
        }
    };
    let mid = cap.municipality_id();
    state
        .db
        .write(move |c| offers::rename_challenge_area(c, &cap, &code, &name))
        .await?;
    Ok(Redirect::to(&format!(
        "/kommuner/{mid}/tiltak?melding=omrade-endret#omrader"
    ))
    .into_response())
}

pub async fn import(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parts = forms::multipart(content_type, &body).ok_or(AppError::BadRequest)?;
    let dry_run = parts
        .iter()
        .any(|p| p.name == "provekjoring" && p.bytes == b"ja");
    let file = parts
        .into_iter()
        .find(|p| p.name == "fil" && !p.bytes.is_empty());
    let format = file
        .as_ref()
        .and_then(|f| f.filename.as_deref())
        .and_then(FileFormat::from_file_name);
    let (Some(file), Some(format)) = (file, format) else {
        return invalid(
            &render(
                &state,
                &user,
                &cap,
                Vec::new(),
                Some(user.m.catalogue_import_no_file),
                None,
            )
            .await?,
        );
    };
    let text = catalogue_io::decode_text(&file.bytes);
    let today = today();
    let result = {
        let cap = municipality_admin(&user, &m)?;
        state
            .db
            .write(move |c| {
                offers_import::import_text(c, &cap, format, &text, today, dry_run, &mut |_| {})
            })
            .await?
    };
    match result {
        Ok(report) => page(&render(&state, &user, &cap, Vec::new(), None, Some(report)).await?),
        Err(errors) => {
            let lines = errors
                .iter()
                .take(MAX_LISTED_PROBLEMS)
                .map(|e| user.m.import_error(e, format))
                .collect();
            let mut body = render(&state, &user, &cap, lines, None, None).await?;
            let more = errors.len().saturating_sub(MAX_LISTED_PROBLEMS);
            if more > 0 {
                body.more_errors = Some(
                    user.m
                        .catalogue_import_more_errors
                        .replace("{antall}", &more.to_string()),
                );
            }
            invalid(&body)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

pub async fn export(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let (municipality, rows) = state
        .db
        .read(move |c| Ok((municipalities::get(c, mid)?, offers_import::export(c, mid)?)))
        .await?;
    let (body, content_type, extension) = match q.format.as_str() {
        "json" | "" => (
            catalogue_io::to_json(&rows),
            "application/json; charset=utf-8",
            "json",
        ),
        "csv" => (
            catalogue_io::to_csv(&rows, b',', false),
            "text/csv; charset=utf-8",
            "csv",
        ),
        "excel" => (
            catalogue_io::to_csv(&rows, b';', true),
            "text/csv; charset=utf-8",
            "csv",
        ),
        // An empty file for Excel: the header row only.
        "mal" => (
            catalogue_io::to_csv(&[], b';', true),
            "text/csv; charset=utf-8",
            "csv",
        ),
        _ => return Err(AppError::NotFound),
    };
    let filename = if q.format == "mal" {
        format!("tiltak-mal.{extension}")
    } else {
        format!(
            "tiltak-{}-{}.{extension}",
            municipality.number,
            today().format("%Y-%m-%d")
        )
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// What a file column holds, in Norwegian (the import page's column list).
fn column_help(m: &Messages, key: &str) -> &'static str {
    match key {
        "external_id" => m.import_column_external_id,
        "name" => m.import_column_name,
        "provider_unit" => m.import_column_provider_unit,
        "description" => m.import_column_description,
        "level" => m.import_column_level,
        "age_from" => m.import_column_age_from,
        "age_to" => m.import_column_age_to,
        "pregnant" => m.import_column_pregnant,
        "challenge_areas" => m.import_column_challenge_areas,
        "risk_factors" => m.import_column_risk_factors,
        "access" => m.import_column_access,
        "access_requirements" => m.import_column_access_requirements,
        "contact_person" => m.import_column_contact_person,
        "contact_phone" => m.import_column_contact_phone,
        "contact_email" => m.import_column_contact_email,
        "contact_address" => m.import_column_contact_address,
        "capacity" => m.import_column_capacity,
        "waiting_weeks" => m.import_column_waiting_weeks,
        "evidence_level" => m.import_column_evidence_level,
        "evidence_local" => m.import_column_evidence_local,
        "evidence_link" => m.import_column_evidence_link,
        "cost" => m.import_column_cost,
        "languages" => m.import_column_languages,
        "status" => m.import_column_status,
        "valid_from" => m.import_column_valid_from,
        "valid_to" => m.import_column_valid_to,
        "ladder_step" => m.import_column_ladder_step,
        "next_steps" => m.import_column_next_steps,
        _ => "",
    }
}

/// Every column of an import file with its help text.
fn columns(m: &Messages) -> Vec<(&'static str, &'static str)> {
    catalogue_io::COLUMNS
        .iter()
        .map(|c| (*c, column_help(m, c)))
        .collect()
}
