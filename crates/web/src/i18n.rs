//! The message catalogue. Texts live in `messages/<lang>.txt`; the build turns
//! them into [`Messages`], so templates refer to texts by checked field names.
//! Adding nynorsk means adding `nn.txt`, not touching templates.

use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::admin::unit::UnitKind;
use laget_domain::admin::user::Role;
use laget_domain::catalogue::io::{FileFormat, RowError};
use laget_domain::catalogue::{
    AccessRoute, OfferSort, OfferStatus, PreventionLevel, ProposalStatus,
};
use laget_domain::log::stafett::MeasureStatus;
use laget_domain::validation::Problem;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

impl Messages {
    /// The texts of a written standard.
    pub fn of(standard: WrittenStandard) -> &'static Messages {
        match standard {
            WrittenStandard::Bokmal => &NB,
            WrittenStandard::Nynorsk => &NN,
        }
    }

    /// The texts of a request without a municipality to follow: visitors,
    /// users without one (the system administrator), errors found before
    /// the session. These are the only requests that get the default written
    /// standard without asking; everything else uses the request's messages.
    pub fn for_visitors() -> &'static Messages {
        Self::of(WrittenStandard::default())
    }

    /// The name of a risk factor (1–8), or `None` for another number.
    pub fn risk_factor(&self, n: u8) -> Option<&'static str> {
        Some(match n {
            1 => self.risk_1,
            2 => self.risk_2,
            3 => self.risk_3,
            4 => self.risk_4,
            5 => self.risk_5,
            6 => self.risk_6,
            7 => self.risk_7,
            8 => self.risk_8,
            _ => return None,
        })
    }

    /// The name of an evidence level (0–5), or `None` for another number.
    pub fn evidence_level(&self, n: u8) -> Option<&'static str> {
        Some(match n {
            0 => self.evidence_0,
            1 => self.evidence_1,
            2 => self.evidence_2,
            3 => self.evidence_3,
            4 => self.evidence_4,
            5 => self.evidence_5,
            _ => return None,
        })
    }

    /// The name of a step of the ladder (1–5), or `None` for another number.
    pub fn ladder_step(&self, n: u8) -> Option<&'static str> {
        Some(match n {
            1 => self.ladder_step_1,
            2 => self.ladder_step_2,
            3 => self.ladder_step_3,
            4 => self.ladder_step_4,
            5 => self.ladder_step_5,
            _ => return None,
        })
    }

    /// The Norwegian sentence for a validation problem.
    pub fn problem(&self, problem: Problem) -> String {
        match problem {
            Problem::Required => self.problem_required.to_owned(),
            Problem::TooLong { max } => self.problem_too_long.replace("{max}", &max.to_string()),
            Problem::TooShort { min } => self.problem_too_short.replace("{min}", &min.to_string()),
            Problem::InvalidEmail => self.problem_invalid_email.to_owned(),
            Problem::InvalidUsername => self.problem_invalid_username.to_owned(),
            Problem::InvalidMunicipalityNumber => {
                self.problem_invalid_municipality_number.to_owned()
            }
            Problem::UnknownChoice => self.problem_unknown_choice.to_owned(),
            Problem::WeakPassword => self.problem_weak_password.to_owned(),
            Problem::PasswordMismatch => self.problem_password_mismatch.to_owned(),
            Problem::Taken => self.problem_taken.to_owned(),
            Problem::InvalidDate => self.problem_invalid_date.to_owned(),
            Problem::NotANumberInRange => self.problem_number_range.to_owned(),
            Problem::NumberOutside { min, max, given } => {
                let range = self
                    .problem_number_outside
                    .replace("{min}", &min.to_string())
                    .replace("{max}", &max.to_string());
                match given {
                    Some(n) => format!(
                        "{} {range}",
                        self.problem_number_given.replace("{verdi}", &n.to_string())
                    ),
                    None => range,
                }
            }
            Problem::InvalidLink => self.problem_invalid_link.to_owned(),
            Problem::AgeOrder => self.problem_age_order.to_owned(),
            Problem::DateOrder => self.problem_date_order.to_owned(),
            Problem::ChooseAtLeastOne => self.problem_choose_one.to_owned(),
            Problem::InvalidNationalId => self.problem_national_id.to_owned(),
            Problem::NationalIdLength => self.problem_national_id_length.to_owned(),
            Problem::NationalIdBirthDateMismatch => self.problem_national_id_birth.to_owned(),
            Problem::DateOutOfRange => self.problem_date_range.to_owned(),
            Problem::YearOutOfRange => self.problem_year_range.to_owned(),
            Problem::DateInFuture => self.problem_date_in_future.to_owned(),
            Problem::DateInPast => self.problem_date_in_past.to_owned(),
            Problem::InvalidPhone => self.problem_phone.to_owned(),
            Problem::SkipNeedsReason => self.problem_skip_reason.to_owned(),
            Problem::BestInterestRequired => self.problem_best_interest.to_owned(),
            Problem::SameLevel => self.problem_same_level.to_owned(),
            Problem::NotCoveredByConsent => self.problem_not_covered.to_owned(),
            Problem::LogClosed => self.problem_log_closed.to_owned(),
            Problem::FileRequired => self.problem_file_required.to_owned(),
            Problem::TextOrNotRelevant => self.problem_text_or_not_relevant.to_owned(),
            Problem::OneLine => self.problem_one_line.to_owned(),
            Problem::InvalidDistrictNumber => self.problem_district_number.to_owned(),
            Problem::AtMostTwoGuardians => self.problem_at_most_two_guardians.to_owned(),
            Problem::NotInformedNeedsReason => self.problem_not_informed_reason.to_owned(),
            Problem::InvalidOrgNumber => self.problem_org_number.to_owned(),
            Problem::InvalidPostalCode => self.problem_postal_code.to_owned(),
        }
    }

    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Ansatt => self.role_ansatt,
            Role::Leder => self.role_leder,
            Role::KoordinerendeEnhet => self.role_koordinerende_enhet,
            Role::Tiltaksredaktor => self.role_tiltaksredaktor,
            Role::Kommuneadministrator => self.role_kommuneadministrator,
        }
    }

    pub fn unit_kind(&self, kind: UnitKind) -> &'static str {
        match kind {
            UnitKind::Barnehage => self.kind_barnehage,
            UnitKind::Skole => self.kind_skole,
            UnitKind::Sfo => self.kind_sfo,
            UnitKind::Helsestasjon => self.kind_helsestasjon,
            UnitKind::Ppt => self.kind_ppt,
            UnitKind::Barnevern => self.kind_barnevern,
            UnitKind::PsykiskHelseRus => self.kind_psykisk_helse_rus,
            UnitKind::Familiesenter => self.kind_familiesenter,
            UnitKind::Nav => self.kind_nav,
            UnitKind::KulturFritid => self.kind_kultur_fritid,
            UnitKind::KoordinerendeEnhet => self.kind_koordinerende_enhet,
            UnitKind::Annet => self.kind_annet,
        }
    }

    pub fn level(&self, level: PreventionLevel) -> &'static str {
        match level {
            PreventionLevel::Universell => self.level_universell,
            PreventionLevel::Selektiv => self.level_selektiv,
            PreventionLevel::Indikert => self.level_indikert,
        }
    }

    pub fn level_hint(&self, level: PreventionLevel) -> &'static str {
        match level {
            PreventionLevel::Universell => self.level_universell_hint,
            PreventionLevel::Selektiv => self.level_selektiv_hint,
            PreventionLevel::Indikert => self.level_indikert_hint,
        }
    }

    pub fn access(&self, access: AccessRoute) -> &'static str {
        match access {
            AccessRoute::Selvhenvisning => self.access_selvhenvisning,
            AccessRoute::Henvisning => self.access_henvisning,
            AccessRoute::Vedtak => self.access_vedtak,
        }
    }

    pub fn offer_status(&self, status: OfferStatus) -> &'static str {
        match status {
            OfferStatus::Utkast => self.status_utkast,
            OfferStatus::Publisert => self.status_publisert,
            OfferStatus::Pauset => self.status_pauset,
            OfferStatus::Avsluttet => self.status_avsluttet,
        }
    }

    pub fn sort(&self, sort: OfferSort) -> &'static str {
        match sort {
            OfferSort::Name => self.catalogue_sort_navn,
            OfferSort::Level => self.catalogue_sort_niva,
            OfferSort::Age => self.catalogue_sort_alder,
            OfferSort::Newest => self.catalogue_sort_nyeste,
        }
    }

    /// Label of a substantive-change code (see `OfferFields::substantive_changes`).
    pub fn change(&self, code: &str) -> String {
        match code {
            "niva" => self.change_niva,
            "alder" => self.change_alder,
            "tilgang" => self.change_tilgang,
            "kapasitet" => self.change_kapasitet,
            "status" => self.change_status,
            other => return other.to_owned(),
        }
        .to_owned()
    }

    pub fn proposal_status(&self, status: ProposalStatus) -> String {
        match status {
            ProposalStatus::Venter => self.proposal_status_venter,
            ProposalStatus::Godkjent => self.proposal_status_godkjent,
            ProposalStatus::Avvist => self.proposal_status_avvist,
            ProposalStatus::Erstattet => self.proposal_status_erstattet,
            ProposalStatus::Trukket => self.proposal_status_trukket,
        }
        .to_owned()
    }

    pub fn measure_status(&self, status: MeasureStatus) -> &'static str {
        match status {
            MeasureStatus::Proposed => self.measure_proposed,
            MeasureStatus::Active => self.measure_active,
            MeasureStatus::Stopped => self.measure_stopped,
        }
    }

    /// One problem of an import file, as a sentence: «linje 12, felt
    /// «age_to»: … (hint)».
    pub fn import_error(&self, e: &RowError, format: FileFormat) -> String {
        if e.is_whole_row() {
            let what = match format {
                FileFormat::Json => self.import_unreadable_json,
                FileFormat::Csv => self.import_unreadable_csv,
            };
            return format!("{} {}: {what}", self.import_line, e.line);
        }
        let header = e.line == 1 && format == FileFormat::Csv;
        let hint = match (e.field.as_str(), e.problem) {
            ("provider_unit", Problem::UnknownChoice) => Some(self.import_hint_unit),
            ("next_steps", Problem::UnknownChoice) => Some(self.import_hint_next_step),
            ("external_id", Problem::Taken) => Some(self.import_hint_duplicate_id),
            ("challenge_areas", Problem::UnknownChoice) => Some(self.import_hint_area),
            (_, Problem::UnknownChoice) if header => Some(self.import_hint_unknown_column),
            (_, Problem::Required) if header => Some(self.import_hint_missing_column),
            (_, Problem::Taken) if header => Some(self.import_hint_duplicate_column),
            _ => None,
        };
        let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
        format!(
            "{} {}, {} «{}»: {}{hint}",
            self.import_line,
            e.line,
            self.import_field,
            e.field,
            self.problem(e.problem)
        )
    }

    /// Label of a stored access-log code (action, object type or ground).
    pub fn audit_code(&self, code: &str) -> String {
        // Grounds that rest on a record carry its id: «lag_og_samtykke:<id>».
        if let Some((ground, detail)) = code.split_once(':') {
            let short: String = detail
                .chars()
                .rev()
                .take(8)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return format!("{} (…{short})", self.audit_code(ground));
        }
        let text = match code {
            "read" => self.action_read,
            "create" => self.action_create,
            "update" => self.action_update,
            "disable" => self.action_disable,
            "enable" => self.action_enable,
            "reset_password" => self.action_reset_password,
            "login" => self.action_login,
            "logout" => self.action_logout,
            "print" => self.action_print,
            "break_glass" => self.action_break_glass,
            "list" => self.action_list,
            "child" => self.object_child,
            "log" => self.object_log,
            "consultation" => self.object_consultation,
            "bekymringsmelding" => self.object_report,
            "egen_enhet" => self.ground_egen_enhet,
            "lag_og_samtykke" => self.ground_lag_og_samtykke,
            "nodtilgang" => self.ground_nodtilgang,
            "municipality" => self.object_municipality,
            "unit" => self.object_unit,
            "user" => self.object_user,
            "access_log" => self.object_access_log,
            "systemadministrator" => self.ground_systemadministrator,
            "kommuneadministrator" => self.ground_kommuneadministrator,
            "leder_av_enheten" => self.ground_leder_av_enheten,
            "egen_konto" => self.ground_egen_konto,
            "operator" => self.ground_operator,
            "tiltaksredaktor" => self.role_tiltaksredaktor,
            "koordinerende_enhet" => self.role_koordinerende_enhet,
            "foresatt" => self.ground_foresatt,
            "ungdom" => self.ground_ungdom,
            other => return other.to_owned(),
        };
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laget_domain::audit::{Action, ObjectType};

    #[test]
    fn every_audit_code_has_a_label() {
        for a in Action::ALL {
            assert_ne!(NB.audit_code(a.code()), a.code(), "{}", a.code());
        }
        for o in ObjectType::ALL {
            assert_ne!(NB.audit_code(o.code()), o.code(), "{}", o.code());
        }
    }

    #[test]
    fn parameterised_problems_are_filled_in() {
        assert_eq!(
            NB.problem(Problem::TooLong { max: 150 }),
            "Teksten er for lang. Bruk høyst 150 tegn."
        );
        assert!(!NB.problem(Problem::TooShort { min: 12 }).contains('{'));
    }

    #[test]
    fn every_risk_factor_evidence_level_and_ladder_step_has_a_name() {
        use laget_domain::catalogue::{EVIDENCE_LEVELS, LADDER_STEP_NAMES, RISK_FACTORS};
        for m in [&NB, &NN] {
            for (n, _) in RISK_FACTORS {
                assert!(m.risk_factor(*n).is_some_and(|s| !s.is_empty()), "{n}");
            }
            for (n, _) in EVIDENCE_LEVELS {
                assert!(m.evidence_level(*n).is_some_and(|s| !s.is_empty()), "{n}");
            }
            for (n, _) in LADDER_STEP_NAMES {
                assert!(m.ladder_step(*n).is_some_and(|s| !s.is_empty()), "{n}");
            }
            assert_eq!(m.risk_factor(9), None);
            assert_eq!(m.evidence_level(6), None);
            assert_eq!(m.ladder_step(0), None);
        }
        // The bokmål names are the ones the catalogue has always shown.
        for (n, name) in RISK_FACTORS {
            assert_eq!(NB.risk_factor(*n), Some(*name));
        }
        for (n, name) in EVIDENCE_LEVELS {
            assert_eq!(NB.evidence_level(*n), Some(*name));
        }
        for (n, name) in LADDER_STEP_NAMES {
            assert_eq!(NB.ladder_step(*n), Some(*name));
        }
    }

    #[test]
    fn both_written_standards_have_their_language_code() {
        assert_eq!(Messages::of(WrittenStandard::Bokmal).lang, "nb");
        assert_eq!(Messages::of(WrittenStandard::Nynorsk).lang, "nn");
        assert_eq!(Messages::for_visitors().lang, "nb");
    }

    /// The lines of a source file outside its test module (a `#[cfg(test)]`
    /// at the start of a line and what follows) that name one language's
    /// texts (`NB`, `NN`) directly, leaving out comments.
    fn naming_a_language(source: &str) -> Vec<usize> {
        let word = |line: &str, w: &str| {
            line.match_indices(w).any(|(i, _)| {
                let before = line[..i].chars().next_back();
                let after = line[i + w.len()..].chars().next();
                let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !part(before) && !part(after)
            })
        };
        source
            .lines()
            .take_while(|l| !l.starts_with("#[cfg(test)]"))
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .filter(|(_, l)| word(l, "NB") || word(l, "NN"))
            .map(|(n, _)| n + 1)
            .collect()
    }

    #[test]
    fn the_scan_finds_a_language_named() {
        let source = "use crate::i18n::NB;\nfn f() -> &'static str {\n    // NB: not this\n    crate::i18n::NN.app_name\n}\nfn g(m: &Messages) -> &str { m.nb_label }\n#[cfg(test)]\nmod tests { use super::NB; }\n";
        assert_eq!(naming_a_language(source), vec![1, 4]);
    }

    /// Every page speaks the request's language: outside this file and the
    /// test modules, no code in the web crate names `NB` or `NN`; it uses the
    /// request's messages (`SignedIn::m`, `Ctx::m`, `Layout::m`) or is given
    /// `m: &Messages`. Visitors get [`Messages::for_visitors`].
    #[test]
    fn only_the_catalogue_names_a_language() -> std::io::Result<()> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    walk(&path, out)?;
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
            Ok(())
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files)?;
        assert!(files.len() > 20, "the scan finds the sources: {files:?}");
        let mut found = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("i18n.rs")) {
            let text = std::fs::read_to_string(file)?;
            for line in naming_a_language(&text) {
                found.push(format!("{}:{line}", file.display()));
            }
        }
        assert!(
            found.is_empty(),
            "use the request's messages (user.m, ctx.m, layout.m or an m: &Messages parameter), not one language: {found:#?}"
        );
        Ok(())
    }
}
