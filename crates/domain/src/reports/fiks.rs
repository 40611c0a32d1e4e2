//! The KS Fiks «offentlig bekymringsmelding» version 2 message
//! (`no.ks.fiks.bekymringsmelding.offentlig.v2`): the JSON that child
//! welfare services' case systems already receive. The field names and
//! rules follow the published schema (`ks-no/fiks-io-bekymringsmelding-protokoll`,
//! `schema/domain/v2/offentlig.bekymringsmelding.v2.json` and
//! `schema/domain/adresse.json`); nothing of it is copied here. The types
//! below only serialise; what makes a value valid is checked when the form
//! is parsed into them ([`Message::check`], with Norwegian errors per field
//! in the web layer), and independently of this code by the schema test
//! (`crates/web/tests/app/fiks_schema.rs`).
//!
//! Rules of the schema worth knowing:
//! - most text fields carry the pattern `^(.*)$`: one line, no line break;
//! - `kommunenummer` is four digits, `bydelsnummer` two;
//! - the reporter's phone: `^[+]?[0-9]+([- ][0-9]+)*$`; e-mail: a local part
//!   and a domain of letters (also æøå), digits, `-` and `_`, and a top
//!   level of two or more letters;
//! - one or more children, one or two guardians;
//! - `sendingstidspunkt` is a date-time (RFC 3339).

use serde::{Deserialize, Serialize};

/// The message type in Fiks IO.
pub const MESSAGE_TYPE: &str = "no.ks.fiks.bekymringsmelding.offentlig.v2";

/// A postal address (`adresse.json`): the first line is required.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub adresselinje1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adresselinje2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adresselinje3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postnummer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poststed: Option<String>,
}

/// The reporting unit (`offentligMelder.virksomhet`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    pub navn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orgnr: Option<String>,
    pub adresse: Address,
}

/// The public reporter (`offentligMelder`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reporter {
    pub personnavn: String,
    pub rolle: String,
    pub telefonnummer: String,
    pub epost: String,
    pub virksomhet: Organisation,
}

/// A child (`offentligBarn[]`). An unborn child has an empty `fnr`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Child {
    pub fnr: String,
    pub ufoedt: bool,
    pub personnavn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telefonnummer: Option<String>,
    pub adresse: Address,
    /// Whether the child has been told about the report.
    pub orientert: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orientert_grunn: Option<String>,
}

/// A guardian (`foresatte[]`, one or two).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guardian {
    pub personnavn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telefonnummer: Option<String>,
    pub orientert: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orientert_grunn: Option<String>,
}

/// The concern itself (`melding`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Concern {
    /// What the reporter is concerned about.
    pub melding: String,
    /// How long, what has been tried (the measures of the log).
    pub historie: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub andre_synspunkter: Option<String>,
}

/// The whole message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub kommunenummer: String,
    pub kommunenavn: String,
    pub bydelsnummer: String,
    pub bydelsnavn: String,
    pub offentlig_melder: Reporter,
    pub offentlig_barn: Vec<Child>,
    pub foresatte: Vec<Guardian>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behov_for_tolk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub andre_hjelpeinstanser: Option<String>,
    pub melding: Concern,
    /// RFC 3339, with offset.
    pub sendingstidspunkt: String,
    /// How it was delivered (`Fagsystem`).
    pub leveringskanal: String,
}

/// The district number used when the municipality has no districts.
pub const NO_DISTRICT: &str = "00";
