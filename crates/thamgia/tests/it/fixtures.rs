//! Records the integration tests share, made through the store directly
//! (the code under test is the page or API that reads them): a decided
//! matter, an open consultation with a single-choice, a text and a face
//! question, and a child's response.

use crate::helpers::TestApp;
use chrono::{Duration, NaiveDate};
use thamgia_domain::access::Actor;
use thamgia_domain::voice::{
    Age, JoinCode, MatterKind, Method as HowAsked, Profile, QuestionKind, Sex, Source, Stage,
    ValidAnswer,
};
use thamgia_store::consultations::{self, NewConsultation, NewQuestion};
use thamgia_store::matters::{self, NewMatter};
use thamgia_store::responses::{self, Submission};
use thamgia_store::{agencies, units};
use thamgia_web::clock::Clock;

/// An open consultation's ids.
pub struct Fixture {
    pub matter_id: i32,
    pub id: i32,
    pub single: i32,
    pub options: Vec<i32>,
    pub text: i32,
    pub faces: i32,
}

pub fn actor() -> Actor {
    Actor::system("test")
}

pub fn today(app: &TestApp) -> NaiveDate {
    app.clock.now().date_naive()
}

pub async fn new_matter(
    app: &TestApp,
    unit: &str,
    agency: &str,
    title: &str,
    kind: MatterKind,
    decided: NaiveDate,
) -> i32 {
    let db = &app.db.conn;
    let u = units::by_code(db, unit).await.expect("db").expect("unit");
    let a = agencies::by_code(db, agency)
        .await
        .expect("db")
        .expect("agency");
    matters::create(
        db,
        &actor(),
        app.clock.now(),
        NewMatter {
            kind,
            title: title.into(),
            summary: "Một quyết định có liên quan đến trẻ em.".into(),
            owner_agency_id: a.id,
            unit_id: u.id,
            stage: Stage::Decided,
            decision_date: Some(decided),
        },
    )
    .await
    .expect("matter")
    .id
}

/// An open consultation on a matter, with its three questions.
pub async fn open_consultation(
    app: &TestApp,
    unit: &str,
    matter_id: i32,
    title: &str,
    seed: u32,
) -> Fixture {
    let db = &app.db.conn;
    let now = app.clock.now();
    let u = units::by_code(db, unit).await.expect("db").expect("unit");
    let k = consultations::create(
        db,
        &actor(),
        now,
        NewConsultation {
            matter_id: Some(matter_id),
            unit_id: u.id,
            title: title.into(),
            intro: "Trường sắp làm sân chơi mới.".into(),
            method: HowAsked::Survey,
            age_min: 6,
            age_max: 15,
            opens_on: today(app) - Duration::days(10),
            closes_on: today(app) + Duration::days(10),
            facilitator_id: None,
            audience_unit_ids: vec![u.id],
        },
        (0..20).map(|i| JoinCode::from_random([seed, seed / 31, seed / 961, i, i * 7, 3])),
    )
    .await
    .expect("consultation");
    let q = |kind, text: &str, opts: &[&str]| NewQuestion {
        kind,
        text_vi: text.into(),
        text_en: None,
        required: false,
        options: opts.iter().map(|o| (o.to_string(), None, None)).collect(),
    };
    let single = consultations::add_question(
        db,
        &actor(),
        now,
        k.id,
        q(
            QuestionKind::Single,
            "Em muốn sân chơi có gì?",
            &["Xích đu", "Cầu trượt", "Bập bênh"],
        ),
    )
    .await
    .expect("q1");
    let text = consultations::add_question(
        db,
        &actor(),
        now,
        k.id,
        q(QuestionKind::Text, "Em muốn nói thêm điều gì?", &[]),
    )
    .await
    .expect("q2");
    let faces = consultations::add_question(
        db,
        &actor(),
        now,
        k.id,
        q(QuestionKind::Faces3, "Em thấy sân chơi cũ thế nào?", &[]),
    )
    .await
    .expect("q3");
    consultations::open(db, &actor(), now, k.id)
        .await
        .expect("open");
    let options = consultations::questions(db, k.id)
        .await
        .expect("questions")
        .into_iter()
        .find(|(q, _)| q.id == single.id)
        .map(|(_, o)| o.into_iter().map(|o| o.id).collect())
        .expect("options");
    Fixture {
        matter_id,
        id: k.id,
        single: single.id,
        options,
        text: text.id,
        faces: faces.id,
    }
}

pub async fn submit(
    app: &TestApp,
    f: &Fixture,
    source: Source,
    age: i64,
    sex: Sex,
    answers: Vec<(i32, ValidAnswer)>,
) {
    let r = responses::submit(
        &app.db.conn,
        app.clock.now(),
        Submission {
            consultation_id: f.id,
            submission_id: uuid::Uuid::new_v4().to_string(),
            content_hash: uuid::Uuid::new_v4().to_string(),
            source,
            profile: Profile {
                age: Age::parse(age),
                sex: Some(sex),
                ethnic: Some("08".into()),
                disability: Some(false),
                unit: None,
            },
            profile_unit_id: None,
            answers,
            entered_by: None,
        },
    )
    .await
    .expect("submit");
    assert!(matches!(r, responses::Submitted::Created(_)));
}
