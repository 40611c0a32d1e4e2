//! The child's log (stafettlogg): the concern it starts from, the team and its
//! lead, measures and their evaluations, the child's voice, BBIS snapshots and
//! the kinds of entry on its timeline. The rules here are the ones a form or a
//! decision must meet before anything is stored.

use crate::validation::{Problem, Problems, optional_text, parse_date, required_text};
use chrono::NaiveDate;

/// Whether work on the log goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogStatus {
    Open,
    /// Closed logs are read-only until reopened.
    Closed,
}

impl LogStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "apen",
            Self::Closed => "lukket",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "apen" => Some(Self::Open),
            "lukket" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// Where a proposed handover of the lead stands (handovers.status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoverStatus {
    /// Proposed; the new lead has not answered.
    Pending,
    Accepted,
    Declined,
    /// Taken back by the one who proposed it.
    Withdrawn,
}

impl HandoverStatus {
    pub const ALL: [Self; 4] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "venter",
            Self::Accepted => "godtatt",
            Self::Declined => "avslatt",
            Self::Withdrawn => "trukket",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a measure stands (measures.status): proposed until it is decided
/// in the child's best interest, then active until it is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasureStatus {
    Proposed,
    Active,
    /// Stopped after an evaluation; no longer followed up.
    Stopped,
}

impl MeasureStatus {
    pub const ALL: [Self; 3] = [Self::Proposed, Self::Active, Self::Stopped];
    pub fn code(self) -> &'static str {
        match self {
            Self::Proposed => "foreslatt",
            Self::Active => "aktiv",
            Self::Stopped => "avsluttet",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a report of concern to child welfare stands (logs.report_state):
/// prompted by a level change, then marked sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportState {
    Prompted,
    Sent,
}

impl ReportState {
    pub const ALL: [Self; 2] = [Self::Prompted, Self::Sent];
    pub fn code(self) -> &'static str {
        match self {
            Self::Prompted => "foreslatt",
            Self::Sent => "sendt",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

fn required_date(p: &mut Problems, field: &'static str, raw: &str) -> Option<NaiveDate> {
    match parse_date(raw) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            p.push(field, Problem::Required);
            None
        }
        Err(e) => {
            p.push(field, e);
            None
        }
    }
}

fn not_after(
    p: &mut Problems,
    field: &'static str,
    d: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match d {
        Some(d) if d > today => {
            p.push(field, Problem::DateInFuture);
            None
        }
        other => other,
    }
}

/// What someone noticed (uro, bekymring): the start of a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concern {
    pub noticed: String,
    pub noticed_on: NaiveDate,
    /// Challenge-area codes of the municipality's list.
    pub areas: Vec<String>,
    /// A BBIS theme code, when the concern belongs to one.
    pub bbis_theme: Option<String>,
}

impl Concern {
    pub fn parse(
        noticed: &str,
        noticed_on: &str,
        areas: &[&str],
        bbis_theme: &str,
        known_areas: &[String],
        known_themes: &[String],
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let noticed = p.check("uro", required_text(noticed, 8000));
        let on = required_date(&mut p, "observert", noticed_on);
        let noticed_on = not_after(&mut p, "observert", on, today);
        if areas.is_empty() {
            p.push("utfordringer", Problem::ChooseAtLeastOne);
        } else if !areas.iter().all(|a| known_areas.iter().any(|k| k == a)) {
            p.push("utfordringer", Problem::UnknownChoice);
        }
        let bbis_theme = match bbis_theme.trim() {
            "" => None,
            t if known_themes.iter().any(|k| k == t) => Some(t.to_owned()),
            _ => {
                p.push("bbis", Problem::UnknownChoice);
                None
            }
        };
        match (noticed, noticed_on) {
            (Some(noticed), Some(noticed_on)) if p.is_empty() => Ok(Self {
                noticed,
                noticed_on,
                areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                bbis_theme,
            }),
            _ => Err(p),
        }
    }
}

/// Who a team member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    /// A staff member (a user) of a unit.
    Staff,
    Guardian,
    /// The child or youth.
    Child,
    /// A network person (family, neighbour, coach), voluntary and with consent.
    Network,
}

impl MemberKind {
    pub const ALL: [MemberKind; 4] = [Self::Staff, Self::Guardian, Self::Child, Self::Network];
    pub fn code(self) -> &'static str {
        match self {
            Self::Staff => "ansatt",
            Self::Guardian => "foresatt",
            Self::Child => "barnet",
            Self::Network => "nettverk",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A team member's role on the team: the lead's (which moves with the
/// baton), a lead's who has handed over, or what the one who added the
/// member wrote («Kontaktlærer»). The first two are stored as codes and
/// named by the web layer; the third is the member's own data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TeamRole {
    Lead,
    FormerLead,
    Named(String),
}

impl TeamRole {
    /// The stored code of [`TeamRole::Lead`] and [`TeamRole::FormerLead`]
    /// (`team_members.role_code`); `None` for a named role.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Lead => Some("stafettholder"),
            Self::FormerLead => Some("tidligere_stafettholder"),
            Self::Named(_) => None,
        }
    }

    /// From the stored code and text: a known code wins, else the text.
    pub fn from_stored(code: Option<&str>, text: &str) -> Self {
        match code {
            Some("stafettholder") => Self::Lead,
            Some("tidligere_stafettholder") => Self::FormerLead,
            _ => Self::Named(text.to_owned()),
        }
    }
}

/// The checklist of a handover, most needed at transitions (barnehage →
/// skole, skole → videregående).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HandoverChecklist {
    pub is_transition: bool,
    /// What the new unit needs to know.
    pub needs_to_know: Option<String>,
    /// Whether what is passed on is agreed with the guardians.
    pub agreed_with_guardians: bool,
    pub note: Option<String>,
}

impl HandoverChecklist {
    /// At a transition, what the new unit needs to know is required, and so
    /// is the agreement with the guardians.
    pub fn parse(
        is_transition: bool,
        needs_to_know: &str,
        agreed_with_guardians: bool,
        note: &str,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let needs = p
            .check("ma_vite", optional_text(needs_to_know, 8000))
            .flatten();
        if is_transition && needs.is_none() && p.is_empty_for("ma_vite") {
            p.push("ma_vite", Problem::Required);
        }
        if is_transition && !agreed_with_guardians {
            p.push("avtalt", Problem::Required);
        }
        let note = p.check("notat", optional_text(note, 4000)).flatten();
        if p.is_empty() {
            Ok(Self {
                is_transition,
                needs_to_know: needs,
                agreed_with_guardians,
                note,
            })
        } else {
            Err(p)
        }
    }
}

/// What an evaluation found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Better,
    Unchanged,
    Worse,
}

impl Effect {
    pub const ALL: [Effect; 3] = [Self::Better, Self::Unchanged, Self::Worse];
    pub fn code(self) -> &'static str {
        match self {
            Self::Better => "bedre",
            Self::Unchanged => "uendret",
            Self::Worse => "verre",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// What is decided for the measure after an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Continuation {
    Continue,
    Change,
    Stop,
}

impl Continuation {
    pub const ALL: [Continuation; 3] = [Self::Continue, Self::Change, Self::Stop];
    pub fn code(self) -> &'static str {
        match self {
            Self::Continue => "fortsette",
            Self::Change => "endre",
            Self::Stop => "avslutte",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// A measure as the form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeasure {
    /// The catalogue offer it is an instance of; `None` for a free-form measure.
    pub offer: Option<crate::ids::OfferId>,
    /// The name of a free-form measure (an offer's name is taken from the offer).
    pub name: Option<String>,
    /// What should be different, for the child.
    pub goal: String,
    pub responsible: crate::ids::TeamMemberId,
    pub start: NaiveDate,
    pub evaluate_by: NaiveDate,
    /// A final decision carries its best-interest assessment; a measure
    /// without one is proposed, not yet decided.
    pub best_interest: Option<String>,
}

/// A measure form's raw fields.
pub struct MeasureForm<'a> {
    pub offer: &'a str,
    pub name: &'a str,
    pub goal: &'a str,
    pub responsible: &'a str,
    pub start: &'a str,
    pub evaluate_by: &'a str,
    pub is_final: bool,
    pub best_interest: &'a str,
}

/// A best-interest assessment is required when a decision is marked final.
pub fn best_interest(p: &mut Problems, is_final: bool, raw: &str) -> Option<String> {
    match required_text(raw, 8000) {
        Ok(t) => Some(t),
        Err(Problem::Required) if is_final => {
            p.push("barnets_beste", Problem::BestInterestRequired);
            None
        }
        Err(Problem::Required) => None,
        Err(e) => {
            p.push("barnets_beste", e);
            None
        }
    }
}

impl NewMeasure {
    pub fn parse(
        form: &MeasureForm<'_>,
        known_offers: &[crate::ids::OfferId],
        team: &[crate::ids::TeamMemberId],
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let offer = match form.offer.trim() {
            "" => None,
            raw => match raw.parse() {
                Ok(o) if known_offers.contains(&o) => Some(o),
                _ => {
                    p.push("tilbud", Problem::UnknownChoice);
                    None
                }
            },
        };
        let name = p.check("navn", optional_text(form.name, 200)).flatten();
        if offer.is_none() && name.is_none() && p.is_empty_for("tilbud") && p.is_empty_for("navn") {
            p.push("navn", Problem::Required);
        }
        let goal = p.check("mal", required_text(form.goal, 4000));
        let responsible = match form.responsible.parse() {
            Ok(r) if team.contains(&r) => Some(r),
            _ if form.responsible.is_empty() => {
                p.push("ansvarlig", Problem::Required);
                None
            }
            _ => {
                p.push("ansvarlig", Problem::UnknownChoice);
                None
            }
        };
        let start = required_date(&mut p, "start", form.start);
        let evaluate_by = required_date(&mut p, "evaluering", form.evaluate_by);
        if let (Some(s), Some(e)) = (start, evaluate_by)
            && e < s
        {
            p.push("evaluering", Problem::DateOrder);
        }
        let best_interest = best_interest(&mut p, form.is_final, form.best_interest);
        match (goal, responsible, start, evaluate_by) {
            (Some(goal), Some(responsible), Some(start), Some(evaluate_by)) if p.is_empty() => {
                Ok(Self {
                    offer,
                    name: if offer.is_some() { None } else { name },
                    goal,
                    responsible,
                    start,
                    evaluate_by,
                    best_interest: if form.is_final { best_interest } else { None },
                })
            }
            _ => Err(p),
        }
    }
}

/// An evaluation as the form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvaluation {
    pub effect: Effect,
    pub text: String,
    pub continuation: Continuation,
    /// The next evaluation, unless the measure stops.
    pub next_evaluation: Option<NaiveDate>,
    /// Changing or stopping a measure changes the child's measures: a final
    /// decision, with its best-interest assessment.
    pub best_interest: Option<String>,
}

impl NewEvaluation {
    pub fn parse(
        effect: &str,
        text: &str,
        continuation: &str,
        next: &str,
        best_interest_text: &str,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let effect_v = Effect::from_code(effect);
        if effect_v.is_none() {
            p.push(
                "effekt",
                if effect.is_empty() {
                    Problem::Required
                } else {
                    Problem::UnknownChoice
                },
            );
        }
        let text = p.check("vurdering", required_text(text, 8000));
        let cont = Continuation::from_code(continuation);
        if cont.is_none() {
            p.push(
                "videre",
                if continuation.is_empty() {
                    Problem::Required
                } else {
                    Problem::UnknownChoice
                },
            );
        }
        let next_evaluation = if cont == Some(Continuation::Stop) {
            None
        } else {
            match required_date(&mut p, "neste", next) {
                Some(d) if d < today => {
                    p.push("neste", Problem::DateInPast);
                    None
                }
                other => other,
            }
        };
        let changes = matches!(cont, Some(Continuation::Change | Continuation::Stop));
        let best = best_interest(&mut p, changes, best_interest_text);
        match (effect_v, text, cont) {
            (Some(effect), Some(text), Some(continuation)) if p.is_empty() => Ok(Self {
                effect,
                text,
                continuation,
                next_evaluation,
                best_interest: best,
            }),
            _ => Err(p),
        }
    }

    /// «Not enough»: the measure did not help, so the next steps on the
    /// ladder are worth a look.
    pub fn not_enough(&self) -> bool {
        self.effect != Effect::Better || self.continuation == Continuation::Change
    }
}

/// How the child's voice was gathered (codes; the web layer names them).
pub const VOICE_METHODS: [&str; 5] = ["samtale", "tegning", "observasjon", "sporreskjema", "annet"];

/// The child's voice (barnets stemme): what the child said, in its own words.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChildVoice {
    pub on: NaiveDate,
    pub method: String,
    pub words: String,
}

impl ChildVoice {
    pub fn parse(on: &str, method: &str, words: &str, today: NaiveDate) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let d = required_date(&mut p, "dato", on);
        let on = not_after(&mut p, "dato", d, today);
        if !VOICE_METHODS.contains(&method) {
            p.push(
                "metode",
                if method.is_empty() {
                    Problem::Required
                } else {
                    Problem::UnknownChoice
                },
            );
        }
        let words = p.check("ord", required_text(words, 8000));
        match (on, words) {
            (Some(on), Some(words)) if p.is_empty() => Ok(Self {
                on,
                method: method.to_owned(),
                words,
            }),
            _ => Err(p),
        }
    }
}

/// The kinds of entry on a log's timeline, and the groups the page filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Concern,
    LevelChange,
    ReportPrompted,
    ReportSent,
    Closed,
    Reopened,
    ConsentGiven,
    ConsentWithdrawn,
    TeamJoined,
    TeamLeft,
    HandoverProposed,
    HandoverAccepted,
    HandoverDeclined,
    HandoverWithdrawn,
    CoordinationRequested,
    MeasureAdded,
    MeasureDecided,
    Evaluation,
    ChildVoice,
    Bbis,
    Consultation,
    Note,
    /// The minutes of a meeting were begun (the first draft saved).
    MinutesDrafted,
    /// The lead approved a meeting's minutes.
    MinutesApproved,
    /// A decision of a meeting's minutes was carried out.
    DecisionDone,
    /// A guardian or the child rated a meeting.
    MeetingRated,
    /// A case meeting was called (invitations sent).
    MeetingCalled,
    /// A case meeting was changed (updates sent).
    MeetingChanged,
    /// A case meeting was cancelled.
    MeetingCancelled,
    /// An invited service answered an invitation.
    MeetingAnswered,
    /// The child's voice was gathered before a meeting.
    MeetingVoiceGathered,
    /// The case was brought to a standing team (named, with consent).
    TeamCase,
    /// A standing team made a decision on the case.
    TeamDecision,
    /// The case was withdrawn from a standing team.
    TeamCaseWithdrawn,
    /// The guardians' own view, written in the family's portal
    /// («Foresattes syn»; `log_entries.citizen_id` names the writer).
    FamilyView,
    /// An event of the log's individual plan (issue #13, P1): asked for,
    /// decided, a coordinator appointed, a goal or a contribution added or
    /// changed, the plan closed (`hendelse` in its data says which).
    Plan,
}

impl EntryKind {
    pub const ALL: [EntryKind; 36] = [
        Self::Concern,
        Self::LevelChange,
        Self::ReportPrompted,
        Self::ReportSent,
        Self::Closed,
        Self::Reopened,
        Self::ConsentGiven,
        Self::ConsentWithdrawn,
        Self::TeamJoined,
        Self::TeamLeft,
        Self::HandoverProposed,
        Self::HandoverAccepted,
        Self::HandoverDeclined,
        Self::HandoverWithdrawn,
        Self::CoordinationRequested,
        Self::MeasureAdded,
        Self::MeasureDecided,
        Self::Evaluation,
        Self::ChildVoice,
        Self::Bbis,
        Self::Consultation,
        Self::Note,
        Self::MinutesDrafted,
        Self::MinutesApproved,
        Self::DecisionDone,
        Self::MeetingRated,
        Self::MeetingCalled,
        Self::MeetingChanged,
        Self::MeetingCancelled,
        Self::MeetingAnswered,
        Self::MeetingVoiceGathered,
        Self::TeamCase,
        Self::TeamDecision,
        Self::TeamCaseWithdrawn,
        Self::FamilyView,
        Self::Plan,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Concern => "uro",
            Self::LevelChange => "niva",
            Self::ReportPrompted => "melding_foreslatt",
            Self::ReportSent => "melding_sendt",
            Self::Closed => "lukket",
            Self::Reopened => "gjenapnet",
            Self::ConsentGiven => "samtykke",
            Self::ConsentWithdrawn => "samtykke_trukket",
            Self::TeamJoined => "lag_inn",
            Self::TeamLeft => "lag_ut",
            Self::HandoverProposed => "overlevering_foreslatt",
            Self::HandoverAccepted => "overlevering_godtatt",
            Self::HandoverDeclined => "overlevering_avslatt",
            Self::HandoverWithdrawn => "overlevering_trukket",
            Self::CoordinationRequested => "koordinering",
            Self::MeasureAdded => "tiltak",
            Self::MeasureDecided => "tiltak_besluttet",
            Self::Evaluation => "evaluering",
            Self::ChildVoice => "stemme",
            Self::Bbis => "bbis",
            Self::Consultation => "drofting",
            Self::Note => "notat",
            Self::MinutesDrafted => "referat_utkast",
            Self::MinutesApproved => "referat_godkjent",
            Self::DecisionDone => "vedtak_utfort",
            Self::MeetingRated => "mote_vurdert",
            Self::MeetingCalled => "mote_innkalt",
            Self::MeetingChanged => "mote_endret",
            Self::MeetingCancelled => "mote_avlyst",
            Self::MeetingAnswered => "mote_svar",
            Self::MeetingVoiceGathered => "mote_stemme",
            Self::TeamCase => "team_sak",
            Self::TeamDecision => "team_vedtak",
            Self::TeamCaseWithdrawn => "team_sak_trukket",
            Self::FamilyView => "familiens_syn",
            Self::Plan => "individuell_plan",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The filter group on the log page.
    pub fn group(self) -> EntryGroup {
        match self {
            Self::Concern
            | Self::LevelChange
            | Self::ReportPrompted
            | Self::ReportSent
            | Self::Closed
            | Self::Reopened
            | Self::Consultation
            | Self::Note
            | Self::MinutesDrafted
            | Self::MinutesApproved
            | Self::DecisionDone
            | Self::MeetingRated
            | Self::TeamDecision
            | Self::Plan => EntryGroup::Decisions,
            Self::ConsentGiven | Self::ConsentWithdrawn => EntryGroup::Consent,
            Self::TeamJoined
            | Self::TeamLeft
            | Self::HandoverProposed
            | Self::HandoverAccepted
            | Self::HandoverDeclined
            | Self::HandoverWithdrawn
            | Self::CoordinationRequested
            | Self::MeetingCalled
            | Self::MeetingChanged
            | Self::MeetingCancelled
            | Self::MeetingAnswered
            | Self::TeamCase
            | Self::TeamCaseWithdrawn => EntryGroup::Team,
            Self::MeasureAdded | Self::MeasureDecided | Self::Evaluation => EntryGroup::Measures,
            Self::ChildVoice | Self::Bbis | Self::MeetingVoiceGathered | Self::FamilyView => {
                EntryGroup::Child
            }
        }
    }
}

/// Filter groups on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryGroup {
    Decisions,
    Consent,
    Team,
    Measures,
    Child,
}

impl EntryGroup {
    pub const ALL: [EntryGroup; 5] = [
        Self::Decisions,
        Self::Consent,
        Self::Team,
        Self::Measures,
        Self::Child,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Decisions => "beslutninger",
            Self::Consent => "samtykke",
            Self::Team => "laget",
            Self::Measures => "tiltak",
            Self::Child => "barnet",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }
    pub fn kinds(self) -> Vec<EntryKind> {
        EntryKind::ALL
            .into_iter()
            .filter(|k| k.group() == self)
            .collect()
    }
}

/// A closing or reopening reason.
pub fn reason(raw: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    match p.check("begrunnelse", required_text(raw, 4000)) {
        Some(r) => Ok(r),
        None => Err(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OfferId, TeamMemberId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn fields(p: Problems) -> Vec<&'static str> {
        p.into_vec().into_iter().map(|e| e.field).collect()
    }

    /// The codes are stored: renaming one would orphan every stored row.
    #[test]
    fn statuses_keep_their_stored_codes_and_read_back() {
        let codes = |all: &[&'static str]| all.join(",");
        assert_eq!(
            codes(&[LogStatus::Open.code(), LogStatus::Closed.code()]),
            "apen,lukket"
        );
        assert_eq!(
            codes(&HandoverStatus::ALL.map(HandoverStatus::code)),
            "venter,godtatt,avslatt,trukket"
        );
        assert_eq!(
            codes(&MeasureStatus::ALL.map(MeasureStatus::code)),
            "foreslatt,aktiv,avsluttet"
        );
        assert_eq!(
            codes(&ReportState::ALL.map(ReportState::code)),
            "foreslatt,sendt"
        );
        for s in [LogStatus::Open, LogStatus::Closed] {
            assert_eq!(LogStatus::from_code(s.code()), Some(s));
        }
        for s in HandoverStatus::ALL {
            assert_eq!(HandoverStatus::from_code(s.code()), Some(s));
        }
        for s in MeasureStatus::ALL {
            assert_eq!(MeasureStatus::from_code(s.code()), Some(s));
        }
        for s in ReportState::ALL {
            assert_eq!(ReportState::from_code(s.code()), Some(s));
        }
        assert_eq!(LogStatus::from_code("Apen"), None);
        assert_eq!(HandoverStatus::from_code(""), None);
        assert_eq!(MeasureStatus::from_code("aktiv "), None);
        assert_eq!(ReportState::from_code("sent"), None);
    }

    #[test]
    fn a_concern_needs_what_when_and_an_area() {
        let areas = vec!["sprak".to_owned()];
        let today = d(2026, 11, 23);
        assert!(Concern::parse("Stille", "20.11.2026", &["sprak"], "", &areas, &[], today).is_ok());
        let e = Concern::parse("", "24.11.2026", &[], "x", &areas, &[], today);
        assert_eq!(
            e.err().map(fields),
            Some(vec!["uro", "observert", "utfordringer", "bbis"])
        );
    }

    #[test]
    fn final_measures_need_a_best_interest_assessment() {
        let m = TeamMemberId::new();
        let form = MeasureForm {
            offer: "",
            name: "Samtaler",
            goal: "Trives i klassen",
            responsible: &m.to_string(),
            start: "01.12.2026",
            evaluate_by: "01.02.2027",
            is_final: true,
            best_interest: "",
        };
        let r = NewMeasure::parse(&form, &[], &[m]);
        assert_eq!(r.err().map(fields), Some(vec!["barnets_beste"]));
        let proposed = NewMeasure::parse(
            &MeasureForm {
                is_final: false,
                ..form
            },
            &[],
            &[m],
        );
        assert!(proposed.is_ok_and(|x| x.best_interest.is_none()));
        let decided = NewMeasure::parse(
            &MeasureForm {
                best_interest: "Til barnets beste",
                ..form
            },
            &[],
            &[m],
        );
        assert!(decided.is_ok_and(|x| x.best_interest.is_some()));
    }

    #[test]
    fn measures_need_a_name_or_offer_and_dates_in_order() {
        let m = TeamMemberId::new();
        let offer = OfferId::new();
        let offer_s = offer.to_string();
        let form = MeasureForm {
            offer: "",
            name: "",
            goal: "",
            responsible: "",
            start: "01.12.2026",
            evaluate_by: "01.11.2026",
            is_final: false,
            best_interest: "",
        };
        let e = NewMeasure::parse(&form, &[offer], &[m]);
        assert_eq!(
            e.err().map(fields),
            Some(vec!["navn", "mal", "ansvarlig", "evaluering"])
        );
        let ms = m.to_string();
        let from_offer = MeasureForm {
            offer: &offer_s,
            goal: "Mål",
            responsible: &ms,
            evaluate_by: "01.01.2027",
            ..form
        };
        assert!(
            NewMeasure::parse(&from_offer, &[offer], &[m]).is_ok_and(|x| x.offer == Some(offer))
        );
        assert!(NewMeasure::parse(&from_offer, &[], &[m]).is_err());
    }

    #[test]
    fn evaluations_decide_and_stopping_needs_best_interest() {
        let today = d(2026, 11, 23);
        let ok = NewEvaluation::parse("bedre", "Går fint", "fortsette", "01.02.2027", "", today);
        assert!(ok.as_ref().is_ok_and(|e| !e.not_enough()));
        let e = NewEvaluation::parse("uendret", "Lite endring", "avslutte", "", "", today);
        assert_eq!(e.err().map(fields), Some(vec!["barnets_beste"]));
        let stop =
            NewEvaluation::parse("uendret", "Lite endring", "avslutte", "", "Vurdert", today);
        assert!(stop.is_ok_and(|e| e.not_enough() && e.next_evaluation.is_none()));
        let e = NewEvaluation::parse("", "", "", "", "", today);
        assert_eq!(
            e.err().map(fields),
            Some(vec!["effekt", "vurdering", "videre", "neste"])
        );
    }

    #[test]
    fn transitions_need_what_to_know_and_agreement() {
        assert!(HandoverChecklist::parse(false, "", false, "").is_ok());
        let e = HandoverChecklist::parse(true, "", false, "");
        assert_eq!(e.err().map(fields), Some(vec!["ma_vite", "avtalt"]));
        assert!(HandoverChecklist::parse(true, "Språk", true, "").is_ok());
    }

    #[test]
    fn every_kind_has_a_group_and_round_trips() {
        for r in [TeamRole::Lead, TeamRole::FormerLead] {
            assert_eq!(TeamRole::from_stored(r.code(), ""), r);
        }
        let named = TeamRole::Named("Kontaktlærer".into());
        assert_eq!(named.code(), None);
        assert_eq!(TeamRole::from_stored(None, "Kontaktlærer"), named);
        assert_eq!(
            TeamRole::from_stored(Some("ukjent"), "Rådgiver"),
            TeamRole::Named("Rådgiver".into())
        );
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::from_code(k.code()), Some(k));
            assert!(k.group().kinds().contains(&k));
        }
    }
}
