//! Demo activities of Projects 1 and 2 (and a few of the three models) with
//! their money, 2016–2020, at the province and in all 8 districts.
//!
//! Each unit carries out 6–15 activities a year — events, broadcasts with
//! an audience estimate, articles, publications with copies printed, contests,
//! meetings and training courses with participants by group and sex — led by
//! an agency of the plan (the district's Phòng LĐTB&XH, Phòng GD&ĐT or
//! People's Committee; at the province the departments, the radio and
//! television station, the newspaper and the Youth Union) with one or two
//! coordinating agencies. Mường Tè (107) and Nậm Nhùn (112) lag: 3–5 a year.
//! Most activities have their spending recorded, mostly from the central
//! and local budgets; Thành phố Lai Châu (105) draws on domestic donors,
//! Sìn Hồ (108) and Than Uyên (110) on foreign donors. Every unit has budget
//! lines per year, source and project a little above what it spent, except
//! two lines that were overspent — Sìn Hồ's 2019 local budget for Project 2
//! and Phong Thổ's 2018 central budget for Project 1 — so the funding page's
//! warning has something to show. Codes read `HĐ-2019-07`. Everything goes
//! through `store::activities` and the domain's checks, one transaction per
//! unit and year. Deterministic for a given seed. The same generator runs
//! over other years, days and units (a [`Span`]): `demo_recent` runs it for
//! the province, the districts and the communes of 2021–2026.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{
    ActivityKind, ActivityText, BudgetText, ParticipantGroup, SpendingText, check_activity,
    check_budget, check_spending,
};
use thamgia_store::Db;
use thamgia_store::activities;

/// How many records were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct ActivitiesSummary {
    pub activities: usize,
    pub spendings: usize,
    pub budget_lines: usize,
    /// Budget lines whose spending passed the budget.
    pub overspent: usize,
}

pub struct Place {
    pub code: &'static str,
    /// As it reads inside a title: "huyện Sìn Hồ".
    pub name: &'static str,
    /// Activities a year (inclusive range).
    pub per_year: (usize, usize),
    /// A donor source this unit draws on, and for which project.
    pub donor: Option<(&'static str, &'static str)>,
}

/// The agencies of a unit on a day: (leads for communication, leads for
/// training, others that coordinate).
pub type Agencies = (Vec<String>, Vec<String>, Vec<String>);

/// Which units carry out activities, in which years and between which days
/// (a unit's records stay within its life), under which agencies.
pub struct Span<'a> {
    pub years: (i32, i32),
    /// The first and last day an activity may start or a spending be made
    /// (the last is also never after today).
    pub days: (NaiveDate, NaiveDate),
    pub places: &'a [Place],
    /// Budget lines overspent on purpose: (unit, year, source, project).
    pub overspent: &'a [(&'static str, i32, &'static str, &'static str)],
    /// The agencies of a unit on a day.
    pub agencies: fn(&str, NaiveDate) -> Agencies,
}

/// The province and the 8 districts (the province first).
pub const PLACES: &[Place] = &[
    Place {
        code: "12",
        name: "tỉnh Lai Châu",
        per_year: (10, 15),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "105",
        name: "thành phố Lai Châu",
        per_year: (8, 14),
        donor: Some(("domestic_donors", "DA1")),
    },
    Place {
        code: "106",
        name: "huyện Tam Đường",
        per_year: (7, 12),
        donor: None,
    },
    Place {
        code: "107",
        name: "huyện Mường Tè",
        per_year: (3, 5),
        donor: None,
    },
    Place {
        code: "108",
        name: "huyện Sìn Hồ",
        per_year: (7, 13),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "109",
        name: "huyện Phong Thổ",
        per_year: (6, 11),
        donor: None,
    },
    Place {
        code: "110",
        name: "huyện Than Uyên",
        per_year: (6, 12),
        donor: Some(("foreign_donors", "DA2")),
    },
    Place {
        code: "111",
        name: "huyện Tân Uyên",
        per_year: (6, 10),
        donor: None,
    },
    Place {
        code: "112",
        name: "huyện Nậm Nhùn",
        per_year: (3, 5),
        donor: None,
    },
];

/// Budget lines overspent on purpose: (unit, year, source, project).
pub const OVERSPENT: &[(&str, i32, &str, &str)] = &[
    ("108", 2019, "local", "DA2"),
    ("109", 2018, "central", "DA1"),
];

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("demo date")
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Whole hundreds of thousands of đồng between `lo` and `hi` million.
fn money(rng: &mut StdRng, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo * 10..=hi * 10) * 100_000
}

/// One planned activity before it is written.
struct Draft {
    text: ActivityText,
    /// (source, amount) of its spending, if recorded.
    spending: Option<(&'static str, i64)>,
}

/// The agencies of a unit under the 2016–2020 plan: (lead for
/// communication, lead for training, others that coordinate).
pub fn agencies_2016(code: &str, _on: NaiveDate) -> Agencies {
    if code == "12" {
        (
            vec!["SLDTBXH".into(), "STTTT".into(), "SVHTTDL".into()],
            vec!["SLDTBXH".into(), "SGDDT".into(), "TDTN".into()],
            vec![
                "SGDDT".into(),
                "TDTN".into(),
                "HLHPN".into(),
                "SVHTTDL".into(),
                "DPTTH".into(),
                "BLC".into(),
            ],
        )
    } else {
        (
            vec![format!("PLDTBXH-{code}"), format!("UBND-{code}")],
            vec![format!("PLDTBXH-{code}"), format!("PGDDT-{code}")],
            vec![
                format!("PGDDT-{code}"),
                format!("UBND-{code}"),
                format!("PLDTBXH-{code}"),
                "TDTN".into(),
            ],
        )
    }
}

fn draft(rng: &mut StdRng, span: &Span, p: &Place, year: i32, n: usize) -> Option<Draft> {
    let (first, last) = span.days;
    let month = rng.random_range(1..=11u32);
    let day = rng.random_range(1..=28u32);
    let starts = NaiveDate::from_ymd_opt(year, month, day)?;
    if starts < first || starts > last {
        return None;
    }
    let (comm_leads, train_leads, others) = (span.agencies)(p.code, starts);
    let roll = rng.random_range(0..100);
    let (project, kind, title, days, lead): (&str, ActivityKind, String, i64, String) = if roll < 45
    {
        let kind = *pick(
            rng,
            &[
                ActivityKind::Event,
                ActivityKind::Broadcast,
                ActivityKind::Broadcast,
                ActivityKind::Article,
                ActivityKind::Publication,
                ActivityKind::Contest,
                ActivityKind::Meeting,
            ],
        );
        let title = match kind {
            ActivityKind::Event => format!(
                "Mít tinh hưởng ứng Tháng hành động vì trẻ em năm {year} tại {}",
                p.name
            ),
            ActivityKind::Broadcast => format!(
                "Chuyên mục phát thanh \"Trẻ em có quyền được lắng nghe\" số {n} năm {year}, {}",
                p.name
            ),
            ActivityKind::Article => format!(
                "Bài viết về quyền tham gia của trẻ em ở {} ({year})",
                p.name
            ),
            ActivityKind::Publication => format!(
                "In tờ gấp, áp phích về quyền tham gia của trẻ em năm {year}, {}",
                p.name
            ),
            ActivityKind::Contest => format!(
                "Cuộc thi vẽ tranh \"Tiếng nói trẻ em\" năm {year}, {}",
                p.name
            ),
            _ => format!(
                "Hội nghị truyền thông về quyền tham gia của trẻ em năm {year}, {}",
                p.name
            ),
        };
        let lead = if p.code == "12" && kind == ActivityKind::Broadcast {
            "DPTTH".to_string()
        } else if p.code == "12" && kind == ActivityKind::Article {
            "BLC".to_string()
        } else {
            pick(rng, &comm_leads).clone()
        };
        ("DA1", kind, title, rng.random_range(0..=1), lead)
    } else if roll < 85 {
        let audience = *pick(
            rng,
            &[
                "giáo viên",
                "cán bộ bảo vệ, chăm sóc trẻ em cấp xã",
                "cán bộ Đoàn, Đội",
                "cha mẹ, người chăm sóc trẻ",
                "trẻ em nòng cốt",
            ],
        );
        (
            "DA2",
            ActivityKind::Training,
            format!(
                "Tập huấn kỹ năng thúc đẩy quyền tham gia của trẻ em cho {audience}, {} (lớp {n}/{year})",
                p.name
            ),
            rng.random_range(1..=2),
            pick(rng, &train_leads).clone(),
        )
    } else {
        let (project, title) = *pick(
            rng,
            &[
                ("MH1", "Họp chuẩn bị Diễn đàn trẻ em"),
                ("MH2", "Sinh hoạt Hội đồng trẻ em"),
                ("MH3", "Giao lưu các câu lạc bộ quyền tham gia của trẻ em"),
            ],
        );
        let lead = if project == "MH2" {
            if p.code == "12" {
                "TDTN".to_string()
            } else {
                format!("UBND-{}", p.code)
            }
        } else {
            pick(rng, &comm_leads).clone()
        };
        (
            project,
            ActivityKind::Meeting,
            format!("{title} {} năm {year}", p.name),
            0,
            lead,
        )
    };
    let ends = (starts + Duration::days(days))
        .min(NaiveDate::from_ymd_opt(year, 12, 31)?)
        .min(last);
    let mut coordinating: Vec<String> = vec![];
    for _ in 0..rng.random_range(1..=2) {
        let c = pick(rng, &others).clone();
        if c != lead && !coordinating.contains(&c) {
            coordinating.push(c);
        }
    }
    let mut text = ActivityText {
        code: format!("HĐ-{year}-{n:02}"),
        project: project.into(),
        kind: kind.as_str().into(),
        title,
        unit: p.code.into(),
        starts_on: starts.format("%d/%m/%Y").to_string(),
        ends_on: ends.format("%d/%m/%Y").to_string(),
        lead_agency: lead,
        coordinating: coordinating.join("; "),
        ..Default::default()
    };
    match kind {
        ActivityKind::Training => {
            let groups = [
                ParticipantGroup::Officials,
                ParticipantGroup::ChildProtection,
                ParticipantGroup::Teachers,
                ParticipantGroup::YouthPioneer,
                ParticipantGroup::Parents,
                ParticipantGroup::Children,
            ];
            let first = rng.random_range(0..groups.len());
            let count = rng.random_range(1..=3usize);
            for g in groups.iter().cycle().skip(first).take(count) {
                let female = rng.random_range(6..=30);
                let male = rng.random_range(4..=25);
                text.participants
                    .insert(g.as_str().into(), (female.to_string(), male.to_string()));
            }
        }
        ActivityKind::Broadcast => {
            text.audience = (rng.random_range(5..=60) * 1_000).to_string();
        }
        ActivityKind::Publication => {
            text.copies = (rng.random_range(2..=30) * 100).to_string();
        }
        ActivityKind::Event | ActivityKind::Contest | ActivityKind::Meeting => {
            let girls = rng.random_range(20..=120);
            let boys = rng.random_range(20..=110);
            text.participants.insert(
                ParticipantGroup::Children.as_str().into(),
                (girls.to_string(), boys.to_string()),
            );
        }
        _ => {}
    }
    // Most activities have their spending recorded.
    let spending = (rng.random_range(0..100) < 85).then(|| {
        let amount = match kind {
            ActivityKind::Training => money(rng, 15, 60),
            ActivityKind::Publication => money(rng, 10, 40),
            ActivityKind::Contest => money(rng, 10, 30),
            ActivityKind::Event => money(rng, 5, 30),
            ActivityKind::Broadcast => money(rng, 3, 15),
            ActivityKind::Article => money(rng, 1, 5),
            _ => money(rng, 5, 20),
        };
        let source = match p.donor {
            Some((donor, dp)) if dp == project && rng.random_range(0..100) < 40 => donor,
            _ if rng.random_range(0..100) < 40 => "central",
            _ => "local",
        };
        (source, amount)
    });
    Some(Draft { text, spending })
}

/// 2016–2020, the province and the 8 districts.
pub fn span_2016_2020() -> anyhow::Result<Span<'static>> {
    Ok(Span {
        years: (2016, 2020),
        days: (date(2016, 1, 1)?, date(2020, 12, 31)?),
        places: PLACES,
        overspent: OVERSPENT,
        agencies: agencies_2016,
    })
}

/// Fills the demo activities, spending and budget lines. Runs on a database
/// holding the plan (`demo::fill`), after the councils and clubs.
pub async fn fill(db: &Db, now: DateTime<Utc>, seed: u64) -> anyhow::Result<ActivitiesSummary> {
    fill_span(db, now, seed, &span_2016_2020()?).await
}

/// Fills the activities, spending and budget lines of `span`: for each unit
/// and year, activities starting within the span's days (none after today),
/// their spending, and budget lines a little above what was spent. Runs
/// before any report of those years is approved (a locked year refuses them).
pub async fn fill_span(
    db: &Db,
    now: DateTime<Utc>,
    seed: u64,
    span: &Span<'_>,
) -> anyhow::Result<ActivitiesSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let actor = Actor::system("demo");
    let c = &db.conn;
    let lookup = activities::lookup(c, &Scope::everything()).await?;
    let span = &Span {
        days: (span.days.0, span.days.1.min(now.date_naive())),
        ..*span
    };
    let last = span.days.1;
    let mut sum = ActivitiesSummary::default();
    for p in span.places {
        if !lookup.units.contains_key(p.code) {
            return Err(anyhow!("demo unit {} missing", p.code));
        }
        for year in span.years.0..=span.years.1 {
            if date(year, 1, 1)? > last {
                continue;
            }
            let n = rng.random_range(p.per_year.0..=p.per_year.1);
            let mut drafts: Vec<Draft> = (1..=n)
                .filter_map(|i| draft(&mut rng, span, p, year, i))
                .collect();
            // The lines overspent on purpose need spending on them.
            for (_, _, source, project) in span
                .overspent
                .iter()
                .filter(|(u, y, _, _)| *u == p.code && *y == year)
            {
                let mut next = n + 1;
                while !drafts.iter().any(|d| d.text.project == *project) && next < n + 60 {
                    if let Some(d) = draft(&mut rng, span, p, year, next) {
                        drafts.push(d);
                    }
                    next += 1;
                }
                if let Some(d) = drafts.iter_mut().find(|d| d.text.project == *project) {
                    d.spending = Some((source, money(&mut rng, 30, 50)));
                }
            }
            drafts.sort_by(|a, b| a.text.code.cmp(&b.text.code));
            // Spent per (source, project): the budget is set a little above,
            // except on the lines overspent on purpose.
            let mut spent: BTreeMap<(String, String), i64> = BTreeMap::new();
            for d in &drafts {
                if let Some((source, amount)) = d.spending {
                    *spent
                        .entry((source.to_string(), d.text.project.clone()))
                        .or_default() += amount;
                }
            }
            for project in ["DA1", "DA2"] {
                for source in ["central", "local"] {
                    spent
                        .entry((source.to_string(), project.to_string()))
                        .or_default();
                }
            }
            let tx = thamgia_store::begin_write(c).await?;
            let stamp = at(date(year, 1, 15)?.max(span.days.0), 9);
            for ((source, project), amount) in &spent {
                let over =
                    span.overspent
                        .contains(&(p.code, year, source.as_str(), project.as_str()));
                let budget = if over {
                    // Spent 15–25% more than the budget.
                    (*amount * rng.random_range(75..=85) / 100) / 1_000_000 * 1_000_000
                } else if *amount == 0 {
                    money(&mut rng, 10, 40)
                } else {
                    (*amount * rng.random_range(105..=140) / 100 + 999_999) / 1_000_000 * 1_000_000
                };
                let t = BudgetText {
                    unit: p.code.into(),
                    year: year.to_string(),
                    source: source.clone(),
                    project: project.clone(),
                    amount: budget.to_string(),
                    note: if over {
                        "Dự toán giao đầu năm, chưa điều chỉnh".into()
                    } else {
                        String::new()
                    },
                };
                let b = check_budget(&t, &lookup).map_err(|e| anyhow!("demo budget: {e:?}"))?;
                activities::set_budget_in(&tx, &actor, stamp, &b).await?;
                sum.budget_lines += 1;
                if over && *amount > budget {
                    sum.overspent += 1;
                }
            }
            for d in &drafts {
                let a = check_activity(&d.text, &lookup)
                    .map_err(|e| anyhow!("demo activity {}: {e:?}", d.text.code))?;
                let (row, _) = activities::save_in(&tx, &actor, at(a.starts_on, 8), &a).await?;
                sum.activities += 1;
                if let Some((source, amount)) = d.spending {
                    let spent_on = a.ends_on.min(last);
                    let t = SpendingText {
                        unit: p.code.into(),
                        activity: a.code.clone(),
                        source: source.into(),
                        spent_on: spent_on.format("%d/%m/%Y").to_string(),
                        amount: amount.to_string(),
                        note: "Thanh toán theo chứng từ".into(),
                    };
                    let s = check_spending(&t, &lookup)
                        .map_err(|e| anyhow!("demo spending {}: {e:?}", a.code))?;
                    if activities::add_spending_in(&tx, &actor, at(spent_on, 16), row.id, &s)
                        .await?
                        .is_some()
                    {
                        sum.spendings += 1;
                    }
                }
            }
            tx.commit().await?;
        }
    }
    Ok(sum)
}
