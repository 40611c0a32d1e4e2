//! Individual plans (issue #13), the staff's routes × every role
//! (`Who::EVERY`), in one table like `log_matrix.rs`. The plan is the
//! fixture log's ([`laget_testkit::builders::PlanFixtures`]): the lead
//! (`Who::Ansatt`) asked for it, the coordinating unit
//! (`Who::KoordinerendeEnhet`) granted it with PPT's staff member
//! (`Who::PptOnTeam`) as coordinator.
//!
//! - Working on the plan (goals, contributions) is writing on the log: the
//!   keeping unit (its staff, its leader) and PPT, on the team with
//!   consent. The school on the team without a sufficient consent, the
//!   health centre off the team and child welfare with break-glass (it
//!   reads the log, writes nothing) get 404 on the writes.
//! - Reading the plan and its print: whoever reads the whole log.
//! - Closing it: its coordinator (PPT) or the keeping unit's leader.
//! - Deciding the request and appointing (or changing) the coordinator:
//!   the coordinating unit of the log's municipality, and its queue.
//!
//! The citizens get the anonymous visitor's answer (`Row::staff_expected`);
//! the family's page of the plan (`/familie/logger/{log}/plan`) is in
//! `portal_matrix.rs`. Before each cell the plan is put in the state its
//! row needs ([`state_of`]: asked for, granted or closed) through the
//! plan's own steps, and a row that reaches or ends a goal or a
//! contribution gets a new one.

use crate::access_matrix::{Row, row};
use crate::on_every_backend;
use laget_domain::plans::PlanStatus;
use laget_testkit::builders::{PlanFixtures, plan_contribution, plan_goal, plan_to};
use laget_testkit::{TestApp, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;

const PPT: Who = Who::PptOnTeam;
const CW: Who = Who::ChildWelfareBreakGlass;
const KE: Who = Who::KoordinerendeEnhet;

const ASK: &[(&str, &str)] = &[("begrunnelse", "Barnet får hjelp fra mange tjenester.")];
const GOAL: &[(&str, &str)] = &[("ord", "Jeg vil sykle til skolen."), ("sagt_av", "barnet")];
const WORDS: &[(&str, &str)] = &[("ord", "Jeg vil leke med de andre i friminuttet.")];
/// PPT (covered by consent) contributes to the standing goal, its staff
/// member responsible.
const CONTRIBUTION: &[(&str, &str)] = &[
    ("mal", "{plan_goal}"),
    ("enhet", "{ppt_unit}"),
    ("hva", "Språkgruppe to dager i uka."),
    ("ansvarlig", "{ppt_user}"),
    ("evaluering", "{in_30_days}"),
];
const CLOSE: &[(&str, &str)] = &[("begrunnelse", "Målene er nådd.")];
const GRANT: &[(&str, &str)] = &[
    ("beslutning", "innvilg"),
    ("koordinator", "{ppt_member}"),
    ("type", "koordinator"),
];
const COORDINATOR: &[(&str, &str)] = &[
    ("koordinator", "{ppt_member}"),
    ("type", "barnekoordinator"),
];

/// Rows run in order on one database per engine; [`state_of`] says which
/// state of the plan each row meets.
#[rustfmt::skip]
pub const PLAN_MATRIX: &[Row] = &[
    // method path                                                  form          rest roles whose answer differs
    // The plan granted: whoever reads the whole log (break-glass included) reads it and its print.
    row("GET",  "/logger/{log}/plan",                               &[],          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (PPT, OK), (CW, OK)]),
    row("GET",  "/logger/{log}/plan/utskrift",                      &[],          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (PPT, OK), (CW, OK)]),
    // Asked for: the coordinating unit decides (it may open the log while the plan is asked for, nobody else gets the decision).
    row("GET",  "/logger/{log}/plan/beslutning",                    &[],          NO,  &[(Who::Anonymous, SEE), (KE, OK)]),
    row("GET",  "/kommuner/{municipality}/planer",                  &[],          NO,  &[(Who::Anonymous, SEE), (KE, OK)]),
    row("POST", "/logger/{log}/plan/beslutning",                    GRANT,        NO,  &[(Who::Anonymous, SEE), (KE, SEE)]),
    // Granted (the route's second row): the coordinating unit's page to change the coordinator, and the change (a child coordinator now).
    row("GET",  "/logger/{log}/plan/beslutning",                    &[],          NO,  &[(Who::Anonymous, SEE), (KE, OK)]),
    row("POST", "/logger/{log}/plan/koordinator",                   COORDINATOR,  NO,  &[(Who::Anonymous, SEE), (KE, SEE)]),
    // Closed before each cell: a writer of the log asks for it again.
    row("POST", "/logger/{log}/plan",                               ASK,          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    // Granted: writers of the log work on the plan ({goal}, {contribution}: new before each cell).
    row("POST", "/logger/{log}/plan/mal",                           GOAL,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    row("POST", "/logger/{log}/plan/mal/{goal}",                    WORDS,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    row("POST", "/logger/{log}/plan/mal/{goal}/nadd",               &[],          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    row("POST", "/logger/{log}/plan/mal/{goal}/avslutt",            &[],          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    row("POST", "/logger/{log}/plan/bidrag",                        CONTRIBUTION, NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    row("POST", "/logger/{log}/plan/bidrag/{contribution}/avslutt", &[],          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    // Granted before each cell: the coordinator (PPT) or the keeping unit's leader closes it; the lead does not.
    row("POST", "/logger/{log}/plan/avslutt",                       CLOSE,        NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE), (PPT, SEE)]),
];

/// The state of the plan a row meets; `again`: the route's second row
/// (the decision's page on a granted plan).
fn state_of(method: &str, path: &str, again: bool) -> PlanStatus {
    match (method, path) {
        (_, "/logger/{log}/plan/beslutning") if !again => PlanStatus::Requested,
        (_, "/kommuner/{municipality}/planer") => PlanStatus::Requested,
        ("POST", "/logger/{log}/plan") => PlanStatus::Closed,
        _ => PlanStatus::Active,
    }
}

/// Before each cell: the plan in its row's state ([`state_of`]); a new goal or
/// contribution where the path names one. Returns the pattern with them.
fn prepare(app: &TestApp, fx: &PlanFixtures, method: &str, pattern: &str, again: bool) -> String {
    plan_to(&app.db, &app.fx, state_of(method, pattern, again));
    let mut p = pattern.replace("{plan_goal}", &fx.goal.to_string());
    if p.contains("{goal}") {
        p = p.replace("{goal}", &plan_goal(&app.db, &app.fx).to_string());
    }
    if p.contains("{contribution}") {
        let goal = plan_goal(&app.db, &app.fx);
        let c = plan_contribution(&app.db, &app.fx, goal);
        p = p.replace("{contribution}", &c.to_string());
    }
    p
}

/// A form value as `who` sends it.
fn value(app: &TestApp, fx: &PlanFixtures, who: Who, v: &str) -> String {
    let in_30_days = (chrono::Utc::now() + chrono::Duration::days(30))
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string();
    app.concrete_for(
        who,
        &v.replace("{plan_goal}", &fx.goal.to_string())
            .replace("{ppt_user}", &app.fx.users[&PPT].to_string())
            .replace("{in_30_days}", &in_30_days),
    )
}

async fn plan_matrix(app: TestApp) {
    let fx = PlanFixtures::create(&app.db, &app.fx);
    let mut failures = Vec::new();
    let mut cells = 0;
    for (i, r) in PLAN_MATRIX.iter().enumerate() {
        let again = PLAN_MATRIX[..i]
            .iter()
            .any(|e| e.method == r.method && e.path == r.path);
        for who in Who::EVERY {
            let pattern = prepare(&app, &fx, r.method, r.path, again);
            let path = app.concrete_for(who, &pattern);
            let expected = r.staff_expected(who);
            let mut client = app.client(who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), value(&app, &fx, who, v)))
                        .collect();
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    client.post(&path, &form).await
                }
            };
            cells += 1;
            if response.status.as_u16() != expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {}",
                    r.method, r.path, response.status
                ));
            }
            let mut problems =
                crate::privacy_rules::answer_problems(&app, &mut client, who, r.path, &response)
                    .await;
            // Neither the goal's nor the contribution's id on a 404.
            if response.status.as_u16() == NO {
                for id in path
                    .split('/')
                    .filter(|part| uuid::Uuid::parse_str(part).is_ok())
                {
                    if response.body.contains(id) {
                        problems.push(format!("the 404 page shows {id:?}"));
                    }
                }
            }
            for problem in problems {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    assert_eq!(cells, PLAN_MATRIX.len() * Who::EVERY.len());
    assert!(
        failures.is_empty(),
        "{:?}: plan access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(plan_access_matrix_holds, plan_matrix);
