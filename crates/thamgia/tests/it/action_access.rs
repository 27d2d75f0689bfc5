//! Every write action of the action layer (`thamgia_actions::catalog::all`),
//! tried by every role of the demo against a record of its own unit and own
//! agency, of its own unit and another agency, and of another unit. What is
//! expected comes from the catalog entry and the rules of `domain::access`
//! (permission, scope, and for an agency-owned record the ownership rule);
//! what happens comes from calling the action itself. An action in the
//! catalog without a case below fails the suite.
//!
//! The inputs are deliberately incomplete (an empty title, nothing changed):
//! an action decides access before it checks fields, so an allowed call ends
//! in a field error or a no-op and a refused one in `Forbidden`, `NotFound` or
//! a field error naming the unit or agency as out of reach. Nothing is
//! changed by the walk, so the cases do not depend on each other; an action
//! that removes something (an activity, a spending, a question) acts on a
//! record made for that one call.

use crate::db_test;
use crate::fixtures;
use crate::helpers::TestApp;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use thamgia_actions::catalog::{self, Action, Owner};
use thamgia_actions::{self as actions, Act, ActionError, ActionResult, matters};
use thamgia_domain::access::Principal;
use thamgia_domain::reports::ReportAction;
use thamgia_domain::voice::{Sex, Source, ValidAnswer};
use thamgia_store::entity::answer;
use thamgia_store::{agencies, units, users};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now")
}

/// The demo's accounts: one per role, and a district and agency officer of
/// a second district.
const ACCOUNTS: &[&str] = &[
    "admin",
    "coordinator",
    "district106",
    "agency106",
    "facilitator106",
    "district108",
    "agency108",
    "viewer",
];

/// A unit and an agency, and the records of each kind the fixture made there.
struct Target {
    unit: &'static str,
    agency: &'static str,
    unit_path: String,
    agency_id: i32,
    matter: i32,
    forum: i32,
    council: i32,
    /// The unit's club, a child with consent, the child's memberships of
    /// the council and the club, and a dialogue of the council.
    club: i32,
    person: i32,
    council_member: i32,
    club_member: i32,
    dialogue: i32,
    /// Of this place's agency: an activity, an annual plan with one item, a
    /// recommendation addressed to it (from the unit's forum), a draft
    /// consultation about the place's matter and an open one with a child's
    /// written answer.
    activity: i32,
    plan: i32,
    item: i32,
    recommendation: i32,
    draft: i32,
    open: i32,
    answer: i32,
    /// An inspection of the unit by the unit itself, led by the place's
    /// agency, visited, with one open recommendation.
    inspection: i32,
    inspection_recommendation: i32,
}

/// Own unit and own agency (of the 106 officers), own unit and another
/// agency, another unit.
const PLACES: &[(&str, &str)] = &[
    ("106", "PGDDT-106"),
    ("106", "PLDTBXH-106"),
    ("107", "PGDDT-107"),
];

pub(crate) async fn principal(app: &TestApp, username: &str) -> Principal {
    let u = users::by_username(&app.db.conn, username)
        .await
        .expect("user")
        .expect("demo account");
    users::principal(&app.db.conn, &u).await.expect("principal")
}

/// A record made by the administrator through the API: its id.
async fn made(app: &TestApp, token: &str, path: &str, body: &Value) -> i32 {
    let (s, b) = app.api_send(Method::POST, token, path, body).await;
    assert!(s == 201 || s == 200, "{path}: {s} {b}");
    i32::try_from(b["id"].as_i64().expect("id")).expect("id")
}

/// What a unit holds for every place in it: a forum, a council with a
/// dialogue, a club, and a child with consent on both rosters.
struct UnitRecords {
    forum: i32,
    council: i32,
    dialogue: i32,
    club: i32,
    person: i32,
    council_member: i32,
    club_member: i32,
}

async fn unit_records(app: &TestApp, token: &str, unit: &str) -> UnitRecords {
    let forum = json!({
        "level": "district", "unit": unit, "year": 2026, "theme": "An toàn trên mạng",
        "starts_on": "2026-06-05", "ends_on": "2026-06-05", "venue": "Hội trường",
        "organiser_agency": "UBND-12", "girls": 20, "boys": 20, "age_6_10": 15,
        "age_11_15": 25, "adults_in_charge": 8
    });
    let forum = made(app, token, "/api/v1/forums", &forum).await;
    let council = json!({"unit": unit, "name": format!("Hội đồng trẻ em {unit}"),
        "established_on": "2019-03-01"});
    let council = made(app, token, "/api/v1/councils", &council).await;
    let dialogue = json!({"held_on": "2026-06-01", "attendees": "Đại biểu HĐND huyện",
        "issues": "Nước sạch ở trường bán trú", "children_present": 14});
    let dialogue = made(
        app,
        token,
        &format!("/api/v1/councils/{council}/dialogues"),
        &dialogue,
    )
    .await;
    let club = json!({"unit": unit, "setting": "school", "host": null,
        "name": format!("CLB Quyền tham gia {unit}"), "founded_on": "2017-09-05"});
    let club = made(app, token, "/api/v1/clubs", &club).await;
    let child = json!({
        "full_name": format!("Lò Thị Mai {unit}"), "birth_date": "2014-05-02", "sex": "girl",
        "ethnic": "03", "unit": unit, "school_or_commune": "Trường Tiểu học Bản Giang",
        "guardian_contact": "0987 000 111", "guardian_name": "Vàng A Sử",
        "guardian_relation": "bố", "guardian_method": "written", "guardian_date": "2026-11-20",
        "child_agreed": true, "child_date": "2026-11-20",
        "purpose": "Thành viên Hội đồng trẻ em huyện"
    });
    let person = made(app, token, "/api/v1/people", &child).await;
    let council_member = made(
        app,
        token,
        &format!("/api/v1/councils/{council}/members"),
        &json!({"person_id": person, "role": "member", "term_start": "2026-09-01"}),
    )
    .await;
    let club_member = made(
        app,
        token,
        &format!("/api/v1/clubs/{club}/members"),
        &json!({"person_id": person, "is_leader": false, "joined_on": "2026-10-01"}),
    )
    .await;
    UnitRecords {
        forum,
        council,
        dialogue,
        club,
        person,
        council_member,
        club_member,
    }
}

/// An activity of the place's agency in 2019, with a code of its own.
async fn new_activity(app: &TestApp, token: &str, unit: &str, agency: &str) -> i32 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    let code = format!("HĐ-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let body = json!({
        "code": code, "unit": unit, "project": "DA2", "kind": "training",
        "title": "Tập huấn kỹ năng tham vấn trẻ em", "starts_on": "2019-03-12",
        "ends_on": "2019-03-13", "lead_agency": agency, "coordinating": [],
        "participants": {"teachers": {"female": 21, "male": 9}}
    });
    made(app, token, "/api/v1/activities", &body).await
}

/// The report years of this walk, each left in the state its moves need:
/// approved (reopen), submitted (submit, return), draft (approve, narrative).
const APPROVED: i32 = 2016;
const SUBMITTED: i32 = 2017;
const DRAFT: i32 = 2018;

/// The reports of a unit for [`APPROVED`], [`SUBMITTED`] and [`DRAFT`].
async fn reports_of(app: &TestApp, unit: &str) {
    let coordinator = principal(app, "coordinator").await;
    let act = Act::new(&app.db.conn, &coordinator, now());
    for (year, moves) in [
        (APPROVED, &[ReportAction::Submit, ReportAction::Approve][..]),
        (SUBMITTED, &[ReportAction::Submit][..]),
        (DRAFT, &[][..]),
    ] {
        let u = actions::reports::unit_of(act.db, act.p, unit, year)
            .await
            .expect("a unit of the chain");
        actions::reports::ensure_report(act, &u, year)
            .await
            .expect("report");
        for m in moves {
            actions::reports::move_report(act, &u, year, *m, None)
                .await
                .expect("move");
        }
    }
}

/// The agency's reports for [`APPROVED`], [`SUBMITTED`] and [`DRAFT`], as
/// the units' are.
async fn agency_reports_of(app: &TestApp, agency: &str) {
    let coordinator = principal(app, "coordinator").await;
    let act = Act::new(&app.db.conn, &coordinator, now());
    for (year, moves) in [
        (APPROVED, &[ReportAction::Submit, ReportAction::Approve][..]),
        (SUBMITTED, &[ReportAction::Submit][..]),
        (DRAFT, &[][..]),
    ] {
        let (a, u) = actions::agency_reports::agency_of(act.db, act.p, agency, year)
            .await
            .expect("an agency owing a report");
        actions::agency_reports::ensure_report(act, &a, &u, year)
            .await
            .expect("report");
        for m in moves {
            actions::agency_reports::move_report(act, &a, &u, year, *m, None)
                .await
                .expect("move");
        }
    }
}

/// The records every case acts on, made by the administrator through the
/// actions themselves and the API.
async fn targets(app: &TestApp) -> Vec<Target> {
    let admin = principal(app, "admin").await;
    let act = Act::new(&app.db.conn, &admin, now());
    let token = app.token("admin").await;
    // A forum, council, club and child of each unit (the two places in 106
    // share them).
    let mut of_unit = std::collections::HashMap::new();
    for unit in ["106", "107"] {
        of_unit.insert(unit, unit_records(app, &token, unit).await);
        reports_of(app, unit).await;
    }
    for (_, agency) in PLACES {
        agency_reports_of(app, agency).await;
    }
    let mut out = Vec::new();
    for (seed, (unit, agency)) in (1u32..).zip(PLACES) {
        let u = units::by_code(&app.db.conn, unit)
            .await
            .expect("unit")
            .expect("demo unit");
        let a = agencies::by_code(&app.db.conn, agency)
            .await
            .expect("agency")
            .expect("demo agency");
        let m = matters::create(
            act,
            &matters::MatterInput {
                kind: "law_policy".into(),
                title: format!("Quy định cho {unit}"),
                agency: (*agency).into(),
                unit: (*unit).into(),
                ..Default::default()
            },
        )
        .await
        .expect("fixture matter");
        let r = &of_unit[unit];
        let plan = json!({"unit": unit, "agency": agency, "year": 2019});
        let plan = made(app, &token, "/api/v1/annual-plans", &plan).await;
        let item = json!({"project": "DA2", "kind": "training", "title": "Tập huấn cho giáo viên",
            "month": 3, "planned_participants": 40, "planned_budget": 30_000_000});
        let item = made(
            app,
            &token,
            &format!("/api/v1/annual-plans/{plan}/items"),
            &item,
        )
        .await;
        let recommendation = json!({"text": "Các em muốn có thêm sân chơi an toàn",
            "topic": "school", "agency": agency, "deadline": "2026-12-31"});
        let recommendation = made(
            app,
            &token,
            &format!("/api/v1/forums/{}/recommendations", r.forum),
            &recommendation,
        )
        .await;
        let draft = json!({"matter_id": m.id, "title": "Ý kiến của các em", "method": "survey",
            "age_min": 6, "age_max": 15, "opens_on": "2026-12-01", "closes_on": "2026-12-20"});
        let draft = made(app, &token, "/api/v1/consultations", &draft).await;
        let open = fixtures::open_consultation(app, unit, m.id, "Sân chơi", seed).await;
        let words = ValidAnswer::Text("Em muốn có sân chơi có mái che".into());
        fixtures::submit(
            app,
            &open,
            Source::Online,
            11,
            Sex::Girl,
            vec![(open.text, words)],
        )
        .await;
        let written = answer::Entity::find()
            .filter(answer::Column::QuestionId.eq(open.text))
            .one(&app.db.conn)
            .await
            .expect("answer")
            .expect("a written answer");
        out.push(Target {
            unit,
            agency,
            unit_path: u.path,
            agency_id: a.id,
            matter: m.id,
            forum: r.forum,
            council: r.council,
            club: r.club,
            person: r.person,
            council_member: r.council_member,
            club_member: r.club_member,
            dialogue: r.dialogue,
            activity: new_activity(app, &token, unit, agency).await,
            plan,
            item,
            recommendation,
            draft,
            open: open.id,
            answer: written.id,
            inspection: 0,
            inspection_recommendation: 0,
        });
        let last = out.last_mut().expect("the target");
        (last.inspection, last.inspection_recommendation) = inspection_of(app, u.id, a.id).await;
    }
    out
}

/// An inspection of a unit by itself, led by one of its agencies, visited,
/// with one open recommendation: its id and the recommendation's.
async fn inspection_of(app: &TestApp, unit_id: i32, agency_id: i32) -> (i32, i32) {
    use thamgia_store::inspections::{self, Planned, Visit};
    let db = &app.db.conn;
    let actor = thamgia_domain::access::Actor::system("test");
    let day = chrono::NaiveDate::from_ymd_opt(2019, 5, 15).expect("day");
    let i = inspections::create(
        db,
        &actor,
        now(),
        Planned {
            year: 2019,
            kind: thamgia_domain::inspections::InspectionKind::Inspection,
            unit_id,
            agency_id: None,
            inspector_unit_id: unit_id,
            inspector_agency_id: Some(agency_id),
            team: String::new(),
            subject: "Kiểm tra thực hiện kế hoạch".into(),
            planned_on: day,
        },
    )
    .await
    .expect("inspection");
    let v = Visit {
        visited_on: day,
        findings: "Đã tổ chức diễn đàn".into(),
        participants: String::new(),
    };
    inspections::record_visit(db, &actor, now(), i.id, v)
        .await
        .expect("visit");
    let r =
        inspections::add_recommendation(db, &actor, now(), i.id, "Báo cáo đúng hạn".into(), day)
            .await
            .expect("recommendation");
    (i.id, r.id)
}

/// Calls one action on one target with an input that cannot pass its checks,
/// or, for an action that removes something, on a record made for the call
/// (`token`: the administrator's).
async fn run(app: &TestApp, token: &str, name: &str, act: Act<'_>, t: &Target) -> ActionResult<()> {
    use actions::membership::{EndInput, MemberInput};
    use thamgia_store::membership::Model::{Club, Council};
    // A report's unit as the adapters read it: `NotFound` outside the scope.
    let report_unit = |y| actions::reports::unit_of(act.db, act.p, t.unit, y);
    // An agency's report as the adapters read it: `NotFound` outside the scope.
    let agency_report = |year| actions::agency_reports::agency_of(act.db, act.p, t.agency, year);
    let agency_move = |year, m| async move {
        let (a, u) = agency_report(year).await?;
        actions::agency_reports::move_report(act, &a, &u, year, m, None)
            .await
            .map(drop)
    };
    // A day that does not exist: an allowed caller ends nobody's membership.
    let ended = EndInput {
        end: "31/02/2026".into(),
    };
    match name {
        "matters.create" => matters::create(
            act,
            &matters::MatterInput {
                kind: "law_policy".into(),
                agency: t.agency.into(),
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "matters.update" => matters::update(
            act,
            t.matter,
            &matters::MatterPatch {
                title: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "councils.create" => actions::councils::create(
            act,
            &actions::councils::CouncilInput {
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "clubs.create" => actions::clubs::create(
            act,
            &actions::clubs::ClubInput {
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "forums.create" => actions::forums::create(
            act,
            &actions::forums::ForumInput {
                level: "district".into(),
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "annual_plans.create" => actions::annual_plans::create(
            act,
            &actions::annual_plans::PlanInput {
                unit: t.unit.into(),
                agency: t.agency.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "activities.create" => actions::activities::create(
            act,
            &actions::activities::ActivityInput {
                unit: t.unit.into(),
                lead_agency: t.agency.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "funding.set_budget_line" => actions::funding::set_budget_line(
            act,
            &actions::funding::BudgetInput {
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "forums.update" => actions::forums::update(act, t.forum, &Default::default())
            .await
            .map(drop),
        "forums.add_session" => actions::forums::add_session(act, t.forum, &Default::default())
            .await
            .map(drop),
        "forums.report" => actions::forums::report(act, t.forum, &Default::default())
            .await
            .map(drop),
        "forums.add_delegate" => {
            actions::forums::add_delegate(act, t.forum, &Default::default()).await
        }
        "forums.add_recommendation" => {
            actions::forums::add_recommendation(act, t.forum, &Default::default())
                .await
                .map(drop)
        }
        "councils.add_dialogue" => {
            actions::councils::add_dialogue(act, t.council, &Default::default())
                .await
                .map(drop)
        }
        "people.create" => actions::people::create(
            act,
            &actions::people::PersonInput {
                unit: t.unit.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "activities.update" => {
            actions::activities::update(act, t.activity, &Default::default()).await
        }
        "activities.delete" => {
            let id = new_activity(app, token, t.unit, t.agency).await;
            actions::activities::delete(act, id).await
        }
        "activities.add_spending" => {
            actions::activities::add_spending(act, t.activity, &Default::default())
                .await
                .map(drop)
        }
        "activities.delete_spending" => {
            static AMOUNT: AtomicUsize = AtomicUsize::new(1_000);
            let amount = AMOUNT.fetch_add(1, Ordering::Relaxed) * 1_000;
            let body = json!({"source": "local", "spent_on": "2019-03-13", "amount": amount});
            let path = format!("/api/v1/activities/{}/spending", t.activity);
            let spending = made(app, token, &path, &body).await;
            actions::activities::delete_spending(act, t.activity, spending).await
        }
        "activities.add_document" => {
            actions::activities::add_document(act, t.activity, Default::default())
                .await
                .map(drop)
        }
        "annual_plans.add_item" => {
            actions::annual_plans::add_item(act, t.plan, &Default::default())
                .await
                .map(drop)
        }
        // Unlinking an item that is not linked changes nothing.
        "annual_plans.link_item" => {
            actions::annual_plans::link_item(act, t.plan, t.item, None).await
        }
        "clubs.add_activity" => actions::clubs::add_activity(act, t.club, &Default::default())
            .await
            .map(drop),
        "clubs.add_recommendation" => {
            actions::clubs::add_recommendation(act, t.club, "", &Default::default())
                .await
                .map(drop)
        }
        "councils.add_recommendation" => {
            actions::councils::add_recommendation(act, t.council, t.dialogue, &Default::default())
                .await
                .map(drop)
        }
        "councils.add_member" => {
            actions::membership::add(act, Council, t.council, &MemberInput::default())
                .await
                .map(drop)
        }
        "clubs.add_member" => actions::membership::add(act, Club, t.club, &MemberInput::default())
            .await
            .map(drop),
        "councils.end_member" => {
            actions::membership::end(act, Council, t.council, t.council_member, &ended)
                .await
                .map(drop)
        }
        "clubs.end_member" => actions::membership::end(act, Club, t.club, t.club_member, &ended)
            .await
            .map(drop),
        "consultations.create" => actions::consultations::create(
            act,
            &actions::consultations::ConsultationInput {
                matter_id: t.matter,
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "consultations.add_question" => {
            actions::consultations::add_question(act, t.draft, &Default::default())
                .await
                .map(drop)
        }
        "consultations.delete_question" => {
            let path = format!("/api/v1/consultations/{}/questions", t.draft);
            let body = json!({"kind": "faces3", "text_vi": "Em thấy thế nào?"});
            let question = made(app, token, &path, &body).await;
            actions::consultations::delete_question(act, t.draft, question).await
        }
        // An empty question: an allowed caller is told what is missing.
        "consultations.edit_question" => {
            let path = format!("/api/v1/consultations/{}/questions", t.draft);
            let body = json!({"kind": "faces3", "text_vi": "Em thấy thế nào?"});
            let question = made(app, token, &path, &body).await;
            let r =
                actions::consultations::edit_question(act, t.draft, question, &Default::default())
                    .await
                    .map(drop);
            // The draft keeps no question: opening it is refused as before.
            let gone = format!("{path}/{question}");
            let (s, _) = app.api_send(Method::DELETE, token, &gone, &json!({})).await;
            assert_eq!(s, 204, "{gone}");
            r
        }
        // An order naming no question: an allowed caller is told so.
        "consultations.reorder_questions" => {
            actions::consultations::reorder_questions(act, t.draft, &[0]).await
        }
        // The draft has no question: an allowed caller is told so.
        "consultations.open" => actions::consultations::open(act, t.draft).await.map(drop),
        "responses.submit_paper" => {
            actions::responses::submit_paper(act, t.open, &Default::default())
                .await
                .map(drop)
        }
        "responses.submit_tally" => {
            actions::responses::submit_tally(act, t.open, &Default::default())
                .await
                .map(drop)
        }
        "moderation.apply" => actions::moderation::apply(act, t.answer, &Default::default())
            .await
            .map(drop),
        "results.close" => actions::results::close(act, t.open, "").await.map(drop),
        "results.save_answer" => actions::results::save_answer(act, t.open, &Default::default())
            .await
            .map(drop),
        "people.add_consent" => {
            actions::people::add_consent(act, t.person, &Default::default()).await
        }
        "people.withdraw" => actions::people::withdraw(act, t.person, false).await,
        // The same figure twice: an allowed caller is told so, and the
        // unit is out of reach for the others.
        "population.replace" => {
            let row = thamgia_domain::population::FigureText {
                unit: t.unit.into(),
                year: "2019".into(),
                age: "10".into(),
                sex: "girl".into(),
                children: "12".into(),
            };
            actions::population::replace(act, &[row.clone(), row], "test")
                .await
                .map(drop)
        }
        "recommendations.set_status" => {
            actions::recommendations::set_status(act, t.recommendation, &Default::default())
                .await
                .map(drop)
        }
        "recommendations.answer" => {
            actions::recommendations::answer(act, t.recommendation, &Default::default())
                .await
                .map(drop)
        }
        // Not answered yet: an allowed caller is told so.
        "recommendations.feedback" => {
            actions::recommendations::feedback(act, t.recommendation, &Default::default())
                .await
                .map(drop)
        }
        "handover.recommendation" => {
            actions::handover::hand_over(
                act,
                actions::handover::Item::Recommendation,
                t.recommendation,
                "KHONG-CO",
            )
            .await
        }
        "handover.answer" => {
            actions::handover::hand_over(act, actions::handover::Item::Answer, t.open, "KHONG-CO")
                .await
        }
        "reports.save_narrative" => {
            let u = report_unit(DRAFT).await?;
            let too_long = actions::reports::NarrativeInput {
                doc_number: "x".repeat(actions::reports::MAX_SHORT + 1),
                ..Default::default()
            };
            actions::reports::save_narrative(act, &u, DRAFT, &too_long)
                .await
                .map(drop)
        }
        "reports.submit" => {
            let u = report_unit(SUBMITTED).await?;
            actions::reports::move_report(act, &u, SUBMITTED, ReportAction::Submit, None)
                .await
                .map(drop)
        }
        "reports.return" => {
            let u = report_unit(SUBMITTED).await?;
            actions::reports::move_report(act, &u, SUBMITTED, ReportAction::Return, None)
                .await
                .map(drop)
        }
        "reports.approve" => {
            let u = report_unit(DRAFT).await?;
            actions::reports::move_report(act, &u, DRAFT, ReportAction::Approve, None)
                .await
                .map(drop)
        }
        "reports.reopen" => {
            let u = report_unit(APPROVED).await?;
            actions::reports::move_report(act, &u, APPROVED, ReportAction::Reopen, None)
                .await
                .map(drop)
        }
        "agency_reports.save" => {
            let (a, u) = agency_report(DRAFT).await?;
            let too_long = actions::agency_reports::NarrativesInput {
                narratives: [(
                    "HUYEN-1".to_string(),
                    "x".repeat(thamgia_domain::reports::MAX_SECTION + 1),
                )]
                .into(),
            };
            actions::agency_reports::save(act, &a, &u, DRAFT, &too_long)
                .await
                .map(drop)
        }
        "agency_reports.submit" => agency_move(SUBMITTED, ReportAction::Submit).await,
        "agency_reports.return" => agency_move(SUBMITTED, ReportAction::Return).await,
        "agency_reports.approve" => agency_move(DRAFT, ReportAction::Approve).await,
        "agency_reports.reopen" => agency_move(APPROVED, ReportAction::Reopen).await,
        "reviews.save_narrative" => {
            let span = actions::reviews::SpanInput {
                unit: t.unit.into(),
                from: "2016".into(),
                to: "2020".into(),
            };
            let too_long = actions::reviews::NarrativeInput {
                results: "x".repeat(thamgia_domain::reports::MAX_SECTION + 1),
                ..Default::default()
            };
            actions::reviews::save_narrative(act, &span, &too_long)
                .await
                .map(drop)
        }
        // The unit's forum is overdue (its report was due 15 days after
        // June); the second key is not a key: an allowed caller gets a field
        // error and nothing is recorded, another district's a `NotFound`.
        "reminders.send" => actions::reminders::send(
            act,
            &actions::reminders::RemindInput {
                items: vec![format!("forum:{}", t.forum), "?".into()],
                all: false,
            },
        )
        .await
        .map(drop),
        // Incomplete inputs: an allowed caller (the inspector, or for a note
        // the inspected party) gets field errors and nothing changes.
        "inspections.create" => actions::inspections::create(
            act,
            &actions::inspections::PlanInput {
                unit: t.unit.into(),
                inspector_agency: t.agency.into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        "inspections.update" => {
            actions::inspections::update(act, t.inspection, &Default::default())
                .await
                .map(drop)
        }
        "inspections.visit" => actions::inspections::visit(act, t.inspection, &Default::default())
            .await
            .map(drop),
        "inspections.recommend" => {
            actions::inspections::recommend(act, t.inspection, &Default::default())
                .await
                .map(drop)
        }
        "inspections.follow_up" => actions::inspections::follow_up(
            act,
            t.inspection,
            t.inspection_recommendation,
            &Default::default(),
        )
        .await
        .map(drop),
        "inspections.close" => actions::inspections::close(
            act,
            t.inspection,
            t.inspection_recommendation,
            &actions::inspections::CloseInput {
                closed_on: "31/02/2026".into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        other => panic!("no access case for the action {other}: add one to action_access.rs"),
    }
}

/// Field errors that mean "out of your reach", not "fix this field".
const REFUSALS: &[&str] = &["unknown_unit", "unknown_agency", "not_your_agency"];

/// Whether the action let the caller through.
fn allowed(r: &ActionResult<()>) -> bool {
    match r {
        // A report move the caller's role may not make is a conflict named
        // `not_allowed`; any other conflict is about the record's state.
        Err(ActionError::Conflict { field }) => field != "not_allowed",
        Ok(()) => true,
        Err(ActionError::Forbidden | ActionError::NotFound) => false,
        Err(ActionError::Invalid { fields, .. }) => {
            !fields.values().any(|c| REFUSALS.contains(&c.as_str()))
        }
        Err(ActionError::Internal(e)) => panic!("internal error: {e}"),
    }
}

/// What the rules say: the permission, the scope, and for an agency's record
/// the ownership rule.
fn expected(p: &Principal, a: &Action, t: &Target) -> bool {
    // A report's narrative is written by its own unit only (the reviewer
    // sends it back instead).
    if a.name == "reports.save_narrative" {
        return p.can(a.permission) && p.unit_path == t.unit_path;
    }
    p.can(a.permission)
        && p.scope().contains(&t.unit_path)
        && (a.owner == Owner::Unit || p.may_manage(a.permission, t.agency_id))
}

async fn every_write_action_by_role_unit_and_agency(app: TestApp) {
    let targets = targets(&app).await;
    let token = app.token("admin").await;
    let mut wrong = Vec::new();
    let (mut tried, mut let_through) = (0, 0);
    for username in ACCOUNTS {
        let p = principal(&app, username).await;
        let act = Act::new(&app.db.conn, &p, now());
        for a in catalog::all() {
            for t in &targets {
                let r = run(&app, &token, a.name, act, t).await;
                tried += 1;
                let (want, got) = (expected(&p, &a, t), allowed(&r));
                let_through += usize::from(got);
                if want != got {
                    wrong.push(format!(
                        "{} by {username} on {}/{}: expected {}, got {r:?}",
                        a.name,
                        t.unit,
                        t.agency,
                        if want { "allowed" } else { "refused" }
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Both outcomes occur, so the walk cannot pass by allowing or refusing
    // everything.
    assert!(
        0 < let_through && let_through < tried,
        "{let_through} of {tried}"
    );
}
db_test!(every_write_action_by_role_unit_and_agency);
