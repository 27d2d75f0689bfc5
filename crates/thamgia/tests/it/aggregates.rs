//! The maintained aggregates (`store::aggregates`, migration 0007) equal a
//! recomputation from the raw records after random mixes of writes, edits and
//! deletions — on SQLite and on PostgreSQL. Twelve fixed seeds, forty
//! operations each, over the demo data: children's responses online and on
//! paper (some at the turn of a year), activities created, saved again,
//! edited (unit, date and year, project, kind, participants) and deleted
//! (with their spending), spending added and deleted, budget lines set and
//! changed. After each sequence every subtree holding a touched unit is
//! compared for every year touched; at the end the migration's own fill
//! (`aggregates::rebuild`) must give the same tables. A refused write (a year
//! locked by an approved report, a duplicate code) must change nothing.
//! Then the same through HTTP: a child's answer and an activity sent to the
//! API move the `C1` and `A2` figures the API shows by exactly one.

use crate::db_test;
use crate::helpers::TestApp;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde_json::json;
use std::collections::BTreeSet;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{
    Activity, ActivityKind, Budget, ParticipantGroup, Participants, Spending,
};
use thamgia_domain::money::Dong;
use thamgia_domain::voice::{Age, Profile, Sex, Source};
use thamgia_store::entity::{
    activity, agency, agg_activity, agg_money, agg_participant, agg_response, consultation,
    spending, unit,
};
use thamgia_store::responses::{self, Submission};
use thamgia_store::{StoreError, activities, aggregates, engine};

const CASES: u64 = 12;
const OPS: usize = 40;
/// 2017 is locked province-wide by an approved report in the demo data, so
/// some writes are refused (and must change nothing).
const YEARS: std::ops::RangeInclusive<i32> = 2017..=2021;

/// What the random operations draw from.
struct World {
    units: Vec<unit::Model>,
    consultations: Vec<consultation::Model>,
    agencies: Vec<i32>,
    projects: Vec<String>,
    sources: Vec<String>,
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
                r.year, r.unit_id, r.age_band, r.sex, r.ethnic, r.n
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
}

/// The demo records (children's voice, activities and money, and the annual
/// reports, whose approvals lock some years) over the test server's plan.
async fn demo_records(app: &TestApp) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now");
    thamgia::demo_voice::fill(&app.db, now, 2016)
        .await
        .expect("voice");
    thamgia::demo_activities::fill(&app.db, now, 2020)
        .await
        .expect("activities");
    thamgia::demo_reports::fill(&app.db, now)
        .await
        .expect("reports");
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
    assert!(consultations.len() > 3 && projects.len() > 1 && !sources.is_empty());
    World {
        units,
        consultations,
        agencies,
        projects,
        sources,
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

async fn run_case(app: &TestApp, w: &World, case: u64, refusals: &mut u32) {
    let c = &app.db.conn;
    let mut rng = StdRng::seed_from_u64(0x7a6e_0000 + case);
    let actor = Actor::system("property test");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now");
    let mut t = Touched::default();
    // Units activities and budgets go to: below the province, in two districts.
    let pool: Vec<&unit::Model> = w.units.iter().filter(|u| u.parent_id.is_some()).collect();
    for op in 0..OPS {
        match rng.random_range(0..10) {
            // A child's response online, or typed in from paper.
            0..=2 => {
                let k = w.consultations.choose(&mut rng).expect("consultation");
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
                *refusals += u32::from(refused(r));
                t.add(k.unit_id, at.year());
            }
            // A new activity.
            3 => {
                let u = pool.choose(&mut rng).expect("unit");
                let a = new_activity(&mut rng, w, &format!("PT-{case}-{op}"), u.id);
                t.add(u.id, a.starts_on.year());
                *refusals += u32::from(refused(activities::save(c, &actor, now, &a).await));
            }
            // An activity saved again by its code, or edited (unit, date,
            // project, kind, participants may all change).
            4 | 5 => {
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
                *refusals += u32::from(refused(r));
            }
            // An activity deleted, with its participants and spending.
            6 => {
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
                *refusals += u32::from(refused(activities::delete(c, &actor, now, id).await));
            }
            // A spending added to any activity, in any year.
            7 => {
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
                *refusals += u32::from(refused(
                    activities::add_spending(c, &actor, now, id, &s).await,
                ));
            }
            // A spending deleted.
            8 => {
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
                *refusals += u32::from(refused(
                    activities::delete_spending(c, &actor, now, s.id).await,
                ));
            }
            // A budget line set (again, with another amount, now and then).
            _ => {
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
                *refusals += u32::from(refused(activities::set_budget(c, &actor, now, &b).await));
            }
        }
    }
    check(app, w, &t, case).await;
}

async fn aggregates_equal_recomputation(app: TestApp) {
    let started = std::time::Instant::now();
    demo_records(&app).await;
    eprintln!("demo records in {:?}", started.elapsed());
    let w = world(&app).await;
    // The demo data went through the write paths: the tables already agree
    // with the migration's own fill.
    let before = tables(&app.db.conn).await;
    assert!(before.len() > 100, "demo data fills the aggregates");
    let mut refusals = 0;
    for case in 0..CASES {
        run_case(&app, &w, case, &mut refusals).await;
    }
    let kept = tables(&app.db.conn).await;
    aggregates::rebuild(&app.db.conn).await.expect("rebuild");
    let rebuilt = tables(&app.db.conn).await;
    assert_eq!(kept.len(), rebuilt.len(), "rows kept and rebuilt");
    for (k, r) in kept.iter().zip(&rebuilt) {
        assert_eq!(k, r);
    }
    eprintln!(
        "{} aggregate rows; {refusals} writes refused; {:?} in all",
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
    let (s, v) = app
        .api_get(
            token,
            &format!("/api/v1/indicators?unit={unit}&year={year}"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
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
    let (s, a) = app
        .api_send(Method::POST, &token, "/api/v1/activities", &body)
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().expect("id");
    let spend = json!({"source": "local", "spent_on": "2020-04-03", "amount": "12.500.000", "note": "Hội trường"});
    let (s, v) = app
        .api_send(
            Method::POST,
            &token,
            &format!("/api/v1/activities/{id}/spending"),
            &spend,
        )
        .await;
    assert_eq!(s, 201, "{v}");
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
    let (s, v) = app
        .api_send(
            Method::PUT,
            &token,
            &format!("/api/v1/activities/{id}"),
            &moved,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        numerators(&app, &token, "106").await,
        [before[0], before[1], before[2] + 12_500_000]
    );
    // Deleted with its spending: everything as before.
    let (s, v) = app
        .api_send(
            Method::DELETE,
            &token,
            &format!("/api/v1/activities/{id}"),
            &json!({}),
        )
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
