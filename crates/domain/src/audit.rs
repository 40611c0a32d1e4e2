//! The access log (tilgangslogg): who read or changed what, when, and on what
//! ground. Rows form a hash chain: each row's hash covers its own fields and
//! the previous row's hash, so editing or deleting a row breaks the chain at
//! that row, which `laget audit verify` reports.

use crate::access::Capability;
use crate::ids::{MunicipalityId, UnitId, UserId};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The hash that the first row links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Disable,
    Enable,
    ResetPassword,
    Login,
    Logout,
    /// Printed (the archive view).
    Print,
    /// Opened with break-glass (nødtilgang).
    BreakGlass,
    /// A list in which the object appears (a unit's children, a leader's overview).
    List,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Self::Read,
        Self::Create,
        Self::Update,
        Self::Disable,
        Self::Enable,
        Self::ResetPassword,
        Self::Login,
        Self::Logout,
        Self::Print,
        Self::BreakGlass,
        Self::List,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Create => "create",
            Self::Update => "update",
            Self::Disable => "disable",
            Self::Enable => "enable",
            Self::ResetPassword => "reset_password",
            Self::Login => "login",
            Self::Logout => "logout",
            Self::Print => "print",
            Self::BreakGlass => "break_glass",
            Self::List => "list",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectType {
    Municipality,
    Unit,
    User,
    AccessLog,
    /// A child's record (name, birth, guardians).
    Child,
    /// A child's log and everything on it.
    Log,
    /// An anonymous consultation (no personal data, logged all the same).
    Consultation,
}

impl ObjectType {
    pub const ALL: [ObjectType; 7] = [
        Self::Municipality,
        Self::Unit,
        Self::User,
        Self::AccessLog,
        Self::Child,
        Self::Log,
        Self::Consultation,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Municipality => "municipality",
            Self::Unit => "unit",
            Self::User => "user",
            Self::AccessLog => "access_log",
            Self::Child => "child",
            Self::Log => "log",
            Self::Consultation => "consultation",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// One access, ready to be appended to the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub ground: String,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
    /// The unit whose data this is; its leader sees the row.
    pub unit_id: Option<UnitId>,
    pub municipality_id: Option<MunicipalityId>,
    pub request_id: String,
}

/// Where the object lives, so the right leaders see the row.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope {
    pub municipality_id: Option<MunicipalityId>,
    pub unit_id: Option<UnitId>,
}

impl AccessRecord {
    /// A record of an access made under `capability`: the actor and ground
    /// come from the capability, never from the caller.
    pub fn new(
        capability: &dyn Capability,
        object_type: ObjectType,
        object_id: impl ToString,
        action: Action,
        scope: Scope,
        request_id: &str,
    ) -> Self {
        Self {
            at: Utc::now(),
            actor: capability.actor(),
            ground: match capability.ground_detail() {
                Some(detail) => format!("{}:{detail}", capability.ground().code()),
                None => capability.ground().code().to_owned(),
            },
            object_type: object_type.code().to_owned(),
            object_id: object_id.to_string(),
            action: action.code().to_owned(),
            unit_id: scope.unit_id,
            municipality_id: scope.municipality_id,
            request_id: request_id.to_owned(),
        }
    }

    /// The hash of this record as row `seq`, linked to the previous row's hash.
    /// Every field is length-prefixed so that no two records share an input.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let mut field = |value: &str| {
            h.update((value.len() as u64).to_be_bytes());
            h.update(value.as_bytes());
        };
        field(prev_hash);
        field(&seq.to_string());
        field(&self.at.timestamp_micros().to_string());
        field(&self.actor.map(|a| a.to_string()).unwrap_or_default());
        field(&self.ground);
        field(&self.object_type);
        field(&self.object_id);
        field(&self.action);
        field(&self.unit_id.map(|u| u.to_string()).unwrap_or_default());
        field(
            &self
                .municipality_id
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
        field(&self.request_id);
        hex::encode(h.finalize())
    }
}

/// A stored row: the record plus its place in the chain.
#[derive(Clone, Debug)]
pub struct ChainedRecord {
    pub seq: i64,
    pub record: AccessRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokenLink {
    /// A row is missing before `seq` (rows were deleted).
    Gap { expected_seq: i64, found_seq: i64 },
    /// Row `seq` does not link to the row before it.
    WrongLink { seq: i64 },
    /// Row `seq`'s fields do not match its hash (the row was edited).
    Altered { seq: i64 },
    /// The last row is not the one the chain head names (rows at the end were
    /// deleted or added outside Laget).
    Head { head_seq: i64, last_seq: i64 },
}

/// Checks a chain row by row, from the start, without holding it in memory.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next row's number, link and hash.
    pub fn push(&mut self, row: ChainedRecord) -> Result<(), BrokenLink> {
        if row.seq != self.expected_seq {
            return Err(BrokenLink::Gap {
                expected_seq: self.expected_seq,
                found_seq: row.seq,
            });
        }
        if row.prev_hash != self.prev {
            return Err(BrokenLink::WrongLink { seq: row.seq });
        }
        if row.record.chain_hash(row.seq, &row.prev_hash) != row.hash {
            return Err(BrokenLink::Altered { seq: row.seq });
        }
        self.prev = row.hash;
        self.expected_seq += 1;
        Ok(())
    }

    /// Compares the last row with the head the database recorded (`seq`,
    /// `hash` of the newest row). Returns the number of rows checked.
    pub fn finish(self, head: (i64, &str)) -> Result<u64, BrokenLink> {
        let last_seq = self.expected_seq - 1;
        if head.0 != last_seq || head.1 != self.prev {
            return Err(BrokenLink::Head {
                head_seq: head.0,
                last_seq,
            });
        }
        Ok(u64::try_from(last_seq).unwrap_or_default())
    }
}

/// Checks a whole chain held in memory; see [`ChainVerifier`].
pub fn verify_chain<I>(rows: I, head: (i64, &str)) -> Result<u64, BrokenLink>
where
    I: IntoIterator<Item = ChainedRecord>,
{
    let mut verifier = ChainVerifier::default();
    for row in rows {
        verifier.push(row)?;
    }
    verifier.finish(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Operator;

    fn chain(n: i64) -> Vec<ChainedRecord> {
        let op = Operator::at_console();
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let record = AccessRecord::new(
                    &op,
                    ObjectType::Unit,
                    seq,
                    Action::Read,
                    Scope::default(),
                    "req",
                );
                let hash = record.chain_hash(seq, &prev);
                let row = ChainedRecord {
                    seq,
                    record,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn head(rows: &[ChainedRecord]) -> (i64, String) {
        rows.last()
            .map(|r| (r.seq, r.hash.clone()))
            .unwrap_or((0, GENESIS_HASH.into()))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let (seq, hash) = head(&rows);
        assert_eq!(verify_chain(rows, (seq, &hash)), Ok(5));
        assert_eq!(verify_chain(vec![], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut rows = chain(5);
        let (seq, hash) = head(&rows);
        rows[2].record.action = "update".into();
        assert_eq!(
            verify_chain(rows, (seq, &hash)),
            Err(BrokenLink::Altered { seq: 3 })
        );
    }

    #[test]
    fn a_deleted_row_is_named() {
        let mut rows = chain(5);
        let (seq, hash) = head(&rows);
        rows.remove(1);
        assert_eq!(
            verify_chain(rows, (seq, &hash)),
            Err(BrokenLink::Gap {
                expected_seq: 2,
                found_seq: 3
            })
        );
    }

    #[test]
    fn a_deleted_last_row_is_caught_by_the_head() {
        let mut rows = chain(5);
        let (seq, hash) = head(&rows);
        rows.pop();
        assert_eq!(
            verify_chain(rows, (seq, &hash)),
            Err(BrokenLink::Head {
                head_seq: 5,
                last_seq: 4
            })
        );
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_next_link() {
        let mut rows = chain(5);
        let (seq, hash) = head(&rows);
        rows[1].record.object_id = "forfalsket".into();
        rows[1].hash = rows[1].record.chain_hash(2, &rows[1].prev_hash);
        assert_eq!(
            verify_chain(rows, (seq, &hash)),
            Err(BrokenLink::WrongLink { seq: 3 })
        );
    }

    #[test]
    fn codes_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        for o in ObjectType::ALL {
            assert_eq!(ObjectType::from_code(o.code()), Some(o));
        }
    }
}
