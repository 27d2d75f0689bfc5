//! Children's Forums and recommendations, on both databases: the Sìn Hồ (108)
//! walk-through (the 2019 district forum with 35 children and its under-40
//! warning, two recommendations to the district education office, one
//! answered by its agency officer, the public page without sign-in, M1 and T4
//! in `/api/v1/indicators`), consent for named delegates, the lifecycle of a
//! recommendation, bad input that stores nothing, and scoping.

use crate::db_test;
use crate::fixtures::{agency_by_code, count, unit_by_code};
use crate::helpers::{Answer, TestApp, assert_field_errors, assert_page, by_code, item, location};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::{ConsentInput, ForumLevel, RecommendationSource};
use thamgia_store::entity::{
    club, club_activity, council, council_dialogue, forum, forum_delegate, forum_session, person,
    recommendation,
};
use thamgia_store::forums::ForumInput;
use thamgia_store::people::{self, NewPerson};
use thamgia_store::recommendations::{self, NewRecommendation};
use thamgia_store::{aggregates, forums};
use thamgia_web::clock::Clock;

fn actor() -> Actor {
    Actor::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// A forum through the store (fixtures for the other tests).
async fn forum_of(app: &TestApp, unit: &str, level: ForumLevel, children: i32) -> forum::Model {
    let db = &app.db.conn;
    let u = unit_by_code(db, unit).await;
    let organiser = if unit == "12" {
        "SLDTBXH".to_string()
    } else {
        format!("PLDTBXH-{unit}")
    };
    let a = agency_by_code(db, &organiser).await;
    forums::create(
        db,
        &actor(),
        app.clock.now(),
        ForumInput {
            level,
            unit_id: u.id,
            year: 2019,
            theme: format!("Diễn đàn thử {unit}"),
            starts_on: d(2019, 6, 1),
            ends_on: d(2019, 6, 2),
            venue: "Hội trường".into(),
            organiser_agency_id: a.id,
            girls: children / 2,
            boys: children - children / 2,
            age_6_10: children / 2,
            age_11_15: children - children / 2,
            ethnic_groups: vec![],
            with_disability: 0,
            adults_in_charge: children,
            volunteers: 0,
            guests: 0,
        },
    )
    .await
    .expect("forum")
}

async fn rec_of(app: &TestApp, f: &forum::Model, agency: &str, topic: &str) -> i32 {
    let db = &app.db.conn;
    let a = agency_by_code(db, agency).await;
    recommendations::create(
        db,
        &actor(),
        app.clock.now(),
        NewRecommendation {
            source: RecommendationSource::Forum,
            source_id: f.id,
            unit_id: f.unit_id,
            year: f.year,
            text: format!("Chúng em đề nghị {topic}."),
            topic: topic.into(),
            agency_id: a.id,
            deadline: d(2019, 9, 30),
        },
    )
    .await
    .expect("recommendation")
    .id
}

/// A forum of 108 and one recommendation of it (both id 1 in a fresh
/// database), for tests that open every API operation (`api.rs`).
pub async fn one_of_each(app: &TestApp) -> (i32, i32) {
    let f = forum_of(app, "108", ForumLevel::District, 40).await;
    let r = rec_of(app, &f, "PGDDT-108", "Sân chơi").await;
    (f.id, r)
}

/// A child of 108 stored with consent (through the store).
async fn child(app: &TestApp, name: &str) -> person::Model {
    let db = &app.db.conn;
    let u = unit_by_code(db, "108").await;
    people::create_with_consent(
        db,
        &actor(),
        app.clock.now(),
        NewPerson {
            full_name: name.into(),
            birth_date: d(2012, 3, 4),
            sex: Some("female".into()),
            ethnic: None,
            disability: None,
            unit_id: u.id,
            school_or_commune: Some("Xã Tả Phìn".into()),
            guardian_contact: None,
        },
        &ConsentInput {
            guardian_name: "Lò Thị Hiền".into(),
            guardian_relation: "mẹ".into(),
            guardian_method: "written".into(),
            guardian_date: Some(d(2019, 5, 20)),
            child_agreed: true,
            child_date: Some(d(2019, 5, 20)),
            purpose: "Đại biểu Diễn đàn trẻ em huyện".into(),
        },
    )
    .await
    .expect("person")
}

async fn indicators(app: &TestApp, token: &str, unit: &str, year: i32) -> Value {
    app.indicators(token, unit, year).await.expect_status(200)
}

// ---------------------------------------------------------------------------

async fn sin_ho_records_its_forum_and_the_public_sees_the_answers(app: TestApp) {
    let db = &app.db.conn;
    let token = app.token("district108").await;
    // Before: no forum in Sìn Hồ in 2019.
    let before = indicators(&app, &token, "108", 2019).await;
    let m1 = by_code(&before, "M1");
    assert_eq!(
        (m1["numerator"].clone(), m1["denominator"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(m1["target"], 1.0);
    assert_eq!(m1["unit"], "count");
    assert_eq!(by_code(&before, "T4")["numerator"], 0);

    // The district officer records the forum through the page.
    let c = app.login("district108").await;
    let html = app.page(&c, "/forums/new").await;
    assert!(html.contains("Ghi nhận diễn đàn mới") && html.contains("<label for=\"girls\">"));
    let csrf = app.csrf(&c, "/forums/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("level", "district"),
        ("unit", "108"),
        ("year", "2019"),
        ("theme", "Trẻ em Sìn Hồ nói về trường học an toàn"),
        ("starts_on", "05/06/2019"),
        ("ends_on", "06/06/2019"),
        ("venue", "Hội trường Ủy ban nhân dân huyện Sìn Hồ"),
        ("agency", "PLDTBXH-108"),
        ("girls", "18"),
        ("boys", "17"),
        ("age_6_10", "15"),
        ("age_11_15", "20"),
        ("eth_08", "20"),
        ("eth_03", "11"),
        ("eth_01", ""),
        ("with_disability", "1"),
        ("adults_in_charge", "7"),
        ("volunteers", "3"),
        ("guests", "10"),
    ];
    let r = app.post_form(&c, "/forums/new", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    let loc = location(&r);
    let id: i32 = loc
        .trim_start_matches("/forums/")
        .trim_end_matches("?saved=1")
        .parse()
        .expect("forum id");
    let row = forum::Entity::find_by_id(id)
        .one(db)
        .await
        .expect("db")
        .expect("stored");
    assert_eq!((row.girls, row.boys, row.year), (18, 17, 2019));
    assert_eq!(row.level.as_str(), "district");
    assert_eq!(row.ethnic_minority, 31, "Mông and Thái, no Kinh");
    assert_eq!(
        thamgia_store::forums::ethnic_groups(db, id)
            .await
            .expect("groups"),
        vec![("03".to_string(), 11), ("08".to_string(), 20)]
    );
    let html = app.page(&c, &loc).await;
    assert!(html.contains("Đã lưu diễn đàn."), "{html}");
    assert!(
        html.contains("Mông: 20; Thái: 11; Chưa rõ dân tộc: 4"),
        "children by ethnic group, the rest not known"
    );
    assert!(
        html.contains("Diễn đàn cấp huyện cần ít nhất 40 trẻ em; mới có 35."),
        "the under-40 warning"
    );
    // Only that rule is broken: 7 adults for 35 children, 3 volunteers, 10 guests.
    assert!(!html.contains("người lớn phụ trách (mỗi"));
    // The API says the same.
    let (_, f) = app.api_get(&token, &format!("/api/v1/forums/{id}")).await;
    assert_eq!(f["warnings"].as_array().map(Vec::len), Some(1), "{f}");
    assert_eq!(f["warnings"][0]["code"], "too_few_children");
    assert_eq!(
        f["warnings"][0]["message"],
        "Diễn đàn cấp huyện cần ít nhất 40 trẻ em; mới có 35."
    );
    assert_eq!(f["report_due"], "2019-06-21");

    // Two recommendations to the district education office.
    let csrf = app.csrf(&c, &format!("/forums/{id}")).await;
    for (topic, text) in [
        (
            "Nước sạch ở trường",
            "Chúng em đề nghị có nước sạch ở các điểm trường bản.",
        ),
        (
            "Thư viện trường",
            "Chúng em mong thư viện có thêm truyện tranh bằng tiếng dân tộc.",
        ),
    ] {
        let r = app
            .post_form(
                &c,
                &format!("/forums/{id}/recommendations"),
                &[
                    ("csrf", csrf.as_str()),
                    ("topic", topic),
                    ("text", text),
                    ("agency", "PGDDT-108"),
                    ("deadline", "30/09/2019"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{topic}");
    }
    let recs = recommendation::Entity::find()
        .filter(recommendation::Column::SourceId.eq(id))
        .all(db)
        .await
        .expect("db");
    assert_eq!(recs.len(), 2);
    assert!(
        recs.iter()
            .all(|r| r.status.as_str() == "received" && r.year == 2019)
    );
    let (_, html) = app.get(&c, &format!("/forums/{id}")).await;
    assert!(html.contains("Nước sạch ở trường") && html.contains("Thư viện trường"));

    // The agency officer of the education office answers one.
    let ac = app.login("agency108").await;
    let html = app.page(&ac, "/recommendations").await;
    assert!(html.contains("Nước sạch ở trường") && html.contains("Thư viện trường"));
    let first = recs[0].id;
    let html = app.page(&ac, &format!("/recommendations/{first}")).await;
    assert!(html.contains("Trả lời kiến nghị"), "the answer form");
    let csrf = app.csrf(&ac, &format!("/recommendations/{first}")).await;
    app.submit_form(
        &ac,
        &csrf,
        &format!("/recommendations/{first}/answer"),
        &[
            ("outcome", "accepted"),
            (
                "answer",
                "Tiếp thu. Phòng sẽ lắp bể lọc nước ở 5 điểm trường trước năm học mới.",
            ),
            ("reason", ""),
            (
                "feedback",
                "Đã báo lại cho các em qua buổi chào cờ đầu tuần.",
            ),
            ("answered_on", "20/08/2019"),
        ],
        303,
    )
    .await;
    let answered = recommendation::Entity::find_by_id(first)
        .one(db)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(answered.status.as_str(), "answered");
    assert_eq!(answered.outcome.map(|o| o.as_str()), Some("accepted"));
    assert_eq!(answered.answered_on, Some(d(2019, 8, 20)));

    // The public page, without signing in: both, one answered, no names.
    let anon = app.client();
    let html = app
        .page(&anon, "/public/recommendations?unit=108&year=2019")
        .await;
    assert!(html.contains("Nước sạch ở trường") && html.contains("Thư viện trường"));
    assert!(html.contains("Phòng sẽ lắp bể lọc nước ở 5 điểm trường"));
    assert!(html.contains("Đã báo lại cho các em qua buổi chào cờ đầu tuần."));
    assert!(html.contains("Số kiến nghị: 2") && html.contains("Đã trả lời: 1"));
    assert!(html.contains(
        "Diễn đàn trẻ em cấp huyện: Trẻ em Sìn Hồ nói về trường học an toàn (05/06/2019)"
    ));
    assert!(!html.contains("Đăng xuất"), "nobody is signed in");
    let list = app
        .public_get("/api/v1/public/recommendations?unit=108&year=2019&per_page=1000")
        .await
        .expect_status(200);
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|r| r["status"] == "answered").count(), 1);
    assert!(
        list.iter()
            .all(|r| r["source"] == "forum" && r["agency"] == "PGDDT-108")
    );
    // Another year or district shows none of them.
    let (_, html) = app
        .get(&anon, "/public/recommendations?unit=106&year=2019")
        .await;
    assert!(!html.contains("Nước sạch ở trường"));
    let (s, _) = app.get(&anon, "/public/recommendations?unit=999").await;
    assert_eq!(s, 422);

    // M1 counts Sìn Hồ's forum; T4 needs the council and a club too.
    let after = indicators(&app, &token, "108", 2019).await;
    let m1 = by_code(&after, "M1");
    assert_eq!(
        (m1["numerator"].clone(), m1["denominator"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(m1["value"], 1.0);
    let t4 = by_code(&after, "T4");
    assert_eq!(
        (t4["numerator"].clone(), t4["denominator"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(t4["unit"], "%");
    assert_eq!(t4["target"], 100.0);
    let now = app.clock.now();
    let u = unit_by_code(db, "108").await;
    let k = council::ActiveModel {
        unit_id: Set(u.id),
        name: Set("Hội đồng trẻ em huyện Sìn Hồ".into()),
        established_on: Set(d(2017, 6, 1)),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("council");
    let dialogue = council_dialogue::ActiveModel {
        council_id: Set(k.id),
        held_on: Set(d(2019, 10, 3)),
        year: Set(2019),
        attendees: Set("Đại biểu Hội đồng nhân dân huyện".into()),
        issues: Set("Trường học an toàn".into()),
        children_present: Set(15),
        consultation_id: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("dialogue");
    // As the write path does: the aggregates move with the record.
    aggregates::dialogue_added(db, &dialogue)
        .await
        .expect("aggregates");
    let mid = indicators(&app, &token, "108", 2019).await;
    assert_eq!(by_code(&mid, "M2")["numerator"], 1);
    assert_eq!(by_code(&mid, "M3")["numerator"], 0);
    assert_eq!(by_code(&mid, "T4")["numerator"], 0, "no club yet");
    let cl = club::ActiveModel {
        unit_id: Set(u.id),
        setting: Set(thamgia_domain::models::ClubSetting::School),
        host_unit_id: Set(None),
        name: Set("CLB Quyền trẻ em THCS Sìn Hồ".into()),
        founded_on: Set(d(2018, 9, 5)),
        closed_on: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("club");
    let activity = |y: i32| club_activity::ActiveModel {
        club_id: Set(cl.id),
        held_on: Set(d(y, 11, 20)),
        year: Set(y),
        topic: Set("Quyền được tham gia".into()),
        girls: Set(10),
        boys: Set(9),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    // An activity in another year does not make the club active in 2019.
    let added = |a: club_activity::Model| async move {
        aggregates::club_activity_added(db, &a)
            .await
            .expect("aggregates")
    };
    added(activity(2018).insert(db).await.expect("activity 2018")).await;
    let mid = indicators(&app, &token, "108", 2019).await;
    assert_eq!(by_code(&mid, "T4")["numerator"], 0);
    added(activity(2019).insert(db).await.expect("activity 2019")).await;
    let all = indicators(&app, &token, "108", 2019).await;
    let t4 = by_code(&all, "T4");
    assert_eq!(
        (t4["numerator"].clone(), t4["denominator"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(t4["value"], 100.0);
    assert_eq!(by_code(&all, "M3")["numerator"], 1);
    // The province: 9 units could hold a forum, 8 districts for T4.
    let coord = app.token("coordinator").await;
    let prov = indicators(&app, &coord, "12", 2019).await;
    let m1 = by_code(&prov, "M1");
    assert_eq!(
        (m1["numerator"].clone(), m1["denominator"].clone()),
        (json!(1), json!(9))
    );
    assert_eq!(m1["target"], 9.0);
    let t4 = by_code(&prov, "T4");
    assert_eq!(
        (t4["numerator"].clone(), t4["denominator"].clone()),
        (json!(1), json!(8))
    );
    assert_eq!(t4["value"], 12.5);
    // A year no plan covers has no model indicators.
    let late = indicators(&app, &coord, "12", 2026).await;
    assert!(
        late.as_array()
            .expect("array")
            .iter()
            .all(|i| i["code"] != "M1")
    );
}
db_test!(sin_ho_records_its_forum_and_the_public_sees_the_answers);

async fn delegates_need_consent_and_names_stay_hidden(app: TestApp) {
    let db = &app.db.conn;
    let token = app.token("district108").await;
    let f = app.api_post(&token, "/api/v1/forums", &json!({
                "level": "district", "unit": "108", "year": 2018, "theme": "Trẻ em với phòng, chống đuối nước",
                "starts_on": "2018-06-01", "ends_on": "2018-06-01", "venue": "Nhà văn hóa huyện",
                "organiser_agency": "PLDTBXH-108", "girls": 25, "boys": 20, "age_6_10": 20, "age_11_15": 25,
                "ethnic_groups": {"08": 30, "03": 10, "01": 5}, "with_disability": 2, "adults_in_charge": 9, "volunteers": 4, "guests": 12
            })).await.expect_status(201);
    assert_eq!(
        f["warnings"],
        json!([]),
        "45 children, 9 adults: no warning"
    );
    assert_eq!(f["ethnic_minority"], 40);
    assert_eq!(
        f["ethnic_groups"],
        json!([
            {"code": "01", "name": "Kinh", "children": 5},
            {"code": "03", "name": "Thái", "children": 10},
            {"code": "08", "name": "Mông", "children": 30}
        ])
    );
    let id = f["id"].as_i64().expect("id");
    let named = child(&app, "Lò Thị Mai").await;
    let withdrawn = child(&app, "Vàng A Dế").await;
    people::withdraw(
        db,
        &actor(),
        app.clock.now(),
        &Scope::everything(),
        withdrawn.id,
    )
    .await
    .expect("withdraw");
    // A child stored without any consent (as an import might).
    let u = unit_by_code(db, "108").await;
    let bare = person::ActiveModel {
        full_name: Set("Sùng A Páo".into()),
        birth_date: Set(Some(d(2007, 1, 1))),
        sex: Set(None),
        ethnic: Set(None),
        disability: Set(None),
        unit_id: Set(u.id),
        school_or_commune: Set(None),
        guardian_contact: Set(None),
        pseudonymised_at: Set(None),
        created_by: Set(None),
        created_at: Set(app.clock.now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("person");
    let delegates = || async {
        forum_delegate::Entity::find()
            .filter(forum_delegate::Column::ForumId.eq(i32::try_from(id).expect("id")))
            .count(db)
            .await
            .expect("count")
    };
    let path = format!("/api/v1/forums/{id}/delegates");
    let body = app
        .api_post(&token, &path, &json!({"person_id": bare.id}))
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["person"], "no_consent");
    assert_eq!(delegates().await, 0);
    // On the page: 422 with the reason beside the field.
    let c = app.login("district108").await;
    let csrf = app.csrf(&c, &format!("/forums/{id}")).await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            &format!("/forums/{id}/delegates"),
            &[("person", &withdrawn.id.to_string())],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(
        html.contains("chưa có giấy đồng ý còn hiệu lực") && html.contains("aria-invalid=\"true\"")
    );
    assert_eq!(delegates().await, 0);
    // With consent: added, once.
    let body = app
        .api_post(&token, &path, &json!({"person_id": named.id}))
        .await
        .expect_status(201);
    assert_eq!(body["delegates"][0]["label"], "Lò Thị Mai");
    let body = app
        .api_post(&token, &path, &json!({"person_id": named.id}))
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["person"], "already_delegate");
    assert_eq!(delegates().await, 1);
    let (_, html) = app.get(&c, &format!("/forums/{id}")).await;
    assert!(html.contains("Lò Thị Mai"));
    // Roles that may not see names get "Đại biểu #1".
    let viewer = app.token("viewer").await;
    let body = app.api_ok(&viewer, &format!("/api/v1/forums/{id}")).await;
    assert_eq!(body["delegates"][0]["label"], "Đại biểu #1");
    assert!(body["delegates"][0]["person_id"].is_null());
    assert!(!body.to_string().contains("Lò Thị Mai"));
    let vc = app.login("viewer").await;
    let (_, html) = app.get(&vc, &format!("/forums/{id}")).await;
    assert!(html.contains("Đại biểu #1") && !html.contains("Lò Thị Mai"));
    // Withdrawn later: the pseudonym everywhere, and a warning.
    people::withdraw(
        db,
        &actor(),
        app.clock.now(),
        &Scope::everything(),
        named.id,
    )
    .await
    .expect("withdraw");
    let (_, body) = app.api_get(&token, &format!("/api/v1/forums/{id}")).await;
    assert_eq!(body["delegates_without_consent"], 1);
    assert!(!body.to_string().contains("Lò Thị Mai"));
    assert_eq!(
        body["delegates"][0]["label"],
        thamgia_domain::models::pseudonym(named.id)
    );
    assert!(
        body["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "delegates_without_consent")
    );
    let (_, html) = app.get(&c, &format!("/forums/{id}")).await;
    assert!(!html.contains("Lò Thị Mai"));
    assert!(html.contains("Có 1 đại biểu không còn giấy đồng ý"));
    let (_, html) = app.get(&app.client(), "/public/recommendations").await;
    assert!(!html.contains("Lò Thị Mai") && !html.contains("Vàng A Dế"));
}
db_test!(delegates_need_consent_and_names_stay_hidden);

async fn recommendations_move_forward_and_bad_input_stores_nothing(app: TestApp) {
    let db = &app.db.conn;
    let token = app.token("district108").await;
    let f = forum_of(&app, "108", ForumLevel::District, 44).await;
    let rid = rec_of(&app, &f, "PGDDT-108", "Sân chơi").await;
    let status = format!("/api/v1/recommendations/{rid}/status");
    let answer = format!("/api/v1/recommendations/{rid}/answer");
    let body = app
        .api_post(&token, &status, &json!({"status": "in_progress"}))
        .await
        .expect_status(200);
    assert_eq!(body["status"], "in_progress");
    // Never backwards.
    for back in ["received", "assigned"] {
        let (s, body) = app
            .api_post(&token, &status, &json!({"status": back}))
            .await;
        assert_eq!(s, 422, "{back}");
        assert_eq!(body["error"]["fields"]["status"], "not_allowed");
    }
    let body = app
        .api_post(&token, &status, &json!({"status": "answered"}))
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["status"], "answer_with_form");
    // A refusal without its reason stores nothing.
    let body = app
        .api_post(
            &token,
            &answer,
            &json!({"outcome": "not_accepted", "answer": "Chưa làm được trong năm nay."}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["reason"], "reason_required");
    let row = recommendation::Entity::find_by_id(rid)
        .one(db)
        .await
        .expect("db")
        .expect("row");
    assert_eq!((row.status.as_str(), row.outcome), ("in_progress", None));
    // On the page too: 422 and the message beside the field.
    let c = app.login("district108").await;
    let csrf = app.csrf(&c, &format!("/recommendations/{rid}")).await;
    let r = app
        .post_form(
            &c,
            &format!("/recommendations/{rid}/answer"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "not_accepted"),
                ("answer", "Chưa làm được."),
                ("reason", " "),
            ],
        )
        .await;
    assert_page(r, 422, "Khi không tiếp thu, cần ghi rõ lý do.").await;
    let body = app
        .api_post(
            &token,
            &answer,
            &json!({"outcome": "not_accepted", "answer": "Chưa làm được trong năm nay.",
                    "reason": "Chưa bố trí được kinh phí.", "answered_on": "2019-10-01"}),
        )
        .await
        .expect_status(200);
    assert_eq!(body["outcome"], "not_accepted");
    assert_eq!(body["reason"], "Chưa bố trí được kinh phí.");
    let body = app
        .api_post(
            &token,
            &answer,
            &json!({"outcome": "accepted", "answer": "Đồng ý."}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["status"], "already_answered");
    let (s, _) = app
        .api_post(&token, &status, &json!({"status": "in_progress"}))
        .await;
    assert_eq!(s, 422, "nothing leaves answered");
    // Feedback may come after the answer.
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/recommendations/{rid}/feedback"),
            &json!({"feedback": "Đã trả lời các em tại diễn đàn năm sau."}),
        )
        .await
        .expect_status(200);
    assert_eq!(body["feedback"], "Đã trả lời các em tại diễn đàn năm sau.");
    // Answer rate per agency.
    let stats = app
        .api_ok(
            &token,
            "/api/v1/recommendations/agencies?year=2019&per_page=1000",
        )
        .await;
    let pgd = item(&stats, "agency", "PGDDT-108").clone();
    assert_eq!(
        (pgd["total"].clone(), pgd["answered"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(pgd["answer_rate"], 100.0);
    let (_, html) = app.get(&c, "/recommendations/agencies").await;
    assert!(html.contains("Phòng Giáo dục và Đào tạo huyện Sìn Hồ") && html.contains("100%"));

    // A forum with every field wrong stores nothing and names every field.
    let forums_before = count(&app, forum::Entity).await;
    let body = app.api_post(&token, "/api/v1/forums", &json!({
                "level": "province", "unit": "107", "year": 2019, "theme": "", "starts_on": "2018-06-05",
                "ends_on": "2018-06-01", "venue": "x", "organiser_agency": "PGDDT-107",
                "girls": 10, "boys": 10, "age_6_10": 5, "age_11_15": 5, "ethnic_groups": {"08": 21, "99": 1}, "guests": -1
            })).await.expect_status(422);
    assert_field_errors(
        &body,
        &[
            ("unit", "unknown_unit"),
            ("theme", "required"),
            ("starts_on", "not_in_year"),
            ("ends_on", "ends_before_start"),
            ("organiser_agency", "unknown_agency"),
            ("age_11_15", "age_bands_mismatch"),
            ("ethnic_groups", "ethnic_more_than_total"),
            ("ethnic_groups.99", "unknown_ethnic_group"),
            ("guests", "not_a_number"),
        ],
    );
    let body = app
        .api_post(
            &token,
            "/api/v1/forums",
            &json!({"level": "province", "unit": "108", "year": 2019, "theme": "T", "starts_on": "2019-06-05",
                    "ends_on": "2019-06-05", "venue": "x", "organiser_agency": "PLDTBXH-108", "girls": 1}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["unit"], "level_mismatch");
    let csrf = app.csrf(&c, "/forums/new").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/forums/new",
            &[
                ("level", "district"),
                ("unit", "108"),
                ("year", "2019"),
                ("theme", "Thử"),
                ("starts_on", "31/02/2019"),
                ("ends_on", "01/03/2019"),
                ("venue", "Hội trường"),
                ("agency", "PLDTBXH-108"),
                ("girls", "ba mươi"),
                ("boys", "5"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(
        html.contains("Ngày không hợp lệ") && html.contains("Hãy nhập một số nguyên không âm.")
    );
    assert!(html.contains("aria-describedby=\"girls-err\"") && html.contains("value=\"ba mươi\""));
    assert_eq!(count(&app, forum::Entity).await, forums_before);

    // Recommendations: too long, a deadline before the forum, an agency of another district.
    let recs_before = count(&app, recommendation::Entity).await;
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/forums/{}/recommendations", f.id),
            &json!({"text": "x".repeat(2001), "topic": "", "agency": "PGDDT-106", "deadline": "2019-05-01"}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &body,
        &[
            ("text", "too_long"),
            ("topic", "required"),
            ("agency", "unknown_agency"),
            ("deadline", "deadline_before_source"),
        ],
    );
    // A provincial department is fine for a district's forum.
    let body = app
        .api_post(
            &token,
            &format!("/api/v1/forums/{}/recommendations", f.id),
            &json!({"text": "Chúng em muốn học bơi.", "topic": "Học bơi", "agency": "SVHTTDL", "deadline": "2019-09-01"}),
        )
        .await
        .expect_status(201);
    assert_eq!(body["source"], "forum");
    assert_eq!(count(&app, recommendation::Entity).await, recs_before + 1);

    // Sessions and the results report.
    let sessions = format!("/api/v1/forums/{}/sessions", f.id);
    let body = app
        .api_post(
            &token,
            &sessions,
            &json!({"kind": "chat", "title": "", "held_on": "2019-07-01", "consultation_id": 999999}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &body,
        &[
            ("kind", "unknown_option"),
            ("held_on", "outside_forum_dates"),
            ("consultation", "unknown_consultation"),
        ],
    );
    let count_sessions = || async {
        forum_session::Entity::find()
            .filter(forum_session::Column::ForumId.eq(f.id))
            .count(db)
            .await
            .expect("count")
    };
    assert_eq!(count_sessions().await, 0);
    app
        .api_post(
            &token,
            &sessions,
            &json!({"kind": "dialogue", "title": "Đối thoại với lãnh đạo huyện", "held_on": "2019-06-02"}),
        )
        .await
        .expect_status(201);
    assert_eq!(count_sessions().await, 1);
    let report = format!("/api/v1/forums/{}/report", f.id);
    let body = app
        .api_post(&token, &report, &json!({"submitted_on": "2030-01-01"}))
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["submitted_on"], "in_the_future");
    let (_, before) = app
        .api_get(&token, &format!("/api/v1/forums/{}", f.id))
        .await;
    assert_eq!(before["report_overdue"], true);
    let (_, html) = app.get(&c, "/forums").await;
    assert!(html.contains("Báo cáo kết quả diễn đàn quá hạn") && html.contains(&f.theme));
    let body = app
        .api_post(&token, &report, &json!({"submitted_on": "2019-06-14"}))
        .await
        .expect_status(200);
    assert_eq!(body["report_submitted_on"], "2019-06-14");
    assert_eq!(body["report_overdue"], false);
    assert_eq!(body["sessions"][0]["kind"], "dialogue");
}
db_test!(recommendations_move_forward_and_bad_input_stores_nothing);

async fn another_district_sees_nothing_of_sin_ho(app: TestApp) {
    let db = &app.db.conn;
    let f = forum_of(&app, "108", ForumLevel::District, 41).await;
    let rid = rec_of(&app, &f, "PGDDT-108", "Đèn đường").await;
    let to_committee = rec_of(&app, &f, "UBND-108", "Sân chơi").await;
    let province = forum_of(&app, "12", ForumLevel::Province, 60).await;
    let from_province = rec_of(&app, &province, "PGDDT-108", "Bữa ăn bán trú").await;
    let fid = f.id;

    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/forums").await;
    for path in [
        format!("/forums/{fid}"),
        format!("/forums/{fid}/edit"),
        format!("/recommendations/{rid}"),
    ] {
        let (s, html) = app.get(&c, &path).await;
        assert_eq!(s, 404, "GET {path}");
        assert!(
            !html.contains("Sìn Hồ") && !html.contains("Đèn đường"),
            "{path}"
        );
    }
    for (path, form) in [
        (
            format!("/forums/{fid}/edit"),
            vec![("level", "district"), ("unit", "106"), ("theme", "x")],
        ),
        (format!("/forums/{fid}/delegates"), vec![("person", "1")]),
        (
            format!("/forums/{fid}/sessions"),
            vec![
                ("kind", "discussion"),
                ("title", "x"),
                ("held_on", "01/06/2019"),
            ],
        ),
        (
            format!("/forums/{fid}/report"),
            vec![("submitted_on", "10/06/2019")],
        ),
        (
            format!("/forums/{fid}/recommendations"),
            vec![
                ("topic", "x"),
                ("text", "x"),
                ("agency", "PGDDT-106"),
                ("deadline", "01/09/2019"),
            ],
        ),
        (
            format!("/recommendations/{rid}/status"),
            vec![("status", "assigned")],
        ),
        (
            format!("/recommendations/{rid}/answer"),
            vec![("outcome", "accepted"), ("answer", "x")],
        ),
        (
            format!("/recommendations/{rid}/feedback"),
            vec![("feedback", "x")],
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(form);
        let r = app.post_form(&c, &path, &all).await;
        assert_eq!(r.status().as_u16(), 404, "POST {path}");
    }
    let token = app.token("district106").await;
    for (m, path) in [
        ("GET", format!("/api/v1/forums/{fid}")),
        ("PUT", format!("/api/v1/forums/{fid}")),
        ("POST", format!("/api/v1/forums/{fid}/delegates")),
        ("POST", format!("/api/v1/forums/{fid}/sessions")),
        ("POST", format!("/api/v1/forums/{fid}/report")),
        ("POST", format!("/api/v1/forums/{fid}/recommendations")),
        ("GET", format!("/api/v1/recommendations/{rid}")),
        ("POST", format!("/api/v1/recommendations/{rid}/status")),
        ("POST", format!("/api/v1/recommendations/{rid}/answer")),
        ("POST", format!("/api/v1/recommendations/{rid}/feedback")),
    ] {
        let (s, body) = app
            .api_send(
                m.parse().expect("method"),
                &token,
                &path,
                &json!({"status": "assigned", "outcome": "accepted", "answer": "x", "feedback": "x"}),
            )
            .await;
        assert_eq!(s, 404, "{m} {path}: {body}");
    }
    let (_, list) = app.api_get(&token, "/api/v1/forums?per_page=1000").await;
    assert!(
        list.as_array()
            .expect("array")
            .iter()
            .all(|x| x["id"] != fid)
    );
    let (_, list) = app
        .api_get(&token, "/api/v1/recommendations?per_page=1000")
        .await;
    assert!(
        list.as_array()
            .expect("array")
            .iter()
            .all(|x| x["id"] != rid)
    );
    let (_, html) = app.get(&c, "/forums").await;
    assert!(!html.contains(&f.theme));
    let (_, html) = app.get(&c, "/recommendations").await;
    assert!(!html.contains("Đèn đường"));

    // The education office of Tam Đường cannot answer Sìn Hồ's.
    let other = app.token("agency106").await;
    app.api_post(
        &other,
        &format!("/api/v1/recommendations/{rid}/answer"),
        &json!({"outcome": "accepted", "answer": "Đồng ý."}),
    )
    .await
    .expect_status(404);
    let oc = app.login("agency106").await;
    let csrf = app.csrf(&oc, "/recommendations").await;
    app.submit_form(
        &oc,
        &csrf,
        &format!("/recommendations/{rid}/answer"),
        &[("outcome", "accepted"), ("answer", "Đồng ý.")],
        404,
    )
    .await;
    // Sìn Hồ's education office: its own agency's, even from the province's
    // forum; another agency's of its district it sees but may not answer.
    let own = app.token("agency108").await;
    app.api_ok(&own, &format!("/api/v1/recommendations/{from_province}"))
        .await;
    let (_, list) = app
        .api_get(&own, "/api/v1/recommendations?per_page=1000")
        .await;
    assert!(
        list.as_array()
            .expect("array")
            .iter()
            .any(|x| x["id"] == from_province)
    );
    app.api_post(
        &own,
        &format!("/api/v1/recommendations/{to_committee}/answer"),
        &json!({"outcome": "accepted", "answer": "Đồng ý."}),
    )
    .await
    .expect_status(403);
    // The district officer of 108 does not see the province's forum.
    let d108 = app.token("district108").await;
    app.api_get(&d108, &format!("/api/v1/recommendations/{from_province}"))
        .await
        .expect_status(404);
    app.api_get(&d108, &format!("/api/v1/forums/{}", province.id))
        .await
        .expect_status(404);
    // Nothing changed.
    let rows = recommendation::Entity::find()
        .filter(recommendation::Column::Status.ne("received"))
        .count(db)
        .await
        .expect("count");
    assert_eq!(rows, 0);
    assert_eq!(
        forum_session::Entity::find()
            .count(db)
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        forum::Entity::find_by_id(fid)
            .one(db)
            .await
            .expect("db")
            .expect("row")
            .report_submitted_on,
        None
    );
}
db_test!(another_district_sees_nothing_of_sin_ho);

async fn demo_forums_fill_a_lagging_province(app: TestApp) {
    let s = thamgia::demo_forums::fill(&app.db, app.clock.now(), 2016)
        .await
        .expect("demo forums");
    // 5 province forums and 40 district ones less the 5 missed.
    assert_eq!(s.forums, 40);
    assert!(
        s.recommendations >= 80 && s.answered * 2 > s.recommendations,
        "{s:?}"
    );
    let coord = app.token("coordinator").await;
    let doc = indicators(&app, &coord, "12", 2019).await;
    assert_eq!(
        by_code(&doc, "M1")["numerator"],
        8,
        "Sìn Hồ has not recorded 2019"
    );
    let doc = indicators(&app, &coord, "12", 2016).await;
    assert_eq!(by_code(&doc, "M1")["numerator"], 7);
    let doc = indicators(&app, &coord, "108", 2019).await;
    assert_eq!(by_code(&doc, "M1")["numerator"], 0);
    let (_, overdue) = app
        .api_get(&coord, "/api/v1/recommendations?overdue=true&per_page=1000")
        .await;
    assert!(!overdue.as_array().expect("array").is_empty());
    let (_, html) = app
        .get(&app.client(), "/public/recommendations?year=2017")
        .await;
    assert!(html.contains("Không tiếp thu") || html.contains("Tiếp thu một phần"));
    let c = app.login("coordinator").await;
    let (_, html) = app.get(&c, "/forums?year=2017").await;
    assert!(html.contains("Diễn đàn cấp huyện cần ít nhất") || html.contains("⚠"));
    let html = app.page(&c, "/forums").await;
    assert!(html.contains("Báo cáo kết quả diễn đàn quá hạn"));
}
db_test!(demo_forums_fill_a_lagging_province);
