//! The writes added last hold as the first ones do: sixteen clients at once
//! planning inspections and writing one agency's report all succeed (or are
//! refused by the chain, never by the database), and text sent decomposed
//! (NFD) is stored composed (NFC), on SQLite and PostgreSQL.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

const REPORT: &str = "/api/v1/agency-reports/PGDDT-106/2019";

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// Runs `n` clients at once, each with its own token of `who`, each calling
/// `work(app, token, client number)`; returns their answers in client order.
async fn at_once<F, Fut, T>(app: TestApp, who: &str, n: usize, work: F) -> (TestApp, Vec<T>)
where
    F: Fn(Arc<TestApp>, String, usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut tokens = Vec::new();
    for _ in 0..n {
        tokens.push(app.token(who).await);
    }
    let app = Arc::new(app);
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(w, token)| tokio::spawn(work(app.clone(), token, w)))
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("client"));
    }
    let app = Arc::into_inner(app).expect("every client is done");
    (app, out)
}

/// 16 coordinators plan 5 inspections each, visit each and make a
/// recommendation on each, at once: all 240 writes succeed, and every subject sent in NFD
/// reads back in NFC.
async fn sixteen_inspectors_at_once(app: TestApp) {
    let (app, made) = at_once(app, "coordinator", 16, |app, token, w| async move {
        let mut ids = Vec::new();
        for i in 0..5 {
            let subject = format!("Kiểm tra quyền tham gia của trẻ em {w}-{i}");
            let (s, b) = app
                .api_send(
                    Method::POST,
                    &token,
                    "/api/v1/inspections",
                    &json!({"kind": "inspection", "unit": "106", "subject": nfd(&subject), "inspector_agency": "SLDTBXH",
                        "planned_on": "2019-05-14"}),
                )
                .await;
            assert_eq!(s, 201, "client {w}, inspection {i}: {b}");
            let id = b["id"].as_i64().expect("id");
            let (s, v) = app
                .api_send(
                    Method::POST,
                    &token,
                    &format!("/api/v1/inspections/{id}/visit"),
                    &json!({"visited_on": "2019-05-15", "findings": nfd("Đã lồng ghép quyền tham gia")}),
                )
                .await;
            assert_eq!(s, 200, "client {w}, visit {i}: {v}");
            let (s, r) = app
                .api_send(
                    Method::POST,
                    &token,
                    &format!("/api/v1/inspections/{id}/recommendations"),
                    &json!({"text": nfd("Lập sổ theo dõi ý kiến trẻ em"), "deadline": "2019-09-30"}),
                )
                .await;
            assert_eq!(s, 201, "client {w}, recommendation {i}: {r}");
            ids.push((id, subject));
        }
        ids
    })
    .await;
    let made: Vec<(i64, String)> = made.into_iter().flatten().collect();
    assert_eq!(made.len(), 80);
    let token = app.token("coordinator").await;
    for (id, subject) in made {
        let b = app
            .api_get(&token, &format!("/api/v1/inspections/{id}"))
            .await
            .expect_status(200);
        assert_eq!(b["subject"], subject, "stored composed: {b}");
        assert_eq!(
            b["recommendations"][0]["text"], "Lập sổ theo dõi ý kiến trẻ em",
            "{b}"
        );
    }
}
db_test!(sixteen_inspectors_at_once);

/// 16 clients of one agency write its report's narrative at once (all
/// succeed; one text stands, composed), then all submit it at once: one
/// submission is taken, the other 15 are refused by the chain (409), and
/// the history holds one submission.
async fn sixteen_clients_on_one_agency_report(app: TestApp) {
    let text = |w: usize| format!("Phòng đã tập huấn giáo viên về kỹ năng tham vấn trẻ em ({w}).");
    let (app, saved) = at_once(app, "agency106", 16, move |app, token, w| async move {
        let (s, b) = app
            .api_send(
                Method::PUT,
                &token,
                REPORT,
                &json!({"narratives": {"HUYEN-2": nfd(&text(w))}}),
            )
            .await;
        (s, b)
    })
    .await;
    for (w, (s, b)) in saved.iter().enumerate() {
        assert_eq!(*s, 200, "client {w}: {b}");
    }
    let officer = app.token("agency106").await;
    let r = app.api_get(&officer, REPORT).await.expect_status(200);
    let stored = r["narratives"]["HUYEN-2"].as_str().expect("narrative");
    assert!(
        (0..16).any(|w| stored == text(w)),
        "one client's text, composed: {stored}"
    );

    let (app, moved) = at_once(app, "agency106", 16, |app, token, _| async move {
        app.api_send(
            Method::POST,
            &token,
            &format!("{REPORT}/submit"),
            &json!({}),
        )
        .await
    })
    .await;
    let codes: Vec<u16> = moved.iter().map(|(s, _)| *s).collect();
    assert_eq!(codes.iter().filter(|s| **s == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|s| **s == 409).count(), 15, "{codes:?}");
    let r = app.api_get(&officer, REPORT).await.expect_status(200);
    assert_eq!(r["status"], "submitted", "{r}");
    let submits = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "submit")
        .count();
    assert_eq!(submits, 1, "{r}");
}
db_test!(sixteen_clients_on_one_agency_report);
