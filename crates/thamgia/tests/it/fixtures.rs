//! Records the integration tests share, made through the store directly
//! (the code under test is the page or API that reads them): a decided
//! matter, an open consultation with a single-choice, a text and a face
//! question, and a child's response.

use crate::helpers::TestApp;
use chrono::{DateTime, Utc};
use chrono::{Duration, NaiveDate};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{
    ActivityText, BudgetText, SpendingText, check_activity, check_budget, check_spending,
};
use thamgia_domain::voice::{
    Age, JoinCode, MatterKind, Method as HowAsked, Profile, QuestionKind, Sex, Source, Stage,
    ValidAnswer,
};
use thamgia_store::activities;
use thamgia_store::consultations::{self, NewConsultation, NewQuestion};
use thamgia_store::entity::{agency, unit};
use thamgia_store::matters::{self, NewMatter};
use thamgia_store::responses::{self, Submission, Tally};
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

/// A survey of children aged 6–15 at a unit (on a matter, if any), open
/// from the first day to the second, with no facilitator and no audience
/// beyond the unit; a test changes what it needs with `..survey(…)`.
pub fn survey(
    unit_id: i32,
    matter_id: Option<i32>,
    title: &str,
    (opens_on, closes_on): (NaiveDate, NaiveDate),
) -> NewConsultation {
    NewConsultation {
        matter_id,
        unit_id,
        title: title.into(),
        intro: "Giới thiệu".into(),
        method: HowAsked::Survey,
        age_min: 6,
        age_max: 15,
        opens_on,
        closes_on,
        facilitator_id: None,
        audience_unit_ids: vec![],
    }
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
    let u = unit_by_code(db, unit).await;
    let a = agency_by_code(db, agency).await;
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

/// Options of a choice or ranking question: (label, English label, emoji).
pub type Options = Vec<(String, Option<String>, Option<String>)>;

/// Options of these labels, in Vietnamese only and with no picture.
pub fn labels(labels: &[&str]) -> Options {
    labels.iter().map(|l| (l.to_string(), None, None)).collect()
}

/// A question in Vietnamese only.
pub fn question(kind: QuestionKind, text: &str, required: bool, options: Options) -> NewQuestion {
    NewQuestion {
        kind,
        text_vi: text.into(),
        text_en: None,
        required,
        max_choices: None,
        options,
    }
}

/// Adds a question to consultation `k` at `now`; its id.
pub async fn add_question<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    k: i32,
    q: NewQuestion,
) -> i32 {
    consultations::add_question(db, &actor(), now, k, q)
        .await
        .expect("question")
        .id
}

/// A survey about the school's new playground, asking the unit's children,
/// open ten days either side of `today`.
pub fn playground(unit_id: i32, matter_id: i32, title: &str, today: NaiveDate) -> NewConsultation {
    let open = (today - Duration::days(10), today + Duration::days(10));
    NewConsultation {
        intro: "Trường sắp làm sân chơi mới.".into(),
        audience_unit_ids: vec![unit_id],
        ..survey(unit_id, Some(matter_id), title, open)
    }
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
    let u = unit_by_code(db, unit).await;
    let k = consultations::create(
        db,
        &actor(),
        now,
        playground(u.id, matter_id, title, today(app)),
        (0..20).map(|i| JoinCode::from_random([seed, seed / 31, seed / 961, i, i * 7, 3])),
    )
    .await
    .expect("consultation");
    let q = |kind, text: &str, opts: &[&str]| question(kind, text, false, labels(opts));
    let single = ["Xích đu", "Cầu trượt", "Bập bênh"];
    let single = q(QuestionKind::Single, "Em muốn sân chơi có gì?", &single);
    let single = add_question(db, now, k.id, single).await;
    let text = q(QuestionKind::Text, "Em muốn nói thêm điều gì?", &[]);
    let text = add_question(db, now, k.id, text).await;
    let faces = q(QuestionKind::Faces3, "Em thấy sân chơi cũ thế nào?", &[]);
    let faces = add_question(db, now, k.id, faces).await;
    consultations::open(db, &actor(), now, k.id)
        .await
        .expect("open");
    let options = consultations::questions(db, k.id)
        .await
        .expect("questions")
        .into_iter()
        .find(|(q, _)| q.id == single)
        .map(|(_, o)| o.into_iter().map(|o| o.id).collect())
        .expect("options");
    Fixture {
        matter_id,
        id: k.id,
        single,
        options,
        text,
        faces,
    }
}

/// A school decision of the district `unit` (its education office's),
/// decided on `decided`, and an open consultation on it.
pub async fn school_consultation(
    app: &TestApp,
    unit: &str,
    matter: &str,
    decided: NaiveDate,
    title: &str,
    seed: u32,
) -> Fixture {
    let agency = format!("PGDDT-{unit}");
    let kind = MatterKind::SchoolDecision;
    let m = new_matter(app, unit, &agency, matter, kind, decided).await;
    open_consultation(app, unit, m, title, seed).await
}

pub async fn submit(
    app: &TestApp,
    f: &Fixture,
    source: Source,
    age: i64,
    sex: Sex,
    answers: Vec<(i32, ValidAnswer)>,
) {
    submit_answers(app, f.id, source, child(age, sex, "08"), answers).await;
}

/// A child of no disability, of `age`, `sex` and the ethnic group of `ethnic`.
pub fn child(age: i64, sex: Sex, ethnic: &str) -> Profile {
    Profile {
        age: Age::parse(age),
        sex: Some(sex),
        ethnic: Some(ethnic.into()),
        disability: Some(false),
        unit: None,
    }
}

/// A child's answers under a fresh id, which must be stored.
pub async fn submit_answers(
    app: &TestApp,
    consultation_id: i32,
    source: Source,
    profile: Profile,
    answers: Vec<(i32, ValidAnswer)>,
) {
    let id = uuid::Uuid::new_v4().to_string();
    let s = Submission {
        consultation_id,
        submission_id: id.clone(),
        content_hash: id,
        source,
        profile,
        profile_unit_id: None,
        answers,
        entered_by: None,
    };
    let r = responses::submit(&app.db.conn, app.clock.now(), s)
        .await
        .expect("submit");
    assert!(matches!(r, responses::Submitted::Created(_)));
}

/// A paper form under `id` of a girl of `age`, when known, with no answers.
pub fn blank_paper(consultation_id: i32, id: String, age: Option<Age>) -> Submission {
    Submission {
        consultation_id,
        submission_id: id.clone(),
        content_hash: id,
        source: Source::Paper,
        profile: Profile {
            age,
            sex: Some(Sex::Girl),
            ..Default::default()
        },
        profile_unit_id: None,
        answers: vec![],
        entered_by: None,
    }
}

/// A group discussion's tally under a fresh id: `sexes` (girls, boys),
/// `ages` (6–10, 11–15) and the children per option.
pub async fn submit_tally(
    app: &TestApp,
    consultation_id: i32,
    label: &str,
    (girls, boys): (i32, i32),
    (age_6_10, age_11_15): (i32, i32),
    counts: Vec<(i32, i32)>,
) {
    let tally = Tally {
        consultation_id,
        submission_id: uuid::Uuid::new_v4().to_string(),
        label: label.into(),
        girls,
        boys,
        age_6_10,
        age_11_15,
        counts,
        entered_by: None,
    };
    responses::submit_tally(&app.db.conn, &actor(), app.clock.now(), tally)
        .await
        .expect("tally");
}

/// The unit carrying `code` (the newest, where several have), which must exist.
pub async fn unit_by_code<C: ConnectionTrait>(c: &C, code: &str) -> unit::Model {
    units::by_code(c, code)
        .await
        .expect("db")
        .unwrap_or_else(|| panic!("unit {code}"))
}

/// The agency of `code`, which must exist.
pub async fn agency_by_code<C: ConnectionTrait>(c: &C, code: &str) -> agency::Model {
    agencies::by_code(c, code)
        .await
        .expect("db")
        .unwrap_or_else(|| panic!("agency {code}"))
}

/// How many rows the table of `E` holds.
pub async fn count<E: EntityTrait>(app: &TestApp, _: E) -> u64
where
    E::Model: Sync,
{
    E::find().count(&app.db.conn).await.expect("count")
}

/// The id of the unit carrying `code`.
pub async fn unit_id(app: &TestApp, code: &str) -> i32 {
    unit_by_code(&app.db.conn, code).await.id
}

/// The id of the agency of `code`.
pub async fn agency_id(app: &TestApp, code: &str) -> i32 {
    agency_by_code(&app.db.conn, code).await.id
}

/// The demo records as `thamgia demo` fills them (children's voice, forums,
/// councils and clubs, activities and money, the 2021–2030 plan when `plans`,
/// and the annual reports, whose approvals lock some years), at the test
/// server's clock.
pub async fn demo_records(app: &TestApp, plans: bool) {
    let now = app.clock.now();
    thamgia::demo_voice::fill(&app.db, now, 2016)
        .await
        .expect("voice");
    demo_forums_and_councils(app).await;
    thamgia::demo_activities::fill(&app.db, now, 2020)
        .await
        .expect("activities");
    if plans {
        thamgia::demo_plans::fill(&app.db, now, 2021)
            .await
            .expect("plans");
    }
    thamgia::demo_reports::fill(&app.db, now)
        .await
        .expect("reports");
}

/// The demo's forums of 2019 and councils and clubs of 2018, at the test
/// server's clock.
pub async fn demo_forums_and_councils(app: &TestApp) {
    let now = app.clock.now();
    thamgia::demo_forums::fill(&app.db, now, 2019)
        .await
        .expect("forums");
    thamgia::demo_councils::fill(&app.db, now, 2018)
        .await
        .expect("councils");
}

/// The demo's open and draft consultations, as `thamgia demo` makes them;
/// the open one's join code, the one the demo prints.
pub async fn demo_open_consultation(app: &TestApp) -> String {
    let code = thamgia::demo_voice::fill_open(&app.db, app.clock.now())
        .await
        .expect("demo consultations");
    assert_eq!(code, thamgia::demo_voice::OPEN_CODE);
    code
}

/// The address (after `/moderation/`) of the first decision form on a page
/// of the moderation queue.
pub fn first_decision(html: &str) -> String {
    html.split("action=\"/moderation/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a decision form")
        .replace("&#38;", "&")
}

/// Approves a text through its decision form (`action` as `first_decision`
/// reads it); where the answer sends the moderator back.
pub async fn approve_text(app: &TestApp, c: &reqwest::Client, csrf: &str, action: &str) -> String {
    let path = format!("/moderation/{action}");
    let r = app
        .submit_form(c, csrf, &path, &[("action", "approve")], 303)
        .await;
    crate::helpers::location(&r)
}

/// Whether the options of a question of the results add up to its answered
/// total (single choice and faces; not multiple choice, ranking or text).
pub fn additive(q: &serde_json::Value) -> bool {
    ["single", "faces3", "faces5"].contains(&q["kind"].as_str().unwrap_or(""))
}

/// The cells of the options of a question of the results, in order.
pub fn option_cells(q: &serde_json::Value) -> Vec<&serde_json::Value> {
    q["options"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| &o["cell"])
        .collect()
}

/// A budget line through the store.
pub async fn budget_line(
    app: &TestApp,
    unit: &str,
    year: &str,
    source: &str,
    project: &str,
    amount: &str,
) {
    let db = &app.db.conn;
    let l = activities::lookup(db, &Scope::everything())
        .await
        .expect("lookup");
    let b = check_budget(
        &BudgetText {
            unit: unit.into(),
            year: year.into(),
            source: source.into(),
            project: project.into(),
            amount: amount.into(),
            note: String::new(),
        },
        &l,
    )
    .expect("valid budget");
    activities::set_budget(db, &Actor::system("test"), app.clock.now(), &b)
        .await
        .expect("budget");
}

/// An activity through the store, with its participants `(group, female,
/// male)` and, when given, one spending `(source, day, amount)`.
#[allow(clippy::too_many_arguments)]
pub async fn store_activity(
    app: &TestApp,
    unit: &str,
    code: &str,
    project: &str,
    kind: &str,
    starts_on: &str,
    lead: &str,
    participants: &[(&str, i32, i32)],
    spending: Option<(&str, &str, &str)>,
) -> i32 {
    let db = &app.db.conn;
    let l = activities::lookup(db, &Scope::everything())
        .await
        .expect("lookup");
    let mut t = ActivityText {
        code: code.into(),
        project: project.into(),
        kind: kind.into(),
        title: format!("Hoạt động thử {code}"),
        unit: unit.into(),
        starts_on: starts_on.into(),
        lead_agency: lead.into(),
        ..Default::default()
    };
    for (g, f, m) in participants {
        t.participants
            .insert((*g).into(), (f.to_string(), m.to_string()));
    }
    let a = check_activity(&t, &l).expect("valid activity");
    let actor = Actor::system("test");
    let (row, _) = activities::save(db, &actor, app.clock.now(), &a)
        .await
        .expect("save");
    if let Some((source, spent_on, amount)) = spending {
        let s = check_spending(
            &SpendingText {
                unit: unit.into(),
                activity: code.into(),
                source: source.into(),
                spent_on: spent_on.into(),
                amount: amount.into(),
                note: String::new(),
            },
            &l,
        )
        .expect("valid spending");
        activities::add_spending(db, &actor, app.clock.now(), row.id, &s)
            .await
            .expect("spending");
    }
    row.id
}

/// Creates a coordinator account of the unit `unit_id`, with the demo
/// password.
pub async fn new_coordinator(
    app: &TestApp,
    username: &str,
    display_name: &str,
    unit_id: i32,
) -> thamgia_store::entity::user::Model {
    thamgia_store::users::create(
        &app.db.conn,
        &actor(),
        app.clock.now(),
        thamgia_store::users::NewUser {
            username: username.into(),
            display_name: display_name.into(),
            password_hash: thamgia_web::password::hash(thamgia::demo::DEMO_PASSWORD).expect("hash"),
            role: thamgia_domain::access::Role::Coordinator,
            unit_id,
            agency_id: None,
        },
    )
    .await
    .expect("user")
}
