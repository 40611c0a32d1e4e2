//! Stored codes read back as the domain's enums, once, where rows are read.
//!
//! A status column holds the code of an enum from `laget_domain` (`"apen"`,
//! `"venter"`, …). A row struct names the enum as its field's type and
//! `#[diesel(deserialize_as = Stored<…>)]`; a tuple selection loads
//! `Stored<…>` and calls [`Stored::parse`]. Either way a code the enum does
//! not know is [`DbError::Corrupt`](crate::DbError::Corrupt). Writes and
//! filters use the enum's `code()`.

use diesel::backend::Backend;
use diesel::deserialize::{FromSql, Queryable};
use diesel::sql_types::{Nullable, Text};
use laget_domain::catalogue::ProposalStatus;
use laget_domain::log::stafett::{HandoverStatus, LogStatus, MeasureStatus, ReportState};
use laget_domain::meetings::{
    MeetingKind, MeetingStatus, MinutesStatus, ParticipantKind, Response,
};
use std::fmt;
use std::marker::PhantomData;

/// An enum stored as a code.
pub(crate) trait Code: Sized {
    /// What the code is of, for the error message.
    const WHAT: &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

macro_rules! code {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        impl Code for $t {
            const WHAT: &'static str = $what;
            fn from_code(code: &str) -> Option<Self> {
                <$t>::from_code(code).ok()
            }
        }
    )+};
}

/// `from_code` returning `Option` (the log's enums).
macro_rules! code_opt {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        impl Code for $t {
            const WHAT: &'static str = $what;
            fn from_code(code: &str) -> Option<Self> {
                <$t>::from_code(code)
            }
        }
    )+};
}

code_opt!(
    LogStatus => "log status",
    HandoverStatus => "handover status",
    MeasureStatus => "measure status",
    ReportState => "report state",
    MeetingKind => "meeting kind",
    MeetingStatus => "meeting status",
    MinutesStatus => "minutes status",
    ParticipantKind => "participant kind",
    Response => "meeting response",
);
code!(ProposalStatus => "proposal status");

/// A code this version does not know.
#[derive(Debug)]
pub(crate) struct UnknownCode {
    what: &'static str,
    code: String,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.what, self.code)
    }
}

impl std::error::Error for UnknownCode {}

impl From<UnknownCode> for crate::DbError {
    fn from(e: UnknownCode) -> Self {
        crate::DbError::Corrupt(e.to_string())
    }
}

/// A `Text` (or nullable `Text`) column as loaded, before it is parsed into
/// `T` (or `Option<T>`).
pub(crate) struct Stored<T>(Option<String>, PhantomData<T>);

impl<T: Code> Stored<T> {
    /// The enum; the derive of a row struct calls this as `try_into`.
    pub(crate) fn parse(self) -> Result<T, UnknownCode> {
        let code = self.0.unwrap_or_default();
        T::from_code(&code).ok_or(UnknownCode {
            what: T::WHAT,
            code,
        })
    }
    /// For `#[diesel(deserialize_as = Stored<T>)]`.
    pub(crate) fn try_into(self) -> Result<T, UnknownCode> {
        self.parse()
    }
}

impl<T: Code> Stored<Option<T>> {
    /// `None` for a NULL column.
    pub(crate) fn parse(self) -> Result<Option<T>, UnknownCode> {
        self.0
            .map(|code| {
                T::from_code(&code).ok_or(UnknownCode {
                    what: T::WHAT,
                    code,
                })
            })
            .transpose()
    }
    /// For `#[diesel(deserialize_as = Stored<Option<T>>)]`.
    pub(crate) fn try_into(self) -> Result<Option<T>, UnknownCode> {
        self.parse()
    }
}

impl<T: Code, DB: Backend> Queryable<Text, DB> for Stored<T>
where
    String: FromSql<Text, DB>,
{
    type Row = String;
    fn build(row: String) -> diesel::deserialize::Result<Self> {
        Ok(Stored(Some(row), PhantomData))
    }
}

impl<T: Code, DB: Backend> Queryable<Nullable<Text>, DB> for Stored<Option<T>>
where
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;
    fn build(row: Option<String>) -> diesel::deserialize::Result<Self> {
        Ok(Stored(row, PhantomData))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::DbError;
    use diesel::dsl::sql;
    use diesel::prelude::*;

    #[derive(Queryable, Debug)]
    struct Row {
        #[diesel(deserialize_as = Stored<LogStatus>)]
        status: LogStatus,
        #[diesel(deserialize_as = Stored<Option<ReportState>>)]
        report: Option<ReportState>,
    }

    fn load(status: &str, report: &str) -> Result<Row, DbError> {
        let mut c = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        Ok(
            diesel::select((sql::<Text>(status), sql::<Nullable<Text>>(report)))
                .get_result::<Row>(&mut c)?,
        )
    }

    #[test]
    fn a_known_code_reads_back_as_its_enum() {
        let row = load("'lukket'", "'sendt'").expect("a known code");
        assert_eq!(row.status, LogStatus::Closed);
        assert_eq!(row.report, Some(ReportState::Sent));
        let row = load("'apen'", "NULL").expect("a known code");
        assert_eq!((row.status, row.report), (LogStatus::Open, None));
    }

    #[test]
    fn an_unknown_code_is_corrupt_data() {
        for (status, report) in [("'åpen'", "NULL"), ("'apen'", "'sent'"), ("''", "NULL")] {
            match load(status, report) {
                Err(DbError::Corrupt(why)) => assert!(why.contains("\""), "{why}"),
                other => panic!("{status}/{report}: {other:?}"),
            }
        }
        let tuple: Result<ProposalStatus, _> =
            Stored::<ProposalStatus>(Some("ventet".into()), PhantomData).parse();
        assert_eq!(
            DbError::from(tuple.expect_err("unknown")).to_string(),
            "stored data is not valid: proposal status \"ventet\""
        );
    }
}
