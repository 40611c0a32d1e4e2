//! Test support: a [`TestApp`] that builds the real router on a fresh
//! database, one [`Client`] per role, and builders for fixtures.
//!
//! Every integration test runs against SQLite, and also against PostgreSQL
//! when `DATABASE_URL` is set (CI sets it): use [`backends`] and
//! [`TestApp::new`] for each.
//!
//! The crate has three modules; everything public is re-exported here, so
//! tests write `laget_testkit::{TestApp, Who, …}`:
//!
//! - [`app`]: starting the application for a test — [`Backend`] and
//!   [`backends`], a fresh migrated database ([`fresh_db`], dropped by
//!   [`Cleanup`]), and [`TestApp`], which puts the standard fixtures and the
//!   real router on it and hands out signed-in clients.
//! - [`client`]: the HTTP [`Client`] (cookies, CSRF token on forms, the login
//!   form) and the [`TestResponse`] it returns.
//! - [`builders`]: test data — the fixture roles ([`Who`]) and their
//!   [`PASSWORD`], the standard [`Fixtures`], [`LogFixtures`] and
//!   [`YouthFixtures`] (with the citizens' national identity numbers), and the
//!   builders they are made from ([`new_municipality`], [`unit_fields`],
//!   [`UserBuilder`], [`offer_fields`]).
//! - [`smtp`]: a real SMTP server on 127.0.0.1 ([`SmtpSink`]) for the mail
//!   tests, which reads back what arrived.
//! - [`oidc`]: a real OpenID provider on 127.0.0.1 ([`OidcProvider`], npm
//!   `oidc-provider` configured like ID-porten) and a helper that walks a
//!   login through the router and the provider.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod app;
pub mod builders;
pub mod client;
pub mod oidc;
pub mod smtp;

pub use app::{Backend, Cleanup, TestApp, backends, fresh_db, fresh_db_pair, random_audit_key};
pub use builders::{
    Fixtures, LogFixtures, PASSWORD, UserBuilder, Who, YouthFixtures, fixtures, new_municipality,
    offer_fields, unit_fields,
};
pub use client::{Client, TestResponse};
pub use oidc::OidcProvider;
pub use smtp::SmtpSink;
