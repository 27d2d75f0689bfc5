//! Building a consultation's questions: editing and reordering them while it
//! is a draft (through the API and the pages, the same actions), templates,
//! choices as rows, the "saved" message and the officials' preview of the
//! child's page. Once the consultation is open, every such write is refused
//! and changes nothing; reorders at once leave one whole order.

use crate::consultations::{option_rows, pairs};
use crate::db_test;
use crate::helpers::{Answer, TestApp, assert_field_errors, location};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use thamgia_store::entity::question;

/// A draft of district 106 about a new matter, with three questions
/// (faces, text, single choice). Returns its id and the questions' ids.
async fn draft(app: &TestApp, t: &str) -> (i64, Vec<i64>) {
    let m = app
        .api_post(
            t,
            "/api/v1/matters",
            &json!({"kind": "community_decision", "title": "Sân chơi của bản",
                "owner_agency": "UBND-106", "unit": "106"}),
        )
        .await
        .expect_status(201);
    let k = app
        .api_post(
            t,
            "/api/v1/consultations",
            &json!({"matter_id": m["id"], "title": "Sân chơi mới", "method": "survey",
                "age_min": 6, "age_max": 15, "opens_on": "2026-11-01", "closes_on": "2026-11-20"}),
        )
        .await
        .expect_status(201);
    let kid = k["id"].as_i64().expect("id");
    let mut ids = vec![];
    for body in [
        json!({"kind": "faces3", "text_vi": "Em thấy sân chơi thế nào?"}),
        json!({"kind": "text", "text_vi": "Em muốn thêm gì?", "required": false}),
        json!({"kind": "single", "text_vi": "Em chơi ở đâu?",
            "options": [{"label_vi": "Sân trường", "emoji": "school"}, {"label_vi": "Ở nhà", "emoji": "home"}]}),
    ] {
        let q = app
            .api_post(t, &format!("/api/v1/consultations/{kid}/questions"), &body)
            .await
            .expect_status(201);
        ids.push(q["id"].as_i64().expect("question id"));
    }
    (kid, ids)
}

/// The consultation's questions as the API answers them.
async fn questions(app: &TestApp, t: &str, kid: i64) -> Vec<Value> {
    app.api_ok(t, &format!("/api/v1/consultations/{kid}")).await["questions"]
        .as_array()
        .expect("questions")
        .clone()
}

fn ids(qs: &[Value]) -> Vec<i64> {
    qs.iter().map(|q| q["id"].as_i64().expect("id")).collect()
}

async fn edits_and_reorders_a_draft_and_nothing_once_open(app: TestApp) {
    let t = app.token("district106").await;
    let (kid, q) = draft(&app, &t).await;
    let qpath = |qid: i64| format!("/api/v1/consultations/{kid}/questions/{qid}");
    let order = format!("/api/v1/consultations/{kid}/question-order");

    // A question becomes another kind, with rows of choices and pictures.
    let b = app
        .api_send(
            Method::PUT,
            &t,
            &qpath(q[0]),
            &json!({"kind": "single", "text_vi": "Em có đồng ý không?", "text_en": "Do you agree?",
                "options": [{"label_vi": "Có", "label_en": "Yes", "emoji": "yes"},
                            {"label_vi": "Không", "label_en": "No", "emoji": "no"}]}),
        )
        .await
        .expect_status(200);
    assert_eq!(b["id"].as_i64(), Some(q[0]), "the question keeps its id");
    assert_eq!(b["kind"], "single");
    assert_eq!(b["options"][1]["emoji"], "no");
    assert_eq!(b["options"][0]["label_en"], "Yes");
    // A refused edit names its field and changes nothing.
    let before = questions(&app, &t, kid).await;
    let e = app
        .api_send(
            Method::PUT,
            &t,
            &qpath(q[0]),
            &json!({"kind": "single", "text_vi": " ", "options": [{"label_vi": "Có", "emoji": "shcool"}]}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &e,
        &[("text_vi", "required"), ("options", "too_few_options")],
    );
    assert_eq!(questions(&app, &t, kid).await, before);
    // Another consultation's question is not this one's.
    let (other, oq) = draft(&app, &t).await;
    app.api_send(
        Method::PUT,
        &t,
        &qpath(oq[0]),
        &json!({"kind": "faces5", "text_vi": "X"}),
    )
    .await
    .expect_status(404);
    assert_ne!(other, kid);

    // A new order, named whole.
    let b = app
        .api_send(
            Method::PUT,
            &t,
            &order,
            &json!({"order": [q[2], q[0], q[1]]}),
        )
        .await
        .expect_status(200);
    assert_eq!(ids(b.as_array().expect("list")), vec![q[2], q[0], q[1]]);
    assert_eq!(ids(&questions(&app, &t, kid).await), vec![q[2], q[0], q[1]]);
    for wrong in [
        json!([q[0], q[1]]),
        json!([q[0], q[0], q[1], q[2]]),
        json!([q[0], q[1], oq[0]]),
    ] {
        let e = app
            .api_send(Method::PUT, &t, &order, &json!({ "order": wrong }))
            .await
            .expect_status(422);
        assert_eq!(
            e["error"]["fields"]["order"], "not_every_question",
            "{wrong}"
        );
    }
    assert_eq!(ids(&questions(&app, &t, kid).await), vec![q[2], q[0], q[1]]);
    // A question removed through the API leaves the others in their order.
    app.api_send(Method::DELETE, &t, &qpath(q[0]), &json!({}))
        .await
        .expect_status(204);
    assert_eq!(ids(&questions(&app, &t, kid).await), vec![q[2], q[1]]);

    // Open: from now on the questions stay as they are.
    app.api_post(&t, &format!("/api/v1/consultations/{kid}/open"), &json!({}))
        .await
        .expect_status(200);
    let before = questions(&app, &t, kid).await;
    for (method, path, body) in [
        (
            Method::PUT,
            qpath(q[1]),
            json!({"kind": "text", "text_vi": "Đã sửa sau khi mở"}),
        ),
        (Method::PUT, order.clone(), json!({"order": [q[1], q[2]]})),
        (Method::DELETE, qpath(q[1]), json!({})),
        (
            Method::POST,
            format!("/api/v1/consultations/{kid}/questions"),
            json!({"kind": "text", "text_vi": "Câu hỏi mới"}),
        ),
    ] {
        let e = app
            .api_send(method.clone(), &t, &path, &body)
            .await
            .expect_status(409);
        assert_eq!(
            e["error"]["fields"]["status"], "not_draft",
            "{method} {path}"
        );
    }
    assert_eq!(questions(&app, &t, kid).await, before, "nothing changed");
    // An agency officer of another agency may not touch the district's draft.
    let agency = app.token("agency106").await;
    let (s, _) = app
        .api_send(
            Method::PUT,
            &agency,
            &format!("/api/v1/consultations/{other}/question-order"),
            &json!({"order": oq}),
        )
        .await;
    assert_eq!(s, 403);
}
db_test!(edits_and_reorders_a_draft_and_nothing_once_open);

async fn reorders_at_once_leave_one_whole_order(app: TestApp) {
    let t = app.token("district106").await;
    let (kid, mut q) = draft(&app, &t).await;
    for i in 0..3 {
        let b = app
            .api_post(
                &t,
                &format!("/api/v1/consultations/{kid}/questions"),
                &json!({"kind": "faces5", "text_vi": format!("Câu hỏi thêm {i}")}),
            )
            .await
            .expect_status(201);
        q.push(b["id"].as_i64().expect("id"));
    }
    let url = app.url(&format!("/api/v1/consultations/{kid}/question-order"));
    let client = reqwest::Client::new();
    let mut sent = vec![];
    for round in 0..4 {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..6 {
            // Six different orders: rotations, some reversed.
            let mut o = q.clone();
            o.rotate_left((i + round) % q.len());
            if i % 2 == 1 {
                o.reverse();
            }
            sent.push(o.clone());
            let (client, url, t) = (client.clone(), url.clone(), t.clone());
            set.spawn(async move {
                client
                    .put(url)
                    .bearer_auth(t)
                    .json(&json!({ "order": o }))
                    .send()
                    .await
                    .expect("PUT")
                    .status()
                    .as_u16()
            });
        }
        while let Some(s) = set.join_next().await {
            assert_eq!(s.expect("task"), 200);
        }
        // Every place is held once, and the order is one that was sent.
        let rows = question::Entity::find()
            .filter(question::Column::ConsultationId.eq(i32::try_from(kid).expect("id")))
            .order_by_asc(question::Column::Ord)
            .all(&app.db.conn)
            .await
            .expect("db");
        let mut ords: Vec<i32> = rows.iter().map(|r| r.ord).collect();
        ords.dedup();
        assert_eq!(ords.len(), q.len(), "one question a place: {ords:?}");
        let now: Vec<i64> = rows.iter().map(|r| i64::from(r.id)).collect();
        assert!(sent.contains(&now), "{now:?} is none of the orders sent");
        assert_eq!(ids(&questions(&app, &t, kid).await), now);
    }
}
db_test!(reorders_at_once_leave_one_whole_order);

async fn the_builder_pages_use_templates_rows_and_a_preview(app: TestApp) {
    let t = app.token("district106").await;
    let (kid, q) = draft(&app, &t).await;
    let c = app.login("district106").await;
    let page = format!("/consultations/{kid}");
    let csrf = app.csrf(&c, &page).await;

    // A template fills the form: yes/no with the library's pictures.
    let html = app.page(&c, &format!("{page}?template=yes_no")).await;
    assert!(html.contains("Em có đồng ý không?"), "the template's text");
    assert!(html.contains(r#"name="o1_vi" type="text" maxlength="100" value="Có""#));
    assert!(
        html.contains(r#"<option value="yes" selected>"#),
        "the yes picture"
    );
    assert!(!html.contains("nhãn | hình"), "no pipe syntax");
    for t in ["faces", "choose_three", "rank_three"] {
        let html = app.page(&c, &format!("{page}?template={t}")).await;
        assert!(html.contains(r#"id="o1_vi""#), "{t}");
    }

    // Choices as rows: blank rows do not count; saved, the page says so.
    let mut form = vec![
        ("csrf".to_string(), csrf.clone()),
        ("kind".into(), "ranking".into()),
        ("text_vi".into(), "Xếp thứ tự ba điều".into()),
        ("required".into(), "1".into()),
    ];
    form.extend(option_rows(
        "Sân chơi | play | Playground\nThư viện | book\nVườn cây | tree\n",
    ));
    form.extend([
        ("o9_vi".into(), String::new()),
        ("o9_pic".into(), String::new()),
    ]);
    let r = app
        .post_form(&c, &format!("{page}/questions"), &pairs(&form))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let back = location(&r);
    assert!(back.contains("saved=1"), "{back}");
    let html = app.page(&c, &back).await;
    assert!(html.contains("Đã lưu."), "the saved message");
    let qs = questions(&app, &t, kid).await;
    let ranking = qs.last().expect("the new question");
    assert_eq!(ranking["options"].as_array().map(Vec::len), Some(3));
    assert_eq!(ranking["options"][1]["emoji"], "book");
    assert_eq!(ranking["options"][0]["label_en"], "Playground");
    let rid = ranking["id"].as_i64().expect("id");

    // Editing a question: its form, filled; a refusal keeps what was typed.
    let html = app.page(&c, &format!("{page}?edit={}", q[2])).await;
    assert!(html.contains(&format!(
        r#"action="/consultations/{kid}/questions/{}""#,
        q[2]
    )));
    assert!(html.contains(r#"value="Sân trường""#) && html.contains("Sửa câu hỏi"));
    let edit = format!("{page}/questions/{}", q[2]);
    let mut bad = vec![
        ("csrf".to_string(), csrf.clone()),
        ("kind".into(), "single".into()),
        ("text_vi".into(), "Em hay chơi ở đâu nhất?".into()),
    ];
    bad.extend(option_rows("Sân trường | school"));
    let r = app.post_form(&c, &edit, &pairs(&bad)).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert!(html.contains("Cần ít nhất 2 lựa chọn") && html.contains("Em hay chơi ở đâu nhất?"));
    assert_eq!(
        questions(&app, &t, kid).await,
        qs,
        "a refused edit changes nothing"
    );
    // A third row filled, the second left blank: two choices.
    for (k, v) in [
        ("o3_vi", "Bên suối"),
        ("o3_pic", "water"),
        ("o3_en", "By the stream"),
    ] {
        bad.push((k.into(), v.into()));
    }
    let r = app.post_form(&c, &edit, &pairs(&bad)).await;
    assert_eq!(r.status().as_u16(), 303);
    let qs = questions(&app, &t, kid).await;
    let edited = qs
        .iter()
        .find(|x| x["id"].as_i64() == Some(q[2]))
        .expect("edited");
    assert_eq!(edited["text_vi"], "Em hay chơi ở đâu nhất?");
    assert_eq!(edited["options"][1]["label_vi"], "Bên suối");

    // Moving: the ranking question goes up one place.
    let r = app
        .post_form(
            &c,
            &format!("{page}/questions/{rid}/move"),
            &[("csrf", &csrf), ("dir", "up")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        ids(&questions(&app, &t, kid).await),
        vec![q[0], q[1], rid, q[2]]
    );

    // The preview: the child's page with a banner, and nothing to send.
    let html = app.page(&c, &format!("{page}/preview")).await;
    assert!(html.contains("Bản xem trước") && html.contains("Xếp thứ tự ba điều"));
    assert!(!html.contains(r#"action="/c/"#) && html.contains("disabled"));
    assert!(
        app.page(&c, &page)
            .await
            .contains(&format!(r#"href="{page}/preview""#))
    );

    // Opened from its page, the builder refuses every change, as it was.
    let r = app
        .post_form(&c, &format!("{page}/open"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let before = questions(&app, &t, kid).await;
    let r = app.post_form(&c, &edit, &pairs(&bad)).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Cuộc tham vấn đã mở")
    );
    let r = app
        .post_form(
            &c,
            &format!("{page}/questions/{rid}/move"),
            &[("csrf", &csrf), ("dir", "down")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    assert_eq!(questions(&app, &t, kid).await, before);
    let html = app.page(&c, &page).await;
    assert!(!html.contains(&format!("{page}/questions/{rid}/move")) && !html.contains("?edit="));
}
db_test!(the_builder_pages_use_templates_rows_and_a_preview);

/// "Choose up to three": the template sets the limit, the form and the API
/// keep it, and a limit beyond the question's choices (or on another kind)
/// is refused by field, changing nothing.
async fn choose_up_to_three_is_a_limit_the_builder_keeps(app: TestApp) {
    let t = app.token("district106").await;
    let (kid, _) = draft(&app, &t).await;
    let c = app.login("district106").await;
    let page = format!("/consultations/{kid}");
    let csrf = app.csrf(&c, &page).await;
    let html = app.page(&c, &format!("{page}?template=choose_three")).await;
    assert!(
        html.contains(
            r#"name="max_choices" type="text" inputmode="numeric" maxlength="2" value="3""#
        ),
        "the template's limit"
    );
    let mut form = vec![
        ("csrf".to_string(), csrf.clone()),
        ("kind".into(), "multiple".into()),
        ("text_vi".into(), "Em chọn tối đa ba điều".into()),
        ("required".into(), "1".into()),
        ("max_choices".into(), "9".into()),
    ];
    form.extend(option_rows("Xích đu\nCầu trượt\nGhế đá\nCây xanh\n"));
    let before = questions(&app, &t, kid).await;
    let r = app
        .post_form(&c, &format!("{page}/questions"), &pairs(&form))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.expect("body");
    assert!(
        body.contains(r#"id="max_choices-err""#)
            && body.contains("Số lựa chọn tối đa phải từ 1 đến số lựa chọn"),
        "named in Vietnamese"
    );
    assert_eq!(questions(&app, &t, kid).await, before, "nothing changed");
    form.retain(|(k, _)| k != "max_choices");
    form.push(("max_choices".into(), "3".into()));
    let r = app
        .post_form(&c, &format!("{page}/questions"), &pairs(&form))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let qs = questions(&app, &t, kid).await;
    let q = qs.last().expect("the new question");
    assert_eq!(q["max_choices"], 3);
    let qid = q["id"].as_i64().expect("id");
    let html = app.page(&c, &page).await;
    assert!(html.contains("Chọn tối đa 3"), "the list says the limit");
    assert!(
        app.page(&c, &format!("{page}?edit={qid}"))
            .await
            .contains(r#"maxlength="2" value="3""#),
        "the edit form keeps it"
    );
    assert!(
        app.page(&c, &format!("{page}/preview"))
            .await
            .contains("Chọn tối đa 3"),
        "the preview says it"
    );

    // Through the API: kept, cleared, and refused on a single choice.
    let path = format!("/api/v1/consultations/{kid}/questions/{qid}");
    let opts = json!([{"label_vi": "A"}, {"label_vi": "B"}, {"label_vi": "C"}]);
    let (s, b) = app
        .api_send(
            Method::PUT,
            &t,
            &path,
            &json!({"kind": "multiple", "text_vi": "Chọn", "max_choices": 2, "options": opts}),
        )
        .await;
    assert_eq!((s, &b["max_choices"]), (200, &json!(2)), "{b}");
    let (s, b) = app
        .api_send(
            Method::PUT,
            &t,
            &path,
            &json!({"kind": "single", "text_vi": "Chọn", "max_choices": 1, "options": opts}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        b["error"]["fields"]["max_choices"],
        "max_choices_not_needed"
    );
    let (s, b) = app
        .api_send(
            Method::PUT,
            &t,
            &path,
            &json!({"kind": "multiple", "text_vi": "Chọn", "max_choices": 4, "options": opts}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["fields"]["max_choices"], "max_choices_range");
    let (s, b) = app
        .api_send(
            Method::PUT,
            &t,
            &path,
            &json!({"kind": "multiple", "text_vi": "Chọn", "options": opts}),
        )
        .await;
    assert_eq!((s, &b["max_choices"]), (200, &Value::Null), "{b}");
}
db_test!(choose_up_to_three_is_a_limit_the_builder_keeps);
