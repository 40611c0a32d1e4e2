//! The access log (tilgangslogg): who read or changed what, when, and on what
//! ground. Rows form a chain: each row's hash covers its own fields and the
//! previous row's hash, so editing or deleting a row breaks the chain at that
//! row, which `laget audit verify` reports.
//!
//! The chain is keyed: a row's hash is an HMAC-SHA256 under an [`AuditKey`]
//! that is kept outside the database, so someone who can write the database
//! but does not hold the key cannot recompute the chain after changing it.
//! Rows written before Laget had a key (numbered below the chain's
//! `keyed_from`) keep their plain SHA-256. Signed [`Checkpoint`]s of the
//! chain's head, written to a file outside the database, show when rows at the
//! end were removed or the whole chain was replaced.
//!
//! Every row says who acted: a [`Principal`] — a staff member, a citizen (a
//! guardian or a young person, who come with the family portal) or the
//! operator. Rows are hashed in the [`RowFormat`] they were written in: rows
//! from before the principal was stored (format 1) name only a staff user,
//! so their principal follows from that; rows written now (format 2) hash
//! the principal's kind and id.

use crate::access::Capability;
use crate::ids::{CitizenId, MunicipalityId, UnitId, UserId};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The hash that the first row links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The secret (256 bits) that keys the chain and signs checkpoints. It is
/// never stored in the database, and its `Debug` does not show it.
#[derive(Clone)]
pub struct AuditKey {
    bytes: [u8; 32],
    /// HMAC-SHA256 keyed with `bytes`, cloned for each message.
    mac: HmacSha256,
}

/// A key that is not 64 hexadecimal digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an access-log key is 64 hexadecimal digits (256 bits)")]
pub struct InvalidKey;

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        // HMAC pads a key shorter than the hash's block (64 bytes for
        // SHA-256) with zeros, so keying with the padded block is HMAC with
        // `bytes` itself, and cannot fail.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&bytes);
        let mac = <HmacSha256 as hmac::digest::KeyInit>::new(&block.into());
        Self { bytes, mac }
    }

    /// Reads 64 hexadecimal digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, InvalidKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| InvalidKey)?;
        Ok(Self::from_bytes(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(<hidden>)")
    }
}

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
    /// A report of concern to child welfare (bekymringsmelding, issue #13).
    Report,
}

impl ObjectType {
    pub const ALL: [ObjectType; 8] = [
        Self::Municipality,
        Self::Unit,
        Self::User,
        Self::AccessLog,
        Self::Child,
        Self::Log,
        Self::Consultation,
        Self::Report,
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
            Self::Report => "bekymringsmelding",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// Who acted: every access-log row names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// A staff member signed in with their account.
    Staff(UserId),
    /// A citizen acting for themselves or their child (a guardian, a young
    /// person), signed in through ID-porten.
    Citizen(CitizenId),
    /// The operator at the command line (`laget admin`, the demo).
    Operator,
}

/// The kind of a [`Principal`], as the access log stores it
/// (`access_log.principal_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    Staff,
    Citizen,
    Operator,
}

impl PrincipalKind {
    pub const ALL: [PrincipalKind; 3] = [Self::Staff, Self::Citizen, Self::Operator];
    pub fn code(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Citizen => "citizen",
            Self::Operator => "operator",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl Principal {
    /// Who acts under `capability`: a citizen when the capability names one
    /// (the family's portal), else a staff member (`actor()` is the user) or
    /// the operator (no user).
    pub fn acting_under(capability: &dyn Capability) -> Self {
        match (capability.citizen(), capability.actor()) {
            (Some(citizen), _) => Self::Citizen(citizen),
            (None, Some(user)) => Self::Staff(user),
            (None, None) => Self::Operator,
        }
    }

    pub fn kind(self) -> PrincipalKind {
        match self {
            Self::Staff(_) => PrincipalKind::Staff,
            Self::Citizen(_) => PrincipalKind::Citizen,
            Self::Operator => PrincipalKind::Operator,
        }
    }

    /// The staff member, if a staff member acted.
    pub fn staff(self) -> Option<UserId> {
        match self {
            Self::Staff(user) => Some(user),
            _ => None,
        }
    }

    /// The citizen, if a citizen acted.
    pub fn citizen(self) -> Option<CitizenId> {
        match self {
            Self::Citizen(citizen) => Some(citizen),
            _ => None,
        }
    }

    /// The principal of a stored row's kind, staff user and citizen columns;
    /// `None` when they do not name exactly one principal (a row that was
    /// changed outside Laget).
    pub fn from_stored(
        kind: &str,
        staff: Option<UserId>,
        citizen: Option<CitizenId>,
    ) -> Option<Self> {
        match (PrincipalKind::from_code(kind)?, staff, citizen) {
            (PrincipalKind::Staff, Some(user), None) => Some(Self::Staff(user)),
            (PrincipalKind::Citizen, None, Some(citizen)) => Some(Self::Citizen(citizen)),
            (PrincipalKind::Operator, None, None) => Some(Self::Operator),
            _ => None,
        }
    }
}

/// How a row's fields are fed to its hash. A row keeps the format it was
/// written in (`access_log.row_format`), and verification hashes it so.
/// Changing a row's format changes its hash input, so it cannot pass a row
/// off as another format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowFormat {
    /// Rows from before migration `000013_outbox_and_principal`: the actor
    /// field is the staff user's id, or empty for the operator; there are no
    /// citizens. The stored principal must be the one that follows from it.
    V1,
    /// Rows written now: a tag that no format-1 input starts with, then the
    /// principal's kind and id in place of the actor.
    V2,
}

/// The first field of a format-2 row's hash input. Its length differs from
/// a format-1 input's first field (a 64-digit hash), so the two formats never
/// share an input; it differs from the checkpoint's tag too.
const ROW_V2_TAG: &str = "laget-access-row-2";

impl RowFormat {
    /// The format Laget writes.
    pub const CURRENT: Self = Self::V2;

    pub fn number(self) -> i32 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
        }
    }

    pub fn from_number(number: i32) -> Option<Self> {
        match number {
            1 => Some(Self::V1),
            2 => Some(Self::V2),
            _ => None,
        }
    }
}

/// One access, ready to be appended to the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    pub at: DateTime<Utc>,
    /// Who acted.
    pub principal: Principal,
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
            principal: Principal::acting_under(capability),
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

    /// Feeds this record as row `seq` in `format`, linked to `prev_hash`, to
    /// `update`. Every field is length-prefixed so that no two records share
    /// an input. `None` when the record cannot be written in `format` (a
    /// citizen in format 1).
    fn hash_input(
        &self,
        format: RowFormat,
        seq: i64,
        prev_hash: &str,
        mut update: impl FnMut(&[u8]),
    ) -> Option<()> {
        let mut field = |value: &str| {
            update(&(value.len() as u64).to_be_bytes());
            update(value.as_bytes());
        };
        let actor = match (format, self.principal) {
            (RowFormat::V1, Principal::Citizen(_)) => return None,
            (RowFormat::V1, principal) => {
                principal.staff().map(|u| u.to_string()).unwrap_or_default()
            }
            (RowFormat::V2, principal) => match principal {
                Principal::Staff(user) => user.to_string(),
                Principal::Citizen(citizen) => citizen.to_string(),
                Principal::Operator => String::new(),
            },
        };
        if format == RowFormat::V2 {
            field(ROW_V2_TAG);
        }
        field(prev_hash);
        field(&seq.to_string());
        field(&self.at.timestamp_micros().to_string());
        if format == RowFormat::V2 {
            field(self.principal.kind().code());
        }
        field(&actor);
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
        Some(())
    }

    /// The unkeyed hash (SHA-256) of this record as row `seq` in `format`:
    /// the hash of rows written before the chain was keyed. `None` when the
    /// record cannot be written in `format`.
    pub fn chain_hash_as(&self, format: RowFormat, seq: i64, prev_hash: &str) -> Option<String> {
        let mut h = Sha256::new();
        self.hash_input(format, seq, prev_hash, |bytes| {
            Digest::update(&mut h, bytes)
        })?;
        Some(hex::encode(h.finalize()))
    }

    /// The keyed hash (HMAC-SHA256 under `key`) of this record as row `seq`
    /// in `format`. `None` when the record cannot be written in `format`.
    pub fn chain_mac_as(
        &self,
        format: RowFormat,
        key: &AuditKey,
        seq: i64,
        prev_hash: &str,
    ) -> Option<String> {
        let mut m = key.mac();
        self.hash_input(format, seq, prev_hash, |bytes| Mac::update(&mut m, bytes))?;
        Some(hex::encode(m.finalize().into_bytes()))
    }

    /// The unkeyed hash of this record as row `seq` in the format Laget
    /// writes ([`RowFormat::CURRENT`]), which holds every principal.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let _ = self.hash_input(RowFormat::CURRENT, seq, prev_hash, |bytes| {
            Digest::update(&mut h, bytes)
        });
        hex::encode(h.finalize())
    }

    /// The keyed hash (HMAC-SHA256 under `key`) of this record as row `seq`
    /// in the format Laget writes: the hash of every row Laget writes now.
    pub fn chain_mac(&self, key: &AuditKey, seq: i64, prev_hash: &str) -> String {
        let mut m = key.mac();
        let _ = self.hash_input(RowFormat::CURRENT, seq, prev_hash, |bytes| {
            Mac::update(&mut m, bytes)
        });
        hex::encode(m.finalize().into_bytes())
    }
}

/// A stored row: the record plus its place in the chain.
#[derive(Clone, Debug)]
pub struct ChainedRecord {
    pub seq: i64,
    /// The format the row was written in.
    pub format: RowFormat,
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

/// The chain's head as the database records it: the newest row's number and
/// hash, and the first row that was written with the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    /// Rows numbered from here on are keyed; rows before were written by a
    /// Laget that had no key (set once, by the migration that brought the key).
    pub keyed_from: i64,
}

/// The hash row `seq` must carry: keyed from `keyed_from` on, plain SHA-256
/// before, in the row's format. `None` when the record cannot be written in
/// its format (so the row was changed).
fn expected_hash(
    record: &AccessRecord,
    format: RowFormat,
    key: &AuditKey,
    keyed_from: i64,
    seq: i64,
    prev_hash: &str,
) -> Option<String> {
    if seq >= keyed_from {
        record.chain_mac_as(format, key, seq, prev_hash)
    } else {
        record.chain_hash_as(format, seq, prev_hash)
    }
}

/// A signed statement of the chain's head at a moment, written to a file
/// outside the database (one line each). Verification compares the chain
/// with every checkpoint: a row that a checkpoint names must still carry the
/// hash it signed, and no checkpoint may name a row beyond the log's end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub keyed_from: i64,
    /// Whole microseconds (what the signed line holds).
    pub at: DateTime<Utc>,
}

/// The first word of a checkpoint line; also the first field signed, so that
/// a checkpoint's signature can never pass for a row's hash.
const CHECKPOINT_TAG: &str = "laget-audit-checkpoint-1";

/// A checkpoint line that cannot be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint line")]
    Malformed,
    #[error("not signed with this key (forged, altered or from another key)")]
    WrongSignature,
}

impl Checkpoint {
    /// A checkpoint of `head` at `at` (cut to whole microseconds).
    pub fn of(head: &Head, at: DateTime<Utc>) -> Self {
        Self {
            seq: head.seq,
            hash: head.hash.clone(),
            keyed_from: head.keyed_from,
            at: DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at),
        }
    }

    fn mac(&self, key: &AuditKey) -> HmacSha256 {
        let mut m = key.mac();
        for value in [
            CHECKPOINT_TAG,
            &self.seq.to_string(),
            &self.hash,
            &self.keyed_from.to_string(),
            &self.at.timestamp_micros().to_string(),
        ] {
            Mac::update(&mut m, &(value.len() as u64).to_be_bytes());
            Mac::update(&mut m, value.as_bytes());
        }
        m
    }

    /// One line (without the newline): the fields in plain words, then the
    /// HMAC-SHA256 over them under `key`.
    pub fn to_signed_line(&self, key: &AuditKey) -> String {
        format!(
            "{CHECKPOINT_TAG} seq={} hash={} keyed_from={} at={} mac={}",
            self.seq,
            self.hash,
            self.keyed_from,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            hex::encode(self.mac(key).finalize().into_bytes())
        )
    }

    /// Reads a line made by [`Checkpoint::to_signed_line`] and checks its
    /// signature (in constant time).
    pub fn from_signed_line(line: &str, key: &AuditKey) -> Result<Self, CheckpointError> {
        let mut words = line.split_whitespace();
        if words.next() != Some(CHECKPOINT_TAG) {
            return Err(CheckpointError::Malformed);
        }
        let mut value = |name: &str| {
            words
                .next()
                .and_then(|w| w.strip_prefix(name))
                .and_then(|w| w.strip_prefix('='))
                .ok_or(CheckpointError::Malformed)
        };
        let seq = value("seq")?
            .parse()
            .map_err(|_| CheckpointError::Malformed)?;
        let hash = value("hash")?.to_owned();
        let keyed_from = value("keyed_from")?
            .parse()
            .map_err(|_| CheckpointError::Malformed)?;
        let at = DateTime::parse_from_rfc3339(value("at")?)
            .map_err(|_| CheckpointError::Malformed)?
            .with_timezone(&Utc);
        let mac = hex::decode(value("mac")?).map_err(|_| CheckpointError::Malformed)?;
        if words.next().is_some() {
            return Err(CheckpointError::Malformed);
        }
        let checkpoint = Self {
            seq,
            hash,
            keyed_from,
            at,
        };
        checkpoint
            .mac(key)
            .verify_slice(&mac)
            .map_err(|_| CheckpointError::WrongSignature)?;
        Ok(checkpoint)
    }
}

/// Something verification found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The chain itself breaks (the first break only).
    Chain(BrokenLink),
    /// The log ends at row `last_seq`, but `checkpoint` (the newest that goes
    /// further) names a later row: the rows after `last_seq` were removed.
    Truncated {
        last_seq: i64,
        checkpoint: Checkpoint,
    },
    /// Row `checkpoint.seq` carries another hash than `checkpoint` signed:
    /// that row, and with it the chain up to it, was recomputed (the first
    /// such checkpoint only).
    Recomputed {
        found: String,
        checkpoint: Checkpoint,
    },
    /// The database says the chain is keyed from row `database`, but
    /// `checkpoint` signed another row: the boundary was moved (to pass rows
    /// recomputed without the key off as rows from before the key).
    KeyedFromMoved {
        database: i64,
        checkpoint: Checkpoint,
    },
}

/// The outcome of verifying the chain against the checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Rows read.
    pub rows: u64,
    /// Checkpoints compared.
    pub checkpoints: usize,
    /// Empty when the chain and every checkpoint agree.
    pub findings: Vec<Finding>,
}

impl Verdict {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }

    /// The chain's own first break, if any.
    pub fn broken_link(&self) -> Option<&BrokenLink> {
        self.findings.iter().find_map(|f| match f {
            Finding::Chain(b) => Some(b),
            _ => None,
        })
    }
}

/// Checks a chain row by row, from the start, without holding it in memory,
/// and compares it with checkpoints as it goes.
#[derive(Debug)]
pub struct ChainVerifier<'k> {
    key: &'k AuditKey,
    keyed_from: i64,
    expected_seq: i64,
    prev: String,
    rows: u64,
    /// The number of the last row read.
    last_seq: i64,
    broken: Option<BrokenLink>,
    /// Sorted by row number; `next` is the first not yet reached.
    checkpoints: Vec<Checkpoint>,
    next: usize,
    recomputed: Option<Finding>,
}

impl<'k> ChainVerifier<'k> {
    /// A verifier for a chain keyed with `key` from row `keyed_from` on (as
    /// the database says), to be compared with `checkpoints`.
    pub fn new(key: &'k AuditKey, keyed_from: i64, mut checkpoints: Vec<Checkpoint>) -> Self {
        checkpoints.sort_by_key(|c| (c.seq, c.at));
        let mut verifier = Self {
            key,
            keyed_from,
            expected_seq: 1,
            prev: GENESIS_HASH.to_owned(),
            rows: 0,
            last_seq: 0,
            broken: None,
            checkpoints,
            next: 0,
            recomputed: None,
        };
        verifier.compare(0, GENESIS_HASH);
        verifier
    }

    /// Checks the next row's number, link and hash, and compares it with the
    /// checkpoints that name it. After the first break the chain is not
    /// checked further, but the checkpoints still are.
    pub fn push(&mut self, row: &ChainedRecord) {
        self.rows += 1;
        if self.broken.is_none()
            && let Err(broken) = self.link(row)
        {
            self.broken = Some(broken);
        }
        self.compare(row.seq, &row.hash);
        self.last_seq = row.seq;
    }

    /// Row `seq`, carrying `hash`, could not be read as a record (its stored
    /// principal names no one principal, or its format is unknown): no Laget
    /// wrote it so, so it was altered. Checked otherwise as [`Self::push`].
    pub fn push_unreadable(&mut self, seq: i64, hash: &str) {
        self.rows += 1;
        if self.broken.is_none() {
            self.broken = Some(if seq == self.expected_seq {
                BrokenLink::Altered { seq }
            } else {
                BrokenLink::Gap {
                    expected_seq: self.expected_seq,
                    found_seq: seq,
                }
            });
        }
        self.compare(seq, hash);
        self.last_seq = seq;
    }

    fn link(&mut self, row: &ChainedRecord) -> Result<(), BrokenLink> {
        if row.seq != self.expected_seq {
            return Err(BrokenLink::Gap {
                expected_seq: self.expected_seq,
                found_seq: row.seq,
            });
        }
        if row.prev_hash != self.prev {
            return Err(BrokenLink::WrongLink { seq: row.seq });
        }
        if expected_hash(
            &row.record,
            row.format,
            self.key,
            self.keyed_from,
            row.seq,
            &row.prev_hash,
        )
        .as_deref()
            != Some(row.hash.as_str())
        {
            return Err(BrokenLink::Altered { seq: row.seq });
        }
        self.prev.clone_from(&row.hash);
        self.expected_seq += 1;
        Ok(())
    }

    /// Compares row `seq`'s hash with the checkpoints that name it. Those
    /// naming rows that are not there (deleted from the middle) are passed
    /// over: the chain's gap names them.
    fn compare(&mut self, seq: i64, hash: &str) {
        while let Some(checkpoint) = self.checkpoints.get(self.next) {
            if checkpoint.seq > seq {
                break;
            }
            if checkpoint.seq == seq && checkpoint.hash != hash && self.recomputed.is_none() {
                self.recomputed = Some(Finding::Recomputed {
                    found: hash.to_owned(),
                    checkpoint: checkpoint.clone(),
                });
            }
            self.next += 1;
        }
    }

    /// Compares the last row with the head the database recorded, and the
    /// log's end and keyed boundary with the checkpoints.
    pub fn finish(self, head: &Head) -> Verdict {
        let mut findings = Vec::new();
        match self.broken {
            Some(broken) => findings.push(Finding::Chain(broken)),
            None => {
                let last_seq = self.expected_seq - 1;
                if head.seq != last_seq || head.hash != self.prev {
                    findings.push(Finding::Chain(BrokenLink::Head {
                        head_seq: head.seq,
                        last_seq,
                    }));
                }
            }
        }
        if let Some(moved) = self
            .checkpoints
            .iter()
            .find(|c| c.keyed_from != self.keyed_from)
        {
            findings.push(Finding::KeyedFromMoved {
                database: self.keyed_from,
                checkpoint: moved.clone(),
            });
        }
        findings.extend(self.recomputed);
        if let Some(beyond) = self
            .checkpoints
            .get(self.next..)
            .unwrap_or_default()
            .iter()
            .max_by_key(|c| (c.seq, c.at))
        {
            findings.push(Finding::Truncated {
                last_seq: self.last_seq,
                checkpoint: beyond.clone(),
            });
        }
        Verdict {
            rows: self.rows,
            checkpoints: self.checkpoints.len(),
            findings,
        }
    }
}

/// Checks a whole chain held in memory; see [`ChainVerifier`].
pub fn verify_chain<'r, I>(
    key: &AuditKey,
    head: &Head,
    rows: I,
    checkpoints: Vec<Checkpoint>,
) -> Verdict
where
    I: IntoIterator<Item = &'r ChainedRecord>,
{
    let mut verifier = ChainVerifier::new(key, head.keyed_from, checkpoints);
    for row in rows {
        verifier.push(row);
    }
    verifier.finish(head)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::access::Operator;

    fn key(byte: u8) -> AuditKey {
        AuditKey::from_bytes([byte; 32])
    }

    fn record(seq: i64) -> AccessRecord {
        AccessRecord {
            at: DateTime::from_timestamp_micros(1_790_000_000_000_000 + seq).unwrap(),
            ..AccessRecord::new(
                &Operator::at_console(),
                ObjectType::Unit,
                seq,
                Action::Read,
                Scope::default(),
                "req",
            )
        }
    }

    /// Rows `1..=n`, hashed as Laget writes them: plain SHA-256 below
    /// `keyed_from`, keyed with `key` from there on.
    fn chain_with(key: &AuditKey, keyed_from: i64, n: i64) -> Vec<ChainedRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let record = record(seq);
                let hash = expected_hash(&record, RowFormat::CURRENT, key, keyed_from, seq, &prev)
                    .unwrap();
                let row = ChainedRecord {
                    seq,
                    format: RowFormat::CURRENT,
                    record,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn chain(n: i64) -> Vec<ChainedRecord> {
        chain_with(&key(7), 1, n)
    }

    fn head(rows: &[ChainedRecord], keyed_from: i64) -> Head {
        let (seq, hash) = rows
            .last()
            .map(|r| (r.seq, r.hash.clone()))
            .unwrap_or((0, GENESIS_HASH.into()));
        Head {
            seq,
            hash,
            keyed_from,
        }
    }

    fn verify(rows: &[ChainedRecord], head: &Head, checkpoints: &[Checkpoint]) -> Verdict {
        verify_chain(&key(7), head, rows, checkpoints.to_vec())
    }

    fn only(finding: Finding) -> Vec<Finding> {
        vec![finding]
    }

    #[test]
    fn the_keyed_hash_is_hmac_sha256_under_the_key() {
        let r = record(1);
        let mut reference = HmacSha256::new_from_slice(&[7; 32]).unwrap();
        r.hash_input(RowFormat::CURRENT, 1, GENESIS_HASH, |b| {
            Mac::update(&mut reference, b)
        })
        .unwrap();
        assert_eq!(
            r.chain_mac(&key(7), 1, GENESIS_HASH),
            hex::encode(reference.finalize().into_bytes())
        );
        assert_ne!(
            r.chain_mac(&key(7), 1, GENESIS_HASH),
            r.chain_mac(&key(8), 1, GENESIS_HASH),
            "another key, another hash"
        );
        assert_ne!(
            r.chain_mac(&key(7), 1, GENESIS_HASH),
            r.chain_hash(1, GENESIS_HASH)
        );
    }

    #[test]
    fn keys_are_read_from_hex_and_never_shown() {
        let k = key(0xab);
        assert_eq!(k.to_hex(), "ab".repeat(32));
        let again = AuditKey::from_hex(&format!(" {}\n", k.to_hex())).unwrap();
        assert_eq!(again.to_hex(), k.to_hex());
        assert_eq!(AuditKey::from_hex("abcd").err(), Some(InvalidKey));
        assert_eq!(AuditKey::from_hex(&"zz".repeat(32)).err(), Some(InvalidKey));
        assert!(!format!("{k:?}").contains("abab"));
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let verdict = verify(&rows, &head(&rows, 1), &[]);
        assert_eq!(verdict.findings, vec![]);
        assert_eq!(verdict.rows, 5);
        assert!(verify(&[], &head(&[], 1), &[]).intact());
    }

    #[test]
    fn rows_from_before_the_key_verify_unkeyed() {
        let rows = chain_with(&key(7), 4, 6);
        assert!(verify(&rows, &head(&rows, 4), &[]).intact());
        assert_eq!(
            rows[2].hash,
            rows[2].record.chain_hash(3, &rows[2].prev_hash)
        );
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut rows = chain(5);
        let h = head(&rows, 1);
        rows[2].record.action = "update".into();
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 3 }))
        );
    }

    #[test]
    fn a_deleted_row_is_named() {
        let mut rows = chain(5);
        let h = head(&rows, 1);
        rows.remove(1);
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Gap {
                expected_seq: 2,
                found_seq: 3
            }))
        );
    }

    #[test]
    fn a_deleted_last_row_is_caught_by_the_head() {
        let mut rows = chain(5);
        let h = head(&rows, 1);
        rows.pop();
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Head {
                head_seq: 5,
                last_seq: 4
            }))
        );
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_next_link() {
        let mut rows = chain(5);
        let h = head(&rows, 1);
        rows[1].record.object_id = "forfalsket".into();
        rows[1].hash = rows[1].record.chain_mac(&key(7), 2, &rows[1].prev_hash);
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::WrongLink { seq: 3 }))
        );
    }

    #[test]
    fn a_chain_recomputed_without_the_key_breaks_at_its_first_keyed_row() {
        let real = chain_with(&key(7), 3, 6);
        // The whole chain recomputed unkeyed, as before the key: rows 1 and
        // 2 come out the same, row 3 does not verify.
        let unkeyed = chain_with(&key(7), i64::MAX, 6);
        assert_eq!(unkeyed[1].hash, real[1].hash);
        assert_eq!(
            verify(&unkeyed, &head(&unkeyed, 3), &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 3 }))
        );
        // Recomputed under another key.
        let other = chain_with(&key(8), 3, 6);
        assert_eq!(
            verify(&other, &head(&other, 3), &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 3 }))
        );
    }

    #[test]
    fn checkpoints_round_trip_and_refuse_changes() {
        let rows = chain(3);
        let cp = Checkpoint::of(&head(&rows, 1), Utc::now());
        let line = cp.to_signed_line(&key(7));
        assert!(
            line.starts_with("laget-audit-checkpoint-1 seq=3 hash="),
            "{line}"
        );
        assert_eq!(Checkpoint::from_signed_line(&line, &key(7)), Ok(cp.clone()));
        assert_eq!(
            Checkpoint::from_signed_line(&line, &key(8)),
            Err(CheckpointError::WrongSignature)
        );
        let moved = line.replace("seq=3", "seq=2");
        assert_eq!(
            Checkpoint::from_signed_line(&moved, &key(7)),
            Err(CheckpointError::WrongSignature)
        );
        // A line signed by someone with another key, for the head they want.
        let forged = Checkpoint {
            seq: 2,
            ..cp.clone()
        }
        .to_signed_line(&key(8));
        assert_eq!(
            Checkpoint::from_signed_line(&forged, &key(7)),
            Err(CheckpointError::WrongSignature)
        );
        for bad in [
            "",
            "hei",
            &line[..line.len() - 70],
            &format!("{line} ekstra"),
        ] {
            assert_eq!(
                Checkpoint::from_signed_line(bad, &key(7)),
                Err(CheckpointError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_chain_that_agrees_with_its_checkpoints_is_intact() {
        let rows = chain(6);
        let cps = vec![
            Checkpoint::of(&head(&[], 1), Utc::now()),
            Checkpoint::of(&head(&rows[..2], 1), Utc::now()),
            Checkpoint::of(&head(&rows, 1), Utc::now()),
        ];
        let verdict = verify(&rows, &head(&rows, 1), &cps);
        assert_eq!(verdict.findings, vec![]);
        assert_eq!(verdict.checkpoints, 3);
    }

    #[test]
    fn removed_rows_at_the_end_are_named_against_the_newest_checkpoint() {
        let rows = chain(6);
        let newest = Checkpoint::of(&head(&rows, 1), Utc::now());
        let cps = vec![
            Checkpoint::of(&head(&rows[..5], 1), Utc::now()),
            newest.clone(),
        ];
        // Rows 5 and 6 deleted, and the head set to row 4: the chain
        // itself is whole.
        let kept = &rows[..4];
        assert_eq!(
            verify(kept, &head(kept, 1), &cps).findings,
            only(Finding::Truncated {
                last_seq: 4,
                checkpoint: newest
            })
        );
    }

    #[test]
    fn a_chain_recomputed_and_passed_off_as_unkeyed_is_named() {
        let rows = chain(6);
        let cp = Checkpoint::of(&head(&rows[..4], 1), Utc::now());
        // Recomputed unkeyed, with the boundary moved past the end so that
        // every row checks as one from before the key.
        let mut forged = chain_with(&key(7), i64::MAX, 6);
        forged[1].record.action = "create".into();
        let mut prev = GENESIS_HASH.to_owned();
        for row in &mut forged {
            row.prev_hash = prev.clone();
            row.hash = row.record.chain_hash(row.seq, &prev);
            prev = row.hash.clone();
        }
        let verdict = verify(&forged, &head(&forged, 7), std::slice::from_ref(&cp));
        assert_eq!(
            verdict.findings,
            vec![
                Finding::KeyedFromMoved {
                    database: 7,
                    checkpoint: cp.clone()
                },
                Finding::Recomputed {
                    found: forged[3].hash.clone(),
                    checkpoint: cp
                },
            ]
        );
    }

    /// Rows `1..=n` as a Laget from before the principal wrote them (format
    /// 1), every other one by a staff member, the rest by the operator.
    fn old_chain(n: i64) -> Vec<ChainedRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut record = record(seq);
                if seq % 2 == 0 {
                    record.principal = Principal::Staff(UserId::new());
                }
                let hash = record
                    .chain_mac_as(RowFormat::V1, &key(7), seq, &prev)
                    .unwrap();
                let row = ChainedRecord {
                    seq,
                    format: RowFormat::V1,
                    record,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    #[test]
    fn format_1_rows_hash_as_before_the_principal() {
        // The format-1 input is the one Laget hashed before: the actor's id
        // (or nothing) where format 2 has the principal.
        let mut r = record(1);
        let user = UserId::new();
        r.principal = Principal::Staff(user);
        let mut reference = HmacSha256::new_from_slice(&[7; 32]).unwrap();
        for value in [
            GENESIS_HASH,
            "1",
            &r.at.timestamp_micros().to_string(),
            &user.to_string(),
            &r.ground,
            &r.object_type,
            &r.object_id,
            &r.action,
            "",
            "",
            &r.request_id,
        ] {
            Mac::update(&mut reference, &(value.len() as u64).to_be_bytes());
            Mac::update(&mut reference, value.as_bytes());
        }
        assert_eq!(
            r.chain_mac_as(RowFormat::V1, &key(7), 1, GENESIS_HASH),
            Some(hex::encode(reference.finalize().into_bytes()))
        );
        assert_ne!(
            r.chain_mac_as(RowFormat::V1, &key(7), 1, GENESIS_HASH),
            r.chain_mac_as(RowFormat::V2, &key(7), 1, GENESIS_HASH),
        );
        r.principal = Principal::Citizen(CitizenId::new());
        assert_eq!(
            r.chain_mac_as(RowFormat::V1, &key(7), 1, GENESIS_HASH),
            None
        );
        assert_eq!(r.chain_hash_as(RowFormat::V1, 1, GENESIS_HASH), None);
    }

    #[test]
    fn old_and_new_rows_verify_together() {
        let mut rows = old_chain(4);
        let mut prev = rows.last().unwrap().hash.clone();
        for (seq, principal) in [
            (5, Principal::Citizen(CitizenId::new())),
            (6, Principal::Staff(UserId::new())),
            (7, Principal::Operator),
        ] {
            let mut record = record(seq);
            record.principal = principal;
            let hash = record.chain_mac(&key(7), seq, &prev);
            rows.push(ChainedRecord {
                seq,
                format: RowFormat::V2,
                record,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
        assert_eq!(verify(&rows, &head(&rows, 1), &[]).findings, vec![]);
    }

    #[test]
    fn a_changed_principal_is_named_in_either_format() {
        let citizen = Principal::Citizen(CitizenId::new());
        let changes = [
            Principal::Operator,
            Principal::Staff(UserId::new()),
            citizen,
        ];
        // Format 1: row 2 is a staff member's, row 1 the operator's.
        for (seq, change) in [
            (2, changes[0]),
            (2, changes[1]),
            (2, citizen),
            (1, changes[1]),
        ] {
            let mut rows = old_chain(3);
            let h = head(&rows, 1);
            rows[seq - 1].record.principal = change;
            assert_eq!(
                verify(&rows, &h, &[]).findings,
                only(Finding::Chain(BrokenLink::Altered { seq: seq as i64 })),
                "format 1, row {seq} changed to {change:?}"
            );
        }
        // Format 2 (every row the operator's).
        for change in [changes[1], citizen] {
            let mut rows = chain(3);
            let h = head(&rows, 1);
            rows[1].record.principal = change;
            assert_eq!(
                verify(&rows, &h, &[]).findings,
                only(Finding::Chain(BrokenLink::Altered { seq: 2 })),
                "format 2 changed to {change:?}"
            );
        }
        // A citizen's row against another citizen.
        let mut rows = chain(3);
        rows[1].record.principal = citizen;
        rows[1].hash = rows[1].record.chain_mac(&key(7), 2, &rows[1].prev_hash);
        rows[2].prev_hash = rows[1].hash.clone();
        rows[2].hash = rows[2].record.chain_mac(&key(7), 3, &rows[2].prev_hash);
        let h = head(&rows, 1);
        assert!(verify(&rows, &h, &[]).intact());
        rows[1].record.principal = Principal::Citizen(CitizenId::new());
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 2 }))
        );
    }

    #[test]
    fn a_changed_format_is_named() {
        let mut rows = chain(3);
        let h = head(&rows, 1);
        rows[1].format = RowFormat::V1;
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 2 }))
        );
        let mut rows = old_chain(3);
        let h = head(&rows, 1);
        rows[1].format = RowFormat::V2;
        assert_eq!(
            verify(&rows, &h, &[]).findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 2 }))
        );
    }

    #[test]
    fn an_unreadable_row_is_named_as_altered() {
        let rows = chain(3);
        let k = key(7);
        let mut verifier = ChainVerifier::new(&k, 1, Vec::new());
        verifier.push(&rows[0]);
        verifier.push_unreadable(2, &rows[1].hash);
        verifier.push(&rows[2]);
        let verdict = verifier.finish(&head(&rows, 1));
        assert_eq!(verdict.rows, 3);
        assert_eq!(
            verdict.findings,
            only(Finding::Chain(BrokenLink::Altered { seq: 2 }))
        );
        // Out of place, it is the gap that is named.
        let mut verifier = ChainVerifier::new(&k, 1, Vec::new());
        verifier.push(&rows[0]);
        verifier.push_unreadable(3, &rows[2].hash);
        assert_eq!(
            verifier.finish(&head(&rows, 1)).findings,
            only(Finding::Chain(BrokenLink::Gap {
                expected_seq: 2,
                found_seq: 3
            }))
        );
    }

    #[test]
    fn stored_principals_read_back_only_whole() {
        let user = UserId::new();
        let citizen = CitizenId::new();
        for p in [
            Principal::Staff(user),
            Principal::Citizen(citizen),
            Principal::Operator,
        ] {
            assert_eq!(
                Principal::from_stored(p.kind().code(), p.staff(), p.citizen()),
                Some(p)
            );
        }
        for (kind, staff, cit) in [
            ("staff", None, None),
            ("staff", Some(user), Some(citizen)),
            ("citizen", Some(user), None),
            ("citizen", None, None),
            ("operator", Some(user), None),
            ("operator", None, Some(citizen)),
            ("guardian", None, Some(citizen)),
        ] {
            assert_eq!(Principal::from_stored(kind, staff, cit), None, "{kind}");
        }
        for k in PrincipalKind::ALL {
            assert_eq!(PrincipalKind::from_code(k.code()), Some(k));
        }
        for f in [RowFormat::V1, RowFormat::V2] {
            assert_eq!(RowFormat::from_number(f.number()), Some(f));
        }
        assert_eq!(RowFormat::from_number(3), None);
        assert_eq!(
            Principal::acting_under(&Operator::at_console()),
            Principal::Operator
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
