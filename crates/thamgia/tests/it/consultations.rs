//! Matters and running consultations: registering a school decision, a
//! consultation with questions of every kind, the poster, paper forms, group
//! tallies, bad input that stores nothing, roles, and scoping (a district sees
//! nothing of another district's matters or consultations).

use crate::db_test;
use crate::fixtures::{
    add_question, agency_by_code, count, labels, question, survey, unit_by_code,
};
use crate::helpers::{Answer, TestApp, assert_field_errors, assert_holds, assert_page, location};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use thamgia_domain::access::Actor;
use thamgia_domain::voice::{JoinCode, MatterKind, QuestionKind, Stage};
use thamgia_store::consultations::NewConsultation;
use thamgia_store::entity::{
    answer, consultation, group_tally, group_tally_count, matter, question, response,
};
use thamgia_store::matters::NewMatter;
use thamgia_store::{consultations, matters, users};
use thamgia_web::clock::Clock;

/// Objects of district 107 Mường Tè, for scoping cases: a matter and an open
/// consultation with one single-choice question.
pub struct OtherDistrict {
    pub matter: i32,
    pub consultation: i32,
    pub question: i32,
}

impl OtherDistrict {
    /// Replaces `{m107}`, `{c107}` and `{q107}` in a path.
    pub fn fill(&self, path: &str) -> String {
        path.replace("{m107}", &self.matter.to_string())
            .replace("{c107}", &self.consultation.to_string())
            .replace("{q107}", &self.question.to_string())
    }
}

/// Creates a matter and an open consultation in district 107 (through the store).
pub async fn other_district(app: &TestApp) -> OtherDistrict {
    let db = &app.db.conn;
    let actor = Actor::system("test");
    let now = app.clock.now();
    let u = unit_by_code(db, "107").await;
    let a = agency_by_code(db, "PGDDT-107").await;
    let m = matters::create(
        db,
        &actor,
        now,
        NewMatter {
            kind: MatterKind::SchoolDecision,
            title: "Nội quy bán trú của trường Mường Tè".into(),
            summary: String::new(),
            owner_agency_id: a.id,
            unit_id: u.id,
            stage: Stage::Drafting,
            decision_date: None,
        },
    )
    .await
    .expect("matter 107");
    let codes: Vec<JoinCode> = (0..20)
        .map(|_| {
            let b = uuid::Uuid::new_v4().into_bytes();
            JoinCode::from_random(std::array::from_fn(|i| u32::from(b[i])))
        })
        .collect();
    let today = now.date_naive();
    let k = consultations::create(
        db,
        &actor,
        now,
        NewConsultation {
            intro: String::new(),
            age_min: 11,
            ..survey(
                u.id,
                Some(m.id),
                "Hỏi ý kiến về nội quy bán trú",
                (today, today + chrono::Duration::days(7)),
            )
        },
        codes,
    )
    .await
    .expect("consultation 107");
    let q = question(
        QuestionKind::Single,
        "Em có đồng ý không?",
        true,
        labels(&["Có", "Không"]),
    );
    let question = add_question(db, now, k.id, q).await;
    consultations::open(db, &actor, now, k.id)
        .await
        .expect("open");
    OtherDistrict {
        matter: m.id,
        consultation: k.id,
        question,
    }
}

fn id_after(loc: &str, prefix: &str) -> i32 {
    loc.strip_prefix(prefix)
        .and_then(|s| s.split(['?', '#', '/']).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {loc}"))
}

async fn count_questions(app: &TestApp, k: i32) -> u64 {
    question::Entity::find()
        .filter(question::Column::ConsultationId.eq(k))
        .count(&app.db.conn)
        .await
        .expect("count")
}

async fn responses_of(app: &TestApp, k: i32) -> Vec<response::Model> {
    response::Entity::find()
        .filter(response::Column::ConsultationId.eq(k))
        .all(&app.db.conn)
        .await
        .expect("responses")
}

async fn tallies_of(app: &TestApp, k: i32) -> Vec<group_tally::Model> {
    group_tally::Entity::find()
        .filter(group_tally::Column::ConsultationId.eq(k))
        .all(&app.db.conn)
        .await
        .expect("tallies")
}

async fn user_id(app: &TestApp, name: &str) -> i32 {
    users::by_username(&app.db.conn, name)
        .await
        .expect("db")
        .expect("user")
        .id
}

/// The ids of a consultation's questions by kind, and their options.
struct Qs {
    single: (i32, Vec<i32>),
    multiple: (i32, Vec<i32>),
    faces3: i32,
    faces5: i32,
    text: i32,
    ranking: (i32, Vec<i32>),
}

async fn questions_of(app: &TestApp, k: i32) -> Qs {
    let qs = consultations::questions(&app.db.conn, k)
        .await
        .expect("questions");
    let find = |kind: &str| {
        qs.iter()
            .find(|(q, _)| q.kind == kind)
            .map(|(q, os)| (q.id, os.iter().map(|o| o.id).collect::<Vec<_>>()))
            .unwrap_or_else(|| panic!("no {kind} question"))
    };
    Qs {
        single: find("single"),
        multiple: find("multiple"),
        faces3: find("faces3").0,
        faces5: find("faces5").0,
        text: find("text").0,
        ranking: find("ranking"),
    }
}

/// District 106 registers a school decision at the Bản Bo school and an open
/// consultation with one question of every kind, through the API; the
/// facilitator of that school runs it.
async fn open_consultation_via_api(app: &TestApp) -> (i32, i32) {
    let t = app.token("district106").await;
    let m = app
        .api_post(
            &t,
            "/api/v1/matters",
            &json!({"kind": "school_decision", "title": "Giờ ăn trưa ở trường bán trú", "owner_agency": "PGDDT-106",
                    "unit": "106-THCS-BANBO", "stage": "drafting"}),
        )
        .await
        .expect_status(201);
    let mid = m["id"].as_i64().expect("id") as i32;
    let k = app
        .api_post(
            &t,
            "/api/v1/consultations",
            &json!({"matter_id": mid, "title": "Em muốn ăn trưa lúc mấy giờ?", "method": "survey", "age_min": 6,
                    "age_max": 15, "opens_on": "2026-11-28", "closes_on": "2026-12-10", "facilitator": "facilitator106"}),
        )
        .await
        .expect_status(201);
    let kid = k["id"].as_i64().expect("id") as i32;
    assert_eq!(k["status"], "draft");
    assert_eq!(k["unit"], "106-THCS-BANBO");
    assert_eq!(k["facilitator"], "facilitator106");
    let path = format!("/api/v1/consultations/{kid}/questions");
    for q in [
        json!({"kind": "single", "text_vi": "Giờ nào?", "options": [{"label_vi": "11 giờ", "emoji": "🕚"}, {"label_vi": "11 giờ 30"}]}),
        json!({"kind": "multiple", "text_vi": "Em thích món nào?", "required": false,
               "options": [{"label_vi": "Cơm"}, {"label_vi": "Canh"}, {"label_vi": "Rau", "label_en": "Greens"}]}),
        json!({"kind": "faces3", "text_vi": "Bữa trưa hiện nay thế nào?"}),
        json!({"kind": "faces5", "text_vi": "Em có đủ no không?", "required": false}),
        json!({"kind": "text", "text_vi": "Em muốn nói thêm điều gì?", "required": false}),
        json!({"kind": "ranking", "text_vi": "Xếp thứ tự", "required": false,
               "options": [{"label_vi": "Ngon"}, {"label_vi": "Nóng"}, {"label_vi": "Đủ"}]}),
    ] {
        let (s, b) = app.api_post(&t, &path, &q).await;
        assert_eq!(s, 201, "{q}: {b}");
    }
    let b = app
        .api_post(&t, &format!("/api/v1/consultations/{kid}/open"), &json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "open");
    assert_eq!(b["questions"].as_array().expect("questions").len(), 6);
    (mid, kid)
}

// ---------------------------------------------------------------------------

async fn district_registers_a_school_decision_and_builds_a_consultation(app: TestApp) {
    let c = app.login("district106").await;
    let html = app.page(&c, "/matters/new").await;
    assert!(html.contains("Đăng ký vấn đề mới") && html.contains("Trường PTDTBT THCS Bản Bo"));
    assert!(
        !html.contains("PGDDT-107"),
        "another district's agency offered"
    );
    let csrf = app.csrf(&c, "/matters/new").await;

    // Bad input: every error at once, in Vietnamese, nothing stored.
    let before = count(&app, matter::Entity).await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/matters",
            &[
                ("kind", "school_decision"),
                ("title", ""),
                ("agency", "PGDDT-107"),
                ("unit", "107"),
                ("stage", "decided"),
                ("decision_date", "31/02/2026"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert_holds(
        &html,
        "missing message",
        &[
            "Ô này là bắt buộc.",
            "Cơ quan không tồn tại hoặc nằm ngoài phạm vi của bạn.",
            "Đơn vị không tồn tại hoặc nằm ngoài phạm vi của bạn.",
            "Ngày không hợp lệ",
        ],
    );
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"title-err\""));
    let long = "Quyết định ".repeat(25);
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/matters",
            &[
                ("kind", "school_decision"),
                ("title", &long),
                ("agency", "PGDDT-106"),
                ("unit", "106-THCS-BANBO"),
                ("stage", "answered"),
                ("decision_date", ""),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("Quá dài.") && html.contains("được ghi tự động"));
    assert_eq!(count(&app, matter::Entity).await, before);

    // A school decision at the Bản Bo school, decision date from a date picker.
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/matters",
            &[
                ("kind", "school_decision"),
                ("title", "Nội quy sử dụng điện thoại ở trường"),
                ("summary", "Trường quyết định giờ được dùng điện thoại."),
                ("agency", "PGDDT-106"),
                ("unit", "106-THCS-BANBO"),
                ("stage", "drafting"),
                ("decision_date", "2026-12-20"),
            ],
            303,
        )
        .await;
    let mid = id_after(&location(&r), "/matters/");
    let m = matter::Entity::find_by_id(mid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("matter");
    assert_eq!(m.kind.as_str(), "school_decision");
    assert_eq!(m.stage.as_str(), "drafting");
    assert_eq!(m.year, 2026);
    assert_eq!(
        m.decision_date.map(|d| d.to_string()).as_deref(),
        Some("2026-12-20")
    );

    // The list, with filters.
    let html = app.page(&c, "/matters").await;
    assert!(html.contains("Nội quy sử dụng điện thoại ở trường") && html.contains("20/12/2026"));
    let (_, html) = app
        .get(
            &c,
            "/matters?kind=school_decision&year=2026&unit=106-THCS-BANBO&stage=drafting",
        )
        .await;
    assert!(html.contains("Nội quy sử dụng điện thoại ở trường"));
    for q in ["kind=law_policy", "year=2019", "stage=decided"] {
        let html = app.page(&c, &format!("/matters?{q}")).await;
        assert!(!html.contains("Nội quy sử dụng điện thoại ở trường"), "{q}");
    }
    let (s, html) = app.get(&c, "/matters?unit=107").await;
    assert_eq!(s, 422);
    assert!(html.contains("Đơn vị không tồn tại"));

    // A consultation for it: bad input first, nothing stored.
    let html = app
        .page(&c, &format!("/matters/{mid}/consultations/new"))
        .await;
    assert!(
        html.contains("Tẩn Văn Páo"),
        "facilitators in scope are offered"
    );
    let kbefore = count(&app, consultation::Entity).await;
    let mid_s = mid.to_string();
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/consultations",
            &[
                ("matter_id", &mid_s),
                ("unit", "106-THCS-BANBO"),
                ("title", "Điện thoại ở trường"),
                ("method", "survey"),
                ("age_min", "5"),
                ("age_max", "16"),
                ("opens_on", "10/12/2026"),
                ("closes_on", "01/12/2026"),
                ("facilitator", "agency106"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("Tuổi phải từ 6 đến 15."));
    assert!(html.contains("Ngày đóng không được trước ngày mở."));
    assert!(html.contains("Người hỗ trợ không tồn tại"));
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/consultations",
            &[
                ("matter_id", &mid_s),
                ("unit", "106"),
                ("title", "Điện thoại ở trường"),
                ("method", "survey"),
                ("age_min", "12"),
                ("age_max", "11"),
                ("opens_on", "28/11/2026"),
                ("closes_on", "10/12/2026"),
                ("facilitator", "facilitator106"),
                ("audience", "107"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("Tuổi lớn nhất không được nhỏ hơn tuổi nhỏ nhất."));
    assert!(
        html.contains("Đơn vị không tồn tại"),
        "unit 106 is above the matter's school; 107 outside scope"
    );
    assert_eq!(count(&app, consultation::Entity).await, kbefore);

    let r = app
        .submit_form(
            &c,
            &csrf,
            "/consultations",
            &[
                ("matter_id", &mid_s),
                ("unit", "106-THCS-BANBO"),
                ("title", "Điện thoại ở trường"),
                ("intro", "Các em cho biết ý kiến nhé."),
                ("method", "group_discussion"),
                ("age_min", "11"),
                ("age_max", "15"),
                ("opens_on", "28/11/2026"),
                ("closes_on", "2026-12-10"),
                ("facilitator", "facilitator106"),
                ("audience", "106-THCS-BANBO"),
            ],
            303,
        )
        .await;
    let kid = id_after(&location(&r), "/consultations/");
    let k = consultation::Entity::find_by_id(kid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("k");
    assert_eq!(k.status.as_str(), "draft");
    assert_eq!(k.matter_id, Some(mid));
    assert_eq!((k.age_min, k.age_max), (11, 15));
    assert_eq!(
        k.facilitator_id,
        Some(user_id(&app, "facilitator106").await)
    );
    assert!(JoinCode::parse(&k.join_code).is_some(), "{}", k.join_code);
    let m = matter::Entity::find_by_id(mid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("matter");
    assert_eq!(
        m.stage.as_str(),
        "consulting",
        "asking children moves the matter on"
    );
    let html = app.page(&c, &format!("/consultations/{kid}")).await;
    assert!(html.contains(&k.join_code) && html.contains("Thêm câu hỏi") && html.contains("Nháp"));

    // Questions of every kind.
    let qpath = format!("/consultations/{kid}/questions");
    for (kind, text, options) in [
        (
            "single",
            "Em có mang điện thoại đến trường không?",
            "Có | 📱\nKhông | 🚫",
        ),
        (
            "multiple",
            "Em dùng điện thoại để làm gì?",
            "Học | 📚 | Study\nGọi về nhà | ☎️\nChơi trò chơi | 🎮",
        ),
        ("faces3", "Em thấy nội quy hiện nay thế nào?", ""),
        ("faces5", "Em có vui khi ở trường không?", ""),
        ("text", "Em muốn nói gì với thầy cô?", ""),
        (
            "ranking",
            "Xếp thứ tự điều quan trọng",
            "An toàn\nHọc tập\nGia đình",
        ),
    ] {
        let mut form = vec![
            ("csrf".to_string(), csrf.clone()),
            ("kind".into(), kind.into()),
            ("text_vi".into(), text.into()),
            ("text_en".into(), String::new()),
            ("required".into(), "1".into()),
        ];
        form.extend(option_rows(options));
        let r = app.post_form(&c, &qpath, &pairs(&form)).await;
        assert_eq!(r.status().as_u16(), 303, "{kind}");
    }
    assert_eq!(count_questions(&app, kid).await, 6);
    let qs = questions_of(&app, kid).await;
    assert_eq!(qs.single.1.len(), 2);
    assert_eq!(qs.multiple.1.len(), 3);
    let opts = consultations::questions(&app.db.conn, kid)
        .await
        .expect("q");
    let study = &opts
        .iter()
        .find(|(q, _)| q.kind == "multiple")
        .expect("multiple")
        .1[0];
    assert_eq!(
        (
            study.label_vi.as_str(),
            study.emoji.as_deref(),
            study.label_en.as_deref()
        ),
        ("Học", Some("📚"), Some("Study"))
    );

    // Bad questions store nothing: no text, one option, eleven options, options on a face scale.
    let eleven: String = (1..=11).map(|i| format!("Lựa chọn {i}\n")).collect();
    for (kind, text, options, msg) in [
        ("single", "", "Có\nKhông", "Ô này là bắt buộc."),
        (
            "single",
            "Chỉ một lựa chọn?",
            "Có",
            "Cần ít nhất 2 lựa chọn",
        ),
        (
            "ranking",
            "Quá nhiều",
            eleven.as_str(),
            "Nhiều nhất 10 lựa chọn.",
        ),
        ("faces3", "Mặt cười", "Vui\nBuồn", "không cần lựa chọn"),
    ] {
        let mut form = vec![
            ("csrf".to_string(), csrf.clone()),
            ("kind".into(), kind.into()),
            ("text_vi".into(), text.into()),
        ];
        form.extend(option_rows(options));
        let r = app.post_form(&c, &qpath, &pairs(&form)).await;
        assert_eq!(r.status().as_u16(), 422, "{kind} {text}");
        let html = r.text().await.expect("body");
        assert!(html.contains(msg), "{msg}");
    }
    let b = app
        .api_post(
            &app.token("district106").await,
            &format!("/api/v1/consultations/{kid}/questions"),
            &json!({"kind": "single", "text_vi": "Một lựa chọn", "options": [{"label_vi": "Có"}]}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["options"], "too_few_options");
    assert_eq!(count_questions(&app, kid).await, 6);

    // A question can be deleted while in draft.
    app.submit_form(
        &c,
        &csrf,
        &qpath,
        &[("kind", "text"), ("text_vi", "Câu hỏi thừa")],
        303,
    )
    .await;
    let extra = consultations::questions(&app.db.conn, kid)
        .await
        .expect("q")
        .into_iter()
        .find(|(q, _)| q.text_vi == "Câu hỏi thừa")
        .expect("extra")
        .0
        .id;
    app.submit_form(
        &c,
        &csrf,
        &format!("/consultations/{kid}/questions/{extra}/delete"),
        &[],
        303,
    )
    .await;
    assert_eq!(count_questions(&app, kid).await, 6);

    // Open; then the questions are frozen (page 409, API 409), nothing stored.
    app.submit_form(&c, &csrf, &format!("/consultations/{kid}/open"), &[], 303)
        .await;
    let k = consultation::Entity::find_by_id(kid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("k");
    assert_eq!(k.status.as_str(), "open");
    let r = app
        .post_form(
            &c,
            &qpath,
            &[
                ("csrf", &csrf),
                ("kind", "faces3"),
                ("text_vi", "Thêm sau khi mở"),
            ],
        )
        .await;
    assert_page(r, 409, "không thể thay đổi câu hỏi").await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/consultations/{kid}/questions/{}/delete", qs.text),
        &[],
        409,
    )
    .await;
    let b = app
        .api_post(
            &app.token("district106").await,
            &format!("/api/v1/consultations/{kid}/questions"),
            &json!({"kind": "faces3", "text_vi": "Thêm sau khi mở"}),
        )
        .await
        .expect_status(409);
    assert_eq!(b["error"]["fields"]["status"], "not_draft");
    app.submit_form(&c, &csrf, &format!("/consultations/{kid}/open"), &[], 409)
        .await;
    assert_eq!(count_questions(&app, kid).await, 6);

    // The poster: the code, the absolute address from the Host header, an SVG QR code.
    let html = app.page(&c, &format!("/consultations/{kid}/poster")).await;
    let url = format!("{}/c/{}", app.base, k.join_code);
    assert!(url.starts_with("http://127.0.0.1:"));
    assert!(
        html.contains(&k.join_code) && html.contains(&url),
        "poster lacks {url}"
    );
    assert!(html.contains("<svg role=\"img\" aria-label=\"Mã QR dẫn đến"));
    assert!(html.contains("Quét mã QR hoặc vào địa chỉ") && html.contains("Tẩn Văn Páo"));
    assert!(html.contains("28/11/2026") && html.contains("10/12/2026"));
    assert!(!html.contains("<?xml") && !html.contains("style=\""));
    let r = app
        .fetch(&c, &format!("/consultations/{kid}/qr.svg"), 200)
        .await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.expect("svg").contains("<svg"));
    let css = app.page(&c, "/static/consult.css").await;
    assert!(css.contains("@page{size:A4;margin:15mm}"));

    // The matter page: its consultation, a timeline from the audit trail, the due date.
    let html = app.page(&c, &format!("/matters/{mid}")).await;
    assert_holds(
        &html,
        "matter page lacks",
        &[
            "Điện thoại ở trường",
            "Đang mở",
            "Đăng ký vấn đề",
            "Tạo cuộc tham vấn «Điện thoại ở trường»",
            "Mở cuộc tham vấn «Điện thoại ở trường»",
            "18/02/2027",
            "29/11/2026",
        ],
    );
    assert!(!html.contains("Quá hạn trả lời"));
    // Edit: decided a year earlier → the answer is overdue; bad edits store nothing.
    let r = app
        .post_form(
            &c,
            &format!("/matters/{mid}"),
            &[
                ("csrf", &csrf),
                ("title", "Nội quy điện thoại"),
                ("summary", ""),
                ("stage", "decided"),
                ("decision_date", ""),
            ],
        )
        .await;
    assert_page(r, 422, "cần có ngày quyết định").await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/matters/{mid}"),
        &[
            ("title", "Nội quy điện thoại"),
            ("summary", "Đã họp."),
            ("stage", "decided"),
            ("decision_date", "15/09/2025"),
        ],
        303,
    )
    .await;
    let m = matter::Entity::find_by_id(mid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("matter");
    assert_eq!(
        (m.title.as_str(), m.stage.as_str(), m.year),
        ("Nội quy điện thoại", "decided", 2025)
    );
    let (_, html) = app.get(&c, &format!("/matters/{mid}")).await;
    assert!(
        html.contains("Quá hạn trả lời") && html.contains("14/11/2025"),
        "due = decision + 60 days"
    );
    assert!(html.contains("Chuyển giai đoạn: Đang lấy ý kiến → Đã quyết định"));
    assert!(html.contains("Ngày quyết định: 15/09/2025"));
    let (_, html) = app.get(&c, "/matters?stage=decided").await;
    assert!(html.contains("Nội quy điện thoại") && html.contains("Quá hạn trả lời"));
    let t = app.token("district106").await;
    let b = app.api_ok(&t, &format!("/api/v1/matters/{mid}")).await;
    assert_eq!(b["answer_due"], "2025-11-14");
    assert_eq!(b["overdue"], true);
    assert_eq!(b["consulted"], false);
    assert_eq!(b["consultations"][0]["join_code"], k.join_code.as_str());
    // The consultations list.
    let html = app.page(&c, "/consultations?status=open").await;
    assert!(html.contains("Điện thoại ở trường") && html.contains(&k.join_code));
    let (_, html) = app.get(&c, "/consultations?status=draft").await;
    assert!(!html.contains("Điện thoại ở trường"));
}
db_test!(district_registers_a_school_decision_and_builds_a_consultation);

async fn facilitator_types_in_three_paper_forms_in_a_row(app: TestApp) {
    let (_, kid) = open_consultation_via_api(&app).await;
    let qs = questions_of(&app, kid).await;
    let c = app.login("facilitator106").await;
    let path = format!("/consultations/{kid}/paper");
    let facilitator = user_id(&app, "facilitator106").await;
    let school = unit_by_code(&app.db.conn, "106-THCS-BANBO").await;

    let mut sids = vec![];
    for n in 1..=3 {
        let html = app.page(&c, &path).await;
        assert!(html.contains("autofocus") && html.contains("Lưu và nhập phiếu tiếp"));
        let sid = html
            .split("name=\"submission_id\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("submission id")
            .to_string();
        assert!(uuid::Uuid::parse_str(&sid).is_ok());
        assert!(!sids.contains(&sid), "every form gets its own id");
        let csrf = crate::helpers::csrf_in(&html).expect("csrf");
        let age = (8 + n).to_string();
        let single = qs.single.1[n % 2].to_string();
        let m0 = qs.multiple.1[0].to_string();
        let m2 = qs.multiple.1[2].to_string();
        let face = n.to_string();
        let (r0, r1, r2) = (qs.ranking.1[0], qs.ranking.1[1], qs.ranking.1[2]);
        let rank_names = [
            format!("q{}_r{r0}", qs.ranking.0),
            format!("q{}_r{r1}", qs.ranking.0),
            format!("q{}_r{r2}", qs.ranking.0),
        ];
        let (qs_single, qs_multi, qs_f3, qs_f5, qs_text) = (
            format!("q{}", qs.single.0),
            format!("q{}", qs.multiple.0),
            format!("q{}", qs.faces3),
            format!("q{}", qs.faces5),
            format!("q{}", qs.text),
        );
        let form: Vec<(&str, &str)> = vec![
            ("csrf", &csrf),
            ("submission_id", &sid),
            ("age", &age),
            ("sex", if n == 2 { "boy" } else { "girl" }),
            ("ethnic", "08"),
            ("disability", if n == 3 { "yes" } else { "" }),
            ("unit", "106-THCS-BANBO"),
            (&qs_single, &single),
            (&qs_multi, &m0),
            (&qs_multi, &m2),
            (&qs_f3, &face),
            (&qs_f5, ""),
            (
                &qs_text,
                if n == 1 {
                    "Em muốn ăn trưa sớm hơn"
                } else {
                    ""
                },
            ),
            (&rank_names[0], "2"),
            (&rank_names[1], "1"),
            (&rank_names[2], "3"),
        ];
        let r = app.post_form(&c, &path, &form).await;
        assert_eq!(r.status().as_u16(), 303, "form {n}");
        assert_eq!(location(&r), format!("{path}?saved={n}"));
        if n == 1 {
            // Pressing the button twice stores the form once.
            let r = app.post_form(&c, &path, &form).await;
            assert_eq!(r.status().as_u16(), 303);
            assert_eq!(location(&r), format!("{path}?saved=1"));
        }
        sids.push(sid);
    }
    let html = app.page(&c, &format!("{path}?saved=3")).await;
    assert!(html.contains("Đã lưu phiếu số 3."));

    let rows = responses_of(&app, kid).await;
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert_eq!(r.source, "paper");
        assert_eq!(r.entered_by, Some(facilitator));
        assert_eq!(r.unit_id, Some(school.id));
        assert_eq!(r.ethnic.as_deref(), Some("08"));
    }
    assert_eq!(
        rows.iter()
            .filter(|r| r.sex.as_deref() == Some("girl"))
            .count(),
        2
    );
    assert_eq!(
        rows.iter().filter(|r| r.disability == Some(true)).count(),
        1
    );
    let ans = answer::Entity::find()
        .filter(answer::Column::ResponseId.is_in(rows.iter().map(|r| r.id)))
        .all(&app.db.conn)
        .await
        .expect("answers");
    let ranked: Vec<(i32, Option<i32>)> = ans
        .iter()
        .filter(|a| a.question_id == qs.ranking.0 && a.response_id == rows[0].id)
        .map(|a| (a.option_id.unwrap_or(0), a.value))
        .collect();
    assert!(
        ranked.contains(&(qs.ranking.1[1], Some(1)))
            && ranked.contains(&(qs.ranking.1[0], Some(2)))
    );
    let texts: Vec<&answer::Model> = ans.iter().filter(|a| a.text.is_some()).collect();
    assert_eq!(texts.len(), 1);
    assert_eq!(
        texts[0].moderation.as_deref(),
        Some("pending"),
        "free text waits for a moderator"
    );
    assert_eq!(
        ans.iter()
            .filter(|a| a.question_id == qs.multiple.0)
            .count(),
        6
    );

    // Bad paper forms store nothing and keep what was typed.
    let csrf = app.csrf(&c, &path).await;
    let sid = uuid::Uuid::new_v4().to_string();
    let (qs_single, qs_f3) = (format!("q{}", qs.single.0), format!("q{}", qs.faces3));
    for (age, single, face, msg) in [
        (
            "16",
            qs.single.1[0].to_string(),
            "1",
            "Tuổi phải từ 6 đến 15.",
        ),
        (
            "5",
            qs.single.1[0].to_string(),
            "1",
            "Tuổi phải từ 6 đến 15.",
        ),
        ("mười", qs.single.1[0].to_string(), "1", "Hãy nhập một số."),
        ("9", "999999".to_string(), "1", "Lựa chọn không hợp lệ."),
        (
            "9",
            qs.single.1[0].to_string(),
            "4",
            "Lựa chọn không hợp lệ.",
        ),
        ("9", String::new(), "2", "Ô này là bắt buộc."),
    ] {
        let r = app
            .post_form(
                &c,
                &path,
                &[
                    ("csrf", &csrf),
                    ("submission_id", &sid),
                    ("age", age),
                    ("sex", "girl"),
                    (&qs_single, &single),
                    (&qs_f3, face),
                ],
            )
            .await;
        assert_eq!(
            r.status().as_u16(),
            422,
            "age {age} single {single} face {face}"
        );
        let html = r.text().await.expect("body");
        assert!(html.contains(msg), "{msg}");
        assert!(html.contains("Phiếu chưa được lưu"));
        assert!(html.contains(&format!("value=\"{age}\"")), "typed age kept");
        assert!(html.contains(&sid), "the form keeps its id");
    }
    assert_eq!(responses_of(&app, kid).await.len(), 3);

    // The same through the API (offline entry): 201, 200 again, 409 with other content, 422.
    let t = app.token("facilitator106").await;
    let api = format!("/api/v1/consultations/{kid}/paper-responses");
    let sid = uuid::Uuid::new_v4().to_string();
    let body = json!({"submission_id": sid, "profile": {"age": 12, "sex": "boy", "unit": "106-THCS-BANBO"},
                      "answers": {qs.single.0.to_string(): {"options": [qs.single.1[0]]}, qs.faces3.to_string(): {"face": 2}}});
    let b = app.api_post(&t, &api, &body).await.expect_status(201);
    assert_eq!(b["duplicate"], false);
    let b = app.api_post(&t, &api, &body).await.expect_status(200);
    assert_eq!(b["duplicate"], true);
    let other = json!({"submission_id": sid, "answers": {qs.single.0.to_string(): {"options": [qs.single.1[1]]}, qs.faces3.to_string(): {"face": 3}}});
    let b = app.api_post(&t, &api, &other).await.expect_status(409);
    assert_eq!(b["error"]["fields"]["submission_id"], "different_content");
    let bad = json!({"submission_id": uuid::Uuid::new_v4().to_string(), "profile": {"age": 5, "ethnic": "99"},
                     "answers": {qs.single.0.to_string(): {"options": [123456]}, "999999": {"face": 1}}});
    let b = app.api_post(&t, &api, &bad).await.expect_status(422);
    let f = &b["error"]["fields"];
    assert_eq!(f["age"], "age_out_of_range");
    assert_eq!(f["ethnic"], "unknown_option");
    assert_eq!(f[format!("q{}", qs.single.0)], "unknown_option");
    assert_eq!(f[format!("q{}", qs.faces3)], "required");
    assert_eq!(f["q999999"], "unknown_question");
    let b = app
        .api_post(
            &t,
            &api,
            &json!({"submission_id": "not-a-uuid", "answers": {qs.single.0.to_string(): {"options": [qs.single.1[0]]}, qs.faces3.to_string(): {"face": 1}}}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["submission_id"], "not_a_uuid");
    let rows = responses_of(&app, kid).await;
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|r| r.source == "paper" && r.entered_by == Some(facilitator))
    );

    // The consultation page counts the paper forms.
    let (_, html) = app.get(&c, &format!("/consultations/{kid}")).await;
    assert!(html.contains("Phiếu giấy: 4"), "paper count shown");
}
db_test!(facilitator_types_in_three_paper_forms_in_a_row);

async fn group_tallies_must_add_up(app: TestApp) {
    let (_, kid) = open_consultation_via_api(&app).await;
    let qs = questions_of(&app, kid).await;
    let c = app.login("facilitator106").await;
    let path = format!("/consultations/{kid}/tally");
    let html = app.page(&c, &path).await;
    assert!(html.contains("Số em nữ") && html.contains("11 giờ 30") && html.contains("Rau"));
    assert!(!html.contains("Ngon"), "ranking options are not tallied");
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    let sid = uuid::Uuid::new_v4().to_string();
    let (s0, s1) = (
        format!("o{}", qs.single.1[0]),
        format!("o{}", qs.single.1[1]),
    );
    let m0 = format!("o{}", qs.multiple.1[0]);
    let send = |fields: Vec<(&'static str, String)>| {
        let mut form: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("submission_id".into(), sid.clone()),
        ];
        if !fields.iter().any(|(k, _)| *k == "label") {
            form.push(("label".into(), "Lớp 7A, nhóm 1".into()));
        }
        form.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
        form
    };
    let post = |form: Vec<(String, String)>| {
        let c = c.clone();
        let url = app.url(&path);
        async move { c.post(url).form(&form).send().await.expect("post") }
    };
    // Girls + boys (10) differ from the age bands (6): refused, nothing stored.
    let mut bad = send(vec![
        ("girls", "5".into()),
        ("boys", "5".into()),
        ("age_6_10", "3".into()),
        ("age_11_15", "3".into()),
    ]);
    bad.push((s0.clone(), "4".into()));
    let r = post(bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert!(html.contains("không khớp"), "total mismatch explained");
    assert!(html.contains("value=\"5\""), "typed numbers kept");
    // More children chose an option than are in the group; a single choice adds up to more than the group.
    let mut bad = send(vec![
        ("girls", "3".into()),
        ("boys", "2".into()),
        ("age_6_10", "1".into()),
        ("age_11_15", "4".into()),
    ]);
    bad.push((s0.clone(), "4".into()));
    bad.push((s1.clone(), "3".into()));
    bad.push((m0.clone(), "6".into()));
    let r = post(bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert!(html.contains("không được lớn hơn số em trong nhóm"));
    assert!(html.contains("Câu hỏi chọn một"));
    // Nobody, a negative number, too many.
    for (g, b) in [("0", "0"), ("-1", "3"), ("150", "60")] {
        let r = post(send(vec![
            ("girls", g.into()),
            ("boys", b.into()),
            ("age_6_10", "0".into()),
            ("age_11_15", "2".into()),
        ]))
        .await;
        assert_eq!(r.status().as_u16(), 422, "{g} {b}");
    }
    let r = post(send(vec![
        ("label", String::new()),
        ("girls", "1".into()),
        ("boys", "1".into()),
        ("age_6_10", "1".into()),
        ("age_11_15", "1".into()),
    ]))
    .await;
    assert_eq!(r.status().as_u16(), 422, "the group needs a name");
    assert!(tallies_of(&app, kid).await.is_empty());

    // A consistent tally is stored once, even when sent twice.
    let mut good = send(vec![
        ("girls", "7".into()),
        ("boys", "5".into()),
        ("age_6_10", "4".into()),
        ("age_11_15", "8".into()),
    ]);
    good.push((s0.clone(), "8".into()));
    good.push((s1.clone(), "4".into()));
    good.push((m0.clone(), "12".into()));
    for _ in 0..2 {
        let r = post(good.clone()).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), format!("{path}?saved=1"));
    }
    let ts = tallies_of(&app, kid).await;
    assert_eq!(ts.len(), 1);
    let t = &ts[0];
    assert_eq!(
        (t.label.as_str(), t.girls, t.boys, t.age_6_10, t.age_11_15),
        ("Lớp 7A, nhóm 1", 7, 5, 4, 8)
    );
    assert_eq!(t.entered_by, Some(user_id(&app, "facilitator106").await));
    let counts = group_tally_count::Entity::find()
        .filter(group_tally_count::Column::TallyId.eq(t.id))
        .all(&app.db.conn)
        .await
        .expect("counts");
    let n = |o: i32| counts.iter().find(|x| x.option_id == o).map(|x| x.count);
    assert_eq!(n(qs.single.1[0]), Some(8));
    assert_eq!(n(qs.single.1[1]), Some(4));
    assert_eq!(n(qs.multiple.1[0]), Some(12));
    let (_, html) = app.get(&c, &format!("{path}?saved=1")).await;
    assert!(
        html.contains("Đã lưu kết quả của nhóm.") && html.contains("Lớp 7A, nhóm 1: 12 trẻ em")
    );

    // The API for offline tools.
    let t = app.token("facilitator106").await;
    let api = format!("/api/v1/consultations/{kid}/tallies");
    let body = json!({"submission_id": uuid::Uuid::new_v4().to_string(), "label": "Lớp 8B", "girls": 4, "boys": 6,
                      "age_6_10": 0, "age_11_15": 10, "counts": {qs.single.1[0].to_string(): 10}});
    app.api_post(&t, &api, &body).await.expect_status(201);
    let b = app.api_post(&t, &api, &body).await.expect_status(200);
    assert_eq!(b["duplicate"], true);
    let bad = json!({"submission_id": uuid::Uuid::new_v4().to_string(), "label": "Lớp 9", "girls": 4, "boys": 6,
                     "age_6_10": 5, "age_11_15": 4, "counts": {qs.single.1[0].to_string(): 11, "999999": 1}});
    let b = app.api_post(&t, &api, &bad).await.expect_status(422);
    assert_eq!(b["error"]["fields"]["ages"], "total_mismatch");
    assert_eq!(
        b["error"]["fields"][format!("o{}", qs.single.1[0])],
        "count_too_large"
    );
    assert_eq!(b["error"]["fields"]["o999999"], "unknown_option");
    assert_eq!(tallies_of(&app, kid).await.len(), 2);
    let (_, k) = app
        .api_get(&t, &format!("/api/v1/consultations/{kid}"))
        .await;
    assert_eq!(k["responses"]["group_tallies"], 2);
    assert_eq!(k["responses"]["children_in_tallies"], 22);
}
db_test!(group_tallies_must_add_up);

async fn nothing_is_entered_unless_the_consultation_is_open(app: TestApp) {
    let t = app.token("district106").await;
    let m = app
        .api_post(
            &t,
            "/api/v1/matters",
            &json!({"kind": "community_decision", "title": "Sân chơi của bản",
            "owner_agency": "UBND-106", "unit": "106", "decision_date": "2026-10-01", "stage": "decided"}),
        )
        .await
        .expect_status(201);
    assert_eq!(m["year"], 2026);
    let mid = m["id"].as_i64().expect("id");
    // Bad consultations are refused with every field named; nothing stored.
    let before = count(&app, consultation::Entity).await;
    let b = app
        .api_post(
            &t,
            "/api/v1/consultations",
            &json!({"matter_id": mid, "title": "", "method": "poll",
            "age_min": 5, "age_max": 16, "opens_on": "2026-12-10", "closes_on": "2026-12-01", "audience": ["999"]}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &b,
        &[
            ("title", "required"),
            ("method", "unknown_option"),
            ("age_min", "age_range"),
            ("age_max", "age_range"),
            ("closes_on", "closes_before_opens"),
            ("audience", "unknown_unit"),
        ],
    );
    let b = app
        .api_post(
            &t,
            "/api/v1/consultations",
            &json!({"matter_id": mid, "title": "Sân chơi",
            "method": "survey", "age_min": 6, "age_max": 15, "opens_on": "2026-12-01"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["closes_on"], "required");
    assert_eq!(count(&app, consultation::Entity).await, before);

    let k = app.api_post(&t, "/api/v1/consultations", &json!({"matter_id": mid, "title": "Sân chơi",
            "method": "group_discussion", "age_min": 6, "age_max": 10, "opens_on": "01/12/2026", "closes_on": "15/12/2026",
            "audience": ["106", "106-THCS-BANBO"]})).await.expect_status(201);
    assert_eq!(k["audience"], json!(["106", "106-THCS-BANBO"]));
    let kid = k["id"].as_i64().expect("id") as i32;
    // No questions: cannot open.
    let b = app
        .api_post(&t, &format!("/api/v1/consultations/{kid}/open"), &json!({}))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["questions"], "no_questions");
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, &format!("/consultations/{kid}")).await;
    let r = app
        .post_form(
            &c,
            &format!("/consultations/{kid}/open"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_page(r, 422, "Cần có ít nhất một câu hỏi").await;
    // While a draft: no paper forms, no tallies.
    let html = app.page(&c, &format!("/consultations/{kid}/paper")).await;
    assert!(
        html.contains("Chỉ nhập được ý kiến khi cuộc tham vấn đang mở.")
            && !html.contains("submission_id")
    );
    app.submit_form(
        &c,
        &csrf,
        &format!("/consultations/{kid}/paper"),
        &[
            ("submission_id", &uuid::Uuid::new_v4().to_string()),
            ("age", "8"),
        ],
        409,
    )
    .await;
    app.submit_form(
        &c,
        &csrf,
        &format!("/consultations/{kid}/tally"),
        &[
            ("submission_id", &uuid::Uuid::new_v4().to_string()),
            ("label", "Nhóm 1"),
            ("girls", "1"),
            ("boys", "1"),
            ("age_6_10", "2"),
            ("age_11_15", "0"),
        ],
        409,
    )
    .await;
    let b = app
        .api_post(
            &t,
            &format!("/api/v1/consultations/{kid}/paper-responses"),
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": {}}),
        )
        .await
        .expect_status(409);
    assert_eq!(b["error"]["fields"]["status"], "not_open");
    app
        .api_post(
            &t,
            &format!("/api/v1/consultations/{kid}/tallies"),
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(), "label": "N", "girls": 1, "boys": 0, "age_6_10": 1, "age_11_15": 0}),
        )
        .await
        .expect_status(409);
    assert!(responses_of(&app, kid).await.is_empty() && tallies_of(&app, kid).await.is_empty());
    // An audience of 6–10: a tally with older children is refused once open.
    app
        .api_post(
            &t,
            &format!("/api/v1/consultations/{kid}/questions"),
            &json!({"kind": "single", "text_vi": "Em muốn sân chơi ở đâu?", "options": [{"label_vi": "Gần trường"}, {"label_vi": "Gần nhà văn hóa"}]}),
        )
        .await
        .expect_status(201);
    app.api_post(&t, &format!("/api/v1/consultations/{kid}/open"), &json!({}))
        .await
        .expect_status(200);
    let b = app
        .api_post(
            &t,
            &format!("/api/v1/consultations/{kid}/tallies"),
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(), "label": "N", "girls": 1, "boys": 1, "age_6_10": 1, "age_11_15": 1}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["age_11_15"], "outside_audience");
    // PATCH a matter: clear the decision date of a decided matter is refused; a title change is kept.
    let b = app
        .api_patch(
            &t,
            &format!("/api/v1/matters/{mid}"),
            &json!({"decision_date": null}),
        )
        .await
        .expect_status(422);
    assert_eq!(
        b["error"]["fields"]["decision_date"],
        "decision_date_required"
    );
    let b = app
        .api_patch(
            &t,
            &format!("/api/v1/matters/{mid}"),
            &json!({"title": "Sân chơi mới của bản", "stage": "answered"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["stage"], "stage_answered_auto");
    let b = app
        .api_patch(
            &t,
            &format!("/api/v1/matters/{mid}"),
            &json!({"title": "Sân chơi mới của bản"}),
        )
        .await
        .expect_status(200);
    assert_eq!(b["title"], "Sân chơi mới của bản");
    assert_eq!(b["decision_date"], "2026-10-01");
    let list = app
        .api_ok(
            &t,
            "/api/v1/matters?kind=community_decision&year=2026&unit=106&per_page=1000",
        )
        .await;
    assert_eq!(list.as_array().expect("list").len(), 1);
    let b = app
        .api_get(&t, "/api/v1/matters?year=abc&kind=x&per_page=1000")
        .await
        .expect_status(422);
    assert_field_errors(&b, &[("year", "not_a_number"), ("kind", "unknown_option")]);
}
db_test!(nothing_is_entered_unless_the_consultation_is_open);

async fn roles_decide_who_registers_runs_and_reads(app: TestApp) {
    // The agency officer registers matters for their own agency only.
    let c = app.login("agency106").await;
    let html = app.page(&c, "/matters/new").await;
    assert!(
        html.contains("<option value=\"PGDDT-106\" selected>"),
        "own agency preselected"
    );
    assert!(
        !html.contains("PLDTBXH-106"),
        "only their agency is offered"
    );
    let csrf = app.csrf(&c, "/matters/new").await;
    let before = count(&app, matter::Entity).await;
    let r = app
        .post_form(
            &c,
            "/matters",
            &[
                ("csrf", &csrf),
                ("kind", "law_policy"),
                ("title", "Kế hoạch giáo dục kỹ năng sống"),
                ("agency", "PLDTBXH-106"),
                ("unit", "106"),
                ("stage", "drafting"),
            ],
        )
        .await;
    assert_page(r, 422, "Bạn chỉ đăng ký được vấn đề của cơ quan mình.").await;
    assert_eq!(count(&app, matter::Entity).await, before);
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/matters",
            &[
                ("kind", "law_policy"),
                ("title", "Kế hoạch giáo dục kỹ năng sống"),
                ("agency", "PGDDT-106"),
                ("unit", "106"),
                ("stage", "drafting"),
                ("decision_date", ""),
            ],
            303,
        )
        .await;
    let mid = id_after(&location(&r), "/matters/");
    let m = matter::Entity::find_by_id(mid)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("m");
    let own = agency_by_code(&app.db.conn, "PGDDT-106").await;
    assert_eq!(m.owner_agency_id, own.id);
    assert_eq!(m.created_by, Some(user_id(&app, "agency106").await));
    let t = app.token("agency106").await;
    let b = app
        .api_post(
            &t,
            "/api/v1/matters",
            &json!({"kind": "law_policy", "title": "X", "owner_agency": "UBND-106", "unit": "106"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["owner_agency"], "not_your_agency");
    // ... and cannot edit another agency's matter.
    let (_, other) = app
        .api_post(
            &app.token("district106").await,
            "/api/v1/matters",
            &json!({"kind": "community_decision", "title": "Đường đến trường", "owner_agency": "UBND-106", "unit": "106"}),
        )
        .await;
    let other_id = other["id"].as_i64().expect("id");
    app.api_patch(
        &t,
        &format!("/api/v1/matters/{other_id}"),
        &json!({"title": "Đổi"}),
    )
    .await
    .expect_status(403);
    app.api_patch(
        &t,
        &format!("/api/v1/matters/{mid}"),
        &json!({"summary": "Giáo dục kỹ năng"}),
    )
    .await
    .expect_status(200);

    // The facilitator cannot register matters, but runs consultations at their school.
    let f = app.login("facilitator106").await;
    let (s, _) = app.get(&f, "/matters/new").await;
    assert_eq!(s, 403);
    let fcsrf = app.csrf(&f, "/matters").await;
    app.submit_form(
        &f,
        &fcsrf,
        "/matters",
        &[
            ("kind", "school_decision"),
            ("title", "T"),
            ("agency", "PGDDT-106"),
            ("unit", "106-THCS-BANBO"),
            ("stage", "drafting"),
        ],
        403,
    )
    .await;
    let ft = app.token("facilitator106").await;
    app
        .api_post(
            &ft,
            "/api/v1/matters",
            &json!({"kind": "school_decision", "title": "T", "owner_agency": "PGDDT-106", "unit": "106-THCS-BANBO"}),
        )
        .await
        .expect_status(403);
    assert_eq!(count(&app, matter::Entity).await, before + 2);
    // A matter of the district is above the school: the facilitator does not see it.
    let (s, _) = app.get(&f, &format!("/matters/{mid}")).await;
    assert_eq!(s, 404);
    let (mid2, kid) = open_consultation_via_api(&app).await;
    let html = app.page(&f, &format!("/matters/{mid2}")).await;
    assert!(
        html.contains(&format!("href=\"/matters/{mid2}/consultations/new\"")),
        "the facilitator may ask children about a school decision"
    );
    let r = app
        .post_form(
            &f,
            "/consultations",
            &[
                ("csrf", &fcsrf),
                ("matter_id", &mid2.to_string()),
                ("title", "Buổi thảo luận lớp 8"),
                ("method", "group_discussion"),
                ("age_min", "12"),
                ("age_max", "14"),
                ("opens_on", "29/11/2026"),
                ("closes_on", "29/11/2026"),
                ("facilitator", "facilitator106"),
            ],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "a facilitator creates a consultation on a school decision"
    );
    let _ = app.page(&f, &format!("/consultations/{kid}/poster")).await;

    // The viewer reads everything in scope and changes nothing.
    let v = app.login("viewer").await;
    for path in [
        "/matters".to_string(),
        format!("/matters/{mid}"),
        "/consultations".into(),
        format!("/consultations/{kid}"),
        format!("/consultations/{kid}/poster"),
    ] {
        app.page(&v, &path).await;
    }
    let (_, html) = app.get(&v, &format!("/consultations/{kid}")).await;
    assert!(
        !html.contains("Nhập phiếu giấy") && !html.contains("Thêm câu hỏi"),
        "no actions offered to a viewer"
    );
    let (_, html) = app.get(&v, &format!("/matters/{mid}")).await;
    assert!(
        !html.contains(&format!("<form method=\"post\" action=\"/matters/{mid}\"")),
        "no edit form for a viewer"
    );
    assert!(
        html.contains("Sửa thông tin vấn đề"),
        "the timeline shows the agency's edit"
    );
    for path in [
        "/matters/new".to_string(),
        format!("/consultations/{kid}/paper"),
        format!("/consultations/{kid}/tally"),
        format!("/matters/{mid}/consultations/new"),
    ] {
        let (s, _) = app.get(&v, &path).await;
        assert_eq!(s, 403, "{path}");
    }
    let vcsrf = app.csrf(&v, "/matters").await;
    for path in [
        format!("/matters/{mid}"),
        format!("/consultations/{kid}/paper"),
        format!("/consultations/{kid}/tally"),
        format!("/consultations/{kid}/questions"),
        format!("/consultations/{kid}/open"),
        "/consultations".into(),
    ] {
        let r = app
            .post_form(&v, &path, &[("csrf", &vcsrf), ("title", "x")])
            .await;
        assert_eq!(r.status().as_u16(), 403, "POST {path}");
    }
    let vt = app.token("viewer").await;
    let list = app.api_ok(&vt, "/api/v1/matters?per_page=1000").await;
    assert!(list.as_array().expect("list").len() >= 3);
    app.api_ok(&vt, &format!("/api/v1/consultations/{kid}"))
        .await;
    for (m, path) in [
        (Method::POST, "/api/v1/matters".to_string()),
        (Method::PATCH, format!("/api/v1/matters/{mid}")),
        (Method::POST, "/api/v1/consultations".into()),
        (
            Method::POST,
            format!("/api/v1/consultations/{kid}/questions"),
        ),
        (
            Method::POST,
            format!("/api/v1/consultations/{kid}/paper-responses"),
        ),
        (Method::POST, format!("/api/v1/consultations/{kid}/tallies")),
    ] {
        let (s, b) = app.api_send(m.clone(), &vt, &path, &json!({})).await;
        assert_eq!(s, 403, "{m} {path}");
        assert_eq!(b["error"]["code"], "forbidden");
    }
    assert!(responses_of(&app, kid).await.is_empty());
}
db_test!(roles_decide_who_registers_runs_and_reads);

async fn another_district_is_not_found_on_every_route(app: TestApp) {
    let o = other_district(&app).await;
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/matters").await;
    for path in [
        "/matters/{m107}",
        "/matters/{m107}/consultations/new",
        "/consultations/{c107}",
        "/consultations/{c107}/poster",
        "/consultations/{c107}/qr.svg",
        "/consultations/{c107}/paper",
        "/consultations/{c107}/tally",
    ] {
        let (s, html) = app.get(&c, &o.fill(path)).await;
        assert_eq!(s, 404, "GET {path}");
        assert!(!html.contains("Mường Tè"), "{path} leaks a name");
    }
    let m107 = o.matter.to_string();
    for (path, form) in [
        (
            "/matters/{m107}",
            vec![("title", "Đổi tên"), ("stage", "drafting")],
        ),
        (
            "/consultations",
            vec![
                ("matter_id", m107.as_str()),
                ("title", "T"),
                ("method", "survey"),
            ],
        ),
        (
            "/consultations/{c107}/questions",
            vec![("kind", "text"), ("text_vi", "Câu hỏi")],
        ),
        ("/consultations/{c107}/questions/{q107}/delete", vec![]),
        ("/consultations/{c107}/open", vec![]),
        (
            "/consultations/{c107}/paper",
            vec![
                ("submission_id", "00000000-0000-4000-8000-000000000000"),
                ("age", "12"),
            ],
        ),
        (
            "/consultations/{c107}/tally",
            vec![("label", "N"), ("girls", "1"), ("age_11_15", "1")],
        ),
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(form);
        let r = app.post_form(&c, &o.fill(path), &f).await;
        assert_eq!(r.status().as_u16(), 404, "POST {path}");
    }
    let t = app.token("district106").await;
    for (m, path) in [
        (Method::GET, "/api/v1/matters/{m107}"),
        (Method::PATCH, "/api/v1/matters/{m107}"),
        (Method::GET, "/api/v1/consultations/{c107}"),
        (Method::POST, "/api/v1/consultations/{c107}/questions"),
        (Method::POST, "/api/v1/consultations/{c107}/open"),
        (Method::POST, "/api/v1/consultations/{c107}/paper-responses"),
        (Method::POST, "/api/v1/consultations/{c107}/tallies"),
    ] {
        let (s, b) = app.api_send(m.clone(), &t, &o.fill(path), &json!({})).await;
        assert_eq!(s, 404, "{m} {path}");
        assert_eq!(b["error"]["code"], "not_found");
    }
    // Lists hold only the district's own; references to 107 in bodies are unknown.
    let (_, list) = app.api_get(&t, "/api/v1/matters?per_page=1000").await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .all(|m| m["id"] != o.matter)
    );
    let (_, list) = app.api_get(&t, "/api/v1/consultations?per_page=1000").await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .all(|k| k["id"] != o.consultation)
    );
    let (_, html) = app.get(&c, "/matters").await;
    assert!(!html.contains("Nội quy bán trú của trường Mường Tè"));
    let (_, html) = app.get(&c, "/consultations").await;
    assert!(!html.contains("Hỏi ý kiến về nội quy bán trú"));
    let b = app
        .api_get(&t, "/api/v1/matters?unit=107&per_page=1000")
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "unknown_unit");
    let before = (
        count(&app, matter::Entity).await,
        count(&app, consultation::Entity).await,
    );
    let b = app
        .api_post(
            &t,
            "/api/v1/matters",
            &json!({"kind": "school_decision", "title": "T", "owner_agency": "PGDDT-107", "unit": "107"}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &b,
        &[("unit", "unknown_unit"), ("owner_agency", "unknown_agency")],
    );
    let b = app
        .api_post(
            &t,
            "/api/v1/consultations",
            &json!({"matter_id": o.matter, "title": "T", "method": "survey",
            "age_min": 11, "age_max": 15, "opens_on": "2026-12-01", "closes_on": "2026-12-02"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["matter_id"], "unknown_matter");
    assert_eq!(
        (
            count(&app, matter::Entity).await,
            count(&app, consultation::Entity).await
        ),
        before
    );
    assert!(
        responses_of(&app, o.consultation).await.is_empty()
            && tallies_of(&app, o.consultation).await.is_empty()
    );
    assert_eq!(count_questions(&app, o.consultation).await, 1);
}
db_test!(another_district_is_not_found_on_every_route);

/// The question builder's choice rows (`o{n}_vi`, `o{n}_pic`, `o{n}_en`)
/// for choices written one a line, `label | picture | English label`.
pub(crate) fn option_rows(lines: &str) -> Vec<(String, String)> {
    let mut rows = vec![];
    for (i, l) in lines.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let mut parts = l.split('|').map(str::trim);
        for part in ["vi", "pic", "en"] {
            rows.push((
                format!("o{}_{part}", i + 1),
                parts.next().unwrap_or("").to_string(),
            ));
        }
    }
    rows
}

/// Owned form fields as the test client takes them.
pub(crate) fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
