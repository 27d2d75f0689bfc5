//! Demo annual activity plans, 2016–2020: one per district (owned by its
//! labour office, `PLDTBXH-<code>`) and one for the province (`SLDTBXH`) each
//! year, 4–8 planned activities each, linked to the demo activities of the
//! same unit, year and project where there are some. Mường Tè (107) and Nậm
//! Nhùn (112) lag: fewer of their planned activities are carried out. With no
//! activities in the database nothing is linked. Deterministic for a seed;
//! a plan that already exists is left alone.

use anyhow::anyhow;
use chrono::{DateTime, Datelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{ActivityKind, PlanItem};
use thamgia_domain::money::Dong;
use thamgia_store::activities::{self, ActivityFilter};
use thamgia_store::annual_plans::{self, NewPlan};
use thamgia_store::{Db, agencies, units};

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct PlansSummary {
    pub plans: usize,
    pub items: usize,
    pub linked: usize,
}

/// (unit, owner agency, share of items carried out in percent): the province's
/// and the districts' labour offices (the 2016–2020 plans, and again for
/// 2021–2024 in `demo_recent`).
pub(crate) const OWNERS: &[(&str, &str, u32)] = &[
    ("12", "SLDTBXH", 90),
    ("105", "PLDTBXH-105", 90),
    ("106", "PLDTBXH-106", 85),
    ("107", "PLDTBXH-107", 40),
    ("108", "PLDTBXH-108", 85),
    ("109", "PLDTBXH-109", 75),
    ("110", "PLDTBXH-110", 80),
    ("111", "PLDTBXH-111", 80),
    ("112", "PLDTBXH-112", 35),
];

/// Planned activities to draw from: (project, kind, title, participants, budget in thousand đồng).
const TEMPLATES: &[(&str, ActivityKind, &str, i32, i64)] = &[
    (
        "DA1",
        ActivityKind::Broadcast,
        "Chuyên mục phát thanh về quyền tham gia của trẻ em",
        0,
        6_000,
    ),
    (
        "DA1",
        ActivityKind::Publication,
        "In và phát tờ rơi, áp phích về quyền tham gia của trẻ em",
        0,
        12_000,
    ),
    (
        "DA1",
        ActivityKind::Event,
        "Hưởng ứng Tháng hành động vì trẻ em",
        300,
        25_000,
    ),
    (
        "DA1",
        ActivityKind::Contest,
        "Cuộc thi tìm hiểu quyền trẻ em trong trường học",
        200,
        15_000,
    ),
    (
        "DA2",
        ActivityKind::Training,
        "Tập huấn kỹ năng tham vấn ý kiến trẻ em cho cán bộ",
        40,
        30_000,
    ),
    (
        "DA2",
        ActivityKind::Training,
        "Tập huấn thúc đẩy quyền tham gia cho giáo viên",
        50,
        35_000,
    ),
    (
        "DA2",
        ActivityKind::Meeting,
        "Hội nghị triển khai kế hoạch thúc đẩy quyền tham gia",
        60,
        10_000,
    ),
    (
        "DA2",
        ActivityKind::Training,
        "Tập huấn kỹ năng làm cha mẹ, lắng nghe trẻ em",
        60,
        20_000,
    ),
    (
        "MH1",
        ActivityKind::Event,
        "Tổ chức Diễn đàn trẻ em",
        120,
        40_000,
    ),
    (
        "MH2",
        ActivityKind::Meeting,
        "Đối thoại giữa Hội đồng trẻ em và lãnh đạo địa phương",
        40,
        8_000,
    ),
    (
        "MH3",
        ActivityKind::Meeting,
        "Sinh hoạt câu lạc bộ quyền tham gia của trẻ em",
        30,
        5_000,
    ),
];

pub async fn fill(db: &Db, now: DateTime<Utc>, seed: u64) -> anyhow::Result<PlansSummary> {
    fill_span(db, now, seed, OWNERS, (2016, 2020)).await
}

/// Annual plans of `owners` (unit, owner agency, share of items carried out)
/// for the years `years` (not after this year). A unit code is read with the
/// plan's year (codes were reused in 2025).
pub async fn fill_span(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
    owners: &[(&str, &str, u32)],
    years: (i32, i32),
) -> anyhow::Result<PlansSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let mut sum = PlansSummary::default();
    let last = now.date_naive().year().min(years.1);
    for &(unit_code, agency_code, done_pct) in owners {
        let u = units::resolve(c, &Scope::everything(), unit_code, Some(years.0), None)
            .await
            .map_err(|e| anyhow!("demo unit {unit_code} missing: {e}"))?
            .unit;
        let a = agencies::by_code(c, agency_code)
            .await?
            .ok_or_else(|| anyhow!("demo agency {agency_code} missing"))?;
        for year in years.0..=last {
            if annual_plans::by_owner(c, u.id, a.id, year).await?.is_some() {
                continue;
            }
            let plan = annual_plans::create(
                c,
                &actor,
                now,
                &NewPlan {
                    unit_id: u.id,
                    agency_id: a.id,
                    year,
                    note: None,
                },
            )
            .await?;
            sum.plans += 1;
            // The unit's own activities of the year (not those of units under it).
            let acts: Vec<_> = activities::list(
                c,
                &Scope::everything(),
                &ActivityFilter {
                    unit_path: Some(u.path.clone()),
                    year: Some(year),
                    ..Default::default()
                },
            )
            .await?
            .into_iter()
            .filter(|r| r.activity.unit_id == u.id)
            .map(|r| r.activity)
            .collect();
            let n = rng.random_range(4..=8usize);
            let mut picked: Vec<usize> = Vec::new();
            // Activities of the year come first, so that what was done was planned.
            for act in &acts {
                if picked.len() >= n {
                    break;
                }
                if let Some(i) = (0..TEMPLATES.len())
                    .find(|&i| TEMPLATES[i].0 == act.project_code && !picked.contains(&i))
                {
                    picked.push(i);
                }
            }
            while picked.len() < n {
                let i = rng.random_range(0..TEMPLATES.len());
                if !picked.contains(&i) {
                    picked.push(i);
                }
            }
            let mut used: HashSet<i32> = HashSet::new();
            for (k, &i) in picked.iter().enumerate() {
                let (project, kind, title, people, budget) = TEMPLATES[i];
                let scale = if unit_code == "12" { 2 } else { 1 };
                let item = annual_plans::add_item(
                    c,
                    &actor,
                    now,
                    plan.id,
                    &PlanItem {
                        project: project.into(),
                        kind,
                        title: title.into(),
                        month: Some(((k as i32 * 3 + rng.random_range(1..=2)) % 12) + 1),
                        planned_participants: people * scale,
                        planned_budget: Dong(budget * 1_000 * scale as i64),
                    },
                )
                .await?;
                sum.items += 1;
                if rng.random_range(0..100u32) >= done_pct {
                    continue;
                }
                if let Some(act) = acts
                    .iter()
                    .find(|x| x.project_code == project && !used.contains(&x.id))
                {
                    used.insert(act.id);
                    annual_plans::link_item(c, &actor, now, &plan, item.id, Some(act.id)).await?;
                    sum.linked += 1;
                }
            }
        }
    }
    Ok(sum)
}
