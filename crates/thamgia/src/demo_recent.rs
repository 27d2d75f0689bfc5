//! The demo's 2021–2026 records, under the 2021–2030 plan: the province every
//! year (its forum, activities, spending and budget lines); the 8 districts
//! until 30/6/2025 (children's voice of 2021–2024; forums, their councils'
//! dialogues, clubs' activities and intakes, activities, spending and budget
//! lines until 30/6/2025; annual plans and reports of 2021–2024); then the
//! communes and wards that replaced them (children's voice, forums,
//! activities, spending and budget lines of the second half of 2025 and of
//! 2026, clubs with members aged 11 and over, councils in three of them with
//! dialogues, the 2026 annual plans, the 2026 reports commune → province in
//! every state). The generators are those of 2016–2020, run over other years
//! and units (their `Span`s); what a district does stops on 30/6/2025, what a
//! commune does starts on 1/7/2025. Activities and money are written before the
//! annual plans (which link them) and the reports (whose approval locks the
//! year).
//!
//! Runs after [`crate::demo::load_units`] (the communes must exist) and before
//! [`crate::demo_voice::fill_open_at`]. Deterministic: every run writes the same
//! records (seeded generators, fixed dates).

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::ForumLevel;
use thamgia_store::audit::{self, Change};
use thamgia_store::entity::agency;
use thamgia_store::sea_orm::{ActiveModelTrait, Set};
use thamgia_store::{Db, agencies, units};

use crate::demo::DemoAccount;
use crate::demo_activities::{Agencies, PLACES, Place};
use crate::demo_reports::End;

/// A lower secondary school of Xã Bản Bo (03424) since 1/7/2025: where the
/// demo's open consultation (BANBE7) and its draft (NHAP26) are held today.
pub const COMMUNE_SCHOOL: &str = "03424-THCS-BANBO";

/// Officers of two of the communes of 1/7/2025 (a ward and a rural commune),
/// the facilitator of the commune's school, and the province's coordinator since child affairs moved to the
/// Department of Health. Created here (the communes and SYT exist only once
/// the units and the 2021–2030 plan are loaded); printed with the others.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "soyte",
        role: "coordinator",
        unit: "12",
        agency: Some("SYT"),
        display_name: "Lường Thị Hạnh (Sở Y tế)",
    },
    DemoAccount {
        username: "doanket03388",
        role: "district_officer",
        unit: "03388",
        agency: Some("UBND-03388"),
        display_name: "Đỗ Thị Thu (Phường Đoàn Kết)",
    },
    DemoAccount {
        username: "banbo03424",
        role: "district_officer",
        unit: "03424",
        agency: Some("UBND-03424"),
        display_name: "Tẩn Văn Chứ (Xã Bản Bo)",
    },
    // The facilitator of today's consultations, at the commune's school.
    DemoAccount {
        username: "facilitator03424",
        role: "facilitator",
        unit: COMMUNE_SCHOOL,
        agency: None,
        display_name: "Lò Thị Mai (THCS Bản Bo)",
    },
];

/// The 8 districts' propensity to consult children in 2021 (grows yearly).
const DISTRICTS_2021: &[(&str, f64)] = &[
    ("105", 0.85),
    ("106", 0.80),
    ("107", 0.50),
    ("108", 0.60),
    ("109", 0.65),
    ("110", 0.75),
    ("111", 0.70),
    ("112", 0.45),
];

/// The communes of 1/7/2025 that run the demo's records, and their
/// propensity to consult children in 2025.
const COMMUNES: &[(&str, f64)] = &[
    ("03388", 0.85),
    ("03408", 0.80),
    ("03390", 0.75),
    ("03424", 0.70),
    ("03430", 0.55),
    ("03445", 0.45),
    ("03478", 0.50),
    ("03549", 0.60),
    ("03595", 0.65),
    ("03598", 0.60),
];

const PROVINCE_POLICIES_2021: &[(&str, &str)] = &[
    (
        "SLDTBXH",
        "Kế hoạch thực hiện Chương trình hành động vì trẻ em tỉnh Lai Châu",
    ),
    ("SGDDT", "Quy định hỗ trợ học sinh bán trú"),
    ("STP", "Kế hoạch tuyên truyền pháp luật về quyền trẻ em"),
];

const PROVINCE_POLICIES_2025: &[(&str, &str)] = &[
    ("SYT", "Kế hoạch bảo vệ, chăm sóc trẻ em tỉnh Lai Châu"),
    ("SGDDT", "Quy định hỗ trợ học sinh bán trú"),
    ("STP", "Kế hoạch tuyên truyền pháp luật về quyền trẻ em"),
];

/// District code, place name for venues, the years it held no forum.
const FORUM_DISTRICTS: &[(&str, &str, &[i32])] = &[
    ("105", "thành phố Lai Châu", &[]),
    ("106", "huyện Tam Đường", &[]),
    ("107", "huyện Mường Tè", &[2021]),
    ("108", "huyện Sìn Hồ", &[]),
    ("109", "huyện Phong Thổ", &[]),
    ("110", "huyện Than Uyên", &[]),
    ("111", "huyện Tân Uyên", &[]),
    ("112", "huyện Nậm Nhùn", &[2021, 2022]),
];

/// Commune code, place name, the years it held no forum.
const FORUM_COMMUNES: &[(&str, &str, &[i32])] = &[
    ("03388", "phường Đoàn Kết", &[]),
    ("03408", "phường Tân Phong", &[]),
    ("03390", "xã Bình Lư", &[2025]),
    ("03424", "xã Bản Bo", &[]),
    ("03430", "xã Khun Há", &[2025]),
    ("03445", "xã Mường Tè", &[2025, 2026]),
    ("03478", "xã Sìn Hồ", &[2025]),
    ("03549", "xã Phong Thổ", &[]),
    ("03595", "xã Than Uyên", &[2025]),
    ("03598", "xã Tân Uyên", &[]),
];

/// The communes of 1/7/2025 that carry out activities (a year, inclusive),
/// and the donors some of them draw on.
const ACTIVITY_COMMUNES: &[Place] = &[
    Place {
        code: "03388",
        name: "phường Đoàn Kết",
        per_year: (6, 10),
        donor: Some(("domestic_donors", "DA1")),
    },
    Place {
        code: "03408",
        name: "phường Tân Phong",
        per_year: (5, 9),
        donor: None,
    },
    Place {
        code: "03390",
        name: "xã Bình Lư",
        per_year: (4, 8),
        donor: None,
    },
    Place {
        code: "03424",
        name: "xã Bản Bo",
        per_year: (4, 8),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "03430",
        name: "xã Khun Há",
        per_year: (2, 4),
        donor: None,
    },
    Place {
        code: "03445",
        name: "xã Mường Tè",
        per_year: (2, 4),
        donor: None,
    },
    Place {
        code: "03478",
        name: "xã Sìn Hồ",
        per_year: (3, 6),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "03549",
        name: "xã Phong Thổ",
        per_year: (3, 7),
        donor: None,
    },
    Place {
        code: "03595",
        name: "xã Than Uyên",
        per_year: (3, 7),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "03598",
        name: "xã Tân Uyên",
        per_year: (3, 6),
        donor: None,
    },
];

/// The agencies of a unit under the 2021–2030 plan: at the province the
/// departments (Sở LĐTB&XH until 28/02/2025, Sở Y tế since) and the unions;
/// in a district its offices, as in 2016–2020; in a commune or ward its
/// People's Committee, with the province's unions coordinating.
fn agencies_2021(code: &str, on: NaiveDate) -> Agencies {
    let v = |a: &[&str]| a.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    if code == "12" {
        let coordinator = if on < NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or(on) {
            "SLDTBXH"
        } else {
            "SYT"
        };
        (
            v(&[coordinator, "SVHTTDL", "TDTN"]),
            v(&[coordinator, "SGDDT", "TDTN"]),
            v(&["SGDDT", "TDTN", "HLHPN", "SVHTTDL", "MTTQ", "STP"]),
        )
    } else if code.len() == 3 {
        crate::demo_activities::agencies_2016(code, on)
    } else {
        let ubnd = format!("UBND-{code}");
        (
            vec![ubnd.clone()],
            vec![ubnd],
            v(&["TDTN", "HLHPN", "MTTQ", "SGDDT"]),
        )
    }
}

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct RecentSummary {
    pub agencies: usize,
    pub matters: usize,
    pub consultations: usize,
    pub responses: usize,
    pub forums: usize,
    pub dialogues: usize,
    pub clubs: usize,
    pub club_members: usize,
    pub annual_plans: usize,
    pub reports: usize,
    pub activities: usize,
    pub spendings: usize,
    pub budget_lines: usize,
    pub councils: usize,
    pub council_members: usize,
    pub club_activities: usize,
}

fn d(y: i32, m: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| anyhow!("date {y}-{m}-{day}"))
}

/// The People's Committee of each commune of 1/7/2025 (`UBND-<code>`), which
/// a plan file cannot list (its units come from `plans/units/`). An agency
/// that exists already is left alone.
async fn commune_agencies(db: &Db, actor: &Actor, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let c = &db.conn;
    let since = d(2025, 7, 1)?;
    let mut made = 0;
    for line in crate::units_import::UNITS_2025.lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(code), Some(name)) = (cells.next(), cells.next()) else {
            continue;
        };
        let agency_code = format!("UBND-{code}");
        if agencies::by_code(c, &agency_code).await?.is_some() {
            continue;
        }
        let unit = units::resolve(c, &Scope::everything(), code, Some(2026), Some(since))
            .await
            .with_context(|| format!("commune {code}"))?
            .unit;
        // "Phường Đoàn Kết" → "phường Đoàn Kết" inside a name; "Đoàn Kết ward".
        let (kind_vi, place) = name.split_once(' ').unwrap_or(("Xã", name));
        let kind_en = if kind_vi == "Phường" {
            "ward"
        } else {
            "commune"
        };
        let lower = kind_vi.to_lowercase();
        let row = agency::ActiveModel {
            code: Set(agency_code.clone()),
            name_vi: Set(format!("Ủy ban nhân dân {lower} {place}")),
            name_en: Set(format!("People's Committee of {place} {kind_en}")),
            short_vi: Set(Some(format!("UBND {lower} {place}"))),
            kind: Set("people_committee".into()),
            unit_id: Set(unit.id),
            valid_from: Set(Some(since)),
            valid_to: Set(None),
            ..Default::default()
        }
        .insert(c)
        .await?;
        audit::record(
            c,
            actor,
            now,
            Change::new("create", "agency", &agency_code).after(&row),
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// Fills the 2021–2026 records. Returns `None` (and changes nothing) when the
/// 2021–2030 plan was loaded already.
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Option<RecentSummary>> {
    let actor = Actor::system("demo");
    let c = &db.conn;
    let plan = thamgia_domain::plan::check(crate::LAI_CHAU_PLAN_2021)
        .map_err(|e| anyhow!("the shipped 2021–2030 plan does not check: {}", e[0]))?;
    let imported =
        thamgia_store::plans::import(c, &actor, now, &plan, crate::LAI_CHAU_PLAN_2021).await?;
    if matches!(
        imported,
        thamgia_store::plans::ImportOutcome::Unchanged { .. }
    ) {
        return Ok(None);
    }
    let mut sum = RecentSummary {
        agencies: commune_agencies(db, &actor, now).await?,
        ..Default::default()
    };
    units::create(
        c,
        &actor,
        now,
        units::NewUnit {
            code: COMMUNE_SCHOOL.into(),
            name_vi: "Trường PTDTBT THCS Bản Bo".into(),
            name_en: "Bản Bo ethnic boarding lower secondary school".into(),
            level: "school".into(),
            parent_code: "03424".into(),
            valid_from: Some(d(2025, 7, 1)?),
        },
    )
    .await
    .context("the commune school")?;
    crate::demo::create_accounts(c, &actor, now, ACCOUNTS).await?;

    // Children's voice: the districts 2021–2024, the communes from the
    // second half of 2025; some children give no age.
    use crate::demo_voice::{Span as VoiceSpan, fill_span as voice};
    for (seed, span) in [
        (
            2021,
            VoiceSpan {
                years: (2021, 2024),
                months: (4, 11),
                units: DISTRICTS_2021,
                growth: 0.04,
                province: PROVINCE_POLICIES_2021,
                owner: None,
                no_age_pct: 6,
                answers: (8, 30),
            },
        ),
        (
            2025,
            VoiceSpan {
                years: (2025, 2026),
                months: (9, 11),
                units: COMMUNES,
                growth: 0.05,
                province: PROVINCE_POLICIES_2025,
                owner: Some("UBND"),
                no_age_pct: 8,
                answers: (8, 30),
            },
        ),
    ] {
        let v = voice(db, now, seed, &span).await?;
        sum.matters += v.matters;
        sum.consultations += v.consultations;
        sum.responses += v.responses;
    }

    // Forums: the province every year; the districts until 2024, the
    // communes from the second half of 2025.
    use crate::demo_forums::{Span as ForumSpan, fill_span as forums};
    // The districts' forums as in 2016–2020, over 2021–2024.
    let districts = ForumSpan {
        years: (2021, 2024),
        units: FORUM_DISTRICTS,
        small: &[("107", 2023, 33)],
        ..crate::demo_forums::SPAN_2016_2020
    };
    for (seed, span) in [
        (2022, ForumSpan { ..districts }),
        (
            2026,
            ForumSpan {
                years: (2025, 2026),
                months: (8, 10),
                units: FORUM_COMMUNES,
                level: ForumLevel::Commune,
                organiser: "UBND",
                coordinator: "SYT",
                lagging: &["03445", "03478"],
                small: &[("03430", 2026, 31)],
                ..districts
            },
        ),
        // The districts' last forums, in the first half of 2025; the
        // province's of 2025 is in the communes' span.
        (
            2033,
            ForumSpan {
                years: (2025, 2025),
                province: false,
                months: (3, 6),
                coordinator: "SYT",
                small: &[],
                ..districts
            },
        ),
    ] {
        sum.forums += forums(db, now, seed, &span).await?.forums;
    }

    // The districts' councils and clubs carry on until 2024 (Phong Thổ's
    // council silent in 2022, Mường Tè's in 2021), then through their last
    // half year, until 30/6/2025 (its own seed, so 2021–2024 stay as they
    // were).
    use crate::demo_councils::continue_district_models as district_models;
    for (seed, span) in [
        (2023, ((2021, 2024), d(2024, 12, 31)?)),
        (2034, ((2025, 2025), d(2025, 6, 30)?)),
    ] {
        let k = district_models(db, now, seed, span, &[("109", 2022), ("107", 2021)]).await?;
        sum.dialogues += k.dialogues;
        sum.club_members += k.club_members;
        sum.club_activities += k.activities;
    }

    // Clubs in the communes, with members (consent-backed) aged 11 and over;
    // councils in three of them, with dialogues.
    let k = crate::demo_councils::fill_commune_models(db, now, 2027).await?;
    sum.clubs += k.clubs;
    sum.club_members += k.club_members;
    sum.club_activities += k.activities;
    sum.councils += k.councils;
    sum.council_members += k.council_members;
    sum.dialogues += k.dialogues;

    // Activities, their spending and budget lines: the province every year,
    // the districts until 30/6/2025, the communes from 1/7/2025; before the
    // annual plans (which link them) and the reports (which lock the year).
    use crate::demo_activities::{Span as ActivitySpan, fill_span as activities};
    for (seed, span) in [
        (
            2030,
            ActivitySpan {
                years: (2021, 2026),
                days: (d(2021, 1, 1)?, d(2026, 12, 31)?),
                places: &PLACES[..1],
                overspent: &[],
                agencies: agencies_2021,
            },
        ),
        (
            2031,
            ActivitySpan {
                years: (2021, 2025),
                days: (d(2021, 1, 1)?, d(2025, 6, 30)?),
                places: &PLACES[1..],
                overspent: &[("110", 2022, "central", "DA1")],
                agencies: agencies_2021,
            },
        ),
        (
            2032,
            ActivitySpan {
                years: (2025, 2026),
                days: (d(2025, 7, 1)?, d(2026, 12, 31)?),
                places: ACTIVITY_COMMUNES,
                overspent: &[("03424", 2026, "local", "DA2")],
                agencies: agencies_2021,
            },
        ),
    ] {
        let a = activities(db, now, seed, &span).await?;
        sum.activities += a.activities;
        sum.spendings += a.spendings;
        sum.budget_lines += a.budget_lines;
    }

    // Annual activity plans: the province and the districts 2021–2024 (Sở
    // LĐTB&XH, the districts' labour offices), the province and five
    // communes for 2026 (Sở Y tế, the communes' People's Committees); their
    // items are linked to the activities of the same unit, year and project.
    use crate::demo_plans::{OWNERS as district_owners, fill_span as plans};
    sum.annual_plans += plans(db, now, 2028, district_owners, (2021, 2024))
        .await?
        .plans;
    let commune_owners: &[(&str, &str, u32)] = &[
        ("12", "SYT", 90),
        ("03388", "UBND-03388", 90),
        ("03408", "UBND-03408", 85),
        ("03390", "UBND-03390", 80),
        ("03424", "UBND-03424", 75),
        ("03549", "UBND-03549", 60),
    ];
    sum.annual_plans += plans(db, now, 2029, commune_owners, (2026, 2026))
        .await?
        .plans;

    // Reports: districts → province for 2021–2024 (2024 in mixed states);
    // communes → province for 2026, in every state, some not written yet.
    use crate::demo_reports::{Span as ReportSpan, fill_span as reports};
    let districts = ["105", "106", "107", "108", "109", "110", "111", "112"];
    let mut past = vec![];
    for year in 2021..=2023 {
        for (i, code) in districts.iter().enumerate() {
            if (*code, year) == ("112", 2021) {
                continue;
            }
            past.push((*code, year, End::Approved, 6 + (i as u32 + year as u32) % 8));
        }
    }
    past.extend([
        ("105", 2024, End::Approved, 8),
        ("106", 2024, End::Approved, 9),
        ("107", 2024, End::Submitted, 20),
        ("108", 2024, End::Approved, 10),
        ("109", 2024, End::Returned, 12),
        ("110", 2024, End::Approved, 7),
        ("111", 2024, End::Approved, 13),
        ("112", 2024, End::Submitted, 27),
    ]);
    sum.reports += reports(
        db,
        now,
        &ReportSpan {
            reports: past,
            month: None,
            reviewer: "demo: Sở LĐTB&XH",
            recipients: "Sở Lao động - TB&XH tỉnh Lai Châu;\nLưu: VT.",
        },
    )
    .await?
    .reports;
    sum.reports += reports(
        db,
        now,
        &ReportSpan {
            reports: vec![
                ("03388", 2026, End::Approved, 10),
                ("03408", 2026, End::Approved, 12),
                ("03390", 2026, End::Submitted, 17),
                ("03424", 2026, End::Submitted, 20),
                ("03430", 2026, End::Returned, 14),
                ("03549", 2026, End::Draft, 0),
                ("03595", 2026, End::Draft, 0),
            ],
            month: Some(11),
            reviewer: "demo: Sở Y tế",
            recipients: "Sở Y tế tỉnh Lai Châu;\nLưu: VT.",
        },
    )
    .await?
    .reports;
    Ok(Some(sum))
}
