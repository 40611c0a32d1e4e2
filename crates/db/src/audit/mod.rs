//! The append-only, hash-chained access log.
//!
//! Rows are keyed with the [`AuditKey`] of the [`crate::Db`] that writes
//! them. The key is not stored in the database, and the functions here take
//! a plain connection, so the `Db` lends its key to the thread that runs a
//! closure on one of its connections ([`with_key`], called by
//! `Db::write_blocking` and `Db::read_blocking`). Appending on a connection
//! taken otherwise fails with [`DbError::NoAuditKey`]; nothing is ever
//! written unkeyed.

use crate::schema::{access_log, access_log_head, users};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::UnitAccessLogReader;
use laget_domain::audit::{
    AccessRecord, AuditKey, BrokenLink, ChainVerifier, ChainedRecord, Checkpoint, Head, Principal,
    RowFormat, Verdict,
};
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// The key of the `Db` whose closure runs on this thread, if any.
    static KEY: RefCell<Option<Arc<AuditKey>>> = const { RefCell::new(None) };
}

/// Runs `f` with `key` as this thread's access-log key, and puts back the
/// one before afterwards (also if `f` panics).
pub(crate) fn with_key<T>(key: Option<&Arc<AuditKey>>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<AuditKey>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            KEY.with(|k| *k.borrow_mut() = previous);
        }
    }
    let _restore = Restore(KEY.with(|k| k.replace(key.cloned())));
    f()
}

fn current_key() -> DbResult<Arc<AuditKey>> {
    KEY.with(|k| k.borrow().clone()).ok_or(DbError::NoAuditKey)
}

#[derive(Insertable, Queryable, Selectable, Debug)]
#[diesel(table_name = access_log)]
struct Row {
    seq: i64,
    at: i64,
    actor_id: Option<String>,
    ground: String,
    object_type: String,
    object_id: String,
    action: String,
    unit_id: Option<String>,
    municipality_id: Option<String>,
    request_id: String,
    prev_hash: String,
    hash: String,
    principal_kind: String,
    citizen_id: Option<String>,
    row_format: i32,
}

/// A stored row that no Laget wrote so: its principal's columns name no
/// one principal, or its format is unknown. Verification names it altered.
#[derive(Debug)]
struct Unreadable;

impl Row {
    fn into_entry(self, actor_name: Option<String>) -> Entry {
        Entry {
            seq: self.seq,
            at: from_micros(self.at),
            principal: self.principal(),
            actor_id: self.actor_id,
            actor_name,
            ground: self.ground,
            object_type: self.object_type,
            object_id: self.object_id,
            action: self.action,
            request_id: self.request_id,
        }
    }

    /// The row's principal, if its columns name exactly one.
    fn principal(&self) -> Option<Principal> {
        Principal::from_stored(
            &self.principal_kind,
            self.actor_id.as_deref().map(str::parse).transpose().ok()?,
            self.citizen_id
                .as_deref()
                .map(str::parse)
                .transpose()
                .ok()?,
        )
    }

    fn into_chained(self) -> DbResult<Result<ChainedRecord, Unreadable>> {
        let (Some(principal), Some(format)) =
            (self.principal(), RowFormat::from_number(self.row_format))
        else {
            return Ok(Err(Unreadable));
        };
        Ok(Ok(ChainedRecord {
            seq: self.seq,
            format,
            record: AccessRecord {
                at: from_micros(self.at),
                principal,
                ground: self.ground,
                object_type: self.object_type,
                object_id: self.object_id,
                action: self.action,
                unit_id: self.unit_id.as_deref().map(parse_id).transpose()?,
                municipality_id: self.municipality_id.as_deref().map(parse_id).transpose()?,
                request_id: self.request_id,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        }))
    }
}

/// Appends `record` to the chain; call it inside the transaction of the
/// change it records. Returns the row's number.
pub fn append(conn: &mut DbConnection, record: &AccessRecord) -> DbResult<i64> {
    append_all(conn, std::slice::from_ref(record))
}

/// Appends `records` to the chain in order, each keyed with the `Db`'s key:
/// one INSERT each, and the head row read and updated once for them all (the
/// group-commit writer's batches). Returns the last row's number (the
/// head's, if `records` is empty).
pub fn append_all(conn: &mut DbConnection, records: &[AccessRecord]) -> DbResult<i64> {
    let key = current_key()?;
    let count = i64::try_from(records.len())
        .map_err(|_| DbError::Corrupt("too many access-log records".into()))?;
    // Updating the head first takes its row lock (PostgreSQL) or the write
    // lock (SQLite), so concurrent appends queue here instead of forking.
    diesel::update(access_log_head::table.find(1))
        .set(access_log_head::seq.eq(access_log_head::seq + count))
        .execute(conn)?;
    let (last, head_hash): (i64, String) = access_log_head::table
        .find(1)
        .select((access_log_head::seq, access_log_head::hash))
        .first(conn)?;
    if records.is_empty() {
        return Ok(last);
    }
    let mut prev_hash = head_hash;
    let mut rows = Vec::with_capacity(records.len());
    for (seq, record) in (last - count + 1..).zip(records) {
        // Always keyed: should someone have raised `keyed_from` past the
        // head, verification names these rows rather than passing them.
        let hash = record.chain_mac(&key, seq, &prev_hash);
        rows.push(Row {
            seq,
            at: to_micros(record.at),
            actor_id: record.principal.staff().map(|a| a.to_string()),
            ground: record.ground.clone(),
            object_type: record.object_type.clone(),
            object_id: record.object_id.clone(),
            action: record.action.clone(),
            unit_id: record.unit_id.map(|u| u.to_string()),
            municipality_id: record.municipality_id.map(|m| m.to_string()),
            request_id: record.request_id.clone(),
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
            principal_kind: record.principal.kind().code().to_owned(),
            citizen_id: record.principal.citizen().map(|c| c.to_string()),
            row_format: RowFormat::CURRENT.number(),
        });
    }
    // Multi-row INSERTs on the concrete connection (the type that serves
    // both engines has none): a batch of the group-commit writer is one
    // round trip to PostgreSQL per chunk instead of one per page view.
    // Chunks keep a statement under both engines' parameter limits.
    for chunk in rows.chunks(INSERT_CHUNK) {
        let insert = diesel::insert_into(access_log::table).values(chunk);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgresql(c) => insert.execute(c)?,
        };
    }
    diesel::update(access_log_head::table.find(1))
        .set(access_log_head::hash.eq(prev_hash))
        .execute(conn)?;
    Ok(last)
}

/// Rows per INSERT statement in [`append_all`] (16 columns each).
const INSERT_CHUNK: usize = 256;

/// The chain's head as the database records it (what a checkpoint signs).
pub fn head(conn: &mut DbConnection) -> DbResult<Head> {
    let (seq, hash, keyed_from): (i64, String, i64) = access_log_head::table
        .find(1)
        .select((
            access_log_head::seq,
            access_log_head::hash,
            access_log_head::keyed_from,
        ))
        .first(conn)?;
    Ok(Head {
        seq,
        hash,
        keyed_from,
    })
}

/// Whether the newest row verifies with the `Db`'s key (`true` when no row
/// is keyed yet). `laget serve` checks this before it writes, so that a
/// wrong key file is refused instead of extending the chain under it.
pub fn key_fits(conn: &mut DbConnection) -> DbResult<bool> {
    let key = current_key()?;
    let head = head(conn)?;
    if head.seq < head.keyed_from {
        return Ok(true);
    }
    let row: Option<Row> = access_log::table
        .find(head.seq)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(match row.map(Row::into_chained).transpose()? {
        Some(Ok(row)) => {
            row.record
                .chain_mac_as(row.format, &key, row.seq, &row.prev_hash)
                .as_deref()
                == Some(row.hash.as_str())
        }
        // The newest row is gone, or was changed so that it names no one
        // principal: not a question of the key (verification names it).
        None | Some(Err(Unreadable)) => true,
    })
}

/// Checks the whole chain with the `Db`'s key, reading it in batches, and
/// compares it with `checkpoints` (see [`ChainVerifier`]).
pub fn verify_against(conn: &mut DbConnection, checkpoints: Vec<Checkpoint>) -> DbResult<Verdict> {
    const BATCH: i64 = 5_000;
    let key = current_key()?;
    let head = head(conn)?;
    let mut verifier = ChainVerifier::new(&key, head.keyed_from, checkpoints);
    let mut after = 0i64;
    loop {
        let batch: Vec<Row> = access_log::table
            .filter(access_log::seq.gt(after))
            .order(access_log::seq)
            .limit(BATCH)
            .select(Row::as_select())
            .load(conn)?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for row in batch {
            let (seq, hash) = (row.seq, row.hash.clone());
            match row.into_chained()? {
                Ok(chained) => verifier.push(&chained),
                Err(Unreadable) => verifier.push_unreadable(seq, &hash),
            }
        }
    }
    Ok(verifier.finish(&head))
}

/// Checks the chain alone (no checkpoints): the number of rows, or the first
/// broken link.
pub fn verify(conn: &mut DbConnection) -> DbResult<Result<u64, BrokenLink>> {
    let verdict = verify_against(conn, Vec::new())?;
    Ok(match verdict.broken_link() {
        Some(broken) => Err(broken.clone()),
        None => Ok(verdict.rows),
    })
}

/// Filters for reading a unit's access log.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Rows by this actor (user id).
    pub actor: Option<String>,
    /// Rows about any of these objects (ids): one the leader typed, or a
    /// child and its logs found by the child's name ([`objects_of_children_named`]).
    pub objects: Option<Vec<String>>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
    /// Rows older than this row number: the next page starts below the last
    /// row shown (keyset paging, so a page costs the same however far back).
    pub before: Option<i64>,
}

/// One row as a leader reads it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who acted; `None` for a row whose stored principal names no one
    /// (changed outside Laget; `laget audit verify` names it).
    pub principal: Option<Principal>,
    pub actor_id: Option<String>,
    /// The staff member's name, when a staff member acted.
    pub actor_name: Option<String>,
    pub ground: String,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
    pub request_id: String,
}

/// The newest `limit` rows of a unit's log that match `filter` (and come
/// before `filter.before`), newest first. Reading the log is itself
/// recorded by the caller.
pub fn list_for_unit(
    conn: &mut DbConnection,
    reader: &UnitAccessLogReader,
    filter: &Filter,
    limit: i64,
) -> DbResult<Vec<Entry>> {
    let mut query = access_log::table
        .left_join(users::table.on(access_log::actor_id.eq(users::id.nullable())))
        .filter(access_log::unit_id.eq(reader.unit_id().to_string()))
        .into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(access_log::actor_id.eq(actor.clone()));
    }
    if let Some(objects) = &filter.objects {
        query = query.filter(access_log::object_id.eq_any(objects.clone()));
    }
    if let Some(before) = filter.before {
        query = query.filter(access_log::seq.lt(before));
    }
    if let Some(from) = filter.from {
        query = query.filter(access_log::at.ge(to_micros(from)));
    }
    if let Some(until) = filter.until {
        query = query.filter(access_log::at.lt(to_micros(until)));
    }
    let rows: Vec<(Row, Option<String>)> = query
        .order(access_log::seq.desc())
        .limit(limit)
        .select((Row::as_select(), users::display_name.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(r, actor_name)| r.into_entry(actor_name))
        .collect())
}

/// The newest `limit` rows about any of `objects` (ids), newest first. The
/// caller holds a capability that reaches those objects.
pub(crate) fn for_objects(
    conn: &mut DbConnection,
    objects: &[String],
    limit: i64,
) -> DbResult<Vec<Entry>> {
    for_objects_before(conn, objects, None, limit)
}

/// [`for_objects`], only rows older than row number `before` (keyset
/// paging, as [`Filter::before`]; the family's «Hvem har sett loggen»).
pub(crate) fn for_objects_before(
    conn: &mut DbConnection,
    objects: &[String],
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<Entry>> {
    let rows: Vec<(Row, Option<String>)> = access_log::table
        .left_join(users::table.on(access_log::actor_id.eq(users::id.nullable())))
        .filter(access_log::object_id.eq_any(objects))
        .filter(access_log::seq.lt(before.unwrap_or(i64::MAX)))
        .order(access_log::seq.desc())
        .limit(limit)
        .select((Row::as_select(), users::display_name.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(r, actor_name)| r.into_entry(actor_name))
        .collect())
}

/// The people who appear as actors in a unit's log, for the filter list.
pub fn actors_for_unit(
    conn: &mut DbConnection,
    reader: &UnitAccessLogReader,
) -> DbResult<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = access_log::table
        .inner_join(users::table.on(access_log::actor_id.eq(users::id.nullable())))
        .filter(access_log::unit_id.eq(reader.unit_id().to_string()))
        .select((users::id, users::display_name))
        .distinct()
        .order(users::display_name)
        .load(conn)?;
    Ok(rows)
}

/// Total rows, for the operator.
pub fn count(conn: &mut DbConnection) -> DbResult<i64> {
    access_log::table
        .count()
        .get_result(conn)
        .map_err(DbError::from)
}

pub mod names;
