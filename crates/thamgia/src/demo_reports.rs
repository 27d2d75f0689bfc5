//! Demo annual reports, written after every other demo record (an approval
//! locks the district's year).
//!
//! 2016–2019: most districts' reports were submitted in early January and
//! approved (figures frozen, years locked); Mường Tè (107) was late in 2016 and
//! never reported 2017, Nậm Nhùn (112) has no 2019 report, Sìn Hồ's (108) 2019
//! report was sent late and still waits for review. Tam Đường's (106)
//! 2018 report is LEFT AS A DRAFT, so the annual-report journey can write,
//! submit, return, fix and approve it. The province's own 2016 and 2017 reports
//! are approved; later ones are not written yet (approving them would lock
//! every district's year).
//!
//! 2020 is in mixed states: some approved, one submitted on time and waiting,
//! one submitted late, one returned with a reason, one still a draft, and 107
//! and 112 missing.

use chrono::{DateTime, TimeZone, Utc};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::reports::{ReportAction, ReportRole};
use thamgia_store::entity::unit;
use thamgia_store::report_data;
use thamgia_store::reports::{self, Move, Narrative};
use thamgia_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use thamgia_store::{Db, units};

/// How many reports were made.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReportsSummary {
    pub reports: usize,
    pub approved: usize,
}

/// Where a demo report ends up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    Draft,
    Submitted,
    Returned,
    Approved,
}

/// (unit, year, end, submitted on day of January of the next year).
fn plan() -> Vec<(&'static str, i32, End, u32)> {
    let districts = ["105", "106", "107", "108", "109", "110", "111", "112"];
    let mut v = Vec::new();
    for year in 2016..=2019 {
        for d in districts {
            let day = match (d, year) {
                ("107", 2016) => 28,
                ("107", 2017) | ("112", 2019) => continue,
                ("106", 2018) => {
                    v.push((d, year, End::Draft, 0));
                    continue;
                }
                // Sìn Hồ sent its 2019 report late and it still waits for
                // review, so 2019 stays open there (the forum and import
                // journeys record Sìn Hồ's 2019).
                ("108", 2019) => {
                    v.push((d, year, End::Submitted, 20));
                    continue;
                }
                _ => 8 + (d.len() as u32 + year as u32) % 6,
            };
            v.push((d, year, End::Approved, day));
        }
    }
    v.push(("12", 2016, End::Approved, 25));
    v.push(("12", 2017, End::Approved, 26));
    v.extend([
        ("105", 2020, End::Approved, 9),
        ("106", 2020, End::Submitted, 12),
        ("108", 2020, End::Submitted, 27),
        ("109", 2020, End::Returned, 14),
        ("110", 2020, End::Approved, 11),
        ("111", 2020, End::Draft, 0),
    ]);
    v
}

fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day.clamp(1, 31), hour, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Who reports what, and to whom.
pub struct Span<'a> {
    /// (unit code, year, end, day submitted) — a code is read with its year.
    pub reports: Vec<(&'a str, i32, End, u32)>,
    /// The month reports are submitted in: `None` for January of the next
    /// year; `Some(m)` for month `m` of the year itself (a year not over yet).
    pub month: Option<u32>,
    /// Who reviews them (the coordinating department).
    pub reviewer: &'a str,
    /// The report's "Nơi nhận".
    pub recipients: &'a str,
}

/// Writes the demo reports of 2016–2020; `now` only for reports still being written.
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<ReportsSummary> {
    let span = Span {
        reports: plan(),
        month: None,
        reviewer: "demo: Sở LĐTB&XH",
        recipients: "Sở Lao động - TB&XH tỉnh Lai Châu;\nLưu: VT.",
    };
    fill_span(db, now, &span).await
}

/// Writes the reports of a span; `now` only for reports still being written.
pub async fn fill_span(
    db: &Db,
    now: DateTime<Utc>,
    span: &Span<'_>,
) -> anyhow::Result<ReportsSummary> {
    let c = &db.conn;
    let mut out = ReportsSummary::default();
    let when = |year: i32, day: u32, hour: u32| match span.month {
        None => at(year + 1, 1, day, hour),
        Some(m) => at(year, m, day, hour),
    };
    for &(code, year, end, day) in &span.reports {
        // A code names a unit only with a year (codes were reused in 2025).
        let found = unit::Entity::find()
            .filter(unit::Column::Code.eq(code))
            .all(c)
            .await?;
        let Some(u) = (match found.len() {
            0 => None,
            1 => found.into_iter().next(),
            _ => Some(
                units::resolve(c, &Scope::everything(), code, Some(year), None)
                    .await?
                    .unit,
            ),
        }) else {
            continue;
        };
        let author = Actor::system(&format!("demo: cán bộ {}", u.name_vi));
        let reviewer = Actor::system(span.reviewer);
        let due = report_data::due_on(c, &u.path, year).await?;
        let written = if end == End::Draft {
            now
        } else {
            when(year, day, 1)
        };
        let r = reports::get_or_create(c, &author, written, u.id, year, due).await?;
        out.reports += 1;
        let narrative = Narrative {
            doc_number: Some(format!("{}/BC-UBND", 10 + year % 100)),
            // The export writes the place the decree asks for ("Tam Đường").
            place: None,
            signer_name: Some("Nguyễn Văn Hùng".into()),
            signer_title: Some("Phó Chủ tịch UBND".into()),
            recipients: Some(span.recipients.into()),
            results: if end == End::Draft {
                String::new()
            } else {
                format!(
                    "Năm {year}, {} đã triển khai các hoạt động thúc đẩy quyền tham gia của trẻ em theo kế hoạch của tỉnh.",
                    u.name_vi
                )
            },
            difficulties: String::new(),
            proposals: String::new(),
        };
        reports::save_narrative(c, &author, written, r.id, narrative).await?;
        if end == End::Draft {
            continue;
        }
        let submitted = when(year, day, 2);
        let figures = report_data::build(c, &u, year, submitted.date_naive())
            .await?
            .to_json();
        let role = if u.level == "province" {
            ReportRole::Coordinator
        } else {
            ReportRole::Author
        };
        let mv = |action, role, reason| Move {
            action,
            role,
            reason,
            figures: None,
        };
        let _ = reports::act(
            c,
            &author,
            submitted,
            r.id,
            Move {
                figures: Some(figures),
                ..mv(ReportAction::Submit, role, None)
            },
        )
        .await?;
        match end {
            End::Approved => {
                let when = when(year, (day + 5).min(31), 3);
                let _ = reports::act(
                    c,
                    &reviewer,
                    when,
                    r.id,
                    mv(ReportAction::Approve, ReportRole::Coordinator, None),
                )
                .await?;
                out.approved += 1;
            }
            End::Returned => {
                let when = when(year, (day + 3).min(31), 3);
                let _ = reports::act(
                    c,
                    &reviewer,
                    when,
                    r.id,
                    mv(
                        ReportAction::Return,
                        ReportRole::Coordinator,
                        Some("Thiếu số liệu tập huấn theo giới tính; đề nghị bổ sung và nộp lại."),
                    ),
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(out)
}
