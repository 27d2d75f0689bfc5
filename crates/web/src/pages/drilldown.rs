//! The records behind a dashboard figure: `/dashboard/records?unit=&year=&code=`.
//! The rows come from `store::drilldown` (scoped: another district's unit is
//! 404) and add up to the figure shown on the card, which is printed above
//! them from the same engine. Consultations show counts only — never an
//! answer or a name — and a count of 1–4 children reads "<5".

use super::dashboard::{DashQuery, records_href, resolve, standing_parts, value_text};
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use thamgia_domain::access::Permission;
use thamgia_domain::suppression::{HIDDEN_LABEL, shown_unless};
use thamgia_store::drilldown::{self, Fact, Record};
use thamgia_store::engine;

pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard/records", get(page))
}

pub struct Row {
    pub title: String,
    pub href: String,
    pub unit: String,
    pub date: String,
    pub counted: bool,
    pub amount: String,
    pub facts: Vec<(String, String)>,
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "drilldown.html")]
struct DrilldownPage {
    c: Chrome,
    code: String,
    name: String,
    unit_code: String,
    unit_name: String,
    year: i32,
    figure: String,
    numerator: String,
    denominator: String,
    is_percent: bool,
    target: String,
    symbol: &'static str,
    standing_class: &'static str,
    standing_word: String,
    total: String,
    counted: usize,
    rows: Vec<Row>,
    amount_heading: String,
    others: Vec<(String, String)>,
}

fn fact_text(lang: Lang, f: &Fact) -> String {
    match f {
        Fact::Yes(true) => format!("✔ {}", lang.t("records-yes")),
        Fact::Yes(false) => format!("✘ {}", lang.t("records-no")),
        Fact::Count(n) => lang.int(*n),
        Fact::Children(Some(n)) => lang.int(*n),
        Fact::Children(None) => HIDDEN_LABEL.into(),
        Fact::Dong(n) => lang.money(*n),
        Fact::Date(d) => lang.date(*d),
        Fact::Text { vi, en } => lang.pick(vi, en).to_string(),
    }
}

fn amount_text(lang: Lang, measure: &str, r: &Record) -> String {
    match measure {
        "money_spent" => lang.money(r.amount),
        _ if r.hidden => HIDDEN_LABEL.into(),
        _ => lang.int(r.amount),
    }
}

pub async fn page(Visit { state, p, ctx }: Visit, Query(q): Query<DashQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewPlan, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let code = q.code.trim().to_uppercase();
    let (u, year) = resolve(db, &p, &q, today).await.page(lang)?;
    let recs = drilldown::records(db, &p.scope(), &u.code, year, &code)
        .await
        .page(lang)?;
    let figures = engine::figures(db, &u, year, today).await.page(lang)?;
    let f = figures
        .iter()
        .find(|f| f.indicator.code == code)
        .ok_or(PageError(AppError::NotFound, lang))?;
    let i = &f.indicator;
    let (symbol, standing_class, key) = standing_parts(f.standing);
    // Children's answers hidden: by their own breakdowns (then every
    // consultation's count too, or they would add it back up) or by the
    // consultations' counts.
    let children = f.counts_children();
    let measure = recs.measure.clone();
    let hidden_total = children && (f.hidden() || recs.total_hidden);
    let rows = recs
        .rows
        .iter()
        .map(|r| Row {
            title: r.title.clone(),
            href: r.href.clone().unwrap_or_default(),
            unit: lang.pick(&r.unit_name_vi, &r.unit_name_en).to_string(),
            date: r.date.map(|d| lang.date(d)).unwrap_or_default(),
            counted: r.counted,
            amount: shown_unless(f.hidden() && children, || amount_text(lang, &measure, r)),
            facts: r
                .facts
                .iter()
                .map(|(k, x)| {
                    let label = lang.t(&format!("records-fact-{}", k.replace('_', "-")));
                    let text = match (k.as_str(), x) {
                        ("stage" | "method", Fact::Text { vi, .. }) => {
                            lang.t(&format!("consult-{k}-{}", vi.replace('_', "-")))
                        }
                        (_, Fact::Children(_)) if f.hidden() => HIDDEN_LABEL.into(),
                        _ => fact_text(lang, x),
                    };
                    (label, text)
                })
                .collect(),
            links: r.links.clone(),
        })
        .collect();
    let others = figures
        .iter()
        .filter(|x| x.indicator.code != code)
        .map(|x| {
            (
                x.indicator.code.clone(),
                records_href(&u.code, year, &x.indicator.code),
            )
        })
        .collect();
    let total = shown_unless(hidden_total, || {
        if measure == "money_spent" {
            lang.money(recs.total())
        } else {
            lang.int(recs.total())
        }
    });
    Ok(render(&DrilldownPage {
        c: Chrome::new(&ctx, "records-title"),
        name: lang.pick(&i.name_vi, &i.name_en).to_string(),
        unit_code: u.code.clone(),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        year,
        figure: shown_unless(hidden_total, || value_text(lang, i.value, &i.unit)),
        numerator: shown_unless(hidden_total, || {
            let n = i64::try_from(i.numerator).unwrap_or(i64::MAX);
            if i.unit == "dong" {
                lang.money(n)
            } else {
                lang.int(n)
            }
        }),
        denominator: shown_unless(hidden_total, || {
            lang.int(i64::try_from(i.denominator).unwrap_or(i64::MAX))
        }),
        is_percent: i.unit == "%",
        target: i
            .target
            .map(|t| value_text(lang, Some(t), &i.unit))
            .unwrap_or_default(),
        symbol,
        standing_class,
        standing_word: lang.t(key),
        total,
        counted: recs.counted(),
        rows,
        amount_heading: lang.t(&format!("records-amount-{}", measure.replace('_', "-"))),
        others,
        code,
    }))
}
