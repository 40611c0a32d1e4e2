//! The timeline is stored as events (a kind and its data) and rendered into
//! words when it is read, in the reader's written standard; entries written
//! before events still read as they were written.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{log_entries, logs, municipalities};
use laget_testkit::{TestApp, Who};

/// (kind, summary, data) of every entry of the fixture's log.
fn stored(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    let log = app.fx.log.log.to_string();
    app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(&log))
            .select((log_entries::kind, log_entries::summary, log_entries::data))
            .load(c)
            .unwrap()
    })
}

fn write_nynorsk(app: &TestApp) {
    let m = app.fx.municipality.to_string();
    app.with_conn(|c| {
        diesel::update(municipalities::table.find(m))
            .set(municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
}

/// The timeline's part of the log page.
fn timeline(page: &str) -> &str {
    let start = page.find("id=\"tidslinje\"").unwrap_or(0);
    &page[start..]
}

async fn stored_as_events_and_rendered_when_read(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    // The fixture's proposal to PPT is withdrawn; the proposal's entry then
    // says how it ended instead of still waiting for an answer.
    let r = lead
        .post(&format!("{page}/overlevering/{}/trekk", fx.handover), &[])
        .await;
    assert_eq!(r.status, 303);

    // No sentence is stored: every entry has an empty summary and its data
    // is a JSON object.
    let rows = stored(&app);
    assert!(rows.len() >= 8, "{rows:?}");
    for (kind, summary, data) in &rows {
        assert_eq!(summary, "", "{kind} stored a sentence");
        let data: serde_json::Value = serde_json::from_str(data.as_deref().unwrap_or("null"))
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(data.is_object(), "{kind}: {data}");
    }
    let proposed = rows
        .iter()
        .find(|(k, ..)| k == "overlevering_foreslatt")
        .and_then(|(_, _, d)| d.clone())
        .unwrap();
    assert!(!proposed.contains("Venter"), "{proposed}");

    let body = lead.get(&page).await.body;
    let words = timeline(&body);
    assert!(words.contains("Uro registrert ("), "{words}");
    assert!(words.contains("Foreslått ny stafettholder: "), "{words}");
    assert!(words.contains(". Forslaget er trukket."), "{words}");
    assert!(
        !words.contains("Venter på at"),
        "withdrawn, not waiting: {words}"
    );
    assert!(words.contains("har trukket forslaget om ny stafettholder"));
    assert!(words.contains("er med på laget: PPT-rådgiver"), "{words}");
    assert!(words.contains("Samtykke fra "), "{words}");
    assert!(words.contains("Tiltak foreslått: "), "{words}");

    // The same log, at the same revision, read by staff of a municipality
    // that writes nynorsk: the timeline is rendered again in nynorsk (not
    // the bokmål one kept for this revision).
    write_nynorsk(&app);
    let body = lead.get(&page).await.body;
    let words = timeline(&body);
    assert!(words.contains("Føreslått ny stafetthaldar: "), "{words}");
    assert!(words.contains(". Forslaget er trekt tilbake."), "{words}");
    assert!(words.contains("har trekt tilbake forslaget om ny stafetthaldar"));
    assert!(words.contains("Samtykke frå "), "{words}");
    assert!(words.contains("Tiltak føreslått: "), "{words}");
    assert!(!words.contains("Foreslått ny stafettholder"), "{words}");
    assert!(!words.contains("Samtykke fra "), "{words}");
    // The team's lead role is a code, named in the reader's words.
    assert!(body.contains("Stafetthaldar, "), "{body}");
}
on_every_backend!(
    the_timeline_is_stored_as_events_and_rendered_in_the_readers_language,
    stored_as_events_and_rendered_when_read
);

/// Entries written before events carry their sentence; where their data is
/// not enough to render them, it is shown as it was written, and where it is
/// (a child's voice), the entry is rendered like a new one.
async fn entries_from_before_events(app: TestApp) {
    let fx = app.fx.log.clone();
    let log = fx.log.to_string();
    let lead_id = app.fx.users[&Who::Ansatt].to_string();
    let old = [
        (
            "notat",
            "Koordinerende enhet har svart på hvem som skal koordinere",
            None,
        ),
        (
            "niva",
            "Nivå endret: Nivå 0 → Nivå 1",
            Some(r#"{"fra":0,"til":1,"hopp":null,"barnets_beste":"Trygg."}"#),
        ),
        (
            "overlevering_godtatt",
            "Kari Nordmann har godtatt og er ny stafettholder",
            None,
        ),
        (
            "stemme",
            "Barnets stemme (01.02.2026, tegning eller lek)",
            Some(r#"{"on":"2026-02-01","method":"tegning","words":"Hei."}"#),
        ),
    ];
    app.with_conn(|c| {
        for (i, (kind, summary, data)) in old.iter().enumerate() {
            diesel::insert_into(log_entries::table)
                .values((
                    log_entries::id.eq(laget_domain::ids::EntryId::new().to_string()),
                    log_entries::log_id.eq(&log),
                    log_entries::at.eq(1_700_000_000_000_000 + i as i64),
                    log_entries::kind.eq(*kind),
                    log_entries::actor_id.eq(Some(&lead_id)),
                    log_entries::summary.eq(*summary),
                    log_entries::body.eq(None::<String>),
                    log_entries::data.eq(data.map(str::to_owned)),
                ))
                .execute(c)
                .unwrap();
        }
        diesel::update(logs::table.find(&log))
            .set(logs::revision.eq(logs::revision + 1))
            .execute(c)
            .unwrap();
    });
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let body = lead.get(&page).await.body;
    let words = timeline(&body);
    for (_, summary, _) in &old {
        assert!(words.contains(summary), "{summary}: {words}");
    }
    // In nynorsk, what the data renders is nynorsk; the rest reads as it
    // was written.
    write_nynorsk(&app);
    let body = lead.get(&page).await.body;
    let words = timeline(&body);
    assert!(words.contains("Nivå endret: Nivå 0 → Nivå 1"), "{words}");
    assert!(words.contains("Kari Nordmann har godtatt og er ny stafettholder"));
    assert!(words.contains("Koordinerende enhet har svart på hvem som skal koordinere"));
    assert!(
        words.contains("Stemma til barnet (01.02.2026, teikning eller leik)"),
        "{words}"
    );
}
on_every_backend!(
    an_entry_from_before_events_reads_as_it_was_written,
    entries_from_before_events
);
