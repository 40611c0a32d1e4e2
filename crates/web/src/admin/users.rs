//! User accounts of a municipality, for its administrator: create, edit,
//! roles, password, disable (which ends the user's sessions at once).

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::{municipality_admin, path_id};
use crate::extract::user::SignedIn;
use crate::view::choices::Choice;
use crate::view::layout::Layout;
use crate::view::notice::{NoticeQuery, notice};
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::{DbError, admin::municipalities, admin::units, admin::users};
use laget_domain::access::{GrantRefused, MunicipalityAdmin};
use laget_domain::admin::user::{DisplayName, Email, Role, Username};
use laget_domain::ids::MembershipId;
use laget_domain::session::password::NewPassword;
use laget_domain::validation::{Problem, Problems};
use laget_domain::{MunicipalityId, UserId};

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    layout: Layout,
    municipality: municipalities::Municipality,
    users: Vec<users::UserSummary>,
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let (municipality, list) = state
        .db
        .read(move |c| Ok((municipalities::get(c, mid)?, users::list(c, &cap)?)))
        .await?;
    page(&ListPage {
        layout: Layout::signed_in(&user, user.m.users_title).with_notice(notice(user.m, &q)),
        municipality,
        users: list,
    })
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewPage {
    layout: Layout,
    municipality: municipalities::Municipality,
    form: FormState,
}

async fn new_page(
    state: &AppState,
    user: &SignedIn,
    mid: MunicipalityId,
    form: FormState,
) -> Result<NewPage, AppError> {
    let municipality = state.db.read(move |c| municipalities::get(c, mid)).await?;
    let form = form.fields(&[
        ("navn", user.m.field_display_name),
        ("brukernavn", user.m.field_username),
        ("epost", user.m.field_email),
        ("passord", user.m.field_password),
        ("passord2", user.m.field_password_repeat),
    ]);
    Ok(NewPage {
        layout: Layout::signed_in(user, user.m.users_new),
        municipality,
        form,
    })
}

pub async fn new(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    page(&new_page(&state, &user, cap.municipality_id(), FormState::default()).await?)
}

/// Parses a new password and its repetition, with the words to avoid.
fn parse_password(
    pairs: &[(String, String)],
    problems: &mut Problems,
    context: &[&str],
) -> Option<NewPassword> {
    let password = problems.check(
        "passord",
        NewPassword::parse(forms::get(pairs, "passord"), context),
    )?;
    if forms::get(pairs, "passord2") != password.expose() {
        problems.push("passord2", Problem::PasswordMismatch);
        return None;
    }
    Some(password)
}

fn optional_email(raw: &str) -> Result<Option<Email>, Problem> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        Email::parse(raw).map(Some)
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let pairs = forms::pairs(&body);
    let mut problems = Problems::new();
    let username = problems.check(
        "brukernavn",
        Username::parse(forms::get(&pairs, "brukernavn")),
    );
    let display_name = problems.check("navn", DisplayName::parse(forms::get(&pairs, "navn")));
    let email = problems.check("epost", optional_email(forms::get(&pairs, "epost")));
    let context = [
        forms::get(&pairs, "brukernavn"),
        forms::get(&pairs, "navn"),
        forms::get(&pairs, "epost"),
    ];
    let password = parse_password(&pairs, &mut problems, &context);
    let form = FormState::with_values(forms::redisplayable(&pairs));
    let (Some(username), Some(display_name), Some(email), Some(password)) =
        (username, display_name, email, password)
    else {
        return invalid(
            &new_page(
                &state,
                &user,
                mid,
                form.with_problems(user.m, problems.into_vec()),
            )
            .await?,
        );
    };
    let password_hash = state
        .passwords
        .hash_async(password.expose().to_owned())
        .await?;
    let new = users::NewUser {
        username,
        display_name,
        email,
        password_hash,
        is_system_admin: false,
    };
    let request_id = user.ctx.request_id.clone();
    match state
        .db
        .write(move |c| users::create(c, &cap, &new, &request_id))
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!(
            "/kommuner/{mid}/brukere/{id}?melding=bruker-opprettet"
        ))
        .into_response()),
        Err(DbError::Taken) => {
            let mut p = Problems::new();
            p.push("brukernavn", Problem::Taken);
            invalid(&new_page(&state, &user, mid, form.with_problems(user.m, p.into_vec())).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub struct MembershipLine {
    pub remove_action: String,
    pub unit: String,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "admin/user_show.html")]
struct ShowPage {
    layout: Layout,
    municipality: municipalities::Municipality,
    base: String,
    user: users::UserSummary,
    memberships: Vec<MembershipLine>,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    edit: FormState,
    role_form: FormState,
    password_form: FormState,
}

/// The forms of the user page; one of them may come back with errors.
#[derive(Default)]
struct Forms {
    edit: Option<FormState>,
    role: Option<FormState>,
    password: Option<FormState>,
}

async fn show_page(
    state: &AppState,
    user: &SignedIn,
    cap: MunicipalityAdmin,
    id: UserId,
    forms: Forms,
    msg: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let mid = cap.municipality_id();
    let request_id = user.ctx.request_id.clone();
    let (municipality, detail, unit_list) = state
        .db
        .write(move |c| {
            let detail = users::get_for_admin(c, &cap, id, &request_id)?;
            Ok((
                municipalities::get(c, mid)?,
                detail,
                units::list_in_municipality(c, mid)?,
            ))
        })
        .await?;
    let base = format!("/kommuner/{mid}/brukere/{id}");
    let memberships = detail
        .memberships
        .iter()
        .filter(|m| m.municipality_id == mid)
        .map(|m| MembershipLine {
            remove_action: format!("{base}/roller/{}/fjern", m.id),
            unit: m
                .unit_name
                .clone()
                .unwrap_or_else(|| user.m.users_whole_municipality.to_owned()),
            role: user.m.role(m.role),
        })
        .collect();
    let edit = forms.edit.unwrap_or_else(|| {
        FormState::with_values([
            ("navn", detail.user.display_name.clone()),
            ("epost", detail.user.email.clone().unwrap_or_default()),
        ])
    });
    Ok(ShowPage {
        layout: Layout::signed_in(user, &detail.user.display_name).with_notice(msg),
        municipality,
        base,
        memberships,
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: user.m.role(*r).into(),
            })
            .collect(),
        // Roles are given only in units this municipality hosts.
        units: unit_list
            .into_iter()
            .filter(|u| u.host == mid)
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name,
            })
            .collect(),
        user: detail.user,
        edit: edit.fields(&[
            ("navn", user.m.field_display_name),
            ("epost", user.m.field_email),
        ]),
        role_form: forms
            .role
            .unwrap_or_default()
            .fields(&[("rolle", user.m.field_role), ("enhet", user.m.field_unit)]),
        password_form: forms.password.unwrap_or_default().fields(&[
            ("passord", user.m.field_password),
            ("passord2", user.m.field_password_repeat),
        ]),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    page(
        &show_page(
            &state,
            &user,
            cap,
            path_id(&u)?,
            Forms::default(),
            notice(user.m, &q),
        )
        .await?,
    )
}

fn back(cap: &MunicipalityAdmin, id: UserId, msg: &str) -> Response {
    Redirect::to(&format!(
        "/kommuner/{}/brukere/{id}?melding={msg}",
        cap.municipality_id()
    ))
    .into_response()
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let (cap, id) = (municipality_admin(&user, &m)?, path_id::<UserId>(&u)?);
    let pairs = forms::pairs(&body);
    let mut problems = Problems::new();
    let name = problems.check("navn", DisplayName::parse(forms::get(&pairs, "navn")));
    let email = problems.check("epost", optional_email(forms::get(&pairs, "epost")));
    let (Some(name), Some(email)) = (name, email) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, problems.into_vec());
        return invalid(
            &show_page(
                &state,
                &user,
                cap,
                id,
                Forms {
                    edit: Some(form),
                    ..Forms::default()
                },
                None,
            )
            .await?,
        );
    };
    let request_id = user.ctx.request_id.clone();
    let redirect = back(&cap, id, "bruker-lagret");
    state
        .db
        .write(move |c| users::update(c, &cap, id, &name, email.as_ref(), &request_id))
        .await?;
    Ok(redirect)
}

async fn set_disabled(
    state: AppState,
    user: SignedIn,
    m: String,
    u: String,
    disabled: bool,
) -> Result<Response, AppError> {
    let (cap, id) = (municipality_admin(&user, &m)?, path_id::<UserId>(&u)?);
    let request_id = user.ctx.request_id.clone();
    let redirect = back(&cap, id, if disabled { "deaktivert" } else { "aktivert" });
    state
        .db
        .write(move |c| users::set_disabled(c, &cap, id, disabled, &request_id))
        .await?;
    Ok(redirect)
}

pub async fn disable(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
) -> Result<Response, AppError> {
    set_disabled(state, user, m, u, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
) -> Result<Response, AppError> {
    set_disabled(state, user, m, u, false).await
}

pub async fn set_password(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let (cap, id) = (municipality_admin(&user, &m)?, path_id::<UserId>(&u)?);
    let pairs = forms::pairs(&body);
    let mut problems = Problems::new();
    // The user's names are words a password must not be built from; reading
    // them is an administrator's read of the account, and logged as such.
    let target = {
        let reader = municipality_admin(&user, &m)?;
        let request_id = user.ctx.request_id.clone();
        state
            .db
            .write(move |c| users::get_for_admin(c, &reader, id, &request_id))
            .await?
    };
    let context = [
        target.user.username.as_str(),
        target.user.display_name.as_str(),
    ];
    let Some(password) = parse_password(&pairs, &mut problems, &context) else {
        let form = FormState::default().with_problems(user.m, problems.into_vec());
        return invalid(
            &show_page(
                &state,
                &user,
                cap,
                id,
                Forms {
                    password: Some(form),
                    ..Forms::default()
                },
                None,
            )
            .await?,
        );
    };
    let hash = state
        .passwords
        .hash_async(password.expose().to_owned())
        .await?;
    let request_id = user.ctx.request_id.clone();
    let redirect = back(&cap, id, "passord");
    state
        .db
        .write(move |c| users::set_password_hash(c, &cap, id, &hash, &request_id))
        .await?;
    Ok(redirect)
}

pub async fn add_membership(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let (cap, id) = (municipality_admin(&user, &m)?, path_id::<UserId>(&u)?);
    let pairs = forms::pairs(&body);
    let mut problems = Problems::new();
    let role = problems.check("rolle", Role::from_code(forms::get(&pairs, "rolle")));
    let unit_raw = forms::get(&pairs, "enhet");
    let unit = if unit_raw.is_empty() {
        None
    } else {
        problems.check(
            "enhet",
            unit_raw.parse().map_err(|_| Problem::UnknownChoice),
        )
    };
    let form = FormState::with_values(forms::redisplayable(&pairs));
    let retry = |form: FormState| async {
        let cap = municipality_admin(&user, &m)?;
        invalid(
            &show_page(
                &state,
                &user,
                cap,
                id,
                Forms {
                    role: Some(form),
                    ..Forms::default()
                },
                None,
            )
            .await?,
        )
    };
    let Some(role) = role else {
        return retry(form.with_problems(user.m, problems.into_vec())).await;
    };
    if role.is_unit_role() && unit.is_none() {
        let mut form = form.with_problems(user.m, problems.into_vec());
        form.add_error("enhet", user.m.users_unit_needed);
        return retry(form).await;
    }
    if !problems.is_empty() {
        return retry(form.with_problems(user.m, problems.into_vec())).await;
    }
    let request_id = user.ctx.request_id.clone();
    let redirect = back(&cap, id, "rolle-lagt-til");
    // The domain decides (DESIGN.md, Access, rules 7 and 8): never one's own
    // account, and unit roles only in units this municipality hosts.
    let outcome = state
        .db
        .write(
            move |c| match users::decide_grant(c, &cap, id, unit, role)? {
                Ok(grant) => users::grant(c, &grant, &request_id).map(Some),
                Err(GrantRefused::OwnAccount) => Ok(None),
                Err(GrantRefused::NotHost) => Err(DbError::NotFound),
            },
        )
        .await;
    match outcome {
        Ok(Some(_)) => Ok(redirect),
        Ok(None) => {
            let mut form = form;
            form.add_error("rolle", user.m.users_own_account_refused);
            retry(form).await
        }
        Err(DbError::Taken) => {
            let mut p = Problems::new();
            p.push("rolle", Problem::Taken);
            retry(form.with_problems(user.m, p.into_vec())).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_membership(
    State(state): State<AppState>,
    user: SignedIn,
    Path((m, u, ms)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (cap, id, membership) = (
        municipality_admin(&user, &m)?,
        path_id::<UserId>(&u)?,
        path_id::<MembershipId>(&ms)?,
    );
    let request_id = user.ctx.request_id.clone();
    let redirect = back(&cap, id, "rolle-fjernet");
    state
        .db
        .write(move |c| users::remove_membership(c, &cap, id, membership, &request_id))
        .await?;
    Ok(redirect)
}
