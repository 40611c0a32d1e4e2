//! «Mine oppgaver» (`templates/log/tasks.html`).

use laget_testkit::{TestApp, Who};

/// At phone width the task table becomes one block per row with each
/// cell's column name before it (the `.laget-stack` of the access logs), so
/// «Hva» is not hidden in the table's own scroll area (issue #11, #23).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_table_stacks_its_rows_at_phone_width() {
    for backend in laget_testkit::backends() {
        let app = TestApp::new(backend.clone()).await;
        let page = app.client(Who::Ansatt).await.get("/mine-oppgaver").await;
        assert_eq!(page.status, 200);
        let table = page
            .body
            .split("<table")
            .nth(1)
            .unwrap_or_else(|| panic!("no task table: {}", page.body));
        let table = &table[..table.find("</table>").unwrap()];
        assert!(
            table.starts_with(" class=\"ds-table laget-stack\""),
            "{table}"
        );
        let row = table.split("<tbody>").nth(1).unwrap();
        for label in ["Frist", "Type", "Barn", "Hva"] {
            assert!(
                row.contains(&format!("<td data-label=\"{label}\">")),
                "{label}: {row}"
            );
        }
    }
}
