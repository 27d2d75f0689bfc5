//! The maintained aggregates (`store::aggregates`, migrations 0007, 0008,
//! 0021 and 0022), and every measure computed from them, equal a
//! recomputation from the raw records after random mixes of writes,
//! edits and deletions — on SQLite and on PostgreSQL. Twelve fixed seeds,
//! sixty operations each, over the demo data: children's responses online and
//! on paper (some at the turn of a year) and group tallies; activities
//! created, saved again, edited (unit, date and year, project, kind,
//! participants) and deleted (with their spending), spending added and
//! deleted, budget lines set and changed; matters registered and their
//! decision dates (so their years) changed; consultations created and moved
//! along draft → open → closed → answered (published or not); forums held
//! and edited (unit, level, year); council dialogues and club activities;
//! children added to council and club rosters (open terms too) and their
//! terms ended, consents withdrawn (which ends the child's open terms), and
//! child population figures replaced (refused in a locked year).
//! After each sequence every subtree holding a touched unit is compared for
//! every year touched, and 2025 (which open terms reach): the aggregates
//! with their recomputation (C1, A1–A3 and the funding totals, T1–T3, M1–M3
//! and T4); every measure of the vocabulary as the engine computes it —
//! every figure of the plan (the 2016–2020 plan for 2017–2020; for 2021 and
//! 2025 the 2021–2030 plan, whose figures use every measure, answers and
//! children in models as shares of the child population among them),
//! `forums_held` at four
//! sets of levels, `units_running_models` at every level, children's answers
//! with those of no age, `children_in_models` over five age ranges — against
//! the same after `aggregates::rebuild` (in a transaction rolled back);
//! `children_in_models` against a count by hand over the rosters and the
//! people, and the child population of the shares (`population::children`)
//! against a sum by hand over its rows. At the end the migrations' own fill
//! (`aggregates::rebuild`) must give the same tables. A refused write (a year
//! locked by an approved report, a duplicate code, a consultation not in the
//! state a step needs, a child whose consent was withdrawn) must change
//! nothing. Every kind of write must have been accepted at least once. Then
//! one path the random mix reaches too rarely to rely on: input typed in
//! after a consultation was answered makes its matter consulted. And the same
//! through HTTP: a child's answer and an activity sent to the API move the
//! `C1` and `A2` figures the API shows by exactly one.

use crate::db_test;
use crate::fixtures::{blank_paper, demo_records, survey};
use crate::helpers::{Answer, TestApp};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{
    Activity, ActivityKind, Budget, ParticipantGroup, Participants, Spending,
};
use thamgia_domain::models::{CouncilRole, ForumLevel};
use thamgia_domain::money::Dong;
use thamgia_domain::voice::{Age, Profile, Sex, Source};
use thamgia_domain::voice::{JoinCode, MatterKind, Method as HowAsked, Stage, Status};
use thamgia_store::consultations::{self, AnswerBack, NewConsultation};
use thamgia_store::entity::{
    activity, agency, agg_activity, agg_matter, agg_model, agg_model_member, agg_money,
    agg_participant, agg_response, child_population, club, club_member, consultation, council,
    council_member, forum, group_tally, matter, matter_consulted, person, response, spending, unit,
};
use thamgia_store::forums::{self, ForumInput};
use thamgia_store::matters::{self, MatterChanges, NewMatter};
use thamgia_store::responses::{self, Submission, Tally};
use thamgia_store::{
    StoreError, activities, aggregates, clubs, councils, engine, model_indicators, people,
    population,
};

const CASES: u64 = 12;
const OPS: usize = 60;
/// Kinds of write the random mix draws from.
const KINDS: usize = 26;
/// Age ranges `children_in_models` and the child population are compared
/// over (a plan's subject ages, 11 and over, a band, everyone, one age).
const RANGES: [(u8, u8); 5] = [(6, 15), (11, 15), (9, 12), (0, 17), (12, 12)];
/// Levels `forums_held` is compared at, and levels of `units_running_models`.
const FORUM_LEVELS: [&[&str]; 4] = [
    &["province"],
    &["province", "district"],
    &["commune"],
    &["province", "district", "commune"],
];
const RUN_LEVELS: [&str; 3] = ["province", "district", "commune"];
/// A year after the mix's dates: open terms still count in it.
const LATER: i32 = 2025;
/// 2017 is locked province-wide by an approved report in the demo data, so
/// some writes are refused (and must change nothing).
const YEARS: std::ops::RangeInclusive<i32> = 2017..=2021;

/// What the random operations draw from.
struct World {
    units: Vec<unit::Model>,
    agencies: Vec<i32>,
    projects: Vec<String>,
    sources: Vec<String>,
    councils: Vec<council::Model>,
    clubs: Vec<club::Model>,
    user_id: i32,
}

/// The units and years an operation touched (before and after).
#[derive(Default)]
struct Touched {
    units: BTreeSet<i32>,
    years: BTreeSet<i32>,
}

impl Touched {
    fn add(&mut self, unit_id: i32, year: i32) {
        self.units.insert(unit_id);
        self.years.insert(year);
    }
}

fn date(rng: &mut StdRng) -> NaiveDate {
    let y = rng.random_range(YEARS);
    // Now and then the first or last day of a year.
    match rng.random_range(0..6) {
        0 => NaiveDate::from_ymd_opt(y, 1, 1),
        1 => NaiveDate::from_ymd_opt(y, 12, 31),
        _ => NaiveDate::from_ymd_opt(y, rng.random_range(1..=12), rng.random_range(1..=28)),
    }
    .expect("date")
}

fn instant(rng: &mut StdRng) -> DateTime<Utc> {
    let y = rng.random_range(YEARS);
    match rng.random_range(0..5) {
        // The last second of a year and the first of the next, in UTC.
        0 => Utc.with_ymd_and_hms(y, 12, 31, 23, 59, 59),
        1 => Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0),
        _ => Utc.with_ymd_and_hms(
            y,
            rng.random_range(1..=12),
            rng.random_range(1..=28),
            rng.random_range(0..24),
            rng.random_range(0..60),
            0,
        ),
    }
    .single()
    .expect("instant")
}

fn profile(rng: &mut StdRng) -> Profile {
    Profile {
        age: rng
            .random_bool(0.85)
            .then(|| Age::parse(rng.random_range(6..=15)).expect("age")),
        sex: [Some(Sex::Girl), Some(Sex::Boy), Some(Sex::Other), None]
            .choose(rng)
            .copied()
            .flatten(),
        ethnic: ["01", "02", "03", "04", "07"]
            .choose(rng)
            .filter(|_| rng.random_bool(0.9))
            .map(|s| s.to_string()),
        disability: None,
        unit: None,
    }
}

fn new_activity(rng: &mut StdRng, w: &World, code: &str, unit_id: i32) -> Activity {
    let starts_on = date(rng);
    let mut participants = vec![];
    for g in ParticipantGroup::ALL {
        if rng.random_bool(0.4) {
            participants.push(Participants {
                group: *g,
                female: rng.random_range(0..40),
                male: rng.random_range(0..40),
            });
        }
    }
    Activity {
        code: code.to_string(),
        project: w.projects.choose(rng).expect("project").clone(),
        kind: *ActivityKind::ALL.choose(rng).expect("kind"),
        title: format!("Hoạt động thử {code}"),
        unit_id,
        starts_on,
        ends_on: starts_on,
        lead_agency_id: *w.agencies.choose(rng).expect("agency"),
        coordinating_ids: vec![],
        participants,
        audience: None,
        copies: None,
        description: None,
    }
}

/// `Ok(false)` when the store refused the write (a locked year, a clash).
fn refused<T>(r: Result<T, StoreError>) -> bool {
    match r {
        Ok(_) => false,
        Err(StoreError::Conflict { .. }) => true,
        Err(e) => panic!("store error: {e}"),
    }
}

/// Every aggregate row with a non-zero count, in key order, as text.
async fn tables<C: ConnectionTrait>(c: &C) -> Vec<String> {
    let mut out = vec![];
    for r in agg_response::Entity::find().all(c).await.expect("agg") {
        if r.n != 0 {
            out.push(format!(
                "r {} {} {} {} {} {}",
                r.year, r.unit_id, r.age, r.sex, r.ethnic, r.n
            ));
        }
    }
    for r in agg_activity::Entity::find().all(c).await.expect("agg") {
        if r.n != 0 {
            out.push(format!(
                "a {} {} {} {} {}",
                r.year, r.unit_id, r.project, r.kind, r.n
            ));
        }
    }
    for r in agg_participant::Entity::find().all(c).await.expect("agg") {
        if r.female != 0 || r.male != 0 {
            out.push(format!(
                "p {} {} {} {} {} {} {}",
                r.year, r.unit_id, r.project, r.kind, r.grp, r.female, r.male
            ));
        }
    }
    for r in agg_money::Entity::find().all(c).await.expect("agg") {
        if r.budget_lines != 0 || r.spendings != 0 || r.budget != 0 || r.spent != 0 {
            out.push(format!(
                "m {} {} {} {} {} {} {} {}",
                r.year,
                r.unit_id,
                r.source,
                r.project,
                r.budget_lines,
                r.budget,
                r.spendings,
                r.spent
            ));
        }
    }
    for r in agg_matter::Entity::find().all(c).await.expect("agg") {
        if r.total != 0 || r.consulted != 0 {
            out.push(format!(
                "t {} {} {} {} {}",
                r.year, r.unit_id, r.kind, r.total, r.consulted
            ));
        }
    }
    for r in agg_model::Entity::find().all(c).await.expect("agg") {
        if r.forums != 0 || r.dialogues != 0 || r.club_activities != 0 || r.active_clubs != 0 {
            out.push(format!(
                "k {} {} {} {} {} {}",
                r.year, r.unit_id, r.forums, r.dialogues, r.club_activities, r.active_clubs
            ));
        }
    }
    for r in matter_consulted::Entity::find().all(c).await.expect("mark") {
        out.push(format!("c {}", r.matter_id));
    }
    for r in agg_model_member::Entity::find().all(c).await.expect("agg") {
        out.push(format!(
            "e {} {} {} {} {} {:?} {:?}",
            r.model, r.member_id, r.person_id, r.unit_id, r.from_year, r.to_year, r.birth_year
        ));
    }
    out.sort();
    out
}

/// A subtotal as lines of text, to show only what differs.
fn lines(s: &aggregates::Subtotals) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (k, n) in &s.responses {
        out.insert(format!("C1 {k:?} = {n}"));
    }
    for (k, n) in &s.activities.activities {
        out.insert(format!("activities {k:?} = {n}"));
    }
    for (k, n) in &s.activities.participants {
        out.insert(format!("participants {k:?} = {n:?}"));
    }
    for m in &s.money {
        out.insert(format!("money {m:?}"));
    }
    for (kind, n) in &s.matters {
        // A kind with no matter left is the same as a kind never seen.
        if *n != (0, 0) {
            out.insert(format!("matters {kind} = {n:?}"));
        }
    }
    for (unit, m) in &s.models {
        if *m != aggregates::UnitModels::default() {
            out.insert(format!("models {unit} = {m:?}"));
        }
    }
    out
}

/// Compares the aggregates with the recomputation for every subtree holding
/// a touched unit and every touched year.
async fn check(app: &TestApp, w: &World, t: &Touched, case: u64) {
    let c = &app.db.conn;
    let mut paths = BTreeSet::new();
    for id in &t.units {
        let u = w.units.iter().find(|u| u.id == *id).expect("unit");
        // "/12/106/10603/" → "/12/", "/12/106/", "/12/106/10603/".
        let parts: Vec<&str> = u.path.trim_matches('/').split('/').collect();
        for i in 1..=parts.len() {
            paths.insert(format!("/{}/", parts[..i].join("/")));
        }
    }
    for path in &paths {
        for year in &t.years {
            let kept = aggregates::subtotals(c, path, *year)
                .await
                .expect("subtotals");
            let raw = aggregates::recompute(c, path, *year)
                .await
                .expect("recompute");
            let (kept, raw) = (lines(&kept), lines(&raw));
            let missing: Vec<_> = raw.difference(&kept).collect();
            let extra: Vec<_> = kept.difference(&raw).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "case {case}: subtree {path}, year {year}: recomputed {missing:?}, maintained {extra:?}"
            );
        }
    }
    let province = w
        .units
        .iter()
        .find(|u| u.parent_id.is_none())
        .expect("province");
    for year in &t.years {
        assert_eq!(
            engine::children_counts(c, province, *year)
                .await
                .expect("C1"),
            engine::recompute_children_counts(c, province, *year)
                .await
                .expect("C1 raw"),
            "case {case}: C1 {year}"
        );
    }
    let all: Vec<i32> = w.units.iter().map(|u| u.id).collect();
    assert_eq!(
        activities::money(c, &Scope::everything(), None, None)
            .await
            .expect("money"),
        aggregates::recompute_money(c, &all, None)
            .await
            .expect("money raw"),
        "case {case}: all money"
    );
    measures(app, w, &paths, &t.years, case).await;
}

/// The rosters, people and child population as rows, for the naive counts.
struct Raw {
    units: Vec<unit::Model>,
    /// (unit of the council or club, person, first day, last day).
    members: Vec<(i32, i32, NaiveDate, Option<NaiveDate>)>,
    births: HashMap<i32, Option<NaiveDate>>,
    population: Vec<child_population::Model>,
}

async fn raw<C: ConnectionTrait>(c: &C) -> Raw {
    let units = unit::Entity::find().all(c).await.expect("units");
    let council_unit: HashMap<i32, i32> = council::Entity::find()
        .all(c)
        .await
        .expect("councils")
        .into_iter()
        .map(|k| (k.id, k.unit_id))
        .collect();
    let club_unit: HashMap<i32, i32> = club::Entity::find()
        .all(c)
        .await
        .expect("clubs")
        .into_iter()
        .map(|k| (k.id, k.unit_id))
        .collect();
    let mut members = vec![];
    for m in council_member::Entity::find().all(c).await.expect("terms") {
        members.push((
            council_unit[&m.council_id],
            m.person_id,
            m.term_start,
            m.term_end,
        ));
    }
    for m in club_member::Entity::find().all(c).await.expect("members") {
        members.push((club_unit[&m.club_id], m.person_id, m.joined_on, m.left_on));
    }
    let births = person::Entity::find()
        .all(c)
        .await
        .expect("people")
        .into_iter()
        .map(|p| (p.id, p.birth_date))
        .collect();
    let population = child_population::Entity::find()
        .all(c)
        .await
        .expect("population");
    Raw {
        units,
        members,
        births,
        population,
    }
}

impl Raw {
    fn ids_under(&self, path: &str) -> BTreeSet<i32> {
        self.units
            .iter()
            .filter(|u| u.path.starts_with(path))
            .map(|u| u.id)
            .collect()
    }

    /// `children_in_models` by hand: distinct people on a roster of the
    /// subtree on some day of the year, aged `lo..=hi` by year of birth.
    fn in_models(&self, path: &str, year: i32, lo: u8, hi: u8) -> u64 {
        let under = self.ids_under(path);
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("date");
        let persons: BTreeSet<i32> = self
            .members
            .iter()
            .filter(|(u, _, from, to)| {
                under.contains(u) && *from <= last && to.is_none_or(|t| t >= first)
            })
            .map(|(_, p, _, _)| *p)
            .filter(|p| {
                self.births[p]
                    .is_some_and(|b| (i32::from(lo)..=i32::from(hi)).contains(&(year - b.year())))
            })
            .collect();
        persons.len() as u64
    }

    /// The child population by hand: a unit with figures of its own for the
    /// year counts them, else the sum of its children's (units open on the
    /// subtree's reading day); `None` when nothing covers it.
    fn population(&self, path: &str, year: i32, lo: u8, hi: u8) -> Option<(i64, bool)> {
        let root = self.units.iter().find(|u| u.path == path)?;
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("date");
        if root.valid_from.is_some_and(|f| f > last) || root.valid_to.is_some_and(|t| t < first) {
            return None;
        }
        let day = match root.valid_to {
            Some(to) if to < last => to.max(first),
            _ => last,
        };
        let open = |u: &unit::Model| {
            u.path.starts_with(path)
                && u.valid_from.is_none_or(|f| f <= day)
                && u.valid_to.is_none_or(|t| t >= day)
        };
        fn figure(
            r: &Raw,
            id: i32,
            year: i32,
            lo: u8,
            hi: u8,
            open: &dyn Fn(&unit::Model) -> bool,
        ) -> Option<(i64, bool)> {
            let own: Vec<&child_population::Model> = r
                .population
                .iter()
                .filter(|p| p.unit_id == id && p.year == year)
                .collect();
            if !own.is_empty() {
                let inside = own
                    .iter()
                    .filter(|p| (i16::from(lo)..=i16::from(hi)).contains(&p.age));
                let n = inside.clone().map(|p| p.children).sum();
                return Some((n, inside.clone().any(|p| p.demo)));
            }
            let mut sum = None;
            for k in r
                .units
                .iter()
                .filter(|k| k.parent_id == Some(id) && open(k))
            {
                if let Some((n, demo)) = figure(r, k.id, year, lo, hi, open) {
                    let s = sum.get_or_insert((0, false));
                    s.0 += n;
                    s.1 |= demo;
                }
            }
            sum
        }
        if !open(root) {
            return None;
        }
        figure(self, root.id, year, lo, hi, &open)
    }
}

/// What the measures read for a subtree and year, as text.
async fn measure_lines<C: ConnectionTrait>(c: &C, u: &unit::Model, year: i32) -> Vec<String> {
    let mut out = vec![];
    let today = app_now().date_naive();
    for f in engine::figures(c, u, year, today).await.expect("figures") {
        out.push(format!("figure {f:?}"));
    }
    let models = model_indicators::subtree(c, u, year).await.expect("models");
    for levels in FORUM_LEVELS {
        let levels: Vec<String> = levels.iter().map(|l| l.to_string()).collect();
        let could = models.forums(&levels);
        let held = could.iter().filter(|(_, h)| *h).count();
        out.push(format!(
            "forums_held {levels:?} = {held} of {}",
            could.len()
        ));
    }
    for level in RUN_LEVELS {
        for r in models.runs(level) {
            out.push(format!("units_running_models {level} {r:?}"));
        }
    }
    out.push(format!(
        "children_answers {:?}",
        engine::children_counts(c, u, year).await.expect("answers")
    ));
    for (lo, hi) in RANGES {
        let n = engine::children_in_models(c, u, year, lo, hi)
            .await
            .expect("in models");
        out.push(format!("children_in_models {lo}-{hi} = {n}"));
    }
    out
}

/// Every measure of the vocabulary for every subtree holding a touched unit
/// and every touched year (and a later year, which open terms reach):
///
/// - as the engine computes it from the maintained aggregates — every figure
///   of the plan covering the year (`engine::figures`: matters_consulted,
///   forums_held, units_running_models, people_trained, activities,
///   money_spent, children_answers), `forums_held` at four sets of levels,
///   `units_running_models` at every level, the children's answers with
///   their ages not given, and `children_in_models` over five age ranges —
///   against the same computed after `aggregates::rebuild` has filled every
///   aggregate again from the raw rows (in a transaction then rolled back);
/// - `children_in_models` against a count by hand over the rosters and the
///   people, and the engine's own roster scan;
/// - the child population of the shares (`population::children`) over the
///   same ranges against a sum by hand over `child_population`;
/// - the children's answers of a share (in range, not given) against the
///   responses (`recompute_children_counts`).
async fn measures(
    app: &TestApp,
    w: &World,
    paths: &BTreeSet<String>,
    years: &BTreeSet<i32>,
    case: u64,
) {
    let c = &app.db.conn;
    let r = raw(c).await;
    let mut years = years.clone();
    years.insert(LATER);
    let mut kept = BTreeMap::new();
    // Children on the rosters of the whole province, over the years: the
    // comparison is of counts that are there.
    let mut on_rosters = 0;
    for path in paths {
        let u = w.units.iter().find(|u| &u.path == path).expect("unit");
        for year in &years {
            kept.insert((path.clone(), *year), measure_lines(c, u, *year).await);
            for (lo, hi) in RANGES {
                let n = engine::children_in_models(c, u, *year, lo, hi)
                    .await
                    .expect("in models");
                assert_eq!(
                    n,
                    r.in_models(path, *year, lo, hi),
                    "case {case}: children_in_models {lo}-{hi}, {path}, {year}"
                );
                if u.parent_id.is_none() {
                    on_rosters += n;
                }
                assert_eq!(
                    n,
                    engine::recompute_children_in_models(c, u, *year, lo, hi)
                        .await
                        .expect("scan"),
                    "case {case}: children_in_models scan {lo}-{hi}, {path}, {year}"
                );
                let p = population::children(c, path, *year, lo, hi)
                    .await
                    .expect("population")
                    .map(|p| (p.children, p.demo));
                assert_eq!(
                    p,
                    r.population(path, *year, lo, hi),
                    "case {case}: population {lo}-{hi}, {path}, {year}"
                );
            }
            assert_eq!(
                engine::children_counts(c, u, *year).await.expect("C"),
                engine::recompute_children_counts(c, u, *year)
                    .await
                    .expect("C raw"),
                "case {case}: children's answers {path} {year}"
            );
        }
    }
    assert!(on_rosters > 0, "case {case}: nobody on a roster");
    let tx = thamgia_store::begin_write(c).await.expect("tx");
    aggregates::rebuild(&tx).await.expect("rebuild");
    for ((path, year), kept) in &kept {
        let u = w.units.iter().find(|u| &u.path == path).expect("unit");
        let rebuilt = measure_lines(&tx, u, *year).await;
        let missing: Vec<_> = rebuilt.iter().filter(|l| !kept.contains(l)).collect();
        let extra: Vec<_> = kept.iter().filter(|l| !rebuilt.contains(l)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "case {case}: measures of {path} in {year}: recomputed {missing:?}, maintained {extra:?}"
        );
    }
    tx.rollback().await.expect("rollback");
}

/// The 2021–2030 plan, whose figures for 2021 and 2025 use every measure of
/// the vocabulary (children's answers and children in models as shares of
/// the child population, which the random mix replaces, forums and models at
/// commune level…), over the units the mix writes to.
async fn recent_plan(app: &TestApp) {
    let now = app_now();
    let plan = thamgia_domain::plan::check(thamgia::LAI_CHAU_PLAN_2021)
        .unwrap_or_else(|e| panic!("2021–2030 plan: {}", e[0]));
    thamgia_store::plans::import(
        &app.db.conn,
        &Actor::system("property test"),
        now,
        &plan,
        thamgia::LAI_CHAU_PLAN_2021,
    )
    .await
    .expect("2021–2030 plan");
}

async fn world(app: &TestApp) -> World {
    let c = &app.db.conn;
    let units = unit::Entity::find()
        .order_by_asc(unit::Column::Id)
        .all(c)
        .await
        .expect("units");
    let consultations = consultation::Entity::find()
        .order_by_asc(consultation::Column::Id)
        .all(c)
        .await
        .expect("consultations");
    let agencies = agency::Entity::find()
        .all(c)
        .await
        .expect("agencies")
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut projects: Vec<String> = activity::Entity::find()
        .all(c)
        .await
        .expect("activities")
        .into_iter()
        .map(|a| a.project_code)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    projects.push("PX".into());
    let sources: Vec<String> = spending::Entity::find()
        .all(c)
        .await
        .expect("spending")
        .into_iter()
        .map(|s| s.source_code)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let user_id = thamgia_store::users::by_username(c, "district106")
        .await
        .expect("db")
        .expect("user")
        .id;
    let councils = council::Entity::find()
        .order_by_asc(council::Column::Id)
        .all(c)
        .await
        .expect("councils");
    let clubs = club::Entity::find()
        .order_by_asc(club::Column::Id)
        .all(c)
        .await
        .expect("clubs");
    assert!(consultations.len() > 3 && projects.len() > 1 && !sources.is_empty());
    assert!(!councils.is_empty() && !clubs.is_empty());
    World {
        units,
        agencies,
        projects,
        sources,
        councils,
        clubs,
        user_id,
    }
}

async fn activity_ids<C: ConnectionTrait>(c: &C) -> Vec<i32> {
    activity::Entity::find()
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await
        .expect("activities")
        .into_iter()
        .map(|a| a.id)
        .collect()
}

async fn all_consultations<C: ConnectionTrait>(c: &C) -> Vec<consultation::Model> {
    consultation::Entity::find()
        .order_by_asc(consultation::Column::Id)
        .all(c)
        .await
        .expect("consultations")
}

async fn all_matters<C: ConnectionTrait>(c: &C) -> Vec<matter::Model> {
    matter::Entity::find()
        .order_by_asc(matter::Column::Id)
        .all(c)
        .await
        .expect("matters")
}

/// Of these consultations, those with neither a response nor a group tally.
async fn without_input<'a, C: ConnectionTrait>(
    c: &C,
    all: &'a [consultation::Model],
) -> Vec<&'a consultation::Model> {
    use sea_orm::QuerySelect;
    let mut heard: BTreeSet<i32> = response::Entity::find()
        .select_only()
        .column(response::Column::ConsultationId)
        .distinct()
        .into_tuple::<i32>()
        .all(c)
        .await
        .expect("responses")
        .into_iter()
        .collect();
    heard.extend(
        group_tally::Entity::find()
            .select_only()
            .column(group_tally::Column::ConsultationId)
            .into_tuple::<i32>()
            .all(c)
            .await
            .expect("tallies"),
    );
    all.iter().filter(|k| !heard.contains(&k.id)).collect()
}

/// Adds the unit and year a matter counts in (T1–T3).
async fn touch_matter<C: ConnectionTrait>(c: &C, id: Option<i32>, t: &mut Touched) {
    if let Some(id) = id
        && let Some(m) = matter::Entity::find_by_id(id).one(c).await.expect("db")
    {
        t.add(m.unit_id, m.year);
    }
}

fn forum_input(rng: &mut StdRng, w: &World, case: u64, op: usize) -> ForumInput {
    let u = w.units.choose(rng).expect("unit");
    let starts_on = date(rng);
    let (girls, boys) = (rng.random_range(0..60), rng.random_range(0..60));
    let young = rng.random_range(0..=girls + boys);
    ForumInput {
        // Now and then at another level than its unit's: it then counts for no
        // one's M1, as the rule says.
        level: *[
            ForumLevel::Province,
            ForumLevel::District,
            ForumLevel::Commune,
        ]
        .choose(rng)
        .expect("level"),
        unit_id: u.id,
        year: starts_on.year(),
        theme: format!("Diễn đàn thử {case}-{op}"),
        starts_on,
        ends_on: starts_on,
        venue: "Nhà văn hoá".into(),
        organiser_agency_id: *w.agencies.choose(rng).expect("agency"),
        girls,
        boys,
        age_6_10: young,
        age_11_15: girls + boys - young,
        ethnic_groups: vec![],
        with_disability: 0,
        adults_in_charge: rng.random_range(0..5),
        volunteers: 0,
        guests: 0,
    }
}

/// The titles of the matters and consultations this test writes.
const MATTER: &str = "Vấn đề thử";
const ASKED: &str = "Hỏi ý kiến thử";

/// One write to matters, consultations, group tallies, forums, council
/// dialogues or club activities (`pick` in 11..20); true when refused.
async fn voice_or_model<C: sea_orm::TransactionTrait + ConnectionTrait>(
    c: &C,
    w: &World,
    rng: &mut StdRng,
    (case, op, pick): (u64, usize, i32),
    t: &mut Touched,
) -> bool {
    let actor = Actor::system("property test");
    let now = app_now();
    match pick {
        // A matter registered, with or without its decision date.
        11 => {
            let u = w.units.choose(rng).expect("unit");
            let decision_date = rng.random_bool(0.8).then(|| date(rng));
            let n = NewMatter {
                kind: *MatterKind::ALL.choose(rng).expect("kind"),
                title: format!("{MATTER} {case}-{op}"),
                summary: "Tóm tắt".into(),
                owner_agency_id: *w.agencies.choose(rng).expect("agency"),
                unit_id: u.id,
                stage: Stage::Consulting,
                decision_date,
            };
            t.add(u.id, decision_date.map_or(now.year(), |d| d.year()));
            refused(matters::create(c, &actor, now, n).await)
        }
        // A matter's decision date changed: it moves to another year with its
        // consulted mark.
        12 => {
            let all = all_matters(c).await;
            let m = all.choose(rng).expect("matter");
            t.add(m.unit_id, m.year);
            let decision_date = rng.random_bool(0.9).then(|| date(rng));
            t.add(
                m.unit_id,
                decision_date.map_or(m.created_at.year(), |d| d.year()),
            );
            let ch = MatterChanges {
                decision_date: Some(decision_date),
                ..Default::default()
            };
            refused(matters::update(c, &actor, now, m.id, ch).await)
        }
        // A consultation about a matter (now and then about none), opened.
        13 => {
            let all = all_matters(c).await;
            // Mostly about a matter this test registered (the demo's matters
            // are mostly consulted already, and stay so whatever happens).
            let ours: Vec<_> = all.iter().filter(|m| m.title.starts_with(MATTER)).collect();
            let m = rng.random_bool(0.9).then(|| match ours.choose(rng) {
                Some(m) if rng.random_bool(0.8) => *m,
                _ => all.choose(rng).expect("matter"),
            });
            let unit_id = m.map_or(w.units[0].id, |m| m.unit_id);
            let opens_on = date(rng);
            let title = format!("{ASKED} {case}-{op}");
            let n = NewConsultation {
                method: *HowAsked::ALL.choose(rng).expect("method"),
                ..survey(unit_id, m.map(|m| m.id), &title, (opens_on, opens_on))
            };
            let codes: Vec<JoinCode> = (0..4)
                .map(|_| JoinCode::from_random(std::array::from_fn(|_| rng.random())))
                .collect();
            touch_matter(c, n.matter_id, t).await;
            let k = match consultations::create(c, &actor, now, n, codes).await {
                Ok(k) => k,
                Err(e) => return refused::<()>(Err(e)),
            };
            if refused(consultations::open(c, &actor, now, k.id).await) {
                return true;
            }
            // Now and then closed and answered before any child's input came
            // in: late input will make its matter consulted.
            if rng.random_bool(0.3) {
                let a = AnswerBack {
                    decided: "Đã quyết định".into(),
                    taken: String::new(),
                    not_taken: String::new(),
                };
                return refused(consultations::close(c, &actor, now, k.id, String::new()).await)
                    || refused(consultations::save_answer(c, &actor, now, k.id, a, true).await);
            }
            false
        }
        // A consultation moved one step along: opened, closed, or its answer
        // saved (published or not).
        14 | 15 => {
            let all = all_consultations(c).await;
            // Mostly one of this test's still under way; now and then any,
            // answered ones included (refused).
            let going: Vec<_> = all
                .iter()
                .filter(|k| k.status != Status::Answered && k.title.starts_with(ASKED))
                .collect();
            let k = match going.choose(rng) {
                Some(k) if rng.random_bool(0.85) => k,
                _ => all.choose(rng).expect("consultation"),
            };
            touch_matter(c, k.matter_id, t).await;
            let r = match k.status {
                Status::Draft => consultations::open(c, &actor, now, k.id).await,
                Status::Open => {
                    consultations::close(c, &actor, now, k.id, "Các em đề nghị…".into()).await
                }
                _ => {
                    let a = AnswerBack {
                        decided: "Đã quyết định".into(),
                        taken: "Đã tiếp thu".into(),
                        not_taken: "Chưa tiếp thu".into(),
                    };
                    let publish = rng.random_bool(0.6);
                    consultations::save_answer(c, &actor, now, k.id, a, publish).await
                }
            };
            refused(r)
        }
        // A group discussion entered as one tally.
        16 => {
            let all = all_consultations(c).await;
            // Often one answered before any child's input came in (paper
            // typed in late): its tally may make its matter consulted.
            let silent = without_input(c, &all).await;
            let late: Vec<_> = silent
                .iter()
                .filter(|k| k.status == Status::Answered)
                .collect();
            let k = match (late.choose(rng), silent.choose(rng)) {
                (Some(k), _) if rng.random_bool(0.6) => **k,
                (_, Some(k)) if rng.random_bool(0.2) => *k,
                _ => all.choose(rng).expect("consultation"),
            };
            touch_matter(c, k.matter_id, t).await;
            let (girls, boys) = (rng.random_range(0..15), rng.random_range(1..15));
            let young = rng.random_range(0..=girls + boys);
            let tally = Tally {
                consultation_id: k.id,
                submission_id: format!("tally-{case}-{op}"),
                label: "Nhóm thảo luận".into(),
                girls,
                boys,
                age_6_10: young,
                age_11_15: girls + boys - young,
                counts: vec![],
                entered_by: Some(w.user_id),
            };
            refused(responses::submit_tally(c, &actor, now, tally).await)
        }
        // A forum held, or one edited (unit, level and year may change).
        17 => {
            let f = forum_input(rng, w, case, op);
            t.add(f.unit_id, f.year);
            let edit = rng.random_bool(0.5);
            if edit {
                let all = forum::Entity::find()
                    .order_by_asc(forum::Column::Id)
                    .all(c)
                    .await
                    .expect("forums");
                let before = all.choose(rng).expect("forum");
                t.add(before.unit_id, before.year);
                refused(forums::update(c, &actor, now, before.id, f).await)
            } else {
                refused(forums::create(c, &actor, now, f).await)
            }
        }
        // A council's dialogue with adults.
        18 => {
            let k = w.councils.choose(rng).expect("council");
            let held_on = date(rng);
            t.add(k.unit_id, held_on.year());
            let n = councils::NewDialogue {
                held_on,
                attendees: "Đại biểu HĐND xã".into(),
                issues: "Sân chơi".into(),
                children_present: rng.random_range(1..30),
            };
            refused(councils::add_dialogue(c, &actor, now, k.id, n).await)
        }
        // A club's activity (its first of a year makes it active that year).
        _ => {
            let k = w.clubs.choose(rng).expect("club");
            let held_on = date(rng);
            t.add(k.unit_id, held_on.year());
            let n = clubs::NewActivity {
                held_on,
                topic: "Sinh hoạt".into(),
                girls: rng.random_range(0..20),
                boys: rng.random_range(0..20),
            };
            refused(clubs::add_activity(c, &actor, now, k.id, n).await)
        }
    }
}

/// Every year checked gets a roster's unit: a term counts in every year it
/// overlaps, an open one in every later year.
fn touch_roster(t: &mut Touched, unit_id: i32) {
    for y in YEARS {
        t.add(unit_id, y);
    }
    t.add(unit_id, LATER);
}

/// People by id, those still named (consent standing) first in a draw.
async fn pick_person<C: ConnectionTrait>(c: &C, rng: &mut StdRng) -> person::Model {
    let all = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(c)
        .await
        .expect("people");
    let named: Vec<&person::Model> = all
        .iter()
        .filter(|p| p.pseudonymised_at.is_none())
        .collect();
    match named.choose(rng) {
        // Now and then one whose consent was withdrawn: refused.
        Some(p) if rng.random_bool(0.9) => (*p).clone(),
        _ => all.choose(rng).expect("person").clone(),
    }
}

/// One write to a council's or club's roster, a consent withdrawal, or a
/// replacement of child population figures (`pick` in 20..26); true when
/// refused.
async fn roster_or_population<C: sea_orm::TransactionTrait + ConnectionTrait>(
    c: &C,
    w: &World,
    rng: &mut StdRng,
    (case, op, pick): (u64, usize, i32),
    t: &mut Touched,
) -> bool {
    let actor = Actor::system("property test");
    let now = app_now();
    match pick {
        // A child joins a council for a term (open now and then).
        20 => {
            let k = w.councils.choose(rng).expect("council");
            let p = pick_person(c, rng).await;
            let term_start = date(rng);
            let term_end = rng
                .random_bool(0.6)
                .then(|| term_start + chrono::Duration::days(rng.random_range(0..900)));
            touch_roster(t, k.unit_id);
            let n = councils::NewMember {
                person_id: p.id,
                role: *[
                    CouncilRole::Member,
                    CouncilRole::Chair,
                    CouncilRole::Secretary,
                ]
                .choose(rng)
                .expect("role"),
                term_start,
                term_end,
            };
            refused(councils::add_member(c, &actor, now, k.id, n).await)
        }
        // A child joins a club.
        21 => {
            let k = w.clubs.choose(rng).expect("club");
            let p = pick_person(c, rng).await;
            touch_roster(t, k.unit_id);
            let n = clubs::NewMember {
                person_id: p.id,
                is_leader: rng.random_bool(0.2),
                joined_on: date(rng),
            };
            refused(clubs::add_member(c, &actor, now, k.id, n).await)
        }
        // A council term ends (now and then one already ended is ended again).
        22 => {
            let all = council_member::Entity::find()
                .order_by_asc(council_member::Column::Id)
                .all(c)
                .await
                .expect("terms");
            let open: Vec<_> = all.iter().filter(|m| m.term_end.is_none()).collect();
            let m = match open.choose(rng) {
                Some(m) if rng.random_bool(0.8) => *m,
                _ => all.choose(rng).expect("term"),
            };
            let k = w
                .councils
                .iter()
                .find(|k| k.id == m.council_id)
                .expect("council");
            touch_roster(t, k.unit_id);
            let on = m.term_start.max(date(rng));
            refused(councils::end_member(c, &actor, now, k.id, m.id, on).await)
        }
        // A child leaves a club.
        23 => {
            let all = club_member::Entity::find()
                .order_by_asc(club_member::Column::Id)
                .all(c)
                .await
                .expect("members");
            let open: Vec<_> = all.iter().filter(|m| m.left_on.is_none()).collect();
            let m = match open.choose(rng) {
                Some(m) if rng.random_bool(0.8) => *m,
                _ => all.choose(rng).expect("member"),
            };
            let k = w.clubs.iter().find(|k| k.id == m.club_id).expect("club");
            touch_roster(t, k.unit_id);
            let on = m.joined_on.max(date(rng));
            refused(clubs::end_member(c, &actor, now, k.id, m.id, on).await)
        }
        // A consent withdrawn (on a day of the mix's years): the child's open
        // terms and memberships end that day, the birth date keeps its year.
        24 => {
            let p = pick_person(c, rng).await;
            let units: BTreeSet<i32> = council_member::Entity::find()
                .all(c)
                .await
                .expect("terms")
                .into_iter()
                .filter(|m| m.person_id == p.id)
                .filter_map(|m| w.councils.iter().find(|k| k.id == m.council_id))
                .map(|k| k.unit_id)
                .chain(
                    club_member::Entity::find()
                        .all(c)
                        .await
                        .expect("members")
                        .into_iter()
                        .filter(|m| m.person_id == p.id)
                        .filter_map(|m| w.clubs.iter().find(|k| k.id == m.club_id))
                        .map(|k| k.unit_id),
                )
                .collect();
            for u in units {
                touch_roster(t, u);
            }
            let at = instant(rng);
            refused(people::withdraw(c, &actor, at, &Scope::everything(), p.id).await)
        }
        // The child population of one or two units and years replaced (a year
        // locked by an approved report refuses the whole replacement).
        _ => {
            let mut rows = vec![];
            for _ in 0..rng.random_range(1..=2) {
                let u = w.units.choose(rng).expect("unit");
                let year = rng.random_range(YEARS);
                if rows
                    .iter()
                    .any(|r: &population::Figure| r.unit_id == u.id && r.year == year)
                {
                    continue;
                }
                t.add(u.id, year);
                for age in 0..=population::MAX_AGE {
                    for sex in population::SEXES {
                        if rng.random_bool(0.8) {
                            rows.push(population::Figure {
                                unit_id: u.id,
                                year,
                                age,
                                sex: sex.to_string(),
                                children: rng.random_range(0..400),
                            });
                        }
                    }
                }
            }
            let demo = rng.random_bool(0.2);
            let source = format!("thu-{case}-{op}.csv");
            refused(population::replace(c, &actor, now, &rows, demo, &source).await)
        }
    }
}

async fn run_case(app: &TestApp, w: &World, case: u64, outcomes: &mut [[u32; 2]; KINDS]) {
    let c = &app.db.conn;
    let mut rng = StdRng::seed_from_u64(0x7a6e_0000 + case);
    let actor = Actor::system("property test");
    let now = app_now();
    let mut t = Touched::default();
    // Units activities and budgets go to: below the province, in two districts.
    let pool: Vec<&unit::Model> = w.units.iter().filter(|u| u.parent_id.is_some()).collect();
    for op in 0..OPS {
        let pick = rng.random_range(0..KINDS as i32);
        let was_refused = match pick {
            // A child's response online, or typed in from paper.
            0..=3 => {
                let all = all_consultations(c).await;
                // Now and then one closed before any child answered (paper
                // typed in late): its first response may make its matter
                // consulted.
                let silent = without_input(c, &all).await;
                let late: Vec<_> = silent
                    .into_iter()
                    .filter(|k| k.status != Status::Open)
                    .collect();
                let k = match late.choose(&mut rng) {
                    Some(k) if rng.random_bool(0.3) => k,
                    _ => all.choose(&mut rng).expect("consultation"),
                };
                let paper = rng.random_bool(0.4);
                let at = instant(&mut rng);
                let r = responses::submit(
                    c,
                    at,
                    Submission {
                        consultation_id: k.id,
                        submission_id: format!("prop-{case}-{op}"),
                        content_hash: format!("h-{case}-{op}"),
                        source: if paper { Source::Paper } else { Source::Online },
                        profile: profile(&mut rng),
                        profile_unit_id: None,
                        answers: vec![],
                        entered_by: paper.then_some(w.user_id),
                    },
                )
                .await;
                t.add(k.unit_id, at.year());
                touch_matter(c, k.matter_id, &mut t).await;
                refused(r)
            }
            // A new activity.
            4 => {
                let u = pool.choose(&mut rng).expect("unit");
                let a = new_activity(&mut rng, w, &format!("PT-{case}-{op}"), u.id);
                t.add(u.id, a.starts_on.year());
                refused(activities::save(c, &actor, now, &a).await)
            }
            // An activity saved again by its code, or edited (unit, date,
            // project, kind, participants may all change).
            5 | 6 => {
                let ids = activity_ids(c).await;
                let id = *ids.choose(&mut rng).expect("activity");
                let before = activity::Entity::find_by_id(id)
                    .one(c)
                    .await
                    .expect("db")
                    .expect("row");
                t.add(before.unit_id, before.starts_on.year());
                let moves = rng.random_bool(0.5);
                let unit_id = if moves {
                    pool.choose(&mut rng).expect("unit").id
                } else {
                    before.unit_id
                };
                let a = new_activity(&mut rng, w, &before.code, unit_id);
                t.add(a.unit_id, a.starts_on.year());
                for s in activities::spendings_of(c, id).await.expect("spending") {
                    t.add(before.unit_id, s.spent_on.year());
                    t.add(a.unit_id, s.spent_on.year());
                }
                let r = if moves {
                    activities::update(c, &actor, now, id, &a).await.map(|_| ())
                } else {
                    activities::save(c, &actor, now, &a).await.map(|_| ())
                };
                refused(r)
            }
            // An activity deleted, with its participants and spending.
            7 => {
                let ids = activity_ids(c).await;
                let id = *ids.choose(&mut rng).expect("activity");
                let before = activity::Entity::find_by_id(id)
                    .one(c)
                    .await
                    .expect("db")
                    .expect("row");
                t.add(before.unit_id, before.starts_on.year());
                for s in activities::spendings_of(c, id).await.expect("spending") {
                    t.add(before.unit_id, s.spent_on.year());
                }
                refused(activities::delete(c, &actor, now, id).await)
            }
            // A spending added to any activity, in any year.
            8 => {
                let ids = activity_ids(c).await;
                let id = *ids.choose(&mut rng).expect("activity");
                let a = activity::Entity::find_by_id(id)
                    .one(c)
                    .await
                    .expect("db")
                    .expect("row");
                let s = Spending {
                    unit_id: a.unit_id,
                    activity: a.code.clone(),
                    source: w.sources.choose(&mut rng).expect("source").clone(),
                    spent_on: date(&mut rng),
                    amount: Dong(rng.random_range(1..50_000_000)),
                    note: format!("chi thử {case}-{op}"),
                };
                t.add(a.unit_id, s.spent_on.year());
                refused(activities::add_spending(c, &actor, now, id, &s).await)
            }
            // A spending deleted.
            9 => {
                let all = spending::Entity::find()
                    .order_by_asc(spending::Column::Id)
                    .all(c)
                    .await
                    .expect("spending");
                let s = all.choose(&mut rng).expect("spending");
                let a = activity::Entity::find_by_id(s.activity_id)
                    .one(c)
                    .await
                    .expect("db")
                    .expect("row");
                t.add(a.unit_id, s.spent_on.year());
                refused(activities::delete_spending(c, &actor, now, s.id).await)
            }
            // A budget line set (again, with another amount, now and then).
            10 => {
                let u = pool.choose(&mut rng).expect("unit");
                let b = Budget {
                    unit_id: u.id,
                    year: rng.random_range(YEARS),
                    source: w.sources.choose(&mut rng).expect("source").clone(),
                    project: w.projects[..2].choose(&mut rng).expect("project").clone(),
                    amount: Dong(rng.random_range(0..900_000_000)),
                    note: None,
                };
                t.add(b.unit_id, b.year);
                refused(activities::set_budget(c, &actor, now, &b).await)
            }
            // Rosters and the child population.
            n if n >= 20 => roster_or_population(c, w, &mut rng, (case, op, n), &mut t).await,
            // Matters, consultations, forums, councils and clubs.
            n => voice_or_model(c, w, &mut rng, (case, op, n), &mut t).await,
        };
        outcomes[pick as usize][usize::from(was_refused)] += 1;
    }
    check(app, w, &t, case).await;
}

async fn aggregates_equal_recomputation(app: TestApp) {
    let started = std::time::Instant::now();
    demo_records(&app, false).await;
    eprintln!("demo records in {:?}", started.elapsed());
    recent_plan(&app).await;
    let w = world(&app).await;
    // The demo data went through the write paths: the tables already agree
    // with the migration's own fill.
    let before = tables(&app.db.conn).await;
    assert!(before.len() > 100, "demo data fills the aggregates");
    // Per kind of write: [accepted, refused].
    let mut outcomes = [[0u32; 2]; KINDS];
    for case in 0..CASES {
        run_case(&app, &w, case, &mut outcomes).await;
    }
    // Every kind of write went through at least once: the comparison above
    // covered its hook, not only its refusal.
    for (pick, [accepted, _]) in outcomes.iter().enumerate() {
        assert!(
            *accepted > 0,
            "write {pick} was never accepted: {outcomes:?}"
        );
    }
    let refusals: u32 = outcomes.iter().map(|o| o[1]).sum();
    let kept = tables(&app.db.conn).await;
    aggregates::rebuild(&app.db.conn).await.expect("rebuild");
    let rebuilt = tables(&app.db.conn).await;
    assert_eq!(kept.len(), rebuilt.len(), "rows kept and rebuilt");
    for (k, r) in kept.iter().zip(&rebuilt) {
        assert_eq!(k, r);
    }
    eprintln!(
        "{} aggregate rows; {refusals} writes refused ([accepted, refused] per kind: {outcomes:?}); {:?} in all",
        kept.len(),
        started.elapsed()
    );
}

db_test!(aggregates_equal_recomputation);

fn app_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now")
}

/// The numerator of `code` among the API's indicators for a unit and year.
async fn numerator(app: &TestApp, token: &str, unit: &str, year: i32, code: &str) -> i64 {
    let v = app.indicators(token, unit, year).await.expect_status(200);
    v.as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["numerator"].as_i64())
        .unwrap_or_else(|| panic!("no {code} in {v}"))
}

async fn numerators(app: &TestApp, token: &str, unit: &str) -> [i64; 3] {
    [
        numerator(app, token, unit, 2020, "A1").await,
        numerator(app, token, unit, 2020, "A2").await,
        numerator(app, token, unit, 2020, "A3").await,
    ]
}

async fn http_writes_move_the_figures(app: TestApp) {
    thamgia::demo_activities::fill(&app.db, app_now(), 2020)
        .await
        .expect("activities");
    let token = app.token("district106").await;
    let before = numerators(&app, &token, "106").await;
    let coord = app.token("coordinator").await;
    let province = numerators(&app, &coord, "12").await;
    let body = json!({
        "code": "AGG-2020-01", "unit": "106", "project": "DA2", "kind": "training",
        "title": "Tập huấn cho giáo viên", "starts_on": "2020-04-02", "ends_on": "",
        "lead_agency": "PLDTBXH-106", "coordinating": [],
        "participants": {"teachers": {"female": 21, "male": 9}, "children": {"female": 4, "male": 0}}
    });
    let a = app
        .api_post(&token, "/api/v1/activities", &body)
        .await
        .expect_status(201);
    let id = a["id"].as_i64().expect("id");
    let spend = json!({"source": "local", "spent_on": "2020-04-03", "amount": "12.500.000", "note": "Hội trường"});
    app.api_post(&token, &format!("/api/v1/activities/{id}/spending"), &spend)
        .await
        .expect_status(201);
    let after = numerators(&app, &token, "106").await;
    assert_eq!(
        after,
        [before[0] + 34, before[1] + 1, before[2] + 12_500_000]
    );
    // The province's figures move by the same amounts (a sum over its subtree).
    assert_eq!(
        numerators(&app, &coord, "12").await,
        [province[0] + 34, province[1] + 1, province[2] + 12_500_000]
    );
    // Moved to 2019: the course and its 2020 spending leave A1 and A2 of 2020
    // but the spending stays in A3 of 2020, the year it was spent.
    let mut moved = body.clone();
    moved["starts_on"] = json!("2019-12-31");
    app.api_put(&token, &format!("/api/v1/activities/{id}"), &moved)
        .await
        .expect_status(200);
    assert_eq!(
        numerators(&app, &token, "106").await,
        [before[0], before[1], before[2] + 12_500_000]
    );
    // Deleted with its spending: everything as before.
    let (s, v) = app
        .api_delete(&token, &format!("/api/v1/activities/{id}"), &json!({}))
        .await;
    assert!(s == 200 || s == 204, "{s} {v}");
    assert_eq!(numerators(&app, &token, "106").await, before);
    let u = thamgia_store::units::get_in_scope(&app.db.conn, &Scope::everything(), "106")
        .await
        .expect("unit");
    for year in 2019..=2020 {
        assert_eq!(
            aggregates::subtotals(&app.db.conn, &u.path, year)
                .await
                .expect("kept"),
            aggregates::recompute(&app.db.conn, &u.path, year)
                .await
                .expect("raw"),
        );
    }
}

db_test!(http_writes_move_the_figures);

/// The consulted count of `kind` for a unit's subtree and year, maintained
/// and recomputed (which must agree).
async fn consulted(app: &TestApp, unit_id: i32, year: i32, kind: MatterKind) -> (i64, i64) {
    let c = &app.db.conn;
    let u = unit::Entity::find_by_id(unit_id)
        .one(c)
        .await
        .expect("db")
        .expect("unit");
    let kept = aggregates::subtotals(c, &u.path, year)
        .await
        .expect("kept")
        .matters;
    let raw = aggregates::recompute(c, &u.path, year)
        .await
        .expect("raw")
        .matters;
    assert_eq!(kept, raw, "matters of {} in {year}", u.path);
    kept.get(kind.as_str()).copied().unwrap_or_default()
}

/// A consultation closed and answered before any child's input came in does
/// not make its matter consulted; paper typed in afterwards does — a group
/// tally for one matter, a child's response for another — and the maintained
/// T1–T3 counts move with it.
async fn late_input_makes_a_matter_consulted(app: TestApp) {
    let c = &app.db.conn;
    let actor = Actor::system("aggregates test");
    let now = app_now();
    let unit_id = thamgia_store::units::get_in_scope(c, &Scope::everything(), "106")
        .await
        .expect("unit")
        .id;
    let agency = agency::Entity::find()
        .one(c)
        .await
        .expect("db")
        .expect("agency")
        .id;
    let on = NaiveDate::from_ymd_opt(2021, 5, 4).expect("date");
    let before = consulted(&app, unit_id, 2021, MatterKind::SchoolDecision).await;
    let mut answered = vec![];
    for i in 0..2 {
        let m = matters::create(
            c,
            &actor,
            now,
            NewMatter {
                kind: MatterKind::SchoolDecision,
                title: format!("Nội quy trường {i}"),
                summary: "Nội quy mới".into(),
                owner_agency_id: agency,
                unit_id,
                stage: Stage::Consulting,
                decision_date: Some(on),
            },
        )
        .await
        .expect("matter");
        let k = consultations::create(
            c,
            &actor,
            now,
            NewConsultation {
                method: HowAsked::GroupDiscussion,
                ..survey(unit_id, Some(m.id), &format!("Hỏi học sinh {i}"), (on, on))
            },
            [JoinCode::from_random([i, 1, 2, 3, 4, 5])],
        )
        .await
        .expect("consultation");
        consultations::open(c, &actor, now, k.id)
            .await
            .expect("open");
        consultations::close(c, &actor, now, k.id, String::new())
            .await
            .expect("close");
        let a = AnswerBack {
            decided: "Nhà trường giữ nội quy".into(),
            taken: String::new(),
            not_taken: String::new(),
        };
        consultations::save_answer(c, &actor, now, k.id, a, true)
            .await
            .expect("answer");
        answered.push(k.id);
    }
    // Registered, answered, yet heard no one: not consulted.
    let after_answers = consulted(&app, unit_id, 2021, MatterKind::SchoolDecision).await;
    assert_eq!(after_answers, (before.0 + 2, before.1));
    let tally = Tally {
        consultation_id: answered[0],
        submission_id: "late-tally".into(),
        label: "Lớp 5A".into(),
        girls: 8,
        boys: 7,
        age_6_10: 15,
        age_11_15: 0,
        counts: vec![],
        entered_by: None,
    };
    responses::submit_tally(c, &actor, now, tally)
        .await
        .expect("tally");
    assert_eq!(
        consulted(&app, unit_id, 2021, MatterKind::SchoolDecision).await,
        (before.0 + 2, before.1 + 1)
    );
    let paper = blank_paper(answered[1], "late-paper".into(), Age::parse(9));
    responses::submit(c, now, paper).await.expect("response");
    assert_eq!(
        consulted(&app, unit_id, 2021, MatterKind::SchoolDecision).await,
        (before.0 + 2, before.1 + 2)
    );
}

db_test!(late_input_makes_a_matter_consulted);
