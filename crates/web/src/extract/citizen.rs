//! The signed-in citizen (a guardian or a youth logged in through
//! ID-porten), as extractors for the family's portal. The middleware finds
//! the session (`crate::middleware`) and puts it in the request, as it does
//! for staff ([`super::user`]).

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
pub use crate::extract::user::CitizenSessionInfo;
use crate::extract::user::Ctx;
use crate::i18n::Messages;
use crate::view::format::today;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use laget_domain::access::{CitizenActor, FamilyReader};
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::ids::CitizenId;
use laget_domain::ids::LogId;

/// The citizen as the family's access rules see them, and the language
/// they chose, read by the middleware with the session.
#[derive(Clone, Debug)]
pub(crate) struct CitizenRights {
    pub(crate) citizen: CitizenActor,
    /// `nb`, `nn` or a language the municipality has texts in; `None`:
    /// not chosen.
    pub(crate) language: Option<String>,
    /// Without a choice: the written standard of the municipality of the
    /// citizen's child (the newest log the citizen may open), else bokmål.
    pub(crate) standard: WrittenStandard,
}

impl CitizenRights {
    pub(crate) fn read(c: &mut laget_db::DbConnection, id: CitizenId) -> laget_db::DbResult<Self> {
        let citizen = laget_db::lookup::citizen(c, id)?;
        let language = laget_db::portal::citizens::language(c, id)?;
        // Only read when nothing was chosen (H4).
        let mut standard = WrittenStandard::Bokmal;
        if language.is_none() {
            let today = today();
            for log in laget_db::lookup::family_logs(c, &citizen)? {
                let facts = laget_db::lookup::family_facts(c, log, today)?;
                if citizen.open_log(&facts).is_ok() {
                    standard = laget_db::admin::municipalities::written_standard(
                        c,
                        facts.municipality_id,
                    )?;
                    break;
                }
            }
        }
        Ok(Self {
            citizen,
            language,
            standard,
        })
    }

    /// The portal's texts: nynorsk or bokmål as the citizen chose; bokmål
    /// when they chose another language (they read the municipality's texts
    /// in it beside the bokmål pages); without a choice, the written
    /// standard of their child's municipality.
    pub(crate) fn messages(&self) -> &'static Messages {
        match self.language.as_deref() {
            Some("nn") => Messages::of(WrittenStandard::Nynorsk),
            Some(_) => Messages::of(WrittenStandard::Bokmal),
            None => Messages::of(self.standard),
        }
    }
}

/// A signed-in citizen. Extracting it sends anyone else to the portal's
/// login page (staff signed in as staff too: the portal is for families).
#[derive(Clone, Debug)]
pub struct SignedInCitizen {
    pub ctx: Ctx,
    pub citizen: CitizenActor,
    /// The language chosen (see [`CitizenRights`]).
    pub language: Option<String>,
    pub m: &'static Messages,
}

impl FromRequestParts<AppState> for SignedInCitizen {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let Some(session) = ctx.citizen.clone() else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/familie".into());
            return Err(AppError::CitizenLoginRequired {
                next,
                expired: ctx.session_expired,
            });
        };
        let rights = match parts.extensions.get::<CitizenRights>() {
            Some(rights) => rights.clone(),
            None => {
                let id = session.citizen_id;
                state.db.read(move |c| CitizenRights::read(c, id)).await?
            }
        };
        let m = rights.messages();
        Ok(Self {
            ctx,
            citizen: rights.citizen,
            language: rights.language,
            m,
        })
    }
}

/// Opens a log for the signed-in citizen, or 404 (unknown and forbidden
/// alike, as for staff).
pub async fn open(
    state: &AppState,
    citizen: &SignedInCitizen,
    raw: &str,
) -> Result<FamilyReader, AppError> {
    let log: LogId = path_id(raw)?;
    let today = today();
    let facts = state
        .db
        .read(move |c| laget_db::lookup::family_facts(c, log, today))
        .await?;
    Ok(citizen.citizen.open_log(&facts)?)
}

/// The `{log}` segment of a portal route.
#[derive(serde::Deserialize)]
struct LogSegment {
    log: String,
}

/// The signed-in citizen and the log the path names, opened for them as
/// its family: what every portal page of a log does first. Anyone not
/// signed in as a citizen is sent to the portal's login page; a malformed,
/// unknown or forbidden log is a 404.
pub struct FamilyLog {
    pub citizen: SignedInCitizen,
    pub reader: FamilyReader,
}

impl FromRequestParts<AppState> for FamilyLog {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let citizen = SignedInCitizen::from_request_parts(parts, state).await?;
        let Path(LogSegment { log }) = Path::<LogSegment>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let reader = open(state, &citizen, &log).await?;
        Ok(Self { citizen, reader })
    }
}
