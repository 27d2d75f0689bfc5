//! The child's page `/c/{code}`: join with a short code, answer with no
//! account and no name, get a thank-you, and later read the adults' answer at
//! the same address.
//!
//! Built for a 6-year-old on a cheap phone on a slow network: no JavaScript,
//! one column, big touch targets, pictures drawn as inline SVG (no emoji font
//! needed, see [`crate::pictures`]) beside few words, the questions before
//! the optional "about you", one small stylesheet of its own
//! (`/static/child.css`), nothing from another host, and the thank-you page
//! in the answer to the POST (one round trip).
//!
//! The rules shared with the API for offline tools (`api/child.rs`) are
//! actions (`thamgia_actions::responses`): which consultations accept answers
//! today (`door`), validation (`check`), the content digest and storing once
//! under the rate limits (`submit_online`).

use super::{Chrome, PageError};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use thamgia_actions::responses::{
    Door, Form, Outcome, check, door, find, submission_id, submit_online,
};
use thamgia_domain::voice::{FieldErrors, JoinCode, QuestionKind, RawAnswer, RawProfile};
use thamgia_domain::{ethnic, pictures};
use thamgia_store::entity::consultation;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c", get(join_form).post(join_post))
        .route("/c/{code}", get(show).post(submit))
        .route("/c/{code}/cam-on", get(thanks))
        .route("/static/child.css", get(stylesheet))
}

// ---------------------------------------------------------------------------
// Rules shared with the API.

/// A child-friendly sentence for a field's error code.
pub(crate) fn message(lang: Lang, form: &Form, field: &str, code: &str) -> String {
    let (min, max) = form.audience();
    let kind = form.kind_of(field);
    let key = match code {
        "age_out_of_range" | "outside_audience" => {
            return format!(
                "{} {min} {} {max} {}.",
                lang.t("child-err-age-from"),
                lang.t("child-err-age-to"),
                lang.t("child-years")
            );
        }
        "text_too_long" => "child-err-too-long",
        "required" => match kind {
            Some(QuestionKind::Multiple) => "child-err-choose-some",
            Some(QuestionKind::Text) => "child-err-write",
            Some(QuestionKind::Ranking) => "child-err-rank-all",
            _ => "child-err-choose",
        },
        "choose_one" => "child-err-choose-one",
        "too_many_choices" => {
            let most = field
                .strip_prefix('q')
                .and_then(|id| id.parse::<i32>().ok())
                .and_then(|id| form.questions.iter().find(|(q, _)| q.id == id))
                .and_then(|(q, _)| q.max_choices)
                .unwrap_or_default();
            return format!("{} {most}.", lang.t("child-err-too-many"));
        }
        "rank_all" => "child-err-rank-all",
        "rank_repeated" => "child-err-rank-repeated",
        "unknown_unit" => "child-err-unit",
        "unknown_option" | "duplicate_option" | "unknown_question" if field.starts_with('q') => {
            "child-err-unknown-option"
        }
        _ => "child-err-invalid",
    };
    lang.t(key)
}

// ---------------------------------------------------------------------------
// Pages.

#[derive(Template)]
#[template(path = "child_join.html")]
struct JoinPage {
    c: Chrome,
    typed: String,
    wrong: bool,
}

fn join_page(ctx: &Ctx, typed: &str, wrong: bool) -> Response {
    let page = JoinPage {
        c: Chrome::new(ctx, "child-join-title"),
        typed: typed.to_string(),
        wrong,
    };
    with_status(
        render_child(&page),
        if wrong {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        },
    )
}

#[derive(serde::Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// `GET /c` (and the form's `GET /c?code=…`): type a code, go to its page.
async fn join_form(ctx: Ctx, Query(q): Query<CodeQuery>) -> Response {
    match q.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => join_page(&ctx, "", false),
        Some(typed) => match JoinCode::parse(typed) {
            Some(code) => Redirect::to(&format!("/c/{}", code.as_str())).into_response(),
            None => join_page(&ctx, typed, true),
        },
    }
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    code: String,
}

async fn join_post(ctx: Ctx, CsrfForm(f): CsrfForm<CodeForm>) -> Response {
    match JoinCode::parse(&f.code) {
        Some(code) => Redirect::to(&format!("/c/{}", code.as_str())).into_response(),
        None => join_page(&ctx, f.code.trim(), true),
    }
}

/// A face on the 3- or 5-point scale.
struct FaceView {
    value: u8,
    /// The face's picture (a key of [`crate::pictures`]).
    pic: &'static str,
    word: String,
    checked: bool,
}

struct OptView {
    id: i32,
    label: String,
    /// The option's picture: its library key, or the neutral one.
    pic: &'static str,
    /// What else the official typed there (an emoji), shown beside the picture.
    emoji: Option<String>,
    checked: bool,
    rank: Option<u32>,
}

impl OptView {
    fn ranked(&self, r: impl super::Val<u32>) -> bool {
        self.rank == Some(r.val())
    }
}

struct QView {
    n: usize,
    field: String,
    kind: &'static str,
    text: String,
    required: bool,
    options: Vec<OptView>,
    faces: Vec<FaceView>,
    /// (value, "Thứ 1") for ranking selects.
    ranks: Vec<(u32, String)>,
    text_value: String,
    error: Option<String>,
    /// "Choose up to N" of a multiple-choice question: N ticks drawn, and
    /// said in words.
    max_choices: Option<usize>,
}

struct AgeChoice {
    value: u8,
    label: String,
    selected: bool,
}

struct UnitChoice {
    code: String,
    name: String,
    selected: bool,
}

struct EthnicChoice {
    code: &'static str,
    name: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "child_form.html")]
struct FormPage {
    c: Chrome,
    code: String,
    intro: Vec<String>,
    submission_id: String,
    banner: Option<String>,
    /// Each error as (the id of its message on the page, what the banner says).
    error_links: Vec<(String, String)>,
    /// The "about you" part starts open when one of its fields has an error.
    me_open: bool,
    /// The symbols of every picture on the page (server-made SVG).
    sprite: String,
    ages: Vec<AgeChoice>,
    sex: String,
    disability: String,
    ethnic_local: Vec<EthnicChoice>,
    ethnic_other: Vec<EthnicChoice>,
    units: Vec<UnitChoice>,
    errors: BTreeMap<String, String>,
    questions: Vec<QView>,
    /// Shown to an official before opening: a banner, and nothing to send.
    preview: Option<i32>,
}

impl FormPage {
    fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// What the child sent, by field (several values for checkboxes).
struct Sent<'a>(&'a [(String, String)]);

impl Sent<'_> {
    fn all(&self, field: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

fn paragraphs(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The form, fresh (`sent` empty) or as sent back with its errors.
fn form_page(
    ctx: &Ctx,
    form: &Form,
    sent: &[(String, String)],
    sid: &str,
    errors: &FieldErrors,
    banner: Option<String>,
) -> FormPage {
    let lang = ctx.lang;
    let sent = Sent(sent);
    let mut c = Chrome::new(ctx, "child-join-title");
    c.title = form.k.title.clone();
    let (min, max) = form.audience();
    let age = sent.one("age");
    let ages = (min..=max)
        .map(|a| AgeChoice {
            value: a,
            label: format!("{a} {}", lang.t("child-years")),
            selected: age == a.to_string(),
        })
        .collect();
    let chosen_ethnic = sent.one("ethnic");
    let (local, other): (Vec<_>, Vec<_>) = ethnic::local_first().into_iter().partition(|g| g.local);
    let ethnic_choice = |g: ethnic::EthnicGroup| EthnicChoice {
        code: g.code,
        name: lang.pick(g.name_vi, g.name_en),
        selected: g.code == chosen_ethnic,
    };
    let chosen_unit = sent.one("unit");
    let units = form
        .units
        .iter()
        .map(|u| UnitChoice {
            code: u.code.clone(),
            name: lang.pick(&u.name_vi, &u.name_en).to_string(),
            selected: u.code == chosen_unit,
        })
        .collect();
    let questions: Vec<QView> = form
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, (q, opts))| {
            let kind = QuestionKind::parse(&q.kind)?;
            let field = format!("q{}", q.id);
            let chosen = sent.all(&field);
            let options = opts
                .iter()
                .map(|o| {
                    let rank = sent.one(&format!("{field}_o{}", o.id)).parse().ok();
                    let picture = pictures::read(o.emoji.as_deref());
                    OptView {
                        id: o.id,
                        label: lang
                            .pick(&o.label_vi, o.label_en.as_deref().unwrap_or(""))
                            .to_string(),
                        pic: picture.key,
                        emoji: picture.text,
                        checked: chosen.contains(&o.id.to_string().as_str()),
                        rank,
                    }
                })
                .collect();
            let faces = match kind.faces() {
                Some(n) => (1..=n)
                    .map(|value| FaceView {
                        value,
                        pic: crate::pictures::face(value, n),
                        word: lang.t(&format!("child-face{n}-{value}")),
                        checked: chosen.contains(&value.to_string().as_str()),
                    })
                    .collect(),
                None => vec![],
            };
            let ranks = if kind == QuestionKind::Ranking {
                (1..=opts.len() as u32)
                    .map(|r| (r, format!("{} {r}", lang.t("child-rank"))))
                    .collect()
            } else {
                vec![]
            };
            let max_choices = q
                .max_choices
                .filter(|_| kind == QuestionKind::Multiple)
                .and_then(|m| usize::try_from(m).ok());
            Some(QView {
                max_choices,
                n: i + 1,
                error: errors
                    .get(&field)
                    .map(|code| message(lang, form, &field, code)),
                field,
                kind: kind.as_str(),
                text: lang
                    .pick(&q.text_vi, q.text_en.as_deref().unwrap_or(""))
                    .to_string(),
                required: q.required,
                options,
                faces,
                ranks,
                text_value: if kind == QuestionKind::Text {
                    sent.one(&format!("q{}", q.id)).to_string()
                } else {
                    String::new()
                },
            })
        })
        .collect();
    let profile_errors: BTreeMap<String, String> = errors
        .iter()
        .filter(|(f, _)| !f.starts_with('q'))
        .map(|(f, code)| (f.clone(), message(lang, form, f, code)))
        .collect();
    // The banner links to each message, in the page's order: the questions
    // first, then "about you".
    let question_word = lang.t("child-question");
    let mut error_links: Vec<(String, String)> = questions
        .iter()
        .filter_map(|q: &QView| {
            let e = q.error.as_ref()?;
            Some((
                format!("{}-err", q.field),
                format!("{question_word} {}: {e}", q.n),
            ))
        })
        .collect();
    let me_word = lang.t("child-me");
    for field in ["age", "sex", "ethnic", "disability", "unit"] {
        if let Some(e) = profile_errors.get(field) {
            error_links.push((format!("{field}-err"), format!("{me_word}: {e}")));
        }
    }
    let sprite = crate::pictures::sprite(
        questions
            .iter()
            .flat_map(|q| {
                q.faces
                    .iter()
                    .map(|f| f.pic)
                    .chain(q.options.iter().map(|o| o.pic))
            })
            .chain(["girl", "boy", "other"])
            // The ticks of "choose up to N", only where a question has a limit.
            .chain(
                questions
                    .iter()
                    .any(|q| q.max_choices.is_some())
                    .then_some("yes"),
            ),
    );
    FormPage {
        c,
        code: form.k.join_code.clone(),
        intro: paragraphs(&form.k.intro),
        submission_id: sid.to_string(),
        banner,
        me_open: !profile_errors.is_empty(),
        error_links,
        sprite,
        ages,
        sex: sent.one("sex").to_string(),
        disability: sent.one("disability").to_string(),
        ethnic_local: local.into_iter().map(ethnic_choice).collect(),
        ethnic_other: other.into_iter().map(ethnic_choice).collect(),
        units,
        errors: profile_errors,
        questions,
        preview: None,
    }
}

/// The form of consultation `k` as a child will see it, for the officials
/// building it (`/consultations/{id}/preview`): the same page with a banner
/// saying so, a link back, and no way to send it.
pub(crate) async fn preview(
    state: &AppState,
    ctx: &Ctx,
    k: consultation::Model,
) -> Result<Response, PageError> {
    let id = k.id;
    let form = Form::load(&state.db.conn, k, state.now().date_naive())
        .await
        .map_err(|e| PageError(e.into(), ctx.lang))?;
    let mut page = form_page(ctx, &form, &[], "", &FieldErrors::new(), None);
    page.preview = Some(id);
    Ok(render_child(&page))
}

#[derive(Template)]
#[template(path = "child_state.html")]
struct StatePage {
    c: Chrome,
    heading: String,
    text: String,
    code: String,
    again: bool,
}

fn state_page(
    ctx: &Ctx,
    k: &consultation::Model,
    heading: &str,
    text: String,
    again: bool,
    status: StatusCode,
) -> Response {
    let mut c = Chrome::new(ctx, heading);
    c.title = ctx.lang.t(heading);
    let page = StatePage {
        heading: c.title.clone(),
        c,
        text,
        code: k.join_code.clone(),
        again,
    };
    with_status(render_child(&page), status)
}

#[derive(Template)]
#[template(path = "child_answer.html")]
struct AnswerPage {
    c: Chrome,
    sprite: String,
    title: String,
    published: Option<String>,
    decided: Vec<String>,
    taken: Vec<String>,
    not_taken: Vec<String>,
}

/// A page that is not the form: not open yet, closed, or the published answer.
fn door_page(ctx: &Ctx, k: &consultation::Model, d: Door) -> Response {
    let lang = ctx.lang;
    match d {
        Door::Answered => {
            let page = AnswerPage {
                c: Chrome::new(ctx, "child-answer-title"),
                sprite: crate::pictures::sprite(["star", "yes", "question"]),
                title: k.title.clone(),
                published: k.answer_published_at.map(|t| lang.date(t.date_naive())),
                decided: paragraphs(k.answer_decided.as_deref().unwrap_or("")),
                taken: paragraphs(k.answer_taken.as_deref().unwrap_or("")),
                not_taken: paragraphs(k.answer_not_taken.as_deref().unwrap_or("")),
            };
            render_child(&page)
        }
        Door::NotYet => state_page(
            ctx,
            k,
            "child-soon-title",
            format!(
                "{} {}. {}",
                lang.t("child-soon-text"),
                lang.date(k.opens_on),
                lang.t("child-soon-back")
            ),
            false,
            StatusCode::FORBIDDEN,
        ),
        Door::Closed | Door::Open => state_page(
            ctx,
            k,
            "child-closed-title",
            lang.t("child-closed-text"),
            false,
            StatusCode::GONE,
        ),
    }
}

/// The form of the consultation joined with `code` while its door is open;
/// else the page a child sees instead: the join page for an unknown code, or
/// the door's page (not yet open, closed, published).
async fn open_form(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
) -> Result<Result<Form, Response>, PageError> {
    let lang = ctx.lang;
    let Some(k) = find(&state.db.conn, code)
        .await
        .map_err(|e| PageError(e.into(), lang))?
    else {
        return Ok(Err(join_page(ctx, code, true)));
    };
    let d = door(&k, state.now().date_naive());
    if d != Door::Open {
        return Ok(Err(door_page(ctx, &k, d)));
    }
    let form = Form::load(&state.db.conn, k, state.now().date_naive())
        .await
        .map_err(|e| PageError(e.into(), lang))?;
    Ok(Ok(form))
}

/// `GET /c/{code}`: the form while open, the answer once published.
async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    if let Some(canonical) = JoinCode::parse(&code)
        && canonical.as_str() != code
    {
        return Ok(Redirect::to(&format!("/c/{}", canonical.as_str())).into_response());
    }
    let form = match open_form(&state, &ctx, &code).await? {
        Ok(form) => form,
        Err(instead) => return Ok(instead),
    };
    let sid = uuid::Uuid::new_v4().hyphenated().to_string();
    let mut res = render_child(&form_page(
        &ctx,
        &form,
        &[],
        &sid,
        &FieldErrors::new(),
        None,
    ));
    // A fresh submission id (and form) each time: never from a cache.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// Reads the page's form into the shapes the rules check. Errors only a page
/// can make (a repeated rank, a value that is not a number) come back apart.
fn read_form(
    form: &Form,
    pairs: &[(String, String)],
) -> (RawProfile, BTreeMap<i32, RawAnswer>, FieldErrors) {
    let sent = Sent(pairs);
    let mut errors = FieldErrors::new();
    let opt = |f: &str| Some(sent.one(f).trim().to_string()).filter(|s| !s.is_empty());
    let age = opt("age").and_then(|a| match a.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert("age".into(), "age_out_of_range".into());
            None
        }
    });
    let disability = match sent.one("disability") {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.insert("disability".into(), "unknown_option".into());
            None
        }
    };
    let profile = RawProfile {
        age,
        sex: opt("sex"),
        ethnic: opt("ethnic"),
        disability,
        unit: opt("unit"),
    };
    let mut answers = BTreeMap::new();
    for (q, opts) in &form.questions {
        let Some(kind) = QuestionKind::parse(&q.kind) else {
            continue;
        };
        let field = format!("q{}", q.id);
        let values: Vec<&str> = sent
            .all(&field)
            .into_iter()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let mut a = RawAnswer::default();
        let mut bad = |code: &str| {
            errors.insert(field.clone(), code.to_string());
        };
        match kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                for v in values {
                    match v.parse::<i32>() {
                        Ok(id) => a.options.push(id),
                        Err(_) => bad("unknown_option"),
                    }
                }
            }
            QuestionKind::Faces3 | QuestionKind::Faces5 => match values.as_slice() {
                [] => {}
                [v] => match v.parse::<i64>() {
                    Ok(f) => a.face = Some(f),
                    Err(_) => bad("unknown_option"),
                },
                _ => bad("choose_one"),
            },
            QuestionKind::Text => {
                // Keep what the child wrote even when only spaces: the rules trim.
                let raw: Vec<&(String, String)> =
                    pairs.iter().filter(|(k, _)| *k == field).collect();
                match raw.as_slice() {
                    [] => {}
                    [(_, t)] => a.text = Some(t.clone()).filter(|t| !t.trim().is_empty()),
                    _ => bad("invalid_answer"),
                }
            }
            QuestionKind::Ranking => {
                let n = opts.len() as u32;
                let mut ranked: Vec<(u32, i32)> = vec![];
                let mut problem = None;
                for o in opts {
                    let v = sent.one(&format!("{field}_o{}", o.id)).trim();
                    if v.is_empty() {
                        continue;
                    }
                    match v.parse::<u32>() {
                        Ok(r) if (1..=n).contains(&r) => {
                            if ranked.iter().any(|(x, _)| *x == r) {
                                problem = Some("rank_repeated");
                            }
                            ranked.push((r, o.id));
                        }
                        _ => problem = problem.or(Some("unknown_option")),
                    }
                }
                if let Some(p) = problem {
                    bad(p);
                } else {
                    ranked.sort_unstable();
                    a.options = ranked.into_iter().map(|(_, id)| id).collect();
                }
            }
        }
        if !errors.contains_key(&field) {
            answers.insert(q.id, a);
        }
    }
    (profile, answers, errors)
}

/// `POST /c/{code}`: check, store once, thank.
async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let form = match open_form(&state, &ctx, &code).await? {
        Ok(form) => form,
        Err(instead) => return Ok(instead),
    };
    let sent_sid = pairs
        .iter()
        .find(|(k, _)| k == "submission_id")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let Some(sid) = submission_id(sent_sid) else {
        // A form without a usable id (tampered, or very old): nothing stored,
        // the child sends again with a fresh one.
        let fresh = uuid::Uuid::new_v4().hyphenated().to_string();
        return Ok(form_again(
            &ctx,
            &form,
            &pairs,
            &fresh,
            &FieldErrors::new(),
            "child-err-stale",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let (profile, answers, mut page_errors) = read_form(&form, &pairs);
    let checked = match check(&form, &profile, &answers) {
        Ok(c) if page_errors.is_empty() => c,
        Ok(_) => return Ok(invalid(&ctx, &form, &pairs, &sid, &page_errors)),
        Err(mut e) => {
            // The page's own findings are the more precise ones.
            e.append(&mut page_errors);
            return Ok(invalid(&ctx, &form, &pairs, &sid, &e));
        }
    };
    let code = form.k.join_code.clone();
    let db = &state.db.conn;
    match submit_online(db, state.now(), &state, &ctx.client, &form.k, &sid, checked)
        .await
        .map_err(|e| PageError(e.into(), lang))?
    {
        // The thank-you page in the answer itself: one round trip on a slow
        // network. Sending the same form again (a double tap, a reload) finds
        // the same submission id and gets the same page.
        Outcome::Created | Outcome::Duplicate => Ok(thanks_page(&ctx, code)),
        Outcome::Conflict => Ok(state_page(
            &ctx,
            &form.k,
            "child-sent-title",
            lang.t("child-sent-text"),
            true,
            StatusCode::CONFLICT,
        )),
        Outcome::Limited => Ok(form_again(
            &ctx,
            &form,
            &pairs,
            &sid,
            &FieldErrors::new(),
            "child-slow-down",
            StatusCode::TOO_MANY_REQUESTS,
        )),
    }
}

/// The form shown again as the child sent it, with its errors and a banner
/// (the words of `banner_key`), answered with `status`.
fn form_again(
    ctx: &Ctx,
    form: &Form,
    pairs: &[(String, String)],
    sid: &str,
    errors: &FieldErrors,
    banner_key: &str,
    status: StatusCode,
) -> Response {
    let page = form_page(ctx, form, pairs, sid, errors, Some(ctx.lang.t(banner_key)));
    with_status(render_child(&page), status)
}

/// The form shown again with the errors that refused it: 422.
fn invalid(
    ctx: &Ctx,
    form: &Form,
    pairs: &[(String, String)],
    sid: &str,
    errors: &FieldErrors,
) -> Response {
    form_again(
        ctx,
        form,
        pairs,
        sid,
        errors,
        "child-err-summary",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[derive(Template)]
#[template(path = "child_thanks.html")]
struct ThanksPage {
    c: Chrome,
    sprite: String,
    code: String,
}

fn thanks_page(ctx: &Ctx, code: String) -> Response {
    let mut res = render_child(&ThanksPage {
        c: Chrome::new(ctx, "child-thanks-title"),
        sprite: crate::pictures::sprite(["star"]),
        code,
    });
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// `GET /c/{code}/cam-on`: the thank-you page, for addresses kept from before
/// the answer brought it itself.
async fn thanks(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let Some(k) = find(&state.db.conn, &code)
        .await
        .map_err(|e| PageError(e.into(), ctx.lang))?
    else {
        return Ok(join_page(&ctx, &code, true));
    };
    Ok(thanks_page(&ctx, k.join_code))
}

fn render_child(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

const CHILD_CSS: &str = include_str!("../../static/child.css");

/// The stylesheet's address carries a digest of its content, so it can be
/// cached for a year and still change with a release.
pub fn css_href() -> &'static str {
    static HREF: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "/static/child.css?v={}",
            &thamgia_store::sha256_hex(CHILD_CSS)[..10]
        )
    });
    HREF.as_str()
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CHILD_CSS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    /// The most words in one entry a child reads (a Vietnamese word is a
    /// syllable, so the bound is the stricter there).
    const MAX_WORDS: usize = 12;

    #[test]
    fn the_childs_catalog_entries_are_short_and_plain() {
        // Adult words that a 7-year-old does not know.
        let adult = [
            "tiếp thu",
            "hạn",
            "bắt buộc",
            "lý do",
            "deadline",
            "taken in",
            "mandatory",
        ];
        for (lang, catalog) in [
            ("vi", include_str!("../../locales/vi/child.ftl")),
            ("en", include_str!("../../locales/en/child.ftl")),
        ] {
            let mut entries = 0;
            for line in catalog.lines() {
                let Some((key, value)) = line.split_once(" = ") else {
                    continue;
                };
                // Messages for offline tools, not for the page.
                if line.starts_with('#') || key.starts_with("child-api-") {
                    continue;
                }
                entries += 1;
                let words: Vec<&str> = value
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .collect();
                assert!(
                    words.len() <= MAX_WORDS,
                    "{lang} {key}: {} words, at most {MAX_WORDS}: {value}",
                    words.len()
                );
                let lower = format!(" {} ", words.join(" ").to_lowercase());
                for a in adult {
                    assert!(
                        !lower.contains(&format!(" {a} ")) && !lower.contains(&format!(" {a}:")),
                        "{lang} {key} says {a:?}: {value}"
                    );
                }
            }
            assert!(entries > 50, "{lang}: only {entries} entries read");
        }
    }
}
