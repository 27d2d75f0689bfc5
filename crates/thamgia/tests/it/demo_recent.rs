//! The demo's 2021–2026 records: the 2021–2030 plan loads with them; the
//! districts' records stop on 30/6/2025 and the communes' start on 1/7/2025,
//! on the units their codes named on the day; the 2026 reports run commune →
//! province in every state; today's consultations belong to a commune school;
//! a commune officer sees only the commune's records; a second run changes
//! nothing. Activities, spending and budget lines run every year 2021–2026
//! (TH1, HD1, KP1 are not 0); the districts' records go on until 30/6/2025
//! and no later; a few communes have a council since 1/7/2025.

use crate::db_test;
use crate::helpers::{TestApp, column, item};
use chrono::NaiveDate;
use sea_orm::EntityTrait;
use std::collections::BTreeMap;
use thamgia_store::entity::{
    activity, activity_participant, budget_line, club, club_activity, club_member, council,
    council_dialogue, council_member, forum, matter, person, report, spending, unit,
};
use thamgia_web::clock::Clock;

async fn the_demo_of_2021_2026_runs_on_the_units_of_its_day(app: TestApp) {
    let now = app.clock.now();
    // The districts' councils and clubs of 2016–2020, which carry on.
    thamgia::demo_councils::fill(&app.db, now, 2018)
        .await
        .expect("councils");
    thamgia::demo::load_units(&app.db, now)
        .await
        .expect("units");
    let sum = thamgia::demo_recent::fill(&app.db, now)
        .await
        .expect("2021–2026")
        .expect("first run");
    assert_eq!(sum.agencies, 38, "a People's Committee for every commune");
    assert!(
        sum.responses > 0
            && sum.forums > 0
            && sum.club_members > 0
            && sum.annual_plans == 9 * 4 + 6
            && sum.councils == 3,
        "{sum:?}"
    );
    assert!(
        thamgia::demo_recent::fill(&app.db, now)
            .await
            .expect("again")
            .is_none(),
        "a second run writes nothing"
    );

    let admin = app.token("admin").await;
    let plans = app.api_ok(&admin, "/api/v1/plans?per_page=1000").await;
    assert!(plans.to_string().contains("lai-chau-2021-2030"), "{plans}");

    let units: BTreeMap<i32, unit::Model> = unit::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("db")
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    // Every matter sits on a unit that existed on its decision date: a
    // district (or the province) until 30/6/2025, a commune (or the province)
    // after; none on a district after it ended.
    let end_of_districts = NaiveDate::from_ymd_opt(2025, 6, 30).expect("date");
    let matters = matter::Entity::find().all(&app.db.conn).await.expect("db");
    assert!(!matters.is_empty());
    let (mut before, mut after) = (0, 0);
    for m in &matters {
        let u = &units[&m.unit_id];
        let decided = m.decision_date.expect("decided");
        assert!(
            u.valid_from.is_none_or(|f| f <= decided) && u.valid_to.is_none_or(|t| t >= decided),
            "matter {} of {decided} on {} ({:?}–{:?})",
            m.id,
            u.code,
            u.valid_from,
            u.valid_to
        );
        if decided <= end_of_districts {
            assert!(
                ["province", "district"].contains(&u.level.as_str()),
                "{}",
                u.code
            );
            before += 1;
        } else {
            assert!(
                ["province", "commune"].contains(&u.level.as_str()),
                "{}",
                u.code
            );
            after += 1;
        }
    }
    assert!(before > 0 && after > 0, "{before} {after}");

    // The reports: districts for 2021–2024, communes for 2026.
    let mut got: Vec<(i32, String, String)> = report::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("db")
        .into_iter()
        .map(|r| {
            (
                r.year,
                units[&r.unit_id].code.clone(),
                r.status.as_str().into(),
            )
        })
        .collect();
    got.sort();
    let of = |year: i32| -> Vec<(String, String)> {
        got.iter()
            .filter(|r| r.0 == year)
            .map(|r| (r.1.clone(), r.2.clone()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect()
    };
    assert_eq!(
        of(2026),
        pairs(&[
            ("03388", "approved"),
            ("03390", "submitted"),
            ("03408", "approved"),
            ("03424", "submitted"),
            ("03430", "returned"),
            ("03549", "draft"),
            ("03595", "draft"),
        ])
    );
    assert_eq!(
        of(2024),
        pairs(&[
            ("105", "approved"),
            ("106", "approved"),
            ("107", "submitted"),
            ("108", "approved"),
            ("109", "returned"),
            ("110", "approved"),
            ("111", "approved"),
            ("112", "submitted"),
        ])
    );
    assert_eq!(of(2021).len(), 7, "Nậm Nhùn has no 2021 report");
    for year in [2021, 2022, 2023] {
        assert!(of(year).iter().all(|(_, s)| s == "approved"), "{year}");
    }

    // Club members of the communes: consent-backed people with birth dates,
    // some aged 11 or more in 2026.
    let members = club_member::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("db");
    let people: BTreeMap<i32, person::Model> = person::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("db")
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let end_2026 = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let eleven_plus = members
        .iter()
        .filter_map(|m| people[&m.person_id].birth_date)
        .filter(|b| thamgia_domain::models::age_on(*b, end_2026) >= 11)
        .count();
    assert!(eleven_plus > 0 && eleven_plus <= members.len());

    // Today's consultations belong to a school of Xã Bản Bo (2025).
    let code = thamgia::demo_voice::fill_open_at(
        &app.db,
        app.clock.now(),
        thamgia::demo_recent::COMMUNE_SCHOOL,
    )
    .await
    .expect("open");
    assert_eq!(code, thamgia::demo_voice::OPEN_CODE);
    let officer = app.token("banbo03424").await;
    let list = app
        .api_ok(&officer, "/api/v1/consultations?per_page=1000")
        .await;
    let join = column(&list, "join_code");
    assert!(
        join.contains(&thamgia::demo_voice::OPEN_CODE)
            && join.contains(&thamgia::demo_voice::DRAFT_CODE),
        "{join:?}"
    );

    // A ward officer sees the ward's matters and no other unit's.
    let ward = app.token("doanket03388").await;
    let list = app.api_ok(&ward, "/api/v1/matters?per_page=1000").await;
    let seen = list.as_array().expect("array");
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|m| m["unit"] == "03388"),
        "{}",
        serde_json::Value::Array(seen.clone())
    );
    let ward_matters = matters
        .iter()
        .filter(|m| units[&m.unit_id].code == "03388" && units[&m.unit_id].level == "commune")
        .filter(|m| units[&m.unit_id].valid_from.is_some())
        .count();
    assert_eq!(seen.len(), ward_matters);

    money_and_activities(&app, &units).await;
    districts_until_30_6_2025(&app, &units).await;
    commune_councils(&app, &units, &people).await;
}

/// TH1, HD1 and KP1 of the province for 2024 and 2026 are what the records
/// hold: trained participants of Project 2, activities starting in the year,
/// money spent in the year (the demo's seeds give the pinned figures).
async fn money_and_activities(app: &TestApp, units: &BTreeMap<i32, unit::Model>) {
    let c = &app.db.conn;
    let acts = activity::Entity::find().all(c).await.expect("db");
    let parts = activity_participant::Entity::find()
        .all(c)
        .await
        .expect("db");
    let spent = spending::Entity::find().all(c).await.expect("db");
    let budgets = budget_line::Entity::find().all(c).await.expect("db");
    let admin = app.token("admin").await;
    let mut got = vec![];
    for year in [2024, 2026] {
        let started: Vec<&activity::Model> = acts
            .iter()
            .filter(|a| a.starts_on.format("%Y").to_string() == year.to_string())
            .collect();
        let trained: i64 = parts
            .iter()
            .filter(|p| {
                started
                    .iter()
                    .any(|a| a.id == p.activity_id && a.project_code == "DA2")
            })
            .map(|p| i64::from(p.female + p.male))
            .sum();
        let money: i64 = spent
            .iter()
            .filter(|s| s.spent_on.format("%Y").to_string() == year.to_string())
            .map(|s| s.amount)
            .sum();
        let budget: i64 = budgets
            .iter()
            .filter(|b| b.year == year)
            .map(|b| b.amount)
            .sum();
        let list = app
            .api_ok(&admin, &format!("/api/v1/indicators?unit=12&year={year}"))
            .await;
        let of = |code: &str| item(&list, "code", code).clone();
        assert_eq!(of("TH1")["numerator"], trained, "{year}");
        assert_eq!(of("HD1")["numerator"], started.len(), "{year}");
        assert_eq!(of("KP1")["numerator"], money, "{year}");
        assert_eq!(of("KP1")["denominator"], budget, "{year}");
        got.push((year, trained, started.len(), money));
        // 2026: only the province and the communes; 2024: the province and
        // the districts.
        for a in &started {
            let level = units[&a.unit_id].level.as_str();
            let wanted = if year == 2024 { "district" } else { "commune" };
            assert!(["province", wanted].contains(&level), "{year} {level}");
        }
    }
    assert_eq!(
        got,
        vec![
            (2024, PINNED_2024.0, PINNED_2024.1, PINNED_2024.2),
            (2026, PINNED_2026.0, PINNED_2026.1, PINNED_2026.2),
        ]
    );
}

/// (TH1, HD1, KP1) of the province: 2024 the province and the 8 districts,
/// 2026 the province and 10 communes (until 29/11/2026, the tests' today).
const PINNED_2024: (i64, usize, i64) = (1_514, 74, 1_432_900_000);
const PINNED_2026: (i64, usize, i64) = (1_418, 65, 1_122_000_000);

/// Every row of a table as (id, the unit it belongs to).
async fn owners<E: EntityTrait>(
    c: &sea_orm::DatabaseConnection,
    f: impl Fn(E::Model) -> (i32, i32),
) -> BTreeMap<i32, i32> {
    E::find()
        .all(c)
        .await
        .expect("db")
        .into_iter()
        .map(f)
        .collect()
}

/// The districts' forums, council dialogues, club activities, activities
/// and spending run into the first half of 2025 and stop on 30/6/2025.
async fn districts_until_30_6_2025(app: &TestApp, units: &BTreeMap<i32, unit::Model>) {
    let c = &app.db.conn;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    let (first, last) = (d(2025, 1, 1), d(2025, 6, 30));
    let district = |unit_id: i32| units[&unit_id].level == "district";
    let councils = owners::<council::Entity>(c, |k| (k.id, k.unit_id)).await;
    let clubs = owners::<club::Entity>(c, |k| (k.id, k.unit_id)).await;
    let acts: BTreeMap<i32, activity::Model> = activity::Entity::find()
        .all(c)
        .await
        .expect("db")
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut days: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    for f in forum::Entity::find().all(c).await.expect("db") {
        if district(f.unit_id) {
            days.entry("forum")
                .or_default()
                .extend([f.starts_on, f.ends_on]);
        }
    }
    for k in council_dialogue::Entity::find().all(c).await.expect("db") {
        if district(councils[&k.council_id]) {
            days.entry("dialogue").or_default().push(k.held_on);
        }
    }
    for k in club_activity::Entity::find().all(c).await.expect("db") {
        if district(clubs[&k.club_id]) {
            days.entry("club activity").or_default().push(k.held_on);
        }
    }
    for a in acts.values() {
        if district(a.unit_id) {
            days.entry("activity")
                .or_default()
                .extend([a.starts_on, a.ends_on]);
        }
    }
    for s in spending::Entity::find().all(c).await.expect("db") {
        if district(acts[&s.activity_id].unit_id) {
            days.entry("spending").or_default().push(s.spent_on);
        }
    }
    assert_eq!(days.len(), 5, "{:?}", days.keys());
    for (what, days) in &days {
        let in_half = days.iter().filter(|x| **x >= first && **x <= last).count();
        let after = days.iter().filter(|x| **x > last).count();
        assert!(in_half > 0, "no {what} in the first half of 2025");
        assert_eq!(after, 0, "{what} after 30/6/2025");
    }
}

/// Three communes have a council since 1/7/2025, with members of the plan's
/// ages (6–15) throughout their term, and dialogues in 2026.
async fn commune_councils(
    app: &TestApp,
    units: &BTreeMap<i32, unit::Model>,
    people: &BTreeMap<i32, person::Model>,
) {
    let c = &app.db.conn;
    let today = app.clock.now().date_naive();
    let since = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
    let mut codes = vec![];
    let members = council_member::Entity::find().all(c).await.expect("db");
    let dialogues = council_dialogue::Entity::find().all(c).await.expect("db");
    for k in council::Entity::find().all(c).await.expect("db") {
        let u = &units[&k.unit_id];
        if u.level != "commune" {
            continue;
        }
        assert!(k.established_on >= since && u.valid_from == Some(since));
        codes.push(u.code.clone());
        let mine: Vec<_> = members.iter().filter(|m| m.council_id == k.id).collect();
        assert!((7..=15).contains(&mine.len()), "{}: {}", u.code, mine.len());
        for m in mine {
            let birth = people[&m.person_id].birth_date.expect("birth date");
            let end = m.term_end.unwrap_or(today);
            let (from, to) = (
                thamgia_domain::models::age_on(birth, m.term_start),
                thamgia_domain::models::age_on(birth, end),
            );
            assert!(from >= 6 && to <= 15, "{}: {from}–{to}", u.code);
        }
        let in_2026 = dialogues
            .iter()
            .filter(|x| x.council_id == k.id && x.year == 2026)
            .count();
        assert!(in_2026 > 0, "{}: no dialogue in 2026", u.code);
    }
    codes.sort();
    assert_eq!(codes, ["03388", "03424", "03549"]);
}

db_test!(the_demo_of_2021_2026_runs_on_the_units_of_its_day);
