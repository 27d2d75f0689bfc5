//! Children's Councils (Hội đồng trẻ em), one per district: the list with
//! whether each council worked in a year (held at least one dialogue), the
//! form to set one up, and its page — members with their role and term, the
//! dialogues with People's Council representatives, and the recommendations
//! the children raised there.
//!
//! Members' names are shown only to roles with `ViewNames`; everyone else
//! reads "Thành viên #n". A member is only added with a consent that stands.
//!
//! The checks here are shared with the JSON API (`api/councils.rs`).

use super::matters::Fields;
use super::membership::{
    self as membership_pages, Council, CouncilMemberForm, Refused, YearQuery, add_held, add_member,
    end_member, refused, show,
};
use super::people::{
    MemberRow, RosterKeys, RosterView, error_summary, field_message, new_person_href,
};
use super::{
    Chrome, PageErr, PageError, PageResult, Visit, answered, render, require, unprocessable,
};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use std::collections::BTreeSet;
use thamgia_actions::recommendations::RecommendationInput as RecommendationForm;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::{CouncilRole, RecommendationSource};
use thamgia_store::councils;
use thamgia_store::entity::{agency, council, council_dialogue, council_member, person, unit};
use thamgia_store::{agencies, recommendations};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/councils", get(list))
        .route("/councils/new", get(new_form).post(create))
        .route("/councils/{id}", get(show::<Council>))
        .route("/councils/{id}/members", post(add_member::<Council>))
        .route(
            "/councils/{id}/members/{mid}/end",
            post(end_member::<Council>),
        )
        .route("/councils/{id}/dialogues", post(add_held::<Council>))
        .route(
            "/councils/{id}/dialogues/{did}/recommendations",
            post(add_recommendation),
        )
        .route("/static/councils.css", get(stylesheet))
}

/// The level rule and the years shown are the actions' (`forums` reads them here too).
pub(crate) use thamgia_actions::models::{units_holding, year_of, year_options};

/// The fields of a new council, as the form sends them: the action's input.
pub use thamgia_actions::councils::CouncilInput as CouncilForm;
/// The fields of a dialogue, as the form sends them: the action's input.
pub use thamgia_actions::councils::DialogueInput as DialogueForm;

/// Units in scope that may have a council this year, and which of them
/// have one already.
async fn district_options(
    db: &DatabaseConnection,
    p: &Principal,
    today: NaiveDate,
) -> AppResult<Vec<(unit::Model, bool)>> {
    let mut out = vec![];
    for u in units_holding(db, p, "council", today.year()).await? {
        let has = councils::of_unit(db, u.id).await?.is_some();
        out.push((u, has));
    }
    Ok(out)
}

// ---------------------------------------------------------------- list

pub struct CouncilListRow {
    pub id: i32,
    pub name: String,
    pub district: String,
    pub established_on: NaiveDate,
    pub members: u64,
    pub dialogues: u64,
    pub works: bool,
}

#[derive(Template)]
#[template(path = "council_list.html")]
struct CouncilsPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    rows: Vec<CouncilListRow>,
    working: usize,
    without: Vec<String>,
    can_create: bool,
}

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<YearQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let years = councils::years(db, &scope).await.page(lang)?;
    let year = year_of(&q.year, &years, today);
    let list = councils::list(db, &scope, year).await.page(lang)?;
    let with: BTreeSet<i32> = list.iter().map(|r| r.unit.id).collect();
    let without = units_holding(db, &p, "council", year)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| !with.contains(&u.id))
        .map(|u| lang.pick(&u.name_vi, &u.name_en).to_string())
        .collect();
    let rows: Vec<CouncilListRow> = list
        .into_iter()
        .map(|r| CouncilListRow {
            works: r.works(),
            id: r.council.id,
            name: r.council.name,
            district: lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string(),
            established_on: r.council.established_on,
            members: r.members,
            dialogues: r.dialogues,
        })
        .collect();
    Ok(render(&CouncilsPage {
        c: Chrome::new(&ctx, "council-list-title"),
        working: rows.iter().filter(|r| r.works).count(),
        years: year_options(&years, today, year),
        year,
        rows,
        without,
        can_create: p.can(Permission::ManageModels),
    }))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "council_form.html")]
struct CouncilFormPage {
    c: Chrome,
    f: CouncilForm,
    errors: Fields,
    summary: Vec<(String, String)>,
    districts: Vec<(unit::Model, bool)>,
}

impl CouncilFormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: CouncilForm,
    errors: Fields,
) -> Result<CouncilFormPage, PageError> {
    Ok(CouncilFormPage {
        c: Chrome::new(ctx, "council-new-title"),
        summary: error_summary(
            ctx.lang,
            &errors,
            &["unit", "name", "established_on"],
            "council-field-",
        ),
        districts: district_options(&state.db.conn, p, state.now().date_naive())
            .await
            .page(ctx.lang)?,
        f,
        errors,
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let districts = district_options(&state.db.conn, &p, state.now().date_naive())
        .await
        .page(ctx.lang)?;
    let mut f = CouncilForm::default();
    if let Some((u, _)) = districts.iter().find(|(_, has)| !has) {
        f.unit = u.code.clone();
        // A record's name is Vietnamese whatever the language of the page.
        f.name = Lang::Vi.t_args("council-default-name", &[("unit", lower_first(&u.name_vi))]);
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

/// "Huyện Tam Đường" → "huyện Tam Đường", as it reads inside a name.
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(f): CsrfForm<CouncilForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::councils::create(act, &f).await {
        Ok(k) => Ok(Redirect::to(&format!("/councils/{}", k.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

// ---------------------------------------------------------------- one council

pub struct RecRow {
    pub id: i32,
    pub text: String,
    pub topic: String,
    pub agency: String,
    pub deadline: NaiveDate,
    pub status: String,
    pub overdue: bool,
}

pub struct DialogueRow {
    pub d: council_dialogue::Model,
    pub recs: Vec<RecRow>,
}

/// The members of a council as a given user may see them (n: the place in
/// the list); the first table holds those serving in `year`.
fn member_rows(
    lang: Lang,
    names: bool,
    year: i32,
    members: &[(council_member::Model, person::Model)],
) -> Vec<MemberRow> {
    members
        .iter()
        .enumerate()
        .map(|(i, (m, person))| MemberRow {
            id: m.id,
            listed: councils::serves_in(m.term_start, m.term_end, year),
            role: lang.t(&format!(
                "council-role-{}",
                m.role.as_str().replace('_', "-")
            )),
            start: m.term_start,
            end: m.term_end,
            ..MemberRow::of(lang, names, i + 1, person)
        })
        .collect()
}

/// Recommendations of one source, for the page.
pub(crate) async fn rec_rows(
    db: &DatabaseConnection,
    lang: Lang,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
) -> AppResult<Vec<RecRow>> {
    let mut out = vec![];
    for r in recommendations::for_source(db, source, id).await? {
        let agency = agencies::by_id(db, r.agency_id)
            .await?
            .map(|a| lang.pick(&a.name_vi, &a.name_en).to_string())
            .unwrap_or_default();
        out.push(RecRow {
            id: r.id,
            overdue: recommendations::is_overdue(&r, today),
            text: r.text,
            topic: r.topic,
            agency,
            deadline: r.deadline,
            status: r.status.as_str().into(),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "council.html")]
pub(crate) struct CouncilPage {
    c: Chrome,
    k: council::Model,
    district: String,
    year: i32,
    years_worked: Vec<i32>,
    works: bool,
    members: Vec<MemberRow>,
    roster: RosterView,
    serving: usize,
    names: bool,
    dialogues: Vec<DialogueRow>,
    can_manage: bool,
    can_record: bool,
    eligible: Vec<(i32, String)>,
    new_person: String,
    roles: Vec<&'static str>,
    agency_options: Vec<agency::Model>,
    r: Refused,
    summary: Vec<(String, String)>,
    mf: CouncilMemberForm,
    df: DialogueForm,
    rf: RecommendationForm,
    rec_for: i32,
    saved: String,
}

/// A council's own forms as typed: a dialogue, a recommendation raised at
/// dialogue `rec_for`.
#[derive(Default)]
pub(crate) struct Forms {
    pub(crate) df: Option<DialogueForm>,
    pub(crate) rf: Option<RecommendationForm>,
    pub(crate) rec_for: i32,
}

type Typed = membership_pages::Typed<Council>;

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(council::Model, unit::Model), PageError> {
    councils::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)
}

/// The page of council `id`, loaded in the user's scope.
pub(super) async fn council_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    t: Typed,
) -> Result<CouncilPage, PageError> {
    let lang = ctx.lang;
    let (k, u) = load(state, p, id, ctx.lang).await?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let names = p.can(Permission::ViewNames);
    let worked: Vec<i32> = councils::years_worked(db, k.id)
        .await
        .page(lang)?
        .into_iter()
        .collect();
    let mut desc = worked.clone();
    desc.reverse();
    let year = year_of(&t.year, &desc, today);
    let members = councils::members(db, k.id).await.page(lang)?;
    let serving = members
        .iter()
        .filter(|(m, _)| councils::serves_in(m.term_start, m.term_end, year))
        .count();
    let mut dialogues = vec![];
    for d in councils::dialogues(db, k.id).await.page(lang)? {
        let recs = rec_rows(db, lang, RecommendationSource::CouncilDialogue, d.id, today)
            .await
            .page(lang)?;
        dialogues.push(DialogueRow { d, recs });
    }
    let open = members.iter().filter(|(m, _)| m.term_end.is_none());
    let eligible =
        membership_pages::eligible(state, p, lang, &u.path, open.map(|(m, _)| m.person_id)).await?;
    let mut mf = t.mf.unwrap_or_default();
    if mf.person.is_empty() {
        mf.person = t.person.clone();
    }
    if mf.role.is_empty() {
        mf.role = CouncilRole::Member.as_str().into();
    }
    let agency_options = membership_pages::agency_options(state, p, lang).await?;
    let order: &[&str] = match t.which.as_str() {
        "member" => &["person", "role", "term_start", "term_end"],
        "dialogue" => &["held_on", "attendees", "issues", "children_present"],
        "end" => &["term_end"],
        _ => &["text", "topic", "agency", "deadline"],
    };
    let prefix = match t.which.as_str() {
        "member" | "end" => "council-field-",
        "dialogue" => "council-dialogue-field-",
        _ => "models-rec-field-",
    };
    Ok(CouncilPage {
        c: Chrome::new(ctx, "council-title"),
        district: lang.pick(&u.name_vi, &u.name_en).to_string(),
        works: worked.contains(&year),
        years_worked: worked,
        year,
        members: member_rows(lang, names, year, &members),
        roster: RosterView {
            path: format!("/councils/{}", k.id),
            keys: &RosterKeys::COUNCIL,
            listed_label: format!("{} {year}", lang.t("council-members-in-year")),
            listed: serving,
        },
        serving,
        names,
        dialogues,
        can_manage: p.can(Permission::ManageModels),
        can_record: p.can(Permission::RecordActivities),
        eligible,
        new_person: new_person_href(
            &u.code,
            &Lang::Vi.t_args("models-purpose-member", &[("name", k.name.clone())]),
            &format!("/councils/{}#add-member", k.id),
        ),
        roles: CouncilRole::ALL.iter().map(|r| r.as_str()).collect(),
        agency_options,
        summary: error_summary(lang, &t.errors, order, prefix),
        r: Refused {
            which: t.which,
            errors: t.errors,
            lang,
        },
        mf,
        df: t.more.df.unwrap_or_else(|| DialogueForm {
            held_on: lang.date(today),
            ..Default::default()
        }),
        rf: t.more.rf.unwrap_or_default(),
        rec_for: t.more.rec_for,
        saved: t.saved,
        k,
    })
}

pub async fn add_recommendation(
    Visit { state, p, ctx }: Visit,
    Path((id, did)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<RecommendationForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let (k, _) = load(&state, &p, id, lang).await?;
    let d = councils::dialogue(&state.db.conn, k.id, did)
        .await
        .page(lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let added = thamgia_actions::councils::add_recommendation(act, id, did, &f).await;
    match answered(added, lang)? {
        Ok(_) => Ok(Redirect::to(&format!(
            "/councils/{id}?year={}&saved=recommendation#dialogue-{did}",
            d.year
        ))
        .into_response()),
        Err(errors) => {
            let more = Forms {
                rf: Some(f),
                rec_for: did,
                ..Forms::default()
            };
            let t = Typed {
                year: d.year.to_string(),
                ..Typed::refused("rec", errors, more)
            };
            refused(&state, &p, &ctx, id, t).await
        }
    }
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/councils.css"),
    )
        .into_response()
}
