//! The indicator engine: every figure of the plan for a unit's subtree and a
//! year, each with its target and where it stands — the one source for the
//! API, the dashboards, the annual report and its .xlsx/.docx/CSV exports, so
//! the same number appears everywhere.
//!
//! The figures are the indicators of the plan covering the year, in the
//! order of its file, each computed by its **measure** (a closed vocabulary,
//! `thamgia_domain::plan::Measure`, `docs/indicators.md`) with the measure's
//! parameters as filters — never by its code. A year no plan covers lists the
//! newest plan's `matters_consulted` and `children_answers` figures with no
//! target (the records exist; there is nothing to measure them against).
//!
//! Children's answers are counted by single age: every `children_answers`
//! figure of the unit and year, over whatever age range, and the plan's age
//! bands are sums of the same age *atoms*, which go through
//! `domain::suppression::age_ranges` with the breakdowns by sex and ethnic
//! group: a part of 1–4 answers is hidden, and so are the smallest other
//! parts needed so that none can be worked out by subtraction — across
//! ranges too (7–15 beside 6–10 and 11–15). A range whose total could give a
//! hidden atom away is hidden; a figure whose own total is hidden is
//! suppressed (`Figure::suppressed`) in every view.

use crate::activity_indicators::{self, Figures, Part, sex_vi, unsigned};
use crate::entity::{club, club_member, council, council_member, person, unit};
use crate::indicators::{self, IndicatorValue};
use crate::{Result, model_indicators, population};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use thamgia_domain::plan::{IndicatorDef, IndicatorUnit, Measure, Plan};
use thamgia_domain::reports::{Standing, standing};
use thamgia_domain::results::percent;
use thamgia_domain::suppression::{self, AgeAtoms, AgeRanges};
use thamgia_domain::voice::{MAX_AGE, MIN_AGE};

/// One figure with its breakdown and standing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    #[serde(flatten)]
    pub indicator: IndicatorValue,
    /// Parts of the figure (empty when it has none). A part of fewer than 5
    /// children is `None` (shown as "<5").
    pub breakdown: Vec<EnginePart>,
    pub standing: Standing,
    /// The figure itself is hidden ("<5"): children's answers of 1–4, or
    /// whose breakdowns could only be protected by hiding it. Its numerator,
    /// denominator and value are then 0, 0 and `None` and never shown.
    #[serde(default)]
    pub suppressed: bool,
}

/// One part of a figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnginePart {
    pub key: String,
    pub name_vi: String,
    pub name_en: String,
    /// `None` when suppressed (a count of 1–4 children).
    pub value: Option<i64>,
}

/// The measures counted in children (answers or persons): their small
/// figures are hidden, and their drill-down shows no one.
pub fn counts_children(measure: &str) -> bool {
    measure == "children_answers" || measure == "children_in_models"
}

/// The measures whose figure always comes with a breakdown (by group and
/// sex, by project, by funding source), even an empty one.
pub fn has_breakdown(measure: &str) -> bool {
    matches!(measure, "people_trained" | "activities" | "money_spent")
}

impl Figure {
    /// Whether the figure must read "<5": suppressed, or (figures frozen in a
    /// report before suppression was recorded) children's answers of 1–4 —
    /// then the only figure broken down by age.
    pub fn hidden(&self) -> bool {
        let children = counts_children(&self.indicator.measure)
            || (self.indicator.measure.is_empty()
                && self.breakdown.iter().any(|p| p.key.starts_with("age.")));
        self.suppressed || (children && (1..5).contains(&self.indicator.numerator))
    }

    /// Whether the figure counts children (its small counts are hidden).
    pub fn counts_children(&self) -> bool {
        counts_children(&self.indicator.measure)
    }
}

impl From<Part> for EnginePart {
    fn from(p: Part) -> Self {
        EnginePart {
            key: p.key,
            name_vi: p.name_vi,
            name_en: p.name_en,
            value: Some(p.value),
        }
    }
}

/// The plan a unit's figures follow in a year: its province's plan covering
/// the year, else its province's newest plan (whose indicators then have no
/// target), and which it is. Plans of two provinces for the same years
/// coexist; a unit never reads another province's (`plans::for_unit`).
pub async fn plan_of_year<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Option<(Plan, bool)>> {
    if let Some(p) = crate::plans::for_unit(c, &u.path, year).await? {
        return Ok(Some((p, true)));
    }
    Ok(crate::plans::governing(c, &u.path, year)
        .await?
        .map(|p| (p, false)))
}

/// Every figure for `u`'s subtree in `year`, in the order of the plan's
/// file; `today` decides whether the running year is on track.
pub async fn figures<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<Figure>> {
    let Some((plan, planned)) = plan_of_year(c, u, year).await? else {
        return Ok(vec![]);
    };
    let defs: Vec<&IndicatorDef> = plan
        .indicators
        .iter()
        .filter(|d| {
            planned
                || matches!(
                    d.measure,
                    Measure::MattersConsulted { .. } | Measure::ChildrenAnswers { .. }
                )
        })
        .collect();
    let mut cx = Cx {
        c,
        u,
        year,
        today,
        plan: &plan,
        planned,
        models: None,
        activities: vec![],
    };
    let answers = Answers::of(c, u, year, &plan, &defs).await?;
    let mut out = Vec::with_capacity(defs.len());
    for def in defs {
        let f = match &def.measure {
            Measure::MattersConsulted { matter_kind } => cx.matters(def, matter_kind).await?,
            Measure::ForumsHeld { levels } => cx.forums(def, levels).await?,
            Measure::UnitsRunningModels { level, models } => cx.running(def, level, models).await?,
            Measure::ChildrenAnswers { .. } => cx.answers(def, &answers).await?,
            Measure::ChildrenInModels { .. } => cx.in_models(def).await?,
            Measure::PeopleTrained { .. } => cx.trained(def).await?,
            Measure::Activities { project } => cx.activities(def, project.as_deref()).await?,
            Measure::MoneySpent => cx.money(def).await?,
            Measure::NotComputed => cx.not_computed(def),
        };
        out.push(f);
    }
    Ok(out)
}

/// What the figures of one unit and year share while they are computed.
struct Cx<'a, C> {
    c: &'a C,
    u: &'a unit::Model,
    year: i32,
    today: NaiveDate,
    plan: &'a Plan,
    /// Whether the plan covers the year (targets only then).
    planned: bool,
    models: Option<model_indicators::Subtree>,
    /// Activity figures by the projects whose courses they count.
    activities: Vec<(Option<HashSet<String>>, Figures)>,
}

/// A value for the plan: whether a measure is a share.
fn is_share(def: &IndicatorDef) -> bool {
    def.unit == IndicatorUnit::Percent
}

impl<C: ConnectionTrait> Cx<'_, C> {
    /// The plan's target of `def` for the unit and year: none for a year the
    /// plan does not cover, and none for a count whose only target is a
    /// headline 0 (how a plan file says "no target of its own").
    fn target(&self, def: &IndicatorDef) -> Option<f64> {
        if !self.planned {
            return None;
        }
        if def.target == 0.0 && def.targets.is_empty() && def.milestones.is_empty() {
            return None;
        }
        self.plan.target_for(&def.code, self.year, &self.u.code)
    }

    fn value(&self, def: &IndicatorDef, numerator: u64, denominator: u64) -> IndicatorValue {
        let value = if is_share(def) {
            (denominator > 0).then(|| percent(numerator, denominator))
        } else {
            Some(numerator as f64)
        };
        IndicatorValue {
            code: def.code.clone(),
            name_vi: def.name_vi.clone(),
            name_en: def.name_en.clone(),
            numerator,
            denominator,
            value,
            target: self.target(def),
            unit: def.unit.as_str().into(),
            measure: def.measure.kind().into(),
            not_given: None,
            capped: false,
            population_demo: false,
        }
    }

    fn figure(&self, i: IndicatorValue, breakdown: Vec<EnginePart>) -> Figure {
        Figure {
            standing: standing(i.value, i.target, self.year, self.today),
            indicator: i,
            breakdown,
            suppressed: false,
        }
    }

    async fn matters(&self, def: &IndicatorDef, kind: &str) -> Result<Figure> {
        let (total, consulted) =
            indicators::matters_consulted(self.c, self.u, self.year, kind).await?;
        let mut i = self.value(def, consulted, total);
        // A share of matters whatever the unit says.
        i.value = (total > 0).then(|| percent(consulted, total));
        Ok(self.figure(i, vec![]))
    }

    async fn models(&mut self) -> Result<&model_indicators::Subtree> {
        if self.models.is_none() {
            self.models = Some(model_indicators::subtree(self.c, self.u, self.year).await?);
        }
        Ok(self.models.as_ref().expect("just read"))
    }

    async fn forums(&mut self, def: &IndicatorDef, levels: &[String]) -> Result<Figure> {
        let could = self.models().await?.forums(levels);
        let held = could.iter().filter(|(_, held)| *held).count() as u64;
        let n = could.len() as u64;
        let mut i = self.value(def, held, n);
        i.value = Some(held as f64);
        Ok(self.figure(i, vec![]))
    }

    async fn running(
        &mut self,
        def: &IndicatorDef,
        level: &str,
        models: &[String],
    ) -> Result<Figure> {
        let runs = self.models().await?.runs(level);
        let n = runs.len() as u64;
        let yes = runs.iter().filter(|r| r.runs_all(models)).count() as u64;
        Ok(self.figure(self.value(def, yes, n), vec![]))
    }

    /// The activity figures counting the courses of `trained` (read once).
    async fn activity_figures(&mut self, trained: Option<HashSet<String>>) -> Result<&Figures> {
        if let Some(i) = self.activities.iter().position(|(t, _)| *t == trained) {
            return Ok(&self.activities[i].1);
        }
        let f = activity_indicators::figures_counting(self.c, self.u, self.year, trained.as_ref())
            .await?;
        self.activities.push((trained, f));
        Ok(&self.activities.last().expect("just pushed").1)
    }

    /// Figures whose courses do not matter (activities, money): any read.
    async fn any_activity_figures(&mut self) -> Result<&Figures> {
        if self.activities.is_empty() {
            return self.activity_figures(None).await;
        }
        Ok(&self.activities[0].1)
    }

    async fn trained(&mut self, def: &IndicatorDef) -> Result<Figure> {
        let projects = activity_indicators::trained_projects(self.plan, def);
        let f = self.activity_figures(projects).await?.clone();
        let total: i64 = f.trained.iter().map(|(_, fe, ma)| fe + ma).sum();
        let mut breakdown = vec![];
        for (g, fe, ma) in &f.trained {
            for (female, n) in [(true, *fe), (false, *ma)] {
                breakdown.push(EnginePart {
                    key: format!("{}.{}", g.as_str(), if female { "female" } else { "male" }),
                    name_vi: format!("{} — {}", g.name_vi(), sex_vi(female)),
                    name_en: format!("{} — {}", g.name_en(), if female { "women" } else { "men" }),
                    value: Some(n),
                });
            }
        }
        let mut i = self.value(def, unsigned(total), f.courses);
        i.value = Some(total as f64);
        i.target = f.planned_trained.map(|n| n as f64);
        Ok(self.figure(i, breakdown))
    }

    async fn activities(&mut self, def: &IndicatorDef, project: Option<&str>) -> Result<Figure> {
        let f = self.any_activity_figures().await?.clone();
        let plan = self.plan;
        let wanted = |code: &str| project.is_none_or(|p| p == code);
        let total: i64 = f
            .activities
            .iter()
            .filter(|(code, _)| wanted(code))
            .map(|(_, n)| n)
            .sum();
        let listed = plan.projects.iter().filter(|p| wanted(&p.code));
        let breakdown = parts_by_code(
            listed.map(|p| (&p.code, &p.name_vi, &p.name_en)),
            &f.activities,
            |code| plan.project(code).is_none() && wanted(code),
        );
        let mut i = self.value(def, unsigned(total), f.units);
        i.value = Some(total as f64);
        i.target = match project {
            None => f.planned_activities.map(|n| n as f64),
            Some(p) => f
                .planned_activities
                .map(|_| f.planned_by_project.get(p).copied().unwrap_or(0) as f64),
        };
        Ok(self.figure(i, breakdown))
    }

    async fn money(&mut self, def: &IndicatorDef) -> Result<Figure> {
        let f = self.any_activity_figures().await?.clone();
        let plan = self.plan;
        let total: i64 = f.spent.values().sum();
        let breakdown = parts_by_code(
            plan.funding_sources
                .iter()
                .map(|s| (&s.code, &s.name_vi, &s.name_en)),
            &f.spent,
            |code| !plan.funding_sources.iter().any(|s| s.code == code),
        );
        let mut i = self.value(def, unsigned(total), unsigned(f.budget));
        // Whole đồng below 2^53 are exact in an f64; `numerator` is the integer.
        i.value = Some(total as f64);
        i.target = Some(f.budget as f64);
        Ok(self.figure(i, breakdown))
    }

    fn not_computed(&self, def: &IndicatorDef) -> Figure {
        let mut i = self.value(def, 0, 0);
        i.value = None;
        self.figure(i, vec![])
    }

    /// A share of the child population aged `lo..=hi`: the value capped at
    /// 100, none without a population figure.
    async fn share_of_children(&self, i: &mut IndicatorValue, lo: u8, hi: u8) -> Result<()> {
        match population::children(self.c, &self.u.path, self.year, lo, hi).await? {
            Some(p) if p.children > 0 => {
                let den = u64::try_from(p.children).unwrap_or(0);
                i.denominator = den;
                i.capped = i.numerator > den;
                i.value = Some(percent(i.numerator.min(den), den));
                i.population_demo = p.demo;
            }
            Some(p) => {
                i.denominator = 0;
                i.value = None;
                i.population_demo = p.demo;
            }
            None => {
                i.denominator = 0;
                i.value = None;
            }
        }
        Ok(())
    }

    async fn answers(&self, def: &IndicatorDef, a: &Answers) -> Result<Figure> {
        let (lo, hi) = age_range(self.plan, def);
        let inside = a.atoms.within(lo, hi);
        let in_range: u64 = inside.iter().map(|i| a.counts[*i]).sum();
        let ng = a.not_given_index();
        let everything = a.total == 0;
        let mut parts = vec![];
        for band in self.plan.age_bands() {
            let (from, to) = (band.from.max(lo), band.to.min(hi));
            if from > to {
                continue;
            }
            let cells = a.atoms.within(from, to);
            let n: u64 = cells.iter().map(|i| a.counts[*i]).sum();
            parts.push(EnginePart {
                key: format!("age.{from}-{to}"),
                name_vi: format!("{from}–{to} tuổi"),
                name_en: format!("aged {from}–{to}"),
                value: (everything || a.mask.shows(&cells)).then(|| whole(n)),
            });
        }
        let share = is_share(def);
        let not_given_shown = everything || a.mask.shows(&[ng]);
        if !share && a.not_given > 0 {
            parts.push(EnginePart {
                key: "age.unknown".into(),
                name_vi: "Không rõ tuổi".into(),
                name_en: "age not given".into(),
                value: not_given_shown.then(|| whole(a.not_given)),
            });
        }
        // By sex and ethnic group: of every answer, so only beside a count
        // of every age.
        let all_ages = inside.len() == a.atoms.atoms.len();
        if !share && all_ages {
            parts.extend(a.sex_and_ethnic_parts());
        }
        let (numerator, cells) = if share {
            (in_range, inside.clone())
        } else {
            let mut cells = inside.clone();
            cells.push(ng);
            (in_range + a.not_given, cells)
        };
        let suppressed = !everything && !a.mask.shows(&cells);
        let mut i = self.value(def, numerator, numerator);
        if share {
            i.not_given = not_given_shown.then_some(a.not_given);
            self.share_of_children(&mut i, lo, hi).await?;
        }
        if suppressed {
            i.numerator = 0;
            i.denominator = 0;
            i.value = None;
            i.capped = false;
        }
        let mut f = self.figure(i, parts);
        if suppressed {
            f.standing = standing(None, f.indicator.target, self.year, self.today);
        }
        f.suppressed = suppressed;
        Ok(f)
    }

    /// Distinct children on the rosters of councils and clubs of the subtree
    /// whose membership overlaps the year, aged `lo..=hi` in the year (from
    /// their date of birth; a child with none is not counted).
    async fn in_models(&self, def: &IndicatorDef) -> Result<Figure> {
        let (lo, hi) = age_range(self.plan, def);
        let n = children_in_models(self.c, self.u, self.year, lo, hi).await?;
        let mut i = self.value(def, n, n);
        if is_share(def) {
            self.share_of_children(&mut i, lo, hi).await?;
        }
        let suppressed = (1..5).contains(&n);
        if suppressed {
            i.numerator = 0;
            i.denominator = 0;
            i.value = None;
            i.capped = false;
        }
        let mut f = self.figure(i, vec![]);
        f.suppressed = suppressed;
        Ok(f)
    }
}

fn whole(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The age range of a children measure: its parameters, else the plan's
/// subject ages.
pub(crate) fn age_range(plan: &Plan, def: &IndicatorDef) -> (u8, u8) {
    let (min, max) = match &def.measure {
        Measure::ChildrenAnswers { age_min, age_max }
        | Measure::ChildrenInModels { age_min, age_max } => (*age_min, *age_max),
        _ => (None, None),
    };
    (
        min.unwrap_or(plan.header.subject_min_age),
        max.unwrap_or(plan.header.subject_max_age),
    )
}

/// The children's answers of a subtree and year, cut into the age atoms of
/// every `children_answers` figure listed and the plan's bands, with what
/// of them may be shown.
struct Answers {
    atoms: AgeAtoms,
    /// Per atom, then (last) the answers with no age.
    counts: Vec<u64>,
    not_given: u64,
    total: u64,
    by_sex: BTreeMap<String, u64>,
    by_ethnic: BTreeMap<String, u64>,
    mask: AgeRanges,
}

impl Answers {
    async fn of<C: ConnectionTrait>(
        c: &C,
        u: &unit::Model,
        year: i32,
        plan: &Plan,
        defs: &[&IndicatorDef],
    ) -> Result<Answers> {
        let mut ranges: Vec<(u8, u8)> = vec![];
        let mut any = false;
        for def in defs {
            if matches!(def.measure, Measure::ChildrenAnswers { .. }) {
                any = true;
                let (lo, hi) = age_range(plan, def);
                ranges.push((lo, hi));
                for b in plan.age_bands() {
                    ranges.push((b.from.max(lo), b.to.min(hi)));
                }
            }
        }
        let k = if any {
            children_counts(c, u, year).await?
        } else {
            ChildrenCounts::default()
        };
        let atoms = AgeAtoms::cut(MIN_AGE, MAX_AGE, &ranges);
        let mut counts = atoms.sum(&k.by_age);
        counts.push(k.not_given);
        let others: Vec<Vec<u64>> = [&k.by_sex, &k.by_ethnic]
            .iter()
            .map(|m| m.values().copied().collect())
            .collect();
        let mask = suppression::age_ranges(&counts, &others);
        Ok(Answers {
            atoms,
            counts,
            not_given: k.not_given,
            total: k.total,
            by_sex: k.by_sex,
            by_ethnic: k.by_ethnic,
            mask,
        })
    }

    fn not_given_index(&self) -> usize {
        self.atoms.atoms.len()
    }

    fn sex_and_ethnic_parts(&self) -> Vec<EnginePart> {
        let everything = self.total == 0;
        let shown = |t: usize, i: usize, n: u64| {
            (everything || (!self.mask.cells.total && !self.mask.cells.tables[t].hidden(i)))
                .then(|| whole(n))
        };
        let mut parts = vec![];
        for (i, (sex, n)) in self.by_sex.iter().enumerate() {
            let (vi, en) = match sex.as_str() {
                // Responses store `girl`/`boy` (domain::voice::Sex).
                "female" | "girl" => ("Nữ", "girls"),
                "male" | "boy" => ("Nam", "boys"),
                "other" => ("Khác", "other"),
                _ => ("Không rõ giới tính", "sex not given"),
            };
            parts.push(EnginePart {
                key: format!("sex.{sex}"),
                name_vi: vi.into(),
                name_en: en.into(),
                value: shown(1, i, *n),
            });
        }
        for (i, (code, n)) in self.by_ethnic.iter().enumerate() {
            let name = thamgia_domain::ethnic::name(code).unwrap_or("Không rõ dân tộc");
            parts.push(EnginePart {
                key: format!("ethnic.{code}"),
                name_vi: name.into(),
                name_en: if code == "unknown" {
                    "ethnic group not given".into()
                } else {
                    name.into()
                },
                value: shown(2, i, *n),
            });
        }
        parts
    }
}

/// Children's answers in a year (by the day they arrived) to consultations
/// run by units of the subtree — answers, not children: a child who answers
/// three consultations counts three times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildrenCounts {
    pub total: u64,
    /// By single year of age.
    pub by_age: BTreeMap<u8, u64>,
    /// Answers that gave no age.
    pub not_given: u64,
    pub by_sex: BTreeMap<String, u64>,
    pub by_ethnic: BTreeMap<String, u64>,
}

/// Counts children's answers from the maintained aggregates
/// (`store::aggregates`); [`recompute_children_counts`] counts the responses
/// themselves.
pub async fn children_counts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<ChildrenCounts> {
    Ok(counts_of(
        crate::aggregates::responses(c, &u.path, year).await?,
    ))
}

/// [`children_counts`] straight from the responses (the property test and the
/// benchmark compare the two).
pub async fn recompute_children_counts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<ChildrenCounts> {
    let subtree: Vec<i32> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &u.path,
            crate::units::During::Always,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect();
    Ok(counts_of(
        crate::aggregates::recompute_responses(c, &subtree, year).await?,
    ))
}

fn counts_of(rows: crate::aggregates::ResponseCounts) -> ChildrenCounts {
    let mut k = ChildrenCounts::default();
    for ((age, sex, ethnic), n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        if n == 0 {
            continue;
        }
        k.total += n;
        match age.parse::<u8>() {
            Ok(a) => *k.by_age.entry(a).or_default() += n,
            Err(_) => k.not_given += n,
        }
        *k.by_sex.entry(sex).or_default() += n;
        *k.by_ethnic.entry(ethnic).or_default() += n;
    }
    k
}

/// Distinct persons on the rosters of the councils and clubs of `u`'s
/// subtree whose membership overlaps `year`, aged `lo..=hi` in the year (the
/// year less the year of birth; a person with no date of birth is not
/// counted), from the maintained aggregate (`aggregates::children_in_models`,
/// one query); [`recompute_children_in_models`] counts the rosters.
pub async fn children_in_models<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    lo: u8,
    hi: u8,
) -> Result<u64> {
    crate::aggregates::children_in_models(c, &u.path, year, lo, hi).await
}

/// [`children_in_models`] straight from the council and club rosters and
/// the people's dates of birth (the property test and the benchmark compare
/// the two).
pub async fn recompute_children_in_models<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    lo: u8,
    hi: u8,
) -> Result<u64> {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(0);
    };
    use club_member::Column as Cl;
    use council_member::Column as Co;
    let span = (first, last);
    let mut persons: BTreeSet<i32> = BTreeSet::new();
    let councils =
        ids_in_subtree::<council::Entity, C>(c, council::Column::UnitId, &u.path).await?;
    let roster: Roster<council_member::Entity> =
        Roster::new(Co::PersonId, Co::CouncilId, Co::TermStart, Co::TermEnd);
    members_during(c, roster, &councils, span, &mut persons).await?;
    let clubs = ids_in_subtree::<club::Entity, C>(c, club::Column::UnitId, &u.path).await?;
    let roster: Roster<club_member::Entity> =
        Roster::new(Cl::PersonId, Cl::ClubId, Cl::JoinedOn, Cl::LeftOn);
    members_during(c, roster, &clubs, span, &mut persons).await?;
    let ids: Vec<i32> = persons.into_iter().collect();
    let mut n = 0u64;
    for chunk in ids.chunks(5_000) {
        let births: Vec<Option<NaiveDate>> = person::Entity::find()
            .select_only()
            .column(person::Column::BirthDate)
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        n += births
            .into_iter()
            .flatten()
            .filter(|b| {
                let age = year - b.year();
                age >= i32::from(lo) && age <= i32::from(hi)
            })
            .count() as u64;
    }
    Ok(n)
}

/// A breakdown by code: one part per entry the plan lists (`listed`: code,
/// Vietnamese and English name) with its count in `counts` (0 when absent),
/// then one per code of `counts` that is `unlisted`, named by its code.
fn parts_by_code<'a>(
    listed: impl Iterator<Item = (&'a String, &'a String, &'a String)>,
    counts: &BTreeMap<String, i64>,
    unlisted: impl Fn(&str) -> bool,
) -> Vec<EnginePart> {
    let mut parts: Vec<EnginePart> = listed
        .map(|(code, vi, en)| EnginePart {
            key: code.clone(),
            name_vi: vi.clone(),
            name_en: en.clone(),
            value: Some(counts.get(code).copied().unwrap_or(0)),
        })
        .collect();
    for (code, n) in counts {
        if unlisted(code) {
            parts.push(EnginePart {
                key: code.clone(),
                name_vi: code.clone(),
                name_en: code.clone(),
                value: Some(*n),
            });
        }
    }
    parts
}

/// The ids of a table's rows whose unit (`unit_id`) lies in the subtree
/// rooted at `path`.
async fn ids_in_subtree<E: crate::scoped::Keyed, C: ConnectionTrait>(
    c: &C,
    unit_id: E::Column,
    path: &str,
) -> Result<Vec<i32>> {
    let subtree = crate::units::subtree_ids(path, crate::units::During::Always);
    Ok(E::find()
        .select_only()
        .column(E::ID)
        .filter(unit_id.in_subquery(subtree))
        .into_tuple()
        .all(c)
        .await?)
}

/// The columns of a roster table (council or club members): who, of which
/// group, and the term's first and last day (open while null).
struct Roster<E: EntityTrait> {
    person: E::Column,
    group: E::Column,
    start: E::Column,
    end: E::Column,
}

impl<E: EntityTrait> Roster<E> {
    fn new(person: E::Column, group: E::Column, start: E::Column, end: E::Column) -> Self {
        Roster {
            person,
            group,
            start,
            end,
        }
    }
}

/// Adds to `persons` everyone on the roster of one of `groups` on some day
/// of `(first, last)`, asking for 5,000 groups at a time.
async fn members_during<E: EntityTrait, C: ConnectionTrait>(
    c: &C,
    roster: Roster<E>,
    groups: &[i32],
    (first, last): (NaiveDate, NaiveDate),
    persons: &mut BTreeSet<i32>,
) -> Result<()> {
    for chunk in groups.chunks(5_000) {
        let ids: Vec<i32> = E::find()
            .select_only()
            .column(roster.person)
            .filter(roster.group.is_in(chunk.iter().copied()))
            .filter(roster.start.lte(last))
            .filter(
                Condition::any()
                    .add(roster.end.is_null())
                    .add(roster.end.gte(first)),
            )
            .into_tuple()
            .all(c)
            .await?;
        persons.extend(ids);
    }
    Ok(())
}
