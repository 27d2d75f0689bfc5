//! The period review of the province over 2016–2020 (`store::review`): each
//! year is the year's annual report as the report API serves it (frozen once
//! sent up, else live), and the span follows the span rule — sums of the
//! years for what adds up, shares recomputed from the summed numerators and
//! denominators, nothing for units counted in a year, hidden when a year is.

use crate::db_test;
use crate::fixtures::today;
use crate::helpers::TestApp;
use serde_json::Value;
use thamgia_domain::results::percent;
use thamgia_store::{review, units};
use thamgia_web::clock::Clock;

async fn the_review_of_a_span_adds_up_its_years(app: TestApp) {
    crate::fixtures::demo_records(&app, false).await;
    let db = &app.db.conn;
    let u = units::by_code(db, "12")
        .await
        .expect("db")
        .expect("province");
    let r = review::build(db, &u, 2016, 2020, today(&app))
        .await
        .expect("review");
    assert_eq!(r.years.len(), 5);
    let token = app.token("coordinator").await;
    // Each year is the annual report's figures.
    let mut reports: Vec<Value> = Vec::new();
    for (y, year) in r.years.iter().zip(2016..) {
        let (s, b) = app
            .api_get(&token, &format!("/api/v1/reports/12/{year}"))
            .await;
        assert_eq!(s, 200, "{b}");
        let data = &b["figures"];
        assert_eq!(
            serde_json::to_value(&y.data).expect("json"),
            *data,
            "{year}"
        );
        reports.push(data.clone());
    }
    assert!(!r.indicators.is_empty());
    let mut rules = std::collections::BTreeSet::new();
    for i in &r.indicators {
        rules.insert(i.span_rule);
        // The indicator's figure in each year's report.
        let years: Vec<&Value> = reports
            .iter()
            .filter_map(|d| {
                d["figures"]
                    .as_array()
                    .and_then(|fs| fs.iter().find(|f| f["code"] == i.code.as_str()))
            })
            .collect();
        let n: u64 = years
            .iter()
            .map(|f| f["numerator"].as_u64().unwrap_or(0))
            .sum();
        let d: u64 = years
            .iter()
            .map(|f| f["denominator"].as_u64().unwrap_or(0))
            .sum();
        let any_hidden = years.iter().any(|f| f["suppressed"] == true);
        match i.span_rule {
            _ if any_hidden => assert!(i.span_hidden && i.span_value.is_none(), "{}", i.code),
            "sum" if i.span_hidden => assert!((1..5).contains(&n), "{}: {n}", i.code),
            "sum" => assert_eq!(i.span_value, Some(n as f64), "{}", i.code),
            "share" if d == 0 => assert_eq!(i.span_value, None, "{}", i.code),
            "share" => {
                // A share of the child population never passes 100 %.
                let share = percent(n, d);
                let want = if i.measure == "children_answers" {
                    share.min(100.0)
                } else {
                    share
                };
                assert_eq!(i.span_value, Some(want), "{}: {n}/{d}", i.code);
            }
            _ => assert_eq!(i.span_value, None, "{}", i.code),
        }
        assert_eq!(i.years.len(), 5, "{}", i.code);
    }
    // The plan's indicators exercise every rule that has a figure.
    for rule in ["sum", "share", "per_year"] {
        assert!(
            rules.contains(rule),
            "no indicator with the rule {rule}: {rules:?}"
        );
    }
    // Money and activities over the span are the sums of the years.
    let spent: i64 = reports
        .iter()
        .map(|d| d["funding"]["spent"].as_i64().expect("spent"))
        .sum();
    assert_eq!(r.money.iter().map(|m| m.spent.total).sum::<i64>(), spent);
    let activities: i64 = reports
        .iter()
        .map(|d| d["activities"]["total"].as_i64().expect("total"))
        .sum();
    assert_eq!(r.activities.total, activities);
    assert!(
        activities > 0 && spent > 0,
        "the demo has activities and money"
    );
    let answered: i64 = reports
        .iter()
        .map(|d| d["recommendations"]["answered"].as_i64().expect("answered"))
        .sum();
    assert_eq!(r.recommendations_answered.total, answered);
}
db_test!(the_review_of_a_span_adds_up_its_years);

/// The coordinator's narrative of a review: a span outside the plan or the
/// unit is named, the text is kept in NFC, and eight first saves at once
/// leave one review.
async fn a_review_keeps_one_narrative_per_unit_and_span(app: TestApp) {
    use thamgia_actions::reviews::{NarrativeInput, SpanInput, save_narrative};
    use thamgia_actions::{Act, ActionError};
    let coordinator = crate::action_access::principal(&app, "coordinator").await;
    let now = app.clock.now();
    let act = Act::new(&app.db.conn, &coordinator, now);
    let span = |unit: &str, from: &str, to: &str| SpanInput {
        unit: unit.into(),
        from: from.into(),
        to: to.into(),
    };
    let words = NarrativeInput {
        results: "Ke\u{302}\u{301}t qua\u{309} giai đoạn 2016–2020".into(),
        ..Default::default()
    };
    for (s, field, code) in [
        (span("12", "2015", "2018"), "to", "outside_plan"),
        (span("12", "2019", "2017"), "from", "from_after_to"),
        (span("12", "", "2020"), "from", "required"),
        (span("12", "2016", "2021"), "to", "outside_plan"),
    ] {
        match save_narrative(act, &s, &words).await {
            Err(ActionError::Invalid { fields, .. }) => {
                assert_eq!(fields.get(field).map(String::as_str), Some(code), "{s:?}")
            }
            other => panic!("{s:?}: {other:?}"),
        }
    }
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (db, p) = (app.db.conn.clone(), coordinator.clone());
        tasks.push(tokio::spawn(async move {
            let words = NarrativeInput {
                results: format!("Bản {n}"),
                ..Default::default()
            };
            save_narrative(Act::new(&db, &p, now), &span("12", "2016", "2020"), &words)
                .await
                .map(|r| r.id)
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.expect("task").expect("saved"));
    }
    assert_eq!(ids.len(), 1, "one review: {ids:?}");
    let r = save_narrative(act, &span("12", "2016", "2020"), &words)
        .await
        .expect("saved");
    // Normalised to NFC at the edge.
    assert_eq!(r.results, "Kết quả giai đoạn 2016–2020");
    let u = units::by_code(&app.db.conn, "12")
        .await
        .expect("db")
        .expect("province");
    let back = thamgia_store::review::narrative_of(&app.db.conn, u.id, 2016, 2020)
        .await
        .expect("db")
        .expect("narrative");
    assert_eq!(back, r);
}
db_test!(a_review_keeps_one_narrative_per_unit_and_span);
