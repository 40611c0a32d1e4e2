//! Reports of concern to child welfare (bekymringsmelding, issue #13).
//!
//! Any staff member may report: the duty to inform child welfare
//! (opplysningsplikten, barnevernsloven § 13-2) needs no consent and no log.
//! A report is written from a log (prefilled) or for a child without one,
//! may need its unit leader's co-signature (the municipality decides), and
//! is delivered to the child welfare service that serves the child's
//! municipality: into its inbox in Laget and, as the KS Fiks «offentlig
//! bekymringsmelding» v2 message ([`fiks`]), through a delivery adapter.
//! Child welfare acknowledges receipt and records the outcome; the reporter
//! gets the feedback the law requires (receipt, and whether an
//! investigation was opened).
//!
//! The codes are stored in the columns of migration 000020; the words are in
//! the web layer's message catalogue.

pub mod counts;
pub mod fiks;
pub mod form;

use crate::meetings::coded;

coded!(
    /// Where a report stands (reports.status).
    ReportStatus {
        /// Being written; only its author sees it.
        Draft => "utkast",
        /// Waiting for the unit leader's co-signature.
        AwaitingCosign => "til_medsignering",
        /// Sent: in child welfare's inbox, and handed to the delivery adapter.
        Sent => "sendt",
        /// Child welfare has acknowledged receipt.
        Received => "mottatt",
    }
);

impl ReportStatus {
    /// Whether child welfare has it (sent or received).
    pub fn is_sent(self) -> bool {
        matches!(self, Self::Sent | Self::Received)
    }
}

coded!(
    /// What child welfare decided (reports.outcome).
    Outcome {
        /// Henlagt: closed without investigation (or after one).
        Dismissed => "henlagt",
        /// Undersøkelse: an investigation was opened.
        Investigation => "undersokelse",
        /// Tiltak: measures from child welfare.
        Measures => "tiltak",
    }
);

coded!(
    /// One step of the feedback the reporter gets (report_feedback.kind).
    FeedbackKind {
        /// Child welfare has received the report.
        Received => "mottatt",
        /// Closed without (further) investigation.
        Dismissed => "henlagt",
        /// An investigation was opened.
        Investigation => "undersokelse",
        /// Child welfare gives measures.
        Measures => "tiltak",
    }
);

impl From<Outcome> for FeedbackKind {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Dismissed => Self::Dismissed,
            Outcome::Investigation => Self::Investigation,
            Outcome::Measures => Self::Measures,
        }
    }
}

coded!(
    /// Whether a report needs the unit leader's co-signature before it is
    /// sent (report_settings.cosign; the municipality decides).
    CosignRule {
        /// Never asked.
        None => "ingen",
        /// The reporter may ask the leader to co-sign.
        Optional => "valgfri",
        /// Every report is co-signed by the leader of the reporting unit.
        Required => "paakrevd",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check(codes: &[&str]) {
            let set: std::collections::HashSet<_> = codes.iter().collect();
            assert_eq!(set.len(), codes.len());
        }
        check(
            &ReportStatus::ALL
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>(),
        );
        check(&Outcome::ALL.iter().map(|s| s.code()).collect::<Vec<_>>());
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::from_code(s.code()), Some(*s));
        }
        for o in Outcome::ALL {
            assert_eq!(FeedbackKind::from(*o).code(), o.code());
        }
        assert_eq!(
            CosignRule::from_code("paakrevd"),
            Some(CosignRule::Required)
        );
        assert_eq!(CosignRule::from_code("ja"), None);
    }
}
