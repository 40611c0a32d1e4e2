//! Editing a child's record: its details and the units it attends, its
//! guardians (edit, mark as no longer a guardian), and the history of those
//! changes shown on the child's page. Who may edit is
//! `Actor::edit_child` (staff and leaders of a unit the child attends).

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::relation_label;
use crate::view::format::today;
use crate::view::format::{date, time};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::children::{self, ChildForm, HistoryEntry};
use laget_domain::UnitId;
use laget_domain::access::ChildEditor;
use laget_domain::children::{ChangeField, GuardianNationalIdEdit, NewGuardian, Relation};
use laget_domain::ids::{ChildId, GuardianId};
use laget_domain::validation::FieldError;

/// The editor's capability for the child in the path, or 404.
async fn editor(state: &AppState, user: &SignedIn, raw: &str) -> Result<ChildEditor, AppError> {
    let child: ChildId = path_id(raw)?;
    let units = state
        .db
        .read(move |c| laget_db::lookup::units_of_child(c, child))
        .await?;
    Ok(user.actor.edit_child(child, &units)?)
}

// ---------------------------------------------------------------------------
// The history on the child's page

pub struct HistoryRow {
    pub when: String,
    pub by: String,
    pub what: String,
    pub old: String,
    pub new: String,
}

fn field_label(m: &Messages, f: ChangeField) -> &'static str {
    match f {
        ChangeField::Name => m.child_name,
        ChangeField::BirthDate => m.child_birth_date,
        ChangeField::Unborn => m.child_change_unborn,
        ChangeField::NationalId => m.child_national_id,
        ChangeField::UnitAdded => m.child_change_unit_added,
        ChangeField::UnitRemoved => m.child_change_unit_removed,
        ChangeField::GuardianAdded => m.child_change_guardian_added,
        ChangeField::GuardianEnded => m.child_change_guardian_ended,
        ChangeField::GuardianName => m.guardian_name,
        ChangeField::GuardianRelation => m.guardian_relation,
        ChangeField::GuardianPhone => m.guardian_phone,
        ChangeField::GuardianEmail => m.guardian_email,
        ChangeField::GuardianResponsibility => m.guardian_responsibility,
        ChangeField::GuardianNationalId => m.guardian_national_id,
    }
}

/// A stored value in words: dates as dd.mm.åååå, yes/no, relations by name.
fn value_text(msgs: &Messages, f: ChangeField, v: Option<&str>) -> String {
    let Some(v) = v else {
        return "–".to_owned();
    };
    match f {
        ChangeField::BirthDate => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(date)
            .unwrap_or_else(|_| v.to_owned()),
        ChangeField::Unborn | ChangeField::GuardianResponsibility => {
            if v == "ja" { msgs.yes } else { msgs.no }.to_owned()
        }
        ChangeField::GuardianRelation => Relation::from_code(v)
            .map(|r| relation_label(msgs, r))
            .unwrap_or(v)
            .to_owned(),
        _ => v.to_owned(),
    }
}

pub fn history_rows(m: &Messages, history: &[HistoryEntry]) -> Vec<HistoryRow> {
    history
        .iter()
        .map(|h| HistoryRow {
            when: time(h.at),
            by: h.by.clone().unwrap_or_else(|| "–".to_owned()),
            what: match (&h.subject, h.field) {
                (Some(s), ChangeField::GuardianAdded | ChangeField::GuardianEnded) => {
                    format!("{}: {s}", field_label(m, h.field))
                }
                (Some(s), _) => format!("{} ({s})", field_label(m, h.field)),
                (None, f) => field_label(m, f).to_owned(),
            },
            old: value_text(m, h.field, h.old.as_deref()),
            new: value_text(m, h.field, h.new.as_deref()),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The child's details and units

#[derive(Template)]
#[template(path = "log/child_edit.html")]
struct EditPage {
    layout: Layout,
    child: String,
    name: String,
    national_id_hint: String,
    has_national_id: bool,
    units: Vec<Choice>,
    form: FormState,
}

/// The edit page; `form` is `None` for the stored values.
async fn edit_page(
    state: &AppState,
    user: &SignedIn,
    e: &ChildEditor,
    form: Option<FormState>,
) -> Result<EditPage, AppError> {
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    let (child, all_units) = state
        .db
        .write(move |c| {
            let child = children::for_edit(c, &e2, &rid)?;
            let units = laget_db::admin::units::list_in_municipality(c, child.municipality_id)?;
            Ok((child, units))
        })
        .await?;
    let attends: Vec<UnitId> = child.units.iter().map(|(u, _)| *u).collect();
    let form = form.unwrap_or_else(|| {
        let mut values = vec![
            ("navn".to_owned(), child.name.clone()),
            ("fodselsdato".to_owned(), date(child.birth.date())),
        ];
        if child.birth.is_unborn() {
            values.push(("ufodt".to_owned(), "ja".to_owned()));
        }
        values.extend(
            attends
                .iter()
                .map(|u| ("enheter".to_owned(), u.to_string())),
        );
        FormState::with_values(values)
    });
    Ok(EditPage {
        layout: Layout::signed_in(user, user.m.child_edit_title),
        child: e.child_id().to_string(),
        name: child.name.clone(),
        national_id_hint: match &child.national_id_masked {
            Some(n) => format!(
                "{} {n}. {}",
                user.m.child_national_id_registered, user.m.child_national_id_keep_hint
            ),
            None => user.m.child_national_id_hint.to_owned(),
        },
        has_national_id: child.national_id_masked.is_some(),
        units: all_units
            .into_iter()
            .filter(|u| u.active || attends.contains(&u.id))
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name,
            })
            .collect(),
        form: form.fields(&[
            ("navn", user.m.child_name),
            ("fodselsdato", user.m.child_birth_date),
            ("fodselsnummer", user.m.child_national_id),
            ("enheter", user.m.child_units),
        ]),
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
) -> Result<Response, AppError> {
    let e = editor(&state, &user, &c).await?;
    page(&edit_page(&state, &user, &e, None).await?)
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path(c): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let e = editor(&state, &user, &c).await?;
    let pairs = forms::pairs(&body);
    let units: Vec<UnitId> = forms::get_all(&pairs, "enheter")
        .into_iter()
        .filter_map(|u| u.parse().ok())
        .collect();
    let form = ChildForm {
        name: forms::get(&pairs, "navn").to_owned(),
        birth_date: forms::get(&pairs, "fodselsdato").to_owned(),
        unborn: forms::get(&pairs, "ufodt") == "ja",
        national_id: forms::get(&pairs, "fodselsnummer").to_owned(),
        remove_national_id: forms::get(&pairs, "fjern_fodselsnummer") == "ja",
        units,
    };
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    let today = today();
    let result = state
        .db
        .write(move |c| children::update(c, &e2, &form, today, &rid))
        .await?;
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/barn/{}?melding=lagret", e.child_id())).into_response())
        }
        Err(refused) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, refused.problems);
            if refused.national_id_taken {
                form.add_error("fodselsnummer", user.m.child_national_id_taken);
            }
            if refused.loses_own_unit {
                form.add_error("enheter", user.m.child_units_keep_own);
            }
            invalid(&edit_page(&state, &user, &e, Some(form)).await?)
        }
    }
}

// ---------------------------------------------------------------------------
// Guardians

#[derive(Template)]
#[template(path = "log/guardian_edit.html")]
struct GuardianPage {
    layout: Layout,
    child: String,
    child_name: String,
    guardian: String,
    relations: Vec<Choice>,
    /// The field's hint: what the number is for, and the registered one
    /// (masked) when there is one.
    national_id_hint: String,
    has_national_id: bool,
    form: FormState,
}

async fn guardian_page(
    state: &AppState,
    user: &SignedIn,
    e: &ChildEditor,
    guardian: GuardianId,
    form: Option<FormState>,
) -> Result<GuardianPage, AppError> {
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    let (child_name, g) = state
        .db
        .write(move |c| children::guardian_for_edit(c, &e2, guardian, &rid))
        .await?;
    let form = form.unwrap_or_else(|| {
        let mut values = vec![
            ("navn", g.name.clone()),
            ("relasjon", g.relation.code().to_owned()),
            ("telefon", g.phone.clone().unwrap_or_default()),
            ("epost", g.email.clone().unwrap_or_default()),
        ];
        if g.parental_responsibility {
            values.push(("foreldreansvar", "ja".to_owned()));
        }
        FormState::with_values(values)
    });
    let m = user.m;
    Ok(GuardianPage {
        layout: Layout::signed_in(user, user.m.guardian_edit_title),
        child: e.child_id().to_string(),
        child_name,
        guardian: guardian.to_string(),
        national_id_hint: guardian_national_id_hint(m, g.national_id_masked.as_deref()),
        has_national_id: g.national_id_masked.is_some(),
        relations: Relation::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: relation_label(user.m, *r).into(),
            })
            .collect(),
        form: form.fields(&[
            ("navn", user.m.guardian_name),
            ("relasjon", user.m.guardian_relation),
            ("telefon", user.m.guardian_phone),
            ("epost", user.m.guardian_email),
            ("fodselsnummer", user.m.guardian_national_id),
        ]),
    })
}

/// The national identity number field's hint on the guardian forms (edit
/// and «Legg til foresatt»): what the number is for, and the registered one
/// (masked) when there is one.
pub(crate) fn guardian_national_id_hint(m: &Messages, masked: Option<&str>) -> String {
    match masked {
        Some(n) => format!(
            "{} {} {n}. {}",
            m.guardian_national_id_hint,
            m.child_national_id_registered,
            m.child_national_id_keep_hint
        ),
        None => format!(
            "{} {}",
            m.guardian_national_id_hint, m.guardian_national_id_format
        ),
    }
}

/// A guardian form as posted (the edit form, and «Legg til foresatt» on the
/// child's page): the details, and the national identity number field
/// (`fodselsnummer`, with the edit form's `fjern_fodselsnummer` box), or
/// every problem with what was typed.
pub(crate) fn parse_guardian_form(
    pairs: &[(String, String)],
) -> Result<(NewGuardian, GuardianNationalIdEdit), Vec<FieldError>> {
    let parsed = NewGuardian::parse(
        forms::get(pairs, "navn"),
        forms::get(pairs, "relasjon"),
        forms::get(pairs, "telefon"),
        forms::get(pairs, "epost"),
        forms::get(pairs, "foreldreansvar") == "ja",
    );
    let national_id = GuardianNationalIdEdit::parse(
        forms::get(pairs, "fodselsnummer"),
        forms::get(pairs, "fjern_fodselsnummer") == "ja",
    );
    match (parsed, national_id) {
        (Ok(g), Ok(n)) => Ok((g, n)),
        (parsed, national_id) => {
            let mut problems = parsed.err().map(|p| p.into_vec()).unwrap_or_default();
            if let Err(problem) = national_id {
                problems.push(FieldError {
                    field: "fodselsnummer",
                    problem,
                });
            }
            Err(problems)
        }
    }
}

pub async fn guardian_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path((c, g)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let e = editor(&state, &user, &c).await?;
    let guardian: GuardianId = path_id(&g)?;
    page(&guardian_page(&state, &user, &e, guardian, None).await?)
}

pub async fn update_guardian(
    State(state): State<AppState>,
    user: SignedIn,
    Path((c, g)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let e = editor(&state, &user, &c).await?;
    let guardian: GuardianId = path_id(&g)?;
    let pairs = forms::pairs(&body);
    // What was typed is kept on an error, as on the child's form.
    let kept = |pairs: &[(String, String)]| forms::redisplayable(pairs);
    let (edited, national_id) = match parse_guardian_form(&pairs) {
        Ok(parsed) => parsed,
        Err(problems) => {
            let form = FormState::with_values(kept(&pairs)).with_problems(user.m, problems);
            return invalid(&guardian_page(&state, &user, &e, guardian, Some(form)).await?);
        }
    };
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    let saved = state
        .db
        .write(move |c| children::update_guardian(c, &e2, guardian, &edited, &national_id, &rid))
        .await?;
    if saved.is_err() {
        let mut form = FormState::with_values(kept(&pairs));
        form.add_error("fodselsnummer", user.m.guardian_national_id_taken);
        return invalid(&guardian_page(&state, &user, &e, guardian, Some(form)).await?);
    }
    Ok(Redirect::to(&format!("/barn/{}?melding=lagret", e.child_id())).into_response())
}

pub async fn end_guardian(
    State(state): State<AppState>,
    user: SignedIn,
    Path((c, g)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let e = editor(&state, &user, &c).await?;
    let guardian: GuardianId = path_id(&g)?;
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    state
        .db
        .write(move |c| children::end_guardian(c, &e2, guardian, &rid))
        .await?;
    Ok(Redirect::to(&format!("/barn/{}?melding=lagret", e.child_id())).into_response())
}
