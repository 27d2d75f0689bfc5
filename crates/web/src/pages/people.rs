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

use super::matters::{Fields, invalid, parse_date};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser, safe_next, urlencode};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Actor, Permission, Principal};
use thamgia_domain::ethnic;
use thamgia_domain::models::{ConsentInput, ConsentMethod, age_on, check_consent};
use thamgia_domain::voice::{MAX_AGE, MIN_AGE, Sex};
use thamgia_store::entity::{consent, person, unit};
use thamgia_store::people::{self, NewPerson};
use thamgia_store::{StoreError, clubs, councils, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(list))
        .route("/people/new", get(new_form).post(create))
        .route("/people/{id}", get(show))
        .route("/people/{id}/withdraw", post(withdraw))
        .route("/people/{id}/consent", post(add_consent))
}

pub(crate) const MAX_NAME: usize = 100;
pub(crate) const MAX_SHORT: usize = 200;
pub(crate) const MAX_PURPOSE: usize = 500;

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
    let mut out = vec![];
    let mut push = |f: &str, code: &str| {
        out.push((
            f.to_string(),
            format!(
                "{}: {}",
                lang.t(&format!("{label_prefix}{}", f.replace('_', "-"))),
                lang.t(&format!("models-err-{}", code.replace('_', "-")))
            ),
        ));
    };
    for f in order {
        if let Some(code) = errors.get(*f) {
            push(f, code);
        }
    }
    for (f, code) in errors {
        if !order.contains(&f.as_str()) {
            push(f, code);
        }
    }
    out
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// A date field that may be empty: `None` when empty, an error when unreadable.
pub(crate) fn optional_date(e: &mut Fields, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    let d = parse_date(s);
    if d.is_none() {
        e.insert(field.into(), "not_a_date".into());
    }
    d
}

/// A required date field.
pub(crate) fn required_date(e: &mut Fields, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    optional_date(e, field, s)
}

/// A checkbox as forms send it (`yes`, `on`, `true`, `1`).
pub(crate) fn checked(s: &str) -> bool {
    matches!(s.trim(), "yes" | "on" | "true" | "1")
}

// ---------------------------------------------------------------- checks

/// A consent as typed in (a form or the API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    pub guardian_name: String,
    pub guardian_relation: String,
    /// written | verbal | electronic
    pub guardian_method: String,
    pub guardian_date: String,
    /// A checkbox: `yes` when the child agreed.
    pub child_agreed: String,
    pub child_date: String,
    pub purpose: String,
}

pub(crate) const CONSENT_ORDER: &[&str] = &[
    "guardian_name",
    "guardian_relation",
    "guardian_method",
    "guardian_date",
    "child_agreed",
    "child_date",
    "purpose",
];

/// Checks a consent for a child born on `birth` (unknown: the guardian's part
/// only) and whose name must not appear in the purpose (the purpose goes to
/// the audit trail, which a withdrawal cannot rewrite).
pub(crate) fn check_consent_form(
    k: &ConsentForm,
    birth: Option<NaiveDate>,
    child_name: &str,
    today: NaiveDate,
    e: &mut Fields,
) -> ConsentInput {
    let guardian_date = optional_date(e, "guardian_date", &k.guardian_date);
    let child_date = optional_date(e, "child_date", &k.child_date);
    let input = ConsentInput {
        guardian_name: k.guardian_name.trim().to_string(),
        guardian_relation: k.guardian_relation.trim().to_string(),
        guardian_method: k.guardian_method.trim().to_string(),
        guardian_date,
        child_agreed: checked(&k.child_agreed),
        child_date,
        purpose: k.purpose.trim().to_string(),
    };
    // Without a readable birth date, check what does not depend on the age.
    let youngest = today
        .with_year(today.year() - i32::from(MIN_AGE))
        .unwrap_or(today);
    if let Err(list) = check_consent(&input, birth.unwrap_or(youngest), today) {
        for (f, code) in list {
            if f == "birth_date" {
                continue;
            }
            let code = if f == "guardian_method" && input.guardian_method.is_empty() {
                "required"
            } else {
                code
            };
            e.entry(f.to_string()).or_insert_with(|| code.to_string());
        }
    }
    for (f, v, max) in [
        ("guardian_name", &input.guardian_name, MAX_NAME),
        ("guardian_relation", &input.guardian_relation, MAX_SHORT),
        ("purpose", &input.purpose, MAX_PURPOSE),
    ] {
        if too_long(v, max) {
            e.insert(f.into(), "too_long".into());
        }
    }
    let name = child_name.trim().to_lowercase();
    if !name.is_empty() && input.purpose.to_lowercase().contains(&name) {
        e.insert("purpose".into(), "purpose_contains_name".into());
    }
    input
}

/// A child with their consent, as typed in.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub full_name: String,
    /// dd/mm/yyyy (or yyyy-mm-dd).
    pub birth_date: String,
    /// girl | boy | other
    pub sex: String,
    /// Official ethnic group code; optional.
    pub ethnic: String,
    /// A checkbox: `yes` when the child has a disability.
    pub disability: String,
    /// Code of a unit in scope.
    pub unit: String,
    pub school_or_commune: String,
    pub guardian_contact: String,
    pub guardian_name: String,
    pub guardian_relation: String,
    pub guardian_method: String,
    pub guardian_date: String,
    pub child_agreed: String,
    pub child_date: String,
    pub purpose: String,
    /// Where to go after saving (a local path), e.g. back to a council.
    #[serde(rename = "return")]
    pub return_to: String,
}

impl PersonForm {
    fn consent(&self) -> ConsentForm {
        ConsentForm {
            guardian_name: self.guardian_name.clone(),
            guardian_relation: self.guardian_relation.clone(),
            guardian_method: self.guardian_method.clone(),
            guardian_date: self.guardian_date.clone(),
            child_agreed: self.child_agreed.clone(),
            child_date: self.child_date.clone(),
            purpose: self.purpose.clone(),
        }
    }
}

pub(crate) const PERSON_ORDER: &[&str] = &[
    "full_name",
    "birth_date",
    "sex",
    "ethnic",
    "unit",
    "school_or_commune",
    "guardian_contact",
    "guardian_name",
    "guardian_relation",
    "guardian_method",
    "guardian_date",
    "child_agreed",
    "child_date",
    "purpose",
];

/// Checks a new child and their consent: every field, every error at once.
pub(crate) async fn check_new(
    db: &DatabaseConnection,
    p: &Principal,
    f: &PersonForm,
    today: NaiveDate,
) -> AppResult<(NewPerson, ConsentInput)> {
    let mut e = Fields::new();
    let full_name = f.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() {
        e.insert("full_name".into(), "required".into());
    } else if too_long(&full_name, MAX_NAME) {
        e.insert("full_name".into(), "too_long".into());
    }
    let birth = required_date(&mut e, "birth_date", &f.birth_date);
    if let Some(b) = birth {
        let age = age_on(b, today);
        if age < i32::from(MIN_AGE) || age > i32::from(MAX_AGE) {
            e.insert("birth_date".into(), "age_out_of_range".into());
        }
    }
    let sex = if f.sex.trim().is_empty() {
        e.insert("sex".into(), "required".into());
        None
    } else {
        let s = Sex::parse(f.sex.trim());
        if s.is_none() {
            e.insert("sex".into(), "unknown_option".into());
        }
        s
    };
    let ethnic_code = f.ethnic.trim();
    if !ethnic_code.is_empty() && ethnic::name(ethnic_code).is_none() {
        e.insert("ethnic".into(), "unknown_option".into());
    }
    let unit = if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
        None
    } else {
        match units::get_in_scope(db, &p.scope(), f.unit.trim()).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let school = f.school_or_commune.trim().to_string();
    if too_long(&school, MAX_SHORT) {
        e.insert("school_or_commune".into(), "too_long".into());
    }
    let contact = f.guardian_contact.trim().to_string();
    if too_long(&contact, MAX_SHORT) {
        e.insert("guardian_contact".into(), "too_long".into());
    }
    let k = check_consent_form(&f.consent(), birth, &full_name, today, &mut e);
    match (birth, unit) {
        (Some(b), Some(u)) if e.is_empty() => Ok((
            NewPerson {
                full_name,
                birth_date: b,
                sex: sex.map(|s| s.as_str().to_string()),
                ethnic: (!ethnic_code.is_empty()).then(|| ethnic_code.to_string()),
                disability: Some(checked(&f.disability)),
                unit_id: u.id,
                school_or_commune: (!school.is_empty()).then_some(school),
                guardian_contact: (!contact.is_empty()).then_some(contact),
            },
            k,
        )),
        _ => Err(invalid(e)),
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
    can_create: bool,
}

pub async fn list(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewNames, lang)?;
    let today = state.now().date_naive();
    let rows = people::list_with_units(&state.db.conn, &p.scope())
        .await
        .page(lang)?
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
            ethnic: person
                .ethnic
                .as_deref()
                .and_then(|c| Some(lang.pick(ethnic::name(c)?, ethnic::name_en(c)?)))
                .unwrap_or("")
                .to_string(),
            unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
            school: person.school_or_commune.clone().unwrap_or_default(),
            withdrawn: person.pseudonymised_at.is_some(),
        })
        .collect();
    Ok(render(&PeoplePage {
        c: Chrome::new(&ctx, "people-title"),
        rows,
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

impl PersonFormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn is_checked(&self, v: &str) -> bool {
        checked(v)
    }
}

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

pub async fn new_form(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<NewQuery>,
) -> PageResult {
    require(&p, Permission::ViewNames, ctx.lang)?;
    require(&p, Permission::ManageModels, ctx.lang)?;
    let today = state.now().date_naive();
    let mut f = PersonForm {
        unit: q.unit,
        purpose: q.purpose,
        return_to: q.return_to,
        guardian_method: ConsentMethod::Written.as_str().into(),
        guardian_date: ctx.lang.date(today),
        ..Default::default()
    };
    if f.unit.is_empty()
        && let Ok(u) = units::by_id(&state.db.conn, p.unit_id).await
        && let Some(u) = u
    {
        f.unit = u.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewNames, lang)?;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    match check_new(db, &p, &f, today).await {
        Ok((n, k)) => {
            let row = people::create_with_consent(db, &Actor::from(&p), state.now(), n, &k)
                .await
                .page(lang)?;
            let to = return_target(&f.return_to, row.id)
                .unwrap_or_else(|| format!("/people/{}", row.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let mut res = render(&form_page(&state, &p, &ctx, f, fields).await?);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e, lang)),
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

impl PersonPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn is_checked(&self, v: &str) -> bool {
        checked(v)
    }
}

/// A child's memberships of councils and clubs, as links.
pub(crate) async fn memberships(
    db: &DatabaseConnection,
    lang: Lang,
    person_id: i32,
) -> AppResult<Vec<MembershipRow>> {
    let mut out = vec![];
    for (m, k) in councils::memberships_of(db, person_id).await? {
        out.push(MembershipRow {
            href: format!("/councils/{}", k.id),
            name: k.name,
            what: lang.t(&format!("council-role-{}", m.role.replace('_', "-"))),
            from: m.term_start,
            to: m.term_end,
        });
    }
    for (m, k) in clubs::memberships_of(db, person_id).await? {
        out.push(MembershipRow {
            href: format!("/clubs/{}", k.id),
            name: k.name,
            what: lang.t(if m.is_leader {
                "club-leader"
            } else {
                "club-member"
            }),
            from: m.joined_on,
            to: m.left_on,
        });
    }
    Ok(out)
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
        ethnic: person
            .ethnic
            .as_deref()
            .and_then(|c| Some(lang.pick(ethnic::name(c)?, ethnic::name_en(c)?)))
            .unwrap_or("")
            .to_string(),
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<WithdrawForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewNames, lang)?;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let (person, u) = people::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    let mut errors = Fields::new();
    if person.pseudonymised_at.is_some() {
        errors.insert("confirm".into(), "already_withdrawn".into());
    } else if !checked(&f.confirm) {
        errors.insert("confirm".into(), "confirm_required".into());
    }
    if !errors.is_empty() {
        let mut res = render(
            &person_page(&state, &p, &ctx, person, u, None, errors, "withdraw", false).await?,
        );
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    people::withdraw(db, &Actor::from(&p), state.now(), &p.scope(), id)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/people/{id}?saved=withdrawn")).into_response())
}

pub async fn add_consent(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(k): CsrfForm<ConsentForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewNames, lang)?;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let (person, u) = people::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    let today = state.now().date_naive();
    let mut errors = Fields::new();
    let input = if person.pseudonymised_at.is_some() {
        errors.insert("guardian_name".into(), "already_withdrawn".into());
        None
    } else {
        Some(check_consent_form(
            &k,
            person.birth_date,
            &person.full_name,
            today,
            &mut errors,
        ))
    };
    match input {
        Some(input) if errors.is_empty() => {
            people::add_consent(db, &Actor::from(&p), state.now(), &p.scope(), id, &input)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/people/{id}?saved=consent")).into_response())
        }
        _ => {
            let mut res = render(
                &person_page(
                    &state,
                    &p,
                    &ctx,
                    person,
                    u,
                    Some(k),
                    errors,
                    "consent",
                    false,
                )
                .await?,
            );
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

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

    #[test]
    fn a_consent_needs_the_child_from_seven_and_never_names_the_child() {
        let today = d(2026, 11, 29);
        let k = ConsentForm {
            guardian_name: "Lò Thị Hiền".into(),
            guardian_relation: "mẹ".into(),
            guardian_method: "written".into(),
            guardian_date: "20/11/2026".into(),
            child_agreed: String::new(),
            child_date: String::new(),
            purpose: "Thành viên Hội đồng trẻ em huyện Tam Đường".into(),
        };
        let mut e = Fields::new();
        check_consent_form(&k, Some(d(2016, 1, 1)), "Lò Văn An", today, &mut e);
        assert_eq!(e["child_agreed"], "child_consent_required");
        assert_eq!(e["child_date"], "required");
        let mut e = Fields::new();
        check_consent_form(&k, Some(d(2020, 6, 1)), "Lò Văn An", today, &mut e);
        assert!(e.is_empty(), "{e:?}");
        let named = ConsentForm {
            purpose: "Lò Văn An vào Hội đồng trẻ em".into(),
            ..k.clone()
        };
        let mut e = Fields::new();
        check_consent_form(&named, Some(d(2020, 6, 1)), "Lò Văn An", today, &mut e);
        assert_eq!(e["purpose"], "purpose_contains_name");
        let mut e = Fields::new();
        check_consent_form(&ConsentForm::default(), None, "", today, &mut e);
        for f in [
            "guardian_name",
            "guardian_relation",
            "guardian_method",
            "guardian_date",
            "purpose",
        ] {
            assert_eq!(e[f], "required", "{f}");
        }
    }
}
