//! Results, moderation, safeguarding, closing, the answer to the children,
//! indicators T1–T3 and overdue answers, on both databases.
//!
//! Fixtures are built with the store functions directly: a school decision in
//! Tam Đường (106) decided in 2026 (a year no demo data touches), a
//! consultation with a single-choice, a text and a face question, twelve
//! children's responses (nine girls aged 12, three boys aged 8) and one group
//! tally of nine children.

use crate::db_test;
use crate::fixtures::{
    Fixture, actor, additive, new_matter, open_consultation, option_cells, school_consultation,
    submit, submit_tally, today, unit_by_code,
};
use crate::helpers::{Answer, TestApp, by_code, item};
use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use thamgia_domain::results::shows_no_small_count;
use thamgia_domain::voice::{MatterKind, Sex, Source, ValidAnswer};
use thamgia_store::consultations::{self, AnswerBack};
use thamgia_store::entity::{answer, audit, consultation, safeguarding_alert};
use thamgia_web::clock::Clock;

const PHONE_TEXT: &str = "Có gì gọi cho em số 0912 345 678 nhé";
const FLAG_TEXT: &str = "Bạn Lò Văn Sáng ở bản Nà Tăm hay bị đánh";
const PENDING_TEXT: &str = "Em muốn có thêm cầu trượt chờ duyệt";
const APPROVE_TEXT: &str = "Em muốn có xích đu và bóng mát";

/// Twelve children and a group of nine. Option counts: Xích đu 6+2+2 = 10,
/// Cầu trượt 3+7 = 10, Bập bênh 1 (suppressed). Boys (3) are suppressed whole.
async fn fill(app: &TestApp, f: &Fixture) {
    let texts = [APPROVE_TEXT, PHONE_TEXT, FLAG_TEXT, PENDING_TEXT];
    for i in 0..9 {
        let mut a = vec![
            (
                f.single,
                ValidAnswer::Options(vec![f.options[if i < 6 { 0 } else { 1 }]]),
            ),
            (f.faces, ValidAnswer::Face(3)),
        ];
        if let Some(t) = texts.get(i) {
            a.push((f.text, ValidAnswer::Text((*t).into())));
        }
        submit(
            app,
            f,
            if i < 7 { Source::Online } else { Source::Paper },
            12,
            Sex::Girl,
            a,
        )
        .await;
    }
    for i in 0..3 {
        let a = vec![
            (
                f.single,
                ValidAnswer::Options(vec![f.options[if i < 2 { 0 } else { 2 }]]),
            ),
            (f.faces, ValidAnswer::Face(1)),
        ];
        submit(app, f, Source::Online, 8, Sex::Boy, a).await;
    }
    let counts = vec![(f.options[0], 2), (f.options[1], 7)];
    submit_tally(app, f.id, "Lớp 7A", (5, 4), (0, 9), counts).await;
}

async fn school_decision(app: &TestApp, title: &str, seed: u32) -> Fixture {
    let decided = NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
    school_consultation(app, "106", title, decided, title, seed).await
}

/// Numbers shown in the page's result cells and chart values: none may be 1–4.
fn visible_small_counts(html: &str) -> Vec<String> {
    let mut bad = vec![];
    for marker in ["class=\"res-num\">", "font-weight=\"600\">"] {
        for part in html.split(marker).skip(1) {
            let cell = part.split('<').next().unwrap_or("");
            let lead: String = cell.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = lead.parse::<u64>()
                && (1..=4).contains(&n)
                && !cell.contains(',')
                && !cell[lead.len()..].trim_start().starts_with('%')
            {
                bad.push(cell.to_string());
            }
        }
    }
    bad
}

/// Hidden counts a reader could work out by subtraction: a hidden cell alone
/// in a table whose total and other cells are shown (sources with the
/// children; options with those who answered; group totals with those who
/// answered individually; a group's cells with its total).
fn by_subtraction(doc: &Value) -> Vec<String> {
    let mut bad = vec![];
    let r = &doc["results"];
    let hidden = |c: &Value| c["count"].is_null();
    let mut one_way = |what: String, total: &Value, cells: Vec<&Value>| {
        if !hidden(total) && cells.iter().filter(|c| hidden(c)).count() == 1 {
            bad.push(what);
        }
    };
    let s = &r["sources"];
    one_way(
        "sources".into(),
        &r["children"],
        vec![&s["online"], &s["paper"], &s["group"]],
    );
    for q in r["questions"].as_array().into_iter().flatten() {
        let adds_up = additive(q);
        let id = &q["question_id"];
        if adds_up {
            let cells = option_cells(q);
            one_way(format!("q{id} options"), &q["answered"], cells);
        }
        let individual = match (
            q["answered"]["count"].as_u64(),
            q["from_groups"]["count"].as_u64(),
        ) {
            (Some(a), Some(g)) => json!({"count": a - g}),
            _ => json!({"count": null}),
        };
        for b in q["breakdowns"].as_array().into_iter().flatten() {
            let groups: Vec<&Value> = b["groups"].as_array().into_iter().flatten().collect();
            one_way(
                format!("q{id} {} totals", b["dimension"]),
                &individual,
                groups.iter().map(|g| &g["total"]).collect(),
            );
            if adds_up {
                for g in &groups {
                    one_way(
                        format!("q{id} {} {}", b["dimension"], g["key"]),
                        &g["total"],
                        g["cells"].as_array().into_iter().flatten().collect(),
                    );
                }
            }
        }
    }
    bad
}

fn option(q: &Value, i: usize) -> &Value {
    &q["options"][i]["cell"]
}

fn question(doc: &Value, id: i32) -> &Value {
    item(&doc["results"]["questions"], "question_id", id)
}

async fn results_are_suppressed_everywhere(app: TestApp) {
    let f = school_decision(&app, "Sân chơi mới của trường", 1).await;
    fill(&app, &f).await;
    let token = app.token("coordinator").await;
    let doc = app
        .api_ok(&token, &format!("/api/v1/consultations/{}/results", f.id))
        .await;
    assert!(shows_no_small_count(&doc), "a count of 1–4 in {doc}");
    let r = &doc["results"];
    assert_eq!(r["children"]["count"], 21);
    assert_eq!(r["sources"]["online"]["count"], 10);
    assert_eq!(
        r["sources"]["paper"],
        json!({"count": null, "suppressed": true, "percent": null}),
        "two paper forms"
    );
    // 21 − 10 − 9 would give the 2 back: the 9 is hidden with it.
    assert_eq!(r["sources"]["group"]["count"], Value::Null);
    let q = question(&doc, f.single);
    assert_eq!(q["answered"]["count"], 21);
    assert_eq!(q["from_groups"]["count"], 9);
    // 10 | 10 | 1 of 21: the 1 is hidden, and so is the first 10 — the
    // answer × group tables hold the group's own counts as one more row, and
    // the smallest cycle that protects the 1 runs through it — so the pair
    // holds 11.
    assert_eq!(option(q, 1)["count"], 10);
    assert_eq!(option(q, 1)["percent"], 47.6);
    for i in [0, 2] {
        assert_eq!(
            option(q, i),
            &json!({"count": null, "suppressed": true, "percent": null})
        );
    }
    assert_eq!(by_subtraction(&doc), Vec::<String>::new());
    // The consultations list hides the 2 paper forms; the forms entered for
    // a group (none, never listed) hide with them, so the tally's 9 children
    // can stay (paper + group forms = 21 − 10 − 9 holds 1 or 2). The
    // consultation read alone, for those who collect its forms, gives them.
    let list = app
        .api_ok(&token, "/api/v1/consultations?per_page=1000")
        .await;
    let listed = item(&list, "id", f.id);
    assert_eq!(
        listed["responses"],
        json!({"online": 10, "paper": null, "group_tallies": 1, "children_in_tallies": 9})
    );
    let (_, one) = app
        .api_get(&token, &format!("/api/v1/consultations/{}", f.id))
        .await;
    assert_eq!(one["responses"]["paper"], 2);
    let sex = item(&q["breakdowns"], "dimension", "sex");
    let boys = item(&sex["groups"], "key", "boy");
    assert_eq!(boys["suppressed"], true);
    assert!(
        boys["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .all(|c| c["count"].is_null()),
        "{boys}"
    );
    let girls = item(&sex["groups"], "key", "girl");
    // 9 girls beside 3 boys of 12 answering individually: hidden with them.
    assert!(girls["total"]["count"].is_null());
    assert!(
        girls["cells"][1]["count"].is_null(),
        "three girls chose Cầu trượt"
    );
    // Faces: 9 happy, 3 sad (suppressed), 0 neutral: the 0 hides with the 3.
    let faces = question(&doc, f.faces);
    assert_eq!(option(faces, 2)["count"], 9);
    assert!(option(faces, 0)["count"].is_null());
    assert!(option(faces, 1)["count"].is_null());
    // Pending texts are not results: four were written, none is shown.
    let text = question(&doc, f.text);
    assert!(text["answered"]["count"].is_null(), "4 texts is <5");
    assert_eq!(text["texts"], json!([]));
    let body = doc.to_string();
    for t in [APPROVE_TEXT, PHONE_TEXT, FLAG_TEXT, PENDING_TEXT] {
        assert!(!body.contains(t), "{t} leaked");
    }

    // The page shows the same numbers, "<5" for small cells, and no text.
    let c = app.login("coordinator").await;
    let html = app
        .page(&c, &format!("/consultations/{}/results", f.id))
        .await;
    assert!(
        html.contains("font-weight=\"600\">&lt;5</text>"),
        "suppressed bars drawn as <5"
    );
    // askama writes "<" as &#60;, the SVG as &lt;.
    assert!(
        html.contains("10 trực tuyến, &#60;5 phiếu giấy, &#60;5 em trong thảo luận nhóm"),
        "sources line"
    );
    assert!(
        html.contains("class=\"res-num\">&#60;5</td>"),
        "table cells show <5"
    );
    assert!(html.contains("10 (47,6%)"));
    assert!(
        html.contains("<svg")
            && html.contains("role=\"img\"")
            && html.contains("<title id=\"chart-q")
    );
    assert!(html.contains("Em gái") && html.contains("11–15 tuổi"));
    assert_eq!(visible_small_counts(&html), Vec::<String>::new());
    for t in [APPROVE_TEXT, PHONE_TEXT, FLAG_TEXT, PENDING_TEXT] {
        assert!(!html.contains(t), "{t} on the results page");
    }
    // A facilitator may read results (suppressed) but not moderate.
    let fc = app.login("facilitator106").await;
    let (s, _) = app.get(&fc, "/moderation").await;
    assert_eq!(s, 403);
    let ft = app.token("facilitator106").await;
    app.api_get(&ft, "/api/v1/moderation/pending?per_page=1000")
        .await
        .expect_status(403);
}
db_test!(results_are_suppressed_everywhere);

async fn answer_of(app: &TestApp, text: &str) -> answer::Model {
    answer::Entity::find()
        .filter(answer::Column::Text.eq(text))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("answer")
}

async fn audit_text(app: &TestApp) -> String {
    audit::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("audit")
        .into_iter()
        .map(|a| {
            format!(
                "{} {}",
                a.before.unwrap_or_default(),
                a.after.unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn moderation_redaction_and_safeguarding(app: TestApp) {
    let f = school_decision(&app, "Sân chơi mới của trường", 2).await;
    fill(&app, &f).await;
    let moderator = app.login("district106").await;
    let html = app.page(&moderator, "/moderation").await;
    for t in [APPROVE_TEXT, FLAG_TEXT, PENDING_TEXT] {
        assert!(html.contains(t), "queue shows {t}");
    }
    // The redaction box starts with the phone number masked.
    assert!(html.contains("Có gì gọi cho em số [số điện thoại] nhé"));
    assert!(html.contains("Em muốn sân chơi có gì?") || html.contains("Em muốn nói thêm điều gì?"));

    // Approve one through the page.
    let approve = answer_of(&app, APPROVE_TEXT).await;
    let csrf = app.csrf(&moderator, "/moderation").await;
    app.submit_form(
        &moderator,
        &csrf,
        &format!("/moderation/{}", approve.id),
        &[("action", "approve")],
        303,
    )
    .await;
    assert_eq!(
        answer_of(&app, APPROVE_TEXT).await.moderation.as_deref(),
        Some("approved")
    );

    // Redact one through the API: the new words replace the child's everywhere.
    let phone = answer_of(&app, PHONE_TEXT).await;
    let token = app.token("district106").await;
    app.api_ok(&token, "/api/v1/moderation/pending?per_page=1000")
        .await;
    let redacted = "Có gì gọi cho em số [số điện thoại] nhé";
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/moderation/{}", phone.id),
            &json!({"action": "redact", "text": redacted}),
        )
        .await
        .expect_status(200);
    assert_eq!(
        body,
        json!({"answer_id": phone.id, "moderation": "approved", "redacted": true})
    );
    let stored = answer::Entity::find_by_id(phone.id)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(stored.text.as_deref(), Some(redacted));

    // Bad input stores nothing: unknown action, a flag without a note, a redaction without text.
    let flag = answer_of(&app, FLAG_TEXT).await;
    for (req, field, code) in [
        (json!({"action": "delete"}), "action", "unknown_action"),
        (json!({"action": "flag", "note": "  "}), "note", "required"),
        (json!({"action": "redact", "text": ""}), "text", "required"),
    ] {
        let (s, body) = app
            .api_post(&token, &format!("/api/v1/moderation/{}", flag.id), &req)
            .await;
        assert_eq!(s, 422, "{req}");
        assert_eq!(body["error"]["fields"][field], code, "{body}");
    }
    let csrf = app.csrf(&moderator, "/moderation").await;
    let r = app
        .submit_form(
            &moderator,
            &csrf,
            &format!("/moderation/{}", flag.id),
            &[("action", "flag"), ("note", "")],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(
        html.contains(&format!(
            "id=\"note-{}\" name=\"note\" rows=\"3\" aria-invalid=\"true\"",
            flag.id
        )),
        "error at the note"
    );
    assert_eq!(
        answer_of(&app, FLAG_TEXT).await.moderation.as_deref(),
        Some("pending")
    );
    assert_eq!(
        safeguarding_alert::Entity::find()
            .all(&app.db.conn)
            .await
            .expect("db")
            .len(),
        0
    );

    // Flag it with a note: hidden, and the coordinator is alerted.
    app.submit_form(
        &moderator,
        &csrf,
        &format!("/moderation/{}", flag.id),
        &[
            ("action", "flag"),
            ("note", "Em có thể bị bạo lực, cần xác minh"),
        ],
        303,
    )
    .await;
    assert_eq!(
        answer_of(&app, FLAG_TEXT).await.moderation.as_deref(),
        Some("flagged")
    );
    // A flagged text cannot be approved afterwards.
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/moderation/{}", flag.id),
            &json!({"action": "approve"}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["action"], "already_moderated");

    // What results show now: the approved and the redacted text, nothing else.
    let coord = app.token("coordinator").await;
    let (_, doc) = app
        .api_get(&coord, &format!("/api/v1/consultations/{}/results", f.id))
        .await;
    let q = question(&doc, f.text);
    assert_eq!(
        q["texts"],
        json!([{"text": APPROVE_TEXT, "redacted": false}, {"text": redacted, "redacted": true}])
    );
    let c = app.login("coordinator").await;
    let (_, page) = app
        .get(&c, &format!("/consultations/{}/results", f.id))
        .await;
    assert!(page.contains(APPROVE_TEXT) && page.contains(redacted));
    for (label, body) in [("api", doc.to_string()), ("page", page.clone())] {
        assert!(!body.contains(FLAG_TEXT), "{label}: flagged text shown");
        assert!(!body.contains(PENDING_TEXT), "{label}: pending text shown");
        assert!(
            !body.contains("0912 345 678"),
            "{label}: the original of a redacted text"
        );
    }
    let (_, queue) = app.get(&moderator, "/moderation").await;
    assert!(
        !queue.contains("0912 345 678")
            && !queue.contains(FLAG_TEXT)
            && queue.contains(PENDING_TEXT)
    );
    // The audit trail records decisions, never the words.
    let trail = audit_text(&app).await;
    assert!(
        trail.contains("\"moderation\":\"flagged\""),
        "decisions are audited"
    );
    for t in [
        "0912 345 678",
        FLAG_TEXT,
        APPROVE_TEXT,
        PENDING_TEXT,
        redacted,
    ] {
        assert!(!trail.contains(t), "audit holds a child's words: {t}");
    }

    // The coordinator's alerts; a district officer has none to see.
    let alerts = app.page(&c, "/alerts").await;
    assert!(
        alerts.contains("Sân chơi mới của trường")
            && alerts.contains("Em có thể bị bạo lực, cần xác minh")
    );
    assert!(
        !alerts.contains(FLAG_TEXT),
        "the text itself is one click away"
    );
    let alert = safeguarding_alert::Entity::find()
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("alert");
    assert!(alerts.contains(&format!("/alerts/{}", alert.id)));
    let one = app.page(&c, &format!("/alerts/{}", alert.id)).await;
    assert!(one.contains(FLAG_TEXT));
    for path in ["/alerts".to_string(), format!("/alerts/{}", alert.id)] {
        let (s, html) = app.get(&moderator, &path).await;
        assert_eq!(s, 403, "{path}");
        assert!(!html.contains(FLAG_TEXT));
    }
    let csrf = app.csrf(&moderator, "/moderation").await;
    app.submit_form(
        &moderator,
        &csrf,
        &format!("/alerts/{}/resolve", alert.id),
        &[],
        403,
    )
    .await;
    // The coordinator resolves it; the text stays hidden.
    let csrf = app.csrf(&c, "/alerts").await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/alerts/{}/resolve", alert.id),
        &[],
        303,
    )
    .await;
    let (_, alerts) = app.get(&c, "/alerts").await;
    assert!(!alerts.contains("Em có thể bị bạo lực"));
    let a = safeguarding_alert::Entity::find_by_id(alert.id)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("alert");
    assert!(a.resolved_at.is_some());
    assert_eq!(
        answer_of(&app, FLAG_TEXT).await.moderation.as_deref(),
        Some("flagged")
    );
}
db_test!(moderation_redaction_and_safeguarding);

async fn consultation(app: &TestApp, id: i32) -> consultation::Model {
    consultation::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("consultation")
}

async fn closing_answering_and_t2(app: TestApp) {
    let token = app.token("district106").await;
    let ind = "/api/v1/indicators?unit=106&year=2026";
    let doc = app.api_ok(&token, ind).await;
    assert_eq!(by_code(&doc, "T2")["denominator"], 0);
    assert!(by_code(&doc, "T2")["value"].is_null());

    let f = school_decision(&app, "Nội quy trường học năm học mới", 3).await;
    fill(&app, &f).await;
    let (_, doc) = app.api_get(&token, ind).await;
    assert_eq!(
        (
            by_code(&doc, "T2")["numerator"].clone(),
            by_code(&doc, "T2")["denominator"].clone()
        ),
        (json!(0), json!(1))
    );
    assert_eq!(by_code(&doc, "T2")["value"], 0.0);
    assert_eq!(by_code(&doc, "T1")["denominator"], 0);
    assert_eq!(by_code(&doc, "T2")["unit"], "%");
    assert!(
        by_code(&doc, "T2")["target"].is_null(),
        "no plan covers 2026"
    );
    assert_eq!(
        doc.as_array().map(Vec::len),
        Some(3),
        "T1–T3 only, no stubs"
    );
    // Within the plan's period the target is the plan's.
    let (_, old) = app.indicators(&token, "106", 2018).await;
    assert_eq!(by_code(&old, "T2")["target"], 90.0);
    assert_eq!(
        by_code(&old, "T2")["name"],
        "Tỷ lệ quyết định có liên quan đến trẻ em trong nhà trường được tham vấn ý kiến trẻ em"
    );

    // Bad input stores nothing.
    let body = app
        .indicators(&token, "106", "20x8")
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["year"], "invalid_year");
    let body = app
        .api_get(&token, "/api/v1/indicators?unit=106&per_page=1000")
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["year"], "required");
    app.indicators(&token, "107", 2026).await.expect_status(404);
    let (s, body) = app
        .api_post(
            &token,
            &format!("/api/v1/consultations/{}/answer", f.id),
            &json!({"decided": "a", "taken": "b", "not_taken": "c", "publish": true}),
        )
        .await;
    assert_eq!(s, 422, "publish before close");
    assert_eq!(body["error"]["fields"]["status"], "not_closed");
    let officer = app.login("district106").await;
    let csrf = app
        .csrf(&officer, &format!("/consultations/{}/close", f.id))
        .await;
    let r = app
        .submit_form(
            &officer,
            &csrf,
            &format!("/consultations/{}/close", f.id),
            &[("findings", "   ")],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(
        html.contains("aria-invalid=\"true\" aria-describedby=\"findings-err"),
        "error next to the field"
    );
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/consultations/{}/close", f.id),
            &json!({"findings": "x".repeat(5001)}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["findings"], "too_long");
    let k = consultation(&app, f.id).await;
    assert_eq!(
        (
            k.status.as_str(),
            k.findings.as_deref(),
            k.answer_decided.as_deref()
        ),
        ("open", None, None)
    );

    // Close through the page.
    let r = app
        .submit_form(
            &officer,
            &csrf,
            &format!("/consultations/{}/close", f.id),
            &[("findings", "Các em muốn nội quy ngắn, dễ hiểu.")],
            303,
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        format!("/consultations/{}/answer", f.id)
    );
    let k = consultation(&app, f.id).await;
    assert_eq!(k.status.as_str(), "closed");
    assert!(k.closed_at.is_some());
    let (_, doc) = app.api_get(&token, ind).await;
    assert_eq!(
        by_code(&doc, "T2")["numerator"],
        0,
        "closed but not answered"
    );
    // Closing twice is refused.
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/consultations/{}/close", f.id),
            &json!({"findings": "lại"}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["status"], "not_open");

    // A draft is saved, not published.
    let path = format!("/consultations/{}/answer", f.id);
    let html = app.page(&officer, &path).await;
    assert!(html.contains("Lưu nháp") && html.contains("Công bố cho các em"));
    app.submit_form(
        &officer,
        &csrf,
        &path,
        &[
            ("decided", "Trường giữ 10 điều nội quy."),
            ("taken", ""),
            ("not_taken", ""),
            ("publish", "0"),
        ],
        303,
    )
    .await;
    let k = consultation(&app, f.id).await;
    assert_eq!(
        (k.status.as_str(), k.answer_decided.as_deref()),
        ("closed", Some("Trường giữ 10 điều nội quy."))
    );
    assert!(k.answer_published_at.is_none());
    // Publishing needs all three parts; a refusal changes nothing.
    let r = app
        .submit_form(
            &officer,
            &csrf,
            &path,
            &[
                ("decided", "Khác"),
                ("taken", "Nội quy ngắn hơn."),
                ("not_taken", ""),
                ("publish", "1"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"not_taken-err\""));
    let k = consultation(&app, f.id).await;
    assert_eq!(
        (k.status.as_str(), k.answer_decided.as_deref()),
        ("closed", Some("Trường giữ 10 điều nội quy."))
    );
    let (_, doc) = app.api_get(&token, ind).await;
    assert_eq!(by_code(&doc, "T2")["numerator"], 0);

    // Publish through the API: T2 becomes 1/1.
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/consultations/{}/answer", f.id),
            &json!({"decided": "Trường giữ 10 điều nội quy.", "taken": "Nội quy ngắn hơn, dễ hiểu.", "not_taken": "Không có", "publish": true}),
        )
        .await
        .expect_status(200);
    assert_eq!(body["status"], "answered");
    assert!(body["answer_published_at"].is_string());
    let (_, doc) = app.api_get(&token, ind).await;
    assert_eq!(
        (
            by_code(&doc, "T2")["numerator"].clone(),
            by_code(&doc, "T2")["denominator"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(by_code(&doc, "T2")["value"], 100.0);
    let (_, html) = app.get(&officer, &path).await;
    assert!(
        html.contains("Các em đã nói — chúng tôi đã làm")
            && html.contains("Nội quy ngắn hơn, dễ hiểu.")
    );
    // The province sees it too; T3 and T1 are untouched.
    let coord = app.token("coordinator").await;
    let (_, prov) = app.indicators(&coord, "12", 2026).await;
    assert_eq!(by_code(&prov, "T2")["numerator"], 1);
    assert_eq!(by_code(&prov, "T3")["denominator"], 0);

    // A consultation closed with no child's response does not count.
    let g = school_decision(&app, "Thực đơn bữa ăn bán trú", 4).await;
    let db = &app.db.conn;
    consultations::close(
        db,
        &actor(),
        app.clock.now(),
        g.id,
        "Không em nào trả lời.".into(),
    )
    .await
    .expect("close");
    let a = AnswerBack {
        decided: "a".into(),
        taken: "b".into(),
        not_taken: "c".into(),
    };
    consultations::save_answer(db, &actor(), app.clock.now(), g.id, a, true)
        .await
        .expect("publish");
    let (_, doc) = app.api_get(&token, ind).await;
    assert_eq!(
        (
            by_code(&doc, "T2")["numerator"].clone(),
            by_code(&doc, "T2")["denominator"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_eq!(by_code(&doc, "T2")["value"], 50.0);
    let _ = g.matter_id;
}
db_test!(closing_answering_and_t2);

async fn overdue_answers_are_listed(app: TestApp) {
    let day = |n: i64| today(&app) - Duration::days(n);
    let late = new_matter(
        &app,
        "106",
        "PGDDT-106",
        "Lịch học thêm buổi chiều",
        MatterKind::SchoolDecision,
        day(61),
    )
    .await;
    new_matter(
        &app,
        "106",
        "PGDDT-106",
        "Giờ mở cửa thư viện trường",
        MatterKind::SchoolDecision,
        day(59),
    )
    .await;
    let other = new_matter(
        &app,
        "106",
        "PLDTBXH-106",
        "Kế hoạch Tháng hành động vì trẻ em",
        MatterKind::CommunityDecision,
        day(90),
    )
    .await;
    // The children were asked about both: an answer is owed to them.
    open_consultation(&app, "106", late, "Lịch học thêm", 7).await;
    open_consultation(&app, "106", other, "Tháng hành động", 8).await;
    // Decided long ago but answered: not overdue.
    let f = school_consultation(
        &app,
        "106",
        "Sửa chữa nhà vệ sinh của trường",
        day(100),
        "Nhà vệ sinh",
        5,
    )
    .await;
    let db = &app.db.conn;
    consultations::close(db, &actor(), app.clock.now(), f.id, "Cần nước sạch.".into())
        .await
        .expect("close");
    let a = AnswerBack {
        decided: "a".into(),
        taken: "b".into(),
        not_taken: "c".into(),
    };
    consultations::save_answer(db, &actor(), app.clock.now(), f.id, a, true)
        .await
        .expect("publish");

    let c = app.login("coordinator").await;
    let html = app.page(&c, "/answers/overdue").await;
    assert!(html.contains("Lịch học thêm buổi chiều"), "61 days");
    assert!(html.contains(&format!("/matters/{late}")));
    assert!(html.contains(&format!("/matters/{other}")));
    assert!(
        !html.contains("Giờ mở cửa thư viện trường"),
        "59 days is not yet overdue"
    );
    assert!(!html.contains("Sửa chữa nhà vệ sinh"), "answered");
    let decided = day(61).format("%d/%m/%Y").to_string();
    assert!(html.contains(&decided), "dd/mm/yyyy");
    // The agency officer sees their own agency's matters only.
    let ag = app.login("agency106").await;
    let html = app.page(&ag, "/answers/overdue").await;
    assert!(html.contains("Lịch học thêm buổi chiều"));
    assert!(!html.contains("Kế hoạch Tháng hành động vì trẻ em"));
    let (s, _) = app
        .get(&app.login("facilitator106").await, "/answers/overdue")
        .await;
    assert_eq!(s, 403);
    // Another district sees nothing of 106.
    let db = &app.db.conn;
    let district = unit_by_code(db, "107").await;
    let scope = thamgia_domain::access::Scope {
        path: district.path,
    };
    let rows = thamgia_store::indicators::overdue_answers(db, &scope, None, today(&app))
        .await
        .expect("overdue");
    assert!(rows.is_empty());
}
db_test!(overdue_answers_are_listed);

async fn another_district_is_out_of_reach(app: TestApp) {
    let decided = NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
    let f = school_consultation(
        &app,
        "107",
        "Quyết định của Mường Tè",
        decided,
        "Tham vấn ở Mường Tè",
        6,
    )
    .await;
    fill(&app, &f).await;
    let flagged = answer_of(&app, FLAG_TEXT).await;
    let officer = app.login("district106").await;
    for path in ["results", "close", "answer"] {
        let (s, html) = app
            .get(&officer, &format!("/consultations/{}/{path}", f.id))
            .await;
        assert_eq!(s, 404, "{path}");
        assert!(!html.contains("Mường Tè"));
    }
    let csrf = app.csrf(&officer, "/moderation").await;
    for (path, form) in [
        (
            format!("/consultations/{}/close", f.id),
            vec![("csrf", csrf.as_str()), ("findings", "x")],
        ),
        (
            format!("/consultations/{}/answer", f.id),
            vec![
                ("csrf", csrf.as_str()),
                ("decided", "a"),
                ("taken", "b"),
                ("not_taken", "c"),
                ("publish", "1"),
            ],
        ),
        (
            format!("/moderation/{}", flagged.id),
            vec![("csrf", csrf.as_str()), ("action", "approve")],
        ),
    ] {
        let r = app.post_form(&officer, &path, &form).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let (_, queue) = app.get(&officer, "/moderation").await;
    assert!(!queue.contains(FLAG_TEXT) && !queue.contains("Mường Tè"));
    let token = app.token("district106").await;
    app.api_get(&token, &format!("/api/v1/consultations/{}/results", f.id))
        .await
        .expect_status(404);
    for (path, body) in [
        (
            format!("/api/v1/consultations/{}/close", f.id),
            json!({"findings": "x"}),
        ),
        (
            format!("/api/v1/consultations/{}/answer", f.id),
            json!({"decided": "a", "taken": "b", "not_taken": "c", "publish": true}),
        ),
        (
            format!("/api/v1/moderation/{}", flagged.id),
            json!({"action": "approve"}),
        ),
    ] {
        let b = app.api_post(&token, &path, &body).await.expect_status(404);
        assert_eq!(b["error"]["code"], "not_found");
    }
    let (_, pending) = app
        .api_get(&token, "/api/v1/moderation/pending?per_page=1000")
        .await;
    assert_eq!(pending, json!([]));
    app.indicators(&token, "107", 2026).await.expect_status(404);
    // Nothing changed.
    let k = consultation(&app, f.id).await;
    assert_eq!(k.status.as_str(), "open");
    assert_eq!(
        answer_of(&app, FLAG_TEXT).await.moderation.as_deref(),
        Some("pending")
    );
    // The province's coordinator does reach it.
    let coord = app.token("coordinator").await;
    app.api_ok(&coord, &format!("/api/v1/consultations/{}/results", f.id))
        .await;
    let (_, pending) = app
        .api_get(&coord, "/api/v1/moderation/pending?per_page=1000")
        .await;
    assert_eq!(pending.as_array().map(Vec::len), Some(4));
    let phone = item(&pending, "text", PHONE_TEXT);
    assert_eq!(
        phone["suggested"],
        "Có gì gọi cho em số [số điện thoại] nhé"
    );
}
db_test!(another_district_is_out_of_reach);

const EMAIL_TEXT: &str = "Em muốn có sân bóng, viết cho em: lan.anh2014@gmail.com";

/// Whatever the button, an approved text is published with its phone numbers
/// and e-mail addresses masked: in the store, the results API, the results
/// page, for every role that reads results (viewer included). The moderation
/// screen alone showed the child's words, before the decision.
async fn approval_masks_contact_data(app: TestApp) {
    let f = school_decision(&app, "Sân chơi mới của trường", 4).await;
    fill(&app, &f).await;
    submit(
        &app,
        &f,
        Source::Online,
        12,
        Sex::Girl,
        vec![(f.text, ValidAnswer::Text(EMAIL_TEXT.into()))],
    )
    .await;
    let moderator = app.login("district106").await;
    let (_, queue) = app.get(&moderator, "/moderation").await;
    assert!(queue.contains(PHONE_TEXT) && queue.contains("lan.anh2014@gmail.com"));

    // "Approve" on the page, not "redact": the number is masked all the same.
    let phone = answer_of(&app, PHONE_TEXT).await;
    let csrf = app.csrf(&moderator, "/moderation").await;
    app.submit_form(
        &moderator,
        &csrf,
        &format!("/moderation/{}", phone.id),
        &[("action", "approve")],
        303,
    )
    .await;
    // A redaction through the API that left the address in is masked too.
    let email = answer_of(&app, EMAIL_TEXT).await;
    let token = app.token("district106").await;
    app.api_post(
        &token,
        &format!("/api/v1/moderation/{}", email.id),
        &json!({"action": "redact", "text": "Em muốn có sân bóng: lan.anh2014@gmail.com"}),
    )
    .await
    .expect_status(200);
    for a in [&APPROVE_TEXT, &FLAG_TEXT] {
        let x = answer_of(&app, a).await;
        app.api_post(
            &token,
            &format!("/api/v1/moderation/{}", x.id),
            &json!({"action": "approve"}),
        )
        .await
        .expect_status(200);
    }

    let stored = |id: i32| {
        let db = app.db.conn.clone();
        async move {
            answer::Entity::find_by_id(id)
                .one(&db)
                .await
                .expect("db")
                .expect("row")
                .text
                .unwrap_or_default()
        }
    };
    assert_eq!(
        stored(phone.id).await,
        "Có gì gọi cho em số [số điện thoại] nhé"
    );
    assert_eq!(stored(email.id).await, "Em muốn có sân bóng: [email]");

    for who in ["viewer", "coordinator"] {
        let t = app.token(who).await;
        let (s, doc) = app
            .api_get(&t, &format!("/api/v1/consultations/{}/results", f.id))
            .await;
        assert_eq!(s, 200, "{who}: {doc}");
        let texts = question(&doc, f.text)["texts"].to_string();
        assert!(
            texts.contains("[số điện thoại]") && texts.contains("[email]"),
            "{texts}"
        );
        let c = app.login(who).await;
        let (s, html) = app
            .get(&c, &format!("/consultations/{}/results", f.id))
            .await;
        assert_eq!(s, 200, "{who}");
        for shown in [doc.to_string(), html] {
            assert!(!shown.contains("0912 345 678"), "{who}: the phone number");
            assert!(!shown.contains("lan.anh2014"), "{who}: the e-mail address");
        }
    }
}
db_test!(approval_masks_contact_data);

/// Texts approved before approval masked them are masked by migration 0009;
/// texts never published (pending) keep the child's words for the moderators.
async fn the_migration_masks_what_was_already_published(app: TestApp) {
    use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
    let f = school_decision(&app, "Sân chơi mới của trường", 5).await;
    fill(&app, &f).await;
    // As an approval wrote it before masking: the child's words as typed.
    let mut a = answer_of(&app, PHONE_TEXT).await.into_active_model();
    a.moderation = Set(Some("approved".into()));
    a.text = Set(Some(format!("{PHONE_TEXT}, mail lan@gmail.com")));
    a.update(&app.db.conn).await.expect("update");
    let pending = answer_of(&app, PENDING_TEXT).await;
    let mut p = pending.clone().into_active_model();
    p.text = Set(Some("Em chờ duyệt, số 0987.654.321".into()));
    p.update(&app.db.conn).await.expect("update");

    // A database at migration 0008, upgraded.
    app.db
        .conn
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm0009_mask_published_contacts'",
        )
        .await
        .expect("forget 0009");
    app.db.migrate().await.expect("migrate");

    let phone = answer::Entity::find()
        .filter(answer::Column::Moderation.eq("approved"))
        .all(&app.db.conn)
        .await
        .expect("db");
    assert_eq!(phone.len(), 1);
    assert_eq!(
        phone[0].text.as_deref(),
        Some("Có gì gọi cho em số [số điện thoại] nhé, mail [email]")
    );
    let kept = answer::Entity::find_by_id(pending.id)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(kept.text.as_deref(), Some("Em chờ duyệt, số 0987.654.321"));
    let token = app.token("viewer").await;
    let (_, doc) = app
        .api_get(&token, &format!("/api/v1/consultations/{}/results", f.id))
        .await;
    assert!(!doc.to_string().contains("0912"), "{doc}");
}
db_test!(the_migration_masks_what_was_already_published);
