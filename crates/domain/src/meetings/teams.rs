//! Standing teams: their kinds and meeting rules (≥ 2 meetings in autumn
//! and ≥ 3 in spring, every Monday, …) and whether a semester falls short.

use super::coded;

coded!(
    /// What kind of standing team (standing_teams.kind).
    TeamKind {
        /// Tverrfaglig samhandlingsteam at a school or kindergarten.
        Tst => "tst",
        /// Tidlig innsatsteam for one age group.
        EarlyIntervention => "tidlig_innsats",
        /// Samhandlingsteam for children.
        CooperationChildren => "samhandling_barn",
        /// Samhandlingsteam for youth (16–25).
        CooperationYouth => "samhandling_ungdom",
        /// Samhandlingsforum for leaders.
        LeadersForum => "samhandlingsforum",
    }
);
