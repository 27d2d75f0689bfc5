//! What a period review (sơ kết, tổng kết) of a unit says over a span of
//! years: each year's figures as its annual report has them (frozen once the
//! report left its author's hands, else live), and the span's figures by the
//! span rule of `thamgia_domain::review` — sums for what adds up, shares
//! recomputed from the span's numerators and denominators, per year only for
//! units and persons counted in a year.

use crate::audit::{self, Change};
use crate::entity::{review as row, unit};
use crate::report_data::{self, ReportData};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};
use serde::Serialize;
use std::collections::BTreeMap;
use thamgia_domain::access::Actor;
use thamgia_domain::reports::editable;
use thamgia_domain::review::{self, SpanFigure, SpanRule, YearFigure};

/// One year of the review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewYear {
    pub year: i32,
    /// The figures of the year's report as it was submitted or approved
    /// (`true`), or computed now (`false`: no report left its author yet).
    pub frozen: bool,
    pub data: ReportData,
}

/// One indicator's cell in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearCell {
    pub year: i32,
    /// The year's value (a share in percent, or the count / amount); `None`
    /// when hidden, not computed, or the indicator is not in that year's plan.
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub hidden: bool,
}

/// One indicator over the span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorSpan {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `%`, `count` or `dong`.
    pub unit: String,
    pub measure: String,
    pub years: Vec<YearCell>,
    #[serde(skip)]
    pub span: SpanFigure,
    /// The span's value as shown (`None`: per year only, not computed or hidden).
    pub span_value: Option<f64>,
    pub span_target: Option<f64>,
    pub span_hidden: bool,
    /// `sum`, `share`, `per_year` or `none`.
    pub span_rule: &'static str,
}

/// A count over the span: each year's and their sum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Series {
    pub years: Vec<i64>,
    pub total: i64,
}

impl Series {
    fn of(values: impl Iterator<Item = i64>) -> Series {
        let years: Vec<i64> = values.collect();
        let total = years.iter().sum();
        Series { years, total }
    }
}

/// Money of one funding source over the span, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneySpan {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub budget: Series,
    pub spent: Series,
}

/// A unit's review over `from`–`to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub unit_code: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub from: i32,
    pub to: i32,
    pub built_on: NaiveDate,
    pub years: Vec<ReviewYear>,
    pub indicators: Vec<IndicatorSpan>,
    pub money: Vec<MoneySpan>,
    pub activities: Series,
    pub people_trained: Series,
    pub forums: Series,
    pub councils: Series,
    pub dialogues: Series,
    pub clubs: Series,
    pub club_activities: Series,
    pub recommendations_received: Series,
    pub recommendations_answered: Series,
}

fn rule_word(r: SpanRule) -> &'static str {
    match r {
        SpanRule::Sum => "sum",
        SpanRule::Share => "share",
        SpanRule::PerYear => "per_year",
        SpanRule::None => "none",
    }
}

/// A year's data as the review reads it: the report's frozen figures once it
/// left its author's hands, else computed now.
async fn year_data<C: sea_orm::ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<ReviewYear> {
    if let Some(r) = crate::reports::of_unit_year(c, u.id, year).await? {
        let status = r.status;
        if !editable(status)
            && let Some(data) = r.figures.as_deref().and_then(ReportData::from_json)
        {
            return Ok(ReviewYear {
                year,
                frozen: true,
                data,
            });
        }
    }
    Ok(ReviewYear {
        year,
        frozen: false,
        data: report_data::build(c, u, year, today).await?,
    })
}

/// The review of `u` over `from..=to` (already checked against the plan).
pub async fn build<C: sea_orm::ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    from: i32,
    to: i32,
    today: NaiveDate,
) -> Result<Review> {
    let mut years = Vec::new();
    for year in from..=to {
        years.push(year_data(c, u, year, today).await?);
    }
    Ok(of_years(u, from, to, today, years))
}

/// The review from its years' data (the span rule applied).
pub fn of_years(
    u: &unit::Model,
    from: i32,
    to: i32,
    today: NaiveDate,
    years: Vec<ReviewYear>,
) -> Review {
    let indicators = indicators_of(&years);
    let money = money_of(&years);
    let series = |f: &dyn Fn(&ReportData) -> i64| Series::of(years.iter().map(|y| f(&y.data)));
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Review {
        unit_code: u.code.clone(),
        unit_name_vi: u.name_vi.clone(),
        unit_name_en: u.name_en.clone(),
        from,
        to,
        built_on: today,
        indicators,
        money,
        activities: series(&|d| d.activities.total),
        people_trained: series(&|d| d.activities.trained_female + d.activities.trained_male),
        forums: series(&|d| i64::try_from(d.forums.len()).unwrap_or(i64::MAX)),
        councils: series(&|d| n(d.councils.total)),
        dialogues: series(&|d| n(d.councils.dialogues)),
        clubs: series(&|d| n(d.clubs.total)),
        club_activities: series(&|d| n(d.clubs.activities)),
        recommendations_received: series(&|d| n(d.recommendations.received)),
        recommendations_answered: series(&|d| n(d.recommendations.answered)),
        years,
    }
}

/// Every indicator of any year, in the order they first appear.
fn indicators_of(years: &[ReviewYear]) -> Vec<IndicatorSpan> {
    let mut order: Vec<String> = Vec::new();
    for y in years {
        for f in &y.data.figures {
            if !order.contains(&f.indicator.code) {
                order.push(f.indicator.code.clone());
            }
        }
    }
    order
        .into_iter()
        .map(|code| {
            let found: Vec<(i32, Option<&crate::engine::Figure>)> = years
                .iter()
                .map(|y| (y.year, y.data.figure(&code)))
                .collect();
            let first = found
                .iter()
                .find_map(|(_, f)| *f)
                .expect("an indicator of some year");
            let i = &first.indicator;
            let rule = review::rule(&i.measure, &i.unit);
            let present: Vec<YearFigure> = found
                .iter()
                .filter_map(|(year, f)| {
                    f.map(|f| YearFigure {
                        year: *year,
                        numerator: f.indicator.numerator,
                        denominator: f.indicator.denominator,
                        target: f.indicator.target,
                        hidden: f.hidden(),
                    })
                })
                .collect();
            // A share of the child population never passes 100 %.
            let capped = first.counts_children() && i.unit == "%";
            let span = review::span(rule, &present, first.counts_children(), capped);
            IndicatorSpan {
                code: code.clone(),
                name_vi: i.name_vi.clone(),
                name_en: i.name_en.clone(),
                unit: i.unit.clone(),
                measure: i.measure.clone(),
                years: found
                    .iter()
                    .map(|(year, f)| YearCell {
                        year: *year,
                        value: f.filter(|f| !f.hidden()).and_then(|f| f.indicator.value),
                        target: f.and_then(|f| f.indicator.target),
                        hidden: f.is_some_and(|f| f.hidden()),
                    })
                    .collect(),
                span_value: span.value,
                span_target: span.target,
                span_hidden: span.hidden,
                span_rule: rule_word(span.rule),
                span,
            }
        })
        .collect()
}

/// Money by funding source over the span.
fn money_of(years: &[ReviewYear]) -> Vec<MoneySpan> {
    let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for y in years {
        for l in &y.data.funding.by_source {
            if !order.contains(&l.code) {
                order.push(l.code.clone());
                names.insert(l.code.clone(), (l.name_vi.clone(), l.name_en.clone()));
            }
        }
    }
    order
        .into_iter()
        .map(|code| {
            let line = |y: &ReviewYear| {
                y.data
                    .funding
                    .by_source
                    .iter()
                    .find(|l| l.code == code)
                    .map_or((0, 0), |l| (l.budget, l.spent))
            };
            let (name_vi, name_en) = names.remove(&code).unwrap_or_default();
            MoneySpan {
                budget: Series::of(years.iter().map(|y| line(y).0)),
                spent: Series::of(years.iter().map(|y| line(y).1)),
                code,
                name_vi,
                name_en,
            }
        })
        .collect()
}

/// The coordinator's narrative of a review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// The narrative written for `unit_id` over `from..=to`, if any.
pub async fn narrative_of<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    from: i32,
    to: i32,
) -> Result<Option<row::Model>> {
    Ok(row::Entity::find()
        .filter(row::Column::UnitId.eq(unit_id))
        .filter(row::Column::FromYear.eq(from))
        .filter(row::Column::ToYear.eq(to))
        .one(c)
        .await?)
}

/// Writes the narrative of `unit_id`'s review over `from..=to` (created on
/// the first save), audited. Two first saves racing on PostgreSQL: the one
/// whose insert meets the other's row updates it instead.
pub async fn save_narrative<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    unit_id: i32,
    (from, to): (i32, i32),
    n: &Narrative,
) -> Result<row::Model> {
    for _ in 0..2 {
        let tx = crate::begin_write(c).await?;
        let (after, change) = match narrative_of(&tx, unit_id, from, to).await? {
            Some(before) => {
                let mut am = before.clone().into_active_model();
                am.results = Set(n.results.clone());
                am.difficulties = Set(n.difficulties.clone());
                am.proposals = Set(n.proposals.clone());
                am.updated_by = Set(actor.user_id);
                am.updated_at = Set(now);
                let after = am.update(&tx).await?;
                let change = Change::new("update", "review", after.id)
                    .before(&before)
                    .after(&after);
                (after, change)
            }
            None => {
                let inserted = row::ActiveModel {
                    unit_id: Set(unit_id),
                    from_year: Set(from),
                    to_year: Set(to),
                    results: Set(n.results.clone()),
                    difficulties: Set(n.difficulties.clone()),
                    proposals: Set(n.proposals.clone()),
                    updated_by: Set(actor.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&tx)
                .await;
                match inserted.map_err(|e| crate::on_unique(e, "review")) {
                    Ok(after) => {
                        let change = Change::new("create", "review", after.id).after(&after);
                        (after, change)
                    }
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
        };
        audit::commit(tx, actor, now, change).await?;
        return Ok(after);
    }
    Err(StoreError::Conflict { field: "review" })
}
