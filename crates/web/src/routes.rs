//! The route table. Routes are added through [`Routes`], which also records
//! each (method, path) so that the access-matrix test can insist on a row for
//! every route.

use crate::admin::{municipalities, role_grants, units, users};
use crate::audit::access_log;
use crate::casework::{consultations, tasks as casework};
use crate::catalogue::{
    admin as catalogue_admin, api, edit as offer_edit, proposals, public as catalogue,
};
use crate::children::{edit as child_edit, list as children};
use crate::log::{page as logs, work as log_work};
use crate::session::{health, home, login};
use crate::view::assets;
use crate::{AppState, error::AppError, middleware};
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
    .post(
        "/kommuner/{municipality}/enheter/{unit}/vertskommune",
        units::set_host,
    )
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
    .get("/enheter/{unit}/tildelte-roller", role_grants::list)
    .post(
        "/enheter/{unit}/tildelte-roller/{membership}/gjennomgatt",
        role_grants::review,
    )
    .get("/enheter/{unit}/logger", casework::overview)
    .post(
        "/enheter/{unit}/nodtilgang/{break_glass}",
        casework::review_break_glass,
    )
    .get("/barn", children::list)
    .get("/barn/ny", children::new)
    .post("/barn", children::create)
    .get("/barn/{child}", children::show)
    .post("/barn/{child}/foresatte", children::add_guardian)
    .get("/barn/{child}/endre", child_edit::edit_form)
    .post("/barn/{child}/endre", child_edit::update)
    .get(
        "/barn/{child}/foresatte/{guardian}",
        child_edit::guardian_form,
    )
    .post(
        "/barn/{child}/foresatte/{guardian}",
        child_edit::update_guardian,
    )
    .post(
        "/barn/{child}/foresatte/{guardian}/avslutt",
        child_edit::end_guardian,
    )
    .get("/barn/{child}/ny-logg", children::concern_form)
    .post("/barn/{child}/ny-logg", children::start_log)
    .get("/logger/{log}", logs::show)
    .get("/logger/{log}/utskrift", logs::print)
    .get("/logger/{log}/niva", logs::level_form)
    .post("/logger/{log}/niva", logs::change_level)
    .post("/logger/{log}/bekymringsmelding", logs::report_sent)
    .post("/logger/{log}/mote", logs::meeting_held)
    .post("/logger/{log}/lukk", logs::close)
    .post("/logger/{log}/gjenapne", logs::reopen)
    .get("/logger/{log}/innsyn", logs::who_has_seen)
    .get("/logger/{log}/vedlegg/{attachment}", logs::attachment)
    .get("/logger/{log}/samtykke", log_work::consent_form)
    .post("/logger/{log}/samtykke", log_work::add_consent)
    .get(
        "/logger/{log}/samtykke/{consent}/trekk",
        log_work::withdraw_consent_form,
    )
    .post(
        "/logger/{log}/samtykke/{consent}/trekk",
        log_work::withdraw_consent,
    )
    .post("/logger/{log}/lag", log_work::add_staff)
    .post("/logger/{log}/lag/person", log_work::add_person)
    .post("/logger/{log}/lag/{member}/fjern", log_work::remove_member)
    .get("/logger/{log}/overlevering", log_work::handover_form)
    .post("/logger/{log}/overlevering", log_work::propose_handover)
    .post(
        "/logger/{log}/overlevering/{handover}",
        log_work::decide_handover,
    )
    .post(
        "/logger/{log}/overlevering/{handover}/trekk",
        log_work::withdraw_handover,
    )
    .post("/logger/{log}/koordinering", log_work::request_coordination)
    .post(
        "/logger/{log}/koordinering/svar",
        log_work::resolve_coordination,
    )
    .post(
        "/logger/{log}/koordinering/lest",
        log_work::coordination_answer_read,
    )
    .get("/logger/{log}/tiltak", log_work::measure_form)
    .post("/logger/{log}/tiltak", log_work::add_measure)
    .get("/logger/{log}/tiltak/{measure}", log_work::show_measure)
    .post(
        "/logger/{log}/tiltak/{measure}/evaluering",
        log_work::evaluate,
    )
    .post(
        "/logger/{log}/tiltak/{measure}/beslutt",
        log_work::decide_measure,
    )
    .get("/logger/{log}/stemme", log_work::voice_form)
    .post("/logger/{log}/stemme", log_work::add_voice)
    .get("/logger/{log}/bbis", log_work::bbis_form)
    .post("/logger/{log}/bbis", log_work::add_bbis)
    .get("/mine-oppgaver", casework::tasks)
    .get("/nodtilgang", casework::break_glass_form)
    .post("/nodtilgang", casework::break_glass)
    .get("/drofting", consultations::consultations)
    .post("/drofting", consultations::add_consultation)
    .post(
        "/drofting/{consultation}/koble",
        consultations::convert_consultation,
    )
    .get("/drofting/{consultation}/endre", consultations::edit_form)
    .post("/drofting/{consultation}/endre", consultations::correct)
    .post("/drofting/{consultation}/trekk", consultations::withdraw)
    .get(
        "/logger/{log}/drofting/{consultation}",
        consultations::linked,
    )
    .post(
        "/logger/{log}/drofting/{consultation}/koble-fra",
        consultations::unlink,
    )
    .get(
        "/kommuner/{municipality}/stafettlogg",
        casework::settings_form,
    )
    .post(
        "/kommuner/{municipality}/stafettlogg",
        casework::save_settings,
    )
    .post("/kommuner/{municipality}/bbis", casework::save_bbis_themes)
    // Meetings in a log: calling, changing, answering (meetings::invitations).
    .get(
        "/logger/{log}/moter/ny",
        crate::meetings::invitations::new_form,
    )
    .post("/logger/{log}/moter/ny", crate::meetings::invitations::call)
    .get(
        "/logger/{log}/moter/{meeting}",
        crate::meetings::invitations::show,
    )
    .get(
        "/logger/{log}/moter/{meeting}/endre",
        crate::meetings::invitations::edit_form,
    )
    .post(
        "/logger/{log}/moter/{meeting}/endre",
        crate::meetings::invitations::change,
    )
    .post(
        "/logger/{log}/moter/{meeting}/avlys",
        crate::meetings::invitations::cancel,
    )
    .post(
        "/logger/{log}/moter/{meeting}/svar",
        crate::meetings::invitations::answer,
    )
    .post(
        "/logger/{log}/moter/{meeting}/stemme",
        crate::meetings::invitations::voice_gathered,
    )
    .get(
        "/logger/{log}/moter/{meeting}/innkalling",
        crate::meetings::invitations::print,
    )
    // Meetings in a log: minutes, decisions, ratings (meetings::minutes).
    .get(
        "/logger/{log}/moter/{meeting}/referat",
        crate::meetings::minutes::show,
    )
    .post(
        "/logger/{log}/moter/{meeting}/referat",
        crate::meetings::minutes::save,
    )
    .post(
        "/logger/{log}/moter/{meeting}/referat/godkjenn",
        crate::meetings::minutes::approve,
    )
    .get(
        "/logger/{log}/moter/{meeting}/referat/utskrift",
        crate::meetings::minutes::print,
    )
    .post(
        "/logger/{log}/moter/{meeting}/vedtak/{decision}/utfort",
        crate::meetings::minutes::mark_done,
    )
    .get(
        "/logger/{log}/moter/{meeting}/vurdering",
        crate::meetings::minutes::rating_form,
    )
    .post(
        "/logger/{log}/moter/{meeting}/vurdering",
        crate::meetings::minutes::rate,
    )
    // The municipality's meeting templates (meetings::templates).
    .get(
        "/kommuner/{municipality}/motemaler",
        crate::meetings::templates::form,
    )
    .post(
        "/kommuner/{municipality}/motemaler",
        crate::meetings::templates::save,
    )
    // Standing teams (meetings::team_admin, teams, team_meetings, team_cases,
    // team_minutes).
    .get(
        "/kommuner/{municipality}/team",
        crate::meetings::team_admin::list,
    )
    .post(
        "/kommuner/{municipality}/team",
        crate::meetings::team_admin::create,
    )
    .get(
        "/kommuner/{municipality}/team/oversikt",
        crate::meetings::team_admin::overview,
    )
    .get(
        "/kommuner/{municipality}/team/{team}",
        crate::meetings::team_admin::edit,
    )
    .post(
        "/kommuner/{municipality}/team/{team}",
        crate::meetings::team_admin::update,
    )
    .get("/team", crate::meetings::teams::mine)
    .get("/team/{team}", crate::meetings::teams::show)
    .get("/team/{team}/rapport", crate::meetings::teams::report)
    .get(
        "/team/{team}/moter/ny",
        crate::meetings::team_meetings::meeting_form,
    )
    .post(
        "/team/{team}/moter/ny",
        crate::meetings::team_meetings::plan_meeting,
    )
    .get(
        "/team/{team}/moter/{meeting}",
        crate::meetings::team_meetings::meeting,
    )
    .post(
        "/team/{team}/moter/{meeting}/avlys",
        crate::meetings::team_meetings::cancel_meeting,
    )
    .post(
        "/team/{team}/moter/{meeting}/vedtak",
        crate::meetings::team_cases::decide,
    )
    .get(
        "/team/{team}/saker/ny",
        crate::meetings::team_cases::case_form,
    )
    .post("/team/{team}/saker/ny", crate::meetings::team_cases::bring)
    .post(
        "/team/{team}/vedtak/{decision}/utfort",
        crate::meetings::team_cases::done,
    )
    .post(
        "/team/{team}/moter/{meeting}/innkall",
        crate::meetings::team_meetings::call_in,
    )
    .get(
        "/team/{team}/moter/{meeting}/referat",
        crate::meetings::team_minutes::show,
    )
    .post(
        "/team/{team}/moter/{meeting}/referat",
        crate::meetings::team_minutes::save,
    )
    .post(
        "/team/{team}/moter/{meeting}/referat/godkjenn",
        crate::meetings::team_minutes::approve,
    )
    .get(
        "/team/{team}/saker/{case}/trekk",
        crate::meetings::team_cases::withdraw_form,
    )
    .post(
        "/team/{team}/saker/{case}/trekk",
        crate::meetings::team_cases::withdraw,
    )
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
    .post("/tiltak/{offer}/trekk-forslag", offer_edit::withdraw)
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

    // ── Issue #12: login with OpenID Connect and the family's portal. One
    // statement per part; keep additions inside your own.
    // (H1) OpenID Connect login for citizens and staff (oidc, portal::login).
    let routes = routes
        .get("/innlogging/tilbake", crate::oidc::callback::callback)
        .get("/familie/logg-inn", crate::portal::login::show)
        .post("/familie/logg-inn", crate::portal::login::start)
        .post("/familie/logg-ut", crate::portal::login::logout)
        .post("/logg-inn/ekstern", crate::session::oidc::start);
    // (H3) The portal's pages: the family's start page, the log, «Hvem har
    // sett loggen» (portal::home, portal::log, portal::seen).
    let routes = routes
        .get("/familie", crate::portal::home::get)
        .get("/familie/logger/{log}", crate::portal::log::get)
        .get("/familie/logger/{log}/innsyn", crate::portal::seen::get);
    // (H4) Consent in the portal; the municipality's texts in other
    // languages (portal::consent, portal::texts).
    let routes = routes
        .get(
            "/familie/logger/{log}/samtykke",
            crate::portal::consent::show,
        )
        .post(
            "/familie/logger/{log}/samtykke",
            crate::portal::consent::give,
        )
        .post(
            "/familie/logger/{log}/samtykke/{consent}/trekk",
            crate::portal::consent::withdraw,
        )
        .post("/familie/sprak", crate::portal::language::choose)
        .get(
            "/kommuner/{municipality}/familietekster",
            crate::portal::texts::show,
        )
        .post(
            "/kommuner/{municipality}/familietekster",
            crate::portal::texts::save,
        );
    // (H5) The family's voice, ratings of meetings, requests for a meeting
    // or a team (portal::voice, portal::ratings, portal::requests).
    let routes = routes
        .get("/familie/logger/{log}/stemme", crate::portal::voice::form)
        .post("/familie/logger/{log}/stemme", crate::portal::voice::save)
        .get(
            "/familie/logger/{log}/moter/{meeting}/vurdering",
            crate::portal::ratings::form,
        )
        .post(
            "/familie/logger/{log}/moter/{meeting}/vurdering",
            crate::portal::ratings::rate,
        )
        .get("/familie/logger/{log}/be-om", crate::portal::requests::form)
        .post("/familie/logger/{log}/be-om", crate::portal::requests::ask)
        .get(
            "/logger/{log}/henvendelser/{request}",
            crate::portal::requests::answer_form,
        )
        .post(
            "/logger/{log}/henvendelser/{request}",
            crate::portal::requests::answer_request,
        );
    // ── Issue #13: reports of concern and individual plans. One statement
    // per part; keep additions inside your own.
    // (R1) Writing a report: the form from a log or for a child without
    // one, co-signature, sending (reports::form).
    let routes = routes
        .post(
            "/logger/{log}/bekymringsmelding/skriv",
            crate::reports::form::create_from_log,
        )
        .get("/bekymringsmeldinger/ny", crate::reports::form::new_form)
        .post("/bekymringsmeldinger/ny", crate::reports::form::create_new)
        .get(
            "/bekymringsmeldinger/{report}/endre",
            crate::reports::form::edit_form,
        )
        .post(
            "/bekymringsmeldinger/{report}/endre",
            crate::reports::form::save,
        )
        .post(
            "/bekymringsmeldinger/{report}/send",
            crate::reports::form::send,
        )
        .post(
            "/bekymringsmeldinger/{report}/se-over",
            crate::reports::form::review,
        )
        .post(
            "/bekymringsmeldinger/{report}/slett",
            crate::reports::form::delete,
        )
        .get(
            "/bekymringsmeldinger/{report}/medsigner",
            crate::reports::form::cosign_form,
        )
        .post(
            "/bekymringsmeldinger/{report}/medsigner",
            crate::reports::form::cosign,
        )
        .post(
            "/bekymringsmeldinger/{report}/returner",
            crate::reports::form::send_back,
        )
        .get(
            "/kommuner/{municipality}/bekymringsmeldinger/innstillinger",
            crate::reports::form::settings_form,
        )
        .post(
            "/kommuner/{municipality}/bekymringsmeldinger/innstillinger",
            crate::reports::form::save_settings,
        );
    // (R2) Child welfare's inbox, receipt and outcome; the reporter's list
    // and view with the feedback; the counts (reports::inbox,
    // reports::feedback, reports::stats).
    let routes = routes
        .get("/barnevern/{unit}/meldinger", crate::reports::inbox::list)
        .get(
            "/barnevern/{unit}/meldinger/{report}",
            crate::reports::inbox::show,
        )
        .post(
            "/barnevern/{unit}/meldinger/{report}/mottatt",
            crate::reports::inbox::acknowledge,
        )
        .post(
            "/barnevern/{unit}/meldinger/{report}/utfall",
            crate::reports::inbox::outcome,
        )
        .get("/bekymringsmeldinger", crate::reports::feedback::list)
        .get(
            "/bekymringsmeldinger/{report}",
            crate::reports::feedback::show,
        )
        .get(
            "/kommuner/{municipality}/bekymringsmeldinger/tall",
            crate::reports::stats::page_of,
        )
        .get(
            "/kommuner/{municipality}/bekymringsmeldinger/tall.csv",
            crate::reports::stats::csv,
        );
    // (P1) Individual plans: request, decision, coordinator, goals,
    // contributions, print; the family's view (plans).
    let routes = routes
        .get("/logger/{log}/plan", crate::plans::page::show)
        .post("/logger/{log}/plan", crate::plans::page::request)
        .post("/logger/{log}/plan/mal", crate::plans::page::add_goal)
        .post(
            "/logger/{log}/plan/mal/{goal}",
            crate::plans::page::edit_goal,
        )
        .post(
            "/logger/{log}/plan/mal/{goal}/nadd",
            crate::plans::page::reach_goal,
        )
        .post(
            "/logger/{log}/plan/mal/{goal}/avslutt",
            crate::plans::page::end_goal,
        )
        .post(
            "/logger/{log}/plan/bidrag",
            crate::plans::page::add_contribution,
        )
        .post(
            "/logger/{log}/plan/bidrag/{contribution}/avslutt",
            crate::plans::page::end_contribution,
        )
        .post("/logger/{log}/plan/avslutt", crate::plans::page::close)
        .get("/logger/{log}/plan/utskrift", crate::plans::page::print)
        .get("/logger/{log}/plan/beslutning", crate::plans::decide::form)
        .post(
            "/logger/{log}/plan/beslutning",
            crate::plans::decide::decide,
        )
        .post(
            "/logger/{log}/plan/koordinator",
            crate::plans::decide::change_coordinator,
        )
        .get(
            "/kommuner/{municipality}/planer",
            crate::plans::decide::queue,
        )
        .get("/familie/logger/{log}/plan", crate::plans::portal::show)
        .post("/familie/logger/{log}/plan", crate::plans::portal::ask);
    // (H2) The demo provider is mounted below, outside the inventory.
    // Its pages (oidc::demo_provider: /demo-idporten/authorize,
    // /endsession) pass the middleware like every page; its machine
    // endpoints (discovery, keys, token) are merged after the layers, since
    // Laget's server calls the token endpoint without cookie or CSRF token.
    // Without `oidc.demo_provider` (anything but `laget serve --demo`)
    // neither is mounted.
    let (routes, demo_api) = match crate::oidc::demo_provider::routers(&state) {
        Some((pages, api)) => (
            Routes {
                router: routes.router.merge(pages),
                inventory: routes.inventory,
            },
            Some(api.with_state(state.clone())),
        ),
        None => (routes, None),
    };
    let router = routes
        .router
        .fallback(|| async { AppError::NotFound })
        .layer(RequestBodyLimitLayer::new(
            crate::extract::user::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
        // The extractors' own limit (2 MB by default) would cut uploads
        // short of the 8 MiB the middleware lets through.
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::extract::user::MAX_UPLOAD_BODY_BYTES,
        ))
        // Outermost, so that every response, errors included, gets the
        // security headers and a request id.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::middleware,
        ))
        .with_state(state);
    // (H2) The demo provider's machine endpoints, outside the middleware.
    let router = match demo_api {
        Some(api) => router.merge(api),
        None => router,
    };
    (router, routes.inventory)
}

pub fn router(state: AppState) -> Router {
    router_with_inventory(state).0
}
