//! The family's rating of a meeting, given in the portal: a guardian who
//! was invited, or the youth, rates a held meeting of their log (minutes
//! approved) from 1 to 5 with a comment, once. Who may rate is the
//! meeting rules' (`laget_domain::meetings::minutes::raters`, through
//! `MinutesView::raters`), the rating's fields are checked by
//! `NewRating::parse`; this module adds what the portal asks beyond the
//! staff's recording (`crate::meetings::minutes::rate`): the meeting is
//! held, and the rater is the citizen. Stored in `meeting_ratings` with
//! `citizen_id` (and no `recorded_by`), a timeline event and an access-log
//! row with the citizen as principal.

use crate::children::iso;
use crate::meetings::minutes::{MinutesView, minutes_in_log};
use crate::portal::voice::log_record;
use crate::schema::{log_entries, meeting_ratings};
use crate::{DbConnection, DbResult, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::{FamilyReader, FamilyWriter};
use laget_domain::audit::Action;
use laget_domain::ids::{EntryId, MeetingId, RatingId};
use laget_domain::log::stafett::EntryKind;
use laget_domain::meetings::minutes::{NewRating, RaterChoice};
use laget_domain::meetings::{MeetingStatus, MinutesStatus};
use laget_domain::portal::FamilyRole;
use laget_domain::portal::voice::writer_code;

/// Why the citizen may not rate the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotRateable {
    /// Cancelled, or not yet held (its minutes not approved).
    NotHeld,
    /// The citizen was not invited, or recorded absent (a child also too
    /// young to rate).
    NotInvited,
    /// The citizen has rated it already (in the portal, or staff recorded
    /// their rating): a second rating is refused, as staff's is.
    Rated,
}

/// The meeting as the rating form shows it, and whether the citizen may
/// rate it.
#[derive(Clone, Debug)]
pub struct Rateable {
    pub view: MinutesView,
    /// The citizen as a rater of this meeting.
    pub rater: RaterChoice,
    pub refused: Option<NotRateable>,
}

fn rater_of(r: &FamilyReader) -> RaterChoice {
    match r.role() {
        FamilyRole::Guardian(g) => RaterChoice::Guardian(g),
        FamilyRole::Youth => RaterChoice::Child,
    }
}

fn rateable(conn: &mut DbConnection, r: &FamilyReader, meeting: MeetingId) -> DbResult<Rateable> {
    let view = minutes_in_log(conn, r.log_id(), meeting)?;
    let rater = rater_of(r);
    let refused = if view.meeting.status == MeetingStatus::Cancelled
        || view.meeting.minutes.status != MinutesStatus::Approved
    {
        Some(NotRateable::NotHeld)
    } else if !view.raters().contains(&rater) {
        Some(NotRateable::NotInvited)
    } else if view.rated().contains(&rater) {
        Some(NotRateable::Rated)
    } else {
        None
    };
    Ok(Rateable {
        view,
        rater,
        refused,
    })
}

/// The meeting of `r`'s log and whether the citizen may rate it;
/// `DbError::NotFound` for a meeting of another log. Records the read.
pub fn rating_form(
    conn: &mut DbConnection,
    r: &FamilyReader,
    meeting: MeetingId,
    rid: &str,
) -> DbResult<Rateable> {
    let out = rateable(conn, r, meeting)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(out)
}

/// Which of `meetings` (of `r`'s log) the citizen may rate now: the same
/// rule as the rating form ([`Rateable::refused`] is `None`), on an open log
/// only. For the links on the log page; reads only — the log page has
/// recorded its read (`crate::portal::view::view`) in the same transaction.
pub fn rateable_meetings(
    conn: &mut DbConnection,
    r: &FamilyReader,
    meetings: &[MeetingId],
) -> DbResult<Vec<MeetingId>> {
    if r.writer().is_err() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for m in meetings {
        if rateable(conn, r, *m)?.refused.is_none() {
            out.push(*m);
        }
    }
    Ok(out)
}

/// Records the citizen's rating of `meeting`: the fields `poeng` and
/// `kommentar` are checked by `NewRating::parse` (its `Problems` are the
/// inner `Err`'s `Ok`), who may rate by [`Rateable`]. Nothing is written
/// when refused.
#[allow(
    clippy::type_complexity,
    reason = "refused, invalid or recorded: the form needs all three apart"
)]
pub fn rate(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    meeting: MeetingId,
    score: &str,
    comment: &str,
    rid: &str,
) -> DbResult<Result<RatingId, Result<laget_domain::validation::Problems, NotRateable>>> {
    let r = rateable(conn, w.reader(), meeting)?;
    if let Some(no) = r.refused {
        return Ok(Err(Err(no)));
    }
    let rating = match NewRating::parse(
        &r.rater.code(),
        score,
        comment,
        &r.view.raters(),
        &r.view.rated(),
    ) {
        Ok(rating) => rating,
        Err(p) => return Ok(Err(Ok(p))),
    };
    let id = RatingId::new();
    let now = Utc::now();
    let guardian = match rating.rater {
        RaterChoice::Guardian(g) => Some(g),
        RaterChoice::Child => None,
    };
    diesel::insert_into(meeting_ratings::table)
        .values((
            meeting_ratings::id.eq(id.to_string()),
            meeting_ratings::meeting_id.eq(meeting.to_string()),
            meeting_ratings::rater.eq(rating.rater.rater().code()),
            meeting_ratings::guardian_id.eq(guardian.map(|g| g.to_string())),
            meeting_ratings::score.eq(i32::from(rating.score.value())),
            meeting_ratings::comment.eq(&rating.comment),
            meeting_ratings::recorded_by.eq(None::<String>),
            meeting_ratings::citizen_id.eq(Some(w.citizen_id().to_string())),
            meeting_ratings::recorded_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    let name = r
        .view
        .participants
        .iter()
        .find(|p| guardian.is_some() && p.guardian == guardian)
        .map(|p| p.name.clone());
    diesel::insert_into(log_entries::table)
        .values((
            log_entries::id.eq(EntryId::new().to_string()),
            log_entries::log_id.eq(w.log_id().to_string()),
            log_entries::at.eq(to_micros(now)),
            log_entries::kind.eq(EntryKind::MeetingRated.code()),
            log_entries::actor_id.eq(None::<String>),
            log_entries::citizen_id.eq(Some(w.citizen_id().to_string())),
            log_entries::summary.eq(""),
            log_entries::body.eq(rating.comment.as_deref()),
            log_entries::data.eq(Some(
                serde_json::json!({
                    "mote": meeting.to_string(),
                    "dato": iso(r.view.meeting.day()),
                    "hvem": rating.rater.rater().code(),
                    "navn": name,
                    "poeng": rating.score.value(),
                    "familie": writer_code(w.reader().role()),
                })
                .to_string(),
            )),
        ))
        .execute(conn)?;
    crate::log::touch(conn, w.log_id(), to_micros(now))?;
    log_record(conn, w.reader(), w, Action::Update, rid)?;
    Ok(Ok(id))
}
