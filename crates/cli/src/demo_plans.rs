//! Individual plans in the demo (issue #13, P1): Lucas Hansen Holm's log
//! (level 3, Solsiden barnehage) has an active plan with Petter PP-rådgiver
//! as coordinator, three goals in the words of Lucas and his parents, and
//! contributions from the kindergarten and child welfare linked to the log's
//! measures; Tobias Lindqvist's log (level 3, Fjellet ungdomsskole) has a
//! plan asked for, waiting for «Kari Koordinator» of the coordinating unit.
//! Everything is synthetic. Seeded once: a log that has a plan is left alone.

use crate::demo_logs::{Ctx, RID, bad};
use chrono::Duration;
use laget_db::casework;
use laget_db::plans;
use laget_db::{DbConnection, DbResult};
use laget_domain::MunicipalityId;
use laget_domain::ids::LogId;
use laget_domain::plans::form::{Decision, NewContribution, NewGoal};
use laget_domain::plans::{CoordinatorKind, SaidBy};

const USERS: &[&str] = &["ansatt", "ppt", "barnevern", "kontaktlarer", "koordinator"];

/// The log `lead` leads for `child`, if the demo has it.
fn led_log(conn: &mut DbConnection, ctx: &Ctx, lead: &str, child: &str) -> DbResult<Option<LogId>> {
    let (actor, _) = ctx.user(lead)?;
    Ok(casework::my_logs(conn, actor, ctx.today, RID)?
        .into_iter()
        .find(|g| g.is_lead && g.is_open && g.child_name == child)
        .map(|g| g.log_id))
}

pub fn seed(conn: &mut DbConnection, m: MunicipalityId, today: chrono::NaiveDate) -> DbResult<()> {
    // Seeded once: a demo that has plans already is left as it is, without
    // opening a log (which would write access-log rows at every start).
    {
        use diesel::prelude::*;
        use laget_db::schema::plans as p;
        let existing: i64 = p::table
            .filter(p::municipality_id.eq(m.to_string()))
            .count()
            .get_result(conn)?;
        if existing > 0 {
            return Ok(());
        }
    }
    let ctx = Ctx::load(conn, m, today, USERS)?;
    if let Some(log) = led_log(conn, &ctx, "ansatt", "Lucas Hansen Holm")? {
        active_plan(conn, &ctx, log)?;
    }
    if let Some(log) = led_log(conn, &ctx, "kontaktlarer", "Tobias Lindqvist")? {
        let w = ctx.writer(conn, "kontaktlarer", log)?;
        if plans::status_of(conn, w.reader())?.is_none() {
            plans::request(
                conn,
                &w,
                "Tobias har tiltak fra skolen, helsesykepleier, PPT og barneverntjenesten. Foresatte ønsker én plan og én person å forholde seg til.",
                RID,
            )?;
        }
    }
    Ok(())
}

fn active_plan(conn: &mut DbConnection, ctx: &Ctx, log: LogId) -> DbResult<()> {
    let w = ctx.writer(conn, "ansatt", log)?;
    if plans::status_of(conn, w.reader())?.is_some() {
        return Ok(());
    }
    plans::request(
        conn,
        &w,
        "Lucas får hjelp fra barnehagen, PPT, helsestasjonen og barneverntjenesten. Foresatte ønsker at tiltakene henger sammen, med én koordinator.",
        RID,
    )?;
    // The coordinating unit decides: the PP adviser coordinates.
    let d = ctx
        .open(conn, "koordinator", log)?
        .plan_decider()
        .map_err(|e| bad("the coordinating unit decides", e))?;
    let (ppt, _) = ctx.user("ppt")?;
    let member = plans::team_choices(conn, d.reader(), ctx.today)?
        .into_iter()
        .find(|t| t.user == ppt.user_id() && t.may_open)
        .ok_or_else(|| bad("ppt", "not on Lucas's team"))?
        .member;
    plans::decide(
        conn,
        &d,
        &Decision::Grant {
            coordinator: member,
            kind: CoordinatorKind::Coordinator,
            note: Some("PPT kjenner familien og har kontakt med alle tjenestene.".into()),
        },
        ctx.today,
        RID,
    )?;
    let w = ctx.writer(conn, "ppt", log)?;
    let goals = [
        ("Jeg vil at bamsen skal få sove i fred.", SaidBy::Child),
        ("Jeg vil leke med Emil i barnehagen.", SaidBy::Child),
        (
            "Vi vil ha rolige kvelder uten krangling.",
            SaidBy::Guardians,
        ),
    ];
    let mut ids = Vec::new();
    for (words, said_by) in goals {
        ids.push(plans::add_goal(
            conn,
            &w,
            &NewGoal {
                words: words.into(),
                said_by,
            },
            RID,
        )?);
    }
    let form = plans::contribution_form(conn, w.reader(), ctx.today)?;
    let measure = |name: &str| {
        form.measures
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| *id)
            .ok_or_else(|| bad(name, "no such measure on Lucas's log"))
    };
    let (ansatt, solsiden) = ctx.user("ansatt")?;
    let (barnevern, welfare) = ctx.user("barnevern")?;
    let contributions = [
        (
            ids[2],
            *welfare,
            measure("Barnevernstjenesten – hjelpetiltak i hjemmet")?,
            "Veileder kommer hjem to kvelder i uka og hjelper med leggerutiner.",
            barnevern.user_id(),
            60,
        ),
        (
            ids[0],
            *solsiden,
            measure("Familieveiledning i hjemmet")?,
            "Fast voksen i barnehagen som Lucas kan gå til når det blir høye lyder.",
            ansatt.user_id(),
            45,
        ),
        (
            ids[1],
            *solsiden,
            measure("Familieveiledning i hjemmet")?,
            "Lek i liten gruppe med Emil to ganger i uka, med en voksen til stede.",
            ansatt.user_id(),
            45,
        ),
    ];
    for (goal, unit, measure, what, responsible, days) in contributions {
        let added = plans::add_contribution(
            conn,
            &w,
            &NewContribution {
                goal,
                unit,
                measure: Some(measure),
                what: what.into(),
                responsible,
                evaluate_on: ctx.today + Duration::days(days),
            },
            ctx.today,
            RID,
        )?;
        added.map_err(|e| bad(what, e))?;
    }
    Ok(())
}
