//! What the councils' and clubs' operations share (`api/councils.rs`,
//! `api/clubs.rs`): a member as the API shows it, a member found in its
//! roster, the addition of a member (`thamgia_actions::membership`), the year
//! the figures are for, and the recommendations listed under a dialogue or
//! club.

use super::JsonBody;
use super::shapes::query_params;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::membership::{self, MemberInput, Model};
use thamgia_actions::models::year_of;
use thamgia_actions::recommendations::RecommendationInput;
use thamgia_domain::access::Principal;
use thamgia_domain::models::RecommendationSource;
use thamgia_store::entity::{agency, person};
use thamgia_store::{agencies, recommendations};

/// "Thành viên #n": what callers who may not see names read.
pub(crate) fn member_label(n: usize) -> String {
    Lang::Vi.t_args("models-member-n", &[("n", n.to_string())])
}

/// Declares the member of a roster as the API shows it, with its
/// constructor `of`: the membership's id, the member's number in the list,
/// "Thành viên #n" and who the child is for callers allowed to see names
/// (`ViewNames`), then the fields of the roster's own kind.
macro_rules! roster_member {
    (
        $name:ident,
        number: $number_doc:literal,
        person_id: $person_doc:literal,
        { $($(#[$attr:meta])* $field:ident: $ty:ty),* $(,)? }
    ) => {
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub id: i32,
            #[doc = $number_doc]
            pub number: usize,
            /// "Thành viên #n" — what callers who may not see names read.
            pub label: String,
            #[doc = $person_doc]
            #[serde(skip_serializing_if = "Option::is_none")]
            pub person_id: Option<i32>,
            /// The child's name, or the pseudonym after withdrawal (`ViewNames` only).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            /// `ViewNames` only.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub school_or_commune: Option<String>,
            $($(#[$attr])* pub $field: $ty,)*
        }

        impl $name {
            /// Membership `id`, number `n` in the list, the child `p` named
            /// when `names`.
            fn of(
                id: i32,
                n: usize,
                p: &thamgia_store::entity::person::Model,
                names: bool,
                $($field: $ty),*
            ) -> Self {
                $name {
                    id,
                    number: n,
                    label: $crate::api::roster::member_label(n),
                    person_id: names.then_some(p.id),
                    name: names.then(|| thamgia_store::people::display_name(p)),
                    school_or_commune: names.then(|| p.school_or_commune.clone()).flatten(),
                    $($field,)*
                }
            }
        }
    };
}
pub(crate) use roster_member;

/// The operations councils and clubs have alike, over their two stores and
/// actions: `list` (the caller's scope with the year's figures, paged; each
/// row shown by `$dto::listed`), `show` (one, by the module's `one`),
/// `create` (the body converted `Into` the action's input), `add_member`
/// ([`add_member`], answered by the module's `member`) and `record` (a
/// dialogue or an activity, by the action of the same name). The module brings
/// the names they use into scope; each operation keeps its own path,
/// schemas and documentation.
macro_rules! roster_operations {
    (
        store: $store:ident, dto: $dto:ident, id: $id_doc:tt,
        list: $list_path:tt [$($list_doc:tt),* $(,)?],
        show: $show_path:tt [$($show_doc:tt),* $(,)?],
        create: $create_path:tt $create_body:ident $refusals:tt [$($create_doc:tt),* $(,)?],
        add_member: $member_path:tt $member_body:ident $member_dto:ident ($model:expr),
        record: $record:ident $record_path:tt $record_body:ident $record_dto:ident [$($record_doc:tt),* $(,)?] $(,)?
    ) => {
        $(#[doc = $list_doc])*
        #[utoipa::path(get, path = $list_path, tag = "models", params(crate::api::paging::Paging, YearParams),
            responses((status = 200, body = [$dto]), (status = 403, body = ErrorBody)))]
        pub async fn list(
            Api { state, p }: Api,
            Query(q): Query<YearParams>,
            paging: Listing,
        ) -> AppResult<Page<$dto>> {
            require(&p, Permission::ViewModels)?;
            let db = &state.db.conn;
            let scope = p.scope();
            let year = q.pick(&$store::years(db, &scope).await?, state.now().date_naive());
            let rows = $store::list(db, &scope, year).await?;
            paging.page(rows.into_iter().map(|r| $dto::listed(r, year)).collect())
        }

        $(#[doc = $create_doc])*
        #[utoipa::path(post, path = $create_path, tag = "models", request_body = $create_body,
            responses((status = 201, body = $dto),
                      (status = 422, description = $refusals, body = ErrorBody),
                      (status = 403, body = ErrorBody)))]
        pub async fn create(
            Api { state, p }: Api,
            body: JsonBody,
        ) -> AppResult<(StatusCode, Json<$dto>)> {
            let act = Act::new(&state.db.conn, &p, state.now());
            act.require(Permission::ManageModels)?;
            let b: $create_body = super::json(&body)?;
            let k = actions::create(act, &b.into()).await?;
            Ok(created(one(&state, &p, k.id, None).await?))
        }

        $(#[doc = $show_doc])*
        #[utoipa::path(get, path = $show_path, tag = "models",
            params(("id" = i32, Path, description = $id_doc), YearParams),
            responses((status = 200, body = $dto), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
        pub async fn show(
            Api { state, p }: Api,
            Path(id): Path<i32>,
            Query(q): Query<YearParams>,
        ) -> AppResult<Json<$dto>> {
            require(&p, Permission::ViewModels)?;
            Ok(Json(one(&state, &p, id, q.year.as_deref()).await?))
        }

        /// Adds a member. Refused (422 `no_consent`) unless the child's consent stands.
        #[utoipa::path(post, path = $member_path, tag = "models", request_body = $member_body,
            params(("id" = i32, Path, description = $id_doc)),
            responses((status = 201, body = $member_dto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
                      (status = 403, body = ErrorBody)))]
        pub async fn add_member(
            Api { state, p }: Api,
            Path(id): Path<i32>,
            body: JsonBody,
        ) -> AppResult<(StatusCode, Json<$member_dto>)> {
            let mid = $crate::api::roster::add_member::<$member_body>(&state, &p, $model, id, &body).await?;
            Ok(created(member(&state, id, mid, true).await?))
        }

        $(#[doc = $record_doc])*
        #[utoipa::path(post, path = $record_path, tag = "models", request_body = $record_body,
            params(("id" = i32, Path, description = $id_doc)),
            responses((status = 201, body = $record_dto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
                      (status = 403, body = ErrorBody)))]
        pub async fn $record(
            Api { state, p }: Api,
            Path(id): Path<i32>,
            body: JsonBody,
        ) -> AppResult<(StatusCode, Json<$record_dto>)> {
            let act = Act::new(&state.db.conn, &p, state.now());
            act.require(Permission::RecordActivities)?;
            actions::load(act, id).await?;
            let b: $record_body = super::json(&body)?;
            let x = actions::$record(act, id, &b.into()).await?;
            Ok(created($record_dto::from(&x)))
        }
    };
}
pub(crate) use roster_operations;

/// Membership `id` in a roster's list of members with the child, numbered
/// from 1 as the list numbers them; 404 when it is not there.
pub(crate) fn numbered<M>(
    members: &[(M, person::Model)],
    id: i32,
    id_of: impl Fn(&M) -> i32,
) -> AppResult<(usize, &M, &person::Model)> {
    members
        .iter()
        .enumerate()
        .find(|(_, (m, _))| id_of(m) == id)
        .map(|(i, (m, child))| (i + 1, m, child))
        .ok_or(AppError::NotFound)
}

/// Adds a member to council or club `id`: permission and scope before the
/// body is read, then `membership::add`. The membership's id.
pub(crate) async fn add_member<B>(
    state: &AppState,
    p: &Principal,
    model: Model,
    id: i32,
    body: &JsonBody,
) -> AppResult<i32>
where
    B: serde::de::DeserializeOwned + Into<MemberInput>,
{
    let act = Act::new(&state.db.conn, p, state.now());
    membership::load_roster(act, model, id).await?;
    let b: B = super::json(body)?;
    Ok(membership::add(act, model, id, &b.into()).await?)
}

query_params! {
    YearParams {
        /// The year for the figures; default: this year if anything happened in it, else the latest year with records.
        year,
    }
}

impl YearParams {
    /// The year asked for, else the default among `years` (those with records).
    pub(crate) fn pick(&self, years: &[i32], today: NaiveDate) -> i32 {
        year_of(self.year.as_deref().unwrap_or(""), years, today)
    }
}

/// A recommendation as listed under its dialogue or club.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecommendationBrief {
    pub id: i32,
    pub text: String,
    pub topic: String,
    /// Code of the agency addressed.
    pub agency: String,
    pub deadline: NaiveDate,
    /// received | assigned | in_progress | answered
    pub status: String,
    pub overdue: bool,
}

pub(crate) async fn briefs(
    db: &DatabaseConnection,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
) -> AppResult<Vec<RecommendationBrief>> {
    listed(db, source, id, today, |a| a.code).await
}

/// The recommendations of one source (a dialogue, a club), the agency
/// addressed as `agency` names it: its code for the API, its name on a page.
pub(crate) async fn listed(
    db: &DatabaseConnection,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
    agency: impl Fn(agency::Model) -> String,
) -> AppResult<Vec<RecommendationBrief>> {
    let mut out = vec![];
    for r in recommendations::for_source(db, source, id).await? {
        let agency = agencies::by_id(db, r.agency_id)
            .await?
            .map(&agency)
            .unwrap_or_default();
        out.push(RecommendationBrief {
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

/// Recommendation `id` of a dialogue or club as listed there (404 when it is
/// not).
pub(crate) async fn brief(
    state: &AppState,
    source: RecommendationSource,
    of: i32,
    id: i32,
) -> AppResult<RecommendationBrief> {
    briefs(&state.db.conn, source, of, state.now().date_naive())
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecommendationCreate {
    /// At most 2000 characters, without any child's name.
    pub text: Option<String>,
    /// At most 100 characters.
    pub topic: Option<String>,
    /// Code of the agency addressed (any agency visible to the caller).
    pub agency: Option<String>,
    /// yyyy-mm-dd, not before the dialogue.
    pub deadline: Option<String>,
}

impl RecommendationCreate {
    pub(crate) fn form(self) -> RecommendationInput {
        RecommendationInput {
            text: self.text.unwrap_or_default(),
            topic: self.topic.unwrap_or_default(),
            agency: self.agency.unwrap_or_default(),
            deadline: self.deadline.unwrap_or_default(),
        }
    }
}
