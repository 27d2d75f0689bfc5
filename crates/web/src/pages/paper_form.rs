//! Paper forms typed in one after another by an adult: the form of a
//! consultation's questions and "about you", checked and stored by
//! `actions::responses::submit_paper`.

use super::consultations::{
    QView, Values, face_emoji, kept_submission_id, load_for_write, not_open_notice, qviews,
    typed_in_refusal,
};
use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require};
use crate::auth::{CsrfForm, Ctx};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use std::collections::BTreeMap;
use thamgia_actions::responses::{self as paper, PaperInput};
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::Permission;
use thamgia_domain::ethnic;
use thamgia_domain::voice::{QuestionKind, RawAnswer, RawProfile, Source};
use thamgia_store::entity::{consultation, unit};
use thamgia_store::{consultations, voice_queries};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/consultations/{id}/paper",
        get(paper_form).post(paper_submit),
    )
}

/// Reads a paper form: the profile, each question's answer, and the errors
/// found while reading (a number that is not a number, a rank given twice).
fn read_paper(qs: &[QView], v: &Values) -> (RawProfile, BTreeMap<i32, RawAnswer>, Fields) {
    let mut e = Fields::new();
    let opt = |s: &str| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    let age = match v.get("age").trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                e.insert("age".into(), "not_a_number".into());
                None
            }
        },
    };
    let disability = match v.get("disability") {
        "yes" => Some(true),
        "no" => Some(false),
        "" => None,
        _ => {
            e.insert("disability".into(), "unknown_option".into());
            None
        }
    };
    let profile = RawProfile {
        age,
        sex: opt(v.get("sex")),
        ethnic: opt(v.get("ethnic")),
        disability,
        unit: opt(v.get("unit")),
    };
    let mut answers = BTreeMap::new();
    for q in qs {
        let name = format!("q{}", q.id);
        let kind = QuestionKind::parse(&q.kind);
        let mut a = RawAnswer::default();
        match kind {
            Some(QuestionKind::Single | QuestionKind::Multiple) => {
                for s in v.all(&name).iter().filter(|s| !s.trim().is_empty()) {
                    match s.trim().parse::<i32>() {
                        Ok(o) => a.options.push(o),
                        Err(_) => {
                            e.insert(name.clone(), "unknown_option".into());
                        }
                    }
                }
            }
            Some(QuestionKind::Faces3 | QuestionKind::Faces5) => {
                let t = v.get(&name).trim();
                if !t.is_empty() {
                    match t.parse::<i64>() {
                        Ok(f) => a.face = Some(f),
                        Err(_) => {
                            e.insert(name.clone(), "unknown_option".into());
                        }
                    }
                }
            }
            Some(QuestionKind::Text) => {
                let t = v.get(&name);
                if !t.trim().is_empty() {
                    a.text = Some(t.to_string());
                }
            }
            Some(QuestionKind::Ranking) => {
                let mut ranked: Vec<(i64, i32)> = vec![];
                for o in &q.options {
                    let t = v.get(&format!("q{}_r{}", q.id, o.id)).trim().to_string();
                    if t.is_empty() {
                        continue;
                    }
                    match t.parse::<i64>() {
                        Ok(r) if (1..=q.options.len() as i64).contains(&r) => {
                            ranked.push((r, o.id))
                        }
                        _ => {
                            e.insert(name.clone(), "rank_order".into());
                        }
                    }
                }
                let mut places: Vec<i64> = ranked.iter().map(|(r, _)| *r).collect();
                places.sort_unstable();
                places.dedup();
                if places.len() != ranked.len() {
                    e.insert(name.clone(), "rank_order".into());
                }
                ranked.sort_unstable();
                a.options = ranked.into_iter().map(|(_, o)| o).collect();
            }
            None => {}
        }
        if a != RawAnswer::default() {
            answers.insert(q.id, a);
        }
    }
    (profile, answers, e)
}

#[derive(Template)]
#[template(path = "paper.html")]
struct PaperPage {
    c: Chrome,
    k: consultation::Model,
    questions: Vec<QView>,
    unit_options: Vec<unit::Model>,
    ethnic_options: Vec<(&'static str, &'static str)>,
    e: Entered,
    submission_id: String,
    saved: Option<u64>,
    paper_count: u64,
    notice: String,
}

impl PaperPage {
    fn face(&self, n: &u8, of: usize) -> &'static str {
        face_emoji(*n, u8::try_from(of).unwrap_or(5))
    }
}

/// A form of answers as entered, with its errors: what the paper form and
/// the tally page show again, field by field (`q<id>` a question, `o<id>`
/// an option, `q<id>_r<id>` a rank).
pub(crate) struct Entered {
    pub v: Values,
    pub errors: Fields,
    pub lang: Lang,
}

impl Entered {
    pub fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|code| {
                self.lang
                    .t(&format!("consult-err-{}", code.replace('_', "-")))
            })
            .unwrap_or_default()
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    pub fn val(&self, field: &str) -> String {
        self.v.get(field).to_string()
    }

    pub fn qerror(&self, id: &i32) -> String {
        self.error(&format!("q{id}"))
    }

    pub fn qhas_error(&self, id: &i32) -> bool {
        self.has_error(&format!("q{id}"))
    }

    pub fn qval(&self, id: &i32) -> String {
        self.val(&format!("q{id}"))
    }

    pub fn oerror(&self, id: &i32) -> String {
        self.error(&format!("o{id}"))
    }

    pub fn ohas_error(&self, id: &i32) -> bool {
        self.has_error(&format!("o{id}"))
    }

    pub fn oval(&self, id: &i32) -> String {
        self.val(&format!("o{id}"))
    }

    pub fn chosen(&self, id: &i32, value: impl AsRef<str>) -> bool {
        self.v
            .all(&format!("q{id}"))
            .iter()
            .any(|x| x == value.as_ref())
    }

    pub fn rank(&self, qid: &i32, oid: &i32) -> String {
        self.val(&format!("q{qid}_r{oid}"))
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: Option<u64>,
}

async fn paper_page(
    state: &AppState,
    ctx: &Ctx,
    k: consultation::Model,
    v: Values,
    errors: Fields,
    submission_id: String,
    saved: Option<u64>,
) -> Result<PaperPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let questions = qviews(lang, consultations::questions(db, k.id).await.page(lang)?);
    let notice = not_open_notice(lang, &k);
    Ok(PaperPage {
        c: Chrome::new(ctx, "consult-paper-title"),
        unit_options: paper::profile_units(db, &k).await.page(lang)?,
        ethnic_options: ethnic::local_first()
            .into_iter()
            .map(|g| (g.code, lang.pick(g.name_vi, g.name_en)))
            .collect(),
        paper_count: voice_queries::count_by_source(db, k.id, Source::Paper.as_str())
            .await
            .page(lang)?,
        questions,
        k,
        e: Entered { v, errors, lang },
        submission_id,
        saved,
        notice,
    })
}

pub async fn paper_form(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::RunConsultations, ctx.lang)?;
    let (k, _) = load_for_write(&state, &p, id, ctx.lang).await?;
    let sid = uuid::Uuid::new_v4().to_string();
    Ok(render(
        &paper_page(
            &state,
            &ctx,
            k,
            Values::default(),
            Fields::new(),
            sid,
            q.saved,
        )
        .await?,
    ))
}

pub async fn paper_submit(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::RunConsultations, lang)?;
    let (k, _) = load_for_write(&state, &p, id, lang).await?;
    let v = Values::from_pairs(&pairs);
    let sid = v.get("submission_id").to_string();
    let qs = qviews(
        lang,
        consultations::questions(&state.db.conn, k.id)
            .await
            .page(lang)?,
    );
    let (profile, answers, read_errors) = read_paper(&qs, &v);
    let input = PaperInput {
        submission_id: sid.clone(),
        profile,
        answers,
        read_errors,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let (errors, status) = match paper::submit_paper(act, id, &input).await {
        Ok(_) => {
            let n = voice_queries::count_by_source(&state.db.conn, k.id, Source::Paper.as_str())
                .await
                .page(lang)?;
            return Ok(
                Redirect::to(&format!("/consultations/{id}/paper?saved={n}")).into_response(),
            );
        }
        Err(ActionError::Conflict { field }) if field == "submission_id" => (
            Fields::from([("submission_id".to_string(), "different_content".to_string())]),
            StatusCode::CONFLICT,
        ),
        Err(e) => typed_in_refusal(e, lang)?,
    };
    let sid = kept_submission_id(sid);
    let mut res = render(&paper_page(&state, &ctx, k, v, errors, sid, None).await?);
    *res.status_mut() = status;
    Ok(res)
}
