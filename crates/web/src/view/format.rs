//! Formatting of dates, ages and labels shared by the pages.

use crate::i18n::Messages;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::children;
use laget_domain::children::{Birth, Relation};
use laget_domain::log::consent;
use laget_domain::log::escalation::DeadlineState;

/// Today in Norway: what «valid from/to» is compared with.
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

/// «05.03.2026». Written out rather than through `format` with a pattern,
/// which parses the pattern on every call; the timeline has hundreds.
pub fn date(d: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
}

/// The day in Norway on which `t` fell.
pub fn oslo_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Oslo).date_naive()
}

/// «05.03.2026 14:07», Norwegian time.
pub fn time(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&Oslo);
    format!(
        "{:02}.{:02}.{:04} {:02}:{:02}",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// «om 3 dager», «i dag», «5 dager over fristen».
pub fn deadline_text(m: &Messages, due: NaiveDate, today: NaiveDate) -> (String, bool) {
    match DeadlineState::of(due, today) {
        DeadlineState::Overdue(d) => (format!("{} ({d} {})", date(due), m.log_days_overdue), true),
        DeadlineState::DueToday => (format!("{} ({})", date(due), m.log_due_today), false),
        DeadlineState::DueIn(d) => (
            format!("{} ({} {d} {})", date(due), m.log_due_in, m.log_days),
            false,
        ),
    }
}

pub fn birth_text(m: &Messages, b: Birth, today: NaiveDate) -> String {
    match b {
        Birth::Born(d) => match b.age_on(today) {
            Some(age) => format!("{} {} ({age} {})", m.child_born, date(d), m.child_years),
            None => format!("{} {}", m.child_born, date(d)),
        },
        Birth::Expected(d) => format!("{} {}", m.child_expected, date(d)),
    }
}

pub fn method_label(msgs: &Messages, m: consent::Method) -> &'static str {
    match m {
        consent::Method::Digital => msgs.consent_method_digital,
        consent::Method::SignedPaper => msgs.consent_method_paper,
        consent::Method::Oral => msgs.consent_method_oral,
    }
}

pub fn relation_label(m: &Messages, r: Relation) -> &'static str {
    match r {
        Relation::Mor => m.relation_mor,
        Relation::Far => m.relation_far,
        Relation::Annen => m.relation_annen,
    }
}

/// «Mor · 900 00 000 · foreldreansvar»: a guardian's details in one line.
pub fn guardian_detail(m: &Messages, g: &children::Guardian) -> String {
    [
        Some(relation_label(m, g.relation).to_owned()),
        g.phone.clone(),
        g.email.clone(),
        g.national_id_masked
            .as_ref()
            .map(|n| format!("{} {n}", m.guardian_national_id_short)),
        Some(
            if !g.current {
                m.guardian_former
            } else if g.parental_responsibility {
                m.guardian_has_responsibility
            } else {
                m.guardian_no_responsibility
            }
            .to_owned(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The age band as shown: «1-5 år», «Ufødt».
pub fn band_label(m: &Messages, b: &str) -> String {
    if b == "ufodt" {
        m.age_band_unborn.to_owned()
    } else {
        format!("{b} {}", m.child_years)
    }
}
