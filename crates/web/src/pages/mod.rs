//! HTML pages. Vietnamese first, English on request (remembered in a cookie and
//! on the account). Every page works without JavaScript, fits a 360 px screen
//! and labels its controls for screen readers. One file per area.

/// The two methods a form page's template asks of its errors: a field's
/// message (as the area's `message(chrome, errors, field)` words it, or
/// `|c, code| …` from the chrome and the field's code) and whether the field
/// has one. The page holds its `Chrome` as `c` and its errors as `errors`.
macro_rules! form_errors {
    ($page:ty, |$c:ident, $code:ident| $message:expr) => {
        impl $page {
            fn error(&self, field: &str) -> String {
                let $c = &self.c;
                self.errors
                    .get(field)
                    .map(|$code| $message)
                    .unwrap_or_default()
            }

            fn has_error(&self, field: &str) -> bool {
                self.errors.contains_key(field)
            }
        }
    };
    ($page:ty, $message:path) => {
        impl $page {
            fn error(&self, field: &str) -> String {
                $message(&self.c, &self.errors, field)
            }

            fn has_error(&self, field: &str) -> bool {
                self.errors.contains_key(field)
            }
        }
    };
}

pub(crate) mod activities;
mod admin;
mod agency_reports;
pub(crate) mod annual_plans;
pub(crate) mod audit;
pub(crate) mod child;
pub(crate) mod clubs;
pub(crate) mod consultations;
pub(crate) mod councils;
pub(crate) mod dashboard;
mod devices;
mod directory;
mod drilldown;
pub(crate) mod forums;
pub(crate) mod funding;
pub(crate) mod handover;
pub(crate) mod imports;
mod inbox;
pub(crate) mod inspections;
mod login;
pub(crate) mod matters;
mod membership;
pub(crate) mod moderation;
mod paper_form;
pub(crate) mod people;
mod plan;
pub(crate) mod population;
mod poster;
pub(crate) mod recommendations;
pub(crate) mod reminders;
pub mod report_exports;
pub(crate) mod reports;
pub(crate) mod results;
mod reviews;

use crate::auth::{CsrfForm, Ctx, LANG_COOKIE, PageUser, safe_next, set_cookie};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use thamgia_domain::access::{Permission, Principal};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(inbox::show))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", post(switch_language))
        .route("/plan", get(plan::current))
        .route("/plans", get(plan::list))
        .route("/plans/{code}", get(plan::show))
        .route("/audit", get(audit::page))
        .route("/units", get(directory::units))
        .route("/units/{code}", get(directory::unit))
        .route("/agencies", get(directory::agencies))
        .route("/agencies/{code}", get(directory::agency))
        .route("/admin/users", get(admin::list).post(admin::create))
        .route("/admin/users/new", get(admin::new_form))
        .route(
            "/admin/users/{id}",
            get(admin::edit_form).post(admin::update),
        )
        .route("/static/app.css", get(stylesheet))
        .merge(child::routes())
        .merge(matters::routes())
        .merge(consultations::routes())
        .merge(moderation::routes())
        .merge(results::routes())
        .merge(forums::routes())
        .merge(recommendations::routes())
        .merge(people::routes())
        .merge(councils::routes())
        .merge(clubs::routes())
        .merge(funding::routes())
        .merge(activities::routes())
        .merge(annual_plans::routes())
        .merge(imports::routes())
        .merge(population::routes())
        .merge(crate::exports::routes())
        .merge(dashboard::routes())
        .merge(drilldown::routes())
        .merge(report_exports::routes())
        .merge(reports::routes())
        .merge(agency_reports::routes())
        .merge(handover::routes())
        .merge(devices::routes())
        .merge(reminders::routes())
        .merge(reviews::routes())
        .merge(inspections::routes())
}

/// What every page's frame needs: language, CSRF token, the signed-in user.
pub struct Chrome {
    pub lang: Lang,
    pub csrf: String,
    pub path: String,
    pub user: Option<(String, String)>,
    pub is_admin: bool,
    pub can_moderate: bool,
    /// May remind other units and agencies (`/reminders` in the menu).
    pub can_remind: bool,
    pub can_safeguard: bool,
    pub can_answer: bool,
    pub can_view_names: bool,
    pub can_audit: bool,
    pub title: String,
}

impl Chrome {
    pub fn new(ctx: &Ctx, title_key: &str) -> Chrome {
        let can = |perm| ctx.principal.as_ref().is_some_and(|p| p.can(perm));
        Chrome {
            lang: ctx.lang,
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            user: ctx.principal.as_ref().map(|p| {
                (
                    ctx.display_name
                        .clone()
                        .unwrap_or_else(|| p.username.clone()),
                    ctx.lang
                        .t(&format!("role-{}", p.role.as_str().replace('_', "-"))),
                )
            }),
            is_admin: can(Permission::ManageUsers),
            can_audit: can(Permission::ViewAudit),
            can_moderate: can(Permission::Moderate),
            can_remind: can(Permission::Remind),
            can_safeguard: can(Permission::Safeguard),
            can_answer: can(Permission::AnswerChildren),
            can_view_names: can(Permission::ViewNames),
            title: ctx.lang.t(title_key),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A catalog string whose key ends in a record's value: `level-` + `district`.
    /// Underscores in the value become hyphens (`district_officer` → `district-officer`).
    pub fn tk(&self, prefix: &str, value: &str) -> String {
        self.lang.t(&format!("{prefix}{}", value.replace('_', "-")))
    }

    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }

    pub fn date(&self, d: impl Val<chrono::NaiveDate>) -> String {
        self.lang.date(d.val())
    }

    pub fn num(&self, x: impl Val<f64>) -> String {
        self.lang.num(x.val())
    }

    /// A count with the language's thousands separator (`Lang::int`).
    pub fn int(&self, n: impl Val<i64>) -> String {
        self.lang.int(n.val())
    }

    /// A count of children as written, or the hidden label for 1–4, escaped
    /// for HTML (`&lt;5`).
    pub fn shown_html(&self, count: &Option<i64>) -> String {
        thamgia_domain::suppression::shown(*count, |n| n.to_string()).replace('<', "&lt;")
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }

    /// The language switch's button text names the other language in itself.
    pub fn other_lang_name(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }
}

/// A copyable value as templates hand it over: by value or by reference.
pub trait Val<T: Copy> {
    fn val(&self) -> T;
}

impl<T: Copy> Val<T> for T {
    fn val(&self) -> T {
        *self
    }
}

impl<T: Copy> Val<T> for &T {
    fn val(&self) -> T {
        **self
    }
}

impl<T: Copy> Val<T> for &&T {
    fn val(&self) -> T {
        ***self
    }
}

/// Renders a template into a response.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
    reference: Option<String>,
}

/// An error shown as a page in the visitor's language.
pub struct PageError(pub AppError, pub Lang);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e, Lang::Vi)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(e, lang) = self;
        let reference = e.log_internal();
        let status = e.status();
        let c = Chrome {
            lang,
            csrf: String::new(),
            path: "/".into(),
            user: None,
            is_admin: false,
            can_moderate: false,
            can_remind: false,
            can_safeguard: false,
            can_answer: false,
            can_view_names: false,
            can_audit: false,
            title: lang.t(&format!("error-{}", e.code())),
        };
        let message = match &e {
            AppError::Invalid { fields, .. } => fields
                .iter()
                .map(|(f, code)| format!("{f}: {}", lang.t(&format!("invalid-{code}"))))
                .collect::<Vec<_>>()
                .join("; "),
            _ => lang.t(&format!("error-{}-help", e.code())),
        };
        let mut res = render(&ErrorPage {
            c,
            message,
            reference,
        });
        *res.status_mut() = status;
        res
    }
}

pub type PageResult = Result<Response, PageError>;

/// A signed-in user's request for a page: the app's state, who asks, and the
/// request's context (language, CSRF token). Anyone else is sent to sign in
/// ([`PageUser`]).
pub struct Visit {
    pub state: AppState,
    pub p: Principal,
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let PageUser(p, ctx) = PageUser::from_request_parts(parts, state).await?;
        Ok(Visit {
            state: state.clone(),
            p,
            ctx,
        })
    }
}

/// A page built again for a refused form, its errors shown: 422.
pub fn unprocessable(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// A page answered 422 when its form or filter was refused (`bad`).
pub fn unprocessable_if(bad: bool, res: Response) -> Response {
    if bad { unprocessable(res) } else { res }
}

/// A form's action as a page answers it: `Ok(value)` when done, `Err(fields)`
/// when refused (the form is shown again with them), the error page for
/// anything else.
pub(crate) fn answered<T>(
    r: Result<T, thamgia_actions::ActionError>,
    lang: Lang,
) -> Result<Result<T, matters::Fields>, PageError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(thamgia_actions::ActionError::Invalid { fields, .. }) => Ok(Err(fields)),
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

/// A list's filter as its page reads it: the filter when it passed (and no
/// errors), else no filter and the fields refused, shown above an empty list;
/// the error page for anything else.
pub(crate) fn filter_or_refused<T>(
    r: Result<T, thamgia_actions::ActionError>,
    lang: Lang,
) -> Result<(Option<T>, matters::Fields), PageError> {
    Ok(match answered(r, lang)? {
        Ok(f) => (Some(f), matters::Fields::new()),
        Err(fields) => (None, fields),
    })
}

/// A form's errors for the summary at its top, each as (field id, "Label:
/// message") with `line` making the text: the fields of `order` first, in
/// that order, then any other.
pub(crate) fn error_lines(
    errors: &matters::Fields,
    order: &[&str],
    line: impl Fn(&str, &str) -> String,
) -> Vec<(String, String)> {
    let first = order.iter().filter_map(|f| errors.get_key_value(*f));
    let rest = errors.iter().filter(|(f, _)| !order.contains(&f.as_str()));
    first
        .chain(rest)
        .map(|(f, code)| (f.clone(), line(f, code)))
        .collect()
}

/// Lets a handler write `store_call().await.page(lang)?`.
pub trait PageErr<T> {
    fn page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: Into<AppError>> PageErr<T> for Result<T, E> {
    fn page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError(e.into(), lang))
    }
}

/// Refuses a signed-in user who lacks a permission.
pub fn require(p: &Principal, perm: Permission, lang: Lang) -> Result<(), PageError> {
    if p.can(perm) {
        Ok(())
    } else {
        Err(PageError(AppError::Forbidden, lang))
    }
}

pub async fn not_found(ctx: Option<axum::Extension<Ctx>>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound.into_response();
    }
    let lang = ctx.map(|c| c.lang).unwrap_or_default();
    PageError(AppError::NotFound, lang).into_response()
}

#[derive(serde::Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Switches the language, remembers it in a cookie (and on the account), and
/// goes back to the page the visitor was on.
async fn switch_language(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<LangForm>,
) -> PageResult {
    let lang = Lang::parse(&f.lang)
        .ok_or_else(|| PageError(AppError::invalid("lang", "unknown"), ctx.lang))?;
    if let Some(p) = &ctx.principal {
        thamgia_store::users::set_locale(&state.db.conn, p.user_id, lang.code())
            .await
            .page(ctx.lang)?;
    }
    let mut res = Redirect::to(&safe_next(f.next.as_deref())).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, LANG_COOKIE, lang.code(), Some(365 * 24 * 3600)),
    );
    Ok(res)
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}
