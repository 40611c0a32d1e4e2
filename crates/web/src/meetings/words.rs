//! The words for case meetings that several pages share: the names of
//! kinds, statuses and minutes statuses, and a meeting's time as shown
//! (Norwegian time). Used by the meeting pages, the templates page, the log
//! page's «Møter» and the timeline.

use crate::i18n::Messages;
use crate::view::format::date;
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Europe::Oslo;
use laget_domain::meetings::{MeetingKind, MeetingStatus, MinutesStatus};

/// «Samarbeidsmøte», «Ansvarsgruppemøte», «Instansmøte».
pub fn kind_label(m: &Messages, k: MeetingKind) -> &'static str {
    match k {
        MeetingKind::Cooperation => m.meetings_kind_samarbeid,
        MeetingKind::ResponsibilityGroup => m.meetings_kind_ansvarsgruppe,
        MeetingKind::Services => m.meetings_kind_instans,
        MeetingKind::Team => m.meetings_kind_team,
    }
}

pub fn status_label(m: &Messages, s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Planned => m.meetings_status_planlagt,
        MeetingStatus::Cancelled => m.meetings_status_avlyst,
        MeetingStatus::Held => m.meetings_status_holdt,
    }
}

pub fn minutes_label(m: &Messages, s: MinutesStatus) -> &'static str {
    match s {
        MinutesStatus::None => m.meetings_minutes_ingen,
        MinutesStatus::Draft => m.meetings_minutes_utkast,
        MinutesStatus::Approved => m.meetings_minutes_godkjent,
    }
}

/// «10.12.2026 kl. 09:00–10:30», Norwegian time (the end's day is the
/// start's: a meeting does not run past midnight in practice, and if it
/// does, its end's clock is still right).
pub fn span(m: &Messages, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (s, e) = (start.with_timezone(&Oslo), end.with_timezone(&Oslo));
    format!(
        "{} {} {:02}:{:02}–{:02}:{:02}",
        date(s.date_naive()),
        m.meetings_at,
        s.hour(),
        s.minute(),
        e.hour(),
        e.minute()
    )
}
