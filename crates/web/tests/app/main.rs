//! Integration tests through the real router, on SQLite and (when
//! `DATABASE_URL` is set) PostgreSQL. One test binary for the web crate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access_log;
mod access_matrix;
mod admin;
mod architecture;
mod body_limit;
mod catalogue;
mod catalogue_import;
mod child_edit;
mod consultations;
mod demo_provider;
mod fiks_delivery;
mod fiks_schema;
mod kept_logs;
mod log_matrix;
mod login;
mod mail;
mod measure_choice;
mod meeting_matrix;
mod meetings;
mod minutes;
mod oidc;
mod outbox;
mod plan_matrix;
mod plans;
mod portal;
mod portal_consent;
mod portal_matrix;
mod portal_privacy;
mod portal_voice;
mod portal_youth_health;
mod privacy_rules;
mod report_matrix;
mod reports_form;
mod reports_inbox;
mod security;
mod stafett;
mod tasks_page;
mod team_matrix;
mod team_meetings;
mod teams;
mod timeline_events;
mod trust;
mod wording_f4;
mod written_standard;

/// Runs an async scenario once per database engine, each on a fresh database.
#[macro_export]
macro_rules! on_every_backend {
    ($name:ident, $scenario:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in laget_testkit::backends() {
                let app = laget_testkit::TestApp::new(backend.clone()).await;
                $scenario(app).await;
            }
        }
    };
}
