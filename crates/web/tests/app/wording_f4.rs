//! Stranger 12, #12 (F4): wording on the family's portal and the staff log
//! page — a guardian's role not shown twice on the team cards, a youth read
//! «om deg» about themself, and the staff consent line in sentences.

use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

async fn guardian_role_once(app: TestApp) {
    let fx = app.fx.log.clone();
    let log = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("{log}/lag/person"),
            &[
                ("type", "foresatt"),
                ("foresatt", &fx.mother.to_string()),
                ("person_rolle", "Foresatt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut mother = app.citizen_client(&app.fx.citizens[&Who::Guardian]).await;
    let page = mother.get(&format!("/familie/logger/{}", fx.log)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Mona Fikstursen"), "{}", page.body);
    assert!(!page.body.contains("Foresatt (foresatt)"), "{}", page.body);
    assert!(!page.body.contains("Foresatt (føresett)"));
    assert!(page.body.contains(">Foresatt<"), "{}", page.body);
}
on_every_backend!(
    a_guardians_role_is_not_shown_twice_on_the_team_cards,
    guardian_role_once
);

async fn youth_reads_about_themself(app: TestApp) {
    let mut youth = app.citizen_client(&app.fx.youth.national_id).await;
    let log = format!("/familie/logger/{}", app.fx.youth.log);
    let consent = youth.get(&format!("{log}/samtykke")).await;
    assert_eq!(consent.status, 200);
    assert!(
        consent.body.contains("Dele opplysninger om deg"),
        "{}",
        consent.body
    );
    assert!(consent.body.contains("Delta i møter om deg"));
    assert!(!consent.body.contains("Dele opplysninger om barnet"));
    let voice = youth.get(&format!("{log}/stemme")).await;
    assert_eq!(voice.status, 200);
    assert!(voice.body.contains("med dine egne ord"), "{}", voice.body);
    assert!(!voice.body.contains("barnets egne ord"));
    // A guardian still reads about the child.
    let mut mother = app.citizen_client(&app.fx.citizens[&Who::Guardian]).await;
    let page = mother
        .get(&format!("/familie/logger/{}/samtykke", app.fx.log.log))
        .await;
    assert!(page.body.contains("Dele opplysninger om barnet"));
    let voice = mother
        .get(&format!("/familie/logger/{}/stemme", app.fx.log.log))
        .await;
    assert!(voice.body.contains("barnets egne ord"));
}
on_every_backend!(a_youth_reads_about_themself, youth_reads_about_themself);

async fn consent_line_in_sentences(app: TestApp) {
    let mut lead = app.client(Who::Ansatt).await;
    let page = lead.get(&format!("/logger/{}", app.fx.log.log)).await.body;
    // The fixture's school consent is the mother's only («all guardians»).
    assert!(
        page.contains("kommunen krever samtykke fra alle foresatte</strong>. "),
        "{page}"
    );
    assert!(!page.contains("alle foresatte</strong> <strong"));
    assert!(!page.contains("alle foresatte</strong>: "));
}
on_every_backend!(
    the_staff_consent_line_is_in_sentences,
    consent_line_in_sentences
);
