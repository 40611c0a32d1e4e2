//! Signing in and out, the start page and the health check.

pub mod health;
pub mod home;
pub mod login;
pub mod oidc;
