//! Failed logins, counted per account and per network address, so that
//! guessing passwords is slowed down (OWASP ASVS 2.2.1).

use crate::schema::login_failures;
use crate::{DbConnection, DbResult, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn record_failure(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
            login_failures::account.eq(account),
            login_failures::address.eq(address),
            login_failures::at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures for `account` and from `address` since `since`.
pub fn failures_since(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> DbResult<(i64, i64)> {
    let since = to_micros(since);
    let by_account = login_failures::table
        .filter(login_failures::account.eq(account))
        .filter(login_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    let by_address = login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_account, by_address))
}

/// A successful login forgets the account's failures.
pub fn clear_account(conn: &mut DbConnection, account: &str) -> DbResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::account.eq(account)))
        .execute(conn)?;
    Ok(())
}

/// Forgets failures older than `before`.
pub fn purge(conn: &mut DbConnection, before: DateTime<Utc>) -> DbResult<usize> {
    Ok(
        diesel::delete(login_failures::table.filter(login_failures::at.lt(to_micros(before))))
            .execute(conn)?,
    )
}
