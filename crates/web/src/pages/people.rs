//! Identified children: council and club members, the only children Thamgia
//! stores by name, each only with a recorded consent of a parent or guardian
//! and, from age 7, of the child too (Decree 13/2023 art. 20; Personal Data
//! Protection Law 2025 art. 24).
//!
//! Only roles with `ViewNames` open these pages. A child is entered together
//! with the consent, in one form; without a complete consent nothing is saved.
//! Withdrawing the consent replaces the name, contact, school and exact birth
//! date with a pseudonym everywhere.
//!
//! The checks here are shared with the JSON API (`api/people.rs`).

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx, safe_next, urlencode};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::ethnic;
use thamgia_domain::models::{ConsentMethod, age_on};
use thamgia_domain::voice::Sex;
use thamgia_store::entity::{consent, person, unit};
use thamgia_store::{people, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(list))
        .route("/people/new", get(new_form).post(create))
        .route("/people/{id}", get(show))
        .route("/people/{id}/withdraw", post(withdraw))
        .route("/people/{id}/consent", post(add_consent))
}

/// Relations offered for the person who consents (free text is accepted too).
pub(crate) const RELATIONS: &[&str] = &["mẹ", "bố", "ông", "bà", "anh", "chị", "người giám hộ"];

/// The message for a field's error code (`models-err-<code>`).
pub(crate) fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("models-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

/// Every error of a form as (field id, "Label: message"), in the form's order,
/// for the summary at the top of the form.
pub(crate) fn error_summary(
    lang: Lang,
    errors: &Fields,
    order: &[&str],
    label_prefix: &str,
) -> Vec<(String, String)> {
    super::error_lines(errors, order, |f, code| {
        format!(
            "{}: {}",
            lang.t(&format!("{label_prefix}{}", f.replace('_', "-"))),
            lang.t(&format!("models-err-{}", code.replace('_', "-")))
        )
    })
}

/// Typed text as the actions read it (shared with the council and club pages).
pub(crate) use thamgia_actions::models::checked;
use thamgia_actions::people::{CONSENT_ORDER, PERSON_ORDER, PersonInput};

/// A consent as typed in: the action's input.
pub use thamgia_actions::people::ConsentInput as ConsentForm;

/// A child with their consent, as typed in, and where to go after saving.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    pub input: PersonInput,
    /// Where to go after saving (a local path), e.g. back to a council.
    #[serde(default, rename = "return")]
    pub return_to: String,
}

impl std::ops::Deref for PersonForm {
    type Target = PersonInput;

    fn deref(&self) -> &PersonInput {
        &self.input
    }
}

/// Where to go after a child was saved from another page: the local path with
/// `person=<id>` added, so that page can pick the child.
pub(crate) fn return_target(return_to: &str, person_id: i32) -> Option<String> {
    let r = return_to.trim();
    if r.is_empty() {
        return None;
    }
    let safe = safe_next(Some(r));
    if safe == "/" {
        return None;
    }
    let (path, frag) = match safe.split_once('#') {
        Some((p, f)) => (p.to_string(), format!("#{f}")),
        None => (safe.clone(), String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    Some(format!("{path}{sep}person={person_id}{frag}"))
}

/// The label of a member shown to someone who may not see names.
pub(crate) fn member_label(lang: Lang, n: usize) -> String {
    lang.t_args("models-member-n", &[("n", n.to_string())])
}

// ---------------------------------------------------------------- list

pub struct PersonRow {
    pub id: i32,
    pub name: String,
    pub birth: String,
    pub age: Option<i32>,
    pub sex: String,
    pub ethnic: String,
    pub unit_name: String,
    pub school: String,
    pub withdrawn: bool,
}

/// The name of a child's ethnic group in the page's language ("" when not
/// given or not known).
fn ethnic_name(lang: Lang, p: &person::Model) -> String {
    p.ethnic
        .as_deref()
        .and_then(|c| Some(lang.pick(ethnic::name(c)?, ethnic::name_en(c)?)))
        .unwrap_or("")
        .to_string()
}

fn birth_text(lang: Lang, p: &person::Model) -> String {
    match (p.birth_date, p.pseudonymised_at.is_some()) {
        (Some(d), true) => d.year().to_string(),
        (Some(d), false) => lang.date(d),
        (None, _) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "person_list.html")]
struct PeoplePage {
    c: Chrome,
    rows: Vec<PersonRow>,
    pager: crate::pager::Pager,
    can_create: bool,
}

pub async fn list(
    Visit { state, p, ctx }: Visit,
    Query(pq): Query<crate::pager::PageQuery>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewNames, lang)?;
    let today = state.now().date_naive();
    let all = people::list_with_units(&state.db.conn, &p.scope())
        .await
        .page(lang)?;
    let (all, pager) = crate::pager::Pager::cut(all, pq.page.as_deref(), &uri);
    let rows = all
        .into_iter()
        .map(|(person, u)| PersonRow {
            id: person.id,
            name: people::display_name(&person),
            birth: birth_text(lang, &person),
            age: person
                .birth_date
                .filter(|_| person.pseudonymised_at.is_none())
                .map(|b| age_on(b, today)),
            sex: person.sex.clone().unwrap_or_default(),
            ethnic: ethnic_name(lang, &person),
            unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
            school: person.school_or_commune.clone().unwrap_or_default(),
            withdrawn: person.pseudonymised_at.is_some(),
        })
        .collect();
    Ok(render(&PeoplePage {
        c: Chrome::new(&ctx, "people-title"),
        rows,
        pager,
        can_create: p.can(Permission::ManageModels),
    }))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    c: Chrome,
    f: PersonForm,
    errors: Fields,
    summary: Vec<(String, String)>,
    unit_options: Vec<unit::Model>,
    ethnic_options: Vec<(&'static str, &'static str)>,
    sexes: Vec<&'static str>,
    methods: Vec<&'static str>,
    relations: Vec<&'static str>,
}

form_errors!(PersonFormPage, field_message);

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: PersonForm,
    errors: Fields,
) -> Result<PersonFormPage, PageError> {
    let lang = ctx.lang;
    Ok(PersonFormPage {
        c: Chrome::new(ctx, "people-new-title"),
        summary: error_summary(lang, &errors, PERSON_ORDER, "people-field-"),
        unit_options: units::list(&state.db.conn, &p.scope()).await.page(lang)?,
        ethnic_options: ethnic::local_first()
            .into_iter()
            .map(|g| (g.code, lang.pick(g.name_vi, g.name_en)))
            .collect(),
        sexes: Sex::ALL.iter().map(|s| s.as_str()).collect(),
        methods: ConsentMethod::ALL.iter().map(|m| m.as_str()).collect(),
        relations: RELATIONS.to_vec(),
        f,
        errors,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    unit: String,
    purpose: String,
    #[serde(rename = "return")]
    return_to: String,
}

pub async fn new_form(Visit { state, p, ctx }: Visit, Query(q): Query<NewQuery>) -> PageResult {
    require(&p, Permission::ViewNames, ctx.lang)?;
    require(&p, Permission::ManageModels, ctx.lang)?;
    let today = state.now().date_naive();
    let mut f = PersonForm {
        input: PersonInput {
            unit: q.unit,
            consent: ConsentForm {
                purpose: q.purpose,
                guardian_method: ConsentMethod::Written.as_str().into(),
                guardian_date: ctx.lang.date(today),
                ..Default::default()
            },
            ..Default::default()
        },
        return_to: q.return_to,
    };
    if f.unit.is_empty()
        && let Ok(u) = units::by_id(&state.db.conn, p.unit_id).await
        && let Some(u) = u
    {
        f.input.unit = u.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::people::create(act, &f).await {
        Ok(row) => {
            let to = return_target(&f.return_to, row.id)
                .unwrap_or_else(|| format!("/people/{}", row.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

// ---------------------------------------------------------------- one child

pub struct MembershipRow {
    pub href: String,
    pub name: String,
    pub what: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    c: Chrome,
    id: i32,
    name: String,
    withdrawn: bool,
    withdrawn_on: Option<NaiveDate>,
    birth: String,
    age: Option<i32>,
    sex: String,
    ethnic: String,
    disability: Option<bool>,
    unit_name: String,
    school: String,
    contact: String,
    memberships: Vec<MembershipRow>,
    consents: Vec<consent::Model>,
    can_manage: bool,
    k: ConsentForm,
    errors: Fields,
    which: String,
    summary: Vec<(String, String)>,
    methods: Vec<&'static str>,
    relations: Vec<&'static str>,
    saved: bool,
}

form_errors!(PersonPage, field_message);

/// A child's memberships of councils and clubs, as links.
pub(crate) async fn memberships(
    db: &DatabaseConnection,
    lang: Lang,
    person_id: i32,
) -> AppResult<Vec<MembershipRow>> {
    Ok(thamgia_actions::people::memberships(db, person_id)
        .await?
        .into_iter()
        .map(|m| MembershipRow {
            href: format!("/{}s/{}", m.kind, m.id),
            name: m.name,
            what: lang.t(&match m.kind {
                "council" => format!("council-role-{}", m.role.replace('_', "-")),
                _ => format!("club-{}", m.role),
            }),
            from: m.from,
            to: m.to,
        })
        .collect())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn person_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    person: person::Model,
    u: unit::Model,
    k: Option<ConsentForm>,
    errors: Fields,
    which: &str,
    saved: bool,
) -> Result<PersonPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let withdrawn = person.pseudonymised_at.is_some();
    Ok(PersonPage {
        c: Chrome::new(ctx, "people-person-title"),
        id: person.id,
        name: people::display_name(&person),
        withdrawn,
        withdrawn_on: person.pseudonymised_at.map(|t| t.date_naive()),
        birth: birth_text(lang, &person),
        age: person
            .birth_date
            .filter(|_| !withdrawn)
            .map(|b| age_on(b, today)),
        sex: person.sex.clone().unwrap_or_default(),
        ethnic: ethnic_name(lang, &person),
        disability: person.disability,
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        school: person.school_or_commune.clone().unwrap_or_default(),
        contact: person.guardian_contact.clone().unwrap_or_default(),
        memberships: memberships(db, lang, person.id).await.page(lang)?,
        consents: people::consents(db, person.id).await.page(lang)?,
        can_manage: p.can(Permission::ManageModels),
        k: k.unwrap_or_else(|| ConsentForm {
            guardian_method: ConsentMethod::Written.as_str().into(),
            guardian_date: lang.date(today),
            ..Default::default()
        }),
        summary: error_summary(lang, &errors, CONSENT_ORDER, "people-field-"),
        errors,
        which: which.to_string(),
        methods: ConsentMethod::ALL.iter().map(|m| m.as_str()).collect(),
        relations: RELATIONS.to_vec(),
        saved,
    })
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewNames, ctx.lang)?;
    let (person, u) = people::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    Ok(render(
        &person_page(
            &state,
            &p,
            &ctx,
            person,
            u,
            None,
            Fields::new(),
            "",
            q.saved.is_some(),
        )
        .await?,
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    confirm: String,
}

pub async fn withdraw(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<WithdrawForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    // The page names a withdrawn child's refusal after its checkbox.
    match thamgia_actions::people::withdraw(act, id, checked(&f.confirm)).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=withdrawn")).into_response()),
        Err(e) => {
            refused(
                &state,
                &p,
                &ctx,
                id,
                None,
                e.rename_field("person", "confirm"),
            )
            .await
        }
    }
}

pub async fn add_consent(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(k): CsrfForm<ConsentForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    // The page names a withdrawn child's refusal at the consent's first field.
    match thamgia_actions::people::add_consent(act, id, &k).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=consent")).into_response()),
        Err(e) => {
            let e = e.rename_field("person", "guardian_name");
            refused(&state, &p, &ctx, id, Some(k), e).await
        }
    }
}

/// The child's page again with a refused form's errors (422): the consent
/// form (`k`) or the withdrawal.
async fn refused(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    k: Option<ConsentForm>,
    e: ActionError,
) -> PageResult {
    let ActionError::Invalid { fields, .. } = e else {
        return Err(PageError(e.into(), ctx.lang));
    };
    let (person, u) = people::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    let which = if k.is_some() { "consent" } else { "withdraw" };
    let page = person_page(state, p, ctx, person, u, k, fields, which, false).await?;
    Ok(unprocessable(render(&page)))
}

// ---------------------------------------------------------------- rosters

/// A council or club member as its page lists them (`member_row.html`):
/// names only with `ViewNames`, otherwise "Thành viên #n".
#[derive(Default)]
pub struct MemberRow {
    pub id: i32,
    /// In the first table: serving in the year shown (a council), not left (a club).
    pub listed: bool,
    pub label: String,
    pub href: Option<String>,
    /// The role cell: a council role, a club's child leader or member.
    pub role: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub school: String,
    pub withdrawn: bool,
}

impl MemberRow {
    /// The child's part of the row: the `n`th of the list.
    pub(crate) fn of(lang: Lang, names: bool, n: usize, person: &person::Model) -> Self {
        MemberRow {
            label: if names {
                people::display_name(person)
            } else {
                member_label(lang, n)
            },
            href: names.then(|| format!("/people/{}", person.id)),
            school: if names {
                person.school_or_commune.clone().unwrap_or_default()
            } else {
                String::new()
            },
            withdrawn: names && person.pseudonymised_at.is_some(),
            ..Default::default()
        }
    }
}

/// What a council's or club's page calls its roster's parts (catalog keys,
/// the ending route and its field).
pub struct RosterKeys {
    /// The ending route, also the id prefix of its field: `end`, `leave`.
    pub end_action: &'static str,
    /// The ending form's field: `term_end`, `left_on`.
    pub end_field: &'static str,
    pub role_key: &'static str,
    pub start_key: &'static str,
    pub end_key: &'static str,
    pub end_button_key: &'static str,
    pub empty_key: &'static str,
    pub others_key: &'static str,
    pub add_key: &'static str,
    pub person_key: &'static str,
}

impl RosterKeys {
    /// A council's members serve a term, with a role.
    pub const COUNCIL: RosterKeys = RosterKeys {
        end_action: "end",
        end_field: "term_end",
        role_key: "council-field-role",
        start_key: "council-field-term-start",
        end_key: "council-field-term-end",
        end_button_key: "council-end-term",
        empty_key: "council-no-members",
        others_key: "council-other-terms",
        add_key: "council-add-member",
        person_key: "council-field-person",
    };
    /// A club's members join and leave; some lead.
    pub const CLUB: RosterKeys = RosterKeys {
        end_action: "leave",
        end_field: "left_on",
        role_key: "club-leader",
        start_key: "club-field-joined-on",
        end_key: "club-field-left-on",
        end_button_key: "club-leave",
        empty_key: "club-no-members",
        others_key: "club-former-members",
        add_key: "club-add-member",
        person_key: "club-field-person",
    };
}

/// How a council's or club's page names its roster (`member_tables.html`,
/// `member_add.html`).
pub struct RosterView {
    /// `/councils/5`, `/clubs/3`.
    pub path: String,
    pub keys: &'static RosterKeys,
    /// The first table's label.
    pub listed_label: String,
    /// Members in the first table.
    pub listed: usize,
}

/// Children who may join a roster: identified children inside the unit
/// (`unit_path`) who are not serving in it (`open`), labelled with their
/// school or unit.
pub(crate) async fn eligible(
    db: &DatabaseConnection,
    p: &Principal,
    lang: Lang,
    unit_path: &str,
    open: &std::collections::BTreeSet<i32>,
) -> AppResult<Vec<(i32, String)>> {
    Ok(people::eligible(db, &p.scope(), unit_path)
        .await?
        .into_iter()
        .filter(|(person, _)| !open.contains(&person.id))
        .map(|(person, pu)| {
            let label = match &person.school_or_commune {
                Some(s) => format!("{} — {s}", person.full_name),
                None => format!(
                    "{} — {}",
                    person.full_name,
                    lang.pick(&pu.name_vi, &pu.name_en)
                ),
            };
            (person.id, label)
        })
        .collect())
}

/// A link to enter a new child with consent and come back to `back`.
pub(crate) fn new_person_href(unit_code: &str, purpose: &str, back: &str) -> String {
    format!(
        "/people/new?unit={}&purpose={}&return={}",
        urlencode(unit_code),
        urlencode(purpose),
        urlencode(back)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returning_keeps_the_path_local_and_adds_the_child() {
        assert_eq!(
            return_target("/councils/5#add-member", 42).as_deref(),
            Some("/councils/5?person=42#add-member")
        );
        assert_eq!(
            return_target("/clubs/3?year=2019", 7).as_deref(),
            Some("/clubs/3?year=2019&person=7")
        );
        assert_eq!(return_target("https://evil.example/", 1), None);
        assert_eq!(return_target("//evil.example/", 1), None);
        assert_eq!(return_target("", 1), None);
    }
}
