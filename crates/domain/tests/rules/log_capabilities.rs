//! What a log capability records and allows, checked in the domain crate
//! itself. `make mutants` (issue #15) found these rules tested only through
//! the web layer: a capability that recorded no actor or no ground, a team
//! member who «may open» the log whatever the consent, break-glass offered to
//! anyone, the question of who coordinates answered by anyone or on a closed
//! log — each passed every test of this crate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use laget_domain::access::{
    Actor, Capability, Ground, LogFacts, LogReader, Membership, WriteRefused,
};
use laget_domain::admin::user::Role;
use laget_domain::ids::{BreakGlassId, ChildId, ConsentId, GuardianId, LogId};
use laget_domain::log::consent::{Consent, ConsentFacts, ConsentRule, Giver, Purpose};
use laget_domain::{MunicipalityId, UnitId, UserId};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

struct World {
    m: MunicipalityId,
    kindergarten: UnitId,
    ppt: UnitId,
    school: UnitId,
    mother: GuardianId,
    father: GuardianId,
    consent: ConsentId,
}

fn world() -> World {
    World {
        m: MunicipalityId::new(),
        kindergarten: UnitId::new(),
        ppt: UnitId::new(),
        school: UnitId::new(),
        mother: GuardianId::new(),
        father: GuardianId::new(),
        consent: ConsentId::new(),
    }
}

fn person(w: &World, unit: UnitId, role: Role) -> Actor {
    Actor::for_tests(
        UserId::new(),
        false,
        vec![Membership {
            municipality_id: w.m,
            unit_id: Some(unit),
            role,
        }],
    )
}

/// A log kept by the kindergarten; both guardians consent for PPT only.
fn facts(w: &World, team: Vec<(UserId, UnitId)>) -> LogFacts {
    LogFacts {
        log_id: LogId::new(),
        municipality_id: w.m,
        home_unit: w.kindergarten,
        is_open: true,
        team,
        lead: None,
        consent: ConsentFacts {
            responsible_guardians: vec![w.mother, w.father],
            child_age: Some(5),
            consents: vec![Consent {
                id: w.consent,
                givers: vec![Giver::Guardian(w.mother), Giver::Guardian(w.father)],
                units: vec![w.ppt],
                purposes: vec![Purpose::ShareInformation],
                valid_from: today(),
                valid_to: today() + chrono::Duration::days(30),
                withdrawn_at: None,
            }],
            health_units: vec![],
        },
        consent_rule: ConsentRule::AllGuardians,
        break_glass: None,
        coordination_requested: false,
        plan_requested: false,
    }
}

fn open(actor: &Actor, f: &LogFacts) -> LogReader {
    actor.open_log(f, today()).expect("opens")
}

#[test]
fn every_log_capability_records_its_actor_and_ground() {
    let w = world();
    let ppt = person(&w, w.ppt, Role::Ansatt);
    let f = facts(&w, vec![(ppt.user_id(), w.ppt)]);
    let r = open(&ppt, &f);
    let detail = Some(w.consent.to_string());
    assert_eq!(Capability::actor(&r), Some(ppt.user_id()));
    assert_eq!(r.ground(), Ground::TeamConsent);
    assert_eq!(r.ground_detail(), detail);
    assert_eq!(r.actor_id(), ppt.user_id());
    assert_eq!(r.log_id(), f.log_id);
    assert_eq!(r.municipality_id(), w.m);
    assert_eq!(r.home_unit(), w.kindergarten);
    assert!(r.is_open() && r.reads_whole() && !r.leads_home_unit() && !r.is_lead());
    let writer = r.writer().expect("a member under consent writes");
    assert_eq!(Capability::actor(&writer), Some(ppt.user_id()));
    assert_eq!(writer.ground(), Ground::TeamConsent);
    assert_eq!(writer.ground_detail(), detail);
    assert_eq!(writer.actor_id(), ppt.user_id());
    assert_eq!(writer.log_id(), f.log_id);
    assert!(!writer.is_lead());

    // Break-glass names its opening.
    let welfare = person(&w, w.school, Role::Leder);
    let grant = BreakGlassId::new();
    let mut glass = facts(&w, vec![]);
    glass.break_glass = Some(grant);
    let r = open(&welfare, &glass);
    assert_eq!(r.ground(), Ground::BreakGlass);
    assert_eq!(r.ground_detail(), Some(grant.to_string()));
    assert_eq!(Capability::actor(&r), Some(welfare.user_id()));

    // The keeping unit's leader reads the log's own access log as leader.
    let leader = person(&w, w.kindergarten, Role::Leder);
    let r = open(&leader, &f);
    assert!(r.leads_home_unit());
    let audit = r.audit_reader().expect("the leader reads who has seen it");
    assert_eq!(Capability::actor(&audit), Some(leader.user_id()));
    assert_eq!(audit.ground(), Ground::UnitLeader);
    assert_eq!(audit.ground_detail(), None);
    // A lead from another unit reads it under the consent, and says so.
    let mut led = facts(&w, vec![(ppt.user_id(), w.ppt)]);
    led.lead = Some(ppt.user_id());
    let lead_audit = open(&ppt, &led)
        .audit_reader()
        .expect("the lead reads who has seen it");
    assert_eq!(lead_audit.ground(), Ground::TeamConsent);
    assert_eq!(lead_audit.ground_detail(), Some(w.consent.to_string()));
    assert_eq!(audit.log_id(), f.log_id);
}

#[test]
fn grounds_have_distinct_codes() {
    let grounds = [
        Ground::SystemAdmin,
        Ground::MunicipalityAdmin,
        Ground::UnitLeader,
        Ground::OwnAccount,
        Ground::Operator,
        Ground::OfferEditor,
        Ground::CoordinatingUnit,
        Ground::OwnUnit,
        Ground::TeamConsent,
        Ground::BreakGlass,
    ];
    let mut codes: Vec<&str> = grounds.iter().map(|g| g.code()).collect();
    assert_eq!(Ground::TeamConsent.code(), "lag_og_samtykke");
    assert_eq!(Ground::BreakGlass.code(), "nodtilgang");
    assert!(codes.iter().all(|c| !c.is_empty() && c.is_ascii()));
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes.len(),
        grounds.len(),
        "stored codes tell grounds apart"
    );
}

#[test]
fn only_members_a_consent_covers_or_of_the_keeping_unit_may_be_lead() {
    let w = world();
    let (own, ppt, school, outsider) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
    let f = facts(
        &w,
        vec![(own, w.kindergarten), (ppt, w.ppt), (school, w.school)],
    );
    assert!(f.team_member_may_open(own, today()), "the keeping unit");
    assert!(f.team_member_may_open(ppt, today()), "covered by consent");
    assert!(
        !f.team_member_may_open(school, today()),
        "on the team, not covered"
    );
    assert!(
        !f.team_member_may_open(outsider, today()),
        "not on the team"
    );
    // PPT's membership is for PPT: another member's unit does not lend it.
    let mixed = facts(&w, vec![(school, w.school), (ppt, w.school)]);
    assert!(!mixed.team_member_may_open(ppt, today()));
    // After the consent ends, PPT may no longer be proposed.
    let later = today() + chrono::Duration::days(31);
    assert!(!f.team_member_may_open(ppt, later));
}

#[test]
fn break_glass_is_offered_to_leaders_and_child_welfare_staff_only() {
    let w = world();
    assert!(person(&w, w.school, Role::Leder).may_break_glass());
    let welfare = person(&w, w.ppt, Role::Ansatt).with_child_welfare_units(vec![w.ppt]);
    assert!(welfare.may_break_glass());
    assert!(!person(&w, w.ppt, Role::Ansatt).may_break_glass());
    let elsewhere = person(&w, w.ppt, Role::Ansatt).with_child_welfare_units(vec![w.school]);
    assert!(
        !elsewhere.may_break_glass(),
        "staff of another unit than child welfare"
    );
    assert!(!person(&w, w.ppt, Role::Tiltaksredaktor).may_break_glass());
    assert!(!person(&w, w.ppt, Role::KoordinerendeEnhet).may_break_glass());
}

#[test]
fn who_holds_the_log_and_who_answers_the_coordination_question() {
    let w = world();
    let lead = person(&w, w.kindergarten, Role::Ansatt);
    let staff = person(&w, w.kindergarten, Role::Ansatt);
    let leader = person(&w, w.kindergarten, Role::Leder);
    let mut f = facts(&w, vec![]);
    f.lead = Some(lead.user_id());
    f.coordination_requested = true;

    let as_lead = |a: &Actor, f: &LogFacts| open(a, f).as_lead().err();
    assert_eq!(as_lead(&lead, &f), None, "the lead");
    assert_eq!(as_lead(&leader, &f), None, "the keeping unit's leader");
    assert_eq!(as_lead(&staff, &f), Some(WriteRefused::Denied));
    assert!(open(&lead, &f).is_lead() && !open(&staff, &f).is_lead());
    let lead_writer = open(&lead, &f).writer().expect("the lead writes");
    assert!(lead_writer.is_lead(), "the lead's writer knows it");
    assert!(!open(&staff, &f).writer().expect("staff write").is_lead());

    let answer = |a: &Actor, f: &LogFacts| open(a, f).coordination_answerer().err();
    assert_eq!(
        answer(&leader, &f),
        None,
        "the keeping unit's leader answers"
    );
    assert_eq!(
        answer(&lead, &f),
        Some(WriteRefused::Denied),
        "the lead does not"
    );
    assert_eq!(answer(&staff, &f), Some(WriteRefused::Denied));
    let ke = Actor::for_tests(
        UserId::new(),
        false,
        vec![Membership {
            municipality_id: w.m,
            unit_id: Some(UnitId::new()),
            role: Role::KoordinerendeEnhet,
        }],
    );
    let asked = open(&ke, &f);
    assert!(!asked.reads_whole(), "the question, not the child's story");
    let answerer = asked
        .coordination_answerer()
        .expect("the unit asked answers");
    assert_eq!(Capability::actor(&answerer), Some(ke.user_id()));
    assert_eq!(answerer.actor_id(), ke.user_id());
    assert_eq!(answerer.log_id(), f.log_id);
    assert_eq!(answerer.ground(), Ground::CoordinatingUnit);
    assert_eq!(answerer.ground_detail(), None, "asked, not under a consent");

    // A closed log: nobody answers, nobody writes as lead.
    f.is_open = false;
    assert!(!open(&leader, &f).is_open());
    assert_eq!(answer(&leader, &f), Some(WriteRefused::Closed));
    assert_eq!(answer(&ke, &f), Some(WriteRefused::Closed));
    assert_eq!(as_lead(&lead, &f), Some(WriteRefused::Closed));
}

/// Work with a unit's children: the capability names the unit, the
/// municipality and the person, and someone who is both staff and leader of
/// the unit acts as its leader.
#[test]
fn casework_capabilities_name_their_unit_actor_and_ground() {
    let w = world();
    let both = Actor::for_tests(
        UserId::new(),
        false,
        vec![
            Membership {
                municipality_id: w.m,
                unit_id: Some(w.kindergarten),
                role: Role::Ansatt,
            },
            Membership {
                municipality_id: w.m,
                unit_id: Some(w.kindergarten),
                role: Role::Leder,
            },
        ],
    );
    let c = both.casework(w.kindergarten).expect("staff and leader");
    assert_eq!(
        c.ground(),
        Ground::UnitLeader,
        "the leader's role is the ground"
    );
    assert_eq!(
        (c.unit_id(), c.municipality_id(), c.actor_id()),
        (w.kindergarten, w.m, both.user_id())
    );
    let staff = person(&w, w.kindergarten, Role::Ansatt);
    assert_eq!(
        staff.casework(w.kindergarten).expect("staff").ground(),
        Ground::OwnUnit
    );
    let editor = both
        .edit_child(ChildId::new(), &[w.kindergarten])
        .expect("the child attends the unit");
    assert_eq!(
        (editor.municipality_id(), editor.actor_id()),
        (w.m, both.user_id())
    );
    assert_eq!(
        both.oversee(w.kindergarten).expect("the leader").unit_id(),
        w.kindergarten
    );
    let right = both.break_glass_right(w.m, &[]).expect("a leader");
    assert_eq!(
        (right.municipality_id(), right.actor_id()),
        (w.m, both.user_id())
    );
}
