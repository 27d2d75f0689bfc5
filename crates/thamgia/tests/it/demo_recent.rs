//! The demo's 2021–2026 records: the 2021–2030 plan loads with them; the
//! districts' records stop on 30/6/2025 and the communes' start on 1/7/2025,
//! on the units their codes named on the day; the 2026 reports run commune →
//! province in every state; today's consultations belong to a commune school;
//! a commune officer sees only the commune's records; a second run changes
//! nothing.

use crate::db_test;
use crate::helpers::TestApp;
use chrono::NaiveDate;
use sea_orm::EntityTrait;
use std::collections::BTreeMap;
use thamgia_store::entity::{club_member, matter, person, report, unit};
use thamgia_web::clock::Clock;

async fn the_demo_of_2021_2026_runs_on_the_units_of_its_day(app: TestApp) {
    let now = app.clock.now();
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
            && sum.annual_plans == 9 * 4 + 6,
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
    let (s, plans) = app.api_get(&admin, "/api/v1/plans?per_page=1000").await;
    assert_eq!(s, 200, "{plans}");
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
        .map(|r| (r.year, units[&r.unit_id].code.clone(), r.status))
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
    let (s, list) = app
        .api_get(&officer, "/api/v1/consultations?per_page=1000")
        .await;
    assert_eq!(s, 200, "{list}");
    let join: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|k| k["join_code"].as_str())
        .collect();
    assert!(
        join.contains(&thamgia::demo_voice::OPEN_CODE)
            && join.contains(&thamgia::demo_voice::DRAFT_CODE),
        "{join:?}"
    );

    // A ward officer sees the ward's matters and no other unit's.
    let ward = app.token("doanket03388").await;
    let (s, list) = app.api_get(&ward, "/api/v1/matters?per_page=1000").await;
    assert_eq!(s, 200, "{list}");
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
}

db_test!(the_demo_of_2021_2026_runs_on_the_units_of_its_day);
