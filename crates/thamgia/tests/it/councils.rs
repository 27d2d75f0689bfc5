//! Identified children with consent, Children's Councils and participation
//! clubs: a child is never stored without a complete consent (the child's own
//! from age 7; ages 6–15 only), a member never without a consent that stands,
//! withdrawal leaves the name nowhere (pages, API, audit trail) while the
//! anonymous history stays, names reach only `ViewNames` roles, another
//! district's records are 404 on every route, and a dialogue makes a council
//! work in its year.

use crate::db_test;
use crate::fixtures::count;
use crate::helpers::{Answer, TestApp, assert_field_errors, assert_page};
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use thamgia_store::entity::{
    audit, club_activity, club_member, consent, council, council_dialogue, council_member, person,
    recommendation,
};

const NAME: &str = "Tòng Thị Khánh Ly";
const GUARDIAN: &str = "Tòng Văn Phóng";
const CONTACT: &str = "0912 345 678";
const SCHOOL: &str = "Điểm trường bản Hua Bó";

/// A child with consent, a council and a club of Tam Đường (ids 1 in a fresh
/// database), for tests that call every operation (`api.rs`).
pub async fn one_of_each(app: &TestApp) {
    let token = app.token("admin").await;
    new_child(app, &token, "Lò Thị Mai", "106").await;
    new_council(app, &token, "106", "2019-01-15").await;
    new_club(app, &token, "106", None).await;
}

/// A complete child with consent for the API (a 12-year-old on the test clock's day).
fn child_json(name: &str, unit: &str) -> Value {
    // Only the child under test carries the details searched for afterwards.
    let (school, contact, guardian) = if name == NAME {
        (SCHOOL, CONTACT, GUARDIAN)
    } else {
        ("Trường Tiểu học Bản Giang", "0987 000 111", "Vàng A Sử")
    };
    json!({
        "full_name": name,
        "birth_date": "2014-05-02",
        "sex": "girl",
        "ethnic": "03",
        "unit": unit,
        "school_or_commune": school,
        "guardian_contact": contact,
        "guardian_name": guardian,
        "guardian_relation": "bố",
        "guardian_method": "written",
        "guardian_date": "2026-11-20",
        "child_agreed": true,
        "child_date": "2026-11-20",
        "purpose": "Thành viên Hội đồng trẻ em huyện nhiệm kỳ 2026–2028"
    })
}

async fn new_child(app: &TestApp, token: &str, name: &str, unit: &str) -> i64 {
    let b = app
        .api_post(token, "/api/v1/people", &child_json(name, unit))
        .await
        .expect_status(201);
    b["id"].as_i64().expect("id")
}

async fn new_council(app: &TestApp, token: &str, unit: &str, established: &str) -> i64 {
    let b = app
        .api_post(
            token,
            "/api/v1/councils",
            &json!({"unit": unit, "name": format!("Hội đồng trẻ em {unit}"), "established_on": established}),
        )
        .await
        .expect_status(201);
    b["id"].as_i64().expect("id")
}

async fn new_club(app: &TestApp, token: &str, unit: &str, host: Option<&str>) -> i64 {
    let b = app
        .api_post(
            token,
            "/api/v1/clubs",
            &json!({"unit": unit, "setting": "school", "host": host, "name": format!("CLB Quyền tham gia {unit}"), "founded_on": "2017-09-05"}),
        )
        .await
        .expect_status(201);
    b["id"].as_i64().expect("id")
}

/// The child form of the page, complete, with some fields replaced.
fn child_form<'a>(csrf: &'a str, over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("full_name", NAME),
        ("birth_date", "02/05/2014"),
        ("sex", "girl"),
        ("ethnic", "03"),
        ("unit", "106"),
        ("school_or_commune", SCHOOL),
        ("guardian_contact", CONTACT),
        ("guardian_name", GUARDIAN),
        ("guardian_relation", "bố"),
        ("guardian_method", "written"),
        ("guardian_date", "20/11/2026"),
        ("child_agreed", "yes"),
        ("child_date", "20/11/2026"),
        ("purpose", "Thành viên Hội đồng trẻ em huyện Tam Đường"),
    ];
    for (k, v) in over {
        f.retain(|(fk, _)| fk != k);
        if !v.is_empty() {
            f.push((k, v));
        }
    }
    f
}

async fn a_child_is_never_stored_without_a_complete_consent(app: TestApp) {
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/people/new").await;
    // The child's facts alone: refused, every consent field named in Vietnamese.
    let form = child_form(
        &csrf,
        &[
            ("guardian_name", ""),
            ("guardian_relation", ""),
            ("guardian_method", ""),
            ("guardian_date", ""),
            ("child_agreed", ""),
            ("child_date", ""),
            ("purpose", ""),
        ],
    );
    let r = app.post_form(&c, "/people/new", &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("html");
    for label in [
        "Họ tên người đồng ý",
        "Quan hệ với em",
        "Hình thức đồng ý",
        "Ngày đồng ý",
        "Em đã tự đồng ý",
        "Ngày em đồng ý",
        "Mục đích",
    ] {
        assert!(
            html.contains(label) && html.contains("aria-invalid=\"true\""),
            "{label} is not named"
        );
    }
    assert!(html.contains("Trẻ từ 7 tuổi trở lên phải tự đồng ý"));
    // What was typed stays in the form.
    assert!(html.contains(NAME));
    assert_eq!(count(&app, person::Entity).await, 0);
    assert_eq!(count(&app, consent::Entity).await, 0);
    // The API names every missing field too and stores nothing.
    let token = app.token("district106").await;
    let mut body = child_json(NAME, "106");
    for k in [
        "guardian_name",
        "guardian_relation",
        "guardian_method",
        "guardian_date",
        "child_agreed",
        "child_date",
        "purpose",
    ] {
        body.as_object_mut().expect("object").remove(k);
    }
    let b = app
        .api_post(&token, "/api/v1/people", &body)
        .await
        .expect_status(422);
    assert_field_errors(
        &b,
        &[
            ("guardian_name", "required"),
            ("guardian_relation", "required"),
            ("guardian_method", "required"),
            ("guardian_date", "required"),
            ("child_agreed", "child_consent_required"),
            ("child_date", "required"),
            ("purpose", "required"),
        ],
    );
    assert_eq!(count(&app, person::Entity).await, 0);
    // The purpose must not carry the child's name (it is kept in the audit trail).
    let mut named = child_json(NAME, "106");
    named["purpose"] = json!(format!("{NAME} vào Hội đồng trẻ em"));
    let b = app
        .api_post(&token, "/api/v1/people", &named)
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["purpose"], "purpose_contains_name");
    assert_eq!(count(&app, person::Entity).await, 0);

    // A council member cannot be added without a child whose consent stands.
    let k = new_council(&app, &token, "106", "2019-01-15").await;
    let csrf = app.csrf(&c, &format!("/councils/{k}")).await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/councils/{k}/members"),
        &[
            ("person", ""),
            ("role", "member"),
            ("term_start", "01/09/2026"),
        ],
        422,
    )
    .await;
    // A child whose consent was withdrawn is refused with the consent message.
    let id = new_child(&app, &token, NAME, "106").await;
    app.api_post(&token, &format!("/api/v1/people/{id}/withdraw"), &json!({}))
        .await
        .expect_status(200);
    let pid = id.to_string();
    let r = app
        .submit_form(
            &c,
            &csrf,
            &format!("/councils/{k}/members"),
            &[
                ("person", &pid),
                ("role", "member"),
                ("term_start", "01/09/2026"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(html.contains("Chưa có sự đồng ý"), "consent message");
    let b = app
        .api_post(
            &token,
            &format!("/api/v1/councils/{k}/members"),
            &json!({"person_id": id, "role": "chair", "term_start": "2026-09-01"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["person"], "no_consent");
    assert_eq!(count(&app, council_member::Entity).await, 0);
    // The inline route: a new child with consent comes back to the council, picked.
    let csrf = app.csrf(&c, "/people/new").await;
    let back = format!("/councils/{k}#add-member");
    let mut form = child_form(&csrf, &[("full_name", "Lò Văn Quân"), ("sex", "boy")]);
    form.push(("return", &back));
    let r = app.post_form(&c, "/people/new", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        to.starts_with(&format!("/councils/{k}?person=")) && to.ends_with("#add-member"),
        "{to}"
    );
    let html = app.page(&c, &to).await;
    assert!(
        html.contains("selected>Lò Văn Quân"),
        "the new child is picked"
    );
}
db_test!(a_child_is_never_stored_without_a_complete_consent);

async fn the_childs_own_agreement_from_seven_and_ages_six_to_fifteen(app: TestApp) {
    // The test clock stands at 29/11/2026.
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/people/new").await;
    // Ten years old, without the child's own agreement: refused.
    let form = child_form(
        &csrf,
        &[
            ("birth_date", "01/03/2016"),
            ("child_agreed", ""),
            ("child_date", ""),
        ],
    );
    let r = app.post_form(&c, "/people/new", &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"child_agreed-err\""));
    assert_eq!(count(&app, person::Entity).await, 0);
    // Six years old: the guardian's consent is enough.
    let form = child_form(
        &csrf,
        &[
            ("full_name", "Giàng A Páo"),
            ("sex", "boy"),
            ("birth_date", "01/06/2020"),
            ("child_agreed", ""),
            ("child_date", ""),
        ],
    );
    let r = app.post_form(&c, "/people/new", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(count(&app, person::Entity).await, 1);
    let k = consent::Entity::find()
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("consent");
    assert!(!k.child_agreed);
    assert_eq!(k.guardian_method.as_str(), "written");
    // Five and sixteen: not children Thamgia records.
    for birth in ["01/06/2021", "28/11/2010"] {
        let form = child_form(&csrf, &[("birth_date", birth)]);
        let r = app.post_form(&c, "/people/new", &form).await;
        assert_eq!(r.status().as_u16(), 422, "{birth}");
        let html = r.text().await.expect("html");
        assert!(html.contains("từ 6 đến 15 tuổi"), "{birth}");
    }
    let token = app.token("district106").await;
    for birth in ["2021-06-01", "2010-11-28"] {
        let mut b = child_json(NAME, "106");
        b["birth_date"] = json!(birth);
        let body = app
            .api_post(&token, "/api/v1/people", &b)
            .await
            .expect_status(422);
        assert_eq!(body["error"]["fields"]["birth_date"], "age_out_of_range");
    }
    // Ten years old through the API: the child's agreement is needed, then accepted.
    let mut b = child_json(NAME, "106");
    b["birth_date"] = json!("2016-03-01");
    b["child_agreed"] = json!(false);
    let body = app
        .api_post(&token, "/api/v1/people", &b)
        .await
        .expect_status(422);
    assert_eq!(
        body["error"]["fields"]["child_agreed"],
        "child_consent_required"
    );
    assert_eq!(count(&app, person::Entity).await, 1);
    b["child_agreed"] = json!(true);
    let body = app
        .api_post(&token, "/api/v1/people", &b)
        .await
        .expect_status(201);
    assert_eq!(body["age"], 10);
    assert_eq!(body["consents"][0]["child_agreed"], true);
    assert_eq!(count(&app, person::Entity).await, 2);
    assert_eq!(count(&app, consent::Entity).await, 2);
}
db_test!(the_childs_own_agreement_from_seven_and_ages_six_to_fifteen);

/// Everything that might carry the name must not.
fn assert_clean(what: &str, text: &str) {
    for secret in [NAME, GUARDIAN, CONTACT, SCHOOL] {
        assert!(!text.contains(secret), "{what} still shows {secret}");
    }
}

async fn after_withdrawal_the_name_appears_nowhere(app: TestApp) {
    let token = app.token("district106").await;
    let c = app.login("district106").await;
    let k = new_council(&app, &token, "106", "2019-01-15").await;
    let club = new_club(&app, &token, "106", Some("106-THCS-BANBO")).await;
    let id = new_child(&app, &token, NAME, "106").await;
    let other = new_child(&app, &token, "Vàng Thị Dung", "106").await;
    // Chair of the council (through the page), leader of the club (through the API).
    let csrf = app.csrf(&c, &format!("/councils/{k}")).await;
    let pid = id.to_string();
    app.submit_form(
        &c,
        &csrf,
        &format!("/councils/{k}/members"),
        &[
            ("person", &pid),
            ("role", "chair"),
            ("term_start", "01/09/2026"),
        ],
        303,
    )
    .await;
    app.api_post(
        &token,
        &format!("/api/v1/councils/{k}/members"),
        &json!({"person_id": other, "role": "member", "term_start": "2026-09-01"}),
    )
    .await
    .expect_status(201);
    let b = app
        .api_post(
            &token,
            &format!("/api/v1/clubs/{club}/members"),
            &json!({"person_id": id, "is_leader": true, "joined_on": "2026-10-01"}),
        )
        .await
        .expect_status(201);
    assert_eq!(b["name"], NAME);
    // Before: the officer sees the name.
    let (_, html) = app.get(&c, &format!("/councils/{k}")).await;
    assert!(html.contains(NAME));
    // Withdrawal needs the confirmation box.
    let csrf = app.csrf(&c, &format!("/people/{id}")).await;
    app.submit_form(&c, &csrf, &format!("/people/{id}/withdraw"), &[], 422)
        .await;
    let (_, html) = app.get(&c, &format!("/people/{id}")).await;
    assert!(html.contains(NAME), "nothing changed without confirmation");
    app.submit_form(
        &c,
        &csrf,
        &format!("/people/{id}/withdraw"),
        &[("confirm", "yes")],
        303,
    )
    .await;
    let pseudonym = format!("Trẻ em #{id:05}");
    // Pages of every user who can open them.
    for user in ["district106", "coordinator", "admin"] {
        let uc = app.login(user).await;
        for path in [
            "/people".to_string(),
            format!("/people/{id}"),
            format!("/councils/{k}"),
            format!("/clubs/{club}"),
            "/councils".to_string(),
            "/clubs".to_string(),
        ] {
            let (s, html) = app.get(&uc, &path).await;
            assert_eq!(s, 200, "{user} {path}");
            assert_clean(&format!("{user} {path}"), &html);
        }
        let (_, html) = app.get(&uc, &format!("/councils/{k}")).await;
        assert!(
            html.contains(&pseudonym),
            "{user}: pseudonym on the council"
        );
    }
    // Every API answer this feature gives.
    for user in ["district106", "admin"] {
        let t = app.token(user).await;
        for path in [
            "/api/v1/people".to_string(),
            format!("/api/v1/people/{id}"),
            format!("/api/v1/councils/{k}"),
            format!("/api/v1/clubs/{club}"),
            "/api/v1/councils".to_string(),
            "/api/v1/clubs".to_string(),
        ] {
            let (s, body) = app.api_get(&t, &path).await;
            assert_eq!(s, 200, "{user} {path}");
            assert_clean(&format!("{user} {path}"), &body.to_string());
        }
    }
    // The audit trail never held it.
    for a in audit::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("audit")
    {
        let text = format!(
            "{} {} {}",
            a.before.unwrap_or_default(),
            a.after.unwrap_or_default(),
            a.entity_id
        );
        assert_clean(&format!("audit {} {}", a.action, a.entity), &text);
    }
    // Nor any stored row about the child.
    let p = person::Entity::find_by_id(i32::try_from(id).expect("id"))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("person");
    assert_eq!(p.full_name, pseudonym);
    assert!(p.guardian_contact.is_none() && p.school_or_commune.is_none());
    for k in consent::Entity::find().all(&app.db.conn).await.expect("db") {
        assert_ne!(k.guardian_name, GUARDIAN);
    }
    // The anonymous history stays: two members, the chair's role, the club's leader.
    let (_, body) = app
        .api_get(&token, &format!("/api/v1/councils/{k}?year=2026"))
        .await;
    let members = body["members"].as_array().expect("members");
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["role"], "chair");
    assert_eq!(members[0]["name"], pseudonym.as_str());
    assert_eq!(members[0]["term_end"], "2026-11-29", "the term ended today");
    assert_eq!(members[1]["term_end"], Value::Null);
    assert_eq!(body["members_in_year"], 2);
    let (_, body) = app.api_get(&token, &format!("/api/v1/clubs/{club}")).await;
    assert_eq!(body["member_list"][0]["is_leader"], true);
    assert_eq!(body["member_list"][0]["left_on"], "2026-11-29");
    assert_eq!(count(&app, council_member::Entity).await, 2);
    assert_eq!(count(&app, club_member::Entity).await, 1);
    // A withdrawn child cannot be withdrawn twice, nor given a new consent.
    app.api_post(&token, &format!("/api/v1/people/{id}/withdraw"), &json!({}))
        .await
        .expect_status(422);
}
db_test!(after_withdrawal_the_name_appears_nowhere);

async fn viewers_and_facilitators_never_see_names(app: TestApp) {
    let token = app.token("district106").await;
    let k = new_council(&app, &token, "106", "2019-01-15").await;
    let club = new_club(&app, &token, "106", Some("106-THCS-BANBO")).await;
    let id = new_child(&app, &token, NAME, "106-THCS-BANBO").await;
    for (path, body) in [
        (
            format!("/api/v1/councils/{k}/members"),
            json!({"person_id": id, "role": "secretary", "term_start": "2026-09-01"}),
        ),
        (
            format!("/api/v1/clubs/{club}/members"),
            json!({"person_id": id, "is_leader": true, "joined_on": "2026-09-01"}),
        ),
    ] {
        app.api_post(&token, &path, &body).await.expect_status(201);
    }
    // The provincial viewer reads councils and clubs, never a name.
    let v = app.login("viewer").await;
    for path in [format!("/councils/{k}"), format!("/clubs/{club}")] {
        let html = app.page(&v, &path).await;
        assert_clean(&format!("viewer {path}"), &html);
        assert!(html.contains("Thành viên #1"), "{path}");
        assert!(
            !html.contains(&format!("/people/{id}")),
            "{path} links a child"
        );
    }
    for path in ["/people", &format!("/people/{id}"), "/people/new"] {
        let (s, html) = app.get(&v, path).await;
        assert_eq!(s, 403, "viewer {path}");
        assert_clean(&format!("viewer {path}"), &html);
    }
    let vt = app.token("viewer").await;
    for path in [
        format!("/api/v1/councils/{k}"),
        format!("/api/v1/clubs/{club}"),
    ] {
        let body = app.api_ok(&vt, &path).await;
        assert_clean(&format!("viewer {path}"), &body.to_string());
        assert!(body.to_string().contains("Thành viên #1"));
        assert!(!body.to_string().contains("person_id"));
    }
    for path in ["/api/v1/people".to_string(), format!("/api/v1/people/{id}")] {
        let (s, _) = app.api_get(&vt, &path).await;
        assert_eq!(s, 403, "viewer {path}");
    }
    // The facilitator at the host school sees the club (no names) and records
    // its activities; the district's council is outside the school.
    let f = app.login("facilitator106").await;
    let html = app.page(&f, &format!("/clubs/{club}")).await;
    assert_clean("facilitator club page", &html);
    assert!(html.contains("Thành viên #1"));
    let (s, _) = app.get(&f, &format!("/councils/{k}")).await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&f, "/people").await;
    assert_eq!(s, 403);
    let csrf = app.csrf(&f, &format!("/clubs/{club}")).await;
    app.submit_form(
        &f,
        &csrf,
        &format!("/clubs/{club}/activities"),
        &[
            ("held_on", "15/10/2026"),
            ("topic", "Quyền được nói lên ý kiến"),
            ("girls", "9"),
            ("boys", "7"),
        ],
        303,
    )
    .await;
    let r = app
        .post_form(
            &f,
            &format!("/clubs/{club}/members"),
            &[
                ("csrf", &csrf),
                ("person", &id.to_string()),
                ("joined_on", "01/10/2026"),
            ],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "a facilitator adds no named child"
    );
    let ft = app.token("facilitator106").await;
    let body = app.api_ok(&ft, &format!("/api/v1/clubs/{club}")).await;
    assert_clean("facilitator club API", &body.to_string());
    assert_eq!(body["activities"].as_array().expect("activities").len(), 1);
    app.api_post(
        &ft,
        &format!("/api/v1/clubs/{club}/activities"),
        &json!({"held_on": "2026-11-02", "topic": "Phòng chống đuối nước", "girls": 11, "boys": 8}),
    )
    .await
    .expect_status(201);
    app.api_get(&ft, "/api/v1/people?per_page=1000")
        .await
        .expect_status(403);
    let (_, list) = app.api_get(&ft, "/api/v1/councils?per_page=1000").await;
    assert_eq!(list.as_array().expect("array").len(), 0);
    assert_eq!(count(&app, club_activity::Entity).await, 2);
}
db_test!(viewers_and_facilitators_never_see_names);

async fn another_district_is_not_found_on_every_route(app: TestApp) {
    // Sìn Hồ (108) records its own council, club and child.
    let t108 = app.token("district108").await;
    let k = new_council(&app, &t108, "108", "2018-03-01").await;
    let club = new_club(&app, &t108, "108", None).await;
    let id = new_child(&app, &t108, NAME, "108").await;
    let m = app
        .api_post(
            &t108,
            &format!("/api/v1/councils/{k}/members"),
            &json!({"person_id": id, "role": "chair", "term_start": "2026-09-01"}),
        )
        .await
        .expect_status(201);
    let mid = m["id"].as_i64().expect("member");
    let cm = app
        .api_post(
            &t108,
            &format!("/api/v1/clubs/{club}/members"),
            &json!({"person_id": id, "joined_on": "2026-09-01"}),
        )
        .await
        .expect_status(201);
    let cmid = cm["id"].as_i64().expect("member");
    let d = app
        .api_post(
            &t108,
            &format!("/api/v1/councils/{k}/dialogues"),
            &json!({"held_on": "2026-06-01", "attendees": "Bà Giàng Thị Dợ, Trưởng ban Văn hóa - Xã hội HĐND huyện", "issues": "Nước sạch ở trường bán trú", "children_present": 14}),
        )
        .await
        .expect_status(201);
    let did = d["id"].as_i64().expect("dialogue");
    let fill = |p: &str| {
        p.replace("{k}", &k.to_string())
            .replace("{club}", &club.to_string())
            .replace("{id}", &id.to_string())
            .replace("{mid}", &mid.to_string())
            .replace("{cmid}", &cmid.to_string())
            .replace("{did}", &did.to_string())
    };
    let before = (
        count(&app, council_member::Entity).await,
        count(&app, council_dialogue::Entity).await,
        count(&app, club_member::Entity).await,
        count(&app, club_activity::Entity).await,
        count(&app, recommendation::Entity).await,
        count(&app, consent::Entity).await,
    );
    // Tam Đường (106) finds none of it, page or API, read or write.
    let c = app.login("district106").await;
    for path in ["/people/{id}", "/councils/{k}", "/clubs/{club}"] {
        let (s, html) = app.get(&c, &fill(path)).await;
        assert_eq!(s, 404, "GET {path}");
        assert_clean(path, &html);
        assert!(!html.contains("Sìn Hồ"), "{path} leaks the district");
    }
    let csrf = app.csrf(&c, "/people/new").await;
    for (path, form) in [
        ("/people/{id}/withdraw", vec![("confirm", "yes")]),
        (
            "/people/{id}/consent",
            vec![("guardian_name", "X"), ("purpose", "Y")],
        ),
        (
            "/councils/{k}/members",
            vec![("role", "member"), ("term_start", "01/09/2026")],
        ),
        ("/councils/{k}/members/{mid}/end", vec![]),
        (
            "/councils/{k}/dialogues",
            vec![
                ("held_on", "01/06/2026"),
                ("attendees", "A"),
                ("issues", "B"),
                ("children_present", "3"),
            ],
        ),
        (
            "/councils/{k}/dialogues/{did}/recommendations",
            vec![
                ("text", "T"),
                ("topic", "G"),
                ("agency", "PGDDT-106"),
                ("deadline", "01/12/2026"),
            ],
        ),
        ("/clubs/{club}/members", vec![("joined_on", "01/09/2026")]),
        ("/clubs/{club}/members/{cmid}/leave", vec![]),
        (
            "/clubs/{club}/activities",
            vec![
                ("held_on", "01/06/2026"),
                ("topic", "A"),
                ("girls", "1"),
                ("boys", "1"),
            ],
        ),
        (
            "/clubs/{club}/recommendations",
            vec![
                ("text", "T"),
                ("topic", "G"),
                ("agency", "PGDDT-106"),
                ("deadline", "01/12/2026"),
            ],
        ),
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(form);
        let r = app.post_form(&c, &fill(path), &f).await;
        assert_eq!(r.status().as_u16(), 404, "POST {path}");
    }
    let t106 = app.token("district106").await;
    for (method, path) in [
        ("GET", "/api/v1/people/{id}"),
        ("POST", "/api/v1/people/{id}/withdraw"),
        ("POST", "/api/v1/people/{id}/consents"),
        ("GET", "/api/v1/councils/{k}"),
        ("POST", "/api/v1/councils/{k}/members"),
        ("POST", "/api/v1/councils/{k}/members/{mid}/end"),
        ("POST", "/api/v1/councils/{k}/dialogues"),
        (
            "POST",
            "/api/v1/councils/{k}/dialogues/{did}/recommendations",
        ),
        ("GET", "/api/v1/clubs/{club}"),
        ("POST", "/api/v1/clubs/{club}/members"),
        ("POST", "/api/v1/clubs/{club}/activities"),
        ("POST", "/api/v1/clubs/{club}/recommendations"),
    ] {
        let m: Method = method.parse().expect("method");
        let (s, body) = app
            .api_send(
                m,
                &t106,
                &fill(path),
                &json!({"person_id": id, "held_on": "2026-06-01"}),
            )
            .await;
        assert_eq!(s, 404, "{method} {path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    // Lists hold only the district's own records.
    for path in ["/api/v1/people", "/api/v1/councils", "/api/v1/clubs"] {
        let body = app.api_ok(&t106, path).await;
        assert_eq!(body.as_array().expect("array").len(), 0, "{path}");
    }
    for path in ["/people", "/councils", "/clubs"] {
        let (_, html) = app.get(&c, path).await;
        assert_clean(path, &html);
        assert!(!html.contains("Hội đồng trẻ em 108") && !html.contains("CLB Quyền tham gia 108"));
    }
    // References to 108 in a body are unknown, not borrowed.
    let own = new_council(&app, &t106, "106", "2019-01-15").await;
    let b = app
        .api_post(
            &t106,
            &format!("/api/v1/councils/{own}/members"),
            &json!({"person_id": id, "role": "member", "term_start": "2026-09-01"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["person"], "unknown_person");
    for (path, body) in [
        (
            "/api/v1/councils",
            json!({"unit": "108", "name": "X", "established_on": "2019-01-01"}),
        ),
        (
            "/api/v1/clubs",
            json!({"unit": "108", "setting": "school", "name": "X", "founded_on": "2019-01-01"}),
        ),
        ("/api/v1/people", child_json("Lò Văn Bình", "108")),
    ] {
        let b = app.api_post(&t106, path, &body).await.expect_status(422);
        assert_eq!(b["error"]["fields"]["unit"], "unknown_unit", "{path}");
    }
    // Nothing of 108 changed.
    let after = (
        count(&app, council_member::Entity).await,
        count(&app, council_dialogue::Entity).await,
        count(&app, club_member::Entity).await,
        count(&app, club_activity::Entity).await,
        count(&app, recommendation::Entity).await,
        count(&app, consent::Entity).await,
    );
    assert_eq!(before, after);
    let (_, body) = app.api_get(&t108, &format!("/api/v1/people/{id}")).await;
    assert_eq!(body["full_name"], NAME);
    assert_eq!(count(&app, council::Entity).await, 2);
}
db_test!(another_district_is_not_found_on_every_route);

async fn a_dialogue_makes_the_council_work_that_year(app: TestApp) {
    let token = app.token("district106").await;
    let c = app.login("district106").await;
    // Set up through the page.
    let csrf = app.csrf(&c, "/councils/new").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/councils/new",
            &[
                ("unit", "106"),
                ("name", "Hội đồng trẻ em huyện Tam Đường"),
                ("established_on", "15/01/2019"),
            ],
            303,
        )
        .await;
    let loc = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let k: i64 = loc.trim_start_matches("/councils/").parse().expect("id");
    // One per district.
    let r = app
        .post_form(
            &c,
            "/councils/new",
            &[
                ("csrf", &csrf),
                ("unit", "106"),
                ("name", "Hội đồng thứ hai"),
                ("established_on", "15/01/2019"),
            ],
        )
        .await;
    assert_page(r, 422, "Huyện này đã có Hội đồng trẻ em").await;
    assert_eq!(count(&app, council::Entity).await, 1);
    let (_, list) = app
        .api_get(&token, "/api/v1/councils?year=2019&per_page=1000")
        .await;
    assert_eq!(list[0]["works"], false);
    let (_, html) = app.get(&c, "/councils?year=2019").await;
    assert!(html.contains("Chưa đối thoại năm 2019"));
    // A dialogue with bad input stores nothing.
    let csrf = app.csrf(&c, &format!("/councils/{k}")).await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            &format!("/councils/{k}/dialogues"),
            &[
                ("held_on", "01/01/2027"),
                ("attendees", ""),
                ("issues", "Đường đến trường"),
                ("children_present", "0"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(html.contains("Ngày này chưa tới") && html.contains("Cần có ít nhất 1 em"));
    assert_eq!(count(&app, council_dialogue::Entity).await, 0);
    // A real one in May 2019.
    app.submit_form(
        &c,
        &csrf,
        &format!("/councils/{k}/dialogues"),
        &[
            ("held_on", "20/05/2019"),
            ("attendees", "Ông Lò Văn Hưng, Phó Chủ tịch HĐND huyện"),
            (
                "issues",
                "Đường đến trường trơn trượt mùa mưa; thiếu nước sạch ở bán trú",
            ),
            ("children_present", "15"),
        ],
        303,
    )
    .await;
    let (_, list) = app
        .api_get(&token, "/api/v1/councils?year=2019&per_page=1000")
        .await;
    assert_eq!(list[0]["works"], true);
    assert_eq!(list[0]["dialogues_in_year"], 1);
    let (_, list) = app
        .api_get(&token, "/api/v1/councils?year=2020&per_page=1000")
        .await;
    assert_eq!(list[0]["works"], false);
    let (_, html) = app.get(&c, "/councils?year=2019").await;
    assert!(html.contains("Hoạt động năm 2019"));
    let (_, html) = app.get(&c, &format!("/councils/{k}?year=2019")).await;
    assert!(html.contains("Hoạt động năm 2019") && html.contains("Ông Lò Văn Hưng"));
    // The dialogue raises a recommendation to the district education office.
    let (_, body) = app.api_get(&token, &format!("/api/v1/councils/{k}")).await;
    assert_eq!(body["year"], 2019, "the latest year with a dialogue");
    let did = body["dialogues"][0]["id"].as_i64().expect("dialogue");
    let r = app
        .post_form(
            &c,
            &format!("/councils/{k}/dialogues/{did}/recommendations"),
            &[
                ("csrf", &csrf),
                ("text", "Làm lại đoạn đường từ bản đến trường trước mùa mưa"),
                ("topic", "Giao thông"),
                ("agency", "PGDDT-106"),
                ("deadline", "01/05/2019"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a deadline before the dialogue");
    assert_eq!(count(&app, recommendation::Entity).await, 0);
    app.submit_form(
        &c,
        &csrf,
        &format!("/councils/{k}/dialogues/{did}/recommendations"),
        &[
            ("text", "Làm lại đoạn đường từ bản đến trường trước mùa mưa"),
            ("topic", "Giao thông"),
            ("agency", "PGDDT-106"),
            ("deadline", "31/08/2019"),
        ],
        303,
    )
    .await;
    let rec = recommendation::Entity::find()
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("recommendation");
    assert_eq!(rec.source.as_str(), "council_dialogue");
    assert_eq!(i64::from(rec.source_id), did);
    assert_eq!(rec.year, 2019);
    let (_, body) = app.api_get(&token, &format!("/api/v1/councils/{k}")).await;
    assert_eq!(
        body["dialogues"][0]["recommendations"][0]["agency"],
        "PGDDT-106"
    );
    // A club is active in the years it held an activity.
    let club = new_club(&app, &token, "106", None).await;
    let (_, list) = app
        .api_get(&token, "/api/v1/clubs?year=2019&per_page=1000")
        .await;
    assert_eq!(list[0]["active"], false);
    app
        .api_post(
            &token,
            &format!("/api/v1/clubs/{club}/activities"),
            &json!({"held_on": "2019-10-15", "topic": "Quyền tham gia của trẻ em", "girls": 12, "boys": 9}),
        )
        .await
        .expect_status(201);
    let (_, list) = app
        .api_get(&token, "/api/v1/clubs?year=2019&per_page=1000")
        .await;
    assert_eq!(list[0]["active"], true);
    assert_eq!(list[0]["girls_in_year"], 12);
    let (_, html) = app.get(&c, &format!("/clubs/{club}?year=2019")).await;
    assert!(html.contains("Hoạt động năm 2019"));
    let (_, list) = app
        .api_get(&token, "/api/v1/clubs?year=2020&per_page=1000")
        .await;
    assert_eq!(list[0]["active"], false);
}
db_test!(a_dialogue_makes_the_council_work_that_year);

async fn the_demo_records_tell_a_story(app: TestApp) {
    let now = thamgia_web::clock::Clock::now(&*app.clock);
    let sum = thamgia::demo_councils::fill(&app.db, now, 2016)
        .await
        .expect("demo councils");
    assert_eq!(sum.councils, 8);
    assert!(sum.people > 300, "{sum:?}");
    assert_eq!(sum.withdrawn, 2);
    let token = app.token("coordinator").await;
    let works = |list: &Value| {
        list.as_array()
            .expect("array")
            .iter()
            .filter(|k| k["works"] == true)
            .map(|k| k["unit"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let (_, y2016) = app
        .api_get(&token, "/api/v1/councils?year=2016&per_page=1000")
        .await;
    assert_eq!(works(&y2016).len(), 3);
    let (_, y2018) = app
        .api_get(&token, "/api/v1/councils?year=2018&per_page=1000")
        .await;
    assert_eq!(
        y2018.as_array().expect("array").len(),
        6,
        "6 of 8 set up by 2018"
    );
    assert!(
        !works(&y2018).contains(&"109".to_string()),
        "Phong Thổ was silent in 2018"
    );
    let (_, y2019) = app
        .api_get(&token, "/api/v1/councils?year=2019&per_page=1000")
        .await;
    let w = works(&y2019);
    assert!(
        w.contains(&"108".to_string()) && !w.contains(&"107".to_string()),
        "{w:?}"
    );
    let (_, y2020) = app
        .api_get(&token, "/api/v1/councils?year=2020&per_page=1000")
        .await;
    assert_eq!(works(&y2020).len(), 8);
    for k in y2020.as_array().expect("array") {
        let n = k["members_in_year"].as_u64().unwrap_or(0);
        assert!((7..=30).contains(&n), "{k}");
    }
    // Clubs: Sìn Hồ has an active one in 2019; Mường Tè none before 2018.
    let (_, clubs) = app
        .api_get(&token, "/api/v1/clubs?year=2019&per_page=1000")
        .await;
    assert!(
        clubs
            .as_array()
            .expect("array")
            .iter()
            .any(|k| k["unit"] == "108" && k["active"] == true)
    );
    let (_, clubs) = app
        .api_get(&token, "/api/v1/clubs?year=2017&per_page=1000")
        .await;
    assert!(
        !clubs
            .as_array()
            .expect("array")
            .iter()
            .any(|k| k["unit"] == "107")
    );
    // Every named child has a consent; the withdrawn ones show as pseudonyms.
    let (_, people) = app.api_get(&token, "/api/v1/people?per_page=1000").await;
    let people = people.as_array().expect("array");
    assert_eq!(people.len(), sum.people);
    let gone: Vec<&Value> = people
        .iter()
        .filter(|p| p["pseudonymised"] == true)
        .collect();
    assert_eq!(gone.len(), 2);
    assert!(gone.iter().all(|p| {
        p["full_name"]
            .as_str()
            .unwrap_or("")
            .starts_with("Trẻ em #")
    }));
    assert_eq!(count(&app, consent::Entity).await as usize, sum.people);
    // The pages hold up with the whole set.
    let c = app.login("coordinator").await;
    for path in ["/councils?year=2019", "/clubs?year=2019", "/people"] {
        app.page(&c, path).await;
    }
}
db_test!(the_demo_records_tell_a_story);

/// Labels, unique ids, heading order, no script, wide tables scrollable.
fn check_page(path: &str, html: &str) {
    assert!(html.contains("<html lang=\"vi\">"), "{path}");
    assert!(
        !html.contains("<script"),
        "{path}: works without JavaScript"
    );
    let mut ids = std::collections::HashSet::new();
    for tag in ["<input id=\"", "<select id=\"", "<textarea id=\""] {
        for (i, _) in html.match_indices(tag) {
            let id = &html[i + tag.len()..];
            let id = &id[..id.find('"').expect("id")];
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "{path}: {id} has no label"
            );
            assert!(ids.insert(id.to_string()), "{path}: id {id} twice");
        }
    }
    let mut level = 0;
    for (i, _) in html.match_indices("<h") {
        let Some(n) = html[i + 2..i + 3].parse::<u32>().ok() else {
            continue;
        };
        assert!(n <= level + 1, "{path}: h{n} after h{level}");
        level = n;
    }
    assert_eq!(
        html.matches("<table").count(),
        html.matches("class=\"scroll\"").count(),
        "{path}: every table scrolls inside its region"
    );
}

async fn the_pages_are_labelled_and_hold_the_demo_records(app: TestApp) {
    let now = thamgia_web::clock::Clock::now(&*app.clock);
    thamgia::demo_councils::fill(&app.db, now, 7)
        .await
        .expect("demo councils");
    let t = app.token("district106").await;
    let (_, ks) = app
        .api_get(&t, "/api/v1/councils?year=2020&per_page=1000")
        .await;
    let k = ks[0]["id"].as_i64().expect("council");
    let (_, cl) = app
        .api_get(&t, "/api/v1/clubs?year=2020&per_page=1000")
        .await;
    let club = cl[0]["id"].as_i64().expect("club");
    let (_, people) = app.api_get(&t, "/api/v1/people?per_page=1000").await;
    let people = people.as_array().expect("people");
    let named = people[0]["id"].as_i64().expect("person");
    let gone = people
        .iter()
        .find(|p| p["pseudonymised"] == true)
        .and_then(|p| p["id"].as_i64())
        .expect("a withdrawn child in Tam Đường");
    for user in ["district106", "viewer"] {
        let c = app.login(user).await;
        let mut paths = vec![
            "/councils".to_string(),
            "/councils?year=2016".to_string(),
            format!("/councils/{k}"),
            format!("/councils/{k}?year=2017"),
            "/clubs".to_string(),
            format!("/clubs/{club}"),
        ];
        if user == "district106" {
            paths.extend([
                "/people".to_string(),
                "/people/new".to_string(),
                format!("/people/{named}"),
                format!("/people/{gone}"),
                "/councils/new".to_string(),
                "/clubs/new".to_string(),
            ]);
        }
        for path in paths {
            let (s, html) = app.get(&c, &path).await;
            assert_eq!(s, 200, "{user} {path}");
            check_page(&format!("{user} {path}"), &html);
        }
    }
    // The error summary of the form names each field and links to it.
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/people/new").await;
    let r = app.submit_form(&c, &csrf, "/people/new", &[], 422).await;
    let html = r.text().await.expect("html");
    check_page("invalid form", &html);
    for field in [
        "full_name",
        "birth_date",
        "sex",
        "unit",
        "guardian_name",
        "purpose",
    ] {
        assert!(html.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(html.contains(&format!("id=\"{field}-err\"")), "{field}");
    }
}
db_test!(the_pages_are_labelled_and_hold_the_demo_records);
