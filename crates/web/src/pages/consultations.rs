//! Running a consultation: create it for a matter, write its questions while
//! it is a draft, open it, and enter group discussions as a tally. The
//! poster with its join code and QR code is `poster.rs`, typing in paper
//! forms `paper_form.rs`.
//!
//! The checks are actions (`thamgia_actions::{consultations, responses}`),
//! shared with the JSON API (`api/consultations.rs`).
//! Results, closing and the answer to the children are other pages
//! (`/consultations/{id}/results`, `/close`, `/answer`).

use super::matters::{Fields, field_message};
use super::paper_form::Entered;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pager::{PageQuery, Pager};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use thamgia_actions::consultations::{self as actions, ConsultationInput, Number, QuestionInput};
use thamgia_actions::responses::{self as paper, TallyInput, is_uuid};
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal, Role};
use thamgia_domain::voice::{MAX_AGE, MIN_AGE, Method, QuestionKind, Source, Status};
use thamgia_store::entity::{
    consultation, group_tally, matter, question, question_option, unit, user,
};
use thamgia_store::responses;
use thamgia_store::{StoreError, consultations, matters, voice_queries};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/matters/{id}/consultations/new", get(new_form))
        .route("/consultations", get(list).post(create))
        .route("/consultations/{id}", get(show))
        .route("/consultations/{id}/questions", post(add_question))
        .route("/consultations/{id}/questions/{qid}", post(edit_question))
        .route(
            "/consultations/{id}/questions/{qid}/move",
            post(move_question),
        )
        .route(
            "/consultations/{id}/questions/{qid}/delete",
            post(delete_question),
        )
        .route("/consultations/{id}/preview", get(preview))
        .route("/consultations/{id}/open", post(open))
        .route(
            "/consultations/{id}/tally",
            get(tally_form).post(tally_submit),
        )
        .route("/static/consult.css", get(stylesheet))
        .merge(super::poster::routes())
        .merge(super::paper_form::routes())
}

// ---------------------------------------------------------------- creating

/// The fields of a new consultation, as text (a form or the API).
#[derive(Debug, Default, Clone)]
pub struct ConsultationForm {
    pub matter_id: String,
    /// Code of the unit that holds the consultation (default: the matter's).
    pub unit: String,
    pub title: String,
    pub intro: String,
    pub method: String,
    pub age_min: String,
    pub age_max: String,
    pub opens_on: String,
    pub closes_on: String,
    /// Username of the facilitator; empty for none.
    pub facilitator: String,
    /// Codes of the units whose children are asked.
    pub audience: Vec<String>,
}

impl ConsultationForm {
    /// The action's input for the matter `matter_id` (the form's, read by the caller).
    fn input(&self, matter_id: i32) -> ConsultationInput {
        ConsultationInput {
            matter_id,
            unit: self.unit.clone(),
            title: self.title.clone(),
            intro: self.intro.clone(),
            method: self.method.clone(),
            age_min: self.age_min.as_str().into(),
            age_max: self.age_max.as_str().into(),
            opens_on: self.opens_on.clone(),
            closes_on: self.closes_on.clone(),
            facilitator: self.facilitator.clone(),
            audience: self.audience.clone(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = ConsultationForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "matter_id" => f.matter_id = v.clone(),
                "unit" => f.unit = v.clone(),
                "title" => f.title = v.clone(),
                "intro" => f.intro = v.clone(),
                "method" => f.method = v.clone(),
                "age_min" => f.age_min = v.clone(),
                "age_max" => f.age_max = v.clone(),
                "opens_on" => f.opens_on = v.clone(),
                "closes_on" => f.closes_on = v.clone(),
                "facilitator" => f.facilitator = v.clone(),
                "audience" if !v.is_empty() => f.audience.push(v.clone()),
                _ => {}
            }
        }
        f
    }
}

#[derive(Template)]
#[template(path = "consultation_form.html")]
struct ConsultationFormPage {
    c: Chrome,
    m: matter::Model,
    f: ConsultationForm,
    errors: Fields,
    methods: Vec<&'static str>,
    unit_options: Vec<unit::Model>,
    audience_options: Vec<unit::Model>,
    facilitators: Vec<(user::Model, unit::Model)>,
}

form_errors!(ConsultationFormPage, field_message);

impl ConsultationFormPage {
    fn in_audience(&self, code: &str) -> bool {
        self.f.audience.iter().any(|a| a == code)
    }
}

async fn consultation_form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    m: matter::Model,
    mu: unit::Model,
    f: ConsultationForm,
    errors: Fields,
) -> Result<ConsultationFormPage, PageError> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let scope = p.scope();
    let unit_options = actions::unit_choices(db, &scope, &mu).await.page(lang)?;
    Ok(ConsultationFormPage {
        c: Chrome::new(ctx, "consult-new-title"),
        m,
        f,
        errors,
        methods: Method::ALL.iter().map(|m| m.as_str()).collect(),
        audience_options: unit_options.clone(),
        unit_options,
        facilitators: actions::facilitator_choices(db, &scope).await.page(lang)?,
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::RunConsultations, ctx.lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let (m, mu) = actions::matter_for_consultation(act, id)
        .await
        .page(ctx.lang)?;
    let today = state.now().date_naive();
    let f = ConsultationForm {
        matter_id: m.id.to_string(),
        unit: mu.code.clone(),
        title: m.title.clone(),
        method: Method::Survey.as_str().into(),
        age_min: MIN_AGE.to_string(),
        age_max: MAX_AGE.to_string(),
        opens_on: ctx.lang.date(today),
        closes_on: ctx.lang.date(today + chrono::Duration::days(14)),
        facilitator: if p.role == Role::Facilitator {
            p.username.clone()
        } else {
            String::new()
        },
        ..Default::default()
    };
    Ok(render(
        &consultation_form_page(&state, &p, &ctx, m, mu, f, Fields::new()).await?,
    ))
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::RunConsultations, lang)?;
    let f = ConsultationForm::from_pairs(&pairs);
    let mid: i32 = f
        .matter_id
        .trim()
        .parse()
        .map_err(|_| PageError(AppError::NotFound, lang))?;
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::create(act, &f.input(mid)).await {
        Ok(k) => Ok(Redirect::to(&format!("/consultations/{}", k.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let (m, mu) = actions::matter_for_consultation(act, mid)
                .await
                .page(lang)?;
            Ok(unprocessable(render(
                &consultation_form_page(&state, &p, &ctx, m, mu, f, fields).await?,
            )))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

// ---------------------------------------------------------------- list

pub struct KRow {
    pub id: i32,
    pub title: String,
    pub unit_name: String,
    pub method: String,
    pub status: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub join_code: String,
    /// Children who answered; `None` ("<5") for 1–4, as every count of
    /// children read outside the consultation itself.
    pub responses: Option<i64>,
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ConsultationsPage {
    c: Chrome,
    rows: Vec<KRow>,
    pager: Pager,
    status: String,
    statuses: Vec<&'static str>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    pub status: String,
}

pub async fn list(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<StatusQuery>,
    Query(pq): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewResults, lang)?;
    let db = &state.db.conn;
    let status = Status::parse(q.status.trim());
    let list: Vec<_> = consultations::list(db, &p.scope(), None)
        .await
        .page(lang)?
        .into_iter()
        .filter(|(k, _)| status.is_none_or(|s| k.status == s))
        .collect();
    let (list, pager) = Pager::cut(list, pq.page.as_deref(), &uri);
    let ids: Vec<i32> = list.iter().map(|(k, _)| k.id).collect();
    let counts = voice_queries::response_counts(db, &ids).await.page(lang)?;
    let tallies = voice_queries::tally_counts(db, &ids).await.page(lang)?;
    let rows = list
        .into_iter()
        .map(|(k, u)| KRow {
            responses: {
                let by = counts.get(&k.id);
                let n = |s: &str| by.and_then(|m| m.get(s)).copied().unwrap_or(0);
                let t = tallies.get(&k.id).map_or(0, |t| t.1);
                let total = by.map_or(0, |m| m.values().sum::<i64>()) + t;
                // The API lists the same consultation's counts by source: the
                // total goes wherever those parts cannot protect a small one
                // beside it.
                let w = thamgia_domain::suppression::listed_counts(
                    n("online"),
                    n("paper"),
                    n("group"),
                    t,
                );
                (!w.total).then_some(total)
            },
            id: k.id,
            title: k.title,
            unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
            method: k.method.as_str().into(),
            status: k.status.as_str().into(),
            opens_on: k.opens_on,
            closes_on: k.closes_on,
            join_code: k.join_code,
        })
        .collect();
    Ok(render(&ConsultationsPage {
        c: Chrome::new(&ctx, "consult-list-title"),
        rows,
        pager,
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        statuses: Status::ALL.iter().map(|s| s.as_str()).collect(),
    }))
}

// ---------------------------------------------------------------- one consultation

pub struct OptView {
    pub id: i32,
    pub label: String,
    pub emoji: String,
    /// The picture the child sees (`domain::pictures::read`).
    pub pic: &'static str,
}

pub struct QView {
    pub id: i32,
    pub kind: String,
    pub text: String,
    pub text_en: String,
    pub required: bool,
    pub options: Vec<OptView>,
    /// Face scale points 1..=n (empty for other kinds).
    pub faces: Vec<u8>,
    /// "Choose up to N" (multiple choice).
    pub max_choices: Option<i32>,
}

/// The face shown for point `n` of a scale of `of` faces.
pub(crate) fn face_emoji(n: u8, of: u8) -> &'static str {
    match (of, n) {
        (3, 1) => "😞",
        (3, 2) => "😐",
        (3, 3) => "😊",
        (_, 1) => "😢",
        (_, 2) => "🙁",
        (_, 3) => "😐",
        (_, 4) => "🙂",
        _ => "😄",
    }
}

pub(crate) fn qviews(
    lang: Lang,
    qs: Vec<(question::Model, Vec<question_option::Model>)>,
) -> Vec<QView> {
    qs.into_iter()
        .map(|(q, os)| {
            let kind = QuestionKind::parse(&q.kind);
            QView {
                id: q.id,
                text: q.text_vi.clone(),
                text_en: q.text_en.clone().unwrap_or_default(),
                required: q.required,
                max_choices: q.max_choices,
                faces: kind
                    .and_then(QuestionKind::faces)
                    .map(|n| (1..=n).collect())
                    .unwrap_or_default(),
                kind: q.kind,
                options: os
                    .into_iter()
                    .map(|o| OptView {
                        id: o.id,
                        label: lang
                            .pick(&o.label_vi, o.label_en.as_deref().unwrap_or(""))
                            .to_string(),
                        pic: thamgia_domain::pictures::read(o.emoji.as_deref()).key,
                        emoji: o.emoji.unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One choice of the question builder, as typed: a row of three fields.
#[derive(Debug, Default, Clone)]
pub struct OptionRow {
    pub label_vi: String,
    /// A key of the picture library (`domain::pictures::KEYS`), or empty.
    pub pic: String,
    pub label_en: String,
}

impl OptionRow {
    fn is_blank(&self) -> bool {
        self.label_vi.trim().is_empty()
            && self.pic.trim().is_empty()
            && self.label_en.trim().is_empty()
    }
}

/// The question builder's fields, as typed; the choices one row each
/// (`o{n}_vi`, `o{n}_pic`, `o{n}_en`, rows left blank not counted).
#[derive(Debug, Default, Clone)]
pub struct QuestionFormText {
    pub kind: String,
    pub text_vi: String,
    pub text_en: String,
    pub required: Option<String>,
    /// "Choose up to N", as typed (empty: no limit).
    pub max_choices: String,
    pub rows: Vec<OptionRow>,
}

impl QuestionFormText {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = QuestionFormText::default();
        let mut rows: std::collections::BTreeMap<u32, OptionRow> = Default::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v.clone(),
                "text_vi" => f.text_vi = v.clone(),
                "text_en" => f.text_en = v.clone(),
                "required" => f.required = Some(v.clone()),
                "max_choices" => f.max_choices = v.clone(),
                _ => {
                    let Some((n, part)) = k.strip_prefix('o').and_then(|r| r.split_once('_'))
                    else {
                        continue;
                    };
                    let Ok(n) = n.parse::<u32>() else { continue };
                    let row = rows.entry(n).or_default();
                    match part {
                        "vi" => row.label_vi = v.clone(),
                        "pic" => row.pic = v.clone(),
                        "en" => row.label_en = v.clone(),
                        _ => {}
                    }
                }
            }
        }
        f.rows = rows.into_values().filter(|r| !r.is_blank()).collect();
        f
    }

    /// The form filled with a question as the action takes it (a template,
    /// or a question being edited).
    fn of(q: &QuestionInput) -> Self {
        QuestionFormText {
            kind: q.kind.clone(),
            text_vi: q.text_vi.clone(),
            text_en: q.text_en.clone(),
            required: q.required.then(|| "1".into()),
            max_choices: match &q.max_choices {
                Number::Int(n) => n.to_string(),
                Number::Text(t) => t.clone(),
            },
            rows: q
                .options
                .iter()
                .map(|o| OptionRow {
                    label_vi: o.label_vi.clone(),
                    pic: o.emoji.clone().unwrap_or_default(),
                    label_en: o.label_en.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The action's input: one option a row.
    fn input(&self) -> QuestionInput {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        QuestionInput {
            kind: self.kind.clone(),
            text_vi: self.text_vi.clone(),
            text_en: self.text_en.clone(),
            required: self.required.is_some(),
            max_choices: self.max_choices.as_str().into(),
            options: self
                .rows
                .iter()
                .map(|r| actions::OptionInput {
                    label_vi: r.label_vi.clone(),
                    label_en: opt(&r.label_en),
                    emoji: opt(&r.pic),
                })
                .collect(),
        }
    }

    /// The rows the form shows: those typed, then blank ones, at least
    /// five and two more than typed (at most `MAX_OPTIONS`).
    fn shown_rows(&self) -> Vec<OptionRow> {
        let n = (self.rows.len() + 2).clamp(5, actions::MAX_OPTIONS);
        let mut rows = self.rows.clone();
        rows.resize(n.max(rows.len()), OptionRow::default());
        rows
    }
}

/// A question of the consultation in the builder's form, to edit it.
fn question_form(q: &question::Model, os: &[question_option::Model]) -> QuestionFormText {
    QuestionFormText::of(&QuestionInput {
        kind: q.kind.clone(),
        text_vi: q.text_vi.clone(),
        text_en: q.text_en.clone().unwrap_or_default(),
        required: q.required,
        max_choices: q
            .max_choices
            .map(i64::from)
            .map(Number::Int)
            .unwrap_or_default(),
        options: os
            .iter()
            .map(|o| actions::OptionInput {
                label_vi: o.label_vi.clone(),
                label_en: o.label_en.clone(),
                emoji: o.emoji.clone(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    c: Chrome,
    k: consultation::Model,
    unit_name: String,
    matter: Option<(i32, String)>,
    facilitator: Option<String>,
    audience: Vec<String>,
    questions: Vec<QView>,
    online: i64,
    paper: i64,
    tallies: i64,
    tally_children: i64,
    can_run: bool,
    qf: QuestionFormText,
    errors: Fields,
    kinds: Vec<&'static str>,
    notice: String,
    /// A "saved" message after a save (`?saved=1`).
    saved: bool,
    /// The question being edited (the form posts to it), else a new one.
    editing: Option<i32>,
    templates: &'static [&'static str],
    /// The picture library's keys, as the choice rows offer them.
    pictures: &'static [&'static str],
    /// The symbols of the pictures drawn on the page.
    sprite: String,
}

form_errors!(ConsultationPage, field_message);

impl ConsultationPage {
    /// The choice rows of the question form, numbered from 1.
    fn rows(&self) -> Vec<(usize, OptionRow)> {
        self.qf
            .shown_rows()
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r))
            .collect()
    }

    /// The picture a row names, if it is none of the library's keys (an
    /// emoji typed before the library): offered as it is, so saving again
    /// keeps it.
    fn other_pic<'a>(&self, r: &'a OptionRow) -> Option<&'a str> {
        let p = r.pic.trim();
        (!p.is_empty() && thamgia_domain::pictures::key(p).is_none()).then_some(p)
    }

    fn is(&self, status: &str) -> bool {
        self.k.status.as_str() == status
    }
}

#[allow(clippy::too_many_arguments)]
async fn consultation_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    k: consultation::Model,
    u: unit::Model,
    form: BuilderForm,
    errors: Fields,
    notice: String,
) -> Result<ConsultationPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let matter = match k.matter_id {
        Some(mid) => match matters::get_in_scope(db, &p.scope(), mid).await {
            Ok((m, _, _)) => Some((m.id, m.title)),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(PageError(e.into(), lang)),
        },
        None => None,
    };
    let facilitator = match k.facilitator_id {
        Some(fid) => voice_queries::user_names(db, &[fid])
            .await
            .page(lang)?
            .remove(&fid)
            .map(|(_, d)| d),
        None => None,
    };
    let audience = consultations::audience_units(db, k.id)
        .await
        .page(lang)?
        .into_iter()
        .map(|a| lang.pick(&a.name_vi, &a.name_en).to_string())
        .collect();
    let questions = qviews(lang, consultations::questions(db, k.id).await.page(lang)?);
    let sprite = crate::pictures::sprite(
        questions
            .iter()
            .flat_map(|q| q.options.iter().map(|o| o.pic))
            .chain(thamgia_domain::pictures::KEYS.iter().copied()),
    );
    let counts = voice_queries::response_counts(db, &[k.id])
        .await
        .page(lang)?;
    let by = counts.get(&k.id);
    let n = |s: Source| by.and_then(|m| m.get(s.as_str())).copied().unwrap_or(0);
    let (tallies, tally_children) = voice_queries::tally_counts(db, &[k.id])
        .await
        .page(lang)?
        .get(&k.id)
        .copied()
        .unwrap_or((0, 0));
    Ok(ConsultationPage {
        c: Chrome::new(ctx, "consult-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        matter,
        facilitator,
        audience,
        questions,
        online: n(Source::Online),
        paper: n(Source::Paper),
        tallies,
        tally_children,
        can_run: p.can(Permission::RunConsultations),
        qf: form.qf,
        errors,
        kinds: QuestionKind::ALL.iter().map(|k| k.as_str()).collect(),
        notice,
        saved: form.saved,
        editing: form.editing,
        templates: actions::TEMPLATES,
        pictures: thamgia_domain::pictures::KEYS,
        sprite,
        k,
    })
}

pub(crate) async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(consultation::Model, unit::Model), PageError> {
    consultations::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)
}

/// Loads a consultation for a write by `p` (`consultations::for_write`: in
/// scope, and about a matter `p` may act for).
pub(crate) async fn load_for_write(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(consultation::Model, unit::Model), PageError> {
    consultations::for_write(&state.db.conn, p, id)
        .await
        .page(lang)
}

/// The question form of the consultation page: a new question (blank or
/// from a template) or one being edited, and whether a save just happened.
#[derive(Debug, Default)]
struct BuilderForm {
    qf: QuestionFormText,
    editing: Option<i32>,
    saved: bool,
}

impl BuilderForm {
    fn new_question(qf: QuestionFormText) -> Self {
        BuilderForm {
            qf,
            ..Default::default()
        }
    }
}

/// `?saved=1` after a save (the consultation's page, the tally form);
/// `?template=` a template the question form starts from
/// (`actions::TEMPLATES`), `?edit=` the id of the question to edit.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    pub saved: Option<String>,
    pub template: Option<String>,
    pub edit: Option<String>,
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    require(&p, Permission::ViewResults, ctx.lang)?;
    let (k, u) = load(&state, &p, id, ctx.lang).await?;
    let mut form =
        BuilderForm::new_question(match q.template.as_deref().and_then(actions::template) {
            Some(t) => QuestionFormText::of(&t),
            None => QuestionFormText {
                kind: QuestionKind::Single.as_str().into(),
                required: Some("1".into()),
                ..Default::default()
            },
        });
    form.saved = q.saved.is_some();
    if let Some(qid) = q.edit.as_deref().and_then(|e| e.trim().parse::<i32>().ok())
        && k.status == Status::Draft
    {
        let qs = consultations::questions(&state.db.conn, k.id)
            .await
            .page(ctx.lang)?;
        if let Some((q, os)) = qs.iter().find(|(q, _)| q.id == qid) {
            form.qf = question_form(q, os);
            form.editing = Some(qid);
        }
    }
    Ok(render(
        &consultation_page(&state, &p, &ctx, k, u, form, Fields::new(), String::new()).await?,
    ))
}

/// Where a save of the builder lands: the consultation's page, saying so.
fn saved(id: i32, anchor: &str) -> Response {
    Redirect::to(&format!("/consultations/{id}?saved=1#{anchor}")).into_response()
}

/// The consultation page again with a message and a status (409 or 422).
#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    k: consultation::Model,
    u: unit::Model,
    form: BuilderForm,
    errors: Fields,
    notice_key: &str,
    status: StatusCode,
) -> PageResult {
    let notice = if notice_key.is_empty() {
        String::new()
    } else {
        ctx.lang.t(notice_key)
    };
    let mut res = render(&consultation_page(state, p, ctx, k, u, form, errors, notice).await?);
    *res.status_mut() = status;
    Ok(res)
}

/// A write of the builder on a consultation loaded for it (permission,
/// scope and owner checked), and where it lands.
struct BuilderWrite {
    v: Visit,
    k: consultation::Model,
    u: unit::Model,
}

impl BuilderWrite {
    async fn load(v: Visit, id: i32) -> Result<Self, PageError> {
        require(&v.p, Permission::RunConsultations, v.ctx.lang)?;
        let (k, u) = load_for_write(&v.state, &v.p, id, v.ctx.lang).await?;
        Ok(BuilderWrite { v, k, u })
    }

    fn act(&self) -> Act<'_> {
        Act::new(&self.v.state.db.conn, &self.v.p, self.v.state.now())
    }

    /// Saved: back to the page, saying so (at `anchor`). Refused: the page
    /// again with the form as typed and why.
    async fn outcome<T>(
        self,
        form: BuilderForm,
        anchor: &str,
        r: Result<T, ActionError>,
    ) -> PageResult {
        let Visit { state, p, ctx } = self.v;
        let (errors, notice, status) = match r {
            Ok(_) => return Ok(saved(self.k.id, anchor)),
            Err(ActionError::Conflict { field }) if field == "status" => {
                (Fields::new(), "consult-not-draft", StatusCode::CONFLICT)
            }
            Err(ActionError::Conflict { field }) if field == "order" => {
                (Fields::new(), "builder-order-changed", StatusCode::CONFLICT)
            }
            Err(ActionError::Invalid { fields, .. }) if fields.contains_key("questions") => (
                Fields::new(),
                "consult-err-no-questions",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(ActionError::Invalid { fields, .. }) => {
                (fields, "", StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(e) => return Err(PageError(e.into(), ctx.lang)),
        };
        refuse(
            &state, &p, &ctx, self.k, self.u, form, errors, notice, status,
        )
        .await
    }
}

pub async fn add_question(
    v: Visit,
    Path(id): Path<i32>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let w = BuilderWrite::load(v, id).await?;
    let f = QuestionFormText::from_pairs(&pairs);
    let r = actions::add_question(w.act(), id, &f.input()).await;
    w.outcome(BuilderForm::new_question(f), "questions", r)
        .await
}

pub async fn edit_question(
    v: Visit,
    Path((id, qid)): Path<(i32, i32)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let w = BuilderWrite::load(v, id).await?;
    let f = QuestionFormText::from_pairs(&pairs);
    let r = actions::edit_question(w.act(), id, qid, &f.input()).await;
    let form = BuilderForm {
        qf: f,
        editing: Some(qid),
        saved: false,
    };
    w.outcome(form, &format!("q{qid}"), r).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Empty {}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MoveForm {
    /// `up` or `down`.
    #[serde(default)]
    pub dir: String,
}

/// Moves a question one place up or down: the whole order, as read now,
/// goes to the action (which refuses it if the questions changed meanwhile).
pub async fn move_question(
    v: Visit,
    Path((id, qid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> PageResult {
    let w = BuilderWrite::load(v, id).await?;
    let lang = w.v.ctx.lang;
    let order: Vec<i32> = consultations::questions(&w.v.state.db.conn, id)
        .await
        .page(lang)?
        .into_iter()
        .map(|(q, _)| q.id)
        .collect();
    if !order.contains(&qid) {
        return Err(PageError(AppError::NotFound, lang));
    }
    let order = actions::moved(&order, qid, f.dir == "up");
    let r = actions::reorder_questions(w.act(), id, &order).await;
    w.outcome(BuilderForm::default(), &format!("q{qid}"), r)
        .await
}

pub async fn delete_question(
    v: Visit,
    Path((id, qid)): Path<(i32, i32)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let w = BuilderWrite::load(v, id).await?;
    let r = actions::delete_question(w.act(), id, qid).await;
    w.outcome(BuilderForm::default(), "questions", r).await
}

/// The child's page of a consultation as the children will see it, for the
/// officials who build it: the same template, a "preview" banner, no way to
/// send it.
pub async fn preview(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::ViewResults, ctx.lang)?;
    let (k, _) = load(&state, &p, id, ctx.lang).await?;
    super::child::preview(&state, &ctx, k).await
}

pub async fn open(v: Visit, Path(id): Path<i32>, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    let w = BuilderWrite::load(v, id).await?;
    let r = actions::open(w.act(), id).await;
    w.outcome(BuilderForm::default(), "code-h", r).await
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/consult.css"),
    )
        .into_response()
}

// ---------------------------------------------------------------- form values

/// Form values as sent, to show a refused form again as it was.
#[derive(Debug, Default, Clone)]
pub struct Values(pub HashMap<String, Vec<String>>);

impl Values {
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            m.entry(k.clone()).or_default().push(v.clone());
        }
        Values(m)
    }

    pub fn get(&self, k: &str) -> &str {
        self.0
            .get(k)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    pub fn all(&self, k: &str) -> &[String] {
        self.0.get(k).map_or(&[], Vec::as_slice)
    }
}

// ---------------------------------------------------------------- group tallies

/// The notice above a form typed in for a consultation (a tally, a paper
/// form): that it is not open, or nothing while it is.
pub(crate) fn not_open_notice(lang: Lang, k: &consultation::Model) -> String {
    if k.status == Status::Open {
        String::new()
    } else {
        lang.t("consult-not-open")
    }
}

/// A form typed in for a consultation, as refused: its fields and 422 when
/// they are wrong, no fields and 409 when the consultation is not open; the
/// error page for anything else.
pub(crate) fn typed_in_refusal(
    e: ActionError,
    lang: Lang,
) -> Result<(Fields, StatusCode), PageError> {
    match e {
        ActionError::Invalid { fields, .. } => Ok((fields, StatusCode::UNPROCESSABLE_ENTITY)),
        ActionError::Conflict { field } if field == "status" => {
            Ok((Fields::new(), StatusCode::CONFLICT))
        }
        e => Err(PageError(e.into(), lang)),
    }
}

/// The submission id a refused form is shown again with: the one it was
/// sent with (sending it again after a fix is the same form), else a new one.
pub(crate) fn kept_submission_id(sent: String) -> String {
    if is_uuid(&sent) {
        sent
    } else {
        uuid::Uuid::new_v4().to_string()
    }
}

#[derive(Template)]
#[template(path = "tally.html")]
struct TallyPage {
    c: Chrome,
    k: consultation::Model,
    questions: Vec<QView>,
    e: Entered,
    submission_id: String,
    saved: bool,
    done: Vec<(String, i32, DateTime<Utc>)>,
    notice: String,
}

async fn tally_page(
    state: &AppState,
    ctx: &Ctx,
    k: consultation::Model,
    v: Values,
    errors: Fields,
    submission_id: String,
    saved: bool,
) -> Result<TallyPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let questions = qviews(lang, consultations::questions(db, k.id).await.page(lang)?)
        .into_iter()
        .filter(|q| {
            q.kind == QuestionKind::Single.as_str() || q.kind == QuestionKind::Multiple.as_str()
        })
        .collect();
    let done = responses::tallies(db, k.id)
        .await
        .page(lang)?
        .into_iter()
        .map(|(t, _): (group_tally::Model, _)| (t.label, t.girls + t.boys, t.created_at))
        .collect();
    let notice = not_open_notice(lang, &k);
    Ok(TallyPage {
        c: Chrome::new(ctx, "consult-tally-title"),
        k,
        questions,
        e: Entered { v, errors, lang },
        submission_id,
        saved,
        done,
        notice,
    })
}

pub async fn tally_form(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    require(&p, Permission::RunConsultations, ctx.lang)?;
    let (k, _) = load_for_write(&state, &p, id, ctx.lang).await?;
    let sid = uuid::Uuid::new_v4().to_string();
    Ok(render(
        &tally_page(
            &state,
            &ctx,
            k,
            Values::default(),
            Fields::new(),
            sid,
            q.saved.is_some(),
        )
        .await?,
    ))
}

pub async fn tally_submit(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::RunConsultations, lang)?;
    let (k, _) = load_for_write(&state, &p, id, lang).await?;
    let v = Values::from_pairs(&pairs);
    let f = TallyInput {
        submission_id: v.get("submission_id").to_string(),
        label: v.get("label").to_string(),
        girls: v.get("girls").into(),
        boys: v.get("boys").into(),
        age_6_10: v.get("age_6_10").into(),
        age_11_15: v.get("age_11_15").into(),
        counts: pairs
            .iter()
            .filter_map(|(key, val)| {
                Some((key.strip_prefix('o')?.to_string(), val.as_str().into()))
            })
            .filter(|(key, _)| key.chars().all(|c| c.is_ascii_digit()) && !key.is_empty())
            .collect(),
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let status = match paper::submit_tally(act, id, &f).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/consultations/{id}/tally?saved=1")).into_response());
        }
        Err(e) => typed_in_refusal(e, lang)?,
    };
    let sid = kept_submission_id(f.submission_id.clone());
    let mut res = render(&tally_page(&state, &ctx, k, v, status.0, sid, false).await?);
    *res.status_mut() = status.1;
    Ok(res)
}
