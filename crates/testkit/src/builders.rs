//! Builders for test data: the fixture roles ([`Who`]), the standard
//! [`Fixtures`] every [`TestApp`](crate::TestApp) starts with (two
//! municipalities, units, one user per role, an offer with a waiting
//! proposal, and a child's log with what hangs on it), and the small
//! builders they are made from ([`new_municipality`], [`unit_fields`],
//! [`UserBuilder`], [`offer_fields`]).

use laget_db::{admin::municipalities, admin::units, admin::users, catalogue::offers};
use laget_domain::access::{AdministersUsers, MunicipalityAdmin, Operator};
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::admin::user::{DisplayName, Email, Role, Username};
use laget_domain::catalogue::{AccessRoute, OfferFields, OfferStatus, PreventionLevel};
use laget_domain::ids::{
    AttachmentId, BreakGlassId, ChildId, ConsentId, ConsultationId, GuardianId, HandoverId, LogId,
    MeasureId, MembershipId, OfferId, ProposalId, TeamMemberId,
};
use laget_domain::{MunicipalityId, UnitId, UserId};
use std::collections::HashMap;

/// The password of every fixture user.
pub const PASSWORD: &str = "Fjordhest-Syltetøy-Blåbær-71";

/// The roles the access matrix checks, plus the anonymous visitor and the
/// citizens of the family's portal (signed in through ID-porten, known by
/// the national identity numbers in [`Fixtures::citizens`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    Anonymous,
    Ansatt,
    Leder,
    KoordinerendeEnhet,
    Tiltaksredaktor,
    Kommuneadministrator,
    /// Municipality administrator of *another* municipality.
    OtherKommuneadministrator,
    Systemadmin,
    /// Staff of «Testdalen PPT», on the test log's team, covered by consent.
    PptOnTeam,
    /// Staff of «Testbakken skole», on the team, but only one of the two
    /// guardians has consented for the school (the rule needs both).
    SchoolWithoutConsent,
    /// Staff of «Testheia helsestasjon», not on the team.
    HealthNotOnTeam,
    /// Staff of «Testbyen barneverntjeneste», holding break-glass for the log.
    ChildWelfareBreakGlass,
    /// A citizen: the fixture child's mother, with parental responsibility.
    Guardian,
    /// A citizen: the fixture child's father, with parental responsibility
    /// too — the other parent: sees the log, may not withdraw a consent the
    /// mother alone gave.
    OtherGuardian,
    /// A citizen: the fixture child's third guardian («bonusfar»), without
    /// parental responsibility: the portal opens nothing of the log to him.
    GuardianWithoutResponsibility,
    /// A citizen: a youth of 16 with a log of their own in «Testbyen
    /// ungdomsskole» ([`YouthFixtures`]), where no other `Who` works; for
    /// this column `TestApp::concrete_for` names the youth's own log.
    Youth,
}

impl Who {
    /// The columns of the log access matrix.
    pub const LOG: [Who; 14] = [
        Who::Anonymous,
        Who::Ansatt,
        Who::Leder,
        Who::PptOnTeam,
        Who::SchoolWithoutConsent,
        Who::HealthNotOnTeam,
        Who::ChildWelfareBreakGlass,
        Who::KoordinerendeEnhet,
        Who::Kommuneadministrator,
        Who::Systemadmin,
        Who::Guardian,
        Who::OtherGuardian,
        Who::GuardianWithoutResponsibility,
        Who::Youth,
    ];
    pub const ALL: [Who; 12] = [
        Who::Anonymous,
        Who::Ansatt,
        Who::Leder,
        Who::KoordinerendeEnhet,
        Who::Tiltaksredaktor,
        Who::Kommuneadministrator,
        Who::OtherKommuneadministrator,
        Who::Systemadmin,
        Who::Guardian,
        Who::OtherGuardian,
        Who::GuardianWithoutResponsibility,
        Who::Youth,
    ];
    /// The citizens: signed in to the family's portal, no staff.
    pub const CITIZENS: [Who; 4] = [
        Who::Guardian,
        Who::OtherGuardian,
        Who::GuardianWithoutResponsibility,
        Who::Youth,
    ];
    /// Every role and the anonymous visitor: the columns of the portal's
    /// matrix, where every staff role's answer matters as much as a
    /// citizen's.
    pub const EVERY: [Who; 16] = [
        Who::Anonymous,
        Who::Ansatt,
        Who::Leder,
        Who::KoordinerendeEnhet,
        Who::Tiltaksredaktor,
        Who::Kommuneadministrator,
        Who::OtherKommuneadministrator,
        Who::Systemadmin,
        Who::PptOnTeam,
        Who::SchoolWithoutConsent,
        Who::HealthNotOnTeam,
        Who::ChildWelfareBreakGlass,
        Who::Guardian,
        Who::OtherGuardian,
        Who::GuardianWithoutResponsibility,
        Who::Youth,
    ];
    /// A citizen of the family's portal (no staff session).
    pub fn is_citizen(self) -> bool {
        Self::CITIZENS.contains(&self)
    }
    /// The login name of a staff role; empty for the anonymous visitor and
    /// the citizens (who log in through ID-porten, not the login form).
    pub fn username(self) -> &'static str {
        match self {
            Who::Anonymous
            | Who::Guardian
            | Who::OtherGuardian
            | Who::GuardianWithoutResponsibility
            | Who::Youth => "",
            Who::Ansatt => "test.ansatt",
            Who::Leder => "test.leder",
            Who::KoordinerendeEnhet => "test.koordinator",
            Who::Tiltaksredaktor => "test.redaktor",
            Who::Kommuneadministrator => "test.kommuneadmin",
            Who::OtherKommuneadministrator => "test.annenadmin",
            Who::Systemadmin => "test.sysadmin",
            Who::PptOnTeam => "test.ppt",
            Who::SchoolWithoutConsent => "test.skole",
            Who::HealthNotOnTeam => "test.helse",
            Who::ChildWelfareBreakGlass => "test.barnevern",
        }
    }
}

/// What the fixtures created.
#[derive(Clone, Debug)]
pub struct Fixtures {
    pub municipality: MunicipalityId,
    pub other_municipality: MunicipalityId,
    /// «Testlia barnehage», led by the leader; the staff member works there.
    pub unit: UnitId,
    /// «Testbyen skole» in the other municipality.
    pub other_unit: UnitId,
    pub users: HashMap<Who, UserId>,
    /// A staff member in the first municipality that tests may change.
    pub target_user: UserId,
    pub target_membership: MembershipId,
    /// A published offer of Testlia barnehage.
    pub offer: OfferId,
    /// A waiting proposal to change that offer's ages.
    pub proposal: ProposalId,
    /// The child's log and what hangs on it.
    pub log: LogFixtures,
    /// The youth's own log (`Who::Youth`).
    pub youth: YouthFixtures,
    /// The national identity number of each citizen in `Who::CITIZENS`
    /// (synthetic): the mother, the father, the bonusfar (as
    /// `guardians.national_id`) and the youth (as the child's).
    pub citizens: HashMap<Who, String>,
}

/// A youth of 16 in «Testbyen ungdomsskole» with a log of their own, led
/// by the school's staff member (`lead`, no `Who`): the youth alone has
/// consented (for «Testheia helsestasjon», which is not on the team). No
/// other `Who` works in the school, so the youth's log is theirs alone
/// among the matrix's columns.
#[derive(Clone, Debug)]
pub struct YouthFixtures {
    pub unit: UnitId,
    pub lead: UserId,
    pub child: ChildId,
    pub national_id: String,
    pub log: LogId,
    /// The youth's own consent.
    pub consent: ConsentId,
}

/// A child of Testlia barnehage with a log led by the staff member
/// (`Who::Ansatt`): two guardians with parental responsibility (the mother,
/// `Who::Guardian`, and the father, `Who::OtherGuardian`) and a third
/// without (the bonusfar, `Who::GuardianWithoutResponsibility`), each with
/// a synthetic national identity number; a consent
/// from both for PPT (with a scanned form); a consent from the mother only for
/// the school; PPT and school staff on the team; a proposed measure; a
/// pending handover to PPT; an anonymous consultation; and a break-glass
/// opening by child welfare.
#[derive(Clone, Debug)]
pub struct LogFixtures {
    pub child: ChildId,
    pub national_id: String,
    pub mother: GuardianId,
    pub father: GuardianId,
    /// The third guardian, without parental responsibility.
    pub bonus_father: GuardianId,
    pub log: LogId,
    pub ppt_unit: UnitId,
    pub school_unit: UnitId,
    pub health_unit: UnitId,
    /// «Testbyen barneverntjeneste», which serves the municipality
    /// (`Who::ChildWelfareBreakGlass` works there).
    pub welfare_unit: UnitId,
    pub ppt_consent: ConsentId,
    pub school_consent: ConsentId,
    pub attachment: AttachmentId,
    /// The child, as a team member.
    pub child_member: TeamMemberId,
    pub ppt_member: TeamMemberId,
    pub measure: MeasureId,
    pub handover: HandoverId,
    pub consultation: ConsultationId,
    pub break_glass: BreakGlassId,
}

/// A published offer's fields, provided by `unit`.
pub fn offer_fields(unit: UnitId, name: &str) -> OfferFields {
    OfferFields {
        name: name.to_owned(),
        provider_unit: unit,
        description: "Et tilbud i testdataene.\n\nAndre avsnitt.".to_owned(),
        level: PreventionLevel::Selektiv,
        age_from: 6,
        age_to: 12,
        pregnant: false,
        challenge_areas: vec!["skolefravaer".to_owned()],
        risk_factors: vec![7],
        access: AccessRoute::Henvisning,
        access_requirements: "Henvisning fra skolen.".to_owned(),
        contact_person: "Test Testesen".to_owned(),
        contact_phone: "+47 400 00 000".to_owned(),
        contact_email: "tilbud@test.example".to_owned(),
        contact_address: String::new(),
        capacity: "10 barn".to_owned(),
        waiting_weeks: Some(2),
        evidence_level: 2,
        evidence_local: false,
        evidence_link: String::new(),
        cost: "Gratis".to_owned(),
        languages: vec!["norsk".to_owned()],
        status: OfferStatus::Publisert,
        valid_from: None,
        valid_to: None,
        ladder_step: 2,
    }
}

/// A new municipality with the given number and name, writing bokmål.
pub fn new_municipality(number: &str, name: &str) -> municipalities::NewMunicipality {
    municipalities::NewMunicipality {
        number: MunicipalityNumber::parse(number).unwrap(),
        name: MunicipalityName::parse(name).unwrap(),
        written_standard: WrittenStandard::Bokmal,
    }
}

/// An active unit's fields, serving no other unit.
pub fn unit_fields(name: &str, kind: UnitKind) -> units::UnitFields {
    units::UnitFields {
        name: UnitName::parse(name).unwrap(),
        kind,
        active: true,
        also_serves: vec![],
    }
}

/// A user to create: `username`, shown as `display_name`, with the e-mail
/// `<username>@test.example` and the given password hash; not a system
/// administrator unless [`system_admin`](Self::system_admin) says so.
#[derive(Clone, Debug)]
pub struct UserBuilder<'a> {
    username: &'a str,
    display_name: &'a str,
    password_hash: &'a str,
    system_admin: bool,
}

impl<'a> UserBuilder<'a> {
    pub fn new(username: &'a str, display_name: &'a str, password_hash: &'a str) -> Self {
        Self {
            username,
            display_name,
            password_hash,
            system_admin: false,
        }
    }

    /// Makes the user a system administrator.
    pub fn system_admin(mut self, yes: bool) -> Self {
        self.system_admin = yes;
        self
    }

    /// The row to insert.
    pub fn build(&self) -> users::NewUser {
        let username = self.username;
        users::NewUser {
            username: Username::parse(username).unwrap(),
            display_name: DisplayName::parse(self.display_name).unwrap(),
            email: Some(Email::parse(&format!("{username}@test.example")).unwrap()),
            password_hash: self.password_hash.to_owned(),
            is_system_admin: self.system_admin,
        }
    }

    /// Creates the user, as `cap`.
    pub fn create(
        &self,
        c: &mut laget_db::DbConnection,
        cap: &dyn AdministersUsers,
    ) -> laget_db::DbResult<UserId> {
        users::create(c, cap, &self.build(), "fixture")
    }
}

/// Builds the standard fixtures: two municipalities, a unit in each, and one
/// user per role. `hash` is the password hash every fixture user gets.
pub fn fixtures(db: &laget_db::Db, hash: &str) -> Fixtures {
    let op = Operator::at_console();
    db.write_blocking(|c| {
        let m = municipalities::create(
            c,
            &op.system(),
            &new_municipality("9001", "Testkommune"),
            "fixture",
        )?;
        let other = municipalities::create(
            c,
            &op.system(),
            &new_municipality("9002", "Annenkommune"),
            "fixture",
        )?;
        let cap = op.administer(m);
        let other_cap = op.administer(other);
        let unit = units::create(
            c,
            &cap,
            &unit_fields("Testlia barnehage", UnitKind::Barnehage),
            "fixture",
        )?;
        let ke = units::create(
            c,
            &cap,
            &unit_fields("Koordinerende enhet", UnitKind::KoordinerendeEnhet),
            "fixture",
        )?;
        let other_unit = units::create(
            c,
            &other_cap,
            &unit_fields("Testbyen skole", UnitKind::Skole),
            "fixture",
        )?;

        let mut made = HashMap::new();
        let roles: [(Who, &str, Option<UnitId>, Role); 5] = [
            (Who::Ansatt, "Tora Testansatt", Some(unit), Role::Ansatt),
            (Who::Leder, "Lars Testleder", Some(unit), Role::Leder),
            (
                Who::KoordinerendeEnhet,
                "Kaja Testkoordinator",
                Some(ke),
                Role::KoordinerendeEnhet,
            ),
            (
                Who::Tiltaksredaktor,
                "Rolf Testredaktør",
                Some(unit),
                Role::Tiltaksredaktor,
            ),
            (
                Who::Kommuneadministrator,
                "Ada Testadmin",
                None,
                Role::Kommuneadministrator,
            ),
        ];
        for (who, name, unit, role) in roles {
            let id = UserBuilder::new(who.username(), name, hash).create(c, &cap)?;
            users::add_membership(c, &cap, id, unit, role, "fixture")?;
            made.insert(who, id);
        }
        let id = UserBuilder::new(
            Who::OtherKommuneadministrator.username(),
            "Otto Annenadmin",
            hash,
        )
        .create(c, &other_cap)?;
        users::add_membership(
            c,
            &other_cap,
            id,
            None,
            Role::Kommuneadministrator,
            "fixture",
        )?;
        made.insert(Who::OtherKommuneadministrator, id);
        let id = UserBuilder::new(Who::Systemadmin.username(), "Siri Testsystem", hash)
            .system_admin(true)
            .create(c, &op.system())?;
        made.insert(Who::Systemadmin, id);

        let target = UserBuilder::new("test.maal", "Mona Målbruker", hash).create(c, &cap)?;
        let target_membership =
            users::add_membership(c, &cap, target, Some(unit), Role::Ansatt, "fixture")?;

        let fields = offer_fields(unit, "Testtilbud ved skolefravær");
        let offer = offers::create(c, &cap, m, &fields, Some("test-1"))?;
        let mut older = fields.clone();
        older.age_to = 15;
        let due = chrono::Utc::now().date_naive() + chrono::Days::new(14);
        let proposal = match offers::update(c, &cap, offer, &older, due)? {
            offers::SaveOutcome::Proposed(p) => p,
            other => panic!("expected a proposal, got {other:?}"),
        };

        let (log, mut citizens) = LogFixturesBuilder {
            cap: &cap,
            municipality: m,
            kindergarten: unit,
            password_hash: hash,
        }
        .create(c, &mut made)?;
        let youth = youth_fixtures(c, &cap, m, log.health_unit, hash)?;
        citizens.insert(Who::Youth, youth.national_id.clone());

        Ok(Fixtures {
            log,
            youth,
            citizens,
            municipality: m,
            other_municipality: other,
            unit,
            other_unit,
            users: made,
            target_user: target,
            target_membership,
            offer,
            proposal,
        })
    })
    .expect("fixtures")
}

/// What the log fixtures (see [`LogFixtures`]) are made in: the
/// municipality (administered as `cap`), the kindergarten whose staff member
/// (`Who::Ansatt`) leads the log, and the password hash of the staff users
/// it adds.
struct LogFixturesBuilder<'a> {
    cap: &'a MunicipalityAdmin,
    municipality: MunicipalityId,
    kindergarten: UnitId,
    password_hash: &'a str,
}

impl LogFixturesBuilder<'_> {
    /// Creates the log fixtures, adding the staff users it makes to `made`;
    /// `today` is the real day, so deadlines and consent periods are
    /// relative to it. Returns them with the guardians' national identity
    /// numbers by citizen role.
    fn create(
        self,
        c: &mut laget_db::DbConnection,
        made: &mut HashMap<Who, UserId>,
    ) -> laget_db::DbResult<(LogFixtures, HashMap<Who, String>)> {
        use laget_db::{casework, children, log as logs};
        use laget_domain::access::{Actor, Membership};
        use laget_domain::children::national_id::NationalId;
        use laget_domain::children::{NewChild, NewGuardian};
        use laget_domain::log::consent::{ConsentForm, ConsentRule, Giver, NewConsent};
        use laget_domain::log::escalation::LogSettings;
        use laget_domain::log::stafett::{
            Concern, HandoverChecklist, MeasureForm, MemberKind, NewMeasure,
        };

        let LogFixturesBuilder {
            cap,
            municipality: m,
            kindergarten,
            password_hash,
        } = self;
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Oslo)
            .date_naive();
        let d = |days: i64| {
            (today + chrono::Duration::days(days))
                .format("%d.%m.%Y")
                .to_string()
        };
        let mut staff =
            |c: &mut laget_db::DbConnection, who: Who, name: &str, unit_name: &str, kind| {
                let unit = units::create(c, cap, &unit_fields(unit_name, kind), "fixture")?;
                let id = UserBuilder::new(who.username(), name, password_hash).create(c, cap)?;
                users::add_membership(c, cap, id, Some(unit), Role::Ansatt, "fixture")?;
                made.insert(who, id);
                Ok::<_, laget_db::DbError>((unit, id))
            };
        let (ppt_unit, ppt_user) = staff(
            c,
            Who::PptOnTeam,
            "Petra Testppt",
            "Testdalen PPT",
            UnitKind::Ppt,
        )?;
        let (school_unit, school_user) = staff(
            c,
            Who::SchoolWithoutConsent,
            "Sondre Testskole",
            "Testbakken skole",
            UnitKind::Skole,
        )?;
        let (health_unit, _) = staff(
            c,
            Who::HealthNotOnTeam,
            "Hege Testhelse",
            "Testheia helsestasjon",
            UnitKind::Helsestasjon,
        )?;
        let (welfare_unit, welfare_user) = staff(
            c,
            Who::ChildWelfareBreakGlass,
            "Bjørn Testbarnevern",
            "Testbyen barneverntjeneste",
            UnitKind::Barnevern,
        )?;
        let member = |unit, role| Membership {
            municipality_id: m,
            unit_id: Some(unit),
            role,
        };
        let lead = Actor::for_tests(
            made[&Who::Ansatt],
            false,
            vec![member(kindergarten, Role::Ansatt)],
        );
        let ppt = Actor::for_tests(ppt_user, false, vec![member(ppt_unit, Role::Ansatt)]);
        let welfare = Actor::for_tests(
            welfare_user,
            false,
            vec![member(welfare_unit, Role::Ansatt)],
        );
        let casework = lead.casework(kindergarten).unwrap();

        let born = today - chrono::Duration::days(6 * 365);
        let nid = NationalId::synthetic(born, 7).unwrap();
        let national_id = nid.expose().to_owned();
        let new_child = NewChild::parse(
            "Testbarn Fikstursen",
            &born.format("%d.%m.%Y").to_string(),
            false,
            &national_id,
            today,
        )
        .unwrap();
        let child = children::create(c, &casework, &new_child, &[], "fixture")?;
        let guardian =
            |c: &mut laget_db::DbConnection, name: &str, relation: &str, responsible: bool| {
                children::add_guardian(
                    c,
                    &casework,
                    child,
                    &NewGuardian::parse(name, relation, "900 00 000", "", responsible).unwrap(),
                    "fixture",
                )
            };
        let mother = guardian(c, "Mona Fikstursen", "mor", true)?;
        let father = guardian(c, "Frode Fikstursen", "far", true)?;
        let bonus_father = guardian(c, "Bent Bonusfar", "annen", false)?;
        // The guardians' national identity numbers, how the family's portal
        // knows them: set as the demo sets them (the child's editor's
        // capability, an access-log row on the child).
        let editor = lead.edit_child(child, &[kindergarten]).unwrap();
        let mut citizens = HashMap::new();
        for (who, id, born, seed) in [
            (Who::Guardian, mother, (1988, 4, 12), 11),
            (Who::OtherGuardian, father, (1986, 9, 3), 13),
            (
                Who::GuardianWithoutResponsibility,
                bonus_father,
                (1979, 1, 22),
                17,
            ),
        ] {
            let (y, mo, d) = born;
            let date = chrono::NaiveDate::from_ymd_opt(y, mo, d).unwrap();
            let number = NationalId::synthetic(date, seed).unwrap();
            laget_db::portal::demo::set_guardian_national_id(c, &editor, id, &number, "fixture")?;
            citizens.insert(who, number.expose().to_owned());
        }
        let concern = Concern::parse(
            "Trekker seg unna i lek og sier lite.",
            &d(-3),
            &["sprak"],
            "",
            &["sprak".to_owned()],
            &[],
            today,
        )
        .unwrap();
        let log = logs::start(c, &casework, child, &concern, today, "fixture")?;
        let writer = |c: &mut laget_db::DbConnection, actor: &Actor| {
            let facts = laget_db::lookup::log_facts(c, log, actor.user_id(), today)?;
            Ok::<_, laget_db::DbError>(actor.open_log(&facts, today).unwrap().writer().unwrap())
        };
        let w = writer(c, &lead)?;
        let consent = |givers: Vec<Giver>, unit: UnitId, method: &str| {
            let g: Vec<String> = givers.iter().map(|g| g.code()).collect();
            let u = unit.to_string();
            let form = ConsentForm {
                givers: g.iter().map(String::as_str).collect(),
                units: vec![u.as_str()],
                purposes: vec!["dele", "mote"],
                valid_from: &d(-1),
                valid_to: &d(200),
                method,
                note: "",
                has_scan: method == "papir",
            };
            NewConsent::parse(&form, &givers, &[unit]).unwrap()
        };
        let scan = logs::Scan {
            file_name: "samtykke.pdf".into(),
            content_type: "application/pdf".into(),
            content: b"%PDF-1.4 synthetic test scan".to_vec(),
        };
        let both = vec![Giver::Guardian(mother), Giver::Guardian(father)];
        let ppt_consent = logs::add_consent(
            c,
            &w,
            &consent(both, ppt_unit, "papir"),
            Some(scan),
            "fixture",
        )?;
        let school_consent = logs::add_consent(
            c,
            &w,
            &consent(vec![Giver::Guardian(mother)], school_unit, "digitalt"),
            None,
            "fixture",
        )?;
        let attachment: String = {
            use diesel::prelude::*;
            laget_db::schema::consents::table
                .find(ppt_consent.to_string())
                .select(laget_db::schema::consents::attachment_id)
                .first::<Option<String>>(c)?
                .unwrap()
        };
        let ppt_member =
            logs::add_staff(c, &w, ppt_user, ppt_unit, "PPT-rådgiver", today, "fixture")?.unwrap();
        // The school joined while the municipality accepted one guardian's
        // consent; it now needs both, so the school sees nothing.
        let settings = |rule| LogSettings {
            consent_rule: rule,
            ..LogSettings::default()
        };
        let op = laget_domain::access::Operator::at_console();
        logs::set_settings(
            c,
            &op.administer(m),
            &settings(ConsentRule::AnyGuardian),
            "fixture",
        )?;
        let w = writer(c, &lead)?;
        logs::add_staff(
            c,
            &w,
            school_user,
            school_unit,
            "Kontaktlærer",
            today,
            "fixture",
        )?
        .unwrap();
        logs::set_settings(
            c,
            &op.administer(m),
            &settings(ConsentRule::AllGuardians),
            "fixture",
        )?;
        let child_member = logs::add_person(
            c,
            &w,
            &logs::Person {
                kind: MemberKind::Child,
                name: "Testbarn Fikstursen",
                role: "Barnet",
                guardian: None,
            },
            today,
            "fixture",
        )?
        .unwrap();
        let ppt_member_s = ppt_member.to_string();
        let measure = NewMeasure::parse(
            &MeasureForm {
                offer: "",
                name: "Språkgruppe",
                goal: "Snakker mer i lek med andre barn.",
                responsible: &ppt_member_s,
                start: &d(-1),
                evaluate_by: &d(30),
                is_final: false,
                best_interest: "",
            },
            &[],
            &[ppt_member],
        )
        .unwrap();
        let measure = logs::add_measure(c, &w, &measure, "fixture")?;
        let proposer = lead
            .open_log(
                &laget_db::lookup::log_facts(c, log, lead.user_id(), today)?,
                today,
            )
            .unwrap()
            .handover_proposer()
            .unwrap();
        let handover = logs::propose_handover(
            c,
            &proposer,
            ppt_member,
            &HandoverChecklist::parse(false, "", false, "").unwrap(),
            today,
            "fixture",
        )?
        .unwrap();
        let consultation = casework::add_consultation(
            c,
            &casework,
            &casework::NewConsultation {
                age_band: "1-5".into(),
                summary: "Et barn som er stille i lek.".into(),
                advice: "Observer i to uker.".into(),
                advisers: "PPT".into(),
                held_on: today - chrono::Duration::days(10),
            },
            "fixture",
        )?;
        let right = welfare.break_glass_right(m, &[welfare_unit]).unwrap();
        let break_glass = casework::open_break_glass(
            c,
            &right,
            log,
            "Bekymringsmelding mottatt i dag.",
            "fixture",
        )?;
        let _ = ppt;
        let fixtures = LogFixtures {
            child,
            national_id,
            mother,
            father,
            bonus_father,
            log,
            ppt_unit,
            school_unit,
            health_unit,
            welfare_unit,
            ppt_consent,
            school_consent,
            attachment: attachment.parse().unwrap(),
            child_member,
            ppt_member,
            measure,
            handover,
            consultation,
            break_glass,
        };
        Ok((fixtures, citizens))
    }
}

/// Creates the youth's log ([`YouthFixtures`]) in the municipality
/// administered as `cap`: the school, its staff member (with the fixture
/// password `hash`), the youth, the log and the youth's own consent for
/// `consented_unit`.
fn youth_fixtures(
    c: &mut laget_db::DbConnection,
    cap: &MunicipalityAdmin,
    m: MunicipalityId,
    consented_unit: UnitId,
    hash: &str,
) -> laget_db::DbResult<YouthFixtures> {
    use laget_db::{children, log as logs};
    use laget_domain::access::{Actor, Membership};
    use laget_domain::children::NewChild;
    use laget_domain::children::national_id::NationalId;
    use laget_domain::log::consent::{ConsentForm, Giver, NewConsent};
    use laget_domain::log::stafett::Concern;

    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let d = |days: i64| {
        (today + chrono::Duration::days(days))
            .format("%d.%m.%Y")
            .to_string()
    };
    let unit = units::create(
        c,
        cap,
        &unit_fields("Testbyen ungdomsskole", UnitKind::Skole),
        "fixture",
    )?;
    let lead = UserBuilder::new("test.ungdomsskole", "Ulla Testlærer", hash).create(c, cap)?;
    users::add_membership(c, cap, lead, Some(unit), Role::Ansatt, "fixture")?;
    let actor = Actor::for_tests(
        lead,
        false,
        vec![Membership {
            municipality_id: m,
            unit_id: Some(unit),
            role: Role::Ansatt,
        }],
    );
    let casework = actor.casework(unit).unwrap();
    // Sixteen and a few weeks: old enough for the portal (15) and for
    // their own health information (16), for a while.
    let born = today
        .checked_sub_months(chrono::Months::new(16 * 12))
        .unwrap()
        - chrono::Duration::days(40);
    let national_id = NationalId::synthetic(born, 23).unwrap().expose().to_owned();
    let new_child = NewChild::parse(
        "Ungdom Fikstursen",
        &born.format("%d.%m.%Y").to_string(),
        false,
        &national_id,
        today,
    )
    .unwrap();
    let child = children::create(c, &casework, &new_child, &[], "fixture")?;
    let concern = Concern::parse(
        "Mye fravær siste måned.",
        &d(-5),
        &["skolefravaer"],
        "",
        &["skolefravaer".to_owned()],
        &[],
        today,
    )
    .unwrap();
    let log = logs::start(c, &casework, child, &concern, today, "fixture")?;
    let facts = laget_db::lookup::log_facts(c, log, lead, today)?;
    let w = actor.open_log(&facts, today).unwrap().writer().unwrap();
    let u = consented_unit.to_string();
    let from = d(-1);
    let to = d(200);
    let form = ConsentForm {
        givers: vec!["ungdom"],
        units: vec![u.as_str()],
        purposes: vec!["dele", "mote"],
        valid_from: &from,
        valid_to: &to,
        method: "digitalt",
        note: "",
        has_scan: false,
    };
    let consent = NewConsent::parse(&form, &[Giver::Youth], &[consented_unit]).unwrap();
    let consent = logs::add_consent(c, &w, &consent, None, "fixture")?;
    Ok(YouthFixtures {
        unit,
        lead,
        child,
        national_id,
        log,
        consent,
    })
}

// ── Reports of concern and individual plans (issue #13) ─────────────────
//
// Not part of the standard fixtures (a sent report, a plan asked for,
// would change what other tests see of the fixture log: its timeline,
// who may open it); the tests that need them make them, through the
// functions of `laget_db::reports` and `laget_db::plans` as the users
// would.

/// The day in Oslo.
fn oslo_today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

/// The actor of a fixture role, as a session would load it.
fn actor_of(
    c: &mut laget_db::DbConnection,
    fx: &Fixtures,
    who: Who,
) -> laget_db::DbResult<laget_domain::access::Actor> {
    laget_db::lookup::actor(c, fx.users[&who])
}

/// The fixture log as `who` opens it today.
fn fixture_log_reader(
    c: &mut laget_db::DbConnection,
    fx: &Fixtures,
    who: Who,
) -> laget_db::DbResult<laget_domain::access::LogReader> {
    let actor = actor_of(c, fx, who)?;
    let today = oslo_today();
    let facts = laget_db::lookup::log_facts(c, fx.log.log, actor.user_id(), today)?;
    Ok(actor
        .open_log(&facts, today)
        .expect("opens the fixture log"))
}

/// A complete report of concern about the fixture child, as its
/// kindergarten's staff member (`Who::Ansatt`) sends it: every field the
/// KS Fiks message requires.
pub fn valid_report_form(fx: &Fixtures) -> laget_domain::reports::form::ReportForm {
    use laget_domain::reports::form::{GuardianForm, ReportForm};
    let guardian = |navn: &str| GuardianForm {
        navn: navn.to_owned(),
        telefon: "98765432".to_owned(),
        orientert: "ja".to_owned(),
        grunn: String::new(),
    };
    ReportForm {
        melder_navn: "Tora Testansatt".to_owned(),
        melder_rolle: "Pedagogisk leder".to_owned(),
        melder_telefon: "+47 912 34 567".to_owned(),
        melder_epost: "test.ansatt@test.example".to_owned(),
        virksomhet_navn: "Testlia barnehage".to_owned(),
        virksomhet_orgnr: "974551683".to_owned(),
        virksomhet_adresse: "Barnehageveien 1".to_owned(),
        virksomhet_postnummer: "1712".to_owned(),
        virksomhet_poststed: "Testbyen".to_owned(),
        barn_fnr: fx.log.national_id.clone(),
        barn_navn: "Testbarn Fikstursen".to_owned(),
        barn_adresse: "Gata 2".to_owned(),
        barn_postnummer: "1710".to_owned(),
        barn_poststed: "Testbyen".to_owned(),
        barn_orientert: "nei".to_owned(),
        barn_grunn: "Barnet er seks år".to_owned(),
        foresatte: vec![guardian("Mona Fikstursen"), guardian("Frode Fikstursen")],
        melding: "Barnet kommer ofte sulten.".to_owned(),
        historie: "Samtaler siden august.".to_owned(),
        ..ReportForm::default()
    }
}

/// Reports of concern about the fixture child by the staff member
/// (`Who::Ansatt`) of «Testlia barnehage», in a municipality that
/// requires the leader's co-signature ([`require_cosign`]).
#[derive(Clone, Debug)]
pub struct ReportFixtures {
    /// A draft written from the fixture log (prefilled).
    pub draft: laget_domain::ids::ReportId,
    /// A report waiting for the leader's (`Who::Leder`) co-signature.
    pub waiting: laget_domain::ids::ReportId,
    /// A report from the fixture log, co-signed and sent to «Testbyen
    /// barneverntjeneste», which has acknowledged receipt (the reporter's
    /// first feedback).
    pub sent: laget_domain::ids::ReportId,
}

impl ReportFixtures {
    /// Makes them (and the co-signature rule) in `db`.
    pub fn create(db: &laget_db::Db, fx: &Fixtures) -> Self {
        require_cosign(db, fx);
        let sent = report_sent(db, fx, true, true);
        let draft = db
            .write_blocking(|c| report_draft_from_log(c, fx))
            .expect("draft");
        let waiting = report_waiting(db, fx);
        Self {
            draft,
            waiting,
            sent,
        }
    }
}

/// The fixture municipality requires the unit leader's co-signature (its
/// administrator's setting, saved as the settings page saves it).
pub fn require_cosign(db: &laget_db::Db, fx: &Fixtures) {
    use laget_db::reports::draft;
    let op = Operator::at_console();
    db.write_blocking(|c| {
        let cap = op.administer(fx.municipality);
        let mut s = draft::settings(c, &cap)?;
        s.cosign = laget_domain::reports::CosignRule::Required;
        draft::save_settings(c, &cap, &s, "fixture")
    })
    .expect("cosign rule");
}

fn report_draft_from_log(
    c: &mut laget_db::DbConnection,
    fx: &Fixtures,
) -> laget_db::DbResult<laget_domain::ids::ReportId> {
    let reader = fixture_log_reader(c, fx, Who::Ansatt)?;
    let author = actor_of(c, fx, Who::Ansatt)?
        .report_author(fx.unit)
        .expect("the staff member reports");
    laget_db::reports::draft::create_from_log(c, &reader, &author, "fixture")
}

fn report_open(
    c: &mut laget_db::DbConnection,
    fx: &Fixtures,
    who: Who,
    id: laget_domain::ids::ReportId,
) -> laget_db::DbResult<laget_domain::access::ReportReader> {
    let facts = laget_db::lookup::report_facts(c, id)?;
    Ok(actor_of(c, fx, who)?
        .open_report(&facts)
        .expect("opens the report"))
}

/// A new draft by the staff member (`Who::Ansatt`) for the fixture child
/// without its log (`/bekymringsmeldinger/ny`), the form filled in.
pub fn report_draft(db: &laget_db::Db, fx: &Fixtures) -> laget_domain::ids::ReportId {
    db.write_blocking(|c| {
        let author = actor_of(c, fx, Who::Ansatt)?
            .report_author(fx.unit)
            .expect("the staff member reports");
        let id =
            laget_db::reports::draft::create_for_child(c, &author, fx.municipality, "fixture")?;
        let editor = report_open(c, fx, Who::Ansatt, id)?
            .editor()
            .expect("the author edits");
        laget_db::reports::draft::update(c, &editor, valid_report_form(fx), "fixture")?;
        Ok(id)
    })
    .expect("report draft")
}

/// A new report by the staff member, sent and waiting for the leader's
/// co-signature (needs [`require_cosign`]).
pub fn report_waiting(db: &laget_db::Db, fx: &Fixtures) -> laget_domain::ids::ReportId {
    let id = report_draft(db, fx);
    db.write_blocking(|c| {
        let editor = report_open(c, fx, Who::Ansatt, id)?
            .editor()
            .expect("the author sends");
        let sent = laget_db::reports::draft::send(c, &editor, valid_report_form(fx), "fixture")?;
        assert!(
            matches!(
                sent,
                Ok(laget_db::reports::draft::SendOutcome::AwaitingCosign)
            ),
            "waits for the co-signature: {sent:?}"
        );
        Ok(id)
    })
    .expect("report waiting");
    id
}

/// A new report by the staff member, co-signed by the leader and so sent
/// to «Testbyen barneverntjeneste» (needs [`require_cosign`]); from the
/// fixture log if `from_log`, its receipt acknowledged by child welfare if
/// `acknowledged`.
pub fn report_sent(
    db: &laget_db::Db,
    fx: &Fixtures,
    from_log: bool,
    acknowledged: bool,
) -> laget_domain::ids::ReportId {
    let id = if from_log {
        db.write_blocking(|c| {
            let id = report_draft_from_log(c, fx)?;
            let editor = report_open(c, fx, Who::Ansatt, id)?
                .editor()
                .expect("the author sends");
            laget_db::reports::draft::send(c, &editor, valid_report_form(fx), "fixture")?
                .expect("sent to the leader");
            Ok(id)
        })
        .expect("report from the log")
    } else {
        report_waiting(db, fx)
    };
    db.write_blocking(|c| {
        let cosigner = report_open(c, fx, Who::Leder, id)?
            .cosigner()
            .expect("the leader co-signs");
        laget_db::reports::draft::cosign(c, &cosigner, "fixture")?.expect("sent");
        if acknowledged {
            let receiver = report_open(c, fx, Who::ChildWelfareBreakGlass, id)?
                .receiver()
                .expect("child welfare receives");
            laget_db::reports::inbox::acknowledge(c, &receiver, "fixture")?;
        }
        Ok(())
    })
    .expect("report sent");
    id
}

/// The fixture log's individual plan: asked for by the lead, granted by the
/// coordinating unit with PPT's staff member (`Who::PptOnTeam`) as
/// coordinator; a goal in the child's words with PPT's contribution.
#[derive(Clone, Debug)]
pub struct PlanFixtures {
    pub goal: laget_domain::ids::PlanGoalId,
    pub contribution: laget_domain::ids::PlanContributionId,
}

impl PlanFixtures {
    pub fn create(db: &laget_db::Db, fx: &Fixtures) -> Self {
        plan_to(db, fx, laget_domain::plans::PlanStatus::Active);
        let goal = plan_goal(db, fx);
        let contribution = plan_contribution(db, fx, goal);
        Self { goal, contribution }
    }
}

/// Puts the fixture log's plan in `status` — asked for
/// (`PlanStatus::Requested`), granted (`PlanStatus::Active`) or closed —
/// through the plan's own steps: the lead asks, the coordinating unit
/// grants (PPT's member coordinates), the keeping unit's leader closes.
pub fn plan_to(db: &laget_db::Db, fx: &Fixtures, status: laget_domain::plans::PlanStatus) {
    use laget_domain::plans::{CoordinatorKind, PlanStatus, form::Decision};
    assert!(status != PlanStatus::Refused, "plan_to: not refused");
    db.write_blocking(|c| {
        let now = |c: &mut laget_db::DbConnection| {
            let r = fixture_log_reader(c, fx, Who::Ansatt)?;
            laget_db::plans::status_of(c, &r)
        };
        let ask = |c: &mut laget_db::DbConnection| {
            let w = fixture_log_reader(c, fx, Who::Ansatt)?
                .writer()
                .expect("the lead writes");
            laget_db::plans::request(c, &w, "Mange tjenester er involvert.", "fixture").map(|_| ())
        };
        let grant = |c: &mut laget_db::DbConnection| {
            let d = fixture_log_reader(c, fx, Who::KoordinerendeEnhet)?
                .plan_decider()
                .expect("the coordinating unit decides");
            let decision = Decision::Grant {
                coordinator: fx.log.ppt_member,
                kind: CoordinatorKind::Coordinator,
                note: None,
            };
            laget_db::plans::decide(c, &d, &decision, oslo_today(), "fixture")
        };
        let close = |c: &mut laget_db::DbConnection| {
            let w = fixture_log_reader(c, fx, Who::Leder)?
                .writer()
                .expect("the leader writes");
            let closer = w.plan_closer(None).expect("the leader closes");
            laget_db::plans::close(c, &closer, "Planen er ferdig.", "fixture")
        };
        // Round the plan's life until it is where it should be: asked
        // for → granted → closed → asked for again.
        for _ in 0..4 {
            match now(c)? {
                Some(s) if s == status => return Ok(()),
                Some(PlanStatus::Requested) => grant(c)?,
                Some(PlanStatus::Active) => close(c)?,
                None | Some(PlanStatus::Closed | PlanStatus::Refused) => ask(c)?,
            }
        }
        panic!("the plan did not reach {status:?}");
    })
    .expect("plan state");
}

/// A new goal of the fixture log's active plan, in the child's words.
pub fn plan_goal(db: &laget_db::Db, fx: &Fixtures) -> laget_domain::ids::PlanGoalId {
    use laget_domain::plans::form::NewGoal;
    db.write_blocking(|c| {
        let w = fixture_log_reader(c, fx, Who::Ansatt)?
            .writer()
            .expect("the lead writes");
        let goal = NewGoal::parse("Jeg vil leke med de andre.", "barnet").expect("goal");
        laget_db::plans::add_goal(c, &w, &goal, "fixture")
    })
    .expect("plan goal")
}

/// PPT's contribution to `goal` (its staff member responsible).
pub fn plan_contribution(
    db: &laget_db::Db,
    fx: &Fixtures,
    goal: laget_domain::ids::PlanGoalId,
) -> laget_domain::ids::PlanContributionId {
    use laget_domain::plans::form::NewContribution;
    db.write_blocking(|c| {
        let w = fixture_log_reader(c, fx, Who::Ansatt)?
            .writer()
            .expect("the lead writes");
        let contribution = NewContribution {
            goal,
            unit: fx.log.ppt_unit,
            measure: None,
            what: "Språkgruppe to dager i uka.".to_owned(),
            responsible: fx.users[&Who::PptOnTeam],
            evaluate_on: oslo_today() + chrono::Duration::days(30),
        };
        Ok(
            laget_db::plans::add_contribution(c, &w, &contribution, oslo_today(), "fixture")?
                .expect("PPT is covered by consent"),
        )
    })
    .expect("plan contribution")
}
