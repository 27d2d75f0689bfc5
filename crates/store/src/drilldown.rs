//! The records behind each figure of [`crate::engine`]: what a dashboard card
//! opens. The indicator's code is looked up in the plan the engine follows
//! for the year and the records are chosen by its **measure**. For every
//! measure the rows add up to the figure — the sum of [`Record::amount`] over
//! the rows is the figure's numerator — because each list applies the same
//! rule as the measure it explains:
//!
//! - `matters_consulted`: the matters of that kind counted in the year (the
//!   denominator), each consulted or not (the numerator counts the consulted).
//! - `forums_held`: the units of its levels that could hold a forum of their
//!   level, each with the forum it held (if any).
//! - `units_running_models`: the units of its level, each with its council
//!   dialogues, its active clubs and whether it ran the models asked for.
//! - `people_trained`: the training courses counted, with their participants;
//!   `activities`: the activities; `money_spent`: the spending lines, in đồng.
//! - `children_answers`: the consultations with children's answers in the
//!   year, with their counts (1–4 marked hidden, shown "<5"); never an
//!   answer, never a name. Only the figure's own answers: those of its age
//!   range, and for a count those that gave no age too.
//! - `children_in_models` and `not_computed`: no rows (no child is listed).
//!
//! The unit is looked up inside the caller's scope: outside it, `NotFound`.

use crate::entity::{
    activity, activity_participant, club, club_activity, consultation, council, council_dialogue,
    forum, matter, response, spending, unit,
};
use crate::{Result, StoreError, model_indicators, units};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use thamgia_domain::access::Scope;
use thamgia_domain::activities::ActivityKind;
use thamgia_domain::plan::{Measure, Plan};
use thamgia_domain::suppression;
use thamgia_domain::voice::suppress;

/// One fact about a record, for the page to put in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Fact {
    Yes(bool),
    Count(i64),
    /// A count of children: `None` when 1–4 (shown "<5").
    Children(Option<i64>),
    Dong(i64),
    Date(NaiveDate),
    Text {
        vi: String,
        en: String,
    },
}

/// One record behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub title: String,
    pub unit_code: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub date: Option<NaiveDate>,
    /// Whether it counts in the figure's numerator.
    pub counted: bool,
    /// What it adds to the figure: 1 for a counted matter, unit or activity,
    /// people trained, đồng spent, children's answers; 0 when not counted.
    /// Answers between 1 and 4 the page shows "<5" ([`Record::hidden`]).
    pub amount: i64,
    /// Children's answers: the count is 1–4 and must not be shown.
    pub hidden: bool,
    /// (key, fact): the key names a catalog entry (`consulted`, `dialogues`, …).
    pub facts: Vec<(String, Fact)>,
    /// The record's own page.
    pub href: Option<String>,
    /// Records inside this one (a district's clubs): (label, page).
    pub links: Vec<(String, String)>,
}

/// The records behind one figure of a unit's subtree in a year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Records {
    pub code: String,
    /// The indicator's measure (`Measure::kind`).
    pub measure: String,
    pub unit: unit::Model,
    pub year: i32,
    pub rows: Vec<Record>,
    /// Children's answers: the rows' total must be hidden too (1–4, or rows that only
    /// hiding it protects, such as five consultations of one child each).
    pub total_hidden: bool,
}

impl Records {
    /// The sum of the rows: the figure's numerator.
    pub fn total(&self) -> i64 {
        self.rows.iter().map(|r| r.amount).sum()
    }

    /// How many rows count.
    pub fn counted(&self) -> usize {
        self.rows.iter().filter(|r| r.counted).count()
    }
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

fn existed_during(u: &unit::Model, year: i32) -> bool {
    let Some((first, last)) = year_bounds(year) else {
        return false;
    };
    u.valid_from.is_none_or(|f| f <= last) && u.valid_to.is_none_or(|t| t >= first)
}

fn record(u: &unit::Model, title: String) -> Record {
    Record {
        title,
        unit_code: u.code.clone(),
        unit_name_vi: u.name_vi.clone(),
        unit_name_en: u.name_en.clone(),
        date: None,
        counted: false,
        amount: 0,
        hidden: false,
        facts: vec![],
        href: None,
        links: vec![],
    }
}

fn text(vi: impl Into<String>, en: impl Into<String>) -> Fact {
    Fact::Text {
        vi: vi.into(),
        en: en.into(),
    }
}

/// The records behind the indicator `code` for the unit `unit_code` (looked
/// up inside `scope`: `NotFound` outside it, or for a code the year's plan
/// does not list) in `year`.
pub async fn records<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_code: &str,
    year: i32,
    code: &str,
) -> Result<Records> {
    let u = units::resolve(c, scope, unit_code, Some(year), None)
        .await?
        .unit;
    let Some((plan, planned)) = crate::engine::plan_of_year(c, &u, year).await? else {
        return Err(StoreError::NotFound);
    };
    let Some(def) = plan.indicator(code) else {
        return Err(StoreError::NotFound);
    };
    if !planned
        && !matches!(
            def.measure,
            Measure::MattersConsulted { .. } | Measure::ChildrenAnswers { .. }
        )
    {
        return Err(StoreError::NotFound);
    }
    let subtree: Vec<unit::Model> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &u.path,
            crate::units::During::Always,
        ))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?;
    let mut total_hidden = false;
    let rows = match &def.measure {
        Measure::MattersConsulted { matter_kind } => {
            matters(c, &subtree, year, matter_kind).await?
        }
        Measure::ForumsHeld { levels } => forums(c, &subtree, year, levels).await?,
        Measure::UnitsRunningModels { level, models } => {
            running(c, &u, &subtree, year, level, models).await?
        }
        Measure::PeopleTrained { .. } => {
            let projects = crate::activity_indicators::trained_projects(&plan, def);
            activities(c, &subtree, year, Some(projects), None).await?
        }
        Measure::Activities { project } => {
            activities(c, &subtree, year, None, project.as_deref()).await?
        }
        Measure::MoneySpent => spendings(c, &subtree, year, &plan).await?,
        Measure::ChildrenAnswers { .. } => {
            // The figure's own answers: its age range, and (a count) the
            // answers that gave no age, which a share leaves out.
            let ages = crate::engine::age_range(&plan, def);
            let with_unknown = def.unit != thamgia_domain::plan::IndicatorUnit::Percent;
            let (rows, hidden) = consultations(c, &subtree, year, ages, with_unknown).await?;
            total_hidden = hidden;
            rows
        }
        Measure::ChildrenInModels { .. } | Measure::NotComputed => vec![],
    };
    Ok(Records {
        code: code.to_string(),
        measure: def.measure.kind().to_string(),
        unit: u,
        year,
        rows,
        total_hidden,
    })
}

fn by_id(subtree: &[unit::Model]) -> HashMap<i32, &unit::Model> {
    subtree.iter().map(|u| (u.id, u)).collect()
}

async fn matters<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
    kind: &str,
) -> Result<Vec<Record>> {
    let units = by_id(subtree);
    let ms = matter::Entity::find()
        .filter(matter::Column::UnitId.is_in(units.keys().copied()))
        .filter(matter::Column::Year.eq(year))
        .filter(matter::Column::Kind.eq(kind))
        .order_by_asc(matter::Column::DecisionDate)
        .order_by_asc(matter::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i32> = ms.iter().map(|m| m.id).collect();
    let consulted = crate::voice_queries::consulted_matters(c, &ids).await?;
    Ok(ms
        .into_iter()
        .filter_map(|m| {
            let u = units.get(&m.unit_id)?;
            let yes = consulted.contains(&m.id);
            let mut r = record(u, m.title.clone());
            r.date = m.decision_date;
            r.counted = yes;
            r.amount = i64::from(yes);
            r.facts = vec![
                (
                    "stage".into(),
                    Fact::Text {
                        vi: m.stage.as_str().into(),
                        en: m.stage.as_str().into(),
                    },
                ),
                ("consulted".into(), Fact::Yes(yes)),
            ];
            r.href = Some(format!("/matters/{}", m.id));
            Some(r)
        })
        .collect())
}

async fn forums<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
    levels: &[String],
) -> Result<Vec<Record>> {
    let could: Vec<&unit::Model> = subtree
        .iter()
        .filter(|x| levels.contains(&x.level) && existed_during(x, year))
        .collect();
    let held = forum::Entity::find()
        .filter(forum::Column::Year.eq(year))
        .filter(forum::Column::UnitId.is_in(could.iter().map(|u| u.id)))
        .order_by_asc(forum::Column::StartsOn)
        .order_by_asc(forum::Column::Id)
        .all(c)
        .await?;
    Ok(could
        .into_iter()
        .map(|u| {
            let own = held
                .iter()
                .find(|f| f.unit_id == u.id && f.level.as_str() == u.level);
            let mut r = record(u, u.name_vi.clone());
            r.counted = own.is_some();
            r.amount = i64::from(own.is_some());
            r.facts
                .push(("forum_held".into(), Fact::Yes(own.is_some())));
            if let Some(f) = own {
                r.date = Some(f.starts_on);
                r.facts.push(("theme".into(), text(&f.theme, &f.theme)));
                let children = i64::from(f.girls) + i64::from(f.boys);
                r.facts.push((
                    "children".into(),
                    Fact::Children(
                        suppress(u64::try_from(children).unwrap_or(0)).map(|n| n as i64),
                    ),
                ));
                r.href = Some(format!("/forums/{}", f.id));
            }
            r
        })
        .collect())
}

async fn running<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    subtree: &[unit::Model],
    year: i32,
    level: &str,
    models: &[String],
) -> Result<Vec<Record>> {
    let ds = model_indicators::units_of_level(c, u, year, level).await?;
    let asks = |m: &str| models.iter().any(|x| x == m);
    let ids: Vec<i32> = subtree.iter().map(|x| x.id).collect();
    // Councils with their dialogues in the year.
    let councils = council::Entity::find()
        .filter(council::Column::UnitId.is_in(ids.iter().copied()))
        .all(c)
        .await?;
    let dialogues: Vec<(i32, NaiveDate)> = council_dialogue::Entity::find()
        .select_only()
        .column(council_dialogue::Column::CouncilId)
        .column(council_dialogue::Column::HeldOn)
        .filter(council_dialogue::Column::Year.eq(year))
        .filter(council_dialogue::Column::CouncilId.is_in(councils.iter().map(|k| k.id)))
        .into_tuple()
        .all(c)
        .await?;
    // Clubs with an activity in the year.
    let clubs = club::Entity::find()
        .filter(club::Column::UnitId.is_in(ids.iter().copied()))
        .order_by_asc(club::Column::Name)
        .all(c)
        .await?;
    let active: HashMap<i32, i64> = {
        let mut m: HashMap<i32, i64> = HashMap::new();
        let rows: Vec<i32> = club_activity::Entity::find()
            .select_only()
            .column(club_activity::Column::ClubId)
            .filter(club_activity::Column::Year.eq(year))
            .filter(club_activity::Column::ClubId.is_in(clubs.iter().map(|k| k.id)))
            .into_tuple()
            .all(c)
            .await?;
        for id in rows {
            *m.entry(id).or_default() += 1;
        }
        m
    };
    let units = by_id(subtree);
    let under = |unit_id: i32, d: &unit::Model| {
        units
            .get(&unit_id)
            .is_some_and(|x| thamgia_domain::access::is_within(&x.path, &d.path))
    };
    let mut out = vec![];
    for dm in ds {
        let Some(d) = subtree.iter().find(|x| x.code == dm.code) else {
            continue;
        };
        let mut r = record(d, d.name_vi.clone());
        let my_councils: Vec<&council::Model> =
            councils.iter().filter(|k| under(k.unit_id, d)).collect();
        let my_dialogues: Vec<NaiveDate> = dialogues
            .iter()
            .filter(|(cid, _)| my_councils.iter().any(|k| k.id == *cid))
            .map(|(_, day)| *day)
            .collect();
        let my_clubs: Vec<&club::Model> = clubs
            .iter()
            .filter(|k| under(k.unit_id, d) && active.contains_key(&k.id))
            .collect();
        r.counted = dm.runs_all(models);
        r.amount = i64::from(r.counted);
        let several = models.len() > 1;
        if asks("forum") {
            r.facts.push(("forum_held".into(), Fact::Yes(dm.forum)));
        }
        if asks("council") {
            r.facts
                .push(("dialogues".into(), Fact::Count(my_dialogues.len() as i64)));
            r.date = my_dialogues.iter().min().copied();
            if let Some(k) = my_councils.first() {
                r.links
                    .push((k.name.clone(), format!("/councils/{}", k.id)));
            }
        }
        if asks("club") {
            r.facts.push((
                "active_clubs".into(),
                Fact::Count(i64::from(dm.active_clubs)),
            ));
            for k in &my_clubs {
                let n = active.get(&k.id).copied().unwrap_or(0);
                r.links
                    .push((format!("{} ({n})", k.name), format!("/clubs/{}", k.id)));
            }
        }
        if several {
            r.facts.push(("all_three".into(), Fact::Yes(r.counted)));
        }
        out.push(r);
    }
    Ok(out)
}

async fn activities<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
    trained: Option<Option<HashSet<String>>>,
    project: Option<&str>,
) -> Result<Vec<Record>> {
    let Some((first, last)) = year_bounds(year) else {
        return Ok(vec![]);
    };
    let units = by_id(subtree);
    let mut acts = activity::Entity::find()
        .filter(activity::Column::UnitId.is_in(units.keys().copied()))
        .filter(activity::Column::StartsOn.gte(first))
        .filter(activity::Column::StartsOn.lte(last))
        .order_by_asc(activity::Column::StartsOn)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    if let Some(p) = project {
        acts.retain(|a| a.project_code == p);
    }
    let mut people: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    if let Some(projects) = &trained {
        acts.retain(|a| {
            a.kind == ActivityKind::Training
                && projects
                    .as_ref()
                    .is_none_or(|set| set.contains(&a.project_code))
        });
        let ids: Vec<i32> = acts.iter().map(|a| a.id).collect();
        for chunk in ids.chunks(5_000) {
            for p in activity_participant::Entity::find()
                .filter(activity_participant::Column::ActivityId.is_in(chunk.iter().copied()))
                .all(c)
                .await?
            {
                let e = people.entry(p.activity_id).or_default();
                e.0 += i64::from(p.female);
                e.1 += i64::from(p.male);
            }
        }
    }
    Ok(acts
        .into_iter()
        .filter_map(|a| {
            let u = units.get(&a.unit_id)?;
            let mut r = record(u, a.title.clone());
            r.date = Some(a.starts_on);
            r.counted = true;
            r.facts
                .push(("project".into(), text(&a.project_code, &a.project_code)));
            r.facts.push((
                "activity_kind".into(),
                text(a.kind.name_vi(), a.kind.as_str()),
            ));
            if trained.is_some() {
                let (f, m) = people.get(&a.id).copied().unwrap_or_default();
                r.amount = f + m;
                r.facts.push(("women".into(), Fact::Count(f)));
                r.facts.push(("men".into(), Fact::Count(m)));
            } else {
                r.amount = 1;
            }
            r.href = Some(format!("/activities/{}", a.id));
            Some(r)
        })
        .collect())
}

async fn spendings<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
    plan: &Plan,
) -> Result<Vec<Record>> {
    let Some((first, last)) = year_bounds(year) else {
        return Ok(vec![]);
    };
    let units = by_id(subtree);
    let acts: HashMap<i32, activity::Model> = activity::Entity::find()
        .filter(activity::Column::UnitId.is_in(units.keys().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let source_name = |code: &str| -> (String, String) {
        plan.funding_sources
            .iter()
            .find(|s| s.code == code)
            .map(|s| (s.name_vi.clone(), s.name_en.clone()))
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    };
    let ids: Vec<i32> = acts.keys().copied().collect();
    let mut lines = vec![];
    for chunk in ids.chunks(5_000) {
        lines.extend(
            spending::Entity::find()
                .filter(spending::Column::ActivityId.is_in(chunk.iter().copied()))
                .filter(spending::Column::SpentOn.gte(first))
                .filter(spending::Column::SpentOn.lte(last))
                .all(c)
                .await?,
        );
    }
    lines.sort_by_key(|s| (s.spent_on, s.id));
    Ok(lines
        .into_iter()
        .filter(|s| s.spent_on.year() == year)
        .filter_map(|s| {
            let a = acts.get(&s.activity_id)?;
            let u = units.get(&a.unit_id)?;
            let mut r = record(u, a.title.clone());
            r.date = Some(s.spent_on);
            r.counted = true;
            r.amount = s.amount;
            let (vi, en) = source_name(&s.source_code);
            r.facts.push(("source".into(), text(vi, en)));
            r.facts
                .push(("project".into(), text(&a.project_code, &a.project_code)));
            if !s.note.trim().is_empty() {
                r.facts.push(("note".into(), text(&s.note, &s.note)));
            }
            r.facts.push(("amount".into(), Fact::Dong(s.amount)));
            r.href = Some(format!("/activities/{}", a.id));
            Some(r)
        })
        .collect())
}

/// The consultations behind children's answers, and whether their total must be hidden.
async fn consultations<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
    (min, max): (u8, u8),
    with_unknown: bool,
) -> Result<(Vec<Record>, bool)> {
    let in_range = sea_orm::Condition::all()
        .add(response::Column::Age.gte(i32::from(min)))
        .add(response::Column::Age.lte(i32::from(max)));
    let ages = if with_unknown {
        sea_orm::Condition::any()
            .add(in_range)
            .add(response::Column::Age.is_null())
    } else {
        in_range
    };
    let (Some(from), Some(to)) = (
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single(),
    ) else {
        return Ok((vec![], false));
    };
    let units = by_id(subtree);
    let ks: HashMap<i32, consultation::Model> = consultation::Entity::find()
        .filter(consultation::Column::UnitId.is_in(units.keys().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|k| (k.id, k))
        .collect();
    let ids: Vec<i32> = ks.keys().copied().collect();
    let mut counts: BTreeMap<i32, i64> = BTreeMap::new();
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i32, i64)> = response::Entity::find()
            .select_only()
            .column(response::Column::ConsultationId)
            .column_as(response::Column::Id.count(), "n")
            .filter(response::Column::ConsultationId.is_in(chunk.iter().copied()))
            .filter(response::Column::CreatedAt.gte(from))
            .filter(response::Column::CreatedAt.lt(to))
            .filter(ages.clone())
            .group_by(response::Column::ConsultationId)
            .into_tuple()
            .all(c)
            .await?;
        counts.extend(rows);
    }
    // The consultations' counts add up to the answers' total shown above them: a
    // breakdown with its total, so complementary suppression applies.
    let mask = suppression::one_way(
        &counts
            .values()
            .map(|n| u64::try_from(*n).unwrap_or(0))
            .collect::<Vec<_>>(),
    );
    let mut out: Vec<Record> = counts
        .into_iter()
        .enumerate()
        .filter_map(|(i, (id, n))| {
            let k = ks.get(&id)?;
            let u = units.get(&k.unit_id)?;
            let mut r = record(u, k.title.clone());
            r.date = Some(k.opens_on);
            r.counted = true;
            r.amount = n;
            let shown = (!mask.hidden(i)).then_some(n);
            r.hidden = shown.is_none();
            r.facts
                .push(("method".into(), text(k.method.as_str(), k.method.as_str())));
            r.facts.push(("responses".into(), Fact::Children(shown)));
            r.href = Some(format!("/consultations/{}", k.id));
            Some(r)
        })
        .collect();
    out.sort_by(|a, b| (a.date, &a.title).cmp(&(b.date, &b.title)));
    Ok((out, mask.total))
}

/// The latest year (not after `today`'s) in which the scope's subtree of `u`
/// has records that indicators count: matters, forums, council dialogues,
/// club activities or activities. `None` when it has none.
pub async fn latest_year<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    today: NaiveDate,
) -> Result<Option<i32>> {
    let ids: Vec<i32> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(crate::units::in_subtree(
            &u.path,
            crate::units::During::Always,
        ))
        .into_tuple()
        .all(c)
        .await?;
    let now = today.year();
    let mut best: Option<i32> = None;
    let mut consider = |y: Option<i32>| {
        if let Some(y) = y.filter(|y| *y <= now) {
            best = Some(best.map_or(y, |b| b.max(y)));
        }
    };
    for chunk in ids.chunks(5_000) {
        let m: Option<i32> = matter::Entity::find()
            .select_only()
            .column_as(matter::Column::Year.max(), "y")
            .filter(matter::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(matter::Column::Year.lte(now))
            .into_tuple()
            .one(c)
            .await?
            .flatten();
        consider(m);
        let f: Option<i32> = forum::Entity::find()
            .select_only()
            .column_as(forum::Column::Year.max(), "y")
            .filter(forum::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(forum::Column::Year.lte(now))
            .into_tuple()
            .one(c)
            .await?
            .flatten();
        consider(f);
        let a: Option<NaiveDate> = activity::Entity::find()
            .select_only()
            .column_as(activity::Column::StartsOn.max(), "d")
            .filter(activity::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(activity::Column::StartsOn.lte(today))
            .into_tuple()
            .one(c)
            .await?
            .flatten();
        consider(a.map(|d| d.year()));
    }
    Ok(best)
}
