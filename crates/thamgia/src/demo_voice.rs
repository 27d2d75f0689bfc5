//! Demo records for children's voice, 2016–2020 in all 8 districts: matters of
//! each kind, an uneven share consulted (some districts lag, all improve over
//! the years), thousands of responses with plausible distributions, answers
//! published for most and overdue for some. Deterministic for a given seed.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::voice::{
    Age, JoinCode, MatterKind, Method, Profile, QuestionKind, RawAnswer, Sex, Source, Stage,
    validate_answers,
};
use thamgia_store::responses::{self, ModerationAction, Submission};
use thamgia_store::{Db, agencies, consultations, matters, units};

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct VoiceSummary {
    pub matters: usize,
    pub consultations: usize,
    pub responses: usize,
}

/// Each district's propensity to consult children in 2016 (it grows yearly).
const DISTRICTS: &[(&str, f64)] = &[
    ("105", 0.80),
    ("106", 0.75),
    ("107", 0.35),
    ("108", 0.45),
    ("109", 0.55),
    ("110", 0.70),
    ("111", 0.60),
    ("112", 0.30),
];

const SCHOOL_DECISIONS: &[&str] = &[
    "Nội quy trường học năm học mới",
    "Kế hoạch hoạt động ngoại khóa",
    "Lựa chọn đồng phục học sinh",
    "Thực đơn bữa ăn bán trú",
    "Sửa chữa nhà vệ sinh của trường",
    "Kế hoạch phòng chống đuối nước mùa hè",
    "Giờ mở cửa thư viện trường",
];

const COMMUNITY_DECISIONS: &[&str] = &[
    "Làm sân chơi cho trẻ em ở bản",
    "Kế hoạch Tháng hành động vì trẻ em",
    "Lắp đèn chiếu sáng đường đến trường",
    "Tổ chức Tết Trung thu cho trẻ em",
    "Hương ước bản về bảo vệ trẻ em",
];

const DISTRICT_POLICIES: &[&str] = &[
    "Đề án hỗ trợ trẻ em có hoàn cảnh đặc biệt",
    "Kế hoạch phòng, chống tảo hôn",
];

const PROVINCE_POLICIES: &[(&str, &str)] = &[
    (
        "SLDTBXH",
        "Kế hoạch thực hiện Chương trình hành động vì trẻ em tỉnh Lai Châu",
    ),
    ("SGDDT", "Quy định hỗ trợ học sinh bán trú"),
    ("STP", "Kế hoạch tuyên truyền pháp luật về quyền trẻ em"),
];

const TEXTS: &[&str] = &[
    "Em mong có thêm sân chơi an toàn gần nhà.",
    "Chúng em muốn được học bơi để không bị đuối nước.",
    "Đường đến trường mùa mưa rất trơn, xin làm lại đường.",
    "Em muốn thư viện mở cửa cả giờ nghỉ trưa.",
    "Bữa ăn bán trú nên có thêm rau và canh.",
    "Chúng em muốn được nói ý kiến nhiều hơn ở lớp.",
    "Nhà vệ sinh cần có nước sạch và khóa cửa.",
    "Em thích được tham gia câu lạc bộ văn nghệ.",
];

/// Ethnic mix of children in the province (codes of data/ethnic-groups.csv).
const ETHNIC: &[(&str, u32)] = &[
    ("03", 33),
    ("08", 25),
    ("09", 12),
    ("01", 14),
    ("35", 5),
    ("25", 3),
    ("42", 2),
    ("29", 2),
    ("33", 1),
    ("41", 1),
    ("45", 1),
    ("48", 1),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn day(y: i32, rng: &mut StdRng, from_month: u32, to_month: u32) -> NaiveDate {
    let m = rng.random_range(from_month..=to_month);
    let d = rng.random_range(1..=28);
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn ethnic(rng: &mut StdRng) -> String {
    let total: u32 = ETHNIC.iter().map(|e| e.1).sum();
    let mut n = rng.random_range(0..total);
    for (code, w) in ETHNIC {
        if n < *w {
            return (*code).to_string();
        }
        n -= w;
    }
    "03".into()
}

fn code(rng: &mut StdRng) -> Vec<JoinCode> {
    (0..20)
        .map(|_| JoinCode::from_random(std::array::from_fn(|_| rng.random())))
        .collect()
}

/// Which years, units and owners a run of [`fill_span`] makes records for.
pub struct Span<'a> {
    /// First and last year; the last year keeps some texts waiting for moderation.
    pub years: (i32, i32),
    /// Months in which decisions fall.
    pub months: (u32, u32),
    /// Units (codes, read with the decision's date) and their propensity to
    /// consult children in the first year (it grows by `growth` a year).
    pub units: &'a [(&'a str, f64)],
    pub growth: f64,
    /// The province's own policies: (owner agency, title).
    pub province: &'a [(&'a str, &'a str)],
    /// The agency that owns a unit's matters, when not its offices (`PGDDT-`,
    /// `UBND-` + code): a commune's People's Committee owns them all.
    pub owner: Option<&'a str>,
    /// Share of answers, in percent, that give no age.
    pub no_age_pct: u32,
    /// Fewest and most answers to one consultation.
    pub answers: (u32, u32),
}

/// 2016–2020, the 8 districts.
pub const SPAN_2016_2020: Span<'static> = Span {
    years: (2016, 2020),
    months: (4, 11),
    units: DISTRICTS,
    growth: 0.06,
    province: PROVINCE_POLICIES,
    owner: None,
    no_age_pct: 0,
    answers: (15, 60),
};

/// Fills the demo's children's-voice records. Call once, after [`crate::demo::fill`].
pub async fn fill(db: &Db, now: DateTime<Utc>, seed: u64) -> anyhow::Result<VoiceSummary> {
    fill_span(db, now, seed, &SPAN_2016_2020).await
}

/// Fills children's-voice records for the units and years of a span.
pub async fn fill_span(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
    span: &Span<'_>,
) -> anyhow::Result<VoiceSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let mut sum = VoiceSummary::default();
    let mut plans: Vec<(i32, &str, MatterKind, String, &str)> = vec![];
    for year in span.years.0..=span.years.1 {
        for (i, (owner, title)) in span.province.iter().enumerate() {
            if i < 2 || year % 2 == 0 {
                plans.push((
                    year,
                    "12",
                    MatterKind::LawPolicy,
                    format!("{title} năm {year}"),
                    owner,
                ));
            }
        }
        for (d, _) in span.units {
            let n_school = rng.random_range(2..=3);
            for _ in 0..n_school {
                let t = *pick(&mut rng, SCHOOL_DECISIONS);
                plans.push((
                    year,
                    d,
                    MatterKind::SchoolDecision,
                    format!("{t} ({year})"),
                    "PGDDT",
                ));
            }
            let n_comm = rng.random_range(1..=2);
            for _ in 0..n_comm {
                let t = *pick(&mut rng, COMMUNITY_DECISIONS);
                plans.push((
                    year,
                    d,
                    MatterKind::CommunityDecision,
                    format!("{t} ({year})"),
                    "UBND",
                ));
            }
            if rng.random_bool(0.5) {
                let t = *pick(&mut rng, DISTRICT_POLICIES);
                plans.push((
                    year,
                    d,
                    MatterKind::LawPolicy,
                    format!("{t} giai đoạn {year}"),
                    "UBND",
                ));
            }
        }
    }
    for (year, unit_code, kind, title, owner) in plans {
        let owner_code = if unit_code == "12" {
            owner.to_string()
        } else {
            format!("{}-{unit_code}", span.owner.unwrap_or(owner))
        };
        let agency = agencies::by_code(c, &owner_code)
            .await?
            .ok_or_else(|| anyhow!("agency {owner_code}"))?;
        let rate = span
            .units
            .iter()
            .find(|d| d.0 == unit_code)
            .map_or(0.9, |d| d.1)
            + span.growth * f64::from(year - span.years.0);
        let decision = day(year, &mut rng, span.months.0, span.months.1);
        // A code names a unit only with a date (codes were reused in 2025).
        let unit = units::resolve(
            c,
            &Scope::everything(),
            unit_code,
            Some(year),
            Some(decision),
        )
        .await
        .with_context(|| format!("unit {unit_code}"))?
        .unit;
        let consulted = rng.random_bool(rate.min(0.97));
        let m = matters::create(
            c,
            &actor,
            at(decision - chrono::Duration::days(70), 9),
            matters::NewMatter {
                kind,
                title,
                summary: "Dự thảo có liên quan trực tiếp đến trẻ em trên địa bàn; cần lấy ý kiến của các em trước khi quyết định.".into(),
                owner_agency_id: agency.id,
                unit_id: unit.id,
                stage: Stage::Drafting,
                decision_date: Some(decision),
            },
        )
        .await?;
        sum.matters += 1;
        if !consulted {
            matters::update(
                c,
                &actor,
                at(decision, 10),
                m.id,
                matters::MatterChanges {
                    stage: Some(Stage::Decided),
                    ..Default::default()
                },
            )
            .await?;
            continue;
        }
        let opens = decision - chrono::Duration::days(rng.random_range(30..=50));
        let closes = decision - chrono::Duration::days(rng.random_range(5..=12));
        let method = *pick(
            &mut rng,
            &[
                Method::Survey,
                Method::GroupDiscussion,
                Method::ClubDiscussion,
                Method::ForumSession,
            ],
        );
        let k = consultations::create(
            c,
            &actor,
            at(opens - chrono::Duration::days(3), 8),
            consultations::NewConsultation {
                matter_id: Some(m.id),
                unit_id: unit.id,
                title: format!("Ý kiến của các em: {}", m.title),
                intro: "Người lớn sắp quyết định việc này. Các em hãy cho biết suy nghĩ của mình."
                    .into(),
                method,
                age_min: 6,
                age_max: 15,
                opens_on: opens,
                closes_on: closes,
                facilitator_id: None,
                audience_unit_ids: vec![unit.id],
            },
            code(&mut rng),
        )
        .await
        .context("demo consultation")?;
        let t0 = at(opens - chrono::Duration::days(2), 8);
        let q1 = consultations::add_question(
            c,
            &actor,
            t0,
            k.id,
            consultations::NewQuestion {
                kind: QuestionKind::Single,
                text_vi: "Em có đồng ý với đề xuất này không?".into(),
                text_en: Some("Do you agree with this proposal?".into()),
                required: true,
                max_choices: None,
                options: vec![
                    ("Đồng ý".into(), Some("Agree".into()), Some("👍".into())),
                    (
                        "Chưa đồng ý".into(),
                        Some("Disagree".into()),
                        Some("👎".into()),
                    ),
                    (
                        "Em chưa rõ".into(),
                        Some("Not sure".into()),
                        Some("❓".into()),
                    ),
                ],
            },
        )
        .await?;
        let q2 = consultations::add_question(
            c,
            &actor,
            t0,
            k.id,
            consultations::NewQuestion {
                kind: QuestionKind::Faces5,
                text_vi: "Em cảm thấy thế nào về việc này?".into(),
                text_en: Some("How do you feel about this?".into()),
                required: false,
                max_choices: None,
                options: vec![],
            },
        )
        .await?;
        let q3 = consultations::add_question(
            c,
            &actor,
            t0,
            k.id,
            consultations::NewQuestion {
                kind: QuestionKind::Text,
                text_vi: "Em có ý kiến gì thêm không?".into(),
                text_en: Some("Anything else you want to say?".into()),
                required: false,
                max_choices: None,
                options: vec![],
            },
        )
        .await?;
        consultations::open(c, &actor, at(opens, 7), k.id).await?;
        let qs = consultations::questions(c, k.id).await?;
        let specs = thamgia_actions::responses::specs_of(&qs);
        let opts: Vec<i32> = qs[0].1.iter().map(|o| o.id).collect();
        // Agreement differs by consultation: some proposals children like, some not.
        let agree = rng.random_range(0.35..0.85);
        let n = rng.random_range(span.answers.0..=span.answers.1);
        let mut texts = vec![];
        for i in 0..n {
            let age = if rng.random_bool(0.45) {
                rng.random_range(6..=10)
            } else {
                rng.random_range(11..=15)
            };
            let no_age = span.no_age_pct > 0 && rng.random_range(0..100) < span.no_age_pct;
            let profile = Profile {
                age: if no_age { None } else { Age::parse(age) },
                sex: Some(if rng.random_bool(0.5) {
                    Sex::Girl
                } else {
                    Sex::Boy
                }),
                ethnic: rng.random_bool(0.9).then(|| ethnic(&mut rng)),
                disability: Some(rng.random_bool(0.03)),
                unit: None,
            };
            let choice = if rng.random_bool(agree) {
                opts[0]
            } else if rng.random_bool(0.6) {
                opts[1]
            } else {
                opts[2]
            };
            let face = if choice == opts[0] {
                rng.random_range(3..=5)
            } else {
                rng.random_range(1..=3)
            };
            let mut raw = BTreeMap::new();
            raw.insert(
                q1.id,
                RawAnswer {
                    options: vec![choice],
                    ..Default::default()
                },
            );
            raw.insert(
                q2.id,
                RawAnswer {
                    face: Some(face),
                    ..Default::default()
                },
            );
            let has_text = rng.random_bool(0.2);
            if has_text {
                raw.insert(
                    q3.id,
                    RawAnswer {
                        text: Some((*pick(&mut rng, TEXTS)).to_string()),
                        ..Default::default()
                    },
                );
            }
            let answers =
                validate_answers(&specs, &raw).map_err(|e| anyhow!("demo answers: {e:?}"))?;
            let sid = uuid::Builder::from_random_bytes(rng.random())
                .into_uuid()
                .to_string();
            let when = at(
                opens + chrono::Duration::days(i64::from(i % 10)),
                9 + (i % 8),
            );
            let source = if method == Method::Survey && rng.random_bool(0.3) {
                Source::Paper
            } else {
                Source::Online
            };
            responses::submit(
                c,
                when,
                Submission {
                    consultation_id: k.id,
                    submission_id: sid.clone(),
                    content_hash: thamgia_store::sha256_hex(&sid),
                    source,
                    profile,
                    profile_unit_id: None,
                    answers,
                    entered_by: None,
                },
            )
            .await?;
            sum.responses += 1;
            if has_text {
                texts.push(when);
            }
        }
        // Moderators read the texts: most approved; the newest year keeps a few waiting.
        let all = responses::all(c, k.id).await?;
        for (_, ans) in &all {
            for a in ans.iter().filter(|a| a.text.is_some()) {
                if year == span.years.1 && rng.random_bool(0.3) {
                    continue;
                }
                responses::moderate(c, &actor, at(closes, 15), a.id, ModerationAction::Approve)
                    .await?;
            }
        }
        let answered = rng.random_bool(0.88);
        consultations::close(
            c,
            &actor,
            at(closes, 17),
            k.id,
            "Đa số các em đồng ý; các em đề nghị thêm về an toàn và nước sạch.".into(),
        )
        .await?;
        matters::update(
            c,
            &actor,
            at(decision, 10),
            m.id,
            matters::MatterChanges {
                stage: Some(Stage::Decided),
                ..Default::default()
            },
        )
        .await?;
        let published = at(
            decision + chrono::Duration::days(rng.random_range(7..=50)),
            10,
        );
        if answered && published < now {
            consultations::save_answer(
                c,
                &actor,
                published,
                k.id,
                consultations::AnswerBack {
                    decided: "Ủy ban đã quyết định làm theo đề xuất, bắt đầu từ học kỳ tới.".into(),
                    taken: "Ý kiến của các em về an toàn và nước sạch đã được đưa vào quyết định.".into(),
                    not_taken: "Ý kiến làm thêm sân bóng chưa thực hiện được năm nay vì chưa đủ kinh phí; sẽ xem xét năm sau.".into(),
                },
                true,
            )
            .await?;
        }
        sum.consultations += 1;
        let _ = (texts.len(), decision.year());
    }
    Ok(sum)
}

/// The join code of the demo's open consultation, printed by `thamgia demo`.
pub const OPEN_CODE: &str = "BANBE7";

/// One consultation open today at the demo school, with a question of every
/// kind and options that name pictures of the library (and one typed emoji),
/// so the child's page can be tried, timed and tested at `/c/BANBE7`. Not tied
/// to a matter: the plan's indicators do not move.
pub async fn fill_open(db: &Db, now: DateTime<Utc>) -> anyhow::Result<String> {
    fill_open_at(db, now, crate::demo::DEMO_SCHOOL).await
}

/// As [`fill_open`], at the school with this code: `thamgia demo` holds
/// today's consultations at a commune's school
/// ([`crate::demo_recent::COMMUNE_SCHOOL`]), since the districts ended on
/// 30/6/2025.
pub async fn fill_open_at(db: &Db, now: DateTime<Utc>, school: &str) -> anyhow::Result<String> {
    let actor = Actor::system("demo");
    let c = &db.conn;
    let school = units::by_code(c, school)
        .await?
        .ok_or_else(|| anyhow!("unit {school}"))?;
    let today = now.date_naive();
    let code = JoinCode::parse(OPEN_CODE).ok_or_else(|| anyhow!("demo join code"))?;
    let k = consultations::create(
        c,
        &actor,
        now,
        consultations::NewConsultation {
            matter_id: None,
            unit_id: school.id,
            title: "Sân chơi mới của trường em".into(),
            intro: "Trường sắp làm sân chơi mới. Em hãy cho biết em muốn gì nhé.".into(),
            method: Method::Survey,
            age_min: 6,
            age_max: 15,
            opens_on: today - chrono::Duration::days(1),
            closes_on: today + chrono::Duration::days(60),
            facilitator_id: None,
            audience_unit_ids: vec![school.id],
        },
        [code],
    )
    .await
    .context("demo open consultation")?;
    let opt = |vi: &str, en: &str, pic: &str| {
        (
            vi.to_string(),
            Some(en.to_string()),
            Some(pic.to_string()).filter(|p| !p.is_empty()),
        )
    };
    let questions = [
        (
            QuestionKind::Faces3,
            "Em thấy sân chơi bây giờ thế nào?",
            "How do you find the playground now?",
            vec![],
        ),
        (
            QuestionKind::Faces5,
            "Em có thích đến trường không?",
            "Do you like coming to school?",
            vec![],
        ),
        (
            QuestionKind::Single,
            "Em thích chơi ở đâu nhất?",
            "Where do you like to play most?",
            vec![
                opt("Sân bóng", "Football pitch", "sport ⚽"),
                opt("Vườn cây", "Garden", "tree"),
                opt("Thư viện", "Library", "book"),
            ],
        ),
        (
            QuestionKind::Multiple,
            "Sân chơi cần có gì?",
            "What should the playground have?",
            vec![
                opt("Chỗ chơi", "Things to play on", "play"),
                opt("Nước uống", "Drinking water", "water"),
                opt("Ghế ngồi", "Benches", ""),
            ],
        ),
        (
            QuestionKind::Ranking,
            "Trường nên làm gì trước?",
            "What should the school do first?",
            vec![
                opt("Trồng cây", "Plant trees", "tree"),
                opt("Làm mái che", "Build a roof", "home"),
                opt("Làm rào an toàn", "Build a safe fence", "safety"),
            ],
        ),
        (
            QuestionKind::Text,
            "Em muốn nói thêm điều gì?",
            "Anything else you want to say?",
            vec![],
        ),
    ];
    for (kind, vi, en, options) in questions {
        consultations::add_question(
            c,
            &actor,
            now,
            k.id,
            consultations::NewQuestion {
                kind,
                text_vi: vi.into(),
                text_en: Some(en.into()),
                required: kind != QuestionKind::Text,
                max_choices: None,
                options,
            },
        )
        .await?;
    }
    consultations::open(c, &actor, now, k.id).await?;
    fill_draft(db, now, school.id).await?;
    Ok(k.join_code)
}

/// The join code of the demo's consultation still in draft (children cannot
/// answer it until an official opens it).
pub const DRAFT_CODE: &str = "NHAP26";

/// A consultation in draft at the demo school, planned to open next week, so
/// an official can try writing questions and opening it.
async fn fill_draft(db: &Db, now: DateTime<Utc>, school_id: i32) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let c = &db.conn;
    let today = now.date_naive();
    let code = JoinCode::parse(DRAFT_CODE).ok_or_else(|| anyhow!("demo draft join code"))?;
    let k = consultations::create(
        c,
        &actor,
        now,
        consultations::NewConsultation {
            matter_id: None,
            unit_id: school_id,
            title: "Giờ ra chơi của em".into(),
            intro: "Nhà trường muốn nghe ý kiến của em về giờ ra chơi.".into(),
            method: Method::Survey,
            age_min: 6,
            age_max: 15,
            opens_on: today + chrono::Duration::days(7),
            closes_on: today + chrono::Duration::days(37),
            facilitator_id: None,
            audience_unit_ids: vec![school_id],
        },
        [code],
    )
    .await
    .context("demo draft consultation")?;
    consultations::add_question(
        c,
        &actor,
        now,
        k.id,
        consultations::NewQuestion {
            kind: QuestionKind::Faces5,
            text_vi: "Em có đủ thời gian ra chơi không?".into(),
            text_en: Some("Do you have enough time for break?".into()),
            required: true,
            max_choices: None,
            options: vec![],
        },
    )
    .await?;
    Ok(())
}
