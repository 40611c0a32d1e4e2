//! The public catalogue of measures: the searchable list (`/tiltak`), one
//! offer (`/tiltak/{id}`) and the measure ladder (`/tiltakstrapp`). No login
//! is needed; the public sees published offers only.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::FormState;
use crate::extract::path::path_id;
use crate::extract::user::{Ctx, MaybeSignedIn, SignedIn};
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use laget_db::admin::municipalities::{self, Municipality};
use laget_db::admin::units;
use laget_db::catalogue::offers::{self, Offer, Search, Visibility};
use laget_domain::admin::unit::UnitKind;
use laget_domain::catalogue::{
    AccessRoute, AgeFilter, OfferFilter, OfferSort, PreventionLevel, ProposalStatus, RISK_FACTORS,
};
use laget_domain::ids::OfferId;
use laget_domain::validation::{Problem, Problems};
use laget_domain::{MunicipalityId, UnitId};

/// Offers per page.
const PAGE_SIZE: i64 = 20;

/// An offer in a list.
pub struct OfferCard {
    pub href: String,
    pub name: String,
    pub provider: String,
    pub level: &'static str,
    pub ages: String,
    pub access: &'static str,
    pub areas: Vec<String>,
    pub status: &'static str,
    pub published: bool,
}

/// «0–5 år», «Gravide», «Gravide og 0–1 år».
pub fn ages(m: &Messages, o: &Offer) -> String {
    let f = &o.fields;
    let range = if f.age_from == f.age_to {
        format!("{} {}", f.age_from, m.catalogue_years)
    } else {
        format!("{}–{} {}", f.age_from, f.age_to, m.catalogue_years)
    };
    if f.pregnant {
        format!("{}, {}", m.catalogue_pregnant, range)
    } else {
        range
    }
}

pub fn area_names(o: &Offer, areas: &[(String, String)]) -> Vec<String> {
    o.fields
        .challenge_areas
        .iter()
        .map(|code| {
            areas
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| code.clone())
        })
        .collect()
}

pub fn card(
    m: &Messages,
    o: &Offer,
    areas: &[(String, String)],
    municipality_number: &str,
) -> OfferCard {
    OfferCard {
        href: format!("/tiltak/{}?kommune={municipality_number}", o.id),
        name: o.fields.name.clone(),
        provider: o.provider_name.clone(),
        level: m.level(o.fields.level),
        ages: ages(m, o),
        access: m.access(o.fields.access),
        areas: area_names(o, areas),
        status: m.offer_status(o.fields.status),
        published: o.fields.status == laget_domain::catalogue::OfferStatus::Publisert,
    }
}

/// Which municipality's catalogue to show: the one named by `?kommune=`
/// (its number), the only one, or the signed-in user's.
async fn municipality(
    state: &AppState,
    raw: &str,
    user: Option<&SignedIn>,
) -> Result<Option<Municipality>, AppError> {
    let raw = raw.trim().to_owned();
    let preferred: Vec<MunicipalityId> = user
        .map(|u| {
            let mut ids: Vec<_> = u
                .actor
                .memberships()
                .iter()
                .map(|m| m.municipality_id)
                .collect();
            ids.dedup();
            ids
        })
        .unwrap_or_default();
    let all = state.db.read(municipalities::list).await?;
    if !raw.is_empty() {
        return all
            .into_iter()
            .find(|m| m.number == raw)
            .map(Some)
            .ok_or(AppError::NotFound);
    }
    if let [only] = all.as_slice() {
        return Ok(Some(only.clone()));
    }
    Ok(preferred
        .first()
        .and_then(|p| all.iter().find(|m| m.id == *p).cloned()))
}

#[derive(serde::Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The municipality's number; optional when there is only one.
    #[serde(default)]
    pub kommune: String,
    /// Words that must all occur in the name, description or provider.
    #[serde(default)]
    q: String,
    /// An age (`9`), a range (`6-12`) or `gravide`.
    #[serde(default)]
    alder: String,
    /// `universell`, `selektiv` or `indikert`.
    #[serde(default)]
    niva: String,
    /// A challenge-area code, e.g. `skolefravaer`.
    #[serde(default)]
    utfordring: String,
    /// A risk factor, 1–8.
    #[serde(default)]
    risiko: String,
    /// The providing unit's id.
    #[serde(default)]
    tilbyder: String,
    /// The providing unit's kind, e.g. `helsestasjon`.
    #[serde(default)]
    enhetstype: String,
    /// `selvhenvisning`, `henvisning` or `vedtak`.
    #[serde(default)]
    tilgang: String,
    /// `navn` (default), `niva`, `alder` or `nyeste`.
    #[serde(default)]
    sorter: String,
    /// Page number, from 1; 20 offers a page.
    #[serde(default)]
    side: String,
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kommune", self.kommune.clone()),
            ("q", self.q.clone()),
            ("alder", self.alder.clone()),
            ("niva", self.niva.clone()),
            ("utfordring", self.utfordring.clone()),
            ("risiko", self.risiko.clone()),
            ("tilbyder", self.tilbyder.clone()),
            ("enhetstype", self.enhetstype.clone()),
            ("tilgang", self.tilgang.clone()),
            ("sorter", self.sorter.clone()),
        ]
    }

    /// This search's URL with another page number.
    fn with_page(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .pairs()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if page > 1 {
            pairs.push(("side", page.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            "/tiltak".into()
        } else {
            format!("/tiltak?{query}")
        }
    }
}

/// Reads an age filter: «9», «6-12», «6–12» or «gravide».
pub fn parse_age(raw: &str) -> Result<Option<AgeFilter>, Problem> {
    let raw = raw.trim().to_lowercase();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw == "gravide" || raw == "gravid" {
        return Ok(Some(AgeFilter::Pregnant));
    }
    let age = |s: &str| {
        s.trim()
            .parse::<u8>()
            .ok()
            .filter(|a| *a <= laget_domain::catalogue::MAX_AGE)
    };
    let parsed = match raw.split_once(['-', '–']) {
        Some((a, b)) => age(a)
            .zip(age(b))
            .filter(|(a, b)| a <= b)
            .map(|(from, to)| AgeFilter::Range { from, to }),
        None => age(&raw).map(|a| AgeFilter::Range { from: a, to: a }),
    };
    parsed.map(Some).ok_or(Problem::NotANumberInRange)
}

fn optional<T>(
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, Problem>,
) -> Result<Option<T>, Problem> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw.trim()).map(Some)
    }
}

/// The choices the filter form offers, from the municipality's data.
pub struct FilterChoices {
    pub areas: Vec<Choice>,
    pub providers: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub risks: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub accesses: Vec<Choice>,
    pub sorts: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "catalogue/list.html")]
struct ListPage {
    layout: Layout,
    municipality: Option<Municipality>,
    municipalities: Vec<Municipality>,
    form: FormState,
    choices: FilterChoices,
    offers: Vec<OfferCard>,
    total: i64,
    valid: bool,
    pages: Vec<(i64, String, bool)>,
    previous: Option<String>,
    next: Option<String>,
}

/// The cache key of an anonymous visitor's page; staff get fresh pages.
fn public_key(user: &Option<SignedIn>, uri: &Uri) -> Option<String> {
    user.is_none()
        .then(|| format!("{}?{}@{}", uri.path(), uri.query().unwrap_or(""), today()))
}

/// Serves a public page from the cache, or renders it and keeps it.
async fn cached<F>(state: &AppState, key: Option<String>, render: F) -> Result<Response, AppError>
where
    F: Future<Output = Result<Response, AppError>>,
{
    let Some(key) = key else { return render.await };
    if let Some(body) = state.public_cache.get(&key) {
        return Ok(Html(body).into_response());
    }
    let ticket = state.public_cache.ticket();
    let response = render.await?;
    if response.status() != StatusCode::OK {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(AppError::internal)?;
    state.public_cache.put(ticket, key, bytes.clone());
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    MaybeSignedIn(user): MaybeSignedIn,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let key = public_key(&user, &uri);
    cached(&state, key, render_list(state.clone(), ctx, user, q)).await
}

async fn render_list(
    state: AppState,
    ctx: Ctx,
    user: Option<SignedIn>,
    q: ListQuery,
) -> Result<Response, AppError> {
    let layout = Layout::visitor(&ctx, user.as_ref(), ctx.m.catalogue_title).with_htmx();
    let Some(m) = municipality(&state, &q.kommune, user.as_ref()).await? else {
        let municipalities = state.db.read(municipalities::list).await?;
        return page(&ListPage {
            layout,
            municipality: None,
            municipalities,
            form: FormState::default(),
            choices: FilterChoices::empty(),
            offers: Vec::new(),
            total: 0,
            valid: true,
            pages: Vec::new(),
            previous: None,
            next: None,
        });
    };
    // One trip to the database: the choices, then (if the filter reads)
    // the search.
    let mid = m.id;
    let query = q.clone();
    let (areas, unit_list, outcome) = state
        .db
        .read(move |c| {
            let areas = offers::challenge_areas(c, mid)?;
            let unit_list = units::list_in_municipality(c, mid)?;
            let outcome = match parse_query(&query, &areas, &unit_list) {
                Ok(parsed) => {
                    let page = parsed.page;
                    Ok((page, offers::search(c, &parsed.search(mid))?))
                }
                Err(problems) => Err(problems),
            };
            Ok((areas, unit_list, outcome))
        })
        .await?;
    let problems = outcome.as_ref().err().cloned().unwrap_or_default();
    let mut form = FormState::with_values(q.pairs()).with_problems(ctx.m, problems);
    // The age field has its own, more helpful message.
    for e in &mut form.errors {
        if e.field == "alder" {
            e.message = ctx.m.catalogue_bad_age.to_owned();
        }
    }
    let form = form.fields(&[
        ("q", ctx.m.catalogue_search),
        ("alder", ctx.m.catalogue_age),
        ("utfordring", ctx.m.catalogue_area),
        ("risiko", ctx.m.catalogue_risk),
        ("niva", ctx.m.catalogue_level),
        ("tilgang", ctx.m.catalogue_access),
        ("tilbyder", ctx.m.catalogue_provider),
        ("enhetstype", ctx.m.catalogue_unit_kind),
    ]);
    let valid = !form.has_errors();
    let choices = FilterChoices::new(ctx.m, &areas, &unit_list);

    let (page_no, (found, total)) = outcome.unwrap_or((1, (Vec::new(), 0)));
    let last_page = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let pages = (1..=last_page)
        .map(|p| (p, q.with_page(p), p == page_no))
        .collect();
    let cards = found
        .iter()
        .map(|o| card(ctx.m, o, &areas, &m.number))
        .collect();
    let body = ListPage {
        layout,
        municipality: Some(m),
        municipalities: Vec::new(),
        form,
        choices,
        offers: cards,
        total,
        valid,
        pages,
        previous: (page_no > 1).then(|| q.with_page(page_no - 1)),
        next: (page_no < last_page).then(|| q.with_page(page_no + 1)),
    };
    if valid { page(&body) } else { invalid(&body) }
}

/// A search read from the query string.
pub struct ParsedQuery {
    pub filter: OfferFilter,
    pub sort: OfferSort,
    pub page: i64,
}

impl ParsedQuery {
    /// The public search of municipality `m` for this page.
    pub fn search(self, m: MunicipalityId) -> Search {
        Search {
            municipality: Some(m),
            filter: self.filter,
            sort: self.sort,
            visibility: Visibility::Public(today()),
            offset: (self.page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        }
    }
}

/// Reads the filters, sort and page of a catalogue search (the page's and
/// the API's); every problem is kept under its parameter's name.
pub fn parse_query(
    q: &ListQuery,
    areas: &[(String, String)],
    unit_list: &[units::Unit],
) -> Result<ParsedQuery, Vec<laget_domain::validation::FieldError>> {
    let mut problems = Problems::new();
    let age = problems.check("alder", parse_age(&q.alder)).flatten();
    let level = problems
        .check("niva", optional(&q.niva, PreventionLevel::from_code))
        .flatten();
    let area = problems
        .check(
            "utfordring",
            optional(&q.utfordring, |a| {
                areas
                    .iter()
                    .find(|(c, _)| c == a)
                    .map(|(c, _)| c.clone())
                    .ok_or(Problem::UnknownChoice)
            }),
        )
        .flatten();
    let risk = problems
        .check(
            "risiko",
            optional(&q.risiko, |r| {
                r.parse::<u8>()
                    .ok()
                    .filter(|r| (1..=8).contains(r))
                    .ok_or(Problem::UnknownChoice)
            }),
        )
        .flatten();
    let provider = problems
        .check(
            "tilbyder",
            optional(&q.tilbyder, |u| {
                u.parse::<UnitId>()
                    .ok()
                    .filter(|u| unit_list.iter().any(|x| x.id == *u))
                    .ok_or(Problem::UnknownChoice)
            }),
        )
        .flatten();
    let unit_kind = problems
        .check("enhetstype", optional(&q.enhetstype, UnitKind::from_code))
        .flatten();
    let access = problems
        .check("tilgang", optional(&q.tilgang, AccessRoute::from_code))
        .flatten();
    let sort = OfferSort::from_code(q.sorter.trim()).unwrap_or_default();
    let page_no = q
        .side
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let text = Some(q.q.trim().to_owned()).filter(|t| !t.is_empty());

    if !problems.is_empty() {
        return Err(problems.into_vec());
    }
    Ok(ParsedQuery {
        filter: OfferFilter {
            text,
            age,
            level,
            area,
            risk,
            provider,
            unit_kind,
            access,
        },
        sort,
        page: page_no,
    })
}

/// The prevention levels as choices, with what each means.
pub fn level_choices(m: &Messages) -> Vec<Choice> {
    PreventionLevel::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().into(),
            label: format!("{} ({})", m.level(*l), m.level_hint(*l)),
        })
        .collect()
}

/// The eight risk factors as choices.
pub fn risk_choices(m: &Messages) -> Vec<Choice> {
    RISK_FACTORS
        .iter()
        .map(|(n, _)| Choice {
            value: n.to_string(),
            label: format!("{n}. {}", m.risk_factor(*n).unwrap_or_default()),
        })
        .collect()
}

/// The municipality's challenge areas as choices.
pub fn area_choices(areas: &[(String, String)]) -> Vec<Choice> {
    areas
        .iter()
        .map(|(c, n)| Choice {
            value: c.clone(),
            label: n.clone(),
        })
        .collect()
}

/// The ways of access as choices.
pub fn access_choices(m: &Messages) -> Vec<Choice> {
    AccessRoute::ALL
        .iter()
        .map(|a| Choice {
            value: a.code().into(),
            label: m.access(*a).into(),
        })
        .collect()
}

impl FilterChoices {
    fn empty() -> Self {
        Self {
            areas: vec![],
            providers: vec![],
            levels: vec![],
            risks: vec![],
            kinds: vec![],
            accesses: vec![],
            sorts: vec![],
        }
    }

    pub fn new(m: &Messages, areas: &[(String, String)], unit_list: &[units::Unit]) -> Self {
        let mut kinds: Vec<UnitKind> = unit_list.iter().map(|u| u.kind).collect();
        kinds.sort_by_key(|k| UnitKind::ALL.iter().position(|x| x == k));
        kinds.dedup();
        Self {
            areas: area_choices(areas),
            providers: unit_list
                .iter()
                .map(|u| Choice {
                    value: u.id.to_string(),
                    label: u.name.clone(),
                })
                .collect(),
            levels: level_choices(m),
            risks: risk_choices(m),
            kinds: kinds
                .into_iter()
                .map(|k| Choice {
                    value: k.code().into(),
                    label: m.unit_kind(k).into(),
                })
                .collect(),
            accesses: access_choices(m),
            sorts: OfferSort::ALL
                .iter()
                .map(|s| Choice {
                    value: s.code().into(),
                    label: m.sort(*s).into(),
                })
                .collect(),
        }
    }
}

/// The name of a ladder step.
pub fn step_name(m: &Messages, step: u8) -> String {
    let name = m.ladder_step(step).unwrap_or("");
    format!("{} {step}: {name}", m.offer_step)
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "catalogue/detail.html")]
struct DetailPage {
    layout: Layout,
    offer: Offer,
    card: OfferCard,
    paragraphs: Vec<String>,
    risks: Vec<String>,
    evidence: String,
    step: String,
    next: Vec<Link>,
    below: Vec<Link>,
    ladder_href: String,
    list_href: String,
    can_edit: bool,
    can_see_history: bool,
    pending: bool,
}

/// Who may see an offer that is not public: its editors, the coordinating
/// unit and the administrators of its municipality.
pub fn is_staff_for(user: Option<&SignedIn>, o: &Offer) -> bool {
    user.is_some_and(|u| {
        u.actor.edit_offers_of(o.fields.provider_unit).is_ok()
            || u.actor.review_catalogue(o.municipality_id).is_ok()
            || u.actor.administer(o.municipality_id).is_ok()
    })
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    MaybeSignedIn(user): MaybeSignedIn,
    uri: Uri,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let key = public_key(&user, &uri);
    cached(&state, key, render_detail(state.clone(), ctx, user, raw)).await
}

async fn render_detail(
    state: AppState,
    ctx: Ctx,
    user: Option<SignedIn>,
    raw: String,
) -> Result<Response, AppError> {
    let id: OfferId = path_id(&raw)?;
    let today = today();
    let offer = state.db.read(move |c| offers::get(c, id)).await?;
    let staff = is_staff_for(user.as_ref(), &offer);
    if !offer.fields.is_public_on(today) && !staff {
        return Err(AppError::NotFound);
    }
    let mid = offer.municipality_id;
    let around = offer.clone();
    let (m, areas, neighbours, pending) = state
        .db
        .read(move |c| {
            Ok((
                municipalities::get(c, mid)?,
                offers::challenge_areas(c, mid)?,
                offers::neighbours(c, &around, today)?,
                offers::proposals_for(c, id)?
                    .iter()
                    .any(|p| p.status == ProposalStatus::Venter),
            ))
        })
        .await?;
    let step = offer.fields.ladder_step;
    let link = |o: &Offer| Link {
        href: format!("/tiltak/{}?kommune={}", o.id, m.number),
        label: o.fields.name.clone(),
        detail: format!(
            "{} · {} · {}",
            step_name(ctx.m, o.fields.ladder_step),
            o.provider_name,
            ages(ctx.m, o)
        ),
    };
    // «Hvis dette ikke er nok» and the step below (`offers::neighbours`,
    // which the measure page shares).
    let next: Vec<Link> = neighbours.next.iter().map(link).collect();
    let below: Vec<Link> = neighbours.below.iter().map(link).collect();
    let f = &offer.fields;
    let evidence = ctx
        .m
        .evidence_level(f.evidence_level)
        .map(|s| format!("{} – {s}", f.evidence_level))
        .unwrap_or_default();
    let risks = f
        .risk_factors
        .iter()
        .filter_map(|r| ctx.m.risk_factor(*r).map(|s| format!("{r}. {s}")))
        .collect();
    let paragraphs = f
        .description
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let can_edit = user
        .as_ref()
        .is_some_and(|u| u.actor.edit_offers_of(f.provider_unit).is_ok());
    page(&DetailPage {
        layout: Layout::visitor(&ctx, user.as_ref(), &f.name),
        card: card(ctx.m, &offer, &areas, &m.number),
        paragraphs,
        risks,
        evidence,
        step: step_name(ctx.m, step),
        next,
        below,
        ladder_href: format!("/tiltakstrapp?kommune={}", m.number),
        list_href: format!("/tiltak?kommune={}", m.number),
        can_edit,
        can_see_history: staff,
        pending: pending && staff,
        offer,
    })
}

pub struct LadderStepView {
    pub name: String,
    pub offers: Vec<Link>,
    /// Bar height in the drawing.
    pub height: usize,
    pub x: usize,
    pub y: usize,
    pub count: usize,
}

pub struct LadderAreaView {
    pub code: String,
    pub name: String,
    pub steps: Vec<LadderStepView>,
}

#[derive(Template)]
#[template(path = "catalogue/ladder.html")]
struct LadderPage {
    layout: Layout,
    municipality: Option<Municipality>,
    municipalities: Vec<Municipality>,
    areas: Vec<LadderAreaView>,
}

pub async fn ladder(
    State(state): State<AppState>,
    ctx: Ctx,
    MaybeSignedIn(user): MaybeSignedIn,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let key = public_key(&user, &uri);
    cached(&state, key, render_ladder(state.clone(), ctx, user, q)).await
}

async fn render_ladder(
    state: AppState,
    ctx: Ctx,
    user: Option<SignedIn>,
    q: ListQuery,
) -> Result<Response, AppError> {
    let layout = Layout::visitor(&ctx, user.as_ref(), ctx.m.ladder_title);
    let Some(m) = municipality(&state, &q.kommune, user.as_ref()).await? else {
        let municipalities = state.db.read(municipalities::list).await?;
        return page(&LadderPage {
            layout,
            municipality: None,
            municipalities,
            areas: Vec::new(),
        });
    };
    let mid = m.id;
    let today = today();
    let ladder = state
        .db
        .read(move |c| offers::ladder(c, mid, today))
        .await?;
    let number = m.number.clone();
    let areas = ladder
        .into_iter()
        .map(|area| LadderAreaView {
            code: area.code,
            name: area.name,
            steps: area
                .steps
                .iter()
                .enumerate()
                .map(|(i, (step, list))| LadderStepView {
                    name: step_name(ctx.m, *step),
                    offers: list
                        .iter()
                        .map(|o| Link {
                            href: format!("/tiltak/{}?kommune={number}", o.id),
                            label: o.fields.name.clone(),
                            detail: format!("{} · {}", o.provider_name, ages(ctx.m, o)),
                        })
                        .collect(),
                    // Bars stand on y = 120, under room for the
                    // tallest bar's count; the step names go below.
                    height: 20 * (i + 1),
                    x: 10 + 44 * i,
                    y: 120 - 20 * (i + 1),
                    count: list.len(),
                })
                .collect(),
        })
        .collect();
    page(&LadderPage {
        layout,
        municipality: Some(m),
        municipalities: Vec::new(),
        areas,
    })
}
