//! Municipalities, for the system administrator.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::user::SignedIn;
use crate::view::layout::Layout;
use crate::view::notice::notice;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::{DbError, admin::municipalities};
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::validation::{Problem, Problems};

#[derive(Template)]
#[template(path = "admin/municipalities.html")]
struct MunicipalitiesPage {
    layout: Layout,
    municipalities: Vec<municipalities::Municipality>,
    form: FormState,
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    form: FormState,
    msg: Option<&'static str>,
) -> Result<MunicipalitiesPage, AppError> {
    let list = state.db.read(municipalities::list).await?;
    Ok(MunicipalitiesPage {
        layout: Layout::signed_in(user, user.m.municipalities_title).with_notice(msg),
        municipalities: list,
        form: form.fields(&[
            ("nummer", user.m.field_number),
            ("navn", user.m.field_name),
            ("malform", user.m.field_written_standard),
        ]),
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<crate::view::notice::NoticeQuery>,
) -> Result<Response, AppError> {
    user.actor.administer_system()?;
    let form = FormState::with_values([("malform", "nb")]);
    page(&render(&state, &user, form, notice(user.m, &q)).await?)
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let cap = user.actor.administer_system()?;
    let pairs = forms::pairs(&body);
    let mut problems = Problems::new();
    let number = problems.check(
        "nummer",
        MunicipalityNumber::parse(forms::get(&pairs, "nummer")),
    );
    let name = problems.check("navn", MunicipalityName::parse(forms::get(&pairs, "navn")));
    let standard = problems.check(
        "malform",
        WrittenStandard::from_code(forms::get(&pairs, "malform")),
    );
    let form = FormState::with_values(forms::redisplayable(&pairs));
    let (Some(number), Some(name), Some(written_standard)) = (number, name, standard) else {
        return invalid(
            &render(
                &state,
                &user,
                form.with_problems(user.m, problems.into_vec()),
                None,
            )
            .await?,
        );
    };
    let new = municipalities::NewMunicipality {
        number,
        name,
        written_standard,
    };
    let request_id = user.ctx.request_id.clone();
    match state
        .db
        .write(move |c| municipalities::create(c, &cap, &new, &request_id))
        .await
    {
        Ok(_) => Ok(Redirect::to("/kommuner?melding=opprettet").into_response()),
        Err(DbError::Taken) => {
            let mut p = Problems::new();
            p.push("nummer", Problem::Taken);
            invalid(
                &render(
                    &state,
                    &user,
                    form.with_problems(user.m, p.into_vec()),
                    None,
                )
                .await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}
