//! The dashboard (Tổng quan) of a unit and a year: a card for every figure of
//! the indicator engine (value, target, and the standing in words and a sign,
//! never colour alone), each opening the records behind it; for a unit with
//! districts, a district × indicator table; trends over the plan's period as
//! server-drawn SVG charts with a table of the same numbers; what is overdue
//! (answers to children, forum reports, recommendations); and the annual
//! report chain. Every number comes from `store::engine::figures`, as in the
//! API and the report's exports, so they agree.

use super::funding::unit_of;
use super::{Chrome, PageErr, PageResult, Visit, render, require};
use crate::charts::{self, Point};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Permission, Principal, Role, Scope};
use thamgia_domain::reports::{ReportStatus, Standing};
use thamgia_domain::suppression::{HIDDEN_LABEL, shown, shown_unless};
use thamgia_store::engine::{self, Figure};
use thamgia_store::entity::unit;
use thamgia_store::recommendations::{self, Reach, RecommendationFilter};
use thamgia_store::{drilldown, forums, indicators, plans, report_data, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/static/dashboard.css", get(stylesheet))
}

/// `?unit=&year=` (and `code=` for the records behind a figure; `date=`
/// dd/mm/yyyy to read a reused code on a given day).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DashQuery {
    pub unit: String,
    pub year: String,
    pub code: String,
    pub date: String,
}

/// The unit asked for (the caller's own by default; 404 outside the scope)
/// and the year (by default the latest with records, else the current one).
/// A code is read in the year (`units::resolve`: on the date given, else
/// on 31/12), so `unit=03388&year=2019` is Phường Quyết Tiến and
/// `unit=03388&year=2025` Phường Đoàn Kết.
pub(crate) async fn resolve(
    db: &DatabaseConnection,
    p: &Principal,
    q: &DashQuery,
    today: NaiveDate,
) -> Result<(unit::Model, i32), AppError> {
    let (u, year, _) = resolve_noting(db, p, q, today).await?;
    Ok((u, year))
}

/// As [`resolve`], with whether the code named another unit too that year
/// (the page then says which one it shows).
pub(crate) async fn resolve_noting(
    db: &DatabaseConnection,
    p: &Principal,
    q: &DashQuery,
    today: NaiveDate,
) -> Result<(unit::Model, i32, bool), AppError> {
    let y = q.year.trim();
    let asked: Option<i32> = if y.is_empty() {
        None
    } else if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
        Some(
            y.parse()
                .map_err(|_| AppError::invalid("year", "invalid_year"))?,
        )
    } else {
        return Err(AppError::invalid("year", "invalid_year"));
    };
    let d = q.date.trim();
    let date = if d.is_empty() {
        None
    } else {
        Some(
            thamgia_domain::activities::parse_date(d)
                .ok_or_else(|| AppError::invalid("date", "invalid_date"))?,
        )
    };
    let code = q.unit.trim();
    let (u, ambiguous) = if code.is_empty() {
        (unit_of(db, p, code, None).await?, false)
    } else {
        let r = units::resolve(db, &p.scope(), code, asked, date).await?;
        (r.unit, r.ambiguous)
    };
    let year = match asked {
        Some(y) => y,
        None => opening_year(db, &u, today).await?,
    };
    Ok((u, year, ambiguous))
}

/// The year the dashboard opens on: the latest year of a plan that has
/// records or owes a report — the report's year (the reports list's rule,
/// `reports::due_year`), or a later year a plan covers that already has
/// records. Without any plan, the latest year with records, else this year.
async fn opening_year(
    db: &DatabaseConnection,
    u: &unit::Model,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let data = drilldown::latest_year(db, u, today).await?;
    let Some(due) = super::reports::due_year(db, &u.path, today).await? else {
        return Ok(data.unwrap_or(today.year()));
    };
    Ok(match data {
        Some(d)
            if d > due
                && thamgia_store::plans::covering_levels(db, &u.path, d)
                    .await?
                    .is_some() =>
        {
            d
        }
        _ => due,
    })
}

/// "Code 03388 in 2025 is Phường Đoàn Kết (from 01/07/2025)": said when
/// the code named another unit too that year.
pub(crate) fn unit_note(lang: Lang, u: &unit::Model, year: i32) -> String {
    let span = match (u.valid_from, u.valid_to) {
        (Some(f), Some(t)) => format!("{} – {}", lang.date(f), lang.date(t)),
        (Some(f), None) => lang.t_args("units-valid-from", &[("date", lang.date(f))]),
        (None, Some(t)) => lang.t_args("units-valid-to", &[("date", lang.date(t))]),
        (None, None) => String::new(),
    };
    lang.t_args(
        "units-code-chosen",
        &[
            ("code", u.code.clone()),
            ("year", year.to_string()),
            ("name", lang.pick(&u.name_vi, &u.name_en).to_string()),
            ("span", span),
        ],
    )
}

/// A figure's value as people read it: `66,7 %`, `1.250.000 ₫`, `12`; `—` for none.
/// A figure as shown: "<5" when it is suppressed (`C1` of 1–4 children, or
/// one that only hiding protects its breakdowns).
pub(crate) fn figure_text(lang: Lang, f: &Figure) -> String {
    shown_unless(f.hidden(), || {
        value_text(lang, f.indicator.value, &f.indicator.unit)
    })
}

pub(crate) fn value_text(lang: Lang, value: Option<f64>, unit: &str) -> String {
    match value {
        None => "—".into(),
        Some(v) => match unit {
            "%" => format!("{}\u{a0}%", lang.num(v)),
            "dong" => lang.money(v.round() as i64),
            _ => lang.num(v),
        },
    }
}

/// An amount of đồng short enough for a bar: `1,47 tỷ` / `1.47 bn`, `262 tr` /
/// `262 m`; smaller amounts in full.
pub(crate) fn short_money(lang: Lang, v: f64) -> String {
    let (billion, million, sep) = match lang {
        Lang::Vi => ("tỷ", "tr", ","),
        Lang::En => ("bn", "m", "."),
    };
    if v.abs() >= 1e9 {
        let n = format!("{:.2}", v / 1e9).replace('.', sep);
        format!("{n}\u{a0}{billion}")
    } else if v.abs() >= 1e6 {
        format!("{}\u{a0}{million}", lang.int((v / 1e6).round() as i64))
    } else {
        lang.int(v.round() as i64)
    }
}

/// The standing's sign, CSS class and catalog key.
pub(crate) fn standing_parts(s: Standing) -> (&'static str, &'static str, &'static str) {
    match s {
        Standing::Met => ("✔", "st-met", "dashboard-standing-met"),
        Standing::OnTrack => ("➜", "st-on-track", "dashboard-standing-on-track"),
        Standing::Behind => ("⚠", "st-behind", "dashboard-standing-behind"),
        Standing::NoTarget => ("–", "st-no-target", "dashboard-standing-no-target"),
        Standing::NoData => ("○", "st-no-target", "dashboard-standing-no-data"),
    }
}

pub use crate::links::records_href;

pub struct Card {
    pub code: String,
    pub name: String,
    pub value: String,
    /// The value as a plain number (for `<data value>`); empty for none.
    pub raw: String,
    pub fraction: String,
    pub target: String,
    pub symbol: &'static str,
    pub class: &'static str,
    pub word: String,
    pub href: String,
    pub parts: Vec<(String, String)>,
    /// What the figure counts where a reader could mistake it: answers, not
    /// children; answers with no age; a capped share; demo population.
    pub notes: Vec<String>,
}

/// The notes a figure carries wherever it is shown (dashboard, report).
pub fn figure_notes(lang: Lang, i: &thamgia_store::indicators::IndicatorValue) -> Vec<String> {
    let mut notes = Vec::new();
    if i.measure == "children_answers" {
        notes.push(lang.t("figure-note-answers"));
        if i.unit == "%" {
            notes.push(match i.not_given {
                Some(n) => lang.t_args(
                    "figure-note-not-given",
                    &[("n", lang.int(i64::try_from(n).unwrap_or(i64::MAX)))],
                ),
                None => lang.t_args("figure-note-not-given", &[("n", HIDDEN_LABEL.to_string())]),
            });
        }
    }
    if i.capped {
        notes.push(lang.t("figure-note-capped"));
    }
    if i.population_demo {
        notes.push(lang.t("figure-note-demo"));
    }
    notes
}

fn card(lang: Lang, f: &Figure, unit: &str, year: i32) -> Card {
    let i = &f.indicator;
    let (symbol, class, key) = standing_parts(f.standing);
    Card {
        code: i.code.clone(),
        name: lang.pick(&i.name_vi, &i.name_en).to_string(),
        value: figure_text(lang, f),
        raw: i.value.map(|v| v.to_string()).unwrap_or_default(),
        fraction: if i.unit == "%" {
            format!(
                "{} / {}",
                lang.int(i.numerator as i64),
                lang.int(i.denominator as i64)
            )
        } else {
            String::new()
        },
        target: match i.target {
            Some(t) => value_text(lang, Some(t), &i.unit),
            None => String::new(),
        },
        symbol,
        class,
        word: lang.t(key),
        href: records_href(unit, year, &i.code),
        parts: f
            .breakdown
            .iter()
            .map(|p| {
                (
                    lang.pick(&p.name_vi, &p.name_en).to_string(),
                    shown(p.value, |v| {
                        if i.unit == "dong" {
                            lang.money(v)
                        } else {
                            lang.int(v)
                        }
                    }),
                )
            })
            .collect(),
        notes: figure_notes(lang, i),
    }
}

pub struct Cell {
    pub value: String,
    pub symbol: &'static str,
    pub class: &'static str,
    pub word: String,
    pub href: String,
}

pub struct DistrictRow {
    pub code: String,
    pub name: String,
    pub cells: Vec<Cell>,
}

pub struct TrendChart {
    pub code: String,
    pub name: String,
    pub svg: String,
}

pub struct OverdueItem {
    pub title: String,
    pub unit: String,
    pub due: String,
    pub days: String,
    pub href: String,
}

pub struct OverdueList {
    pub id: &'static str,
    pub heading: String,
    pub count: usize,
    pub items: Vec<OverdueItem>,
    pub all_href: String,
}

pub struct ChainLine {
    pub unit: String,
    pub status: String,
    pub due: String,
    pub submitted: String,
    pub timely: String,
    pub late: bool,
    pub href: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    /// Which unit a code that changed meaning in the year stands for here.
    unit_note: Option<String>,
    year: i32,
    unit_options: Vec<(String, String)>,
    years: Vec<i32>,
    cards: Vec<Card>,
    columns: Vec<(String, String)>,
    districts: Vec<DistrictRow>,
    trends: Vec<TrendChart>,
    trend_years: Vec<i32>,
    /// (code, name, values per year)
    trend_rows: Vec<(String, String, Vec<String>)>,
    overdue: Vec<OverdueList>,
    chain: Vec<ChainLine>,
    chain_done: usize,
    chain_on_time: usize,
}

/// The years the newest plan of the unit's province covers, and the asked one.
async fn year_options(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<i32>, AppError> {
    let mut years: Vec<i32> = vec![];
    if let Some(p) = plans::newest(db, &u.path).await? {
        years.extend(p.header.period_start..=p.header.period_end);
    }
    if !years.contains(&year) {
        years.push(year);
    }
    years.sort_unstable();
    Ok(years)
}

/// The period of the plan governing the unit in `year` (its province's plan
/// covering the year, else its province's newest) for the trends, else the
/// five years up to `year`.
async fn trend_years(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<i32>, AppError> {
    Ok(match plans::governing(db, &u.path, year).await? {
        Some(p) => (p.header.period_start..=p.header.period_end).collect(),
        None => (year - 4..=year).collect(),
    })
}

fn status_word(lang: Lang, s: Option<ReportStatus>) -> String {
    match s {
        None => lang.t("dashboard-status-none"),
        Some(s) => lang.t(&format!("dashboard-status-{}", s.as_str())),
    }
}

pub async fn page(Visit { state, p, ctx }: Visit, Query(q): Query<DashQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewPlan, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let (u, year, ambiguous) = resolve_noting(db, &p, &q, today).await.page(lang)?;
    let figures = engine::figures(db, &u, year, today).await.page(lang)?;
    let cards: Vec<Card> = figures
        .iter()
        .map(|f| card(lang, f, &u.code, year))
        .collect();

    // The district × indicator table.
    let columns: Vec<(String, String)> = figures
        .iter()
        .map(|f| {
            (
                f.indicator.code.clone(),
                lang.pick(&f.indicator.name_vi, &f.indicator.name_en)
                    .to_string(),
            )
        })
        .collect();
    let mut districts = vec![];
    if !thamgia_domain::units::reports_to_province(&u.path) {
        for d in report_data::reporting_districts(db, &u, year)
            .await
            .page(lang)?
        {
            let fs = engine::figures(db, &d, year, today).await.page(lang)?;
            let cells = columns
                .iter()
                .map(
                    |(code, _)| match fs.iter().find(|f| &f.indicator.code == code) {
                        Some(f) => {
                            let (symbol, class, key) = standing_parts(f.standing);
                            Cell {
                                value: figure_text(lang, f),
                                symbol,
                                class,
                                word: lang.t(key),
                                href: records_href(&d.code, year, code),
                            }
                        }
                        None => Cell {
                            value: "—".into(),
                            symbol: "",
                            class: "st-no-target",
                            word: String::new(),
                            href: records_href(&d.code, year, code),
                        },
                    },
                )
                .collect();
            districts.push(DistrictRow {
                name: lang.pick(&d.name_vi, &d.name_en).to_string(),
                code: d.code,
                cells,
            });
        }
    }

    // Trends over the plan's period.
    let years = trend_years(db, &u, year).await.page(lang)?;
    let mut by_year: Vec<Vec<Figure>> = vec![];
    for y in &years {
        by_year.push(engine::figures(db, &u, *y, today).await.page(lang)?);
    }
    let mut trends = vec![];
    let mut trend_rows = vec![];
    // Every indicator of the years shown, in the plan's order.
    let mut trend_codes: Vec<String> = vec![];
    for f in figures.iter().chain(by_year.iter().flatten()) {
        if !trend_codes.contains(&f.indicator.code) {
            trend_codes.push(f.indicator.code.clone());
        }
    }
    for code in &trend_codes {
        let code = code.as_str();
        let series: Vec<Option<&Figure>> = by_year
            .iter()
            .map(|fs| fs.iter().find(|f| f.indicator.code == code))
            .collect();
        let Some(first) = series.iter().flatten().next() else {
            continue;
        };
        let name = lang
            .pick(&first.indicator.name_vi, &first.indicator.name_en)
            .to_string();
        let points: Vec<Point> = years
            .iter()
            .zip(&series)
            .map(|(y, f)| Point {
                label: y.to_string(),
                value: f.and_then(|f| f.indicator.value),
                value_text: f.map_or("—".into(), |f| figure_text(lang, f)),
                target: f.and_then(|f| f.indicator.target),
            })
            .collect();
        // The words and the table keep the full amount; on the bars money is short.
        let bars: Vec<Point> = points
            .iter()
            .map(|pt| Point {
                value_text: match pt.value {
                    Some(v) if first.indicator.unit == "dong" => short_money(lang, v),
                    _ => pt.value_text.clone(),
                },
                ..pt.clone()
            })
            .collect();
        let desc = points
            .iter()
            .map(|pt| format!("{}: {}", pt.label, pt.value_text))
            .collect::<Vec<_>>()
            .join("; ");
        trends.push(TrendChart {
            code: code.to_string(),
            name: name.clone(),
            svg: charts::trend(
                &format!("trend-{code}"),
                &format!("{code} — {name}"),
                &desc,
                &bars,
            ),
        });
        trend_rows.push((
            code.to_string(),
            name,
            points.into_iter().map(|pt| pt.value_text).collect(),
        ));
    }

    // What is overdue, as of today, in the unit's subtree.
    let scope = Scope {
        path: u.path.clone(),
    };
    let own_agency = p.role == Role::AgencyOfficer;
    let answers = if own_agency && p.agency_id.is_none() {
        vec![]
    } else {
        let agency = if own_agency { p.agency_id } else { None };
        indicators::overdue_answers(db, &scope, agency, today)
            .await
            .page(lang)?
    };
    let late_forums = forums::overdue_reports(db, &scope, today)
        .await
        .page(lang)?;
    let late_recs = recommendations::list(
        db,
        &Reach::of(&p),
        &RecommendationFilter {
            unit_path: Some(u.path.clone()),
            overdue_on: Some(today),
            ..Default::default()
        },
    )
    .await
    .page(lang)?;
    const SHOWN: usize = 5;
    let name_of = |x: &unit::Model| lang.pick(&x.name_vi, &x.name_en).to_string();
    let overdue = vec![
        OverdueList {
            id: "overdue-answers",
            heading: lang.t("dashboard-overdue-answers"),
            count: answers.len(),
            items: answers
                .iter()
                .take(SHOWN)
                .map(|o| OverdueItem {
                    title: o.matter.title.clone(),
                    unit: name_of(&o.unit),
                    due: lang.date(o.due),
                    days: lang.int(o.days_overdue),
                    href: format!("/matters/{}", o.matter.id),
                })
                .collect(),
            all_href: "/answers/overdue".into(),
        },
        OverdueList {
            id: "overdue-forums",
            heading: lang.t("dashboard-overdue-forums"),
            count: late_forums.len(),
            items: late_forums
                .iter()
                .take(SHOWN)
                .map(|o| OverdueItem {
                    title: o.forum.theme.clone(),
                    unit: name_of(&o.unit),
                    due: lang.date(o.due),
                    days: lang.int(o.days_late),
                    href: format!("/forums/{}", o.forum.id),
                })
                .collect(),
            all_href: "/forums".into(),
        },
        OverdueList {
            id: "overdue-recommendations",
            heading: lang.t("dashboard-overdue-recommendations"),
            count: late_recs.len(),
            items: late_recs
                .iter()
                .take(SHOWN)
                .map(|(r, ru, _)| OverdueItem {
                    title: r.text.chars().take(160).collect(),
                    unit: name_of(ru),
                    due: lang.date(r.deadline),
                    days: lang.int((today - r.deadline).num_days()),
                    href: format!("/recommendations/{}", r.id),
                })
                .collect(),
            all_href: "/recommendations?overdue=1".into(),
        },
    ];

    // The annual report chain for the year.
    let rows = report_data::chain_status(db, &u, year, today)
        .await
        .page(lang)?;
    let chain_done = rows
        .iter()
        .filter(|r| thamgia_domain::reports::counts_as_submitted(r.status))
        .count();
    let chain_on_time = rows.iter().filter(|r| r.on_time).count();
    let chain = rows
        .into_iter()
        .map(|r| ChainLine {
            unit: name_of(&r.unit),
            status: status_word(lang, r.status),
            due: lang.date(r.due_on),
            submitted: r
                .first_submitted_on
                .map(|d| lang.date(d))
                .unwrap_or_else(|| "—".into()),
            timely: if r.first_submitted_on.is_none() {
                if r.overdue {
                    format!("⚠ {}", lang.t("dashboard-report-overdue"))
                } else {
                    "—".into()
                }
            } else if r.on_time {
                format!("✔ {}", lang.t("dashboard-report-on-time"))
            } else {
                format!("⚠ {}", lang.t("dashboard-report-late"))
            },
            late: r.overdue || (r.first_submitted_on.is_some() && !r.on_time),
            href: format!("/reports/{}/{year}", r.unit.code),
        })
        .collect();

    // The units valid in the year: the province and its districts until
    // 30/6/2025, its commune-level units since (they report to it directly);
    // the unit shown is always among them.
    let valid = units::subtree(db, &p.scope().path, units::During::year(year))
        .await
        .page(lang)?;
    let provinces: Vec<i32> = valid
        .iter()
        .filter(|x| x.level == "province")
        .map(|x| x.id)
        .collect();
    let mut unit_options: Vec<(String, String)> = valid
        .iter()
        .filter(|x| {
            thamgia_domain::units::in_report_chain(&x.path)
                || x.parent_id.is_some_and(|pid| provinces.contains(&pid))
                || x.id == u.id
        })
        .map(|x| {
            (
                x.code.clone(),
                lang.pick(&x.name_vi, &x.name_en).to_string(),
            )
        })
        .collect();
    if !unit_options.iter().any(|(code, _)| *code == u.code) {
        unit_options.push((
            u.code.clone(),
            lang.pick(&u.name_vi, &u.name_en).to_string(),
        ));
    }
    Ok(render(&DashboardPage {
        c: Chrome::new(&ctx, "dashboard-title"),
        unit_code: u.code.clone(),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        unit_note: ambiguous.then(|| unit_note(lang, &u, year)),
        year,
        unit_options,
        years: year_options(db, &u, year).await.page(lang)?,
        cards,
        columns,
        districts,
        trends,
        trend_years: years,
        trend_rows,
        overdue,
        chain,
        chain_done,
        chain_on_time,
    }))
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/dashboard.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_the_readers_way() {
        assert_eq!(value_text(Lang::Vi, Some(66.7), "%"), "66,7\u{a0}%");
        assert_eq!(value_text(Lang::En, Some(66.7), "%"), "66.7\u{a0}%");
        assert_eq!(
            value_text(Lang::Vi, Some(1_250_000.0), "dong"),
            "1.250.000\u{a0}₫"
        );
        assert_eq!(value_text(Lang::Vi, Some(12.0), "count"), "12");
        assert_eq!(value_text(Lang::Vi, None, "%"), "—");
        assert_eq!(short_money(Lang::Vi, 1_470_100_000.0), "1,47\u{a0}tỷ");
        assert_eq!(short_money(Lang::En, 1_470_100_000.0), "1.47\u{a0}bn");
        assert_eq!(short_money(Lang::Vi, 262_400_000.0), "262\u{a0}tr");
        assert_eq!(short_money(Lang::Vi, 950_000.0), "950.000");
    }

    #[test]
    fn every_standing_has_a_sign_and_words() {
        for s in Standing::ALL {
            let (sign, class, key) = standing_parts(*s);
            assert!(!sign.is_empty() && class.starts_with("st-"));
            assert_ne!(Lang::Vi.t(key), key);
            assert_ne!(Lang::En.t(key), key);
        }
    }
}
