//! The page of a body children are members of — a children's council, a
//! club — as far as it is the same for both: the page shown and shown again
//! with a refused form, the handlers that add and end a membership, and the
//! lists its forms choose from. Each body's module says what differs
//! ([`Body`]): its model, its address, its roster's words and its own forms.

use super::matters::Fields;
use super::people::{self as people_pages, MemberRow, RosterKeys, checked};
use super::{
    PageErr, PageError, PageResult, Visit, answered, clubs, councils, render, require,
    unprocessable,
};
use crate::auth::{CsrfForm, Ctx};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{MethodRouter, get, post};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use std::collections::BTreeSet;
use std::future::Future;
use thamgia_actions::membership::{self, EndInput, MemberInput, Model};
use thamgia_actions::models::{year_of, year_options};
use thamgia_actions::{Act, ActionResult};
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_store::Result as StoreResult;
use thamgia_store::agencies;
use thamgia_store::entity::{agency, person, unit};

/// A body with members, as its page module describes it.
pub(crate) trait Body: Sized + Send + Sync + 'static {
    const MODEL: Model;
    /// Where its pages live: `/councils`, `/clubs`.
    const BASE: &'static str;
    /// What its roster calls things (`member_tables.html`, `member_add.html`).
    const ROSTER: &'static RosterKeys;
    /// The form that adds a member.
    type MemberForm: serde::de::DeserializeOwned + Default + Send + 'static;
    /// The form that ends a membership.
    type EndForm: serde::de::DeserializeOwned + Send + 'static;
    /// The body's other forms as typed (a council's dialogue, a club's activity).
    type Forms: Default + Send;

    /// The body's page.
    type Page: Template;
    /// What the body holds and records (a council's dialogue, a club's
    /// activity): its form, and the form's name on the page.
    type HeldForm: serde::de::DeserializeOwned + Send + 'static;
    const HELD: &'static str;
    /// Where what it held is recorded, below its page: `dialogues`, `activities`.
    const HELD_PATH: &'static str;

    fn member_input(f: &Self::MemberForm) -> MemberInput;
    fn end_input(f: Self::EndForm) -> EndInput;
    /// The page of body `id`, loaded in the user's scope.
    fn page(
        at: Here<'_>,
        id: i32,
        t: Typed<Self>,
    ) -> impl Future<Output = Result<Self::Page, PageError>> + Send;
    /// A row of the list: one body with the figures of a year.
    type Listed: Send;
    /// The years in which any of the scope's bodies met, newest first.
    fn years(
        db: &DatabaseConnection,
        scope: &Scope,
    ) -> impl Future<Output = StoreResult<Vec<i32>>> + Send;
    /// The scope's bodies that existed in `year`, with its figures.
    fn list(
        db: &DatabaseConnection,
        scope: &Scope,
        year: i32,
    ) -> impl Future<Output = StoreResult<Vec<Self::Listed>>> + Send;
    /// The child chosen in the member form.
    fn person_of(f: &mut Self::MemberForm) -> &mut String;
    /// Records what was held; answers where the page shows it.
    fn hold(
        act: Act<'_>,
        id: i32,
        f: &Self::HeldForm,
    ) -> impl Future<Output = ActionResult<String>> + Send;
    /// The body's forms, the held one as typed.
    fn held_typed(f: Self::HeldForm) -> Self::Forms;
    /// Form `which`'s fields in the order its errors are summed up, and the
    /// prefix of their labels.
    fn order(which: &str) -> (&'static [&'static str], &'static str);
}

/// What a body's page module (`councils`, `clubs`) and its store module of
/// the same name answer alike: the page, the list and its years, the child
/// chosen in the member form.
macro_rules! body_pages {
    ($module:ident, $row:ident) => {
        type Listed = thamgia_store::$module::$row;

        fn page(
            at: Here<'_>,
            id: i32,
            t: Typed<Self>,
        ) -> impl Future<Output = Result<Self::Page, PageError>> + Send {
            $module::page(at, id, t)
        }

        fn years(
            db: &DatabaseConnection,
            scope: &Scope,
        ) -> impl Future<Output = StoreResult<Vec<i32>>> + Send {
            thamgia_store::$module::years(db, scope)
        }

        fn list(
            db: &DatabaseConnection,
            scope: &Scope,
            year: i32,
        ) -> impl Future<Output = StoreResult<Vec<Self::Listed>>> + Send {
            thamgia_store::$module::list(db, scope, year)
        }

        fn person_of(f: &mut Self::MemberForm) -> &mut String {
            &mut f.person
        }
    };
}

/// A children's council: members serve a term, with a role.
pub(crate) struct Council;

impl Body for Council {
    const MODEL: Model = Model::Council;
    const BASE: &'static str = "/councils";
    const ROSTER: &'static RosterKeys = &RosterKeys::COUNCIL;
    type MemberForm = CouncilMemberForm;
    type EndForm = TermEndForm;
    type Forms = councils::Forms;
    type Page = councils::CouncilPage;
    type HeldForm = councils::DialogueForm;
    const HELD: &'static str = "dialogue";
    const HELD_PATH: &'static str = "dialogues";

    fn member_input(f: &CouncilMemberForm) -> MemberInput {
        MemberInput {
            person: f.person.clone(),
            role: f.role.clone(),
            is_leader: false,
            start: f.term_start.clone(),
            end: f.term_end.clone(),
        }
    }

    fn end_input(f: TermEndForm) -> EndInput {
        EndInput { end: f.term_end }
    }

    body_pages!(councils, CouncilRow);

    async fn hold(act: Act<'_>, id: i32, f: &councils::DialogueForm) -> ActionResult<String> {
        let d = thamgia_actions::councils::add_dialogue(act, id, f).await?;
        Ok(format!(
            "/councils/{id}?year={}&saved=dialogue#dialogue-{}",
            d.year, d.id
        ))
    }

    fn held_typed(f: councils::DialogueForm) -> councils::Forms {
        councils::Forms {
            df: Some(f),
            ..Default::default()
        }
    }

    fn order(which: &str) -> (&'static [&'static str], &'static str) {
        match which {
            "member" => (
                &["person", "role", "term_start", "term_end"],
                "council-field-",
            ),
            "end" => (&["term_end"], "council-field-"),
            "dialogue" => (
                &["held_on", "attendees", "issues", "children_present"],
                "council-dialogue-field-",
            ),
            _ => (&["text", "topic", "agency", "deadline"], REC_FIELD),
        }
    }
}

/// A club: members join and leave; some lead.
pub(crate) struct Club;

impl Body for Club {
    const MODEL: Model = Model::Club;
    const BASE: &'static str = "/clubs";
    const ROSTER: &'static RosterKeys = &RosterKeys::CLUB;
    type MemberForm = ClubMemberForm;
    type EndForm = LeaveForm;
    type Forms = clubs::Forms;
    type Page = clubs::ClubPage;
    type HeldForm = clubs::ActivityForm;
    const HELD: &'static str = "activity";
    const HELD_PATH: &'static str = "activities";

    fn member_input(f: &ClubMemberForm) -> MemberInput {
        MemberInput {
            person: f.person.clone(),
            is_leader: checked(&f.is_leader),
            start: f.joined_on.clone(),
            ..Default::default()
        }
    }

    fn end_input(f: LeaveForm) -> EndInput {
        EndInput { end: f.left_on }
    }

    body_pages!(clubs, ClubRow);

    async fn hold(act: Act<'_>, id: i32, f: &clubs::ActivityForm) -> ActionResult<String> {
        let a = thamgia_actions::clubs::add_activity(act, id, f).await?;
        Ok(format!(
            "/clubs/{id}?year={}&saved=activity#activities",
            a.year
        ))
    }

    fn held_typed(f: clubs::ActivityForm) -> clubs::Forms {
        clubs::Forms {
            af: Some(f),
            ..Default::default()
        }
    }

    fn order(which: &str) -> (&'static [&'static str], &'static str) {
        match which {
            "member" => (&["person", "is_leader", "joined_on"], "club-field-"),
            "leave" => (&["left_on"], "club-field-"),
            "activity" => (
                &["held_on", "topic", "girls", "boys"],
                "club-activity-field-",
            ),
            _ => (
                &["raised_on", "text", "topic", "agency", "deadline"],
                REC_FIELD,
            ),
        }
    }
}

/// The labels of a recommendation's fields.
const REC_FIELD: &str = "models-rec-field-";

/// A body set up: on to its page; refused: its form again (422) as `form`
/// renders it with the errors.
pub(crate) async fn created<B: Body, P: Template>(
    lang: Lang,
    done: ActionResult<i32>,
    form: impl AsyncFnOnce(Fields) -> Result<P, PageError>,
) -> PageResult {
    match answered(done, lang)? {
        Ok(id) => Ok(Redirect::to(&format!("{}/{id}", B::BASE)).into_response()),
        Err(errors) => Ok(unprocessable(render(&form(errors).await?))),
    }
}

/// The routes every body has: its list, the form that sets one up, its page,
/// adding and ending a membership, and recording what it held.
pub(crate) fn routes<B: Body>(
    list: MethodRouter<AppState>,
    new: MethodRouter<AppState>,
) -> Router<AppState> {
    let page = format!("{}/{{id}}", B::BASE);
    let end = format!("{page}/members/{{mid}}/{}", B::ROSTER.end_action);
    Router::new()
        .route(B::BASE, list)
        .route(&format!("{}/new", B::BASE), new)
        .route(&page, get(show::<B>))
        .route(&format!("{page}/members"), post(add_member::<B>))
        .route(&end, post(end_member::<B>))
        .route(&format!("{page}/{}", B::HELD_PATH), post(add_held::<B>))
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CouncilMemberForm {
    /// Id of a child in scope with a consent that stands.
    pub person: String,
    /// chair | vice_chair | secretary | member
    pub role: String,
    pub term_start: String,
    /// Optional.
    pub term_end: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ClubMemberForm {
    /// Id of a child in scope with a consent that stands.
    pub person: String,
    /// A checkbox: `yes` for a child leader.
    pub is_leader: String,
    pub joined_on: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TermEndForm {
    /// The term's last day; empty for today.
    pub term_end: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct LeaveForm {
    /// The day the child left; empty for today.
    pub left_on: String,
}

/// The page's forms and what was typed into the one being sent.
pub(crate) struct Typed<B: Body> {
    /// The form refused: `member`, the roster's end action, or the body's own.
    pub which: String,
    pub errors: Fields,
    pub mf: Option<B::MemberForm>,
    pub year: String,
    pub person: String,
    pub saved: String,
    pub more: B::Forms,
}

impl<B: Body> Default for Typed<B> {
    fn default() -> Self {
        Typed {
            which: String::new(),
            errors: Fields::new(),
            mf: None,
            year: String::new(),
            person: String::new(),
            saved: String::new(),
            more: B::Forms::default(),
        }
    }
}

impl<B: Body> Typed<B> {
    /// The member form as typed, else a new one for the child asked for.
    pub fn member_form(&mut self) -> B::MemberForm {
        let mut mf = self.mf.take().unwrap_or_default();
        let person = B::person_of(&mut mf);
        if person.is_empty() {
            person.clone_from(&self.person);
        }
        mf
    }

    /// The page again after form `which` was refused with `errors`.
    pub fn refused(which: &str, errors: Fields, more: B::Forms) -> Self {
        Typed {
            which: which.into(),
            errors,
            more,
            ..Typed::default()
        }
    }
}

/// The page's refused form, if any: which one, and its errors.
pub(crate) struct Refused {
    pub which: String,
    pub errors: Fields,
    pub lang: Lang,
}

impl Refused {
    /// The message for a field's error (`models-err-<code>`).
    pub fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|code| {
                self.lang
                    .t(&format!("models-err-{}", code.replace('_', "-")))
            })
            .unwrap_or_default()
    }

    /// Whether form `form` was refused for `field`.
    pub fn has_error(&self, form: &str, field: &str) -> bool {
        self.which == form && self.errors.contains_key(field)
    }
}

/// What a page is asked with: the app, the user, the request's context.
pub(crate) type Here<'a> = (&'a AppState, &'a Principal, &'a Ctx);

/// A list's rows: the scope's bodies in the year asked for (else the
/// default among the years with meetings), that year, and the years to
/// choose from.
pub(crate) async fn listed<B: Body>(
    (state, p, lang): (&AppState, &Principal, Lang),
    q: &YearQuery,
) -> Result<(i32, Vec<i32>, Vec<B::Listed>), PageError> {
    require(p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let years = B::years(db, &scope).await.page(lang)?;
    let year = year_of(&q.year, &years, today);
    let list = B::list(db, &scope, year).await.page(lang)?;
    Ok((year, year_options(&years, today, year), list))
}

/// The year a body's page shows: the one asked for, else the default among
/// the years it met (`met`).
pub(crate) fn page_year(met: &BTreeSet<i32>, asked: &str, today: NaiveDate) -> i32 {
    let newest_first: Vec<i32> = met.iter().rev().copied().collect();
    year_of(asked, &newest_first, today)
}

/// The members as a user may see them (n: the place in the list), each row
/// finished by `row` from the membership.
pub(crate) fn member_rows<M>(
    lang: Lang,
    names: bool,
    members: &[(M, person::Model)],
    row: impl Fn(&M, MemberRow) -> MemberRow,
) -> Vec<MemberRow> {
    members
        .iter()
        .enumerate()
        .map(|(i, (m, person))| row(m, MemberRow::of(lang, names, i + 1, person)))
        .collect()
}

/// What every body's page shows alike: who may see and do what, the
/// children who may join and where a new one is registered, the agencies a
/// recommendation may go to, the refused form with its summary, and what
/// was saved.
pub(crate) struct Shared {
    pub names: bool,
    pub can_manage: bool,
    pub can_record: bool,
    pub eligible: Vec<(i32, String)>,
    pub new_person: String,
    pub agency_options: Vec<agency::Model>,
    pub summary: Vec<(String, String)>,
    pub r: Refused,
    pub saved: String,
}

impl Shared {
    /// For the page of body `k` (id, name): children may join from unit
    /// `from` unless in `open`, and new ones are registered at `register`.
    pub(crate) async fn of<B: Body>(
        (state, p, ctx): Here<'_>,
        t: &mut Typed<B>,
        (id, name): (i32, &str),
        (from, register): (&unit::Model, &unit::Model),
        open: impl Iterator<Item = i32>,
    ) -> Result<Self, PageError> {
        let lang = ctx.lang;
        let (order, prefix) = B::order(&t.which);
        let errors = std::mem::take(&mut t.errors);
        let purpose = Lang::Vi.t_args("models-purpose-member", &[("name", name.to_string())]);
        Ok(Shared {
            names: p.can(Permission::ViewNames),
            can_manage: p.can(Permission::ManageModels),
            can_record: p.can(Permission::RecordActivities),
            eligible: eligible(state, p, lang, &from.path, open).await?,
            new_person: people_pages::new_person_href(
                &register.code,
                &purpose,
                &format!("{}/{id}#add-member", B::BASE),
            ),
            agency_options: agency_options(state, p, lang).await?,
            summary: people_pages::error_summary(lang, &errors, order, prefix),
            r: Refused {
                which: std::mem::take(&mut t.which),
                errors,
                lang,
            },
            saved: std::mem::take(&mut t.saved),
        })
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
    pub person: String,
    pub saved: String,
}

pub(crate) async fn show<B: Body>(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    let t = Typed {
        year: q.year,
        person: q.person,
        saved: q.saved,
        ..Typed::default()
    };
    Ok(render(&B::page((&state, &p, &ctx), id, t).await?))
}

/// The body's page again, with the refused form's errors (422).
pub(crate) async fn refused<B: Body>(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    t: Typed<B>,
) -> PageResult {
    Ok(unprocessable(render(
        &B::page((state, p, ctx), id, t).await?,
    )))
}

/// A form's action done: on to `to(value)`; refused: the page again with
/// the form as `typed` keeps it.
async fn answer<B: Body, T>(
    (state, p, ctx, id): (&AppState, &Principal, &Ctx, i32),
    done: ActionResult<T>,
    to: impl FnOnce(T) -> String,
    typed: impl FnOnce(Fields) -> Typed<B>,
) -> PageResult {
    match answered(done, ctx.lang)? {
        Ok(v) => Ok(Redirect::to(&to(v)).into_response()),
        Err(errors) => refused(state, p, ctx, id, typed(errors)).await,
    }
}

fn members_saved<B: Body>(id: i32) -> impl FnOnce(i32) -> String {
    move |_| format!("{}/{id}?saved=member#members", B::BASE)
}

pub(crate) async fn add_member<B: Body>(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<B::MemberForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let added = membership::add(act, B::MODEL, id, &B::member_input(&f)).await;
    answer(
        (&state, &p, &ctx, id),
        added,
        members_saved::<B>(id),
        |errors| Typed {
            mf: Some(f),
            ..Typed::<B>::refused("member", errors, B::Forms::default())
        },
    )
    .await
}

pub(crate) async fn end_member<B: Body>(
    Visit { state, p, ctx }: Visit,
    Path((id, mid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<B::EndForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let ended = membership::end(act, B::MODEL, id, mid, &B::end_input(f)).await;
    answer(
        (&state, &p, &ctx, id),
        ended,
        members_saved::<B>(id),
        |errors| Typed::<B>::refused(B::ROSTER.end_action, errors, B::Forms::default()),
    )
    .await
}

/// Records what the body held (`/councils/{id}/dialogues`, `/clubs/{id}/activities`).
pub(crate) async fn add_held<B: Body>(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<B::HeldForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let held = B::hold(act, id, &f).await;
    answer(
        (&state, &p, &ctx, id),
        held,
        |to| to,
        |errors| Typed::<B>::refused(B::HELD, errors, B::held_typed(f)),
    )
    .await
}

/// Children who may join (only for those who manage and see names): the
/// identified children inside `unit_path` not already in (`open`).
pub(crate) async fn eligible(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    unit_path: &str,
    open: impl Iterator<Item = i32>,
) -> Result<Vec<(i32, String)>, PageError> {
    if !(p.can(Permission::ManageModels) && p.can(Permission::ViewNames)) {
        return Ok(vec![]);
    }
    let open: BTreeSet<i32> = open.collect();
    people_pages::eligible(&state.db.conn, p, lang, unit_path, &open)
        .await
        .page(lang)
}

/// The agencies a recommendation may go to (only for those who manage).
pub(crate) async fn agency_options(
    state: &AppState,
    p: &Principal,
    lang: Lang,
) -> Result<Vec<agency::Model>, PageError> {
    if !p.can(Permission::ManageModels) {
        return Ok(vec![]);
    }
    Ok(agencies::list(&state.db.conn, &p.scope())
        .await
        .page(lang)?
        .into_iter()
        .map(|(a, _)| a)
        .collect())
}
