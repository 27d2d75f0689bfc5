//! Activities and annual activity plans: created, edited and deleted through
//! the pages and the API; bad input names every field and stores nothing; an
//! agency officer touches only what their agency leads; district 106 sees
//! nothing of 108; a spending sent twice is stored once; documents go up and
//! come back byte for byte; and the plan against actual adds up.

use crate::db_test;
use crate::fixtures::count;
use crate::helpers::{
    Answer, TestApp, assert_field_errors, assert_holds, column, header, item, location, overridden,
};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use thamgia_store::entity::{
    activity, activity_document, activity_participant, annual_plan, annual_plan_item, audit,
    spending,
};

fn training(code: &str, unit: &str, lead: &str) -> Value {
    json!({
        "code": code,
        "unit": unit,
        "project": "DA2",
        "kind": "training",
        "title": "Tập huấn kỹ năng tham vấn trẻ em cho giáo viên",
        "starts_on": "2019-03-12",
        "ends_on": "13/03/2019",
        "lead_agency": lead,
        "coordinating": [],
        "participants": {"teachers": {"female": 21, "male": 9}, "children": {"female": "4", "male": 0}},
        "audience": null,
        "description": "Hai ngày tại hội trường huyện"
    })
}

/// An activity with a document, and an annual plan (each id 1 in a fresh
/// database), for the OpenAPI walk in api.rs.
pub(crate) async fn one_of_each(app: &TestApp) {
    let token = app.token("district108").await;
    let id = new_activity(app, &token, &training("HĐ-2019-01", "108", "PLDTBXH-108")).await;
    let path = format!("/api/v1/activities/{id}/documents?name=bao-cao.txt");
    app.api_upload(&token, &path, None, "Báo cáo")
        .await
        .expect_status(201);
    app.api_post(
        &token,
        "/api/v1/annual-plans",
        &json!({"unit": "108", "agency": "PLDTBXH-108", "year": 2019}),
    )
    .await
    .expect_status(201);
}

async fn new_activity(app: &TestApp, token: &str, body: &Value) -> i64 {
    let b = app
        .api_post(token, "/api/v1/activities", body)
        .await
        .expect_status(201);
    b["id"].as_i64().expect("id")
}

/// The activity form, complete, with some fields replaced.
fn form<'a>(csrf: &'a str, over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    overridden(
        vec![
            ("csrf", csrf),
            ("code", "HĐ-2019-01"),
            ("unit", "106"),
            ("project", "DA2"),
            ("kind", "training"),
            ("title", "Tập huấn kỹ năng tham vấn trẻ em"),
            ("starts_on", "12/03/2019"),
            ("ends_on", "13/03/2019"),
            ("lead_agency", "PLDTBXH-106"),
            ("coord.PGDDT-106", "yes"),
            ("participants.teachers.female", "21"),
            ("participants.teachers.male", "9"),
            ("participants.parents.female", ""),
            ("participants.parents.male", ""),
            ("audience", ""),
            ("copies", ""),
            ("description", ""),
        ],
        over,
    )
}

async fn activities_through_pages_and_api(app: TestApp) {
    let c = app.login("district106").await;
    let html = app.page(&c, "/activities/new").await;
    assert!(html.contains("HĐ-2026-01"), "a code is suggested");
    assert!(html.contains("Giáo viên") && html.contains("coord.PGDDT-106"));
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    // Every field wrong at once: every error named, nothing stored.
    let bad = form(
        &csrf,
        &[
            ("code", ""),
            ("title", ""),
            ("kind", "picnic"),
            ("starts_on", "31/02/2019"),
            ("lead_agency", "PGDDT-999"),
            ("participants.teachers.female", "x"),
            ("participants.teachers.male", "-1"),
            ("copies", "1,5"),
        ],
    );
    let r = app.post_form(&c, "/activities/new", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert_holds(
        &html,
        "the form lacks",
        &[
            "Mã hoạt động: Vui lòng nhập mục này.",
            "Tên hoạt động: Vui lòng nhập mục này.",
            "Loại hoạt động: Không có trong danh sách.",
            "Từ ngày: Không phải ngày hợp lệ",
            "Cơ quan chủ trì: Không có cơ quan này",
            "Giáo viên – Nữ: Phải là số nguyên.",
            "Giáo viên – Nam: Không được là số âm.",
            "Số bản in, phát hành: Phải là số nguyên.",
        ],
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(count(&app, activity::Entity).await, 0);
    // A good form.
    let r = app
        .post_form(&c, "/activities/new", &form(&csrf, &[]))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let loc = location(&r);
    assert!(loc.starts_with("/activities/"), "{loc}");
    let id: i32 = loc["/activities/".len()..]
        .split('?')
        .next()
        .and_then(|x| x.parse().ok())
        .expect("id");
    let html = app.page(&c, &format!("/activities/{id}")).await;
    assert!(html.contains("12/03/2019 – 13/03/2019"));
    assert!(html.contains("PGDDT-106") && html.contains("Tập huấn"));
    assert!(
        html.contains("<td class=\"num\">21</td><td class=\"num\">9</td><td class=\"num\">30</td>")
    );
    // The same code again in the unit is refused.
    let r = app
        .post_form(&c, "/activities/new", &form(&csrf, &[]))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.expect("body").contains("Mã này đã dùng"));
    assert_eq!(count(&app, activity::Entity).await, 1);
    // Edit through the page: the form is filled, a change is saved.
    let html = app.page(&c, &format!("/activities/{id}/edit")).await;
    assert!(html.contains("value=\"HĐ-2019-01\"") && html.contains("value=\"21\""));
    let r = app
        .post_form(
            &c,
            &format!("/activities/{id}/edit"),
            &form(
                &csrf,
                &[("title", "Tập huấn đã sửa"), ("coord.PGDDT-106", "")],
            ),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let a = activity::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(a.title, "Tập huấn đã sửa");
    // The list with its summary and filters.
    let html = app.page(&c, "/activities?year=2019&project=DA2").await;
    assert!(html.contains("Tập huấn đã sửa") && html.contains("<strong>30</strong>"));
    let (_, html) = app.get(&c, "/activities?project=DA1").await;
    assert!(!html.contains("Tập huấn đã sửa"));

    // The API: numbers as numbers or text.
    let token = app.token("district106").await;
    let api_id = new_activity(&app, &token, &training("HĐ-2019-02", "106", "PLDTBXH-106")).await;
    let b = app
        .api_ok(&token, &format!("/api/v1/activities/{api_id}"))
        .await;
    assert_eq!(b["participants"]["teachers"]["female"], 21);
    assert_eq!(b["participants"]["children"]["female"], 4);
    assert_eq!(b["participants_female"], 25);
    assert_eq!(b["ends_on"], "2019-03-13");
    let (_, list) = app
        .api_get(&token, "/api/v1/activities?year=2019&per_page=1000")
        .await;
    assert_eq!(list.as_array().expect("list").len(), 2);
    // Bad body: every field named, nothing stored.
    let before = (
        count(&app, activity::Entity).await,
        count(&app, activity_participant::Entity).await,
    );
    let b = app
        .api_post(
            &token,
            "/api/v1/activities",
            &json!({"code": "", "unit": "106", "project": "DA9", "kind": "picnic", "starts_on": "2019-13-01",
                    "lead_agency": "PLDTBXH-108", "participants": {"teachers": {"female": -3, "male": "x"}}, "audience": 1.5}),
        )
        .await
        .expect_status(422);
    let fields = &b["error"]["fields"];
    for f in [
        "code",
        "title",
        "kind",
        "starts_on",
        "lead_agency",
        "participants.teachers.female",
        "participants.teachers.male",
        "audience",
    ] {
        assert!(fields[f].is_string(), "{f}: {b}");
    }
    assert_eq!(fields["lead_agency"], "unknown_agency");
    assert_eq!(
        before,
        (
            count(&app, activity::Entity).await,
            count(&app, activity_participant::Entity).await
        )
    );
    // PUT changes, DELETE removes.
    let mut changed = training("HĐ-2019-02", "106", "PLDTBXH-106");
    changed["kind"] = json!("Hội nghị, hội thảo");
    changed["copies"] = json!(500);
    let b = app
        .api_put(&token, &format!("/api/v1/activities/{api_id}"), &changed)
        .await
        .expect_status(200);
    assert_eq!(
        (b["kind"].as_str(), b["copies"].as_i64()),
        (Some("meeting"), Some(500))
    );
    changed["code"] = json!("HĐ-2019-01");
    let (s, b) = app
        .api_put(&token, &format!("/api/v1/activities/{api_id}"), &changed)
        .await;
    assert_eq!(
        (s, &b["error"]["fields"]["code"]),
        (422, &json!("code_taken"))
    );
    app.api_delete(&token, &format!("/api/v1/activities/{api_id}"), &json!({}))
        .await
        .expect_status(204);
    assert_eq!(count(&app, activity::Entity).await, 1);
    // Delete through the page needs "Tôi chắc chắn".
    let html = app.page(&c, &format!("/activities/{id}/delete")).await;
    assert!(html.contains("Tôi chắc chắn"));
    app.submit_form(&c, &csrf, &format!("/activities/{id}/delete"), &[], 422)
        .await;
    assert_eq!(count(&app, activity::Entity).await, 1);
    app.submit_form(
        &c,
        &csrf,
        &format!("/activities/{id}/delete"),
        &[("sure", "yes")],
        303,
    )
    .await;
    assert_eq!(count(&app, activity::Entity).await, 0);
    let trail = audit::Entity::find()
        .filter(audit::Column::Entity.eq("activity"))
        .filter(audit::Column::Action.eq("delete"))
        .count(&app.db.conn)
        .await
        .expect("audit");
    assert_eq!(trail, 2);
}
db_test!(activities_through_pages_and_api);

async fn spending_and_documents(app: TestApp) {
    let token = app.token("district106").await;
    let id = new_activity(&app, &token, &training("HĐ-2019-05", "106", "PLDTBXH-106")).await;
    let path = format!("/api/v1/activities/{id}/spending");
    let body = json!({"source": "local", "spent_on": "2019-03-13", "amount": 12_500_000, "note": "Thuê hội trường"});
    let first = app.api_post(&token, &path, &body).await.expect_status(201);
    // The same spending again (amount written the Vietnamese way): 200, stored once.
    let again = json!({"source": "Ngân sách địa phương", "spent_on": "13/03/2019", "amount": "12.500.000", "note": "Thuê hội trường"});
    let second = app.api_post(&token, &path, &again).await.expect_status(200);
    assert_eq!(first["id"], second["id"]);
    assert_eq!(count(&app, spending::Entity).await, 1);
    let b = app
        .api_post(
            &token,
            &path,
            &json!({"source": "lottery", "spent_on": "2019-03-13", "amount": "1,5"}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &b,
        &[("source", "unknown_source"), ("amount", "not_an_amount")],
    );
    assert_eq!(count(&app, spending::Entity).await, 1);
    // Through the page: a second spending, then the page's totals.
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, &format!("/activities/{id}")).await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/activities/{id}/spending"),
        &[
            ("source", "central"),
            ("spent_on", "14/03/2019"),
            ("amount", "7.500.000"),
            ("note", ""),
        ],
        303,
    )
    .await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/activities/{id}/spending"),
        &[("source", ""), ("spent_on", "x"), ("amount", "0")],
        422,
    )
    .await;
    assert_eq!(count(&app, spending::Entity).await, 2);
    let (_, html) = app.get(&c, &format!("/activities/{id}")).await;
    assert!(html.contains("20.000.000\u{a0}₫"), "total of the spending");
    assert!(html.contains("Ngân sách địa phương"));
    let (_, list) = app
        .api_get(&token, "/api/v1/activities?unit=106&per_page=1000")
        .await;
    assert_eq!(list[0]["spent"], 20_000_000);
    let sid = first["id"].as_i64().expect("id");
    app.api_delete(
        &token,
        &format!("/api/v1/activities/{id}/spending/{sid}"),
        &json!({}),
    )
    .await
    .expect_status(204);
    assert_eq!(count(&app, spending::Entity).await, 1);

    // A document through the page's multipart form, back byte for byte.
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let documents = format!("/activities/{id}/documents");
    let (file, pdf) = ("Biên bản tập huấn.pdf", "application/pdf");
    let r = app
        .upload_form(&c, &documents, &csrf, file, pdf, &content)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let doc = activity_document::Entity::find()
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("doc");
    assert_eq!(doc.file_name, "Biên bản tập huấn.pdf");
    let r = app
        .fetch(&c, &format!("/activities/{id}/documents/{}", doc.id), 200)
        .await;
    let disp = header(&r, "content-disposition");
    assert!(
        disp.starts_with("attachment;") && disp.contains("UTF-8''Bi%C3%AAn"),
        "{disp}"
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), content);
    // Without the form's token nothing is stored.
    let r = app
        .upload_form(&c, &documents, "wrong", "x.pdf", pdf, b"%PDF")
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // The API: the raw body, the name in the query.
    let path = format!("/api/v1/activities/{id}/documents?name=bao-cao.txt");
    let d = app
        .api_upload(&token, &path, None, "Báo cáo kết quả")
        .await
        .expect_status(201);
    let r = app
        .api_answer(&token, d["href"].as_str().expect("href"))
        .await;
    assert_eq!(r.text().await.expect("text"), "Báo cáo kết quả");
    // Over 10 MB: refused, nothing stored.
    let big = vec![b'x'; 10 * 1024 * 1024 + 1];
    let path = format!("/api/v1/activities/{id}/documents?name=big.bin");
    app.api_upload(&token, &path, None, big)
        .await
        .expect_status(422);
    assert_eq!(count(&app, activity_document::Entity).await, 2);
    let (_, one) = app
        .api_get(&token, &format!("/api/v1/activities/{id}"))
        .await;
    assert_eq!(one["documents"].as_array().expect("docs").len(), 2);
}
db_test!(spending_and_documents);

async fn agency_officers_and_other_districts(app: TestApp) {
    let district = app.token("district106").await;
    let agency = app.token("agency106").await;
    let theirs = new_activity(
        &app,
        &district,
        &training("HĐ-2019-10", "106", "PLDTBXH-106"),
    )
    .await;
    // The agency officer records only activities their agency leads.
    let (s, b) = app
        .api_post(
            &agency,
            "/api/v1/activities",
            &training("HĐ-2019-11", "106", "PLDTBXH-106"),
        )
        .await;
    assert_eq!(
        (s, &b["error"]["fields"]["lead_agency"]),
        (422, &json!("not_your_agency"))
    );
    let own = new_activity(&app, &agency, &training("HĐ-2019-11", "106", "PGDDT-106")).await;
    for (m, path) in [
        (Method::PUT, format!("/api/v1/activities/{theirs}")),
        (Method::DELETE, format!("/api/v1/activities/{theirs}")),
        (
            Method::POST,
            format!("/api/v1/activities/{theirs}/spending"),
        ),
    ] {
        let (s, _) = app
            .api_send(
                m,
                &agency,
                &path,
                &training("HĐ-2019-10", "106", "PGDDT-106"),
            )
            .await;
        assert_eq!(s, 403, "{path}");
    }
    let (s, _) = app
        .api_get(&agency, &format!("/api/v1/activities/{theirs}"))
        .await;
    assert_eq!(s, 200, "reading is allowed");
    let c = app.login("agency106").await;
    for p in [
        format!("/activities/{theirs}/edit"),
        format!("/activities/{theirs}/delete"),
    ] {
        assert_eq!(app.get(&c, &p).await.0, 403, "{p}");
    }
    let html = app.page(&c, &format!("/activities/{own}/edit")).await;
    assert!(html.contains("readonly"), "the lead agency is fixed");
    app.api_put(
        &agency,
        &format!("/api/v1/activities/{own}"),
        &training("HĐ-2019-11", "106", "PGDDT-106"),
    )
    .await
    .expect_status(200);

    // District 106 sees nothing of 108.
    let sinho = app.token("district108").await;
    let other = new_activity(&app, &sinho, &training("HĐ-2019-01", "108", "PLDTBXH-108")).await;
    let b = app
        .api_post(
            &sinho,
            "/api/v1/annual-plans",
            &json!({"unit": "108", "agency": "PLDTBXH-108", "year": 2019}),
        )
        .await
        .expect_status(201);
    let plan108 = b["id"].as_i64().expect("id");
    for (m, path) in [
        (Method::GET, format!("/api/v1/activities/{other}")),
        (Method::PUT, format!("/api/v1/activities/{other}")),
        (Method::DELETE, format!("/api/v1/activities/{other}")),
        (Method::POST, format!("/api/v1/activities/{other}/spending")),
        (
            Method::GET,
            format!("/api/v1/activities/{other}/documents/1"),
        ),
        (Method::GET, "/api/v1/activities?unit=108".to_string()),
        (Method::GET, format!("/api/v1/annual-plans/{plan108}")),
        (
            Method::POST,
            format!("/api/v1/annual-plans/{plan108}/items"),
        ),
        (Method::GET, "/api/v1/annual-plans?unit=108".to_string()),
    ] {
        let (s, b) = app
            .api_send(
                m.clone(),
                &district,
                &path,
                &training("X", "106", "PLDTBXH-106"),
            )
            .await;
        assert_eq!(s, 404, "{m} {path}: {b}");
    }
    let c = app.login("district106").await;
    for p in [
        format!("/activities/{other}"),
        format!("/activities/{other}/edit"),
        format!("/activities/{other}/delete"),
        format!("/annual-plans/{plan108}"),
        "/activities?unit=108".to_string(),
    ] {
        assert_eq!(app.get(&c, &p).await.0, 404, "{p}");
    }
    let (_, list) = app
        .api_get(&district, "/api/v1/activities?per_page=1000")
        .await;
    let units = column(&list, "unit");
    assert_eq!(units, vec!["106", "106"]);
    let (_, html) = app.get(&c, "/activities").await;
    assert!(!html.contains("Sìn Hồ"));
    let (_, plans) = app
        .api_get(&district, "/api/v1/annual-plans?per_page=1000")
        .await;
    assert!(plans.as_array().expect("plans").is_empty());
    // An activity of 108 cannot be created from 106 either.
    let b = app
        .api_post(
            &district,
            "/api/v1/activities",
            &training("HĐ-2019-77", "108", "PLDTBXH-108"),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "unknown_unit");
}
db_test!(agency_officers_and_other_districts);

async fn plan_against_actual(app: TestApp) {
    let token = app.token("district106").await;
    let plans = "/api/v1/annual-plans";
    let b = app
        .api_post(
            &token,
            plans,
            &json!({"unit": "106", "agency": "PLDTBXH-106", "year": 2019}),
        )
        .await
        .expect_status(201);
    let id = b["id"].as_i64().expect("id");
    for (body, field, code) in [
        (
            json!({"unit": "106", "agency": "PLDTBXH-106", "year": 2019}),
            "year",
            "plan_exists",
        ),
        (
            json!({"unit": "106", "agency": "PLDTBXH-106", "year": "2030"}),
            "year",
            "no_plan_for_year",
        ),
        (
            json!({"unit": "106", "agency": "PLDTBXH-108", "year": 2019}),
            "agency",
            "unknown_agency",
        ),
    ] {
        let (s, b) = app.api_post(&token, plans, &body).await;
        assert_eq!(
            (s, &b["error"]["fields"][field]),
            (422, &json!(code)),
            "{body}"
        );
    }
    assert_eq!(count(&app, annual_plan::Entity).await, 1);
    let items = format!("/api/v1/annual-plans/{id}/items");
    let mut ids = vec![];
    for body in [
        json!({"project": "DA2", "kind": "training", "title": "Tập huấn cho giáo viên", "month": 3, "planned_participants": 40, "planned_budget": 30_000_000}),
        json!({"project": "DA1", "kind": "broadcast", "title": "Chuyên mục phát thanh", "planned_budget": "6.000.000"}),
        json!({"project": "DA2", "kind": "meeting", "title": "Hội nghị triển khai", "month": "9", "planned_participants": "60", "planned_budget": 10_000_000}),
    ] {
        let b = app.api_post(&token, &items, &body).await.expect_status(201);
        ids.push(b["id"].as_i64().expect("id"));
    }
    let b = app
        .api_post(
            &token,
            &items,
            &json!({"project": "DA7", "kind": "", "title": "", "month": 13, "planned_participants": -1, "planned_budget": "1,5"}),
        )
        .await
        .expect_status(422);
    for f in [
        "project",
        "kind",
        "title",
        "month",
        "planned_participants",
        "planned_budget",
    ] {
        assert!(b["error"]["fields"][f].is_string(), "{f}: {b}");
    }
    assert_eq!(count(&app, annual_plan_item::Entity).await, 3);
    // The activity that carried out the first item, with its spending.
    let act = new_activity(&app, &token, &training("HĐ-2019-01", "106", "PLDTBXH-106")).await;
    for (amount, day) in [(12_500_000, "2019-03-13"), (20_000_000, "2019-03-14")] {
        app.api_post(
            &token,
            &format!("/api/v1/activities/{act}/spending"),
            &json!({"source": "local", "spent_on": day, "amount": amount}),
        )
        .await
        .expect_status(201);
    }
    let mut later = training("HĐ-2020-01", "106", "PLDTBXH-106");
    later["starts_on"] = json!("2020-02-01");
    later["ends_on"] = json!("");
    let other_year = new_activity(&app, &token, &later).await;
    let link = |item: i64| format!("/api/v1/annual-plans/{id}/items/{item}");
    let (s, b) = app
        .api_put(&token, &link(ids[0]), &json!({"activity_id": other_year}))
        .await;
    assert_eq!(
        (s, &b["error"]["fields"]["activity"]),
        (422, &json!("unknown_activity"))
    );
    let b = app
        .api_put(&token, &link(ids[0]), &json!({"activity_id": act}))
        .await
        .expect_status(200);
    let pva = &b["plan_vs_actual"];
    assert_eq!(pva["total"]["items"], 3);
    assert_eq!(pva["total"]["done"], 1);
    assert_eq!(pva["total"]["planned_budget"], 46_000_000);
    assert_eq!(pva["total"]["spent"], 32_500_000);
    assert_eq!(pva["total"]["planned_participants"], 100);
    assert_eq!(pva["total"]["actual_participants"], 34);
    let da2 = item(&pva["by_project"], "project", "DA2").clone();
    assert_eq!(
        (
            da2["items"].as_i64(),
            da2["done"].as_i64(),
            da2["planned_budget"].as_i64(),
            da2["spent"].as_i64()
        ),
        (Some(2), Some(1), Some(40_000_000), Some(32_500_000))
    );
    // By month; an item without a month comes last.
    assert_eq!(pva["not_done"], json!([ids[2], ids[1]]));
    let (_, list) = app
        .api_get(&token, "/api/v1/annual-plans?year=2019&per_page=1000")
        .await;
    assert_eq!(list[0]["done"], 1);
    assert_eq!(list[0]["spent"], 32_500_000);
    // The page shows the same figures; its forms add an item and link it.
    let c = app.login("district106").await;
    let html = app.page(&c, &format!("/annual-plans/{id}")).await;
    assert!(html.contains("32.500.000\u{a0}₫") && html.contains("46.000.000\u{a0}₫"));
    assert!(
        html.contains("Chuyên mục phát thanh (DA1)"),
        "items not done are listed"
    );
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    app.submit_form(
        &c,
        &csrf,
        &format!("/annual-plans/{id}/items"),
        &[
            ("project", "DA2"),
            ("kind", "training"),
            ("title", "Tập huấn cha mẹ"),
            ("month", "5"),
            ("planned_participants", "30"),
            ("planned_budget", "5.000.000"),
        ],
        303,
    )
    .await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/annual-plans/{id}/items"),
        &[("project", ""), ("title", "")],
        422,
    )
    .await;
    assert_eq!(count(&app, annual_plan_item::Entity).await, 4);
    app.submit_form(
        &c,
        &csrf,
        &format!("/annual-plans/{id}/items/{}", ids[2]),
        &[("activity", &act.to_string())],
        303,
    )
    .await;
    let (_, b) = app
        .api_get(&token, &format!("/api/v1/annual-plans/{id}"))
        .await;
    assert_eq!(b["plan_vs_actual"]["total"]["done"], 2);
    // A new plan through the page.
    let _ = app.page(&c, "/annual-plans/new").await;
    app.submit_form(
        &c,
        &csrf,
        "/annual-plans/new",
        &[
            ("unit", "106"),
            ("agency", "PGDDT-106"),
            ("year", "2020"),
            ("note", ""),
        ],
        303,
    )
    .await;
    let html = app.page(&c, "/annual-plans").await;
    assert!(html.contains("2020") && html.contains("32.500.000\u{a0}₫"));
    // Deleting the activity makes its items not done again.
    app.api_delete(&token, &format!("/api/v1/activities/{act}"), &json!({}))
        .await;
    let (_, b) = app
        .api_get(&token, &format!("/api/v1/annual-plans/{id}"))
        .await;
    assert_eq!(b["plan_vs_actual"]["total"]["done"], 0);
    // The demo plans: every district and the province for 2016–2020, linked
    // to the activities there are: here only 106's one activity of 2020.
    let sum = thamgia::demo_plans::fill(&app.db, chrono::Utc::now(), 7)
        .await
        .expect("demo plans");
    assert_eq!(sum.plans, 9 * 5 - 1, "the plan of 106 for 2019 stays");
    assert!(sum.items >= 4 * sum.plans && sum.items <= 8 * sum.plans);
    assert_eq!(sum.linked, 1);
    let again = thamgia::demo_plans::fill(&app.db, chrono::Utc::now(), 7)
        .await
        .expect("demo plans");
    assert_eq!(again.plans, 0);
}
db_test!(plan_against_actual);
