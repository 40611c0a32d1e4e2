//! Persistence: the schema, migrations for SQLite and PostgreSQL, and one
//! module of queries per aggregate. The only crate that knows SQL.
//!
//! Queries that touch protected data take a capability from
//! `laget_domain::access`, and write their access-log row in the same
//! transaction as the change they record.

// One module per feature, with the same names as in `laget_domain` and
// `laget_web`.
pub mod admin;
pub mod audit;
pub mod casework;
pub mod catalogue;
pub mod children;
mod codes;
mod connection;
pub mod generate;
pub mod log;
pub mod lookup;
pub mod meetings;
pub mod outbox;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod schema;
pub mod session;

pub use connection::{Backend, Db, DbConnection};

#[cfg(test)]
mod capability_check;

use chrono::{DateTime, Utc};

/// What can go wrong in this layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The object does not exist, or the capability does not reach it.
    #[error("not found")]
    NotFound,
    /// A unique value (such as a user name) is already in use.
    #[error("a unique value is already taken")]
    Taken,
    /// The change does not fit the object's present state (a stale form).
    #[error("the object changed meanwhile")]
    Conflict,
    #[error("database error: {0}")]
    Query(diesel::result::Error),
    #[error("could not connect: {0}")]
    Connection(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("background task failed: {0}")]
    Task(String),
    /// An access-log row was to be written (or the chain checked) by a `Db`
    /// made without the access log's key ([`Db::with_audit_key`]).
    #[error("the access log's key is not loaded")]
    NoAuditKey,
}

impl From<diesel::result::Error> for DbError {
    /// A row that is not there is «not found», whatever the query.
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Self::NotFound,
            // A status code no enum knows, met while a row was read.
            diesel::result::Error::DeserializationError(e)
                if e.downcast_ref::<codes::UnknownCode>().is_some() =>
            {
                Self::Corrupt(e.to_string())
            }
            other => Self::Query(other),
        }
    }
}

impl DbError {
    /// Maps unique-constraint violations to [`DbError::Taken`].
    pub(crate) fn from_insert(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Self::Taken,
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Query(other),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Times are stored as UTC microseconds since 1970 in both engines.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

pub(crate) fn parse_id<T: std::str::FromStr>(raw: &str) -> DbResult<T> {
    raw.parse()
        .map_err(|_| DbError::Corrupt(format!("bad id {raw:?}")))
}
