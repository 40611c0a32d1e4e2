//! The JSON API for integrations: the catalogue of measures, read-only and
//! public, with the same filters and sorting as the `/tiltak` page, ETags for
//! caching, and an OpenAPI document (`/api/openapi.json`) shown at `/api/docs`.
//! The API has no write operations yet; when it gets them they go through the
//! same `db` functions and capabilities as the pages.

use crate::AppState;
use crate::catalogue::public::{ListQuery, ParsedQuery, parse_query, step_name};
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::Ctx;
use crate::i18n::Messages;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use laget_db::admin::municipalities::{self, Municipality};
use laget_db::admin::units;
use laget_db::catalogue::offers::{self, Offer};
use laget_domain::ids::OfferId;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::{OpenApi, ToSchema};

/// An offer in the catalogue.
#[derive(Serialize, ToSchema)]
pub struct OfferJson {
    id: String,
    /// The municipality's own id for the offer, if it has one (imports).
    external_id: Option<String>,
    name: String,
    provider: ProviderJson,
    description: String,
    /// universell, selektiv or indikert.
    level: String,
    age_from: u8,
    age_to: u8,
    /// Also for pregnant women and expecting parents.
    pregnant: bool,
    /// Challenge-area codes of the municipality.
    challenge_areas: Vec<String>,
    /// Risk factors 1–8.
    risk_factors: Vec<u8>,
    /// selvhenvisning, henvisning or vedtak.
    access: String,
    access_requirements: String,
    contact: ContactJson,
    capacity: String,
    waiting_weeks: Option<u16>,
    evidence: EvidenceJson,
    cost: String,
    languages: Vec<String>,
    /// publisert (the API shows published offers only).
    status: String,
    /// ISO date.
    valid_from: Option<String>,
    valid_to: Option<String>,
    /// 1 (for alle) to 5 (omfattende tiltak).
    ladder_step: u8,
    /// The page for people.
    url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProviderJson {
    id: String,
    name: String,
    kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactJson {
    person: String,
    phone: String,
    email: String,
    address: String,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceJson {
    /// 0–5 as in Ungsinn.
    level: u8,
    evaluated_locally: bool,
    link: String,
}

/// One page of search results.
#[derive(Serialize, ToSchema)]
pub struct OfferPage {
    municipality: String,
    total: i64,
    page: i64,
    page_size: i64,
    offers: Vec<OfferJson>,
}

/// What was wrong with the request, parameter by parameter (in Norwegian).
#[derive(Serialize, ToSchema)]
pub struct ApiErrors {
    errors: Vec<ApiError>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiError {
    parameter: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct LadderJson {
    municipality: String,
    areas: Vec<LadderAreaJson>,
}

#[derive(Serialize, ToSchema)]
pub struct LadderAreaJson {
    code: String,
    name: String,
    steps: Vec<LadderStepJson>,
}

#[derive(Serialize, ToSchema)]
pub struct LadderStepJson {
    step: u8,
    name: String,
    offers: Vec<OfferRefJson>,
}

#[derive(Serialize, ToSchema)]
pub struct OfferRefJson {
    id: String,
    name: String,
}

fn to_json(o: &Offer, number: &str) -> OfferJson {
    let f = &o.fields;
    OfferJson {
        id: o.id.to_string(),
        external_id: o.external_id.clone(),
        name: f.name.clone(),
        provider: ProviderJson {
            id: f.provider_unit.to_string(),
            name: o.provider_name.clone(),
            kind: o.provider_kind.code().to_owned(),
        },
        description: f.description.clone(),
        level: f.level.code().to_owned(),
        age_from: f.age_from,
        age_to: f.age_to,
        pregnant: f.pregnant,
        challenge_areas: f.challenge_areas.clone(),
        risk_factors: f.risk_factors.clone(),
        access: f.access.code().to_owned(),
        access_requirements: f.access_requirements.clone(),
        contact: ContactJson {
            person: f.contact_person.clone(),
            phone: f.contact_phone.clone(),
            email: f.contact_email.clone(),
            address: f.contact_address.clone(),
        },
        capacity: f.capacity.clone(),
        waiting_weeks: f.waiting_weeks,
        evidence: EvidenceJson {
            level: f.evidence_level,
            evaluated_locally: f.evidence_local,
            link: f.evidence_link.clone(),
        },
        cost: f.cost.clone(),
        languages: f.languages.clone(),
        status: f.status.code().to_owned(),
        valid_from: f.valid_from.map(|d| d.to_string()),
        valid_to: f.valid_to.map(|d| d.to_string()),
        ladder_step: f.ladder_step,
        url: format!("/tiltak/{}?kommune={number}", o.id),
    }
}

/// A JSON response with an ETag; answers 304 when the client has it already.
fn cached_json(headers: &HeaderMap, value: &impl Serialize) -> Result<Response, AppError> {
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}

fn bad_request(m: &Messages, errors: Vec<laget_domain::validation::FieldError>) -> Response {
    let body = ApiErrors {
        errors: errors
            .into_iter()
            .map(|e| ApiError {
                parameter: e.field.to_owned(),
                message: if e.field == "alder" {
                    m.catalogue_bad_age.to_owned()
                } else {
                    m.problem(e.problem)
                },
            })
            .collect(),
    };
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// The municipality a request names by number, or the only one.
async fn municipality(state: &AppState, number: &str) -> Result<Municipality, AppError> {
    let all = state.db.read(municipalities::list).await?;
    let number = number.trim();
    if number.is_empty() {
        return match all.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(AppError::NotFound),
        };
    }
    all.into_iter()
        .find(|m| m.number == number)
        .ok_or(AppError::NotFound)
}

/// Search the catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/offers",
    tag = "tiltak",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of published offers", body = OfferPage),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A parameter is not valid", body = ApiErrors),
        (status = 404, description = "No such municipality, or `kommune` is needed because there are several"),
    )
)]
pub async fn list(
    ctx: Ctx,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let m = municipality(&state, &q.kommune).await?;
    let mid = m.id;
    let (areas, unit_list) = state
        .db
        .read(move |c| {
            Ok((
                offers::challenge_areas(c, mid)?,
                units::list_in_municipality(c, mid)?,
            ))
        })
        .await?;
    let parsed: ParsedQuery = match parse_query(&q, &areas, &unit_list) {
        Ok(p) => p,
        Err(errors) => return Ok(bad_request(ctx.m, errors)),
    };
    let page_no = parsed.page;
    let search = parsed.search(mid);
    let page_size = search.limit;
    let (found, total) = state.db.read(move |c| offers::search(c, &search)).await?;
    let body = OfferPage {
        municipality: m.number.clone(),
        total,
        page: page_no,
        page_size,
        offers: found.iter().map(|o| to_json(o, &m.number)).collect(),
    };
    cached_json(&headers, &body)
}

/// One published offer.
#[utoipa::path(
    get,
    path = "/api/v1/offers/{id}",
    tag = "tiltak",
    params(("id" = String, Path, description = "The offer's id (UUID)")),
    responses(
        (status = 200, description = "The offer", body = OfferJson),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No published offer has this id"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id: OfferId = path_id(&raw)?;
    let offer = state.db.read(move |c| offers::get(c, id)).await?;
    if !offer.fields.is_public_on(today()) {
        return Err(AppError::NotFound);
    }
    let mid = offer.municipality_id;
    let m = state.db.read(move |c| municipalities::get(c, mid)).await?;
    cached_json(&headers, &to_json(&offer, &m.number))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LadderQuery {
    /// The municipality's number; optional when there is only one.
    #[serde(default)]
    kommune: String,
}

/// The measure ladder: for each challenge area, the published offers step by step.
#[utoipa::path(
    get,
    path = "/api/v1/ladders",
    tag = "tiltak",
    params(LadderQuery),
    responses(
        (status = 200, description = "The ladders", body = LadderJson),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such municipality"),
    )
)]
pub async fn ladders(
    ctx: Ctx,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LadderQuery>,
) -> Result<Response, AppError> {
    let m = municipality(&state, &q.kommune).await?;
    let mid = m.id;
    let today = today();
    let ladder = state
        .db
        .read(move |c| offers::ladder(c, mid, today))
        .await?;
    let body = LadderJson {
        municipality: m.number,
        areas: ladder
            .into_iter()
            .map(|a| LadderAreaJson {
                code: a.code,
                name: a.name,
                steps: a
                    .steps
                    .into_iter()
                    .map(|(step, list)| LadderStepJson {
                        step,
                        name: step_name(ctx.m, step),
                        offers: list
                            .iter()
                            .map(|o| OfferRefJson {
                                id: o.id.to_string(),
                                name: o.fields.name.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    cached_json(&headers, &body)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Laget API",
        version = "1",
        description = "Kommunens tiltaksoversikt som JSON. Åpent, bare lesing."
    ),
    paths(list, get, ladders),
    components(schemas(
        OfferPage,
        OfferJson,
        ProviderJson,
        ContactJson,
        EvidenceJson,
        ApiErrors,
        ApiError,
        LadderJson,
        LadderAreaJson,
        LadderStepJson,
        OfferRefJson
    ))
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn openapi(headers: HeaderMap) -> Result<Response, AppError> {
    cached_json(&headers, &ApiDoc::openapi())
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    layout: Layout,
}

/// Swagger UI for the OpenAPI document.
pub async fn docs(ctx: Ctx) -> Result<Response, AppError> {
    let mut layout = Layout::anonymous(&ctx, "API");
    layout
        .stylesheets
        .push(crate::view::assets::url("swagger-ui.css"));
    layout.scripts = vec![
        crate::view::assets::url("swagger-ui-bundle.js"),
        crate::view::assets::url("api-docs.js"),
    ];
    page(&DocsPage { layout })
}
