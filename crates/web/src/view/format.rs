//! Formatting of dates, ages and labels shared by the pages.

use crate::i18n::NB;
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
pub fn deadline_text(due: NaiveDate, today: NaiveDate) -> (String, bool) {
    match DeadlineState::of(due, today) {
        DeadlineState::Overdue(d) => (format!("{} ({d} {})", date(due), NB.log_days_overdue), true),
        DeadlineState::DueToday => (format!("{} ({})", date(due), NB.log_due_today), false),
        DeadlineState::DueIn(d) => (
            format!("{} ({} {d} {})", date(due), NB.log_due_in, NB.log_days),
            false,
        ),
    }
}

pub fn birth_text(b: Birth, today: NaiveDate) -> String {
    match b {
        Birth::Born(d) => match b.age_on(today) {
            Some(age) => format!("{} {} ({age} {})", NB.child_born, date(d), NB.child_years),
            None => format!("{} {}", NB.child_born, date(d)),
        },
        Birth::Expected(d) => format!("{} {}", NB.child_expected, date(d)),
    }
}

pub fn method_label(m: consent::Method) -> &'static str {
    match m {
        consent::Method::Digital => NB.consent_method_digital,
        consent::Method::SignedPaper => NB.consent_method_paper,
        consent::Method::Oral => NB.consent_method_oral,
    }
}

pub fn relation_label(r: Relation) -> &'static str {
    match r {
        Relation::Mor => NB.relation_mor,
        Relation::Far => NB.relation_far,
        Relation::Annen => NB.relation_annen,
    }
}

/// «Mor · 900 00 000 · foreldreansvar»: a guardian's details in one line.
pub fn guardian_detail(g: &children::Guardian) -> String {
    [
        Some(relation_label(g.relation).to_owned()),
        g.phone.clone(),
        g.email.clone(),
        Some(
            if !g.current {
                NB.guardian_former
            } else if g.parental_responsibility {
                NB.guardian_has_responsibility
            } else {
                NB.guardian_no_responsibility
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
pub fn band_label(b: &str) -> String {
    if b == "ufodt" {
        NB.age_band_unborn.to_owned()
    } else {
        format!("{b} {}", NB.child_years)
    }
}
