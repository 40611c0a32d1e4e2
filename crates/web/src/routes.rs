//! The route table. Routes are added through [`Routes`], which also records
//! each (method, path) so that the access-matrix test can insist on a row for
//! every route.

use crate::handlers::{
    access_log, api, catalogue, catalogue_admin, health, home, login, municipalities, offer_edit,
    proposals, units, users,
};
use crate::{AppState, assets, context, error::AppError};
use axum::Router;
use axum::handler::Handler;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;

/// One route: method and path pattern as given to the router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
}

struct Routes {
    router: Router<AppState>,
    inventory: Vec<RouteInfo>,
}

impl Routes {
    fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.inventory.push(RouteInfo {
            method: "GET",
            path,
        });
        self
    }

    fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.inventory.push(RouteInfo {
            method: "POST",
            path,
        });
        self
    }
}

/// The application's router and the list of its routes.
pub fn router_with_inventory(state: AppState) -> (Router, Vec<RouteInfo>) {
    let routes = Routes {
        router: Router::new(),
        inventory: Vec::new(),
    }
    .get("/", home::get)
    .get("/helse", health::get)
    .get("/static/{name}", assets::serve)
    .get("/logg-inn", login::show)
    .post("/logg-inn", login::submit)
    .post("/logg-ut", login::logout)
    .get("/kommuner", municipalities::list)
    .post("/kommuner", municipalities::create)
    .get("/kommuner/{municipality}/enheter", units::list)
    .get("/kommuner/{municipality}/enheter/ny", units::new)
    .post("/kommuner/{municipality}/enheter", units::create)
    .get("/kommuner/{municipality}/enheter/{unit}", units::edit)
    .post("/kommuner/{municipality}/enheter/{unit}", units::update)
    .get("/kommuner/{municipality}/brukere", users::list)
    .get("/kommuner/{municipality}/brukere/ny", users::new)
    .post("/kommuner/{municipality}/brukere", users::create)
    .get("/kommuner/{municipality}/brukere/{user}", users::show)
    .post("/kommuner/{municipality}/brukere/{user}", users::update)
    .post(
        "/kommuner/{municipality}/brukere/{user}/deaktiver",
        users::disable,
    )
    .post(
        "/kommuner/{municipality}/brukere/{user}/aktiver",
        users::enable,
    )
    .post(
        "/kommuner/{municipality}/brukere/{user}/passord",
        users::set_password,
    )
    .post(
        "/kommuner/{municipality}/brukere/{user}/roller",
        users::add_membership,
    )
    .post(
        "/kommuner/{municipality}/brukere/{user}/roller/{membership}/fjern",
        users::remove_membership,
    )
    .get("/enheter/{unit}/tilgangslogg", access_log::get)
    .get("/tiltak", catalogue::list)
    .get("/tiltakstrapp", catalogue::ladder)
    .get("/tiltak/mine", offer_edit::mine)
    .get("/tiltak/ny", offer_edit::new)
    .post("/tiltak/ny", offer_edit::create)
    .get("/tiltak/forslag", proposals::queue)
    .get("/tiltak/forslag/{proposal}", proposals::show)
    .post("/tiltak/forslag/{proposal}", proposals::decide)
    .get("/tiltak/{offer}", catalogue::detail)
    .get("/tiltak/{offer}/endre", offer_edit::edit)
    .post("/tiltak/{offer}/endre", offer_edit::update)
    .get("/tiltak/{offer}/historikk", offer_edit::history)
    .get("/api/v1/offers", api::list)
    .get("/api/v1/offers/{offer}", api::get)
    .get("/api/v1/ladders", api::ladders)
    .get("/api/openapi.json", api::openapi)
    .get("/api/docs", api::docs)
    .get("/kommuner/{municipality}/tiltak", catalogue_admin::show)
    .post(
        "/kommuner/{municipality}/tiltak/import",
        catalogue_admin::import,
    )
    .get(
        "/kommuner/{municipality}/tiltak/eksport",
        catalogue_admin::export,
    )
    .post(
        "/kommuner/{municipality}/utfordringer",
        catalogue_admin::add_area,
    )
    .post(
        "/kommuner/{municipality}/utfordringer/{code}",
        catalogue_admin::rename_area,
    );
    let router = routes
        .router
        .fallback(|| async { AppError::NotFound })
        .layer(RequestBodyLimitLayer::new(
            context::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
        // Outermost, so that every response, errors included, gets the
        // security headers and a request id.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::middleware,
        ))
        .with_state(state);
    (router, routes.inventory)
}

pub fn router(state: AppState) -> Router {
    router_with_inventory(state).0
}
