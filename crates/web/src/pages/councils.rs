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
    self as membership_pages, Council, CouncilMemberForm, Here, Shared, YearQuery, created, listed,
    member_rows, page_year, refused,
};
use super::people::{MemberRow, RosterKeys, RosterView, error_summary, field_message};
use super::{Chrome, PageErr, PageError, PageResult, Visit, answered, render, require};
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
use thamgia_actions::Act;
use thamgia_actions::recommendations::RecommendationInput as RecommendationForm;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::{CouncilRole, RecommendationSource};
use thamgia_store::councils;
use thamgia_store::entity::{agency, council, council_dialogue, unit};

pub fn routes() -> Router<AppState> {
    membership_pages::routes::<Council>(get(list), get(new_form).post(create))
        .route(
            "/councils/{id}/dialogues/{did}/recommendations",
            post(add_recommendation),
        )
        .route("/static/councils.css", get(stylesheet))
}

/// The level rule is the actions' (`forums` and `clubs` read it here too).
pub(crate) use thamgia_actions::models::units_holding;

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
    let (year, years, list) = listed::<Council>((&state, &p, lang), &q).await?;
    let db = &state.db.conn;
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
        years,
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

form_errors!(CouncilFormPage, field_message);

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
    let done = thamgia_actions::councils::create(act, &f)
        .await
        .map(|k| k.id);
    created::<Council, _>(ctx.lang, done, async |errors| {
        form_page(&state, &p, &ctx, f, errors).await
    })
    .await
}

// ---------------------------------------------------------------- one council

/// A recommendation as listed under its dialogue or club (the agency by name).
pub(crate) use crate::api::roster::RecommendationBrief as RecRow;

pub struct DialogueRow {
    pub d: council_dialogue::Model,
    pub recs: Vec<RecRow>,
}

/// Recommendations of one source, for the page.
pub(crate) async fn rec_rows(
    db: &DatabaseConnection,
    lang: Lang,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
) -> AppResult<Vec<RecRow>> {
    let name = |a: agency::Model| lang.pick(&a.name_vi, &a.name_en).to_string();
    crate::api::roster::listed(db, source, id, today, name).await
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
    dialogues: Vec<DialogueRow>,
    roles: Vec<&'static str>,
    page: Shared,
    mf: CouncilMemberForm,
    df: DialogueForm,
    rf: RecommendationForm,
    rec_for: i32,
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
pub(super) async fn page(at: Here<'_>, id: i32, mut t: Typed) -> Result<CouncilPage, PageError> {
    let (state, p, ctx) = at;
    let (k, u) = load(state, p, id, ctx.lang).await?;
    let (db, lang) = (&state.db.conn, ctx.lang);
    let today = state.now().date_naive();
    let worked = councils::years_worked(db, k.id).await.page(lang)?;
    let year = page_year(&worked, &t.year, today);
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
    let open = open.map(|(m, _)| m.person_id);
    let page = Shared::of(at, &mut t, (k.id, &k.name), (&u, &u), open).await?;
    let mut mf = t.member_form();
    if mf.role.is_empty() {
        mf.role = CouncilRole::Member.as_str().into();
    }
    Ok(CouncilPage {
        c: Chrome::new(ctx, "council-title"),
        district: lang.pick(&u.name_vi, &u.name_en).to_string(),
        works: worked.contains(&year),
        years_worked: worked.into_iter().collect(),
        year,
        // The first table: those serving in `year`.
        members: member_rows(lang, page.names, &members, |m, person| MemberRow {
            id: m.id,
            listed: councils::serves_in(m.term_start, m.term_end, year),
            role: lang.t(&format!(
                "council-role-{}",
                m.role.as_str().replace('_', "-")
            )),
            start: m.term_start,
            end: m.term_end,
            ..person
        }),
        roster: RosterView {
            path: format!("/councils/{}", k.id),
            keys: &RosterKeys::COUNCIL,
            listed_label: format!("{} {year}", lang.t("council-members-in-year")),
            listed: serving,
        },
        serving,
        dialogues,
        roles: CouncilRole::ALL.iter().map(|r| r.as_str()).collect(),
        page,
        mf,
        df: t.more.df.unwrap_or_else(|| DialogueForm {
            held_on: lang.date(today),
            ..Default::default()
        }),
        rf: t.more.rf.unwrap_or_default(),
        rec_for: t.more.rec_for,
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
