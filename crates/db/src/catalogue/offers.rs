//! The catalogue of measures: offers, their versions, proposed changes that
//! wait for the coordinating unit, the ladder, and search.

use crate::codes::Stored;
use crate::schema::{
    challenge_areas, offer_areas, offer_documents, offer_next_steps, offer_proposals, offer_risks,
    offer_versions, offers, unit_municipalities, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use laget_domain::access::{CatalogueReviewer, EditsOffers, MunicipalityAdmin, OfferScope};
use laget_domain::admin::unit::UnitKind;
use laget_domain::catalogue::{
    AgeFilter, OfferFields, OfferFilter, OfferSort, OfferStatus, PreventionLevel, ProposalStatus,
    search_text, search_words,
};
use laget_domain::ids::{OfferId, ProposalId};
use laget_domain::{MunicipalityId, UnitId};

/// An offer as stored.
#[derive(Clone, Debug)]
pub struct Offer {
    pub id: OfferId,
    pub municipality_id: MunicipalityId,
    pub external_id: Option<String>,
    pub fields: OfferFields,
    pub provider_name: String,
    pub provider_kind: UnitKind,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// (id, municipality, external id, version, created, updated, provider name, provider kind)
type OfferRow = (
    String,
    String,
    Option<String>,
    i32,
    i64,
    i64,
    String,
    String,
);

fn columns() -> (
    offers::id,
    offers::municipality_id,
    offers::external_id,
    offers::version,
    offers::created_at,
    offers::updated_at,
    units::name,
    units::kind,
) {
    (
        offers::id,
        offers::municipality_id,
        offers::external_id,
        offers::version,
        offers::created_at,
        offers::updated_at,
        units::name,
        units::kind,
    )
}

fn decode_fields(json: &str) -> DbResult<OfferFields> {
    serde_json::from_str(json).map_err(|e| DbError::Corrupt(format!("offer fields: {e}")))
}

fn encode_fields(fields: &OfferFields) -> DbResult<String> {
    serde_json::to_string(fields).map_err(|e| DbError::Corrupt(format!("offer fields: {e}")))
}

/// Turns narrow rows into offers, reading the documents of just these rows.
fn hydrate(conn: &mut DbConnection, rows: Vec<OfferRow>) -> DbResult<Vec<Offer>> {
    let mut docs = std::collections::HashMap::with_capacity(rows.len());
    // In chunks: engines limit the number of bound parameters.
    for chunk in rows.chunks(1_000) {
        let ids: Vec<&String> = chunk.iter().map(|r| &r.0).collect();
        docs.extend(
            offer_documents::table
                .filter(offer_documents::offer_id.eq_any(ids))
                .select((offer_documents::offer_id, offer_documents::fields_json))
                .load::<(String, String)>(conn)?,
        );
    }
    assemble(rows, &docs)
}

/// Offers from narrow rows and their documents (by offer id).
fn assemble(
    rows: Vec<OfferRow>,
    docs: &std::collections::HashMap<String, String>,
) -> DbResult<Vec<Offer>> {
    rows.into_iter()
        .map(|r| {
            let json = docs
                .get(&r.0)
                .ok_or_else(|| DbError::Corrupt(format!("offer {} has no document", r.0)))?;
            Ok(Offer {
                id: parse_id(&r.0)?,
                municipality_id: parse_id(&r.1)?,
                external_id: r.2,
                fields: decode_fields(json)?,
                version: r.3,
                created_at: from_micros(r.4),
                updated_at: from_micros(r.5),
                provider_name: r.6,
                provider_kind: UnitKind::from_code(&r.7)
                    .map_err(|_| DbError::Corrupt(format!("unit kind {}", r.7)))?,
            })
        })
        .collect()
}

fn hydrate_one(conn: &mut DbConnection, row: OfferRow) -> DbResult<Offer> {
    hydrate(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The municipality's challenge areas (code, name), in their order.
pub fn challenge_areas(
    conn: &mut DbConnection,
    m: MunicipalityId,
) -> DbResult<Vec<(String, String)>> {
    Ok(challenge_areas::table
        .filter(challenge_areas::municipality_id.eq(m.to_string()))
        .order((challenge_areas::position, challenge_areas::name))
        .select((challenge_areas::code, challenge_areas::name))
        .load(conn)?)
}

/// Adds a challenge area to the municipality's list (its administrator).
pub fn add_challenge_area(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    code: &str,
    name: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    let position: Option<i32> = challenge_areas::table
        .filter(challenge_areas::municipality_id.eq(&m))
        .select(diesel::dsl::max(challenge_areas::position))
        .first(conn)?;
    diesel::insert_into(challenge_areas::table)
        .values((
            challenge_areas::municipality_id.eq(&m),
            challenge_areas::code.eq(code),
            challenge_areas::name.eq(name),
            challenge_areas::position.eq(position.unwrap_or(0) + 1),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    Ok(())
}

/// Renames a challenge area (its code, used in files and links, stays).
pub fn rename_challenge_area(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    code: &str,
    name: &str,
) -> DbResult<()> {
    let n = diesel::update(
        challenge_areas::table
            .filter(challenge_areas::municipality_id.eq(cap.municipality_id().to_string()))
            .filter(challenge_areas::code.eq(code)),
    )
    .set(challenge_areas::name.eq(name))
    .execute(conn)?;
    if n == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

pub(crate) fn serves(conn: &mut DbConnection, unit: UnitId, m: MunicipalityId) -> DbResult<bool> {
    let n: i64 = unit_municipalities::table
        .filter(unit_municipalities::unit_id.eq(unit.to_string()))
        .filter(unit_municipalities::municipality_id.eq(m.to_string()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Whether `cap` may write offers of `m` provided by `provider`.
fn ensure_scope(
    conn: &mut DbConnection,
    cap: &dyn EditsOffers,
    m: MunicipalityId,
    provider: UnitId,
) -> DbResult<()> {
    let within = match cap.offer_scope() {
        OfferScope::Unit(unit) => unit == provider,
        OfferScope::Municipality(own) => own == m,
    };
    if within && serves(conn, provider, m)? {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

fn level_rank(level: PreventionLevel) -> i32 {
    match level {
        PreventionLevel::Universell => 1,
        PreventionLevel::Selektiv => 2,
        PreventionLevel::Indikert => 3,
    }
}

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn provider_name(conn: &mut DbConnection, unit: UnitId) -> DbResult<String> {
    Ok(units::table
        .find(unit.to_string())
        .select(units::name)
        .first(conn)?)
}

/// Writes the searchable columns and the area/risk rows for `fields`.
fn store(
    conn: &mut DbConnection,
    id: OfferId,
    fields: &OfferFields,
    version: i32,
    now: i64,
) -> DbResult<()> {
    let provider = provider_name(conn, fields.provider_unit)?;
    diesel::update(offers::table.find(id.to_string()))
        .set((
            offers::provider_unit_id.eq(fields.provider_unit.to_string()),
            offers::name.eq(&fields.name),
            offers::level.eq(fields.level.code()),
            offers::level_rank.eq(level_rank(fields.level)),
            offers::age_from.eq(i32::from(fields.age_from)),
            offers::age_to.eq(i32::from(fields.age_to)),
            offers::pregnant.eq(fields.pregnant),
            offers::access.eq(fields.access.code()),
            offers::status.eq(fields.status.code()),
            offers::ladder_step.eq(i32::from(fields.ladder_step)),
            offers::valid_from.eq(iso(fields.valid_from)),
            offers::valid_to.eq(iso(fields.valid_to)),
            offers::version.eq(version),
            offers::updated_at.eq(now),
        ))
        .execute(conn)?;
    let document = (
        offer_documents::fields_json.eq(encode_fields(fields)?),
        offer_documents::search_text.eq(search_text(fields, &provider)),
    );
    let updated = diesel::update(offer_documents::table.find(id.to_string()))
        .set(document.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(offer_documents::table)
            .values((offer_documents::offer_id.eq(id.to_string()), document))
            .execute(conn)?;
    }
    diesel::delete(offer_areas::table.filter(offer_areas::offer_id.eq(id.to_string())))
        .execute(conn)?;
    for area in &fields.challenge_areas {
        diesel::insert_into(offer_areas::table)
            .values((
                offer_areas::offer_id.eq(id.to_string()),
                offer_areas::area_code.eq(area),
            ))
            .execute(conn)?;
    }
    diesel::delete(offer_risks::table.filter(offer_risks::offer_id.eq(id.to_string())))
        .execute(conn)?;
    for risk in &fields.risk_factors {
        diesel::insert_into(offer_risks::table)
            .values((
                offer_risks::offer_id.eq(id.to_string()),
                offer_risks::risk.eq(i32::from(*risk)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn record_version(
    conn: &mut DbConnection,
    id: OfferId,
    version: i32,
    actor: Option<String>,
    kind: &str,
    fields: &OfferFields,
    now: i64,
) -> DbResult<()> {
    diesel::insert_into(offer_versions::table)
        .values((
            offer_versions::id.eq(uuid::Uuid::now_v7().to_string()),
            offer_versions::offer_id.eq(id.to_string()),
            offer_versions::version.eq(version),
            offer_versions::at.eq(now),
            offer_versions::actor_id.eq(actor),
            offer_versions::kind.eq(kind),
            offer_versions::fields_json.eq(encode_fields(fields)?),
        ))
        .execute(conn)?;
    Ok(())
}

/// Creates an offer of municipality `m`.
pub fn create(
    conn: &mut DbConnection,
    cap: &dyn EditsOffers,
    m: MunicipalityId,
    fields: &OfferFields,
    external_id: Option<&str>,
) -> DbResult<OfferId> {
    ensure_scope(conn, cap, m, fields.provider_unit)?;
    let id = OfferId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(offers::table)
        .values((
            offers::id.eq(id.to_string()),
            offers::municipality_id.eq(m.to_string()),
            offers::external_id.eq(external_id),
            offers::provider_unit_id.eq(fields.provider_unit.to_string()),
            offers::name.eq(&fields.name),
            offers::level.eq(fields.level.code()),
            offers::level_rank.eq(level_rank(fields.level)),
            offers::age_from.eq(0),
            offers::age_to.eq(0),
            offers::pregnant.eq(false),
            offers::access.eq(fields.access.code()),
            offers::status.eq(fields.status.code()),
            offers::ladder_step.eq(1),
            offers::version.eq(1),
            offers::created_at.eq(now),
            offers::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    store(conn, id, fields, 1, now)?;
    record_version(
        conn,
        id,
        1,
        cap.actor().map(|a| a.to_string()),
        "opprettet",
        fields,
        now,
    )?;
    Ok(id)
}

/// What became of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Nothing differed.
    Unchanged,
    /// Applied at once (a draft, or an editorial change).
    Saved,
    /// The editorial part (if any) was applied; the substantive part waits
    /// for the coordinating unit as this proposal.
    Proposed(ProposalId),
    /// A proposal was already waiting: the new substantive changes were
    /// added to it (see `OfferFields::extend_proposal`), nothing dropped.
    Extended(ProposalId),
}

/// Changes an offer. Substantive changes to a published offer become a
/// proposal that the coordinating unit must approve (due `due`); the rest
/// applies at once. Every applied change is a new version.
pub fn update(
    conn: &mut DbConnection,
    cap: &dyn EditsOffers,
    id: OfferId,
    new: &OfferFields,
    due: NaiveDate,
) -> DbResult<SaveOutcome> {
    let current = get(conn, id)?;
    ensure_scope(
        conn,
        cap,
        current.municipality_id,
        current.fields.provider_unit,
    )?;
    ensure_scope(conn, cap, current.municipality_id, new.provider_unit)?;
    if *new == current.fields {
        return Ok(SaveOutcome::Unchanged);
    }
    let actor = cap.actor().map(|a| a.to_string());
    let substantive = current.fields.substantive_changes(new);
    let now = to_micros(Utc::now());
    let apply_now = if substantive.is_empty() {
        new.clone()
    } else {
        new.with_substantive_from(&current.fields)
    };
    if apply_now != current.fields {
        let version = current.version + 1;
        store(conn, id, &apply_now, version, now)?;
        record_version(conn, id, version, actor.clone(), "endret", &apply_now, now)?;
    }
    if substantive.is_empty() {
        return Ok(SaveOutcome::Saved);
    }
    // A proposal already waiting is extended, never replaced: what it
    // proposes stays unless this change proposes something else for the same
    // part. Its due date stays too.
    let waiting: Option<(String, String)> = offer_proposals::table
        .filter(offer_proposals::offer_id.eq(id.to_string()))
        .filter(offer_proposals::status.eq(ProposalStatus::Venter.code()))
        .order(offer_proposals::proposed_at.desc())
        .select((offer_proposals::id, offer_proposals::fields_json))
        .first(conn)
        .optional()?;
    if let Some((existing, json)) = waiting {
        let pid: ProposalId = parse_id(&existing)?;
        let before = decode_fields(&json)?;
        let merged = current.fields.extend_proposal(&before, new);
        if current.fields.with_substantive_from(&merged)
            == current.fields.with_substantive_from(&before)
        {
            return Ok(SaveOutcome::Proposed(pid));
        }
        diesel::update(offer_proposals::table.find(&existing))
            .set((
                offer_proposals::changes.eq(current.fields.substantive_changes(&merged).join(",")),
                offer_proposals::fields_json.eq(encode_fields(&merged)?),
            ))
            .execute(conn)?;
        return Ok(SaveOutcome::Extended(pid));
    }
    let encoded = encode_fields(new)?;
    let pid = ProposalId::new();
    diesel::insert_into(offer_proposals::table)
        .values((
            offer_proposals::id.eq(pid.to_string()),
            offer_proposals::offer_id.eq(id.to_string()),
            offer_proposals::proposed_by.eq(actor),
            offer_proposals::proposed_at.eq(now),
            offer_proposals::due_date.eq(due.format("%Y-%m-%d").to_string()),
            offer_proposals::changes.eq(substantive.join(",")),
            offer_proposals::fields_json.eq(encoded),
            offer_proposals::status.eq(ProposalStatus::Venter.code()),
            offer_proposals::comment.eq(""),
        ))
        .execute(conn)?;
    Ok(SaveOutcome::Proposed(pid))
}

pub fn get(conn: &mut DbConnection, id: OfferId) -> DbResult<Offer> {
    let row: OfferRow = offers::table
        .inner_join(units::table)
        .filter(offers::id.eq(id.to_string()))
        .select(columns())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    hydrate_one(conn, row)
}

/// The offer of `m` with this external id (imports).
pub fn find_external(
    conn: &mut DbConnection,
    m: MunicipalityId,
    external_id: &str,
) -> DbResult<Option<Offer>> {
    let row: Option<OfferRow> = offers::table
        .inner_join(units::table)
        .filter(offers::municipality_id.eq(m.to_string()))
        .filter(offers::external_id.eq(external_id))
        .select(columns())
        .first(conn)
        .optional()?;
    row.map(|r| hydrate_one(conn, r)).transpose()
}

/// Which offers a search may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Published and valid on that day: what the public sees.
    Public(NaiveDate),
    /// Everything, drafts included (editors' own lists, exports).
    All,
}

#[derive(Clone, Debug)]
pub struct Search {
    pub municipality: Option<MunicipalityId>,
    pub filter: OfferFilter,
    pub sort: OfferSort,
    pub visibility: Visibility,
    pub offset: i64,
    pub limit: i64,
}

/// The words of a free-text search as a condition on `offers`, answered
/// from the trigram index of each engine (migration 000021). Each word
/// matches where it occurs in an offer's `search_text`, inside a word too,
/// exactly as [`OfferFilter::matches`] does: words of three characters or
/// more through the index, shorter words (no trigram) checked on the rows
/// that the rest of the search leaves.
#[derive(Clone, Debug)]
enum TextMatch {
    Sqlite {
        /// The FTS5 query: each indexed word a phrase, all required. With
        /// the trigram tokenizer a phrase matches wherever its characters
        /// occur in a row. Words are alphanumeric (`search_words`), so they
        /// need no escaping inside the quotes.
        fts5: Option<String>,
        short: Vec<String>,
    },
    Postgres {
        /// `%word%` for each indexed word: pg_trgm's GIN index answers
        /// LIKE, rechecking each candidate.
        like: Vec<String>,
        short: Vec<String>,
    },
    /// Each word checked on each row's document (`instr`/`strpos`), for a
    /// walk through the offers in the page's order that stops at the page's
    /// end (see [`search`]): no index read, a few rows checked when most
    /// offers match.
    Walk {
        position: &'static str,
        words: Vec<String>,
    },
}

impl TextMatch {
    /// The condition for `text`, or none when it has no words; `walk`: as
    /// a check on each row (see [`TextMatch::Walk`]).
    fn new(sqlite: bool, text: Option<&str>, walk: bool) -> Option<Self> {
        if walk {
            let words = text.map(search_words).unwrap_or_default();
            return (!words.is_empty()).then_some(TextMatch::Walk {
                position: if sqlite { "instr" } else { "strpos" },
                words,
            });
        }
        let (indexed, short): (Vec<_>, Vec<_>) = text
            .map(search_words)
            .unwrap_or_default()
            .into_iter()
            .partition(|w| w.chars().count() >= 3);
        if indexed.is_empty() && short.is_empty() {
            return None;
        }
        Some(if sqlite {
            TextMatch::Sqlite {
                fts5: (!indexed.is_empty()).then(|| {
                    indexed
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                short,
            }
        } else {
            TextMatch::Postgres {
                like: indexed.iter().map(|w| format!("%{w}%")).collect(),
                short,
            }
        })
    }
}

impl Expression for TextMatch {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for TextMatch {}

impl<QS> SelectableExpression<QS> for TextMatch {}

impl ValidGrouping<()> for TextMatch {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryId for TextMatch {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// ` AND position(column, word) > 0` for each of `words`: by position, not
/// LIKE, which PostgreSQL would send to the trigram index that has nothing
/// to offer for words this short.
fn contains_all<'b, DB>(
    out: &mut AstPass<'_, 'b, DB>,
    position: &str,
    column: &str,
    words: &'b [String],
) -> QueryResult<()>
where
    DB: diesel::backend::Backend,
    String: diesel::serialize::ToSql<Text, DB>,
{
    for word in words {
        out.push_sql(&format!(" AND {position}({column}, "));
        out.push_bind_param::<Text, String>(word)?;
        out.push_sql(") > 0");
    }
    Ok(())
}

impl<DB> QueryFragment<DB> for TextMatch
where
    DB: diesel::backend::Backend,
    String: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(1 = 1");
        match self {
            TextMatch::Sqlite { fts5, short } => {
                if let Some(query) = fts5 {
                    out.push_sql(
                        " AND offers.id IN (SELECT offer_id FROM offer_search_keys WHERE id IN \
                         (SELECT rowid FROM offer_search WHERE offer_search MATCH ",
                    );
                    out.push_bind_param::<Text, String>(query)?;
                    out.push_sql("))");
                }
                if !short.is_empty() {
                    // Each remaining row's document, by key.
                    out.push_sql(
                        " AND EXISTS (SELECT 1 FROM offer_documents d \
                         WHERE d.offer_id = offers.id",
                    );
                    contains_all(&mut out, "instr", "d.search_text", short)?;
                    out.push_sql(")");
                }
            }
            TextMatch::Postgres { like, short } if !like.is_empty() => {
                // One index scan for all the words; the short ones on its
                // candidates.
                out.push_sql(" AND offers.id IN (SELECT offer_id FROM offer_documents WHERE TRUE");
                for pattern in like {
                    out.push_sql(" AND search_text LIKE ");
                    out.push_bind_param::<Text, String>(pattern)?;
                }
                contains_all(&mut out, "strpos", "search_text", short)?;
                out.push_sql(")");
            }
            TextMatch::Postgres { short, .. } => {
                out.push_sql(
                    " AND EXISTS (SELECT 1 FROM offer_documents d WHERE d.offer_id = offers.id",
                );
                contains_all(&mut out, "strpos", "d.search_text", short)?;
                out.push_sql(")");
            }
            TextMatch::Walk { position, words } => {
                out.push_sql(
                    " AND EXISTS (SELECT 1 FROM offer_documents d WHERE d.offer_id = offers.id",
                );
                contains_all(&mut out, position, "d.search_text", words)?;
                out.push_sql(")");
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

/// An offer's challenge area or risk factor as a condition checked on each
/// row (`EXISTS` by the offer's key), for the walk of [`search`]: an
/// `IN (…)` list would have the engine read the list first and sort.
#[derive(Clone, Debug)]
enum Member {
    Area(String),
    Risk(i32),
}

impl Expression for Member {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for Member {}

impl<QS> SelectableExpression<QS> for Member {}

impl ValidGrouping<()> for Member {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryId for Member {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for Member
where
    DB: diesel::backend::Backend,
    String: diesel::serialize::ToSql<Text, DB>,
    i32: diesel::serialize::ToSql<diesel::sql_types::Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match self {
            Member::Area(code) => {
                out.push_sql(
                    "EXISTS (SELECT 1 FROM offer_areas a WHERE a.offer_id = offers.id \
                     AND a.area_code = ",
                );
                out.push_bind_param::<Text, String>(code)?;
            }
            Member::Risk(risk) => {
                out.push_sql(
                    "EXISTS (SELECT 1 FROM offer_risks r WHERE r.offer_id = offers.id \
                     AND r.risk = ",
                );
                out.push_bind_param::<diesel::sql_types::Integer, i32>(risk)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

/// The offers of `search` (joined with their providers), its filters as
/// conditions; `walk`: every condition checked on each row (see [`search`]).
macro_rules! filtered {
    ($conn:expr, $search:expr) => {
        filtered!($conn, $search, false)
    };
    ($conn:expr, $search:expr, $walk:expr) => {{
        let walk: bool = $walk;
        let sqlite = matches!($conn, DbConnection::Sqlite(_));
        let s: &Search = $search;
        let mut q = offers::table.inner_join(units::table).into_boxed();
        if let Some(m) = s.municipality {
            q = q.filter(offers::municipality_id.eq(m.to_string()));
        }
        if let Visibility::Public(today) = s.visibility {
            let today = today.format("%Y-%m-%d").to_string();
            q = q
                .filter(offers::status.eq(OfferStatus::Publisert.code()))
                .filter(
                    offers::valid_from
                        .is_null()
                        .or(offers::valid_from.le(today.clone())),
                )
                .filter(offers::valid_to.is_null().or(offers::valid_to.ge(today)));
        }
        let f = &s.filter;
        if let Some(text) = TextMatch::new(sqlite, f.text.as_deref(), walk) {
            q = q.filter(text);
        }
        match f.age {
            Some(AgeFilter::Range { from, to }) => {
                q = q
                    .filter(offers::age_from.le(i32::from(to)))
                    .filter(offers::age_to.ge(i32::from(from)));
            }
            Some(AgeFilter::Pregnant) => q = q.filter(offers::pregnant.eq(true)),
            None => {}
        }
        if let Some(level) = f.level {
            q = q.filter(offers::level.eq(level.code()));
        }
        if let Some(area) = f.area.as_ref().filter(|_| walk) {
            q = q.filter(Member::Area(area.clone()));
        } else if let Some(area) = &f.area {
            q = q.filter(
                offers::id.eq_any(
                    offer_areas::table
                        .filter(offer_areas::area_code.eq(area.clone()))
                        .select(offer_areas::offer_id),
                ),
            );
        }
        if let Some(risk) = f.risk.filter(|_| walk) {
            q = q.filter(Member::Risk(i32::from(risk)));
        } else if let Some(risk) = f.risk {
            q = q.filter(
                offers::id.eq_any(
                    offer_risks::table
                        .filter(offer_risks::risk.eq(i32::from(risk)))
                        .select(offer_risks::offer_id),
                ),
            );
        }
        if let Some(unit) = f.provider {
            q = q.filter(offers::provider_unit_id.eq(unit.to_string()));
        }
        if let Some(kind) = f.unit_kind {
            q = q.filter(units::kind.eq(kind.code()));
        }
        if let Some(access) = f.access {
            q = q.filter(offers::access.eq(access.code()));
        }
        q
    }};
}

/// A page is found by walking when the matches are at least this many times
/// the rows up to the page's end (see [`search`]).
const WALK_FACTOR: i64 = 10;

/// One page of offers matching `search`, and how many match in all.
///
/// The count reads the indexes (the text index, the areas' and risks'
/// lists). The page then needs only the first rows in the page's order: when
/// the matches are many (at least [`WALK_FACTOR`] times the rows up to the
/// page's end) and the order is an index's (a municipality's public offers
/// by name), the page walks that index and checks each row's conditions,
/// stopping at the page's end after a few rows, instead of reading every
/// match again and sorting them. Both ask the same conditions, so the rows
/// are the same. No page is read when nothing is on it.
pub fn search(conn: &mut DbConnection, search: &Search) -> DbResult<(Vec<Offer>, i64)> {
    let total: i64 = filtered!(conn, search).count().get_result(conn)?;
    if total <= search.offset {
        return Ok((Vec::new(), total));
    }
    let in_index_order = search.sort == OfferSort::Name
        && search.municipality.is_some()
        && matches!(search.visibility, Visibility::Public(_));
    let walk = in_index_order
        && total >= WALK_FACTOR.saturating_mul(search.offset.saturating_add(search.limit));
    let q = filtered!(conn, search, walk);
    let q = match search.sort {
        OfferSort::Name => q.order((offers::name.asc(), offers::id.asc())),
        OfferSort::Level => q.order((
            offers::level_rank.asc(),
            offers::name.asc(),
            offers::id.asc(),
        )),
        OfferSort::Age => q.order((
            offers::age_from.asc(),
            offers::age_to.asc(),
            offers::name.asc(),
            offers::id.asc(),
        )),
        OfferSort::Newest => q.order((offers::created_at.desc(), offers::id.desc())),
    };
    let q = q.offset(search.offset).limit(search.limit);
    if walk {
        // A walked page is a few rows: their documents come with them, in
        // the same statement.
        let rows: Vec<(OfferRow, String)> = q
            .select((
                columns(),
                diesel::dsl::sql::<Text>(
                    "(SELECT d.fields_json FROM offer_documents d WHERE d.offer_id = offers.id)",
                ),
            ))
            .load(conn)?;
        let (rows, docs): (Vec<OfferRow>, std::collections::HashMap<String, String>) = rows
            .into_iter()
            .map(|(row, json)| {
                let id = row.0.clone();
                (row, (id, json))
            })
            .unzip();
        return Ok((assemble(rows, &docs)?, total));
    }
    let rows: Vec<OfferRow> = q.select(columns()).load(conn)?;
    Ok((hydrate(conn, rows)?, total))
}

/// The offers one step up from `id` («hvis dette ikke er nok»).
pub fn next_steps(conn: &mut DbConnection, id: OfferId) -> DbResult<Vec<Offer>> {
    let ids = offer_next_steps::table
        .filter(offer_next_steps::offer_id.eq(id.to_string()))
        .select(offer_next_steps::next_offer_id);
    let rows: Vec<OfferRow> = offers::table
        .inner_join(units::table)
        .filter(offers::id.eq_any(ids))
        .order(offers::name)
        .select(columns())
        .load(conn)?;
    hydrate(conn, rows)
}

/// The offers that name `id` as their next step (one step below).
pub fn previous_steps(conn: &mut DbConnection, id: OfferId) -> DbResult<Vec<Offer>> {
    let ids = offer_next_steps::table
        .filter(offer_next_steps::next_offer_id.eq(id.to_string()))
        .select(offer_next_steps::offer_id);
    let rows: Vec<OfferRow> = offers::table
        .inner_join(units::table)
        .filter(offers::id.eq_any(ids))
        .order(offers::name)
        .select(columns())
        .load(conn)?;
    hydrate(conn, rows)
}

/// Sets the «next step» links of an offer; they must be offers of the same
/// municipality.
pub fn set_next_steps(
    conn: &mut DbConnection,
    cap: &dyn EditsOffers,
    id: OfferId,
    next: &[OfferId],
) -> DbResult<()> {
    let current = get(conn, id)?;
    ensure_scope(
        conn,
        cap,
        current.municipality_id,
        current.fields.provider_unit,
    )?;
    diesel::delete(offer_next_steps::table.filter(offer_next_steps::offer_id.eq(id.to_string())))
        .execute(conn)?;
    for n in next {
        if *n == id {
            continue;
        }
        let target = get(conn, *n)?;
        if target.municipality_id != current.municipality_id {
            return Err(DbError::NotFound);
        }
        diesel::insert_into(offer_next_steps::table)
            .values((
                offer_next_steps::offer_id.eq(id.to_string()),
                offer_next_steps::next_offer_id.eq(n.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One version in an offer's history.
#[derive(Clone, Debug)]
pub struct Version {
    pub version: i32,
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub fields: OfferFields,
}

/// The history of an offer, oldest first.
pub fn versions(conn: &mut DbConnection, id: OfferId) -> DbResult<Vec<Version>> {
    let rows: Vec<(i32, i64, Option<String>, String, String)> = offer_versions::table
        .left_join(users::table.on(offer_versions::actor_id.eq(users::id.nullable())))
        .filter(offer_versions::offer_id.eq(id.to_string()))
        .order(offer_versions::version)
        .select((
            offer_versions::version,
            offer_versions::at,
            users::display_name.nullable(),
            offer_versions::kind,
            offer_versions::fields_json,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(version, at, actor_name, kind, json)| {
            Ok(Version {
                version,
                at: from_micros(at),
                actor_name,
                kind,
                fields: decode_fields(&json)?,
            })
        })
        .collect()
}

/// A proposed change, with the offer as it stands.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub id: ProposalId,
    pub offer: Offer,
    pub proposed_by: Option<String>,
    pub proposed_at: DateTime<Utc>,
    pub due_date: NaiveDate,
    pub changes: Vec<String>,
    pub fields: OfferFields,
    pub status: ProposalStatus,
    pub comment: String,
    /// When the coordinating unit decided, or the editor withdrew it.
    pub decided_at: Option<DateTime<Utc>>,
}

/// A proposal as selected in [`proposals_which`] (by: the proposer's name).
#[derive(Queryable)]
struct ProposalRow {
    id: String,
    offer_id: String,
    by: Option<String>,
    at: i64,
    due: String,
    changes: String,
    json: String,
    #[diesel(deserialize_as = Stored<ProposalStatus>)]
    status: ProposalStatus,
    comment: String,
    decided_at: Option<i64>,
}

/// Which proposals to read.
#[derive(Clone, Copy, Default)]
struct Which {
    id: Option<ProposalId>,
    offer: Option<OfferId>,
    municipality: Option<MunicipalityId>,
    provider: Option<UnitId>,
    status: Option<ProposalStatus>,
}

fn proposals_where(
    conn: &mut DbConnection,
    offer: Option<OfferId>,
    m: Option<MunicipalityId>,
    status: Option<ProposalStatus>,
) -> DbResult<Vec<Proposal>> {
    proposals_which(
        conn,
        Which {
            offer,
            municipality: m,
            status,
            ..Which::default()
        },
    )
}

fn proposals_which(conn: &mut DbConnection, which: Which) -> DbResult<Vec<Proposal>> {
    let Which {
        id,
        offer,
        municipality: m,
        provider,
        status,
    } = which;
    let mut q = offer_proposals::table
        .inner_join(offers::table)
        .left_join(users::table.on(offer_proposals::proposed_by.eq(users::id.nullable())))
        .into_boxed();
    if let Some(o) = offer {
        q = q.filter(offer_proposals::offer_id.eq(o.to_string()));
    }
    if let Some(u) = provider {
        q = q.filter(offers::provider_unit_id.eq(u.to_string()));
    }
    if let Some(id) = id {
        q = q.filter(offer_proposals::id.eq(id.to_string()));
    }
    if let Some(m) = m {
        q = q.filter(offers::municipality_id.eq(m.to_string()));
    }
    if let Some(s) = status {
        q = q.filter(offer_proposals::status.eq(s.code()));
    }
    let rows: Vec<ProposalRow> = q
        .order((
            offer_proposals::due_date.asc(),
            offer_proposals::proposed_at.asc(),
        ))
        .select((
            offer_proposals::id,
            offer_proposals::offer_id,
            users::display_name.nullable(),
            offer_proposals::proposed_at,
            offer_proposals::due_date,
            offer_proposals::changes,
            offer_proposals::fields_json,
            offer_proposals::status,
            offer_proposals::comment,
            offer_proposals::decided_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |ProposalRow {
                 id,
                 offer_id,
                 by,
                 at,
                 due,
                 changes,
                 json,
                 status,
                 comment,
                 decided_at,
             }| {
                Ok(Proposal {
                    id: parse_id(&id)?,
                    offer: get(conn, parse_id(&offer_id)?)?,
                    proposed_by: by,
                    proposed_at: from_micros(at),
                    due_date: NaiveDate::parse_from_str(&due, "%Y-%m-%d")
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    changes: changes
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    fields: decode_fields(&json)?,
                    status,
                    comment,
                    decided_at: decided_at.map(from_micros),
                })
            },
        )
        .collect()
}

/// Every proposal about the offers that `unit` provides, for its editors'
/// «Mine tilbud»: what waits, and the decisions made.
pub fn proposals_of_provider(
    conn: &mut DbConnection,
    cap: &dyn EditsOffers,
    m: MunicipalityId,
    unit: UnitId,
) -> DbResult<Vec<Proposal>> {
    ensure_scope(conn, cap, m, unit)?;
    proposals_which(
        conn,
        Which {
            municipality: Some(m),
            provider: Some(unit),
            ..Which::default()
        },
    )
}

/// The proposal waiting for the coordinating unit about `offer`, if any.
pub fn waiting_for(conn: &mut DbConnection, offer: OfferId) -> DbResult<Option<Proposal>> {
    Ok(
        proposals_where(conn, Some(offer), None, Some(ProposalStatus::Venter))?
            .into_iter()
            .next_back(),
    )
}

/// The editor withdraws a waiting proposal about one of their offers; the
/// offer stays as it is. Anything but a waiting proposal is not found.
pub fn withdraw(conn: &mut DbConnection, cap: &dyn EditsOffers, id: ProposalId) -> DbResult<()> {
    let p = proposals_which(
        conn,
        Which {
            id: Some(id),
            ..Which::default()
        },
    )?
    .into_iter()
    .next()
    .ok_or(DbError::NotFound)?;
    ensure_scope(
        conn,
        cap,
        p.offer.municipality_id,
        p.offer.fields.provider_unit,
    )?;
    if p.status != ProposalStatus::Venter {
        return Err(DbError::NotFound);
    }
    diesel::update(offer_proposals::table.find(id.to_string()))
        .set((
            offer_proposals::status.eq(ProposalStatus::Trukket.code()),
            offer_proposals::decided_by.eq(cap.actor().map(|a| a.to_string())),
            offer_proposals::decided_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Proposals waiting for the coordinating unit of the reviewer's municipality.
pub fn pending(conn: &mut DbConnection, reviewer: &CatalogueReviewer) -> DbResult<Vec<Proposal>> {
    proposals_where(
        conn,
        None,
        Some(reviewer.municipality_id()),
        Some(ProposalStatus::Venter),
    )
}

/// Waiting proposals of `m` whose due date has passed (for administrators).
pub fn overdue(
    conn: &mut DbConnection,
    m: MunicipalityId,
    today: NaiveDate,
) -> DbResult<Vec<Proposal>> {
    Ok(
        proposals_where(conn, None, Some(m), Some(ProposalStatus::Venter))?
            .into_iter()
            .filter(|p| p.due_date < today)
            .collect(),
    )
}

/// All proposals about one offer, newest last.
pub fn proposals_for(conn: &mut DbConnection, offer: OfferId) -> DbResult<Vec<Proposal>> {
    proposals_where(conn, Some(offer), None, None)
}

pub fn proposal(
    conn: &mut DbConnection,
    reviewer: &CatalogueReviewer,
    id: ProposalId,
) -> DbResult<Proposal> {
    let all = proposals_where(conn, None, Some(reviewer.municipality_id()), None)?;
    all.into_iter()
        .find(|p| p.id == id)
        .ok_or(DbError::NotFound)
}

/// Approves or rejects a waiting proposal, with the coordinating unit's
/// comment. Approval applies the proposal's substantive fields as a new version.
pub fn decide(
    conn: &mut DbConnection,
    reviewer: &CatalogueReviewer,
    id: ProposalId,
    approve: bool,
    comment: &str,
) -> DbResult<()> {
    let p = proposal(conn, reviewer, id)?;
    if p.status != ProposalStatus::Venter {
        return Err(DbError::NotFound);
    }
    let now = to_micros(Utc::now());
    let actor = laget_domain::access::Capability::actor(reviewer).map(|a| a.to_string());
    diesel::update(offer_proposals::table.find(id.to_string()))
        .set((
            offer_proposals::status.eq(if approve {
                ProposalStatus::Godkjent
            } else {
                ProposalStatus::Avvist
            }
            .code()),
            offer_proposals::comment.eq(comment),
            offer_proposals::decided_by.eq(actor.clone()),
            offer_proposals::decided_at.eq(now),
        ))
        .execute(conn)?;
    if approve {
        let current = get(conn, p.offer.id)?;
        let applied = current.fields.with_substantive_from(&p.fields);
        if applied != current.fields {
            let version = current.version + 1;
            store(conn, p.offer.id, &applied, version, now)?;
            record_version(conn, p.offer.id, version, actor, "godkjent", &applied, now)?;
        }
    }
    Ok(())
}

/// One challenge area's ladder: its steps, each with the public offers on it.
#[derive(Clone, Debug)]
pub struct LadderArea {
    pub code: String,
    pub name: String,
    pub steps: Vec<(u8, Vec<Offer>)>,
}

/// The measure ladder of `m` for each challenge area, from the public offers.
pub fn ladder(
    conn: &mut DbConnection,
    m: MunicipalityId,
    today: NaiveDate,
) -> DbResult<Vec<LadderArea>> {
    let areas = challenge_areas(conn, m)?;
    let search = Search {
        municipality: Some(m),
        filter: OfferFilter::default(),
        sort: OfferSort::Name,
        visibility: Visibility::Public(today),
        offset: 0,
        // Every public offer of the municipality: the ladder shows them all.
        limit: 1_000_000,
    };
    let (all, _) = self::search(conn, &search)?;
    Ok(areas
        .into_iter()
        .map(|(code, name)| {
            let steps = (1..=laget_domain::catalogue::LADDER_STEPS)
                .map(|step| {
                    let on_step = all
                        .iter()
                        .filter(|o| {
                            o.fields.ladder_step == step && o.fields.challenge_areas.contains(&code)
                        })
                        .cloned()
                        .collect();
                    (step, on_step)
                })
                .collect();
            LadderArea { code, name, steps }
        })
        .collect())
}

/// The offers around one offer on the ladder, as its public page shows them.
#[derive(Clone, Debug, Default)]
pub struct Neighbours {
    /// «Hvis dette ikke er nok»: the public offers the editors named as next
    /// steps, then the public offers one step up in the offer's challenge
    /// areas.
    pub next: Vec<Offer>,
    /// The public offers one step down in the offer's challenge areas.
    pub below: Vec<Offer>,
}

/// The ages an offer is for, as filters: its range, and expecting parents
/// when it is for them too. An offer's neighbours share one of these.
pub fn ages_of(fields: &OfferFields) -> Vec<AgeFilter> {
    let mut ages = vec![AgeFilter::Range {
        from: fields.age_from,
        to: fields.age_to,
    }];
    if fields.pregnant {
        ages.push(AgeFilter::Pregnant);
    }
    ages
}

/// The next steps and the step below for `offer` on `today`, among the
/// offers that share its ages (see [`neighbours_in_ages`]): what the public
/// offer page shows.
pub fn neighbours(
    conn: &mut DbConnection,
    offer: &Offer,
    today: NaiveDate,
) -> DbResult<Neighbours> {
    neighbours_in_ages(conn, offer, today, &ages_of(&offer.fields))
}

/// The next steps and the step below for `offer` on `today`, only offers
/// that fit one of `ages` (an offer for 5–7-year-olds suggests nothing for
/// 16–25; a child's log passes the child's age): the one definition that the
/// public offer page and the measure page share.
pub fn neighbours_in_ages(
    conn: &mut DbConnection,
    offer: &Offer,
    today: NaiveDate,
    ages: &[AgeFilter],
) -> DbResult<Neighbours> {
    let fits = |o: &Offer| {
        ages.iter().any(|a| {
            OfferFilter {
                age: Some(*a),
                ..OfferFilter::default()
            }
            .matches(&laget_domain::catalogue::Searchable {
                fields: &o.fields,
                provider_name: &o.provider_name,
                provider_kind: o.provider_kind,
            })
        })
    };
    let ladder = ladder(conn, offer.municipality_id, today)?;
    let explicit = next_steps(conn, offer.id)?;
    let step = offer.fields.ladder_step;
    let mut out = Neighbours::default();
    let mut seen: Vec<OfferId> = vec![offer.id];
    for o in explicit
        .into_iter()
        .filter(|o| o.fields.is_public_on(today) && fits(o))
    {
        seen.push(o.id);
        out.next.push(o);
    }
    for area in ladder
        .iter()
        .filter(|a| offer.fields.challenge_areas.contains(&a.code))
    {
        for (s, list) in &area.steps {
            for o in list {
                if seen.contains(&o.id) || !fits(o) {
                    continue;
                }
                if *s == step + 1 {
                    seen.push(o.id);
                    out.next.push(o.clone());
                } else if *s + 1 == step {
                    seen.push(o.id);
                    out.below.push(o.clone());
                }
            }
        }
    }
    Ok(out)
}

/// The public offers of a search in any of `areas` (every area when it is
/// empty), by name, at most `limit`: how a child's log narrows the catalogue
/// to the log's challenge areas. One search per area, so each is the
/// catalogue's own search.
pub fn search_in_areas(
    conn: &mut DbConnection,
    search: &Search,
    areas: &[String],
) -> DbResult<Vec<Offer>> {
    if areas.is_empty() {
        return Ok(self::search(conn, search)?.0);
    }
    let mut found: Vec<Offer> = Vec::new();
    for area in areas {
        let mut s = search.clone();
        s.filter.area = Some(area.clone());
        for o in self::search(conn, &s)?.0 {
            if !found.iter().any(|f| f.id == o.id) {
                found.push(o);
            }
        }
    }
    found.sort_by(|a, b| {
        (a.fields.name.as_str(), a.id.to_string()).cmp(&(b.fields.name.as_str(), b.id.to_string()))
    });
    found.truncate(usize::try_from(search.limit).unwrap_or(usize::MAX));
    Ok(found)
}

/// Every «next step» link of municipality `m` (from, to), for exports and the ladder.
pub fn all_next_steps(
    conn: &mut DbConnection,
    m: MunicipalityId,
) -> DbResult<Vec<(OfferId, OfferId)>> {
    let mine = offers::table
        .filter(offers::municipality_id.eq(m.to_string()))
        .select(offers::id);
    let rows: Vec<(String, String)> = offer_next_steps::table
        .filter(offer_next_steps::offer_id.eq_any(mine))
        .select((offer_next_steps::offer_id, offer_next_steps::next_offer_id))
        .load(conn)?;
    rows.into_iter()
        .map(|(a, b)| Ok((parse_id(&a)?, parse_id(&b)?)))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::Db;
    use crate::admin::municipalities::{self, NewMunicipality};
    use crate::admin::units::{self as unit_admin, UnitFields};
    use diesel::query_builder::{AstPass, QueryFragment, QueryId};
    use laget_domain::access::Operator;
    use laget_domain::admin::municipality::{
        MunicipalityName, MunicipalityNumber, WrittenStandard,
    };
    use laget_domain::admin::unit::UnitName;
    use laget_domain::catalogue::{OfferDraft, Searchable};

    /// Removes a test database when dropped.
    enum Cleanup {
        Dir(std::path::PathBuf),
        Schema(String, String),
    }

    impl Drop for Cleanup {
        fn drop(&mut self) {
            match self {
                Self::Dir(dir) => {
                    let _ = std::fs::remove_dir_all(dir);
                }
                Self::Schema(url, schema) => {
                    let _ = Db::drop_schema(url, schema);
                }
            }
        }
    }

    /// A fresh database: a SQLite file, and a PostgreSQL schema too when
    /// `DATABASE_URL` is set.
    fn databases() -> Vec<(Db, Cleanup)> {
        let id = uuid::Uuid::now_v7().simple();
        let dir = std::env::temp_dir().join(format!("laget-offers-{id}"));
        let mut all = vec![(
            Db::connect(&dir.join("db.sqlite3").to_string_lossy())
                .unwrap()
                .with_audit_key(laget_domain::audit::AuditKey::from_bytes([6; 32])),
            Cleanup::Dir(dir),
        )];
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            let schema = format!("offers_{id}");
            all.push((
                Db::connect_in_schema(&url, Some(&schema))
                    .unwrap()
                    .with_audit_key(laget_domain::audit::AuditKey::from_bytes([6; 32])),
                Cleanup::Schema(url, schema),
            ));
        }
        for (db, _) in &all {
            db.migrate().unwrap();
        }
        all
    }

    const PROVIDER: &str = "Familiesenteret";

    /// Offers whose descriptions hold Norwegian compounds and inflections.
    const DESCRIPTIONS: &[&str] = &[
        "Oppfølging ved skolefravær.",
        "Når fraværet blir langt: samtaler med eleven.",
        "Fravær, uro og søvn.",
        "Språkgruppe for barn som lærer norsk.",
        "Foreldreveiledning i gruppe (ICDP).",
        "Ærlig talt: åpen samtale om rus.",
        "Å være ung i byen – fritid og mestring.",
        "Turgruppe på øya, 3 ganger i uka.",
    ];

    /// Searches with infixes, short words, several words, capitals, words
    /// that span two words of the text (they must not match) and words that
    /// match nothing.
    const QUERIES: &[&str] = &[
        "fravær",
        "FRAVÆR",
        "skolefravær",
        "fraværet",
        "ravæ",
        "ær",
        "å",
        "ø",
        "3",
        "i",
        "gruppe",
        "språk gruppe",
        "skole fravær",
        "le fr",
        "olefr",
        "veiledning foreldre",
        "gruppe å",
        "ung å by",
        "familiesenter",
        "icdp",
        "samtale rus",
        "finnes ikke",
        "xyz",
        "  ,  ",
    ];

    fn setup(c: &mut DbConnection) -> DbResult<(MunicipalityAdmin, UnitId)> {
        let op = Operator::at_console();
        let m = municipalities::create(
            c,
            &op.system(),
            &NewMunicipality {
                number: MunicipalityNumber::parse("9998").unwrap(),
                name: MunicipalityName::parse("Søkekommune").unwrap(),
                written_standard: WrittenStandard::Bokmal,
            },
            "test",
        )?;
        let cap = op.administer(m);
        let unit = unit_admin::create(
            c,
            &cap,
            &UnitFields {
                name: UnitName::parse(PROVIDER).unwrap(),
                kind: UnitKind::Familiesenter,
                active: true,
                also_serves: vec![],
            },
            "test",
        )?;
        Ok((cap, unit))
    }

    fn fields(unit: UnitId, i: usize, description: &str) -> OfferFields {
        OfferDraft {
            name: format!("Tilbud {i}"),
            provider_unit: unit.to_string(),
            description: description.into(),
            level: "universell".into(),
            age_from: "0".into(),
            age_to: "18".into(),
            challenge_areas: vec!["samspill".into()],
            access: "selvhenvisning".into(),
            status: "publisert".into(),
            ladder_step: "1".into(),
            ..Default::default()
        }
        .parse(&[unit], &["samspill".to_owned()])
        .unwrap()
    }

    fn search_for(m: MunicipalityId, text: &str) -> Search {
        Search {
            municipality: Some(m),
            filter: OfferFilter {
                text: Some(text.to_owned()),
                ..OfferFilter::default()
            },
            sort: OfferSort::Name,
            visibility: Visibility::All,
            offset: 0,
            limit: 1_000,
        }
    }

    /// The names the database finds for `text` and those the pure filter
    /// allows, each sorted.
    fn found_and_expected(
        db: &Db,
        m: MunicipalityId,
        all: &[OfferFields],
        text: &str,
    ) -> (Vec<String>, Vec<String>) {
        let search = search_for(m, text);
        let (found, total) = db.read_blocking(|c| self::search(c, &search)).unwrap();
        assert_eq!(usize::try_from(total).unwrap(), found.len(), "{text:?}");
        let mut found: Vec<String> = found.into_iter().map(|o| o.fields.name).collect();
        found.sort();
        let mut expected: Vec<String> = all
            .iter()
            .filter(|f| {
                search.filter.matches(&Searchable {
                    fields: f,
                    provider_name: PROVIDER,
                    provider_kind: UnitKind::Familiesenter,
                })
            })
            .map(|f| f.name.clone())
            .collect();
        expected.sort();
        (found, expected)
    }

    /// The indexed search finds what the substring match of
    /// `OfferFilter::matches` finds — infixes of compounds, words shorter
    /// than a trigram, several words — also after offers change (the
    /// index follows offer_documents).
    #[test]
    fn text_search_is_the_filters_substring_match() {
        for (db, _cleanup) in databases() {
            let (cap, unit) = db.write_blocking(setup).unwrap();
            let m = cap.municipality_id();
            let mut all: Vec<OfferFields> = DESCRIPTIONS
                .iter()
                .enumerate()
                .map(|(i, d)| fields(unit, i, d))
                .collect();
            let ids: Vec<OfferId> = db
                .write_blocking(|c| {
                    all.iter()
                        .map(|f| create(c, &cap, m, f, None))
                        .collect::<DbResult<_>>()
                })
                .unwrap();
            let (found, _) = found_and_expected(&db, m, &all, "fravær");
            assert_eq!(found, ["Tilbud 0", "Tilbud 1", "Tilbud 2"]);
            for text in QUERIES {
                let (found, expected) = found_and_expected(&db, m, &all, text);
                assert_eq!(found, expected, "{text:?}");
            }
            // Drafts change at once: the old words go, the new ones come.
            let due = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
            for (i, description) in [(0, "Leksehjelp etter skoletid."), (5, "Åpen hall.")] {
                let mut changed = all[i].clone();
                changed.status = OfferStatus::Utkast;
                changed.description = description.into();
                db.write_blocking(|c| update(c, &cap, ids[i], &changed, due))
                    .unwrap();
                all[i] = changed;
            }
            for text in QUERIES.iter().chain(&["leksehjelp", "skoletid", "hall"]) {
                let (found, expected) = found_and_expected(&db, m, &all, text);
                assert_eq!(found, expected, "after changes: {text:?}");
            }
        }
    }

    /// Pages of public searches by name hold the rows that the whole list
    /// holds at the same places, also when a page is found by walking the
    /// offers in order (many matches for a small page, see [`search`]):
    /// with free text, a challenge area, a risk factor, and without.
    #[test]
    fn pages_are_the_whole_lists_slices() {
        for (db, _cleanup) in databases() {
            let (cap, unit) = db.write_blocking(setup).unwrap();
            let m = cap.municipality_id();
            db.write_blocking(|c| {
                for i in 0..48 {
                    let mut f = fields(unit, i, DESCRIPTIONS[i % DESCRIPTIONS.len()]);
                    if i % 3 == 0 {
                        f.challenge_areas.clear();
                    }
                    f.risk_factors = vec![u8::try_from(1 + i % 2).unwrap()];
                    if i % 5 == 0 {
                        f.status = OfferStatus::Utkast;
                    }
                    create(c, &cap, m, &f, None)?;
                }
                Ok(())
            })
            .unwrap();
            let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
            let texts = QUERIES.iter().map(|t| Some(*t)).chain([None]);
            for text in texts {
                for (area, risk) in [(None, None), (Some("samspill"), None), (None, Some(2))] {
                    let mut search = search_for(m, text.unwrap_or(""));
                    search.visibility = Visibility::Public(today);
                    search.filter.area = area.map(str::to_owned);
                    search.filter.risk = risk;
                    let (whole, total) = db.read_blocking(|c| self::search(c, &search)).unwrap();
                    let whole: Vec<OfferId> = whole.into_iter().map(|o| o.id).collect();
                    assert_eq!(usize::try_from(total).unwrap(), whole.len());
                    for (offset, limit) in [(0, 1), (0, 2), (1, 2), (3, 1), (2, 5)] {
                        search.offset = offset;
                        search.limit = limit;
                        let (page, n) = db.read_blocking(|c| self::search(c, &search)).unwrap();
                        let page: Vec<OfferId> = page.into_iter().map(|o| o.id).collect();
                        let (from, to) = (
                            usize::try_from(offset).unwrap().min(whole.len()),
                            usize::try_from(offset + limit).unwrap().min(whole.len()),
                        );
                        assert_eq!(n, total, "{text:?} {area:?} {risk:?}");
                        assert_eq!(
                            page,
                            whole[from..to],
                            "{text:?} {area:?} {risk:?} {offset} {limit}"
                        );
                    }
                }
            }
        }
    }

    /// `EXPLAIN` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) of a query,
    /// whose rows are `ST`.
    struct Explain<Q, ST>(&'static str, Q, std::marker::PhantomData<ST>);

    impl<Q: QueryFragment<B>, ST, B: diesel::backend::Backend> QueryFragment<B> for Explain<Q, ST> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, B>) -> QueryResult<()> {
            out.push_sql(self.0);
            self.1.walk_ast(out.reborrow())
        }
    }

    impl<Q, ST> QueryId for Explain<Q, ST> {
        type QueryId = ();
        const HAS_STATIC_QUERY_ID: bool = false;
    }

    impl<Q, ST: 'static> diesel::query_builder::Query for Explain<Q, ST> {
        type SqlType = ST;
    }

    impl<Q, ST, C> RunQueryDsl<C> for Explain<Q, ST> {}

    /// The plan of the page query of `search`, one line per step.
    fn plan(conn: &mut DbConnection, search: &Search) -> Vec<String> {
        macro_rules! page {
            () => {
                filtered!(conn, search)
                    .order((offers::name.asc(), offers::id.asc()))
                    .limit(search.limit)
                    .select(columns())
            };
        }
        if matches!(conn, DbConnection::Sqlite(_)) {
            type Row = (
                diesel::sql_types::Integer,
                diesel::sql_types::Integer,
                diesel::sql_types::Integer,
                Text,
            );
            Explain::<_, Row>("EXPLAIN QUERY PLAN ", page!(), std::marker::PhantomData)
                .load::<(i32, i32, i32, String)>(conn)
                .unwrap()
                .into_iter()
                .map(|r| r.3)
                .collect()
        } else {
            Explain::<_, Text>("EXPLAIN ", page!(), std::marker::PhantomData)
                .load::<String>(conn)
                .unwrap()
        }
    }

    /// Four thousand more offers on PostgreSQL, copies of the last with
    /// texts that hold none of the searched words, and fresh statistics:
    /// with a handful of rows the planner rightly reads the table instead
    /// of an index, at catalogue size it should not.
    const PG_FILLER: &str = "
        INSERT INTO offers (id, municipality_id, external_id, provider_unit_id, name, level,
            level_rank, age_from, age_to, pregnant, access, status, ladder_step, valid_from,
            valid_to, version, created_at, updated_at)
        SELECT o.id || '-' || g, o.municipality_id, NULL, o.provider_unit_id, 'Fyll ' || g,
            o.level, o.level_rank, o.age_from, o.age_to, o.pregnant, o.access, o.status,
            o.ladder_step, o.valid_from, o.valid_to, o.version, o.created_at, o.updated_at
        FROM offers o CROSS JOIN generate_series(1, 4000) g WHERE o.name = 'Tilbud 7';
        INSERT INTO offer_documents (offer_id, fields_json, search_text)
        SELECT d.offer_id || '-' || g, d.fields_json, ' fyll ' || g || ' turgruppe på øya '
        FROM offer_documents d JOIN offers o ON o.id = d.offer_id
            CROSS JOIN generate_series(1, 4000) g
        WHERE o.name = 'Tilbud 7';
        ANALYZE;";

    /// A search with a word of three characters or more is answered from
    /// the trigram index: the FTS5 table on SQLite, the GIN index on
    /// PostgreSQL (with enough rows that an index is worth reading, see
    /// [`PG_FILLER`]). Without the index both plans read every document.
    #[test]
    fn text_search_uses_the_trigram_index() {
        for (db, _cleanup) in databases() {
            let (cap, unit) = db.write_blocking(setup).unwrap();
            let m = cap.municipality_id();
            db.write_blocking(|c| {
                for (i, d) in DESCRIPTIONS.iter().enumerate() {
                    create(c, &cap, m, &fields(unit, i, d), None)?;
                }
                Ok(())
            })
            .unwrap();
            let mut conn = db.conn().unwrap();
            let index = match &mut *conn {
                DbConnection::Sqlite(_) => "offer_search",
                c => {
                    diesel::connection::SimpleConnection::batch_execute(c, PG_FILLER).unwrap();
                    "offer_documents_search_trgm"
                }
            };
            let lines = plan(&mut conn, &search_for(m, "skole fravær"));
            assert!(
                lines.iter().any(|l| l.contains(index)),
                "{index} not in the plan:\n{}",
                lines.join("\n")
            );
        }
    }
}
