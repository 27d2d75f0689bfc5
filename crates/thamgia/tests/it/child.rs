//! The child's page `/c/{code}` and the public submission API: every question
//! kind renders with its pictures within the 14 KB budget, a valid answer is
//! stored once and thanked in the same response, bad
//! input stores nothing, resends are safe, rate limits hold, and the published
//! answer appears at the same address.

use crate::db_test;
use crate::fixtures::{add_question, demo_open_consultation, question, unit_by_code};
use crate::helpers::{Answer, TestApp, assert_holds, column, csrf_in, location};
use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use thamgia_domain::access::Actor;
use thamgia_domain::voice::{JoinCode, Method as HowAsked, QuestionKind};
use thamgia_store::consultations::{self, AnswerBack, NewConsultation};
use thamgia_store::entity::{answer, response};
use thamgia_store::responses;
use thamgia_web::clock::Clock;

/// A consultation with one question of every kind.
pub(crate) struct Setup {
    id: i32,
    pub(crate) code: String,
    single: (i32, Vec<i32>),
    multiple: (i32, Vec<i32>),
    faces3: i32,
    faces5: i32,
    pub(crate) text: i32,
    ranking: (i32, Vec<i32>),
    school_id: i32,
}

fn actor() -> Actor {
    Actor::system("test")
}

fn today(app: &TestApp) -> NaiveDate {
    app.clock.now().date_naive()
}

/// Creates a consultation through the store (in draft), for unit 106 with its
/// subtree as audience, open from yesterday to next week.
async fn draft(app: &TestApp, code: &str, opens: NaiveDate, closes: NaiveDate) -> Setup {
    let db = &app.db.conn;
    let now = app.clock.now();
    let district = unit_by_code(db, "106").await;
    let school = unit_by_code(db, thamgia::demo::DEMO_SCHOOL).await;
    let k = consultations::create(
        db,
        &actor(),
        now,
        NewConsultation {
            matter_id: None,
            unit_id: district.id,
            title: "Sân chơi mới của trường em".into(),
            intro: "Trường sắp làm sân chơi mới.\nEm muốn sân chơi thế nào?".into(),
            method: HowAsked::Online,
            age_min: 6,
            age_max: 15,
            opens_on: opens,
            closes_on: closes,
            facilitator_id: None,
            audience_unit_ids: vec![district.id],
        },
        [JoinCode::parse(code).expect("code")],
    )
    .await
    .expect("create");
    let opt = |vi: &str, emoji: Option<&str>| {
        (
            vi.to_string(),
            Some(format!("{vi} (en)")),
            emoji.map(str::to_string),
        )
    };
    let mut ids = vec![];
    for (kind, text, required, options) in [
        (
            QuestionKind::Single,
            "Em thích chơi ở đâu nhất?",
            true,
            vec![opt("Sân bóng", Some("⚽")), opt("Vườn cây", Some("🌳"))],
        ),
        (
            QuestionKind::Multiple,
            "Sân chơi cần có gì?",
            true,
            vec![
                opt("Xích đu", Some("🎠")),
                opt("Cầu trượt", None),
                opt("Ghế đá", None),
            ],
        ),
        (
            QuestionKind::Faces3,
            "Em thấy sân chơi bây giờ thế nào?",
            true,
            vec![],
        ),
        (
            QuestionKind::Faces5,
            "Em có thích đến trường không?",
            true,
            vec![],
        ),
        (
            QuestionKind::Text,
            "Em muốn nói thêm điều gì?",
            false,
            vec![],
        ),
        (
            QuestionKind::Ranking,
            "Xếp thứ tự điều em muốn làm trước",
            true,
            vec![
                opt("Trồng cây", None),
                opt("Sơn tường", None),
                opt("Làm mái che", None),
            ],
        ),
    ] {
        let q = question(kind, text, required, options);
        ids.push(add_question(db, now, k.id, q).await);
    }
    let qs = consultations::questions(db, k.id).await.expect("questions");
    let opts = |i: usize| (qs[i].0.id, qs[i].1.iter().map(|o| o.id).collect::<Vec<_>>());
    Setup {
        id: k.id,
        code: k.join_code,
        single: opts(0),
        multiple: opts(1),
        faces3: ids[2],
        faces5: ids[3],
        text: ids[4],
        ranking: opts(5),
        school_id: school.id,
    }
}

/// An open consultation (from yesterday to next week).
pub(crate) async fn open(app: &TestApp, code: &str) -> Setup {
    let t = today(app);
    let s = draft(app, code, t - Duration::days(1), t + Duration::days(7)).await;
    consultations::open(&app.db.conn, &actor(), app.clock.now(), s.id)
        .await
        .expect("open");
    s
}

pub(crate) async fn count(app: &TestApp, s: &Setup) -> u64 {
    responses::count(&app.db.conn, s.id).await.expect("count")
}

/// The page's form fields for a complete, valid answer.
pub(crate) fn valid(s: &Setup, csrf: &str, sid: &str) -> Vec<(String, String)> {
    let f = |k: String, v: String| (k, v);
    vec![
        f("csrf".into(), csrf.into()),
        f("submission_id".into(), sid.into()),
        f("age".into(), "9".into()),
        f("sex".into(), "girl".into()),
        f("ethnic".into(), "08".into()),
        f("disability".into(), "no".into()),
        f("unit".into(), thamgia::demo::DEMO_SCHOOL.into()),
        f(format!("q{}", s.single.0), s.single.1[1].to_string()),
        f(format!("q{}", s.multiple.0), s.multiple.1[0].to_string()),
        f(format!("q{}", s.multiple.0), s.multiple.1[2].to_string()),
        f(format!("q{}", s.faces3), "3".into()),
        f(format!("q{}", s.faces5), "1".into()),
        f(
            format!("q{}", s.text),
            "Em muốn có mái che để chơi khi trời mưa.".into(),
        ),
        // Ranking: the third option first, then the first, then the second.
        f(format!("q{}_o{}", s.ranking.0, s.ranking.1[0]), "2".into()),
        f(format!("q{}_o{}", s.ranking.0, s.ranking.1[1]), "3".into()),
        f(format!("q{}_o{}", s.ranking.0, s.ranking.1[2]), "1".into()),
    ]
}

pub(crate) fn set(form: &mut Vec<(String, String)>, key: &str, value: &str) {
    form.retain(|(k, _)| k != key);
    form.push((key.to_string(), value.to_string()));
}

fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} field"));
    let rest = &html[i + needle.len()..];
    rest[..rest.find('"').expect("quote")].to_string()
}

/// Opens the form as a browser would: the CSRF token and the submission id.
pub(crate) async fn open_form(app: &TestApp, c: &reqwest::Client, s: &Setup) -> (String, String) {
    let html = app.page(c, &format!("/c/{}", s.code)).await;
    (
        csrf_in(&html).expect("csrf"),
        hidden(&html, "submission_id"),
    )
}

pub(crate) async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(String, String)],
) -> (u16, String, String) {
    let r = c.post(app.url(path)).form(form).send().await.expect("POST");
    let status = r.status().as_u16();
    (status, location(&r), r.text().await.unwrap_or_default())
}

/// The stylesheet's address in a child's page.
fn css_href_in(html: &str) -> String {
    let i = html
        .find("href=\"/static/child.css")
        .expect("stylesheet link")
        + 6;
    html[i..i + html[i..].find('"').expect("end")].to_string()
}

async fn child_page_renders_every_question_kind_within_budget(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let c = app.client();
    // Typing a code.
    let html = app.page(&c, "/c").await;
    assert!(
        html.contains("Mã tham gia") && html.contains("<label for=\"code\">"),
        "{html}"
    );
    let r = app.fetch(&c, "/c?code=abc-234", 303).await;
    assert_eq!(r.headers()["location"], "/c/ABC234");
    let r = c.get(app.url("/c/abc234")).send().await.expect("GET");
    assert_eq!(r.headers()["location"], "/c/ABC234");
    for wrong in ["/c?code=O0I1L", "/c/WXYZ23", "/c/not-a-code"] {
        let (status, html) = app.get(&c, wrong).await;
        assert_eq!(status, 404, "{wrong}");
        assert!(html.contains("Không tìm thấy mã này"), "{wrong}: {html}");
        assert!(
            !html.contains("panicked") && !html.contains("Error"),
            "{wrong}"
        );
    }

    let r = app.fetch(&c, "/c/ABC234", 200).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.expect("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"vi\">"));
    assert!(html.contains("name=\"viewport\""));
    assert_holds(
        &html,
        "page lacks",
        &[
            "Sân chơi mới của trường em",
            "Trường sắp làm sân chơi mới.",
            "Em có thể bỏ qua phần này",
            "Em bao nhiêu tuổi?",
            "Bạn gái",
            "Em là người dân tộc nào?",
            "Trường hoặc xã của em",
            "Trường PTDTBT THCS Bản Bo",
            // Every kind of question.
            "Em thích chơi ở đâu nhất?",
            "type=\"radio\"",
            "type=\"checkbox\"",
            "Em có thể chọn nhiều ý",
            // Typed emoji stay as text beside the pictures.
            "⚽",
            "🌳",
            "Rất thích",
            "Không thích",
            "Bình thường",
            "maxlength=\"500\"",
            "Em đừng viết tên ai nhé",
            "Thứ 1",
            "Thứ 3",
            "Gửi ý kiến",
        ],
    );
    assert!(
        html.contains(&format!("name=\"q{}_o{}\"", s.ranking.0, s.ranking.1[0])),
        "a rank per option"
    );
    // Pictures are drawn, not typed: every face, girl/boy/other and the
    // options' pictures are SVG symbols on the page, none an emoji.
    for key in [
        "f1", "f2", "f3", "f4", "f5", "girl", "boy", "other", "sport", "tree", "play", "dot",
    ] {
        assert!(
            html.contains(&format!("<symbol id=\"p-{key}\"")),
            "no picture {key}"
        );
        assert!(
            html.contains(&format!("<use href=\"#p-{key}\"/>")),
            "picture {key} unused"
        );
    }
    assert_eq!(html.matches("<symbol ").count(), 12, "each picture once");
    for emoji in ["😞", "😐", "🙂", "😢", "🙁", "😄", "👧", "👦", "🎉"] {
        assert!(!html.contains(emoji), "{emoji} needs an emoji font");
    }
    // The 3-point scale uses the middle faces of the five.
    let faces3 = &html[html
        .find("Em thấy sân chơi bây giờ thế nào?")
        .expect("faces3")
        ..html.find("Em có thích đến trường không?").expect("faces5")];
    assert_eq!(faces3.matches("<use href=\"#p-f").count(), 3, "three faces");
    assert!(faces3.contains("#p-f2") && faces3.contains("#p-f4") && !faces3.contains("#p-f1"));
    // Ranking is a grid of radio buttons: a column per place, a row per option.
    let ranking = &html[html
        .find("Xếp thứ tự điều em muốn làm trước")
        .expect("ranking")..];
    assert!(!ranking[..ranking.find("</table>").expect("grid")].contains("<select"));
    assert_eq!(
        ranking
            .matches(&format!("name=\"q{}_o", s.ranking.0))
            .count(),
        9,
        "3 options × 3 places"
    );
    // The questions come first; "about you" after, folded and optional.
    let first_question = html.find("Em thích chơi ở đâu nhất?").expect("q1");
    let last_question = html.find("Xếp thứ tự điều em muốn làm trước").expect("q6");
    let about = html
        .find("<details class=\"me\">")
        .expect("about you, closed");
    assert!(first_question < last_question && last_question < about);
    assert!(about < html.find("Em bao nhiêu tuổi?").expect("age"));
    assert!(html.contains(&format!(
        "name=\"q{}\" value=\"{}\"",
        s.single.0, s.single.1[0]
    )));
    // Ages are the audience's, 6 to 15.
    assert!(
        html.contains("<option value=\"6\">6 tuổi</option>")
            && html.contains("<option value=\"15\">15 tuổi</option>")
    );
    assert!(
        !html.contains("<option value=\"5\">5 tuổi")
            && !html.contains("<option value=\"16\">16 tuổi")
    );
    // The province's own groups first.
    let mong = html.find(">Mông<").expect("Mông");
    let cham = html.find(">Chăm<").expect("Chăm");
    assert!(mong < cham, "local groups first");
    // In English, the groups' English names.
    let en = crate::words::visitor(&app, None, "en").await;
    let html_en = app.page(&en, &format!("/c/{}", s.code)).await;
    assert!(
        html_en.contains(">Hmong<") && html_en.contains(">Thai<") && !html_en.contains(">Mông<"),
        "English names of ethnic groups"
    );
    // No name, ever; nothing from another host; no script.
    assert!(
        !html.contains("name=\"name\"") && !html.contains("Họ và tên") && !html.contains("Họ tên")
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no other host"
    );
    assert!(!html.contains("<script"), "works without JavaScript");
    assert!(!html.contains("style="), "no inline styles (CSP)");
    // Every control has a label pointing at it.
    for tag in ["<input", "<select", "<textarea"] {
        for (i, _) in html.match_indices(tag) {
            let el = &html[i..i + html[i..].find('>').expect("tag end")];
            if el.contains("type=\"hidden\"") || !el.contains(" id=\"") {
                continue;
            }
            let id = &el[el.find(" id=\"").expect("id") + 5..];
            let id = &id[..id.find('"').expect("id end")];
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "control {id} has no label"
            );
        }
    }
    // A fresh submission id each time.
    let sid = hidden(&html, "submission_id");
    assert!(uuid::Uuid::parse_str(&sid).is_ok(), "{sid}");
    let (_, again) = app.get(&c, "/c/ABC234").await;
    assert_ne!(hidden(&again, "submission_id"), sid);

    // Within 14 KB transferred, compressed: page, pictures and stylesheet.
    let css = css_href_in(&html);
    let (page_bytes, enc) = app.transferred(&c, "/c/ABC234").await;
    assert_eq!(enc, "gzip");
    let (css_bytes, _) = app.transferred(&c, &css).await;
    assert!(
        page_bytes + css_bytes <= 14 * 1024,
        "page {page_bytes} + css {css_bytes} bytes"
    );
    eprintln!("child page transferred: {page_bytes} + {css_bytes} bytes (gzip)");
    let r = c.get(app.url(&css)).send().await.expect("css");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/css")
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap_or("")
            .contains("max-age=")
    );
    let body = r.text().await.expect("css");
    assert!(!body.contains("http://") && !body.contains("https://") && !body.contains("@import"));

    // The English switch still works.
    let csrf = csrf_in(&html).expect("csrf");
    let r = app.switch_lang(&c, &csrf, "en", "/c/ABC234").await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.get(&c, "/c/ABC234").await;
    assert!(
        html.contains("<html lang=\"en\">")
            && html.contains("Send my answers")
            && html.contains("I really like it")
    );
    assert!(
        html.contains("Sân bóng (en)"),
        "English option labels when given"
    );
}
db_test!(child_page_renders_every_question_kind_within_budget);

/// The demo's open consultation (what `bench/child-page.mjs` and the browser
/// journey use) has every kind of question, its pictures, and fits the budget.
async fn the_demo_consultation_asks_every_kind_within_budget(app: TestApp) {
    let code = demo_open_consultation(&app).await;
    let c = app.client();
    let html = app.page(&c, &format!("/c/{code}")).await;
    assert_eq!(html.matches("<div class=\"faces\">").count(), 2);
    assert_eq!(html.matches("class=\"face\"").count(), 3 + 5);
    assert_holds(
        &html,
        "demo page lacks",
        &[
            "<table class=\"rk\">",
            "type=\"checkbox\"",
            "<textarea",
            "<use href=\"#p-sport\"/>",
            "<use href=\"#p-safety\"/>",
            "<use href=\"#p-dot\"/>",
            "⚽",
        ],
    );
    let css = css_href_in(&html);
    let (page_bytes, _) = app.transferred(&c, &format!("/c/{code}")).await;
    let (css_bytes, _) = app.transferred(&c, &css).await;
    eprintln!("demo child page transferred: {page_bytes} + {css_bytes} bytes (gzip)");
    assert!(
        page_bytes + css_bytes <= 14 * 1024,
        "page {page_bytes} + css {css_bytes} bytes"
    );
}
db_test!(the_demo_consultation_asks_every_kind_within_budget);

async fn a_valid_answer_is_stored_once_with_text_held_for_moderation(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let c = app.client();
    let (csrf, sid) = open_form(&app, &c, &s).await;
    let form = valid(&s, &csrf, &sid);
    // The thank-you page comes in the answer to the POST: one round trip.
    let (status, location, html) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!((status, location.as_str()), (200, ""));
    assert!(
        html.contains("Cảm ơn em!")
            && html.contains("Người lớn sẽ đọc")
            && html.contains("href=\"/c/ABC234\"")
            && html.contains("<use href=\"#p-star\"/>"),
        "{html}"
    );
    assert!(
        !html.contains("name=\"submission_id\""),
        "no form to send again"
    );
    assert_eq!(count(&app, &s).await, 1);
    // A double tap or a reload sends the same form again: the same page, one response.
    let (status, _, again) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 200);
    assert_eq!(again, html);
    assert_eq!(count(&app, &s).await, 1);
    // An address kept from before still thanks.
    let kept = app.page(&c, "/c/ABC234/cam-on").await;
    assert!(kept.contains("Cảm ơn em!"));

    let db = &app.db.conn;
    let r = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(s.id))
        .one(db)
        .await
        .expect("db")
        .expect("response");
    assert_eq!(r.submission_id, sid);
    assert_eq!(r.source, "online");
    assert_eq!(r.age, Some(9));
    assert_eq!(r.sex.as_deref(), Some("girl"));
    assert_eq!(r.ethnic.as_deref(), Some("08"));
    assert_eq!(r.disability, Some(false));
    assert_eq!(r.unit_id, Some(s.school_id));
    assert_eq!(r.entered_by, None);
    assert_eq!(r.content_hash.len(), 64);
    let rows = answer::Entity::find()
        .filter(answer::Column::ResponseId.eq(r.id))
        .order_by_asc(answer::Column::Id)
        .all(db)
        .await
        .expect("answers");
    let of = |q: i32| {
        rows.iter()
            .filter(|a| a.question_id == q)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of(s.single.0)
            .iter()
            .map(|a| a.option_id)
            .collect::<Vec<_>>(),
        vec![Some(s.single.1[1])]
    );
    let mut multi: Vec<_> = of(s.multiple.0).iter().map(|a| a.option_id).collect();
    multi.sort();
    assert_eq!(multi, vec![Some(s.multiple.1[0]), Some(s.multiple.1[2])]);
    assert_eq!(of(s.faces3)[0].value, Some(3));
    assert_eq!(of(s.faces5)[0].value, Some(1));
    let text = of(s.text);
    assert_eq!(text.len(), 1);
    assert_eq!(
        text[0].text.as_deref(),
        Some("Em muốn có mái che để chơi khi trời mưa.")
    );
    assert_eq!(
        text[0].moderation.as_deref(),
        Some("pending"),
        "free text waits for a moderator"
    );
    let mut ranking: Vec<_> = of(s.ranking.0)
        .iter()
        .map(|a| (a.value, a.option_id))
        .collect();
    ranking.sort();
    assert_eq!(
        ranking,
        vec![
            (Some(1), Some(s.ranking.1[2])),
            (Some(2), Some(s.ranking.1[0])),
            (Some(3), Some(s.ranking.1[1]))
        ]
    );
    // Choice answers are not moderated.
    assert!(of(s.single.0)[0].moderation.is_none());

    // The profile is optional; an optional question may stay empty.
    let c2 = app.client();
    let (csrf, sid) = open_form(&app, &c2, &s).await;
    let mut form = valid(&s, &csrf, &sid);
    for k in ["age", "sex", "ethnic", "disability", "unit"] {
        set(&mut form, k, "");
    }
    set(&mut form, &format!("q{}", s.text), "");
    let (status, _, _) = post(&app, &c2, "/c/ABC234", &form).await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, &s).await, 2);
    // The same form content sent through the API under the page's id is a duplicate.
    let (status, body) = app
        .public_post(
            "/api/v1/join/ABC234/responses",
            &json!({
                "submission_id": sid.to_uppercase(),
                "answers": api_answers(&s)
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "duplicate");
    assert_eq!(count(&app, &s).await, 2);
}
db_test!(a_valid_answer_is_stored_once_with_text_held_for_moderation);

/// The answers of `valid()` without the text, as the API takes them.
pub(crate) fn api_answers(s: &Setup) -> serde_json::Value {
    json!({
        s.single.0.to_string(): {"options": [s.single.1[1]]},
        s.multiple.0.to_string(): {"options": [s.multiple.1[2], s.multiple.1[0]]},
        s.faces3.to_string(): {"face": 3},
        s.faces5.to_string(): {"face": 1},
        s.ranking.0.to_string(): {"options": [s.ranking.1[2], s.ranking.1[0], s.ranking.1[1]]},
    })
}

async fn bad_input_gets_a_clear_message_and_stores_nothing(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let c = app.client();
    let (csrf, sid) = open_form(&app, &c, &s).await;
    let good = valid(&s, &csrf, &sid);
    let single = format!("q{}", s.single.0);
    let text = format!("q{}", s.text);
    let rank = |i: usize| format!("q{}_o{}", s.ranking.0, s.ranking.1[i]);
    let long = "a".repeat(501);
    let other_question_option = s.multiple.1[1].to_string();
    // (what, field changes, the message a child reads, the field it sits beside)
    type Case<'a> = (&'a str, Vec<(String, &'a str)>, &'a str, String);
    let cases: Vec<Case> = vec![
        (
            "age 5",
            vec![("age".into(), "5")],
            "Em cần từ 6 đến 15 tuổi",
            "age".into(),
        ),
        (
            "age 16",
            vec![("age".into(), "16")],
            "Em cần từ 6 đến 15 tuổi",
            "age".into(),
        ),
        (
            "unknown option",
            vec![(single.clone(), "999999")],
            "Ý này không có",
            single.clone(),
        ),
        (
            "another question's option",
            vec![(single.clone(), other_question_option.as_str())],
            "Ý này không có",
            single.clone(),
        ),
        (
            "no choice",
            vec![(single.clone(), "")],
            "Em hãy chọn một ý",
            single.clone(),
        ),
        (
            "501 characters",
            vec![(text.clone(), long.as_str())],
            "Em viết dài quá",
            text.clone(),
        ),
        (
            "repeated ranks",
            vec![(rank(0), "1"), (rank(1), "1"), (rank(2), "2")],
            "Mỗi thứ chỉ chọn một lần",
            format!("q{}", s.ranking.0),
        ),
        (
            "ranks missing",
            vec![(rank(1), "")],
            "Em hãy xếp thứ tự cho tất cả các ý",
            format!("q{}", s.ranking.0),
        ),
        (
            "unknown ethnic group",
            vec![("ethnic".into(), "99")],
            "Em hãy chọn lại",
            "ethnic".into(),
        ),
        (
            "a unit outside the audience",
            vec![("unit".into(), "107")],
            "Em hãy chọn lại trường hoặc xã",
            "unit".into(),
        ),
        (
            "an unknown face",
            vec![(format!("q{}", s.faces3), "4")],
            "Ý này không có",
            format!("q{}", s.faces3),
        ),
    ];
    for (what, changes, message, field) in cases {
        let mut form = good.clone();
        for (k, v) in &changes {
            set(&mut form, k, v);
        }
        let (status, _, html) = post(&app, &c, "/c/ABC234", &form).await;
        assert_eq!(status, 422, "{what}");
        assert!(html.contains(message), "{what}: message {message}");
        // The message sits next to its field, announced to screen readers.
        assert!(
            html.contains(&format!("id=\"{field}-err\"")),
            "{what}: error beside {field}"
        );
        assert!(
            html.contains(&format!("aria-describedby=\"{field}-err\""))
                || html.contains(&format!(" {field}-err\"")),
            "{what}"
        );
        // The banner at the top links to it.
        let banner = &html[html.find("role=\"alert\"").expect("banner")..];
        let banner = &banner[..banner.find("</div>").expect("banner end")];
        assert!(
            banner.contains(&format!("<a href=\"#{field}-err\">")) && banner.contains(message),
            "{what}: banner links to {field}"
        );
        // "About you" opens when the error is in it.
        assert_eq!(
            html.contains("<details class=\"me\" open>"),
            !field.starts_with('q'),
            "{what}"
        );
        // The child's other answers are kept.
        assert!(
            html.contains("Em muốn có mái che") || field == text,
            "{what}: text kept"
        );
        assert!(
            html.contains(&format!("value=\"{}\" checked", s.multiple.1[2])),
            "{what}: choices kept"
        );
        assert!(
            html.contains(&format!("value=\"{sid}\"")),
            "{what}: same submission id"
        );
        assert_eq!(count(&app, &s).await, 0, "{what} stored something");
    }
    // Several errors at once, each beside its own question.
    let mut form = good.clone();
    set(&mut form, "age", "5");
    set(&mut form, &single, "");
    let (status, _, html) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Em cần từ 6 đến 15 tuổi") && html.contains("Em hãy chọn một ý"));
    assert!(html.contains("aria-invalid=\"true\""));

    // A missing or tampered CSRF token.
    let mut form = good.clone();
    form.retain(|(k, _)| k != "csrf");
    let (status, _, _) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 403);
    let mut form = good.clone();
    set(&mut form, "csrf", &"0".repeat(64));
    let (status, _, _) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 403);
    // Another browser's token does not fit this browser's cookie.
    let other = app.client();
    let (other_csrf, _) = open_form(&app, &other, &s).await;
    let mut form = good.clone();
    set(&mut form, "csrf", &other_csrf);
    let (status, _, _) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 403);
    // A tampered submission id: nothing stored, a fresh one to send again.
    let mut form = good.clone();
    set(&mut form, "submission_id", "12345");
    let (status, _, html) = post(&app, &c, "/c/ABC234", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Trang đã cũ"));
    assert!(!html.contains("value=\"12345\""));
    // A wrong code.
    let (status, _, html) = post(&app, &c, "/c/WXYZ23", &good).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy mã này"));
    assert_eq!(count(&app, &s).await, 0);

    // The API names the same fields.
    let base =
        json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": api_answers(&s)});
    let api = |patch: serde_json::Value| {
        let mut b = base.clone();
        for (k, v) in patch.as_object().expect("object") {
            b[k] = v.clone();
        }
        b
    };
    for (what, body, field, code) in [
        (
            "age 5",
            api(json!({"profile": {"age": 5}})),
            "age".to_string(),
            "age_out_of_range",
        ),
        (
            "age 16",
            api(json!({"profile": {"age": 16}})),
            "age".to_string(),
            "age_out_of_range",
        ),
        (
            "not a uuid",
            api(json!({"submission_id": "abc"})),
            "submission_id".to_string(),
            "not_a_uuid",
        ),
        (
            "unknown option",
            api(json!({"answers": {s.single.0.to_string(): {"options": [999999]}}})),
            format!("q{}", s.single.0),
            "unknown_option",
        ),
        (
            "another question's option",
            api(json!({"answers": {s.single.0.to_string(): {"options": [s.ranking.1[0]]}}})),
            format!("q{}", s.single.0),
            "unknown_option",
        ),
        (
            "501 characters",
            {
                let mut b = base.clone();
                b["answers"][s.text.to_string()] = json!({"text": long});
                b
            },
            format!("q{}", s.text),
            "text_too_long",
        ),
        (
            "an unknown question",
            {
                let mut b = base.clone();
                b["answers"]["999999"] = json!({"face": 1});
                b
            },
            "q999999".to_string(),
            "unknown_question",
        ),
    ] {
        let (status, body) = app
            .public_post("/api/v1/join/ABC234/responses", &body)
            .await;
        assert_eq!(status, 422, "{what}: {body}");
        assert_eq!(body["error"]["code"], "invalid_input", "{what}");
        assert_eq!(body["error"]["fields"][&field], code, "{what}: {body}");
    }
    let (status, body) = app
        .public_post("/api/v1/join/ABC234/responses", &json!({"answers": {}}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["submission_id"], "required");
    let (status, _) = app
        .public_post("/api/v1/join/WXYZ23/responses", &base)
        .await;
    assert_eq!(status, 404);
    assert_eq!(count(&app, &s).await, 0);
}
db_test!(bad_input_gets_a_clear_message_and_stores_nothing);

async fn closed_draft_and_early_consultations_take_no_answers(app: TestApp) {
    let t = today(&app);
    let db = &app.db.conn;
    let now = app.clock.now();
    // Closed by an official.
    let closed = open(&app, "CCC234").await;
    consultations::close(
        db,
        &actor(),
        now,
        closed.id,
        "Các em muốn có mái che.".into(),
    )
    .await
    .expect("close");
    // Still open in the records, but its last day has passed.
    let late = draft(
        &app,
        "DDD234",
        t - Duration::days(10),
        t - Duration::days(1),
    )
    .await;
    consultations::open(db, &actor(), now, late.id)
        .await
        .expect("open");
    // Open from tomorrow.
    let early = draft(&app, "EEE234", t + Duration::days(1), t + Duration::days(8)).await;
    consultations::open(db, &actor(), now, early.id)
        .await
        .expect("open");
    // Never opened.
    let hidden_draft = draft(&app, "FFF234", t - Duration::days(1), t + Duration::days(7)).await;

    let c = app.client();
    let (_, html) = app.get(&c, "/c").await;
    let csrf = csrf_in(&html).expect("csrf");
    let form = |s: &Setup| valid(s, &csrf, &uuid::Uuid::new_v4().to_string());
    for (s, status, message) in [
        (&closed, 410, "Đã hết giờ trả lời"),
        (&late, 410, "Đã hết giờ trả lời"),
        (&early, 403, "Chưa đến ngày trả lời"),
        (&hidden_draft, 404, "Không tìm thấy mã này"),
    ] {
        let path = format!("/c/{}", s.code);
        let (got, html) = app.get(&c, &path).await;
        assert_eq!(got, status, "{path}");
        assert!(html.contains(message), "{path}: {message}");
        assert!(!html.contains("name=\"submission_id\""), "{path}: no form");
        assert!(
            !html.contains("Sân chơi mới của trường em") || status != 404,
            "a draft shows nothing"
        );
        let (got, _, html) = post(&app, &c, &path, &form(s)).await;
        assert_eq!(got, status, "POST {path}");
        assert!(html.contains(message), "POST {path}");
        assert_eq!(count(&app, s).await, 0, "{path} stored something");
    }
    let (_, html) = app.get(&c, "/c/EEE234").await;
    assert!(
        html.contains(&(t + Duration::days(1)).format("%d/%m/%Y").to_string()),
        "the first day, dd/mm/yyyy"
    );
    // The API agrees.
    let body =
        json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": api_answers(&closed)});
    let (status, b) = app
        .public_post("/api/v1/join/CCC234/responses", &body)
        .await;
    assert_eq!(status, 410);
    assert_eq!(b["error"]["code"], "consultation_closed");
    let (status, b) = app
        .public_post("/api/v1/join/DDD234/responses", &body)
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (410, Some("consultation_closed"))
    );
    let (status, b) = app
        .public_post("/api/v1/join/EEE234/responses", &body)
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (403, Some("consultation_not_open"))
    );
    let (status, _) = app
        .public_post("/api/v1/join/FFF234/responses", &body)
        .await;
    assert_eq!(status, 404);
    let anon = reqwest::Client::new();
    for (code, status) in [
        ("CCC234", 410),
        ("DDD234", 410),
        ("FFF234", 404),
        ("WXYZ23", 404),
    ] {
        let r = anon
            .get(app.url(&format!("/api/v1/join/{code}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status().as_u16(), status, "{code}");
    }
    // An offline tool may fetch the form before the first day.
    let r = app.fetch(&anon, "/api/v1/join/eee-234", 200).await;
    let f: serde_json::Value = r.json().await.expect("json");
    assert_eq!(f["accepting"], false);
    for s in [&closed, &late, &early, &hidden_draft] {
        assert_eq!(count(&app, s).await, 0);
    }
}
db_test!(closed_draft_and_early_consultations_take_no_answers);

async fn the_public_form_and_one_submission_sent_a_thousand_times(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let f = app
        .public_get("/api/v1/join/abc234")
        .await
        .expect_status(200);
    assert_eq!(f["code"], "ABC234");
    assert_eq!(f["accepting"], true);
    assert_eq!(
        (f["age_min"].as_i64(), f["age_max"].as_i64()),
        (Some(6), Some(15))
    );
    let qs = f["questions"].as_array().expect("questions");
    let kinds: Vec<&str> = qs
        .iter()
        .map(|q| q["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        vec!["single", "multiple", "faces3", "faces5", "text", "ranking"]
    );
    assert_eq!(qs[0]["options"][0]["emoji"], "⚽");
    // The picture the child's page draws, by its name in the library.
    assert_eq!(qs[0]["options"][0]["picture"], "sport");
    assert_eq!(qs[1]["options"][1]["picture"], "dot");
    assert_eq!(
        qs[0]["options"][1]["id"].as_i64(),
        Some(i64::from(s.single.1[1]))
    );
    assert_eq!(qs[2]["faces"], 3);
    assert_eq!(qs[4]["max_chars"], 500);
    assert_eq!(f["ethnic_groups"].as_array().map(Vec::len), Some(54));
    assert_eq!(f["ethnic_groups"][0]["name_vi"], "Kinh");
    let units = column(&f["units"], "code");
    // Districts were abolished in 2025: a retired unit is not offered any more.
    assert_eq!(units, vec![thamgia::demo::DEMO_SCHOOL]);

    // Both operations are in the OpenAPI document, marked as needing no account.
    let doc: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    for (path, method) in [
        ("/api/v1/join/{code}", "get"),
        ("/api/v1/join/{code}/responses", "post"),
    ] {
        let op = &doc["paths"][path][method];
        assert_eq!(op["tags"][0], "children", "{method} {path}");
        assert_eq!(op["security"], json!([{}]), "{method} {path} is public");
    }
    assert!(doc["paths"]["/api/v1/join/{code}/responses"]["post"]["responses"]["409"].is_object());

    let body = json!({
        "submission_id": uuid::Uuid::new_v4().to_string(),
        "profile": {"age": 12, "sex": "boy", "ethnic": "03", "disability": true, "unit": thamgia::demo::DEMO_SCHOOL},
        "answers": {
            s.single.0.to_string(): {"options": [s.single.1[0]]},
            s.multiple.0.to_string(): {"options": [s.multiple.1[1]]},
            s.faces3.to_string(): {"face": 2},
            s.faces5.to_string(): {"face": 5},
            s.text.to_string(): {"text": "Cần thêm ghế đá."},
            s.ranking.0.to_string(): {"options": [s.ranking.1[0], s.ranking.1[1], s.ranking.1[2]]},
        }
    });
    // 1,000 sends, ten at a time, all the same.
    let url = app.url("/api/v1/join/ABC234/responses");
    let client = reqwest::Client::new();
    let mut created = 0;
    let mut duplicate = 0;
    for _ in 0..100 {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            set.spawn(async move {
                let r = client.post(url).json(&body).send().await.expect("POST");
                let status = r.status().as_u16();
                let b: serde_json::Value = r.json().await.unwrap_or_default();
                (status, b)
            });
        }
        while let Some(res) = set.join_next().await {
            let (status, b) = res.expect("task");
            match status {
                201 => {
                    assert_eq!(b["status"], "stored");
                    created += 1
                }
                200 => {
                    assert_eq!(b["status"], "duplicate");
                    duplicate += 1
                }
                other => panic!("answered {other}: {b}"),
            }
        }
    }
    assert_eq!((created, duplicate), (1, 999));
    assert_eq!(count(&app, &s).await, 1);
    let r = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(s.id))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(
        (r.age, r.sex.as_deref(), r.disability),
        (Some(12), Some("boy"), Some(true))
    );
    let n = answer::Entity::find()
        .filter(answer::Column::ResponseId.eq(r.id))
        .all(&app.db.conn)
        .await
        .expect("db")
        .len();
    assert_eq!(
        n,
        1 + 1 + 1 + 1 + 1 + 3,
        "one row per choice, face, text and rank"
    );
    // The same id with other content is a conflict, and changes nothing.
    let mut other = body.clone();
    other["profile"]["age"] = json!(13);
    let (status, b) = app
        .public_post("/api/v1/join/ABC234/responses", &other)
        .await;
    assert_eq!(status, 409);
    assert_eq!(b["error"]["code"], "conflict");
    assert_eq!(b["error"]["fields"]["submission_id"], "taken");
    assert_eq!(count(&app, &s).await, 1);
    // On the page, the same id with other content says so kindly.
    let c = app.client();
    let (csrf, _) = open_form(&app, &c, &s).await;
    let sid = body["submission_id"].as_str().expect("sid");
    let (status, _, html) = post(&app, &c, "/c/ABC234", &valid(&s, &csrf, sid)).await;
    assert_eq!(status, 409);
    assert!(html.contains("Em đã gửi rồi") && html.contains("href=\"/c/ABC234\""));
    assert_eq!(count(&app, &s).await, 1);
}
db_test!(the_public_form_and_one_submission_sent_a_thousand_times);

async fn the_published_answer_appears_at_the_same_address(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let c = app.client();
    let (csrf, sid) = open_form(&app, &c, &s).await;
    let (status, _, _) = post(&app, &c, "/c/ABC234", &valid(&s, &csrf, &sid)).await;
    assert_eq!(status, 200);
    let db = &app.db.conn;
    let now = app.clock.now();
    consultations::close(db, &actor(), now, s.id, "Nhiều em muốn có mái che.".into())
        .await
        .expect("close");
    // Closed, the answer not yet out: the page says the adults are reading.
    let (status, html) = app.get(&c, "/c/ABC234").await;
    assert_eq!(status, 410);
    assert!(html.contains("Người lớn đang đọc ý kiến của các em"));
    assert!(!html.contains("Các em đã nói"));
    // A saved but unpublished answer stays hidden.
    let answer = || AnswerBack {
        decided: "Trường sẽ làm sân chơi có mái che trước tháng 5.".into(),
        taken: "Làm mái che.\nTrồng thêm cây.".into(),
        not_taken: "Chưa làm bể bơi vì trường không có đủ nước.".into(),
    };
    consultations::save_answer(db, &actor(), now, s.id, answer(), false)
        .await
        .expect("save");
    let (status, html) = app.get(&c, "/c/ABC234").await;
    assert_eq!(status, 410);
    assert!(!html.contains("Trường sẽ làm sân chơi"));
    app.clock.advance(Duration::days(3));
    consultations::save_answer(db, &actor(), app.clock.now(), s.id, answer(), true)
        .await
        .expect("publish");
    let html = app.page(&c, "/c/ABC234").await;
    assert_holds(
        &html,
        "answer page lacks",
        &[
            "Các em đã nói — chúng tôi đã làm",
            "Sân chơi mới của trường em",
            "Trường sẽ làm sân chơi có mái che trước tháng 5.",
            "Người lớn làm theo ý các em",
            "<p>Làm mái che.</p>",
            "<p>Trồng thêm cây.</p>",
            "Điều chưa làm được, và vì sao",
            "Chưa làm bể bơi vì trường không có đủ nước.",
            "02/12/2026",
        ],
    );
    assert!(!html.contains("name=\"submission_id\""), "no form any more");
    assert!(
        !html.contains("Em muốn có mái che để chơi"),
        "children's own words are not shown here"
    );
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    // The API takes no more answers.
    let (status, b) = app
        .public_post(
            "/api/v1/join/ABC234/responses",
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": api_answers(&s)}),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (410, Some("consultation_closed"))
    );
    assert_eq!(count(&app, &s).await, 1);
}
db_test!(the_published_answer_appears_at_the_same_address);

/// A second server over the same database with other limits.
async fn server_with_limits(app: &TestApp, per_client: u32, per_code: u32) -> String {
    app.serve_also(thamgia_web::Config {
        child_per_client_per_minute: per_client,
        child_per_code_per_minute: per_code,
        ..app.config()
    })
    .await
}

async fn rate_limits_per_client_and_per_code(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let s2 = open(&app, "BCD345").await;
    let send = |base: String, code: &'static str, s: &Setup, sid: String| {
        let body = json!({"submission_id": sid, "answers": api_answers(s)});
        async move {
            let r = reqwest::Client::new()
                .post(format!("{base}/api/v1/join/{code}/responses"))
                .json(&body)
                .send()
                .await
                .expect("POST");
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    // Per client: 3 a minute.
    let base = server_with_limits(&app, 3, 100).await;
    let first = uuid::Uuid::new_v4().to_string();
    assert_eq!(send(base.clone(), "ABC234", &s, first.clone()).await.0, 201);
    for _ in 0..2 {
        assert_eq!(
            send(base.clone(), "ABC234", &s, uuid::Uuid::new_v4().to_string())
                .await
                .0,
            201
        );
    }
    // Resends cost nothing, below the limit or over it.
    assert_eq!(send(base.clone(), "ABC234", &s, first.clone()).await.0, 200);
    let (status, b) = send(base.clone(), "ABC234", &s, uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(status, 429);
    assert_eq!(b["error"]["code"], "too_many_attempts");
    let (status, b) = send(base.clone(), "ABC234", &s, first.clone()).await;
    assert_eq!((status, b["status"].as_str()), (200, Some("duplicate")));
    // The same client on another code is limited too.
    assert_eq!(
        send(
            base.clone(),
            "BCD345",
            &s2,
            uuid::Uuid::new_v4().to_string()
        )
        .await
        .0,
        429
    );
    // On the page: a kind message, the answers kept, nothing stored.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let html = c
        .get(format!("{base}/c/ABC234"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    let form = valid(
        &s,
        &csrf_in(&html).expect("csrf"),
        &hidden(&html, "submission_id"),
    );
    let r = c
        .post(format!("{base}/c/ABC234"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status().as_u16(), 429);
    let html = r.text().await.expect("html");
    assert!(html.contains("Em gửi nhanh quá, hãy đợi một chút rồi gửi lại"));
    assert!(
        html.contains("Em muốn có mái che để chơi khi trời mưa."),
        "answers kept"
    );
    assert_eq!(count(&app, &s).await, 3);
    assert_eq!(count(&app, &s2).await, 0);
    // The window slides: a minute later the same form goes through.
    app.clock.advance(Duration::seconds(61));
    let r = c
        .post(format!("{base}/c/ABC234"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(count(&app, &s).await, 4);
    // The default server (300 a minute per client) was not affected.
    let (status, _) = app
        .public_post(
            "/api/v1/join/ABC234/responses",
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": api_answers(&s)}),
        )
        .await;
    assert_eq!(status, 201);

    // Per code: 2 a minute, whatever the client.
    let base = server_with_limits(&app, 100, 2).await;
    for _ in 0..2 {
        assert_eq!(
            send(base.clone(), "ABC234", &s, uuid::Uuid::new_v4().to_string())
                .await
                .0,
            201
        );
    }
    assert_eq!(
        send(base.clone(), "ABC234", &s, uuid::Uuid::new_v4().to_string())
            .await
            .0,
        429
    );
    // Another code has its own count.
    assert_eq!(
        send(
            base.clone(),
            "BCD345",
            &s2,
            uuid::Uuid::new_v4().to_string()
        )
        .await
        .0,
        201
    );
    assert_eq!(count(&app, &s).await, 7);
    assert_eq!(count(&app, &s2).await, 1);
}
db_test!(rate_limits_per_client_and_per_code);

/// Behind a reverse proxy every child arrives from the proxy's address: the
/// limit per client must follow the address the proxy forwarded, and only when
/// the proxy is one the operator trusts.
async fn a_trusted_proxy_forwards_each_clients_own_address(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let server = |trusted: &str| {
        app.serve_also(thamgia_web::Config {
            child_per_client_per_minute: 2,
            child_per_code_per_minute: 100,
            trusted_proxies: thamgia_web::client_addr::parse_list(trusted).expect("cidr"),
            ..app.config()
        })
    };
    let send = |base: String, header: (&'static str, &'static str)| {
        let body =
            json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": api_answers(&s)});
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/join/ABC234/responses"))
                .header(header.0, header.1)
                .json(&body)
                .send()
                .await
                .expect("POST")
                .status()
                .as_u16()
        }
    };
    // The test's own address is the proxy.
    let behind = server("127.0.0.1/32, ::1").await;
    let school_a = ("x-forwarded-for", "6.6.6.6, 203.0.113.10");
    let school_b = ("forwarded", "for=\"[2001:db8::b]:5000\";proto=https");
    for _ in 0..2 {
        assert_eq!(send(behind.clone(), school_a).await, 201);
    }
    assert_eq!(
        send(behind.clone(), school_a).await,
        429,
        "school A is full"
    );
    // School B, behind the same proxy, has its own count (RFC 7239 form).
    for _ in 0..2 {
        assert_eq!(send(behind.clone(), school_b).await, 201);
    }
    // A client that writes its own header left of the real one gains nothing.
    assert_eq!(
        send(
            behind.clone(),
            ("x-forwarded-for", "198.51.100.99, 203.0.113.10")
        )
        .await,
        429
    );
    assert_eq!(count(&app, &s).await, 4);

    // The same headers from a peer that is not a trusted proxy are ignored:
    // every request is the test's own address.
    let direct = server("10.0.0.0/8").await;
    assert_eq!(send(direct.clone(), school_a).await, 201);
    assert_eq!(send(direct.clone(), school_b).await, 201);
    assert_eq!(
        send(direct.clone(), ("x-forwarded-for", "192.0.2.77")).await,
        429,
        "a forged header does not buy a new limit"
    );
    assert_eq!(count(&app, &s).await, 6);
}
db_test!(a_trusted_proxy_forwards_each_clients_own_address);
